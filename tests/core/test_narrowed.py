"""Narrowing a user's scope to one jurisdiction below (the web's switcher): only ever narrower, applied by the core."""

from __future__ import annotations

import pytest
from sqlmodel import Session

import supplies
from supplies.errors import PermissionDenied
from supplies.permissions import load_actor, narrowed

CITY, HUISHUI, CHANGSHUN = "522700", "522731", "522729"


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    inv.regions.add("520000", "贵州省", level="province")
    inv.regions.add(CITY, "黔南州", level="city", parent="520000")
    inv.regions.add(HUISHUI, "惠水县", level="county", parent=CITY)
    inv.regions.add(CHANGSHUN, "长顺县", level="county", parent=CITY)
    inv.regions.add("522731101", "好花红镇", level="township", parent=HUISHUI)
    for code, region in (("QN", CITY), ("HS", HUISHUI), ("CS", CHANGSHUN)):
        inv.agencies.add(code, code, region_code=region)
        inv.points.add(f"{code}-CK", code, level="county", lat=26.1, lon=106.6, region_code=region)
    inv.users.add("city-view", role="viewer", region=CITY, web_login=False)
    inv.users.add("hs-view", role="viewer", region=HUISHUI, web_login=False)
    return inv


def test_a_city_user_narrowed_to_a_county_reads_that_county_only(city: supplies.Inventory) -> None:
    assert {p.code for p in city.as_user("city-view").points.list()} == {"QN-CK", "HS-CK", "CS-CK"}
    county = city.as_user("city-view", jurisdiction=HUISHUI)
    assert {p.code for p in county.points.list()} == {"HS-CK"}
    assert {a.code for a in county.agencies.list()} == {"HS"}
    assert [r.code for r in county.regions.jurisdictions()] == [HUISHUI]
    assert {p.code for p in city.as_user("city-view", jurisdiction=CITY).points.list()} == {"QN-CK", "HS-CK", "CS-CK"}


@pytest.mark.parametrize(
    ("user", "code"),
    [("city-view", "520000"), ("city-view", "522731101"), ("city-view", "999999"), ("hs-view", CHANGSHUN)],
)
def test_narrowing_never_widens_nor_leaves_the_jurisdictions(city: supplies.Inventory, user: str, code: str) -> None:
    with pytest.raises(PermissionDenied):
        city.as_user(user, jurisdiction=code).points.list()
    with Session(city.engine) as s:
        actor = load_actor(s, user)
        with pytest.raises(PermissionDenied):
            narrowed(actor, s, code)
        assert narrowed(actor, s, None) is actor and narrowed(actor, s, actor.jurisdiction) is actor
