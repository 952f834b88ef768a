"""Earliest-first without reading the whole province: lots are read from the nearest storage points outward.

A province holds thousands of lots of the items a request names, but an earliest-first plan takes
from a handful of points near the destination. Every point gets a lower bound of the arrival of
anything it holds (travel, from the travel table where it has an entry, plus handling; the lead
time of agreement and capacity lots, never negative, only adds to it). Lots are read from the
points whose bound is lowest, the plan is made, and the circle widens until every line's choice
depended only on arrivals the circle surely holds (see ``Solution.horizon``), or until it holds
every point. The plan is then exactly the one made from every candidate lot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np
from sqlmodel import Session, col, select

from ..errors import ConcurrencyConflict
from ..i18n import t
from ..models import PointStatus, StoragePoint
from .arrival import ArrivalModel, eta_hours_array
from .candidates import Destination, build_problem, candidate_lots, travel_table
from .earliest import plan_earliest
from .model import Candidate, Need, Problem, Solution

FIRST_POINTS = 96  # nearest points read first, per destination (see below)
# A 10-line flood request at province scale settles within the 96 nearest points (its 20,000-unit
# line needs more than the 48 once read first): one query of ~800 lots costs less than a second
# query, problem and plan after a first one of ~300.
GROWTH = 4  # how much the circle widens each time it was too small
# Options are ordered by arrival rounded to the minute: a line is settled only if what it looked at
# arrives this much before the circle's edge, so no option outside could have sorted before it.
MARGIN_HOURS = 2 / 60
_lot_id = itemgetter(0)


@dataclass
class PointReach:
    """For each destination, the active storage points ordered by their arrival lower bound."""

    ids: dict[Destination, np.ndarray]  # point ids, nearest first
    lower: dict[Destination, np.ndarray]  # their lower bounds, hours, ascending

    @classmethod
    def read(
        cls,
        s: Session,
        destinations: Sequence[Destination],
        arrival: ArrivalModel,
        tables: dict[Destination, dict[int, float]],
        only: set[int] | None = None,
    ) -> PointReach:
        """The active points (of ``only``, when given: no other point can serve the lines) by their
        arrival lower bound to each destination."""
        q = select(StoragePoint.id, StoragePoint.lat, StoragePoint.lon).where(
            StoragePoint.status == PointStatus.ACTIVE.value
        )
        if only is not None:
            q = q.where(col(StoragePoint.id).in_(sorted(only)))
        # Plain rows: the ORM's row handling is most of the cost of a province's 2,000 points.
        rows = s.connection().execute(q).all()
        n = len(rows)
        pid = np.fromiter((r[0] for r in rows), np.int64, n)
        lat = np.fromiter((r[1] for r in rows), float, n)
        lon = np.fromiter((r[2] for r in rows), float, n)
        ids, lower = {}, {}
        for d in destinations:
            table = tables.get(d)
            hours = np.fromiter((table.get(p, np.nan) for p in pid.tolist()), float, n) if table else np.full(n, np.nan)
            # The very expression a lot's arrival is computed with, with no lead time.
            bound = eta_hours_array(arrival, lat, lon, d.lat, d.lon, np.zeros(n), hours)
            order = np.argsort(bound, kind="stable")
            ids[d], lower[d] = pid[order], bound[order]
        return cls(ids, lower)

    def circle(self, count: dict[Destination, int]) -> tuple[set[int] | None, dict[Destination, float]]:
        """The points to read (the ``count[d]`` nearest of every destination; ``None``: all of them)
        and, per destination, the edge: every lot arriving sooner than it is at a point read."""
        if not self.ids or any(count[d] >= len(ids) for d, ids in self.ids.items()):
            return None, dict.fromkeys(self.ids, math.inf)
        points = np.unique(np.concatenate([ids[: count[d]] for d, ids in self.ids.items()]))
        edge = {}
        for d, ids in self.ids.items():
            # Read for some destination or other, so the circle may reach further than count[d].
            outside = np.flatnonzero(~np.isin(ids, points, assume_unique=True))
            edge[d] = float(self.lower[d][outside[0]]) if len(outside) else math.inf
        return set(points.tolist()), edge


def unsettled(
    problem: Problem, solution: Solution, destinations: dict[int, Destination], edge: dict[Destination, float]
) -> dict[Destination, float]:
    """The destinations of lines whose choice may have depended on lots outside the circle, each
    with the latest arrival such a line looked at (infinite if it ran out of options)."""
    out: dict[Destination, float] = {}
    for n in problem.needs:
        d = destinations[n.request_id]
        horizon = solution.horizon.get(n.line_id, math.inf)
        if edge[d] != math.inf and horizon >= edge[d] - MARGIN_HOURS:
            out[d] = max(out.get(d, horizon), horizon)
    return out


def plan_earliest_nearby(
    s: Session,
    needs: Sequence[Need],
    destinations: dict[int, Destination],
    arrival: ArrivalModel,
    *,
    lock: bool = False,
    within: set[int] | None = None,
) -> tuple[Problem, Solution]:
    """The earliest-first plan of ``needs``, the same as from every candidate lot, reading lots near
    the destinations only.

    With ``lock`` the lots of the final circle are locked in one statement in lot-id order (as
    :func:`build_problem` does with every candidate): at once when the circle holds every point,
    else after the search, read again and planned again; if stock taken meanwhile pushes the plan
    beyond the circle, :class:`ConcurrencyConflict` makes the caller retry rather than lock more
    lots out of order.
    """
    dests = list(set(destinations.values()))
    tables = travel_table(s, dests)
    # Lines limited to their jurisdiction's points (every line of a request below the top) can be
    # served from those points only: the circle widens over them alone.
    only = None if any(n.points is None for n in needs) else set().union(*(n.points or () for n in needs))
    reach = PointReach.read(s, dests, arrival, tables, only)
    count = dict.fromkeys(dests, FIRST_POINTS)
    read: set[int] = set()  # the points whose lots are in ``lots``
    lots: list[Candidate] = []
    while True:
        points, edge = reach.circle(count)
        if points is None:  # every point: nothing outside to depend on, so lock (if asked) and read once
            problem = build_problem(s, needs, destinations, arrival, lock=lock, within=within, tables=tables)
            return problem, plan_earliest(problem)
        # A wider circle reads the lots of its new points only.
        more = candidate_lots(s, needs, within=within, points=points - read)
        lots, read = sorted(chain(lots, more), key=_lot_id), read | points
        problem = build_problem(s, needs, destinations, arrival, tables=tables, lots=lots)
        solution = plan_earliest(problem)
        wider = unsettled(problem, solution, destinations, edge)
        if not wider:
            break
        for d, horizon in wider.items():
            # A line that ran out of options needs a much wider circle; one that looked just past
            # the edge needs the points up to what it looked at (more lots can only arrive sooner).
            reaches = int(np.searchsorted(reach.lower[d], horizon + 2 * MARGIN_HOURS, "right"))
            count[d] = count[d] * GROWTH if horizon == math.inf else max(2 * count[d], reaches)
    if lock:
        problem = build_problem(s, needs, destinations, arrival, lock=True, within=within, points=points, tables=tables)
        solution = plan_earliest(problem)
        if unsettled(problem, solution, destinations, edge):
            raise ConcurrencyConflict(
                t("stock near the destination was taken by another allocation meanwhile; try again")
            )
    return problem, solution
