"""The dashboard's map: storage points (dot size: stock) and open incidents, drawn as inline SVG around the bulk of them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from supplies.models import Incident, Role, StockLot, StoragePoint
from supplies.permissions import Actor, scoped_points, scoped_to_jurisdiction

from .map_layout import Label, bulk_range, edge_arrow, place_labels

PAD = 30  # pixels between the frame of the bulk and the canvas edge
LEAST_SPAN = 0.05  # degrees: a lone point (or a tight cluster) sits in a few kilometres of map


@dataclass(frozen=True)
class Marker:
    """A dot on the map: where, what, how much stock it holds; a place beyond the frame sits at its edge
    with an arrow toward where it really is."""

    code: str
    name: str
    kind: str
    status: str
    x: float
    y: float
    r: float
    on_hand: int
    lat: float = 0.0
    lon: float = 0.0
    outlier: bool = False
    arrow: tuple[float, float, float, float] | None = None
    label: Label | None = None


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

    @property
    def outliers(self) -> int:
        return sum(1 for m in self.points + self.incidents if m.outlier)


def map_data(s: Session, actor: Actor, width: int = 640, max_height: int = 480) -> MapData:
    """Storage points in the user's scope (and open incidents) projected by latitude and longitude.

    The frame holds the bulk of the places (:func:`~webadmin.map_layout.bulk_range`): one
    factory far away no longer squeezes a county into a corner, it sits at the edge with an
    arrow. Labels never overlap; those that do not fit show when the dot is hovered.
    """
    stock_join = StockLot.point_id == StoragePoint.id
    if actor.role == Role.AGENCY_OFFICER:
        stock_join = and_(stock_join, StockLot.agency_id == (actor.agency_id or -1))
    q = (
        select(
            StoragePoint.code,
            StoragePoint.name,
            StoragePoint.kind,
            StoragePoint.status,
            StoragePoint.lat,
            StoragePoint.lon,
            func.coalesce(func.sum(StockLot.on_hand), 0),
        )
        .outerjoin(StockLot, stock_join)
        .group_by(
            StoragePoint.id,
            StoragePoint.code,
            StoragePoint.name,
            StoragePoint.kind,
            StoragePoint.status,
            StoragePoint.lat,
            StoragePoint.lon,
        )
        .order_by(StoragePoint.code)
    )
    points = s.execute(scoped_points(q, actor)).all()
    incidents = s.execute(
        scoped_to_jurisdiction(
            select(Incident.id, Incident.name, Incident.type, Incident.lat, Incident.lon).where(
                Incident.status == "open"
            ),
            actor,
            Incident.jurisdiction_code,
        )
    ).all()
    coords = [(p.lat, p.lon) for p in points] + [(i.lat, i.lon) for i in incidents]
    if not coords:
        return MapData(width, 200, [], [], [])
    lat0, lat1, lon0, lon1 = frame(coords)
    # Equirectangular projection: a degree of longitude shrinks by cos(latitude).
    shrink = math.cos(math.radians((lat0 + lat1) / 2))
    if lat1 - lat0 < LEAST_SPAN:
        lat0, lat1 = (lat0 + lat1 - LEAST_SPAN) / 2, (lat0 + lat1 + LEAST_SPAN) / 2
    if (lon1 - lon0) * shrink < LEAST_SPAN:
        half = LEAST_SPAN / shrink / 2
        lon0, lon1 = (lon0 + lon1) / 2 - half, (lon0 + lon1) / 2 + half
    span_x, span_y = (lon1 - lon0) * shrink, lat1 - lat0
    scale = min((width - 2 * PAD) / span_x, (max_height - 2 * PAD) / span_y)
    height = int(min(max_height, span_y * scale + 2 * PAD))
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (round(off_x + (lon - lon0) * shrink * scale, 1), round(height - off_y - (lat - lat0) * scale, 1))

    def placed(lat: float, lon: float) -> tuple[float, float, bool, tuple[float, float, float, float] | None]:
        """Where a place is drawn: its own position, or clamped to the frame with an arrow outward."""
        x, y = xy(lat, lon)
        cx, cy = min(max(x, PAD / 2), width - PAD / 2), min(max(y, PAD / 2), height - PAD / 2)
        if (cx, cy) == (x, y):
            return x, y, False, None
        return round(cx, 1), round(cy, 1), True, edge_arrow(cx, cy, x, y)

    biggest = max([int(p[6]) for p in points] + [1])
    dots = []
    for p in points:
        x, y, off, arrow = placed(p.lat, p.lon)
        dots.append(
            Marker(
                p.code,
                p.name,
                p.kind,
                p.status,
                x,
                y,
                round(4 + 10 * math.sqrt(int(p[6]) / biggest), 1),
                int(p[6]),
                p.lat,
                p.lon,
                off,
                arrow,
            )
        )
    # The biggest stock gets its label first; a label that fits nowhere waits for the hover.
    order = sorted(range(len(dots)), key=lambda i: (-dots[i].on_hand, dots[i].code))
    labels = place_labels([(dots[i].x, dots[i].y, dots[i].r, dots[i].code) for i in order], width, height)
    for i, label in zip(order, labels):
        dots[i] = _with_label(dots[i], label)
    rings = []
    for i in incidents:
        x, y, off, arrow = placed(i.lat, i.lon)
        rings.append(Marker(f"#{i.id}", i.name, i.type, "open", x, y, 9, 0, i.lat, i.lon, off, arrow))
    return MapData(width, height, dots, rings, _grid(xy, width, height, scale, shrink))


def frame(coords: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The latitudes and longitudes around the bulk of the places: a place far out on either axis is left
    out of both, so a far factory's latitude does not stretch the map either."""
    lat_lo, lat_hi = bulk_range(c[0] for c in coords)
    lon_lo, lon_hi = bulk_range(c[1] for c in coords)
    inside = [c for c in coords if lat_lo <= c[0] <= lat_hi and lon_lo <= c[1] <= lon_hi] or coords
    return (min(c[0] for c in inside), max(c[0] for c in inside), min(c[1] for c in inside), max(c[1] for c in inside))


def _with_label(m: Marker, label: Label) -> Marker:
    return Marker(m.code, m.name, m.kind, m.status, m.x, m.y, m.r, m.on_hand, m.lat, m.lon, m.outlier, m.arrow, label)


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
