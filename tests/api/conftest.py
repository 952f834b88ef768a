"""Fixtures of the HTTP API tests: the web tests' county with one user per role, an app over it, clients by token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

import supplies
from tests.web.helpers import PASSWORDS, make_app


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


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest, as in the web tests: the users' passwords are not what these tests test."""
    from supplies.services.users import accounts as users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def town(county: supplies.Inventory) -> supplies.Inventory:
    """The web tests' town: the county plus an agency officer of CIV, a dispatcher, a viewer and a lot at each point."""
    county.users.add("officer", role="agency_officer", agency="CIV", password=PASSWORDS["officer"])
    county.users.add("dispatch", role="dispatcher", password=PASSWORDS["dispatch"])
    county.users.add("viewer", role="viewer", password=PASSWORDS["viewer"])
    county.stock.receive("CK-01", "TENT12", 40, batch="T1")
    county.stock.receive("TS-01", "SANDBAG", 500, batch="S1")
    county.stock.receive("TS-02", "QUILT", 30, batch="Q1")
    return county


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
