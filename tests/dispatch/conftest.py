"""Fixtures for the dispatch tests: the county with a dispatcher, an agency officer and a viewer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import supplies
from supplies.services.dispatch.results import RequestResult

from .helpers import NEAR_TS01


@pytest.fixture
def staff(county: supplies.Inventory) -> supplies.Inventory:
    """The county with a dispatcher "disp", CIV's officer "civ", WAT's officer "wat" and a viewer."""
    county.users.add("disp", role="dispatcher", web_login=False)
    county.users.add("civ", role="agency_officer", agency="CIV", web_login=False)
    county.users.add("wat", role="agency_officer", agency="WAT", web_login=False)
    county.users.add("viewer", role="viewer", web_login=False)
    return county


@pytest.fixture
def disp(staff: supplies.Inventory) -> supplies.Inventory:
    """The county acting as its dispatcher."""
    return staff.as_user("disp")


@pytest.fixture
def incident(disp: supplies.Inventory) -> int:
    return disp.incidents.add(
        "河口镇洪涝", type="flood", level="II", lat=26.61, lon=106.81, population=3000, region_code="520102001"
    ).id


@pytest.fixture
def approved(disp: supplies.Inventory, incident: int) -> Callable[..., RequestResult]:
    """Create, submit and approve a request with the given lines (destination near TS-01 by default)."""

    def make(lines: Any, **kw: Any) -> RequestResult:
        where = {} if "dest_point" in kw or "dest_lat" in kw else NEAR_TS01
        req = disp.requests.create(incident, lines=lines, **where, **kw)
        disp.requests.submit(req.id)
        return disp.requests.approve(req.id)

    return make
