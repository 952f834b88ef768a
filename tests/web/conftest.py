"""Fixtures for the web admin: the county with one user per role, an app over it, and logged-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

import supplies

from .helpers import PASSWORDS, login, make_app


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


@pytest.fixture
def flood(inv: supplies.Inventory) -> supplies.Inventory:
    """A demo-like county with the standard codes (every one has a ``:``) for a flood day.

    Two agencies (HSYJ holds living supplies, HSSW flood-control supplies), a county depot
    HS-CK01 kept by ``lina``, a township point HS-TS02 kept by ``yangfan``, a shelter HS-SH01
    (the destination), HSSW's officer ``weizm`` and the dispatcher ``zhangwei``.
    """
    inv.agencies.add("HSYJ", "惠水县应急管理局", contact="罗建华", phone="0854-6222110")
    inv.agencies.add("HSSW", "惠水县水务局", contact="韦志明", phone="0854-6221318")
    inv.classes.add("PLAN14:3", "受灾人员基本生活保障物资", agency="HSYJ")
    inv.classes.add("PLAN14:1", "抢险救援保障物资", agency="HSYJ")
    inv.classes.add("PLAN14:1.2", "防汛抗旱物资", agency="HSSW", parent="PLAN14:1")
    inv.items.add("PLAN14:3.01", "单帐篷(12平方米)", supply_class="PLAN14:3", unit="顶", spec="3.2×3.75m")
    inv.items.add("PLAN14:3.05", "棉被", supply_class="PLAN14:3", unit="床", spec="200×230cm")
    inv.items.add("PLAN14:1.2.01", "编织袋", supply_class="PLAN14:1.2", unit="条", spec="55×95cm")
    inv.points.add(
        "HS-CK01",
        "惠水县应急物资储备库",
        level="county",
        lat=26.1386,
        lon=106.6572,
        region_code="522731",
        address="涟江街道城南大道",
    )
    inv.points.add(
        "HS-TS02",
        "羡塘镇应急物资储备点",
        level="township",
        lat=25.9405,
        lon=106.5598,
        region_code="522731102",
        address="羡塘镇新街",
    )
    inv.points.add(
        "HS-SH01",
        "惠水县体育中心应急避难场所",
        level="county",
        kind="shelter",
        lat=25.95,
        lon=106.57,
        region_code="522731001",
    )
    inv.users.add("zhangwei", role="dispatcher", password=PASSWORDS["zhangwei"])
    inv.users.add("lina", role="warehouse", points=["HS-CK01"], password=PASSWORDS["lina"])
    inv.users.add("yangfan", role="warehouse", points=["HS-TS02"], password=PASSWORDS["yangfan"])
    inv.users.add("weizm", role="agency_officer", agency="HSSW", password=PASSWORDS["weizm"])
    soon = date.today() + timedelta(days=400)
    later = date.today() + timedelta(days=1400)
    inv.stock.receive("HS-TS02", "PLAN14:3.05", 150, batch="2023-HS-06", expires_on=soon)
    inv.stock.receive("HS-CK01", "PLAN14:3.05", 200, batch="2024-HS-01", expires_on=later)
    inv.stock.receive("HS-CK01", "PLAN14:3.01", 120, batch="2024-HS-02", expires_on=later)
    inv.stock.receive("HS-CK01", "PLAN14:1.2.01", 5000, batch="2024-SW-05", expires_on=later)
    return inv


@pytest.fixture
def flood_app(flood: supplies.Inventory) -> Iterator[Flask]:
    application = make_app(flood)
    yield application
    application.extensions["supplies"].close()


@pytest.fixture
def flood_as(flood_app: Flask) -> Callable[[str], FlaskClient]:
    """A test client of the flood-day county logged in as the named user."""

    def make(name: str) -> FlaskClient:
        client = flood_app.test_client()
        login(client, name)
        return client

    return make
