"""Candidate lots for request lines in one set-based query, and the allocation problem built from them."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sqlalchemy import ColumnElement, Date, and_, bindparam, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ..db import in_values, select_columns
from ..models import Agency, DonationLot, Item, PointStatus, StockLot, StoragePoint, TravelTime
from ..models.enums import UNAVAILABLE_MODES
from .arrival import ArrivalModel, eta_hours_array
from .earliest import SPLIT_TOLERANCE_HOURS
from .model import Candidate, Need, Option, Problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


@dataclass(frozen=True)
class Destination:
    """Where a request's supplies go: coordinates, and the point or region the travel table may name."""

    lat: float
    lon: float
    point_id: int | None = None
    region_code: str | None = None


@dataclass(frozen=True)
class _Filter:
    """Which lots can serve some of the needs: the shape of the condition and its values.

    The statements are built once per shape (:func:`_candidates_statement`) and the values bound at
    each call: building a statement cost more than running it for a 10-line request.
    """

    item_ids: list[int]
    class_ids: list[int]
    usable: date
    points: list[int] | None

    @property
    def params(self) -> dict[str, Any]:
        return {"item_ids": self.item_ids, "class_ids": self.class_ids, "usable": self.usable, "points": self.points}


def _candidate_filter(needs: Sequence[Need], points: Collection[int] | None = None) -> _Filter | None:
    item_ids = sorted(set().union(*(n.item_ids for n in needs))) if needs else []
    class_ids = sorted(set().union(*(n.class_ids for n in needs))) if needs else []
    if not item_ids and not class_ids:
        return None
    if all(n.points is not None for n in needs):  # every line limited to its jurisdiction's points
        allowed = set().union(*(n.points or () for n in needs))
        points = allowed if points is None else set(points) & allowed
    return _Filter(
        item_ids, class_ids, min(n.usable_until for n in needs), sorted(points) if points is not None else None
    )


def _condition(items: bool, classes: bool, points: bool, dialect: str) -> ColumnElement[bool]:
    """The candidate condition of one shape, with its values as bound parameters (see :class:`_Filter`)."""
    which: list[ColumnElement[bool]] = []
    if items:
        which.append(in_values(col(StockLot.item_id), "item_ids", dialect))
    if classes:
        which.append(in_values(col(StockLot.class_id), "class_ids", dialect))
    cond = and_(
        or_(*which),
        col(StockLot.on_hand) > StockLot.reserved,
        col(StockLot.mode).not_in(UNAVAILABLE_MODES),
        col(StoragePoint.status) == PointStatus.ACTIVE.value,
        or_(col(StockLot.expires_on).is_(None), col(StockLot.expires_on) >= bindparam("usable", type_=Date())),
    )
    if points:
        # On the point's key, not the lot's column: PostgreSQL then looks the few points up first
        # and each one's lots of the items in the (item, point) index, instead of intersecting
        # bitmaps of every lot of the items and every lot at the points.
        cond = and_(cond, in_values(col(StoragePoint.id), "points", dialect))
    return cond


def lock_lots_for(s: Session, needs: Sequence[Need], also: set[int]) -> set[int]:
    """Lock, in one statement and in lot-id order, every candidate of ``needs`` and the lots ``also``;
    return their ids.

    Re-allocation releases its old reservations and then picks candidates among these lots only:
    taking all its locks at once keeps the lock order the same as every other allocator's, so
    none of them can deadlock.
    """
    found = _candidate_filter(needs)
    dialect = s.connection().dialect.name
    params: dict[str, Any] = {"also": sorted(also)}
    wanted: list[ColumnElement[bool]] = []
    if found is not None:
        wanted.append(_condition(bool(found.item_ids), bool(found.class_ids), found.points is not None, dialect))
        params |= found.params
    if also:
        wanted.append(in_values(col(StockLot.id), "also", dialect))
    if not wanted:
        return set()
    lot_id = cast("Mapped[int]", StockLot.id)  # the primary key: never NULL in a row read back
    return set(
        s.connection()
        .execute(
            select(lot_id)
            .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
            .where(or_(*wanted))
            .order_by(lot_id)
            .with_for_update(of=StockLot),
            params,
        )
        .scalars()
    )


