"""Travel-time table look-ups for many destinations at once, with the allocation engine's precedence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from sqlalchemy import or_
from sqlmodel import Session, col, select

from ...allocation.candidates import Destination, region_prefixes
from ...models import TravelTime
from ..io.tabular import iter_chunks

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


def table_hours(s: Session, dests: Sequence[Destination]) -> list[dict[int, float]]:
    """For each destination, the table hours from every origin point with an entry for it.

    The same rule as allocation (:func:`supplies.allocation.candidates.travel_table`): an entry
    to the destination point wins over region entries, and a longer (more specific) region code
    wins over a shorter one. Entries are indexed once, so 500 destinations cost one pass.
    """
    point_ids = sorted({d.point_id for d in dests if d.point_id is not None})
    prefixes = sorted({p for d in dests for p in region_prefixes(d.region_code)})
    to_point: dict[int, dict[int, float]] = defaultdict(dict)
    to_region: dict[str, dict[int, float]] = defaultdict(dict)
    # Each query keeps only rows whose destination column is in the chunk: never NULL there.
    to_point_id = cast("Mapped[int]", TravelTime.to_point_id)
    to_region_code = cast("Mapped[str]", TravelTime.to_region_code)
    for chunk in iter_chunks(point_ids, 900):
        q_point = select(TravelTime.from_point_id, to_point_id, TravelTime.hours).where(to_point_id.in_(chunk))
        for origin, target, hours in s.exec(q_point).all():
            to_point[target][origin] = float(hours)
    for chunk in iter_chunks(prefixes, 900):
        q_region = select(TravelTime.from_point_id, to_region_code, TravelTime.hours).where(
            or_(to_region_code.in_(chunk)), col(TravelTime.to_point_id).is_(None)
        )
        for origin, region, hours in s.exec(q_region).all():
            to_region[region][origin] = float(hours)
    out: list[dict[int, float]] = []
    for d in dests:
        by_origin: dict[int, float] = {}
        for prefix in reversed(region_prefixes(d.region_code)):  # shortest first; longer ones override
            by_origin.update(to_region.get(prefix, {}))
        if d.point_id is not None:
            by_origin.update(to_point.get(d.point_id, {}))
        out.append(by_origin)
    return out
