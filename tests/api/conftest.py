"""Fixtures of the HTTP API tests: the web tests' county with one user per role, an app over it, clients by token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

import supplies
from tests.web import conftest as web
from tests.web.helpers import make_app


class ApiClient:
    """A test client that sends a user's bearer token with every call."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, url: str, headers: dict[str, str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers=self._headers(headers), **kw)

    def post(self, url: str, headers: dict[str, str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
        return self.client.post(url, headers=self._headers(headers), **kw)

    def all(self, url: str) -> list[dict]:
        """Every row of a paged list, page after page by cursor."""
        rows: list[dict] = []
        sep = "&" if "?" in url else "?"
        cursor = None
        while True:
            reply = self.get(url + (f"{sep}cursor={cursor}" if cursor is not None else ""))
            assert reply.status_code == 200, reply.get_data(as_text=True)
            page = reply.get_json()
            rows += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return rows


town = web.town  # the web tests' town, as a fixture here too


@pytest.fixture
def app(town: supplies.Inventory) -> Iterator[Flask]:
    application = make_app(town, API_RATE_PER_MINUTE=0)
    yield application
    application.extensions["supplies"].close()


ApiAs = Callable[..., ApiClient]


def client_for(app: Flask, inv: supplies.Inventory) -> ApiAs:
    def make(name: str) -> ApiClient:
        return ApiClient(app.test_client(), inv.tokens.create(user=name).token)

    return make


@pytest.fixture
def api_as(app: Flask, town: supplies.Inventory) -> ApiAs:
    """A client acting as the named user through a token the admin made for it."""
    return client_for(app, town)


def with_channels(inv: supplies.Inventory) -> dict[str, int]:
    """The town's supply channels: a contract (renewed once, with a phone in its contact) called up for an
    approved request, an anonymous donor's receipt for the incident, and a requisition given back in part
    and assessed. Returns the ids of the incident, the request and the requisition."""
    from datetime import timedelta

    from supplies.config import local_today

    inv.points.add("AG-01", "协议储备仓库", level="county", lat=26.5, lon=106.7, region_code="520102", kind="agreement")
    today = local_today()
    inv.contracts.add(
        "HT-1", company="商贸公司", point="AG-01", items=[("TENT12", 20, "120.50")], valid_from=today,
        valid_to=today + timedelta(days=30), lead_time_hours=6, contact="张经理 13911111111",
    )  # fmt: skip
    inv.contracts.renew("HT-1", valid_to=today + timedelta(days=60))
    disp = inv.as_user("dispatch")
    incident = disp.incidents.add("城关洪水", type="flood", level="IV", lat=26.6, lon=106.8, population=50).id
    request = disp.requests.create(incident, lines={"TENT12": 5}, dest_lat=26.61, dest_lon=106.81).id
    disp.requests.submit(request)
    disp.requests.approve(request)
    disp.contracts.call_up("HT-1", request=request, items={"TENT12": 5})
    inv.donors.add("D-1", "王先生", kind="person", anonymous=True, contact="13900000000")
    inv.donations.receive("D-1", "CK-01", "QUILT", 20, certificate="JZ-1", incident=incident)
    requisition = disp.requisitions.add(
        owner="李四", owner_id="52010219800101123X", authority="县人民政府", basis="《突发事件应对法》",
        point="CK-01", items=[("QUILT", 4, "80.00", "2.00")],
    ).id  # fmt: skip
    disp.requisitions.record_return(requisition, {"QUILT": 3}, "damaged", damage={"QUILT": "10.00"})
    disp.requisitions.record_return(requisition, {"QUILT": 1}, "lost")
    disp.requisitions.assess(requisition)
    return {"incident": incident, "request": request, "requisition": requisition}
