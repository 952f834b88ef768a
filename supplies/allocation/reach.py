"""Earliest-first without reading the whole province: lots are read from the nearest storage points outward.

A province holds thousands of lots of the items a request names, but an earliest-first plan takes
from a handful of points near the destination. Every point gets a lower bound of the arrival of
anything it holds (travel, from the travel table where it has an entry, plus handling; the lead
time of agreement and capacity lots, never negative, only adds to it). Lots are read from the
points whose bound is lowest, the plan is made, and the circle widens, for the lines not settled
yet, until every line's choice depended only on arrivals what was read for it surely holds (see
``Solution.horizon``), or until it holds every point. The plan is then exactly the one made from
every candidate lot. The points' coordinates are kept per process (:mod:`.active_points`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import Any

import numpy as np
from sqlalchemy import Select as CoreSelect
from sqlalchemy import select, true
from sqlmodel import Session
from sqlmodel.sql.expression import Select

from ..errors import ConcurrencyConflict
from ..i18n import t
from .active_points import active_points, version_query
from .arrival import ArrivalModel, eta_hours_array
from .candidates import Destination, build_problem, candidate_lots, travel_query, travel_tables
from .earliest import plan_earliest
from .model import Need, Problem, Solution

FIRST_POINTS = 64  # nearest points read first, per destination (see below)
# A 10-line flood request at province scale settles within the 64 nearest points (~450 lots, 96
# read ~800). Fewer is a gamble: a line whose nearest stock runs short may take an agreement lot
# with a day's lead time, and then must look at every point that close before it settles (at 24,
# three lines of that request read most of the province); a wider circle reads only the lots of
# the lines not settled yet, so one large line does not make the others read further.
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
    lists: dict[Destination, list[int]] = field(default_factory=dict, repr=False, compare=False)  # ids, as ints

    @classmethod
    def read(
        cls,
        s: Session,
        destinations: Sequence[Destination],
        arrival: ArrivalModel,
        tables: dict[Destination, dict[int, float]],
        only: set[int] | None = None,
        version: tuple[Any, ...] | None = None,
    ) -> PointReach:
        """The active points (of ``only``, when given: no other point can serve the lines) by their
        arrival lower bound to each destination.

        ``version`` is the active points' checksum (:func:`.active_points.version_query`) read in
        this transaction: the points kept in this process are used while it has not changed.
        """
        if version is None:
            version = tuple(s.connection().execute(version_query()).one())
        points = active_points(s, version)
        pid, lat, lon = points.ids, points.lat, points.lon
        if only is not None:
            mask = np.isin(pid, np.fromiter(only, np.int64, len(only)))
            pid, lat, lon = pid[mask], lat[mask], lon[mask]
        n = len(pid)
        ids, lower = {}, {}
        for d in destinations:
            hours = np.full(n, np.nan)
            table = tables.get(d)
            if table:  # a few entries: placed by searching the sorted ids, not a look-up per point
                origins = np.fromiter(table, np.int64, len(table))
                at = np.minimum(np.searchsorted(pid, origins), max(n - 1, 0))
                found = pid[at] == origins if n else np.zeros(len(origins), bool)
                hours[at[found]] = np.fromiter(table.values(), float, len(table))[found]
            # The very expression a lot's arrival is computed with, with no lead time.
            bound = eta_hours_array(arrival, lat, lon, d.lat, d.lon, np.zeros(n), hours)
            order = np.argsort(bound, kind="stable")
            ids[d], lower[d] = pid[order], bound[order]
        return cls(ids, lower)

    def edge(self, d: Destination, read: set[int]) -> float:
        """The lower bound of the nearest point of ``d`` not in ``read``: every lot arriving sooner is at a point read."""
        # The points read are mostly the nearest ones, so walking from the nearest stops after a few
        # dozen; np.isin sorted all 2,000 points on every call (a quarter of an allocation's time).
        for i, point in enumerate(self._nearest_first(d)):
            if point not in read:
                return float(self.lower[d][i])
        return math.inf

    def _nearest_first(self, d: Destination) -> list[int]:
        if d not in self.lists:
            self.lists[d] = self.ids[d].tolist()
        return self.lists[d]

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


def _travel_and_version(
    s: Session, dests: list[Destination]
) -> tuple[dict[Destination, dict[int, float]], tuple[Any, ...]]:
    """The destinations' travel tables and the active points' checksum, in one statement (a round
    trip fewer: it is what makes PostgreSQL slower than SQLite here)."""
    travel = travel_query(dests)
    conn = s.connection()
    if travel is None:
        return travel_tables(dests, []), tuple(conn.execute(version_query()).one())
    statement, params = travel
    rows = conn.execute(_with_version(statement), params).all()
    width = len(version_query().selected_columns)
    found = [tuple(r[width:]) for r in rows if r[width] is not None]  # an entry always has its origin
    return travel_tables(dests, found), tuple(rows[0][:width])


@cache
def _with_version(travel: Select[Any]) -> CoreSelect[*tuple[Any, ...]]:
    """The checksum's single row, with every entry of ``travel`` beside it (or none: an outer join
    keeps the row); built once per shape of the travel statement."""
    version, entries = version_query().subquery(), travel.subquery()
    return select(version, entries).select_from(version).outerjoin(entries, true())


def unsettled(
    problem: Problem, solution: Solution, destinations: dict[int, Destination], edge: dict[int, float]
) -> dict[int, float]:
    """The lines whose choice may have depended on lots outside what was read for them (``edge``:
    per line, every lot serving it that arrives sooner is read), each with the latest arrival it
    looked at (infinite if it ran out of options)."""
    out: dict[int, float] = {}
    for n in problem.needs:
        horizon = solution.horizon.get(n.line_id, math.inf)
        if edge[n.line_id] != math.inf and horizon >= edge[n.line_id] - MARGIN_HOURS:
            out[n.line_id] = horizon
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

    The first read takes every line's lots at the points nearest its destination; a wider circle
    then reads, at its new points, the lots of the lines not settled yet only (a 20,000-unit line
    does not make the 200-unit ones read the whole county).

    With ``lock`` the lots of the final circle are locked in one statement in lot-id order (as
    :func:`build_problem` does with every candidate): at once when the circle holds every point,
    else after the search, read again and planned again; if stock taken meanwhile pushes the plan
    beyond the circle, :class:`ConcurrencyConflict` makes the caller retry rather than lock more
    lots out of order.
    """
    dests = list(set(destinations.values()))
    tables, version = _travel_and_version(s, dests)
    # Lines limited to their jurisdiction's points (every line of a request below the top) can be
    # served from those points only: the circle widens over them alone.
    only = None if any(n.points is None for n in needs) else set().union(*(n.points or () for n in needs))
    reach = PointReach.read(s, dests, arrival, tables, only, version)
    count = dict.fromkeys(dests, FIRST_POINTS)
    points, _ = reach.circle(count)
    if points is None:  # every point: nothing outside to depend on, so lock (if asked) and read once
        return _everything(s, needs, destinations, arrival, lock, within, tables)
    found = {c.lot_id: c for c in candidate_lots(s, needs, within=within, points=points)}
    read = {n.line_id: points for n in needs}  # the points where each line's lots are all read
    by_line = {n.line_id: n for n in needs}
    while True:
        lots = sorted(found.values(), key=_lot_id)
        problem = build_problem(s, needs, destinations, arrival, tables=tables, lots=lots)
        solution = plan_earliest(problem)
        edge = {n.line_id: reach.edge(destinations[n.request_id], read[n.line_id]) for n in needs}
        wider = unsettled(problem, solution, destinations, edge)
        if not wider:
            break
        before, grown = dict(count), set()
        for line_id, horizon in wider.items():
            d = destinations[by_line[line_id].request_id]
            # A line that ran out of options needs a much wider circle; one that looked just past
            # the edge needs the points up to what it looked at (more lots can only arrive sooner).
            reaches = int(np.searchsorted(reach.lower[d], horizon + 2 * MARGIN_HOURS, "right"))
            want = before[d] * GROWTH if horizon == math.inf else max(2 * before[d], reaches)
            count[d] = max(count[d], want)
            grown.add(d)
        if any(count[d] >= len(reach.ids[d]) for d in grown):
            return _everything(s, needs, destinations, arrival, lock, within, tables)
        # Each unsettled line reads the lots of its circle's points it has not read yet; lines
        # that read the same points do so in one statement.
        groups: dict[frozenset[int], list[Need]] = defaultdict(list)
        for line_id in wider:
            need = by_line[line_id]
            circle = set(reach.ids[destinations[need.request_id]][: count[destinations[need.request_id]]].tolist())
            groups[frozenset(circle - read[line_id])].append(need)
            read[line_id] = read[line_id] | circle
        for new, group in groups.items():
            if new:
                found.update((c.lot_id, c) for c in candidate_lots(s, group, within=within, points=new))
    if lock:
        # Every line's lots at every point read for any line: a superset of what each line read.
        points = set().union(*read.values())
        problem = build_problem(s, needs, destinations, arrival, lock=True, within=within, points=points, tables=tables)
        solution = plan_earliest(problem)
        if unsettled(problem, solution, destinations, edge):
            raise ConcurrencyConflict(
                t("stock near the destination was taken by another allocation meanwhile; try again")
            )
    return problem, solution


def _everything(
    s: Session,
    needs: Sequence[Need],
    destinations: dict[int, Destination],
    arrival: ArrivalModel,
    lock: bool,
    within: set[int] | None,
    tables: dict[Destination, dict[int, float]],
) -> tuple[Problem, Solution]:
    """The plan made from every candidate lot, locked if asked (a circle that holds every point)."""
    problem = build_problem(s, needs, destinations, arrival, lock=lock, within=within, tables=tables)
    return problem, plan_earliest(problem)
