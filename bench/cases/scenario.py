"""Requests the dispatch cases allocate: a private copy of the dataset, an incident, approved requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import supplies

from ..generate import Dataset, copy_database

# What a flood-stricken township asks for first (shelter, bedding, clothing, light, flood
# fighting, water, food), as (item code, quantity).
FLOOD_LINES = [
    ("PLAN14:3.01", 200),
    ("PLAN14:3.05", 2000),
    ("PLAN14:3.04", 1000),
    ("PLAN14:3.07", 500),
    ("PLAN14:3.09", 1000),
    ("PLAN14:3.16", 200),
    ("PLAN14:1.2.01", 20000),
    ("PLAN14:1.2.03", 500),
    ("LOCAL:FOOD.01", 2000),
    ("LOCAL:FOOD.02", 1000),
]
DISPATCHER = "dispatcher-1"


def private_copy(data: Dataset, workdir: Path, name: str) -> Path:
    """A copy of the dataset's file that a case may change freely."""
    return copy_database(data.path, workdir / f"{name}.db")


def township_depots(inv: supplies.Inventory) -> list[str]:
    return [p.code for p in inv.points.list(level="township", kind="depot")]


def flood_incident(inv: supplies.Inventory, point_code: str) -> int:
    p = inv.points.get(point_code)
    return inv.incidents.add(
        f"基准测试 {p.name} 洪涝灾害",
        type="flood",
        level="III",
        lat=p.lat,
        lon=p.lon,
        population=20_000,
        region_code=p.region_code,
    ).id


def approved_request(
    inv: supplies.Inventory,
    incident_id: int,
    dest_point: str,
    lines: list[tuple[str, int]],
    *,
    priority: int = 2,
    needed_in_hours: float = 12,
) -> int:
    """Create, submit and approve one request (``inv`` acts as a dispatcher)."""
    needed_by = datetime.now(UTC) + timedelta(hours=needed_in_hours)
    rid = inv.requests.create(
        incident_id,
        lines=lines,
        dest_point=dest_point,
        priority=priority,
        needed_by=needed_by,
        requesting_unit="基准测试",
    ).id
    inv.requests.submit(rid)
    inv.requests.approve(rid)
    return rid