def candidate_lots(
    s: Session,
    needs: Sequence[Need],
    *,
    lock: bool = False,
    within: set[int] | None = None,
    points: Collection[int] | None = None,
) -> list[Candidate]:
    """Lots with free stock at active points that could serve any of ``needs``, in lot-id order,
    each with its donor's restriction if it holds donated goods (:meth:`Candidate.allows`).

    One query, whatever the number of lines or lots. With ``lock`` the lot rows are locked
    (``FOR UPDATE``, PostgreSQL) in lot-id order, so concurrent allocators queue instead of
    deadlocking and the free quantities read are the ones we change. ``within`` limits the
    candidates to lots this transaction has locked already (see :func:`lock_lots_for`), and
    ``points`` to the lots at those storage points.
    """
    found = _candidate_filter(needs, points)
    if found is None or (within is not None and not within) or (found.points is not None and not found.points):
        return []
    conn = s.connection()
    q = _candidates_statement(
        bool(found.item_ids),
        bool(found.class_ids),
        found.points is not None,
        within is not None,
        lock,
        conn.dialect.name,
    )
    params = found.params | {"within": sorted(within) if within is not None else None}
    make = Candidate._make
    # Core rows straight from the connection: the ORM's row handling costs more than the query
    # when a province-wide plan reads tens of thousands of lots.
    lots = [make(row) for row in conn.execute(q, params).all()]
    if not lock:  # sorting here is cheaper than the database's sort (SQLite: a temporary B-tree)
        lots.sort(key=_lot_id)
    return lots


@cache
def _candidates_statement(
    items: bool, classes: bool, points: bool, within: bool, lock: bool, dialect: str
) -> Select[Any]:
    """The candidate query of one shape (see :func:`candidate_lots`), built once per database kind."""
    cond = _condition(items, classes, points, dialect)
    if within:
        cond = and_(cond, in_values(col(StockLot.id), "within", dialect))
    # Only what choosing needs; names and codes are looked up for the chosen lots alone.
    q = (
        select_columns(
            StockLot.id,
            StockLot.item_id,
            StockLot.class_id,
            StockLot.point_id,
            StockLot.agency_id,
            StockLot.on_hand - StockLot.reserved,
            StockLot.expires_on,
            StockLot.lead_time_hours,
            StoragePoint.lat,
            StoragePoint.lon,
            DonationLot.incident_id,
            DonationLot.region_code,
            DonationLot.purpose,
        )
        .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
        # A donated lot's restriction, read in the same query (a primary-key lookup per lot).
        .outerjoin(DonationLot, col(DonationLot.lot_id) == StockLot.id)
        .where(cond)
    )
    if lock:  # the locks are taken in the order of the rows
        q = q.order_by(col(StockLot.id)).with_for_update(of=StockLot)
    return q


_lot_id = itemgetter(0)


@dataclass(frozen=True)
class LotLabel:
    """How a chosen lot is shown: its batch, item, point and agency codes, and its expiry."""

    batch: str
    item: str
    point: str
    point_name: str
    agency: str
    expires_on: date | None


def lot_labels(s: Session, lot_ids: Iterable[int]) -> dict[int, LotLabel]:
    """Labels of the given lots, in one query."""
    ids = sorted(set(lot_ids))
    if not ids:
        return {}
    conn = s.connection()
    rows = conn.execute(_labels_statement(conn.dialect.name), {"ids": ids}).all()
    return {row[0]: LotLabel(*row[1:]) for row in rows}


@cache
def _labels_statement(dialect: str) -> Select[Any]:
    # Each code by its key, per lot: joins make PostgreSQL hash the whole item, point and agency
    # tables (thousands of rows) for the few dozen lots a plan chose.
    return select_columns(
        StockLot.id,
        StockLot.batch,
        select(Item.code).where(col(Item.id) == StockLot.item_id).scalar_subquery(),
        select(StoragePoint.code).where(col(StoragePoint.id) == StockLot.point_id).scalar_subquery(),
        select(StoragePoint.name).where(col(StoragePoint.id) == StockLot.point_id).scalar_subquery(),
        select(Agency.code).where(col(Agency.id) == StockLot.agency_id).scalar_subquery(),
        StockLot.expires_on,
    ).where(in_values(col(StockLot.id), "ids", dialect))


def region_prefixes(code: str | None) -> list[str]:
    """``520102001`` → ``[520102001, 52010200, ..., 5]``: a table entry for a region covers its sub-regions."""
    return [code[:n] for n in range(len(code), 0, -1)] if code else []


def travel_table(s: Session, destinations: Iterable[Destination]) -> dict[Destination, dict[int, float]]:
    """For each destination, the table hours from every origin point that has an entry for it.

    An entry to the destination point wins over region entries; among regions the most specific
    (longest code) wins.
    """
    dests = list(set(destinations))
    found = travel_query(dests)
    rows = s.connection().execute(*found).all() if found is not None else []
    return travel_tables(dests, rows)


def travel_query(dests: Iterable[Destination]) -> tuple[Select[Any], dict[str, list[Any]]] | None:
    """The travel-table entries that may concern ``dests``, with the statement's values (None: no
    destination names a point or region)."""
    dests = list(dests)
    point_ids = sorted({d.point_id for d in dests if d.point_id is not None})
    prefixes = sorted({p for d in dests for p in region_prefixes(d.region_code)})
    if not point_ids and not prefixes:
        return None
    return _travel_statement(bool(point_ids), bool(prefixes)), {"to_points": point_ids, "to_regions": prefixes}


