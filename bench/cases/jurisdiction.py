"""What the jurisdiction cases share: the scoped users of the dataset, where a plan's stock comes from, plans' scans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

import supplies
from supplies.models import StoragePoint

from ..generate import Dataset
from ..harness import NotMeasured
from ..queryplan import judge_plans, recording


def scoped_user(data: Dataset, key: str) -> str:
    """The name of the dataset's ``county_dispatcher``, ``city_dispatcher`` or ``province_admin``."""
    users = data.manifest.get("users") or {}
    if key not in users:
        raise NotMeasured(f"the dataset {data.path.name} has no {key} (built before generator version 3?)")
    return str(users[key])


def jurisdiction_of_points(engine: Engine) -> dict[str, str]:
    """Every point's code and jurisdiction (read directly, unscoped: to check what a scoped plan used)."""
    with engine.connect() as conn:
        return {
            str(code): str(j) for code, j in conn.execute(select(StoragePoint.code, StoragePoint.jurisdiction_code))
        }


def subtree(inv: supplies.Inventory) -> set[str]:
    """The jurisdictions the acting user of ``inv`` acts on."""
    return {r.code for r in inv.regions.jurisdictions()}


def plan_check(engine: Engine, work: Callable[[], Any]) -> dict[str, Any]:
    """Run ``work`` once and judge the plans of the SELECT statements it issued (SQLite)."""
    with recording(engine) as statements:
        work()
    return judge_plans(engine, statements)


def scan_notes(check: dict[str, Any]) -> list[str]:
    return [f"reads a big table whole: {line}" for line in check.get("full_scans") or []]
