"""The same users as the web's role and jurisdiction tests see exactly the same rows through the API as through
the library (and so as through the web, which those tests hold to the library): the scope is the core's, once."""

from __future__ import annotations

import pytest
from flask import Flask

import supplies
from tests.jurisdiction_city import CHANGSHUN, HUISHUI, approved_request, build_city
from tests.web.helpers import make_app

from .conftest import ApiAs, ApiClient, client_for

TOWN_USERS = ["admin", "keeper", "officer", "dispatch", "viewer"]
CITY_USERS = ["city-disp", "hs-disp", "cs-view", "hs-admin", "city-admin", "cs-keeper"]


def _rows(client: ApiClient) -> dict[str, set]:
    return {
        "lots": {(r["point"], r["item"], r["batch"], r["on_hand"]) for r in client.all("/api/v1/lots?limit=3")},
        "points": {r["code"] for r in client.all("/api/v1/points")},
        "requests": {r["id"] for r in client.all("/api/v1/requests")},
        "incidents": {r["id"] for r in client.all("/api/v1/incidents")},
        "ledger": {r["id"] for r in client.all("/api/v1/ledger?limit=3")},
        "targets": {r["id"] for r in client.all("/api/v1/targets")},
    }


def _library(inv: supplies.Inventory) -> dict[str, set]:
    return {
        "lots": {(x.point, x.item, x.batch, x.on_hand) for x in inv.stock.lots()},
        "points": {p.code for p in inv.points.list()},
        "requests": {r.id for r in inv.requests.list()},
        "incidents": {i.id for i in inv.incidents.list()},
        "ledger": {m.id for m in inv.stock.ledger()},
        "targets": {t.id for t in inv.targets.status()},
    }


@pytest.mark.parametrize("user", TOWN_USERS)
def test_every_role_sees_the_same_rows_through_the_api_and_the_library(
    api_as: ApiAs, town: supplies.Inventory, user: str
) -> None:
    town.stock.receive("TS-01", "TENT12", 3, batch="T9")  # as in the web's matrix
    town.targets.set("QUILT", 50, point="TS-02")
    assert _rows(api_as(user)) == _library(town.as_user(user))


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    city = build_city(inv)
    approved_request(city.as_user("hs-disp"), 100, "HS-CK")
    approved_request(city.as_user("cs-disp"), 5, "CS-CK")
    return city


@pytest.fixture
def city_app(city: supplies.Inventory) -> Flask:
    application = make_app(city, API_RATE_PER_MINUTE=0)
    yield application
    application.extensions["supplies"].close()


@pytest.mark.parametrize("user", CITY_USERS)
def test_each_jurisdiction_sees_its_own_through_the_api(city_app: Flask, city: supplies.Inventory, user: str) -> None:
    client = client_for(city_app, city)(user)
    seen = _rows(client)
    assert seen == _library(city.as_user(user))
    if user == "hs-disp":  # as the web's test_a_county_dispatcher_sees_only_its_county
        assert {lot[2] for lot in seen["lots"]} == {"B-HS-CK", "B-HS-TS"}
        assert seen["points"] == {"HS-CK", "HS-TS"}


def test_another_countys_records_are_not_found(city_app: Flask, city: supplies.Inventory) -> None:
    client = client_for(city_app, city)("hs-disp")
    cs_request = next(r.id for r in city.requests.list() if r.jurisdiction == CHANGSHUN)
    hs_request = next(r.id for r in city.requests.list() if r.jurisdiction == HUISHUI)
    assert client.get(f"/api/v1/requests/{cs_request}").status_code == 404
    assert client.get("/api/v1/points/CS-CK").status_code == 404
    assert client.get(f"/api/v1/requests/{hs_request}").status_code == 200
    assert client.post(f"/api/v1/requests/{cs_request}/allocate", json={"dry_run": True}).status_code in (403, 404)