@cache
def _travel_statement(points: bool, regions: bool) -> Select[Any]:
    cond: list[ColumnElement[bool]] = []
    if points:
        cond.append(col(TravelTime.to_point_id).in_(bindparam("to_points", expanding=True)))
    if regions:
        cond.append(col(TravelTime.to_region_code).in_(bindparam("to_regions", expanding=True)))
    return select_columns(
        TravelTime.from_point_id, TravelTime.to_point_id, TravelTime.to_region_code, TravelTime.hours
    ).where(or_(*cond))


def travel_tables(dests: Iterable[Destination], rows: Sequence[Sequence[Any]]) -> dict[Destination, dict[int, float]]:
    """Each destination's table from the rows of :func:`travel_query` (see :func:`travel_table`)."""
    out: dict[Destination, dict[int, float]] = {}
    for d in dests:
        rank: dict[str | None, int] = {p: i for i, p in enumerate(region_prefixes(d.region_code))}
        best: dict[int, tuple[int, float]] = {}
        for origin, to_point, to_region, hours in rows:
            if to_point is not None:
                score = -1 if to_point == d.point_id else None
            else:
                score = rank.get(to_region)
            if score is not None and (origin not in best or score < best[origin][0]):
                best[origin] = (score, float(hours))
        out[d] = {origin: hours for origin, (_, hours) in best.items()}
    return out


def build_problem(
    s: Session,
    needs: Sequence[Need],
    destinations: dict[int, Destination],
    arrival: ArrivalModel,
    *,
    lock: bool = False,
    within: set[int] | None = None,
    points: Collection[int] | None = None,
    tables: dict[Destination, dict[int, float]] | None = None,
    lots: list[Candidate] | None = None,
    prune: bool = False,
) -> Problem:
    """Query the candidates of ``needs`` and estimate every (line, lot) arrival.

    ``destinations`` maps request id to its destination; ``points``, when given, limits the
    candidates to the lots at those storage points; ``tables`` are the destinations' travel
    tables when the caller has read them already; ``lots`` the candidates when the caller has
    read them already (then nothing is queried for them).

    With ``prune`` each line keeps only its earliest options (see :func:`_enough`): every
    earliest-first and every optimal plan made from the pruned problem is one made from all of
    its options, but a province-wide plan builds thousands of options per line instead of
    hundreds of thousands.
    """
    if lots is None:
        lots = candidate_lots(s, needs, lock=lock, within=within, points=points)
    problem = Problem(list(needs), {c.lot_id: c for c in lots})
    if not lots:
        problem.options = {n.line_id: [] for n in needs}
        return problem
    if tables is None:
        tables = travel_table(s, destinations.values())
    arrays = _LotArrays(lots)
    # Per line: the candidate indexes in earliest-first order and their arrivals, all in numpy.
    chosen: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for n in needs:
        idx = arrays.serving(n)
        eta, minutes = arrays.arrival(destinations[n.request_id], arrival, tables)
        order = idx[np.lexsort((arrays.fefo[idx], minutes[idx]))]  # arrival to the minute, then FEFO
        chosen[n.line_id] = (order, eta[order])
    keep = _enough(needs, chosen, arrays) if prune else {}
    lot_ids = arrays.lot_id
    for line_id, (idx, eta) in chosen.items():
        k = keep.get(line_id, len(idx))
        problem.options[line_id] = list(map(Option, repeat(line_id, k), lot_ids[idx[:k]].tolist(), eta[:k].tolist()))
    return problem


