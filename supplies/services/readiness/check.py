"""Readiness: can the stock within reach feed, clothe, water and shelter N people by the deadline?

The affected population becomes needs through the norms (``need_norm``); every active storage
point and agreement or capacity reserve offers its free, unexpired stock of the items linked to
a need; what can arrive by the deadline (the same arrival estimate as allocation, travel-time
table included, lead times added) is reachable. The report says, need by need, what is
required, reachable, short, and from which points it would come, earliest first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ... import schemas
from ...allocation.arrival import ArrivalModel, eta_hours_array
from ...allocation.candidates import Destination
from ...config import local_today
from ...db import select_columns
from ...errors import InvalidInput
from ...i18n import t
from ...models import (
    AdminLevel,
    DonationLot,
    Item,
    NeedNorm,
    PointStatus,
    Role,
    StockLot,
    StoragePoint,
)
from ...models.enums import UNAVAILABLE_MODES
from ...permissions import Actor, require_role, scoped
from ..base import ArrivalAwareService, by_code, retried
from ..results import Result
from . import norms as norms_data
from .geo import table_hours
from .norms import NormResult
from .schemas import CheckIn, LinkIn, NormIn

_EPS = 1e-9


@dataclass(frozen=True)
class SourceLine(Result):
    """Stock that would meet part of a need: so many units of an item from a point, arriving in so many hours."""

    point: str
    point_name: str
    item: str
    quantity: int
    amount: float
    eta_hours: float
    mode: str


@dataclass(frozen=True)
class NeedResult(Result):
    """One need: required, reachable in time, short (in the need's unit), and where it would come from."""

    need: str
    name_zh: str | None
    name_en: str | None
    unit: str
    basis: str
    status: str
    required: float
    reachable: float
    short: float
    coverage: float
    items: tuple[str, ...]
    to_close: dict[str, int] = field(default_factory=dict)  # item -> units that would close the gap
    sources: tuple[SourceLine, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ReadinessReport(Result):
    """The readiness of one place for a population, hazard and deadline."""

    lat: float
    lon: float
    population: int
    hazard: str | None
    hours: float
    days: float
    norms: str  # "database", or "shipped defaults" while the norms table is empty
    needs: tuple[NeedResult, ...]

    @property
    def ready(self) -> bool:
        return all(n.short <= _EPS for n in self.needs)

    @property
    def short_needs(self) -> list[str]:
        return [n.need for n in self.needs if n.short > _EPS]


@dataclass(frozen=True)
class NeedSummary(Result):
    need: str
    required: float
    reachable: float
    short: float
    coverage: float


@dataclass(frozen=True)
class TownshipResult(Result):
    """One township in the ranking: its uncovered share over the needs, worst first."""

    rank: int
    township: str  # region code, or the point code when the point has none
    name: str
    points: tuple[str, ...]
    lat: float
    lon: float
    population: int
    uncovered: float  # mean over needs of short / required (0 ready .. 1 nothing reachable)
    short_needs: tuple[str, ...]
    needs: tuple[NeedSummary, ...]


@dataclass
class _Need:
    need: str
    name_zh: str | None
    name_en: str | None
    amount_per_person: float
    basis: str
    unit: str
    statuses: set[str]
    items: dict[str, float]  # item code -> amount of the need one unit meets

    def required(self, population: int, days: float) -> float:
        per = self.amount_per_person * (days if self.basis == "per_day" else 1.0)
        return round(population * per, 6)


def _needs(rows: list[NeedNorm], hazard: str | None) -> list[_Need]:
    """Group the norm rows that apply by need; a hazard's own rows set the per-person amount."""
    groups: dict[str, list[NeedNorm]] = defaultdict(list)
    for n in rows:
        groups[n.need].append(n)
    out = []
    for need, group in groups.items():
        general = [n for n in group if n.hazard is None]
        own = [n for n in group if n.hazard is not None and n.hazard == hazard]
        base = (own or general)[0]
        items: dict[str, float] = {}
        for n in general + own:  # a hazard's own link overrides the general one for the same item
            if n.item_code and n.amount_per_unit:
                items[n.item_code] = n.amount_per_unit
        out.append(
            _Need(
                need,
                base.name_zh,
                base.name_en,
                base.amount_per_person,
                base.basis,
                base.unit,
                {n.status for n in group},
                items,
            )
        )
    return out


class _Stock:
    """Free, unexpired stock of the linked items at active points, grouped by point, item, lead time
    and mode: read once in one query and reused for every destination."""

    def __init__(self, s: Session, actor: Actor, item_codes: set[str], today: date) -> None:
        q = (
            select_columns(
                StockLot.point_id,
                Item.code,
                StockLot.lead_time_hours,
                StockLot.mode,
                func.sum(col(StockLot.on_hand) - StockLot.reserved),
            )
            .join(Item, col(Item.id) == StockLot.item_id)
            .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
            # Donated goods restricted by their donor to an incident, a region or a purpose are kept
            # for it: readiness, which asks about no incident, counts unrestricted stock only.
            .outerjoin(DonationLot, col(DonationLot.lot_id) == StockLot.id)
            .where(
                col(DonationLot.incident_id).is_(None),
                col(DonationLot.region_code).is_(None),
                col(DonationLot.purpose).is_(None),
                col(Item.code).in_(sorted(item_codes)),
                col(StockLot.on_hand) > StockLot.reserved,
                col(StockLot.mode).not_in(UNAVAILABLE_MODES),
                col(StoragePoint.status) == PointStatus.ACTIVE.value,
                or_(col(StockLot.expires_on).is_(None), col(StockLot.expires_on) >= today),
            )
            .group_by(col(StockLot.point_id), col(Item.code), col(StockLot.lead_time_hours), col(StockLot.mode))
        )
        q = scoped(q, actor, StockLot.point_id, StockLot.agency_id)  # what the reader may see, no more
        rows = s.exec(q).all() if item_codes else []
        point_ids = sorted({r[0] for r in rows})
        info = (
            {
                pid: (code, name, lat, lon)
                for pid, code, name, lat, lon in s.exec(
                    select_columns(
                        StoragePoint.id, StoragePoint.code, StoragePoint.name, StoragePoint.lat, StoragePoint.lon
                    ).where(col(StoragePoint.id).in_(point_ids))
                ).all()
            }
            if point_ids
            else {}
        )
        self.point_ids = point_ids
        pos = self.pos = {pid: i for i, pid in enumerate(point_ids)}
        self.points = [info[pid] for pid in point_ids]
        self.item_codes = sorted(item_codes)
        item_pos = {code: i for i, code in enumerate(self.item_codes)}
        self.g_point = np.fromiter((pos[r[0]] for r in rows), np.int64, len(rows))
        self.g_item = np.fromiter((item_pos[r[1]] for r in rows), np.int64, len(rows))
        self.g_lead = np.fromiter((float(r[2] or 0.0) for r in rows), float, len(rows))
        self.g_free = np.fromiter((float(r[4]) for r in rows), float, len(rows))
        self.g_mode = [r[3] for r in rows]
        self.p_lat = np.fromiter((p[2] for p in self.points), float, len(self.points))
        self.p_lon = np.fromiter((p[3] for p in self.points), float, len(self.points))

    def eta(self, model: ArrivalModel, dest: Destination, table: Mapping[int, float]) -> np.ndarray:
        """Hours until each group's stock is at ``dest``."""
        hours = np.full(len(self.point_ids), np.nan)
        for pid, h in table.items():  # the table's entries for this destination: usually few
            i = self.pos.get(pid)
            if i is not None:
                hours[i] = h
        zero = np.zeros(len(self.point_ids))
        by_point = eta_hours_array(model, self.p_lat, self.p_lon, dest.lat, dest.lon, zero, hours)
        eta: np.ndarray = by_point[self.g_point] + self.g_lead  # numpy's stubs give Any here
        return eta

    def reachable_units(self, eta: np.ndarray, hours: float) -> np.ndarray:
        """Units of each item that arrive within ``hours``."""
        ok = eta <= hours + _EPS
        return np.bincount(self.g_item, weights=self.g_free * ok, minlength=len(self.item_codes))


class Readiness(ArrivalAwareService):
    """The readiness check and the needs norms behind it: ``inv.readiness``."""

    # -- the check -----------------------------------------------------------------------------
    def check(
        self,
        lat: float | None = None,
        lon: float | None = None,
        *,
        population: int,
        hazard: str | None = None,
        hours: float = 12.0,
        days: float = 1.0,
        point: str | None = None,
        region_code: str | None = None,
    ) -> ReadinessReport:
        """Needs of ``population`` people at (lat, lon) or at storage point ``point``, met within ``hours``.

        Per-day needs count ``days`` days. ``region_code`` (or the point) lets travel-time
        table entries for that region (or point) replace the straight-line estimate.
        """
        data = schemas.load(
            CheckIn,
            dict(
                lat=lat,
                lon=lon,
                population=population,
                hazard=hazard,
                hours=hours,
                days=days,
                point=point,
                region_code=region_code,
            ),
        )
        self._inv.maintenance.refresh_overdue()  # overdue equipment is not counted ready (services.equipment)
        with self._work(write=False, lag_ok=True) as (s, actor):
            dest = _destination(s, data)
            rows, shipped = norms_data.active(s, data.get("hazard"))
            needs = _needs(rows, data.get("hazard"))
            linked = {c for n in needs for c in n.items}
            stock = _Stock(s, actor, linked, local_today())
            table = table_hours(s, [dest])[0]
            known = select(Item.code).where(col(Item.code).in_(sorted(linked)))
            catalog = set(s.exec(known).all()) if linked else set()
        eta = stock.eta(self.arrival, dest, table)
        units = stock.reachable_units(eta, data["hours"])
        results = tuple(
            _need_result(n, data["population"], data["days"], stock, eta, units, data["hours"], catalog) for n in needs
        )
        return ReadinessReport(
            dest.lat,
            dest.lon,
            data["population"],
            data.get("hazard"),
            data["hours"],
            data["days"],
            "shipped defaults" if shipped else "database",
            results,
        )

    def rank_townships(
        self,
        *,
        population: int | Mapping[str, int],
        hours: float = 12.0,
        hazard: str | None = None,
        days: float = 1.0,
        region_code: str | None = None,
        level: str = AdminLevel.TOWNSHIP.value,
    ) -> list[TownshipResult]:
        """Run the check for every township (active points of ``level``, grouped by region code) and
        rank them by uncovered share, worst first.

        ``population`` is the planning population of each township, or a mapping from township
        (region code or point code) to its population. The stock is read once for all of them.
        """
        data = schemas.load(CheckIn, dict(population=0, hazard=hazard, hours=hours, days=days, region_code=region_code))
        if level not in [lv.value for lv in AdminLevel]:
            raise InvalidInput(t("must be one of: {value}", value=", ".join(lv.value for lv in AdminLevel)), "level")
        with self._work(write=False, lag_ok=True) as (s, actor):
            towns = _townships(s, level, data.get("region_code"))
            rows, _shipped = norms_data.active(s, data.get("hazard"))
            needs = _needs(rows, data.get("hazard"))
            stock = _Stock(s, actor, {c for n in needs for c in n.items}, local_today())
            tables = table_hours(s, [t[1] for t in towns])
        model, out = self.arrival, []
        index = {c: i for i, c in enumerate(stock.item_codes)}
        links = [[(index[c], apu) for c, apu in n.items.items() if c in index] for n in needs]
        for (key, dest, name, codes), table in zip(towns, tables):
            pop = _population(population, key)
            units = stock.reachable_units(stock.eta(model, dest, table), data["hours"])
            summaries = []
            for n, linked in zip(needs, links):
                required = n.required(pop, data["days"])
                reachable = float(sum(units[i] * apu for i, apu in linked))
                short = max(0.0, required - reachable)
                summaries.append(
                    NeedSummary(n.need, required, round(reachable, 6), round(short, 6), _coverage(required, reachable))
                )
            uncovered = sum(1 - x.coverage for x in summaries) / len(summaries) if summaries else 0.0
            out.append((uncovered, key, dest, name, codes, pop, summaries))
        out.sort(key=lambda t: (-t[0], -sum(x.short for x in t[6]), t[1]))
        return [
            TownshipResult(
                i,
                key,
                name,
                codes,
                dest.lat,
                dest.lon,
                pop,
                round(unc, 6),
                tuple(x.need for x in summ if x.short > _EPS),
                tuple(summ),
            )
            for i, (unc, key, dest, name, codes, pop, summ) in enumerate(out, start=1)
        ]

    # -- the norms -----------------------------------------------------------------------------
    def norms(self, *, hazard: str | None = None, all_hazards: bool = True) -> list[NormResult]:
        """The norms in the table (every hazard's, or those that apply to ``hazard``)."""
        with self._work(write=False) as (s, _):
            q = select(NeedNorm).order_by(col(NeedNorm.need), col(NeedNorm.hazard), col(NeedNorm.item_code))
            rows = list(s.exec(q).all())
        if not all_hazards or hazard is not None:
            rows = [n for n in rows if n.hazard is None or n.hazard == hazard]
        return norms_data.views(rows)

    @retried
    def load_default_norms(self) -> int:
        """Add the shipped norms (with their sources and sourced/assumed status) missing from the table."""
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing the needs norms"))
            return norms_data.load_defaults(s)

    @retried
    def set_need(
        self,
        need: str,
        *,
        amount_per_person: float,
        unit: str,
        basis: str = "once",
        name_zh: str | None = None,
        name_en: str | None = None,
        hazard: str | None = None,
        source: str | None = None,
    ) -> list[NormResult]:
        """Define or change a need: so much per person (once, or per day), in ``unit``."""
        data = schemas.load(
            NormIn,
            dict(
                need=need,
                amount_per_person=amount_per_person,
                unit=unit,
                basis=basis,
                name_zh=name_zh,
                name_en=name_en,
                hazard=hazard,
                source=source,
            ),
        )
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing the needs norms"))
            return norms_data.views(norms_data.set_need(s, data))

    @retried
    def link(self, need: str, item: str, *, amount_per_unit: float = 1.0, hazard: str | None = None) -> NormResult:
        """Count an item toward a need: one unit meets ``amount_per_unit`` of it (a 12 m² tent: 12)."""
        data = schemas.load(LinkIn, dict(need=need, item=item, amount_per_unit=amount_per_unit, hazard=hazard))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing the needs norms"))
            return norms_data.view(norms_data.link(s, data))

    @retried
    def unlink(self, need: str, item: str, *, hazard: str | None = None) -> int:
        """Stop counting an item toward a need."""
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing the needs norms"))
            return norms_data.unlink(s, need, item, hazard)


def _need_result(
    n: _Need,
    population: int,
    days: float,
    stock: _Stock,
    eta: np.ndarray,
    units: np.ndarray,
    hours: float,
    catalog: set[str],
) -> NeedResult:
    """One need's result; what would close its gap names only items of ``catalog`` (the items that exist)."""
    required = n.required(population, days)
    index = {c: i for i, c in enumerate(stock.item_codes)}
    reachable = float(sum(units[index[c]] * apu for c, apu in n.items.items() if c in index))
    short = max(0.0, required - reachable)
    note = None
    if not n.items:
        note = "no item is linked to this need: link the department's own items to count its stock"
    elif not catalog.intersection(n.items):
        note = (
            "none of the items linked to this need is in the catalog: link the department's own items "
            "to count its stock"
        )
    to_close = (
        {c: math.ceil(short / apu - _EPS) for c, apu in sorted(n.items.items()) if c in catalog} if short > _EPS else {}
    )
    status = "assumed" if "assumed" in n.statuses else ("local" if "local" in n.statuses else "sourced")
    return NeedResult(
        n.need,
        n.name_zh,
        n.name_en,
        n.unit,
        n.basis,
        status,
        required,
        round(reachable, 6),
        round(short, 6),
        _coverage(required, reachable),
        tuple(sorted(n.items)),
        to_close,
        _sources(n, required, stock, eta, hours),
        note,
    )


def _sources(n: _Need, required: float, stock: _Stock, eta: np.ndarray, hours: float) -> tuple[SourceLine, ...]:
    """Earliest arrival first (then point code), take whole units until the need is met."""
    linked = {stock.item_codes.index(c): apu for c, apu in n.items.items() if c in stock.item_codes}
    order = sorted(
        (float(eta[g]), stock.points[stock.g_point[g]][0], g)
        for g in range(len(eta))
        if int(stock.g_item[g]) in linked and eta[g] <= hours + _EPS
    )
    left = required
    took: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, 0.0, math.inf])
    for arrives, _code, g in order:
        if left <= _EPS:
            break
        apu = linked[int(stock.g_item[g])]
        units = min(int(stock.g_free[g]), math.ceil(left / apu - _EPS))
        if units <= 0:
            continue
        point = stock.points[stock.g_point[g]]
        key = (point[0], stock.item_codes[int(stock.g_item[g])], stock.g_mode[g])
        acc = took[key]
        acc[0] += units
        acc[1] += units * apu
        acc[2] = min(acc[2], arrives)
        left -= units * apu
    names = {p[0]: p[1] for p in stock.points}
    lines = [
        SourceLine(p, names[p], item, q, round(amount, 6), round(t, 3), mode)
        for (p, item, mode), (q, amount, t) in took.items()
    ]
    return tuple(sorted(lines, key=lambda x: (x.eta_hours, x.point, x.item)))


