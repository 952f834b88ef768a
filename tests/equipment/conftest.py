"""Fixtures for the equipment tests: the county with a tracked pump item and units at CK-01."""

from __future__ import annotations

import pytest

import supplies


@pytest.fixture
def pumps(county: supplies.Inventory) -> supplies.Inventory:
    """PUMP (tracked, class FLOOD of WAT) with three units at CK-01 and a 30-day plan with 5 days' grace."""
    county.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)
    county.units.receive("CK-01", "PUMP", ["P-1", "P-2", "P-3"], model="QW100", year=2024)
    county.maintenance.plan("PUMP", every_days=30, tasks=["run the engine 30 minutes", "check oil"], grace_days=5)
    return county
