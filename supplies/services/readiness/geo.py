"""Travel-time table look-ups for many destinations at once, with the allocation engine's precedence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import or_
from sqlmodel import Session, select

from ...allocation.candidates import Destination, region_prefixes
from ...models import TravelTime
from ..io.tabular import iter_chunks


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
    cols = (TravelTime.from_point_id, TravelTime.to_point_id, TravelTime.to_region_code, TravelTime.hours)
    for chunk in iter_chunks(point_ids, 900):
        for origin, target, _region, hours in s.exec(select(*cols).where(TravelTime.to_point_id.in_(chunk))).all():  # type: ignore[union-attr]
            to_point[target][origin] = float(hours)
    for chunk in iter_chunks(prefixes, 900):
        q = select(*cols).where(or_(TravelTime.to_region_code.in_(chunk)), TravelTime.to_point_id.is_(None))  # type: ignore[union-attr]
        for origin, _target, region, hours in s.exec(q).all():
            to_region[region][origin] = float(hours)
    out = []
    for d in dests:
        hours: dict[int, float] = {}
        for prefix in reversed(region_prefixes(d.region_code)):  # shortest first; longer ones override
            hours.update(to_region.get(prefix, {}))
        if d.point_id is not None:
            hours.update(to_point.get(d.point_id, {}))
        out.append(hours)
    return out
