"""Candidate lots for request lines in one set-based query, and the allocation problem built from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

import numpy as np
from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from ..db import select_columns
from ..models import Agency, DonationLot, Item, PointStatus, StockLot, StoragePoint, TravelTime
from ..models.enums import UNAVAILABLE_MODES
from .arrival import ArrivalModel, eta_hours_array
from .model import Candidate, Need, Option, Problem, fefo_key

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


@dataclass(frozen=True)
class Destination:
    """Where a request's supplies go: coordinates, and the point or region the travel table may name."""

    lat: float
    lon: float
    point_id: int | None = None
    region_code: str | None = None


def _candidate_filter(needs: Sequence[Need], points: Collection[int] | None = None) -> ColumnElement[bool] | None:
    item_ids = sorted(set().union(*(n.item_ids for n in needs))) if needs else []
    class_ids = sorted(set().union(*(n.class_ids for n in needs))) if needs else []
    if not item_ids and not class_ids:
        return None
    usable = min(n.usable_until for n in needs)
    which: list[ColumnElement[bool]] = []
    if item_ids:
        which.append(col(StockLot.item_id).in_(item_ids))
    if class_ids:
        which.append(col(StockLot.class_id).in_(class_ids))
    cond = and_(
        or_(*which),
        col(StockLot.on_hand) > StockLot.reserved,
        col(StockLot.mode).not_in(UNAVAILABLE_MODES),
        col(StoragePoint.status) == PointStatus.ACTIVE.value,
        or_(col(StockLot.expires_on).is_(None), col(StockLot.expires_on) >= usable),
    )
    if all(n.points is not None for n in needs):  # every line limited to its jurisdiction's points
        allowed = set().union(*(n.points or () for n in needs))
        points = allowed if points is None else set(points) & allowed
    if points is not None:
        cond = and_(cond, col(StockLot.point_id).in_(sorted(points)))
    return cond


def lock_lots_for(s: Session, needs: Sequence[Need], also: set[int]) -> set[int]:
    """Lock, in one statement and in lot-id order, every candidate of ``needs`` and the lots ``also``;
    return their ids.

    Re-allocation releases its old reservations and then picks candidates among these lots only:
    taking all its locks at once keeps the lock order the same as every other allocator's, so
    none of them can deadlock.
    """
    cond = _candidate_filter(needs)
    wanted = [c for c in (cond, col(StockLot.id).in_(sorted(also)) if also else None) if c is not None]
    if not wanted:
        return set()
    lot_id = cast("Mapped[int]", StockLot.id)  # the primary key: never NULL in a row read back
    return set(
        s.exec(
            select(lot_id)
            .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
            .where(or_(*wanted))
            .order_by(lot_id)
            .with_for_update(of=StockLot)
        ).all()
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
    cond = _candidate_filter(needs, points)
    if cond is None or (within is not None and not within) or (points is not None and not points):
        return []
    if within is not None:
        cond = and_(cond, col(StockLot.id).in_(sorted(within)))
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
        .order_by(col(StockLot.id))
    )
    if lock:
        q = q.with_for_update(of=StockLot)
    make = Candidate._make
    return [make(row) for row in s.exec(q).all()]


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
    q = (
        select_columns(
            StockLot.id,
            StockLot.batch,
            Item.code,
            StoragePoint.code,
            StoragePoint.name,
            Agency.code,
            StockLot.expires_on,
        )
        .join(Item, col(Item.id) == StockLot.item_id)
        .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
        .join(Agency, col(Agency.id) == StockLot.agency_id)
        .where(col(StockLot.id).in_(ids))
    )
    return {row[0]: LotLabel(*row[1:]) for row in s.exec(q).all()}


def region_prefixes(code: str | None) -> list[str]:
    """``520102001`` → ``[520102001, 52010200, ..., 5]``: a table entry for a region covers its sub-regions."""
    return [code[:n] for n in range(len(code), 0, -1)] if code else []


