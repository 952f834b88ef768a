"""The supply channels through the API: contracts, donations and requisitions answer what the library answers
for the token's user (phones in a contact masked), page by cursor, 404 for what is unknown or out of scope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

import supplies
from tests.jurisdiction_city import CHANGSHUN, HUISHUI, build_city
from tests.web.helpers import make_app

from .conftest import ApiAs, client_for, with_channels


def plain(result: Any) -> Any:
    """A library result as JSON gives it, without the old ``lot`` alias of ``batch`` (not part of the API)."""

    def drop(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: drop(v) for k, v in value.items() if k != "lot"}
        if isinstance(value, list):
            return [drop(v) for v in value]
        return value

    dumped = result.as_dict() if hasattr(result, "as_dict") else result
    return drop(json.loads(json.dumps(dumped, default=str)))


MASKED = "张经理 139****1111"


def masked(contract: dict[str, Any]) -> dict[str, Any]:
    return {**contract, "contact": MASKED}


def test_contracts_are_the_librarys_with_the_contact_masked(api_as: ApiAs, town: supplies.Inventory) -> None:
    ids = with_channels(town)
    client = api_as("dispatch")
    library = town.as_user("dispatch").contracts
    assert client.all("/api/v1/contracts") == [masked(plain(c)) for c in library.list()]
    shown = client.get("/api/v1/contracts/HT-1").get_json()
    detail = plain(library.show("HT-1"))
    assert shown["contract"] == masked(detail["contract"])
    assert shown["history"] == [masked(h) for h in detail["history"]] and len(shown["history"]) == 1
    assert shown["call_ups"] == [masked(o) for o in detail["call_ups"]]
    assert shown["call_ups"][0]["request_id"] == ids["request"] and shown["call_ups"][0]["lines"][0]["quantity"] == 5
    assert shown["contract"]["lines"][0]["unit_price"] == "120.50"
    assert "13911111111" not in client.get("/api/v1/contracts/HT-1").get_data(as_text=True)
    assert client.all("/api/v1/contracts?expiring_days=10") == []
    missing = client.get("/api/v1/contracts/NOPE")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.get_json(force=True)["field"] == "code"
    assert client.get("/api/v1/contracts?expiring_days=-1").get_json(force=True)["field"] == "expiring_days"


def test_donations_and_the_disclosure_are_the_librarys(api_as: ApiAs, town: supplies.Inventory) -> None:
    ids = with_channels(town)
    town.donors.add("D-2", "某爱心企业", kind="company")
    for n in range(4):
        town.donations.receive("D-2", "TS-01", "SANDBAG", 10 + n, certificate=f"JZ-2{n}")
    client = api_as("viewer")
    library = town.as_user("viewer").donations
    rows = client.all("/api/v1/donations?limit=2")
    assert rows == [plain(d) for d in library.list()] and len(rows) == 5
    first = client.get("/api/v1/donations?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"] == 2
    assert client.all(f"/api/v1/donations?incident={ids['incident']}") == [
        plain(d) for d in library.list(incident=ids["incident"])
    ]
    assert [d["certificate"] for d in client.all("/api/v1/donations?donor=D-1")] == ["JZ-1"]
    one = rows[0]
    assert client.get(f"/api/v1/donations/{one['id']}").get_json() == one
    assert one["donor_shown_as"] == "匿名" and "13900000000" not in json.dumps(rows)
    assert client.get("/api/v1/donations/4242").status_code == 404
    assert client.get("/api/v1/donations/1267439822911").status_code == 404  # beyond PostgreSQL's integer
    assert client.get("/api/v1/donations?donor=NOPE").status_code == 404
    bad = client.get("/api/v1/donations?since=2026-05-02&until=2026-05-01")
    assert bad.status_code == 422 and bad.get_json(force=True)["field"] == "until"
    disclosure = client.get("/api/v1/donations/disclosure").get_json()
    assert disclosure == plain(library.disclosure().rows)
    assert {(r["donor"], r["item"], r["received"]) for r in disclosure} == {
        ("匿名", "QUILT", 20),
        ("某爱心企业", "SANDBAG", 46),
    }
    assert client.get(f"/api/v1/donations/disclosure?incident={ids['incident']}").get_json() == plain(
        library.disclosure(incident=ids["incident"]).rows
    )


def test_requisitions_are_the_librarys_with_the_owner_id_masked(api_as: ApiAs, town: supplies.Inventory) -> None:
    ids = with_channels(town)
    dispatch = town.as_user("dispatch")
    for n in range(3):
        dispatch.requisitions.add(
            owner=f"商户{n}", authority="县人民政府", basis="《突发事件应对法》", point="TS-02",
            items=[("QUILT", 1 + n, "80.00")],
        )  # fmt: skip
    client = api_as("admin")
    library = town.as_user("admin").requisitions
    rows = client.all("/api/v1/requisitions?limit=2")
    assert rows == [plain(r) for r in library.list()] and len(rows) == 4
    assert [r["id"] for r in client.all("/api/v1/requisitions?open_only=true")] == [
        r.id for r in library.list(open_only=True)
    ]
    shown = client.get(f"/api/v1/requisitions/{ids['requisition']}").get_json()
    assert shown == plain(library.show(ids["requisition"]))
    assert shown["requisition"]["owner_id"] == "5201**********123X" and "19800101" not in json.dumps(rows)
    assert shown["compensation"]["status"] == "assessed" and [r["condition"] for r in shown["returns"]] == [
        "damaged",
        "lost",
    ]
    unassessed = client.get(f"/api/v1/requisitions/{rows[0]['id']}").get_json()
    assert unassessed["compensation"] is None and unassessed["returns"] == []
    assert client.get("/api/v1/requisitions/4242").status_code == 404
    assert client.get("/api/v1/requisitions/1267439822911").status_code == 404


def test_channel_lists_answer_304_until_they_change(api_as: ApiAs, town: supplies.Inventory) -> None:
    with_channels(town)
    client = api_as("admin")
    for url in ("/api/v1/contracts", "/api/v1/donations", "/api/v1/requisitions", "/api/v1/donations/disclosure"):
        etag = client.get(url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
    etag = client.get("/api/v1/donations").headers["ETag"]
    town.donations.receive("D-1", "CK-01", "QUILT", 1)
    assert client.get("/api/v1/donations", headers={"If-None-Match": etag}).status_code == 200


# -- scope: the city's counties ----------------------------------------------------------------------------------------
CITY_USERS = ["city-disp", "city-admin", "hs-disp", "hs-admin", "cs-view", "cs-keeper"]


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    """In each county: a contract and a requisition by its dispatcher, a donation received at its depot."""
    from datetime import timedelta

    from supplies.config import local_today

    city = build_city(inv)
    today = local_today()
    for county, region in (("HS", HUISHUI), ("CS", CHANGSHUN)):
        city.points.add(
            f"{county}-AG", "协议储备仓库", level="county", lat=26.1, lon=106.5, region_code=region, kind="agreement"
        )
        disp = city.as_user(f"{county.lower()}-disp")
        disp.contracts.add(
            f"HT-{county}", company="商贸公司", point=f"{county}-AG", items={"TENT": 10}, valid_from=today,
            valid_to=today + timedelta(days=30), lead_time_hours=6,
        )  # fmt: skip
        city.donors.add(f"D-{county}", "某爱心企业", kind="company")  # dispatchers do not receive stock
        city.donations.receive(f"D-{county}", f"{county}-CK", "TENT", 3)
        disp.requisitions.add(
            owner="李四", authority="县人民政府", basis="《突发事件应对法》", point=f"{county}-CK",
            items=[("TENT", 2, "300.00")],
        )  # fmt: skip
    return city


@pytest.fixture
def city_app(city: supplies.Inventory) -> Flask:
    application = make_app(city, API_RATE_PER_MINUTE=0)
    yield application
    application.extensions["supplies"].close()


@pytest.mark.parametrize("user", CITY_USERS)
def test_each_jurisdiction_sees_its_own_channels(city_app: Flask, city: supplies.Inventory, user: str) -> None:
    client = client_for(city_app, city)(user)
    library = city.as_user(user)
    seen = {
        "contracts": [c["code"] for c in client.all("/api/v1/contracts?limit=1")],
        "donations": [d["id"] for d in client.all("/api/v1/donations?limit=1")],
        "requisitions": [r["id"] for r in client.all("/api/v1/requisitions?limit=1")],
    }
    assert seen == {
        "contracts": [c.code for c in library.contracts.list()],
        "donations": [d.id for d in library.donations.list()],
        "requisitions": [r.id for r in library.requisitions.list()],
    }
    if user == "hs-disp":
        assert seen["contracts"] == ["HT-HS"] and len(seen["donations"]) == len(seen["requisitions"]) == 1
    if user == "city-admin":
        assert set(seen["contracts"]) == {"HT-HS", "HT-CS"}


def test_another_countys_channels_are_not_found(city_app: Flask, city: supplies.Inventory) -> None:
    client = client_for(city_app, city)("hs-disp")
    cs_donation = next(d.id for d in city.donations.list() if d.point == "CS-CK")
    cs_requisition = next(r.id for r in city.requisitions.list() if r.point == "CS-CK")
    assert client.get("/api/v1/contracts/HT-CS").status_code == 404
    assert client.get(f"/api/v1/donations/{cs_donation}").status_code == 404
    assert client.get(f"/api/v1/requisitions/{cs_requisition}").status_code == 404
    assert client.get("/api/v1/contracts/HT-HS").status_code == 200
