"""A region's subtree is read through the path index, and the plan judge sees a whole-table read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

import supplies
from bench.queryplan import full_scans, judge_plans, recording
from supplies.models import Region
from supplies.models.regions import path_under

pytestmark = pytest.mark.once  # SQLite plans: run in the SQLite half only


def test_the_plan_judge_flags_whole_reads_of_big_tables_only() -> None:
    plans = [
        ["SEARCH storage_point USING COVERING INDEX ix_storage_point_jurisdiction_code (jurisdiction_code=?)"],
        ["SCAN stock_lot", "SCAN item", "SEARCH region USING INDEX ix_region_path (path>? AND path<?)"],
        ["SCAN movement USING COVERING INDEX ix_movement_lot_id", "SCAN stock_lot"],
    ]
    assert full_scans(plans) == ["SCAN stock_lot", "SCAN movement USING COVERING INDEX ix_movement_lot_id"]


def test_a_subtree_is_the_path_prefix_and_uses_the_index(tmp_path: Path) -> None:
    inv = supplies.open(f"sqlite:///{tmp_path / 'r.db'}", upgrade=True)
    inv.users.bootstrap_admin("admin", "admin-password-1")
    inv = inv.as_user("admin")
    inv.regions.add_many(
        [
            ("520000", "省", "province", None),
            ("520100", "市01", "city", "520000"),
            ("520101", "市01县01", "county", "520100"),
            ("520101100", "市01县01镇", "township", "520101"),
            ("520110", "市01县10", "county", "520100"),
            ("520200", "市02", "city", "520000"),
            ("520201", "市02县01", "county", "520200"),
        ]
    )
    with Session(inv.engine) as s:
        for top in ("000000/520000/", "000000/520000/520100/", "000000/520000/520100/520101/"):
            want = sorted(c for c, p in s.exec(select(Region.code, Region.path)).all() if p.startswith(top))
            got = sorted(s.exec(select(Region.code).where(path_under(top, "sqlite"))).all())
            assert got == want
    with recording(inv.engine) as statements:
        inv.regions.list(under="520100")
    verdict = judge_plans(inv.engine, statements)
    assert verdict["statements"] >= 1 and verdict["full_scans"] == []
    assert [r.code for r in inv.regions.list(under="520100")] == ["520100", "520101", "520101100", "520110"]
    inv.close()