def travel_table(s: Session, destinations: Iterable[Destination]) -> dict[Destination, dict[int, float]]:
    """For each destination, the table hours from every origin point that has an entry for it.

    An entry to the destination point wins over region entries; among regions the most specific
    (longest code) wins.
    """
    dests = list(set(destinations))
    point_ids = {d.point_id for d in dests if d.point_id is not None}
    prefixes = {p for d in dests for p in region_prefixes(d.region_code)}
    if not point_ids and not prefixes:
        return {d: {} for d in dests}
    cond: list[ColumnElement[bool]] = []
    if point_ids:
        cond.append(col(TravelTime.to_point_id).in_(point_ids))
    if prefixes:
        cond.append(col(TravelTime.to_region_code).in_(prefixes))
    rows = s.exec(
        select(TravelTime.from_point_id, TravelTime.to_point_id, TravelTime.to_region_code, TravelTime.hours).where(
            or_(*cond)
        )
    ).all()
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
) -> Problem:
    """Query the candidates of ``needs`` and estimate every (line, lot) arrival.

    ``destinations`` maps request id to its destination; ``points``, when given, limits the
    candidates to the lots at those storage points; ``tables`` are the destinations' travel
    tables when the caller has read them already.
    """
    lots = candidate_lots(s, needs, lock=lock, within=within, points=points)
    problem = Problem(list(needs), {c.lot_id: c for c in lots})
    if not lots:
        problem.options = {n.line_id: [] for n in needs}
        return problem
    if tables is None:
        tables = travel_table(s, destinations.values())
    n_lots = len(lots)
    lat = np.fromiter((c.lat for c in lots), float, n_lots)
    lon = np.fromiter((c.lon for c in lots), float, n_lots)
    lead = np.fromiter((c.lead_time_hours or 0.0 for c in lots), float, n_lots)
    # Only donated lots can carry a donor's restriction: the rest skip the check.
    restricted = [c.only_incident is not None or c.only_region is not None or c.only_purpose is not None for c in lots]
    by_item: dict[int, list[int]] = defaultdict(list)
    by_class: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(lots):
        by_item[c.item_id].append(i)
        by_class[c.class_id].append(i)
    # FEFO rank of every lot, once, so ordering a line's options sorts two numbers, not tuples.
    fefo = np.empty(n_lots, np.int64)
    fefo[sorted(range(n_lots), key=lambda i: fefo_key(lots[i]))] = np.arange(n_lots)
    for n in needs:
        found: set[int] = set()
        for item_id in n.item_ids:
            found.update(by_item.get(item_id, ()))
        for class_id in n.class_ids:
            found.update(by_class.get(class_id, ()))
        allowed = n.points
        idx = np.fromiter(
            (
                i
                for i in found
                if ((expires := lots[i].expires_on) is None or expires >= n.usable_until)
                and (allowed is None or lots[i].point_id in allowed)
                and (not restricted[i] or lots[i].allows(n))
            ),
            np.int64,
        )
        d = destinations[n.request_id]
        table = tables.get(d)
        hours = (
            np.fromiter((table.get(lots[i].point_id, np.nan) for i in idx), float, len(idx))
            if table
            else np.full(len(idx), np.nan)
        )
        eta = eta_hours_array(arrival, lat[idx], lon[idx], d.lat, d.lon, lead[idx], hours)
        order = np.lexsort((fefo[idx], np.rint(eta * 60)))  # arrival to the minute, then FEFO
        line_id = n.line_id
        problem.options[line_id] = [
            Option(line_id, lots[i].lot_id, e) for i, e in zip(idx[order].tolist(), eta[order].tolist())
        ]
    return problem


def usable_day(needed_by_day: date | None, today: date) -> date:
    """Stock must still be good on the needed-by day (or today, when no time is given)."""
    return max(needed_by_day, today) if needed_by_day else today
