"""API resources of the catalog and places: storage points, supply classes and items."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from supplies.errors import NotFound
from supplies.i18n import t

from . import schemas as s
from .auth import acting
from .blueprints import api_blueprint

blp = api_blueprint("catalog", "Storage points, the supply-class tree and the items under it.")


@blp.route("/points")
class Points(MethodView):
    @blp.etag
    @blp.arguments(s.PointArgs, location="query", as_kwargs=True)
    @blp.response(200, s.page_of(s.PointOut, "PointPage"))
    def get(self, cursor: int | None = None, limit: int = s.DEFAULT_PAGE, **filters: Any) -> Any:
        """Storage points of the token user's jurisdiction and below, by code."""
        return s.sliced(acting().points.list(**filters), {"cursor": cursor, "limit": limit})


@blp.route("/points.geojson")
class PointsLayer(MethodView):
    @blp.etag
    @blp.arguments(s.PointLayerArgs, location="query")
    @blp.response(200, s.FeatureCollectionOut)
    def get(self, args: dict[str, Any]) -> Any:
        """The storage points as a GeoJSON FeatureCollection (RFC 7946) for map layers: each point with its
        code, name, kind, level, status, region and available stock per supply class (``stock``)."""
        return acting().map.points(args.get("kind"))


@blp.route("/points/<code>")
class Point(MethodView):
    @blp.response(200, s.PointOut)
    def get(self, code: str) -> Any:
        """One storage point of the token user's jurisdiction or below."""
        inv = acting()
        point = inv.points.get(code)
        # The core's get() reads any point (a destination may be anywhere); the API shows only those
        # the user's list holds, as the web's points page does.
        if point.code not in {p.code for p in inv.points.list(region_code=point.region_code or None)}:
            raise NotFound(t("no storage point with code {code!r}", code=code), "code")
        return point


@blp.route("/classes")
class Classes(MethodView):
    @blp.etag
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, s.page_of(s.ClassOut, "ClassPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """The supply-class tree in order (parents before children), each class with its responsible agency."""
        return s.sliced(acting().classes.tree(), args)


@blp.route("/items")
class Items(MethodView):
    @blp.etag
    @blp.arguments(s.ItemArgs, location="query")
    @blp.response(200, s.page_of(s.ItemOut, "ItemPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Items, by code; ``supply_class`` narrows to a class and its sub-classes."""
        inv = acting()
        classes = {c.id: c.code for c in inv.classes.list()}
        rows = [
            {**item.model_dump(), "supply_class": classes.get(item.class_id)}
            for item in inv.items.list(supply_class=args.get("supply_class"))
        ]
        return s.sliced(rows, args)
