"""The numbers on the home page: stock against reserve targets by class, expiry, open requests, points to map."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from supplies.models import DispatchRequest, Incident, Item, Role, StockLot, StoragePoint, SupplyClass
from supplies.permissions import Actor, scoped
from supplies.services.stock_queries import SummaryRow
from supplies.services.targets import holdings

OPEN_STATES = ("draft", "submitted", "approved", "allocated", "dispatched", "received")


@dataclass(frozen=True)
class ClassLine:
    """One supply class: what is on hand in the user's scope, the targets, and the shortfall."""

    code: str
    name: str
    on_hand: int
    target: int
    short: int

    @property
    def covered_pct(self) -> int | None:
        if not self.target:
            return None
        return max(0, min(100, round(100 * (self.target - self.short) / self.target)))


def by_class(s: Session, actor: Actor, stock: list[SummaryRow]) -> list[ClassLine]:
    """Stock (from the core's summary) beside the reserve targets, per class.

    A target's shortfall is what it lacks at its point (or within its region), so one point
    holding extra never hides another point's gap. What each target holds comes from the core
    (:func:`supplies.services.targets.holdings`), as on the targets list.
    """
    h = holdings(actor).subquery()
    short = case((h.c.quantity > h.c.held, h.c.quantity - h.c.held), else_=0)
    q = (select(SupplyClass.code, func.sum(h.c.quantity), func.sum(short))
         .select_from(h)
         .join(Item, Item.id == h.c.item_id)
         .join(SupplyClass, SupplyClass.id == Item.class_id)
         .group_by(SupplyClass.code))
    targets = {code: (int(t or 0), int(sh or 0)) for code, t, sh in s.execute(q).all()}
    on_hand = {row.key["class"]: row.on_hand for row in stock}
    codes = sorted(set(targets) | set(on_hand))
    names = dict(s.execute(select(SupplyClass.code, SupplyClass.name).where(SupplyClass.code.in_(codes))).all())
    return [ClassLine(c, names.get(c, ""), on_hand.get(c, 0), *targets.get(c, (0, 0))) for c in codes]


