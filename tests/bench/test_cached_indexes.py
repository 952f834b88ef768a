"""A cached benchmark dataset is measured with the indexes the models declare now, not those it was built with."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import supplies
from bench.generate import sync_indexes
from supplies.models import metadata

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'"
            )
        }


def test_missing_indexes_are_made_and_dropped_ones_removed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    supplies.open(f"sqlite:///{path}", upgrade=True).close()
    declared = indexes(path)
    assert declared == {ix.name for table in metadata.sorted_tables for ix in table.indexes}
    with sqlite3.connect(path) as conn:  # as a dataset built before the summary's covering index
        conn.execute("DROP INDEX ix_stock_lot_class_point_balance")
        conn.execute("CREATE INDEX ix_stock_lot_class_id ON stock_lot (class_id)")
    assert sync_indexes(path) == ["+ix_stock_lot_class_point_balance", "-ix_stock_lot_class_id"]
    assert indexes(path) == declared
    assert sync_indexes(path) == []
