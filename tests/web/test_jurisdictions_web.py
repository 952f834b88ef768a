"""Jurisdictions in the web admin: a city over two counties, each seeing its own; the city narrows its view
with the switcher; a county escalates its shortfall and sees what comes from above.

Built through the public API only (regions, agencies, class assignment, points, users with a region).
The library is the oracle: what a user's page lists is what the core lists for that user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

import supplies
from tests.jurisdiction_city import CHANGSHUN, CITY, HUISHUI, PASSWORD, approved_request, build_city

from .helpers import login, make_app, table, text

USERS = ("city-disp", "hs-disp", "cs-view", "hs-admin", "city-admin")
Client = Callable[[str], FlaskClient]


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    return build_city(inv)


@pytest.fixture
def requests_of(city: supplies.Inventory) -> dict[str, int]:
    return {
        HUISHUI: approved_request(city.as_user("hs-disp"), 100, "HS-CK"),
        CHANGSHUN: approved_request(city.as_user("cs-disp"), 5, "CS-CK"),
    }


@pytest.fixture
def city_app(city: supplies.Inventory) -> Iterator[Flask]:
    application = make_app(city)
    yield application
    application.extensions["supplies"].close()


@pytest.fixture
def as_user(city_app: Flask) -> Client:
    def make(name: str) -> FlaskClient:
        client = city_app.test_client()
        login(client, name, PASSWORD)
        return client

    return make


def _lots(page: str) -> set[str]:
    return set(re.findall(r"B-[A-Z]{2}-[A-Z]{2}", page))


def _request_ids(page: str) -> set[int]:
    return {int(i) for i in re.findall(r"/dispatch/requests/details/\?id=(\d+)", page)}


def _shown(page: str, codes: list[str]) -> set[str]:
    return {c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", page)}


POINTS = ["QN-CK", "HS-CK", "HS-TS", "CS-CK"]
AGENCIES = ["QN-YJ", "HS-MZ", "CS-MZ"]


# -- every list: what the library lists for the user, nothing else ------------------------------------------------
@pytest.mark.parametrize("user", USERS)
def test_every_list_shows_what_the_core_lists_for_the_user(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client, user: str
) -> None:
    client, lib = as_user(user), city.as_user(user)
    assert _lots(table(client.get("/stock/lots/?page_size=500"))) == {x.batch for x in lib.stock.lots()}
    assert _shown(table(client.get("/points/")), POINTS) == {p.code for p in lib.points.list()}
    assert _shown(table(client.get("/catalog/agencies/")), AGENCIES) == {a.code for a in lib.agencies.list()}
    assert _request_ids(table(client.get("/dispatch/requests/"))) == {r.id for r in lib.requests.list()}
    if user.endswith("admin"):
        names = [u.name for u in city.users.list()]
        assert _shown(table(client.get("/users/")), names) == {u.name for u in lib.users.list()}


def test_a_county_dispatcher_sees_only_its_county(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client
) -> None:
    client = as_user("hs-disp")
    assert _lots(table(client.get("/stock/lots/"))) == {"B-HS-CK", "B-HS-TS"}
    assert _shown(table(client.get("/points/")), POINTS) == {"HS-CK", "HS-TS"}
    assert _request_ids(table(client.get("/dispatch/requests/"))) == {requests_of[HUISHUI]}
    home = text(client.get("/"))
    assert _on_map(client) == {"HS-CK", "HS-TS"}  # the dashboard's map layer
    nav = home.split('id="jurisdiction"')[1][:1500]
    assert "惠水县" in nav and HUISHUI in nav and 'id="jurisdiction-form"' not in home  # a name, no switcher
    assert _shown(table(as_user("hs-admin").get("/users/")), list(USERS)) == {"hs-disp", "hs-admin"}


def test_another_county_s_records_are_not_found(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client
) -> None:
    client = as_user("hs-disp")
    cs_point = next(p for p in city.points.list() if p.code == "CS-CK")
    cs_lot = next(x for x in city.stock.lots() if x.point == "CS-CK")
    assert client.get(f"/dispatch/requests/details/?id={requests_of[CHANGSHUN]}").status_code == 404
    assert client.get(f"/stock/lots/details/?id={cs_lot.lot_id}").status_code == 404
    admin = as_user("hs-admin")
    assert admin.get(f"/points/edit/?id={cs_point.id}").status_code == 404
    cs_view = next(u for u in city.users.list() if u.name == "cs-view")
    assert cs_view.name not in table(admin.get("/users/"))
    # and its own are there
    assert client.get(f"/dispatch/requests/details/?id={requests_of[HUISHUI]}").status_code == 200


# -- the switcher ---------------------------------------------------------------------------------------------------
def test_the_city_sees_both_counties_and_narrows_to_one(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client
) -> None:
    client = as_user("city-disp")
    assert _lots(table(client.get("/stock/lots/"))) == {"B-QN-CK", "B-HS-CK", "B-HS-TS", "B-CS-CK"}
    assert _request_ids(table(client.get("/dispatch/requests/"))) == set(requests_of.values())
    page = text(client.get("/stock/lots/"))
    form = page.split('id="jurisdiction-form"')[1].split("</form>")[0]
    assert {CITY, HUISHUI, CHANGSHUN} <= set(re.findall(r'data-code="(\d+)"', form))
    assert "黔南布依族苗族自治州" in page.split('id="jurisdiction"')[1][:600]

    response = client.post("/jurisdiction", data={"code": CHANGSHUN, "next": "/stock/lots/"})
    assert response.status_code == 302 and response.headers["Location"] == "/stock/lots/"
    narrowed = text(client.get("/stock/lots/"))
    assert _lots(table(client.get("/stock/lots/"))) == {"B-CS-CK"}
    assert '<span id="jurisdiction-current">长顺县</span>' in narrowed
    assert _request_ids(table(client.get("/dispatch/requests/"))) == {requests_of[CHANGSHUN]}
    assert _shown(table(client.get("/points/")), POINTS) == {"CS-CK"}
    assert client.get(f"/dispatch/requests/details/?id={requests_of[HUISHUI]}").status_code == 404
    assert _on_map(client) == {"CS-CK"}  # the map follows the narrowed jurisdiction

    client.post("/jurisdiction", data={"code": "", "next": "/"})  # all of the city again
    assert _lots(table(client.get("/stock/lots/"))) == {"B-QN-CK", "B-HS-CK", "B-HS-TS", "B-CS-CK"}


def test_the_switcher_refuses_what_is_not_below_the_user(as_user: Client) -> None:
    city_disp = as_user("city-disp")
    for code in ("520000", "999999", "522731101", "x" * 12):
        response = city_disp.post("/jurisdiction", data={"code": code, "next": "/stock/lots/"}, follow_redirects=True)
        assert response.status_code == 200
        assert "alert-danger" in text(response)
        assert len(_lots(table(response))) == 4  # the view is unchanged
    county = as_user("hs-disp")
    response = county.post("/jurisdiction", data={"code": CHANGSHUN, "next": "/stock/lots/"}, follow_redirects=True)
    assert "alert-danger" in text(response) and _lots(table(response)) == {"B-HS-CK", "B-HS-TS"}
    # off-site "next" goes home instead
    assert (
        city_disp.post("/jurisdiction", data={"code": "", "next": "https://evil.example/"})
        .headers["Location"]
        .startswith("/")
    )


# -- escalation -----------------------------------------------------------------------------------------------------
def test_a_county_escalates_its_shortfall_and_sees_what_comes_from_above(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client
) -> None:
    rid = requests_of[HUISHUI]
    county = as_user("hs-disp")
    url = f"/dispatch/requests/details/?id={rid}"
    before = text(county.get(url))  # approved, nothing reserved yet: all of it could be asked above
    assert 'id="step-escalate"' in before and "100 units short" in before
    county.post(f"/dispatch/requests/act/{rid}/allocate", data={"strategy": "earliest"})
    page = text(county.get(url))
    assert 'id="step-escalate"' in page and "60 units short" in page

    unconfirmed = county.post(f"/dispatch/requests/escalate/{rid}", data={"note": "x"}, follow_redirects=True)
    assert "alert-warning" in text(unconfirmed) and not city.requests.show(rid).escalations

    done = county.post(
        f"/dispatch/requests/escalate/{rid}", data={"confirm": "y", "note": "县库不足"}, follow_redirects=True
    )
    above = city.requests.show(rid).escalations
    assert len(above) == 1 and above[0].jurisdiction == CITY and above[0].status == "submitted"
    assert f'href="/dispatch/requests/details/?id={above[0].id}" id="escalated-link">#{above[0].id}</a>' in text(done)
    assert 'id="from-above"' in text(done) and "黔南布依族苗族自治州" in text(done)
    again = county.post(f"/dispatch/requests/escalate/{rid}", data={"confirm": "y"}, follow_redirects=True)
    assert "alert-danger" in text(again) and len(city.requests.show(rid).escalations) == 1
    assert county.get(f"/dispatch/requests/details/?id={above[0].id}").status_code == 404  # the city's

    state = as_user("city-disp")
    parent = text(state.get(f"/dispatch/requests/details/?id={above[0].id}"))
    assert 'id="escalated-from"' in parent and f"/dispatch/requests/details/?id={rid}" in parent
    assert f"?id={rid}" in table(state.get("/dispatch/requests/"))  # the list links the child too
    state.post(f"/dispatch/requests/act/{above[0].id}/approve", data={})
    state.post(f"/dispatch/requests/act/{above[0].id}/allocate", data={"strategy": "earliest"})
    served = city.requests.show(above[0].id)
    assert sum(a.quantity for a in served.allocations) == 60

    child = text(county.get(url))
    section = child.split('id="from-above"')[1]
    rows = re.findall(r'<tr class="from-above-row">(.*?)</tr>', section, re.S)
    assert rows and sum(int(re.findall(r'text-right">(\d+)<', r)[0]) for r in rows) == 60
    assert all(("QN-CK" in r or "CS-CK" in r) and ("QN-YJ" in r or "CS-MZ" in r) for r in rows)
    assert city.stock.verify().ok


def test_no_escalate_button_for_a_viewer_or_at_the_top(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client
) -> None:
    rid = requests_of[CHANGSHUN]
    city.as_user("cs-disp").requests.allocate(rid)
    city.as_user("cs-disp").requests.reallocate(rid)
    assert 'id="step-escalate"' not in text(as_user("cs-view").get(f"/dispatch/requests/details/?id={rid}"))
    refused = as_user("cs-view").post(f"/dispatch/requests/escalate/{rid}", data={"confirm": "y"})
    assert refused.status_code == 302 and not city.requests.show(rid).escalations


# -- users and classes ------------------------------------------------------------------------------------------------
def test_an_admin_adds_a_user_in_a_jurisdiction_below(city: supplies.Inventory, as_user: Client) -> None:
    admin = as_user("city-admin")
    form = text(admin.get("/users/new/"))
    assert f'value="{HUISHUI}"' in form and f'value="{CITY}"' in form and 'value="520000"' not in form
    data = {"name": "hs-view2", "role": "viewer", "region": HUISHUI, "password": "long-enough-1", "agency": ""}
    response = admin.post("/users/new/", data=data)
    assert response.status_code == 302
    assert next(u for u in city.users.list() if u.name == "hs-view2")
    listing = table(admin.get("/users/"))
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", listing, re.S) if "hs-view2" in r)
    assert "惠水县" in row and HUISHUI in row

    county = as_user("hs-admin")
    bad = county.post("/users/new/", data={**data, "name": "spy", "region": CHANGSHUN})
    assert bad.status_code == 200 and 'value="spy"' in text(bad) and "alert-danger" in text(bad)
    assert not [u for u in city.users.list() if u.name == "spy"]
    # a county admin cannot deactivate a user of the city above
    county.post("/users/action/", data={"action": "deactivate", "rowid": [str(_user_id(city, "city-disp"))]})
    assert next(u for u in city.users.list() if u.name == "city-disp").active


def _user_id(inv: supplies.Inventory, name: str) -> int:
    from sqlmodel import Session, select

    from supplies.models import User

    with Session(inv.engine) as s:
        uid = s.exec(select(User.id).where(User.name == name)).one()
    assert uid is not None
    return uid


def test_an_admin_assigns_a_class_to_an_agency(city: supplies.Inventory, as_user: Client) -> None:
    city.classes.add("FLOOD", "防汛类", agency="QN-YJ")
    admin = as_user("city-admin")
    page = text(admin.get("/catalog/tree/"))
    assert 'id="assign-class"' in page
    done = admin.post("/catalog/tree/assign", data={"supply_class": "FLOOD", "agency": "CS-MZ"}, follow_redirects=True)
    assert done.status_code == 200 and "alert-success" in text(done)
    assert dict(city.classes.responsibilities("FLOOD"))[CHANGSHUN] == "CS-MZ"

    empty = admin.post("/catalog/tree/assign", data={"supply_class": "", "agency": "CS-MZ"})
    assert empty.status_code == 400 and "alert-danger" in text(empty)
    county = as_user("hs-admin")
    refused = county.post("/catalog/tree/assign", data={"supply_class": "FLOOD", "agency": "CS-MZ"})
    assert refused.status_code == 400 and "alert-danger" in text(refused)
    assert 'id="assign-class"' not in text(as_user("hs-disp").get("/catalog/tree/"))
    assert as_user("hs-disp").post("/catalog/tree/assign", data={"supply_class": "FLOOD"}).status_code == 403


def test_in_chinese_the_switcher_and_the_escalation_speak_chinese(
    city: supplies.Inventory, requests_of: dict[str, int], as_user: Client
) -> None:
    county = as_user("hs-disp")
    county.get("/language/zh_Hans_CN")
    rid = requests_of[HUISHUI]
    county.post(f"/dispatch/requests/act/{rid}/allocate", data={"strategy": "earliest"})
    page = text(county.get(f"/dispatch/requests/details/?id={rid}"))
    assert "上报上级" in page and "缺口 60 个单位" in page and "辖区" in page
    done = text(county.post(f"/dispatch/requests/escalate/{rid}", data={"confirm": "y"}, follow_redirects=True))
    above = city.requests.show(rid).escalations[0]
    assert "的缺口已上报上级，为申请 <a href=" in done and f">#{above.id}</a>" in done
    assert "上级调拨" in done
    state = as_user("city-disp")
    state.get("/language/zh_Hans_CN")
    home = text(state.get("/"))
    assert "黔南布依族苗族自治州（全部）" in home and "惠水县" in home.split('id="jurisdiction-form"')[1]


def _on_map(client: FlaskClient) -> set[str]:
    layer = client.get("/map/layers/points.geojson").get_json()
    return {f["properties"]["code"] for f in layer["features"]}
