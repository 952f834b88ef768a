"""The reserve targets list: a region target shows the region's stock, as the dashboard counts it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

import supplies
from supplies import demo

from .helpers import login, make_app, table, text

Client = Callable[[str], FlaskClient]


def _row(page: str, cell: str) -> str:
    """The row of the list with a cell holding exactly ``cell``."""
    return next(r for r in page.split("<tr")[1:] if re.search(rf">\s*{re.escape(cell)}\s*<", r))


def _numbers(row: str) -> list[str]:
    return re.findall(r">\s*([\d,]+)\s*<", row)


def test_a_region_target_shows_what_the_region_holds(client_as: Client, town: supplies.Inventory) -> None:
    town.targets.set("QUILT", 50, region_code="520102")
    town.targets.set("TENT12", 100, point="CK-01")
    page = table(client_as("admin").get("/catalog/targets/"))
    region = _row(page, "520102")
    assert "QUILT" in region and _numbers(region)[-2:] == ["30", "20"]  # held at TS-02 (520102002); short
    point = _row(page, "CK-01")
    assert _numbers(point)[-2:] == ["40", "60"]
    keeper = table(client_as("keeper").get("/catalog/targets/"))
    assert "CK-01" in keeper and "520102" not in keeper  # a keeper sees their own points' targets


@pytest.fixture
def demo_app(databases) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    inv = databases.fresh_inventory()
    demo.load(inv)
    app = make_app(inv)
    yield app
    app.extensions["supplies"].close()
    inv.close()


def test_the_demo_region_target_matches_the_dashboard(demo_app: Flask) -> None:
    client = demo_app.test_client()
    login(client, "admin")
    page = table(client.get("/catalog/targets/?search=PLAN14:1.2.01"))
    region = _row(page, "522731")
    assert "39,500" in region and "10,500" in region  # 20,000 + 3,000 + 5,000 + 4,000 + 2,000 + 2,500 + 3 × 1,000
    dashboard = text(client.get("/"))
    flood = dashboard.split("PLAN14:1.2</code>")[1].split("</tr>")[0]
    # The class's shortfall: the county depot lacks 10,000 bags and 200 life jackets, the region 10,500 bags,
    # and the five townships' 5,000 each lack 2,000 + 0 + 1,000 + 3,000 + 2,500.
    assert _numbers(flood)[2] == "29,200"
