"""The active storage points' coordinates, kept per process and checked against the database on every use.

Earliest-first orders every active point by distance to the destination before it reads any lot
(:mod:`.reach`); reading a province's 2,000 points for every allocation cost more than the rest of
the search. The points are read once and kept as numpy columns; every allocation reads a checksum
of the active points (their number, the sum of their ids and of their coordinates weighted by id)
in the statement that reads the travel table, and reads the points again only when it changed:
whoever added, moved, closed or reopened a point, in this process or another one.

Only the order in which points are searched comes from here. The statements that read lots check
the point's state (active) and the request's jurisdiction themselves, so even a stale list could
never allocate from a closed point or out of scope; a stale list could only make a plan miss a
point, and the checksum keeps the list from being stale beyond the race every read has (a point
changed between two statements of one allocation).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from threading import Lock
from typing import Any

import numpy as np
from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ..db import select_columns
from ..models import PointStatus, StoragePoint

_KEPT = 16  # databases remembered per process (a test run opens hundreds; a server one or two)


@dataclass(frozen=True)
class ActivePoints:
    """The active points by ascending id, with the checksum they were read under."""

    version: tuple[Any, ...]
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    def positions(self, point_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of ``point_ids`` stands in :attr:`ids`, and which of them are active points at all."""
        at = np.minimum(np.searchsorted(self.ids, point_ids), max(len(self.ids) - 1, 0))
        found = self.ids[at] == point_ids if len(self.ids) else np.zeros(len(point_ids), bool)
        return at, found


@cache
def version_query() -> Select[*tuple[Any, ...]]:
    """One row that changes whenever an active point is added, moved, closed or reopened (built once)."""
    point_id = col(StoragePoint.id)
    return select_columns(
        func.count(),
        func.coalesce(func.sum(point_id), 0),
        func.coalesce(func.sum(col(StoragePoint.lat) * point_id), 0.0),
        func.coalesce(func.sum(col(StoragePoint.lon) * point_id), 0.0),
    ).where(StoragePoint.status == PointStatus.ACTIVE.value)


_kept: OrderedDict[str, ActivePoints] = OrderedDict()
_lock = Lock()


def active_points(s: Session, version: tuple[Any, ...]) -> ActivePoints:
    """The active points of ``s``'s database, read again only if ``version`` (a row of
    :func:`version_query` read in this transaction) is not the one they were kept under."""
    conn = s.connection()
    key = conn.engine.url.render_as_string(hide_password=True)
    with _lock:
        kept = _kept.get(key)
    if kept is not None and kept.version == version:
        return kept
    q = select(StoragePoint.id, StoragePoint.lat, StoragePoint.lon).where(
        StoragePoint.status == PointStatus.ACTIVE.value
    )
    # Plain rows: the ORM's row handling is most of the cost of a province's 2,000 points.
    rows = conn.execute(q.order_by(col(StoragePoint.id))).all()
    n = len(rows)
    fresh = ActivePoints(
        version,
        np.fromiter((r[0] for r in rows), np.int64, n),
        np.fromiter((r[1] for r in rows), float, n),
        np.fromiter((r[2] for r in rows), float, n),
    )
    # Kept under the checksum read before the points: if a point changed in between, the next
    # allocation finds a different checksum and reads them again.
    with _lock:
        _kept[key] = fresh
        _kept.move_to_end(key)
        while len(_kept) > _KEPT:
            _kept.popitem(last=False)
    return fresh
