"""Fixtures for the web admin: the county with one user per role, an app over it, and logged-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

import supplies

from .helpers import PASSWORDS, login, make_app


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its cheapest settings: the tests log in often, and the hash's strength is not
    what they test (the hash records its own settings, so checking stays correct)."""
    from supplies.services import users

    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def town(county: supplies.Inventory) -> supplies.Inventory:
    """The county plus an agency officer of CIV, a dispatcher and a viewer, and a lot at each point."""
    county.users.add("officer", role="agency_officer", agency="CIV", password=PASSWORDS["officer"])
    county.users.add("dispatch", role="dispatcher", password=PASSWORDS["dispatch"])
    county.users.add("viewer", role="viewer", password=PASSWORDS["viewer"])
    county.stock.receive("CK-01", "TENT12", 40, batch="T1")
    county.stock.receive("TS-01", "SANDBAG", 500, batch="S1")
    county.stock.receive("TS-02", "QUILT", 30, batch="Q1")
    return county


@pytest.fixture
def app(town: supplies.Inventory) -> Iterator[Flask]:
    application = make_app(town)
    yield application
    application.extensions["supplies"].close()


@pytest.fixture
def client_as(app: Flask) -> Callable[[str], FlaskClient]:
    """A test client logged in as the named user."""

    def make(name: str) -> FlaskClient:
        client = app.test_client()
        login(client, name)
        return client

    return make