def _coverage(required: float, reachable: float) -> float:
    return 1.0 if required <= _EPS else round(min(1.0, reachable / required), 6)


def _destination(s: Session, data: dict[str, Any]) -> Destination:
    if data.get("point"):
        p = by_code(s, StoragePoint, data["point"], "point")
        lat = data["lat"] if data.get("lat") is not None else p.lat
        lon = data["lon"] if data.get("lon") is not None else p.lon
        return Destination(lat, lon, p.id, data.get("region_code") or p.region_code)
    if data.get("lat") is None or data.get("lon") is None:
        raise InvalidInput(t("give lat and lon, or a storage point"), "lat" if data.get("lat") is None else "lon")
    return Destination(data["lat"], data["lon"], None, data.get("region_code"))


def _townships(s: Session, level: str, region: str | None) -> list[tuple[str, Destination, str, tuple[str, ...]]]:
    """Each township as (key, destination, name, point codes): its points' centre, or the one point."""
    q = (
        select_columns(
            StoragePoint.id,
            StoragePoint.code,
            StoragePoint.name,
            StoragePoint.region_code,
            StoragePoint.lat,
            StoragePoint.lon,
        )
        .where(StoragePoint.level == level, StoragePoint.status == PointStatus.ACTIVE.value)
        .order_by(StoragePoint.code)
    )
    if region:
        q = q.where(col(StoragePoint.region_code).startswith(region))
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in s.exec(q).all():
        groups[row[3] or row[1]].append(row)
    out = []
    for key, pts in sorted(groups.items()):
        lat = sum(p[4] for p in pts) / len(pts)
        lon = sum(p[5] for p in pts) / len(pts)
        dest = Destination(lat, lon, pts[0][0] if len(pts) == 1 else None, pts[0][3])
        out.append((key, dest, pts[0][2], tuple(p[1] for p in pts)))
    return out


def _population(population: int | Mapping[str, int], key: str) -> int:
    if isinstance(population, Mapping):
        if key not in population:
            raise InvalidInput(t("no population given for township {key}", key=key), "population")
        value = population[key]
    else:
        value = population
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(t("must be a whole number of people, 0 or more"), "population")
    return value
