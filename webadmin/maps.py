"""The web map's plumbing: Leaflet served from the xstatic-leaflet package, the tile hosts the pages may load, the map's settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import xstatic.pkg.leaflet as leaflet
from flask import Blueprint, Response, current_app, send_from_directory, url_for
from flask_babel import gettext as _
from markupsafe import escape

#: Leaflet's own files (leaflet.js, leaflet.css, images/), shipped inside the installed package.
bp = Blueprint("leaflet", __name__)


@bp.route("/vendor/leaflet/<path:filename>")
def asset(filename: str) -> Response:
    """A file of Leaflet (the map library), from this server: the map works without internet."""
    return send_from_directory(leaflet.BASE_DIR, filename, max_age=86400)


def tile_origins(templates: list[str]) -> list[str]:
    """The origins the tile URL templates load from, for the Content-Security-Policy's img-src.

    A placeholder in the host (``t{s}.tianditu.gov.cn``) becomes a wildcard label
    (``*.tianditu.gov.cn``); a template that is no http(s) URL allows nothing.
    """
    out: list[str] = []
    for template in templates:
        parts = urlsplit(template)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        labels = parts.netloc.split(".")
        host = ".".join("*" if "{" in label else label for label in labels)
        if host.startswith("*") and host.count("*") == 1:
            origin = f"{parts.scheme}://{host}"
        elif "*" in host:
            continue  # a placeholder elsewhere than the first label: CSP cannot say it
        else:
            origin = f"{parts.scheme}://{host}"
        if origin not in out:
            out.append(origin)
    return out


def map_config(*, page: str) -> dict[str, Any]:
    """What the map's script needs: where the layers are, the tiles, and its words in the page's language.

    ``page`` is ``dashboard`` (points and incidents) or ``full`` (every layer, and the reach form).
    """
    cfg = current_app.config
    credit, library = _("Leaflet, the open-source map library"), _("Map library")
    return {
        "page": page,
        "urls": {
            "points": url_for("map.points"),
            "incidents": url_for("map.incidents"),
            "townships": url_for("map.townships"),
            "reach": url_for("map.reach"),
        },
        "tiles": list(cfg.get("MAP_TILES") or []),
        "attribution": cfg.get("MAP_ATTRIBUTION") or "",
        "subdomains": cfg.get("MAP_SUBDOMAINS") or "abc",
        # Leaflet's own credit, in the page's language (the Chinese pages carry no English words).
        "prefix": f'<a href="https://leafletjs.com" title="{escape(credit)}">{escape(library)}</a>',
        "words": {
            "kinds": {},  # filled by the view from labels.POINT_KINDS
            "incidents": _("Open incidents"),
            "townships": _("Readiness by township"),
            "reach": _("Within reach of the incident"),
            "available": _("Available"),
            "stock": _("Stock by class"),
            "none": _("No stock"),
            "coverage": _("Covered"),
            "short": _("Short"),
            "people": _("People affected"),
            "eta": _("Arrives within (hours)"),
            "points": _("Storage points"),
            "reached": _("%(n)s points can deliver within %(hours)s hours"),
            "empty": _("No places to show yet."),
            "failed": _("The map layer could not be loaded."),
        },
    }
