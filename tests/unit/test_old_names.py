"""Renamed names keep working, with a DeprecationWarning: a result's ``.lot`` is its ``.batch``."""

from __future__ import annotations

import pytest

from supplies.services.dispatch.results import AllocationRow, PickLine
from supplies.services.stock.queries import LotResult

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only


def test_lot_is_the_batch_by_its_old_name_and_warns() -> None:
    row = AllocationRow(1, "TENT", "CK-01", "库", 7, "B1", 5, "CIV", 1.5, None)
    lot = LotResult(
        7, "TENT", "帐篷", "顶", "LIVING", "CIV", "CK-01", "库", "county", None, "B2", "physical", None, 0.0, 5, 0
    )
    line = PickLine("TENT", "帐篷", "B3", 5, "顶")
    for result, batch in ((row, "B1"), (lot, "B2"), (line, "B3")):
        with pytest.deprecated_call(match=r"\.batch"):
            assert result.lot == batch
    assert row.as_dict()["lot"] == "B1"  # the JSON keeps the key scripts read
