"""The map layers as GeoJSON FeatureCollections (RFC 7946): points with stock, open incidents, township readiness, reach.

Every layer reads in the acting user's scope, like every other read: a county user's map holds
the county's points and incidents only. Coordinates are ``[longitude, latitude]`` (WGS 84), as
GeoJSON wants them. The regions table has no boundaries, so a township is drawn as the convex
hull of its storage points (three or more, not on one line), else as the point at their centre.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from ... import schemas
from ...allocation.arrival import eta_hours_array
from ...allocation.candidates import Destination
from ...db import select_columns
from ...errors import NotFound
from ...i18n import t
from ...models import (
    Agency,
    Incident,
    PointClassStock,
    PointStatus,
    Region,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...permissions import in_scope, scoped, scoped_points, scoped_to_jurisdiction
from ..base import ArrivalAwareService
from ..collector import collector_paused
from ..dispatch.schemas import request_id
from ..readiness.geo import table_hours
from .schemas import MapLayerIn

Feature = dict[str, Any]
FeatureCollection = dict[str, Any]

_EPS = 1e-9


def collection(features: Iterable[Feature], **members: Any) -> FeatureCollection:
    """A FeatureCollection of ``features``; ``members`` are kept beside them (GeoJSON's foreign members)."""
    return {"type": "FeatureCollection", "features": list(features), **members}


def point_feature(lon: float, lat: float, properties: dict[str, Any], id: Any = None) -> Feature:
    feature: Feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    if id is not None:
        feature["id"] = id
    feature["properties"] = properties
    return feature


class MapLayers(ArrivalAwareService):
    """The layers of the map (应急一张图): ``inv.map``. Each method returns a GeoJSON FeatureCollection dict."""

    # Some 50,000 (point, class) totals and 2,000 features of a province form no cycles: without the
    # collector re-scanning them as they pile up, the layer takes half the time.
    @collector_paused()
    def points(self, kind: str | None = None) -> FeatureCollection:
        """Every storage point the user reads (of ``kind``, if given), with its available stock per supply class.

        Properties: ``code``, ``name``, ``kind``, ``level``, ``status``, ``region`` (region code),
        ``agency`` (the agency whose stock the point holds, when exactly one does; else null),
        ``agencies`` (every such agency), ``stock`` (class code → available quantity, on hand less
        reserved, as in ``inv.stock.summary(by=("point", "class"))``; classes with none left out)
        and ``available`` (their total). Four queries whatever the number of points.
        """
        data = schemas.load(MapLayerIn, {"kind": kind})
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = select_columns(
                StoragePoint.id,
                StoragePoint.code,
                StoragePoint.name,
                StoragePoint.kind,
                StoragePoint.level,
                StoragePoint.status,
                StoragePoint.region_code,
                StoragePoint.jurisdiction_code,
                StoragePoint.lat,
                StoragePoint.lon,
            ).order_by(StoragePoint.code)
            if data.get("kind"):
                q = q.where(StoragePoint.kind == data["kind"])
            conn = s.connection()
            points = conn.execute(scoped_points(q, actor)).all()
            # The stock per (point, class) is kept in its own table in step with the lots
            # (services.stock.point_totals): a province's 47,000 pairs instead of summing 200,000 lots.
            stock_q = scoped(
                select(
                    PointClassStock.point_id,
                    PointClassStock.class_id,
                    PointClassStock.agency_id,
                    PointClassStock.on_hand - PointClassStock.reserved,
                )
                .where(col(PointClassStock.on_hand) > col(PointClassStock.reserved))
                .order_by(col(PointClassStock.point_id), col(PointClassStock.class_id)),
                actor,
                PointClassStock.point_id,
                PointClassStock.agency_id,
            )
            class_codes: dict[int, str] = dict(conn.execute(select(SupplyClass.id, SupplyClass.code)).all())
            agency_codes: dict[int, str] = dict(conn.execute(select(Agency.id, Agency.code)).all())
            stock: dict[int, dict[str, int]] = {}
            holders: dict[int, set[int]] = {}
            # Rows come point by point: one dict per point, filled without looking the point up again.
            current: dict[str, int] = {}
            agencies_here: set[int] = set()
            last = None
            for point_id, class_id, agency_id, free in conn.execute(stock_q).all():
                if point_id != last:
                    current = stock[point_id] = {}
                    agencies_here = holders[point_id] = set()
                    last = point_id
                current[class_codes[class_id]] = free
                agencies_here.add(agency_id)
        features = []
        for pid, code, name, kind_, level, status, region, _jurisdiction, lat, lon in points:
            held = stock.get(pid) or {}  # a dict of its own: a caller may change one feature's stock
            agencies = sorted(agency_codes[a] for a in holders[pid]) if held else []
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "id": code,
                    "properties": {
                        "code": code,
                        "name": name,
                        "kind": kind_,
                        "level": level,
                        "status": status,
                        "region": region,
                        "agency": agencies[0] if len(agencies) == 1 else None,
                        "agencies": agencies,
                        "stock": held,
                        "available": sum(held.values()),
                    },
                }
            )
        return collection(features)

    def incidents(self) -> FeatureCollection:
        """The open incidents the user reads, at their place: id, name, type, level, region, population, start."""
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = scoped_to_jurisdiction(
                select(Incident).where(Incident.status == "open").order_by(col(Incident.id)),
                actor,
                Incident.jurisdiction_code,
            )
            rows = s.exec(q).all()
            return collection(
                point_feature(
                    r.lon,
                    r.lat,
                    {
                        "id": r.id,
                        "name": r.name,
                        "type": r.type,
                        "level": r.level,
                        "region": r.region_code,
                        "population": r.population,
                        "started_at": r.started_at.isoformat(),
                    },
                    id=r.id,
                )
                for r in rows
            )

    def townships(self, *, population: int = 5000, hours: float = 12.0, hazard: str | None = None) -> FeatureCollection:
        """Readiness by township (:meth:`~supplies.services.readiness.check.Readiness.rank_townships`) for a
        planning ``population`` each, within ``hours``: ``coverage`` is the mean share of the needs covered
        (1 ready, 0 nothing in reach), ``short_needs`` the needs left short.

        A township is drawn as the convex hull of its points (its points' area: the regions table holds
        no boundaries), or at their centre when it has fewer than three points or they lie on one line.
        """
        data = schemas.load(MapLayerIn, {"population": population, "hours": hours})
        ranking = self._inv.readiness.rank_townships(population=data["population"], hours=data["hours"], hazard=hazard)
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = select(StoragePoint.code, StoragePoint.lat, StoragePoint.lon)
            where = {code: (lon, lat) for code, lat, lon in s.connection().execute(scoped_points(q, actor)).all()}
            keys = [town.township for town in ranking]
            # A township's own name where the regions table has it (else its first point's, as ranked).
            names = dict(
                s.connection().execute(select(Region.code, Region.name).where(col(Region.code).in_(keys))).all()
            )
        features = []
        for town in ranking:
            corners = [where[c] for c in town.points if c in where]
            if not corners:  # a township of another jurisdiction: not the user's to see
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": town.township,
                    "geometry": _area(corners, (town.lon, town.lat)),
                    "properties": {
                        "code": town.township,
                        "name": names.get(town.township, town.name),
                        "points": list(town.points),
                        "population": town.population,
                        "coverage": round(1.0 - town.uncovered, 6),
                        "short_needs": list(town.short_needs),
                        "rank": town.rank,
                        "centre": [town.lon, town.lat],
                    },
                }
            )
        return collection(features, hours=data["hours"], population=data["population"])

    def reach(self, incident_id: int, hours: float) -> FeatureCollection:
        """The active points in the user's scope that can deliver to incident ``incident_id`` within ``hours``.

        The same arrival estimate as allocation and readiness: the travel-time table where it has an
        entry (to the incident's region), else straight-line distance over the road speed, plus
        handling, plus the lead time of agreement and capacity reserves. Properties: ``code``,
        ``name``, ``kind``, ``eta_hours`` (the earliest stock's), ``available`` (the free stock
        that arrives in time) and ``stock`` (per class). Nearest first.
        """
        import numpy as np

        incident = request_id(incident_id, "incident")
        data = schemas.load(MapLayerIn, {"hours": hours})
        with self._work(write=False, lag_ok=True) as (s, actor):
            row = s.get(Incident, incident)
            if row is None or not in_scope(actor, row.jurisdiction_code):
                raise NotFound(t("no incident with id {id}", id=incident), "incident")
            dest = Destination(row.lat, row.lon, None, row.region_code)
            name = row.name
            q = scoped(
                select_columns(
                    StockLot.point_id,
                    StockLot.class_id,
                    StockLot.lead_time_hours,
                    func.sum(col(StockLot.on_hand) - col(StockLot.reserved)),
                )
                .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
                .where(col(StockLot.on_hand) > col(StockLot.reserved), StoragePoint.status == PointStatus.ACTIVE.value)
                .group_by(col(StockLot.point_id), col(StockLot.class_id), col(StockLot.lead_time_hours)),
                actor,
                StockLot.point_id,
                StockLot.agency_id,
            )
            conn = s.connection()
            groups = conn.execute(q).all()
            ids = sorted({g[0] for g in groups})
            info = {
                r[0]: r[1:]
                for r in conn.execute(
                    select_columns(
                        StoragePoint.id,
                        StoragePoint.code,
                        StoragePoint.name,
                        StoragePoint.kind,
                        StoragePoint.lat,
                        StoragePoint.lon,
                    ).where(col(StoragePoint.id).in_(ids or [-1]))
                ).all()
            }
            class_codes: dict[int, str] = dict(conn.execute(select(SupplyClass.id, SupplyClass.code)).all())
            table = table_hours(s, [dest])[0]
        pos = {pid: i for i, pid in enumerate(ids)}
        lat = np.fromiter((info[p][3] for p in ids), float, len(ids))
        lon = np.fromiter((info[p][4] for p in ids), float, len(ids))
        known = np.fromiter((table.get(p, np.nan) for p in ids), float, len(ids))
        by_point = eta_hours_array(self.arrival, lat, lon, dest.lat, dest.lon, np.zeros(len(ids)), known)
        reached: dict[int, dict[str, Any]] = {}
        for pid, class_id, lead, free in groups:
            eta = float(by_point[pos[pid]]) + float(lead or 0.0)
            if eta > data["hours"] + _EPS:
                continue
            entry = reached.setdefault(pid, {"eta": eta, "stock": defaultdict(int)})
            entry["eta"] = min(entry["eta"], eta)
            entry["stock"][class_codes[class_id]] += int(free)
        order = sorted(reached, key=lambda p: (reached[p]["eta"], info[p][0]))
        features = []
        for pid in order:
            code, pname, kind, plat, plon = info[pid]
            per_class = dict(sorted(reached[pid]["stock"].items()))
            features.append(
                point_feature(
                    plon,
                    plat,
                    {
                        "code": code,
                        "name": pname,
                        "kind": kind,
                        "eta_hours": round(reached[pid]["eta"], 2),
                        "available": sum(per_class.values()),
                        "stock": per_class,
                    },
                    id=code,
                )
            )
        return collection(
            features,
            incident={"id": incident, "name": name, "coordinates": [dest.lon, dest.lat]},
            hours=data["hours"],
        )


def _area(corners: list[tuple[float, float]], centre: tuple[float, float]) -> dict[str, Any]:
    """The convex hull of ``corners`` as a GeoJSON Polygon (closed ring, counter-clockwise), or a Point at
    ``centre`` when the corners enclose no area."""
    distinct = sorted(set(corners))
    if len(distinct) >= 3:
        from scipy.spatial import ConvexHull, QhullError  # here: only the townships layer needs SciPy

        try:
            hull = ConvexHull(distinct)
        except QhullError:  # all on one line: no area to draw
            pass
        else:
            ring = [list(distinct[i]) for i in hull.vertices]  # counter-clockwise in two dimensions
            return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    return {"type": "Point", "coordinates": list(centre)}