class _LotArrays:
    """The candidates as numpy columns, grouped by item and class, for choosing each line's lots."""

    def __init__(self, lots: list[Candidate]) -> None:
        self.lots = lots
        n = len(lots)
        cols = list(zip(*lots, strict=True))
        self.lot_id = np.array(cols[0], np.int64)
        self.item = np.array(cols[1], np.int64)
        self.klass = np.array(cols[2], np.int64)
        self.point = np.array(cols[3], np.int64)
        self.free = np.array(cols[5], np.int64)
        self.expires = np.fromiter((d.toordinal() if d is not None else _NEVER for d in cols[6]), np.int64, n)
        self.lead = np.array([h or 0.0 for h in cols[7]], float)
        self.lat = np.array(cols[8], float)
        self.lon = np.array(cols[9], float)
        # Only donated lots can carry a donor's restriction: the rest skip the check.
        self.restricted = np.array(
            [a is not None or b is not None or c is not None for a, b, c in zip(cols[10], cols[11], cols[12])], bool
        )
        self.any_restricted = bool(self.restricted.any())
        # FEFO rank of every lot, once, so ordering a line's options sorts two numbers, not tuples.
        # (fefo_key: earliest expiry first, lots that never expire last, then the older lot.)
        never = np.fromiter((d is None for d in cols[6]), bool, n)
        self.fefo = np.empty(n, np.int64)
        self.fefo[np.lexsort((self.lot_id, self.expires, never))] = np.arange(n)
        self.by_item = _groups(self.item)
        self.by_class = _groups(self.klass)
        self.points, self.point_index = np.unique(self.point, return_inverse=True)
        self._allowed: dict[frozenset[int], np.ndarray] = {}
        self._arrival: dict[Destination, tuple[np.ndarray, np.ndarray]] = {}

    def serving(self, need: Need) -> np.ndarray:
        """The indexes (ascending) of the lots that can serve ``need`` (see :meth:`Candidate.serves`)."""
        empty = np.empty(0, np.int64)
        parts = [self.by_item.get(i, empty) for i in need.item_ids] + [
            self.by_class.get(c, empty) for c in need.class_ids
        ]
        idx: np.ndarray = parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts or [empty]))
        idx = idx[self.expires[idx] >= need.usable_until.toordinal()]
        if need.points is not None:
            idx = idx[self.allowed(need.points)[idx]]
        if self.any_restricted:
            bad = [i for i in idx[self.restricted[idx]].tolist() if not self.lots[i].allows(need)]
            if bad:
                idx = idx[~np.isin(idx, bad)]
        return idx

    def allowed(self, points: frozenset[int]) -> np.ndarray:
        """Which lots stand at one of ``points`` (a mask; requests of one jurisdiction share it)."""
        mask = self._allowed.get(points)
        if mask is None:
            mask = self._allowed[points] = np.isin(self.point, np.fromiter(points, np.int64, len(points)))
        return mask

    def arrival(
        self, d: Destination, model: ArrivalModel, tables: dict[Destination, dict[int, float]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Every lot's arrival at ``d`` in hours, and rounded to the minute (once per destination:
        the lines of a request, and requests to one place, share them)."""
        found = self._arrival.get(d)
        if found is None:
            table = tables.get(d)
            per_point = (
                np.fromiter((table.get(p, np.nan) for p in self.points.tolist()), float, len(self.points))
                if table
                else np.full(len(self.points), np.nan)
            )
            eta = eta_hours_array(model, self.lat, self.lon, d.lat, d.lon, self.lead, per_point[self.point_index])
            found = self._arrival[d] = (eta, np.rint(eta * 60))
        return found


_NEVER = date.max.toordinal()


def _groups(keys: np.ndarray) -> dict[int, np.ndarray]:
    """Index arrays (ascending) of equal keys."""
    order = np.argsort(keys, kind="stable")
    values, starts = np.unique(keys[order], return_index=True)
    return {int(v): part for v, part in zip(values.tolist(), np.split(order, starts[1:]), strict=True)}


def _enough(
    needs: Sequence[Need], chosen: dict[int, tuple[np.ndarray, np.ndarray]], arrays: _LotArrays
) -> dict[int, int]:
    """How many of each line's options (earliest first) are enough for any plan.

    Lines compete when their candidates share an item (a superset of the lines that share lots).
    A line keeps its earliest options until their free stock covers the whole demand of the lines
    it competes with, then every option arriving no later than the latest of those plus the
    split tolerance (to the minute). Nothing is lost: the lots kept always have stock left for the
    line whatever the others take, so earliest-first fills it from them and its single-point
    search stops before the cut; and an optimal plan that used a later option could move that
    unit to an earlier lot with spare stock without arriving later (as :func:`useful_options`).
    A line whose options never cover the demand keeps them all.
    """
    parent = list(range(len(needs)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_line_of_item: dict[int, int] = {}
    for k, n in enumerate(needs):
        items = n.item_ids if not n.class_ids else np.unique(arrays.item[chosen[n.line_id][0]]).tolist()
        for item in items:
            other = first_line_of_item.setdefault(item, k)
            parent[root(k)] = root(other)
    demand: dict[int, int] = defaultdict(int)
    for k, n in enumerate(needs):
        demand[root(k)] += n.quantity
    slack = math.ceil(SPLIT_TOLERANCE_HOURS * 60) + 1  # minutes
    keep = {}
    for k, n in enumerate(needs):
        idx, eta = chosen[n.line_id]
        covered = np.cumsum(arrays.free[idx])
        first = int(np.searchsorted(covered, demand[root(k)], "left"))
        if first >= len(idx):
            continue
        minutes = np.rint(eta * 60)
        last = float(minutes[: first + 1].max()) + slack
        keep[n.line_id] = int(np.searchsorted(minutes, last, "right"))
    return keep


def usable_day(needed_by_day: date | None, today: date) -> date:
    """Stock must still be good on the needed-by day (or today, when no time is given)."""
    return max(needed_by_day, today) if needed_by_day else today
