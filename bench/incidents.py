"""Past incidents of the synthetic province and their dispatch requests, run through the real dispatch engine.

Requests end in every state a dispatcher sees (draft, submitted, rejected, allocated, dispatched,
received, closed, cancelled) but never "approved", so that a benchmark that plans every approved
request plans exactly the ones it creates.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from itertools import cycle

import supplies

from .region import Region
from .scales import Scale

_TYPES = ("flood", "flood", "landslide", "earthquake", "snow_ice")
_NAMES = {"flood": "洪涝灾害", "landslide": "山体滑坡", "earthquake": "地震", "snow_ice": "低温雨雪冰冻灾害"}
_ENDS = ("closed", "received", "dispatched", "allocated", "cancelled", "rejected", "submitted", "draft")


def build_incidents(inv: supplies.Inventory, scale: Scale, region: Region, rng: random.Random, anchor: date) -> int:
    """Add ``scale.incidents`` incidents with ``scale.requests`` requests between them; return how many."""
    dispatcher = inv.as_user("dispatcher-1")
    standard = [it for it in region.items if ".G" not in it.code]
    towns_of: dict[str, list] = {}
    for p in region.points:
        if p.level == "township" and p.kind == "depot":
            towns_of.setdefault(p.region_code[:6], []).append(p)
    ends = cycle(_ENDS)
    made = 0
    for k in range(scale.incidents):
        town = rng.choice(region.townships)
        kind = _TYPES[k % len(_TYPES)]
        started = datetime.combine(anchor, time(), tzinfo=UTC) - timedelta(days=60 - k * 9, hours=rng.randint(0, 23))
        incident = dispatcher.incidents.add(
            f"{town.name}{started:%Y}年“{started:%m·%d}”{_NAMES[kind]}",
            type=kind,
            level=rng.choice(("II", "III", "IV")),
            lat=town.lat,
            lon=town.lon,
            population=rng.randrange(2_000, 60_000, 100),
            region_code=town.code,
            started_at=started,
        )
        share = scale.requests // scale.incidents + (1 if k < scale.requests % scale.incidents else 0)
        for _ in range(share):
            dest = rng.choice(towns_of.get(town.code[:6]) or [p for ps in towns_of.values() for p in ps])
            lines = {
                it.code: max(1, int(it.base_qty * rng.uniform(0.2, 1.0)))
                for it in rng.sample(standard, k=min(len(standard), rng.randint(3, 5)))
            }
            req = dispatcher.requests.create(
                incident.id,
                lines=lines,
                dest_point=dest.code,
                priority=rng.randint(1, 5),
                requesting_unit=f"{town.name}人民政府",
            )
            _drive(dispatcher, req.id, next(ends))
            made += 1
    return made


def _drive(d: supplies.Inventory, rid: int, end: str) -> None:
    """Move request ``rid`` from draft through the life cycle until it reaches ``end``."""
    if end == "draft":
        return
    d.requests.submit(rid)
    if end == "submitted":
        return
    if end == "rejected":
        d.requests.reject(rid, reason="已由县级储备解决")
        return
    d.requests.approve(rid)
    plan = d.requests.allocate(rid)
    if end == "cancelled" or not plan.rows:
        d.requests.cancel(rid, reason="灾情缓解")
        return
    if end == "allocated":
        return
    d.requests.dispatch(rid)
    if end == "dispatched":
        return
    d.requests.receive(rid)
    if end == "closed":
        d.requests.close(rid)
