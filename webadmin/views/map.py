"""The map page (应急一张图) and the GeoJSON layers it and the dashboard fetch, in the logged-in user's scope."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_admin import expose
from flask_babel import get_locale

from supplies.errors import NotFound, SuppliesError

from .. import labels
from ..auth import acting
from ..i18n import said
from ..maps import map_config
from .base import SecureView


def page_config(page: str) -> dict[str, Any]:
    """The map script's settings for ``page``, with the kinds of point and the needs named in the page's language."""
    cfg = map_config(page=page)
    cfg["words"]["kinds"] = {kind: str(name) for kind, name in labels.POINT_KINDS.items()}
    if page == "full":
        chinese = str(get_locale() or "en").startswith("zh")
        cfg["words"]["needs"] = {
            n.need: (n.name_zh if chinese else n.name_en) or n.need for n in acting().readiness.norms()
        }
    return cfg


def _layer(build: Any) -> Any:
    """The layer as GeoJSON, or the core's refusal as ``{"field", "reason"}`` (400, or 404 for what is not found)."""
    try:
        body = build()
    except SuppliesError as exc:
        response = jsonify(field=exc.field, reason=said(exc))
        response.status_code = 404 if isinstance(exc, NotFound) else 400
        return response
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


class MapView(SecureView):
    """The full-page map with layer switches; its ``layers/*.geojson`` routes call ``inv.map`` as the user."""

    @expose("/")
    def index(self) -> Any:
        incidents = acting().map.incidents()["features"]
        return self.render(
            "supplies/map.html",
            map_settings=page_config("full"),
            incidents=[f["properties"] for f in incidents],
            hours=request.args.get("hours", 6, type=float),
        )

    @expose("/layers/points.geojson")
    def points(self) -> Any:
        return _layer(lambda: acting().map.points(kind=request.args.get("kind") or None))

    @expose("/layers/incidents.geojson")
    def incidents(self) -> Any:
        return _layer(lambda: acting().map.incidents())

    @expose("/layers/townships.geojson")
    def townships(self) -> Any:
        return _layer(
            lambda: acting().map.townships(
                population=request.args.get("population", 5000, type=int),
                hours=request.args.get("hours", 12.0, type=float),
            )
        )

    @expose("/layers/reach.geojson")
    def reach(self) -> Any:
        return _layer(
            lambda: acting().map.reach(
                request.args.get("incident", ""),  # text: the core checks it and names the field
                request.args.get("hours", 6.0, type=float),
            )
        )
