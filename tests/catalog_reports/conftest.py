"""Fixtures for the catalog, import/export, report, readiness and backup tests."""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import select

import supplies
from supplies.models import metadata

BACKEND = "postgresql" if os.environ.get("SUPPLIES_TEST_POSTGRES_URL") else "sqlite"


def snapshot(inv: supplies.Inventory) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that something wrote nothing (or restored everything)."""
    with inv.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).all()]
            for t in metadata.sorted_tables
        }


@pytest.fixture
def stocked(county: supplies.Inventory) -> supplies.Inventory:
    """The county with stock at two points, a closed point, region codes and reserve targets."""
    county.points.add("TS-03", "关闭的储备点", level="township", lat=26.5, lon=106.5, region_code="520102003")
    county.points.close("TS-03")
    county.stock.receive("CK-01", "TENT12", 120, batch="T-2024", expires_on="2034-06-30", unit_cost=850)
    county.stock.receive("CK-01", "QUILT", 300, batch="Q-1")
    county.stock.receive("TS-01", "QUILT", 40, batch="Q-1")
    county.stock.receive("TS-01", "SANDBAG", 5000, batch="", mode="agreement", lead_time_hours=6)
    county.targets.set("TENT12", 200, point="CK-01")
    county.targets.set("QUILT", 500, region_code="520102")
    return county


@pytest.fixture
def busy(stocked: supplies.Inventory) -> supplies.Inventory:
    """The stocked county after a season's work: issues, transfers, a count, a rotation, a write-off, a dispatch."""
    inv = stocked
    inv.stock.issue("CK-01", "QUILT", 25)
    inv.stock.transfer("CK-01", "TS-02", "TENT12", 30, batch="T-2024")
    inv.stock.adjust("TS-01", "QUILT", 38, batch="Q-1")
    inv.stock.rotate("CK-01", "QUILT", 50, batch="Q-1", new_batch="Q-2", new_expires_on="2030-12-31")
    inv.stock.write_off("TS-02", "TENT12", 2, reason="受潮霉变")
    inv.users.add("disp", role="dispatcher", web_login=False)
    disp = inv.as_user("disp")
    incident = disp.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.41, lon=106.61, population=500)
    req = disp.requests.create(incident.id, lines={"QUILT": 60}, dest_lat=26.41, dest_lon=106.61)
    disp.requests.submit(req.id)
    disp.requests.approve(req.id)
    disp.requests.allocate(req.id)
    disp.requests.dispatch(req.id)
    return inv