def expiry_counts(s: Session, actor: Actor, today: date | None = None) -> dict[str, int]:
    """Lots with stock that have expired, or expire within 30 and within 90 days."""
    today = today or date.today()
    e = StockLot.expires_on

    def n(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    q = scoped(select(n(e < today), n(and_(e >= today, e <= today + timedelta(days=30))),
                      n(and_(e >= today, e <= today + timedelta(days=90))))
               .where(StockLot.on_hand > 0, e.is_not(None)), actor, StockLot.point_id, StockLot.agency_id)
    expired, d30, d90 = s.execute(q).one()
    return {"expired": int(expired), "30": int(d30), "90": int(d90)}


def open_requests(s: Session) -> list[tuple[str, int]]:
    """Open dispatch requests counted by state, in life-cycle order."""
    rows = dict(s.execute(select(DispatchRequest.status, func.count())
                          .where(DispatchRequest.status.in_(OPEN_STATES))
                          .group_by(DispatchRequest.status)).all())
    return [(state, int(rows.get(state, 0))) for state in OPEN_STATES]


@dataclass(frozen=True)
class Marker:
    """A dot on the map: where, what, and how much stock it holds."""

    code: str
    name: str
    kind: str
    status: str
    x: float
    y: float
    r: float
    on_hand: int


@dataclass(frozen=True)
class GridLine:
    """A parallel or meridian drawn for orientation, with its degree label."""

    vertical: bool
    at: float
    label: str


@dataclass(frozen=True)
class MapData:
    width: int
    height: int
    points: list[Marker]
    incidents: list[Marker]
    grid: list[GridLine]


def map_data(s: Session, actor: Actor, width: int = 640, max_height: int = 480) -> MapData:
    """Storage points (and open incidents) projected onto a plain SVG canvas by latitude and longitude."""
    stock_join = StockLot.point_id == StoragePoint.id
    if actor.role == Role.AGENCY_OFFICER:
        stock_join = and_(stock_join, StockLot.agency_id == (actor.agency_id or -1))
    q = (select(StoragePoint.code, StoragePoint.name, StoragePoint.kind, StoragePoint.status, StoragePoint.lat,
                StoragePoint.lon, func.coalesce(func.sum(StockLot.on_hand), 0))
         .outerjoin(StockLot, stock_join)
         .group_by(StoragePoint.id, StoragePoint.code, StoragePoint.name, StoragePoint.kind, StoragePoint.status,
                   StoragePoint.lat, StoragePoint.lon)
         .order_by(StoragePoint.code))
    if actor.role == Role.WAREHOUSE:
        q = q.where(StoragePoint.id.in_(actor.point_ids or {-1}))
    points = s.execute(q).all()
    incidents = s.execute(select(Incident.id, Incident.name, Incident.type, Incident.lat, Incident.lon)
                          .where(Incident.status == "open")).all()
    coords = [(p.lat, p.lon) for p in points] + [(i.lat, i.lon) for i in incidents]
    if not coords:
        return MapData(width, 200, [], [], [])
    lat0, lat1 = min(c[0] for c in coords), max(c[0] for c in coords)
    lon0, lon1 = min(c[1] for c in coords), max(c[1] for c in coords)
    # Equirectangular projection: a degree of longitude shrinks by cos(latitude).
    shrink = math.cos(math.radians((lat0 + lat1) / 2))
    # A lone point (or a tight cluster) sits in the middle of a few kilometres of map.
    least = 0.05
    if lat1 - lat0 < least:
        lat0, lat1 = (lat0 + lat1 - least) / 2, (lat0 + lat1 + least) / 2
    if (lon1 - lon0) * shrink < least:
        half = least / shrink / 2
        lon0, lon1 = (lon0 + lon1) / 2 - half, (lon0 + lon1) / 2 + half
    span_x = (lon1 - lon0) * shrink
    span_y = lat1 - lat0
    pad = 30
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = int(min(max_height, span_y * scale + 2 * pad))
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (round(off_x + (lon - lon0) * shrink * scale, 1), round(height - off_y - (lat - lat0) * scale, 1))

    biggest = max([int(p[6]) for p in points] + [1])
    markers = [Marker(p.code, p.name, p.kind, p.status, *xy(p.lat, p.lon),
                      round(4 + 10 * math.sqrt(int(p[6]) / biggest), 1), int(p[6])) for p in points]
    fires = [Marker(f"#{i.id}", i.name, i.type, "open", *xy(i.lat, i.lon), 7, 0) for i in incidents]
    return MapData(width, height, markers, fires, _grid(xy, width, height, scale, shrink))


def _grid(xy: Any, width: int, height: int, scale: float, shrink: float) -> list[GridLine]:
    """Parallels and meridians at a round step, about 80 px or more apart."""
    step = next((s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 45) if s * scale * shrink >= 80), 90)
    lines: list[GridLine] = []
    # The inverse of the projection at the canvas corners bounds the degrees to draw.
    lon_at = [_inverse(xy, x, 0)[1] for x in (0, width)]
    lat_at = [_inverse(xy, 0, y)[0] for y in (height, 0)]
    lon = math.ceil(lon_at[0] / step) * step
    while lon <= lon_at[1]:
        lines.append(GridLine(True, xy(0, lon)[0], f"{lon:.2f}°E".replace(".00°", "°")))
        lon += step
    lat = math.ceil(lat_at[0] / step) * step
    while lat <= lat_at[1]:
        lines.append(GridLine(False, xy(lat, 0)[1], f"{lat:.2f}°N".replace(".00°", "°")))
        lat += step
    return lines


def _inverse(xy: Any, x: float, y: float) -> tuple[float, float]:
    # xy is affine in each coordinate: recover degrees from two reference points.
    x0, y0 = xy(0.0, 0.0)
    x1, y1 = xy(1.0, 1.0)
    return (y - y0) / (y1 - y0), (x - x0) / (x1 - x0)
