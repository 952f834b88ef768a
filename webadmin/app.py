"""The application factory: configuration, extensions, log-in, languages and the admin views."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import supplies
from supplies.config import database_url as resolve_url

from . import api, auth, dashboard, errors, formats, i18n, jurisdiction, lookups, maps, settings
from .converters import to_local
from .db import RequestSession
from .views import register_views
from .views.home import HomeView


def create_app(database_url: str | None = None, **config: Any) -> Flask:
    """Build the web admin over the database at ``database_url``.

    The URL defaults like the library's (``SUPPLIES_DATABASE_URL``, else ``./supplies.db``).
    Keyword arguments override Flask configuration keys (``SECRET_KEY``,
    ``SESSION_COOKIE_SECURE``, ``WTF_CSRF_ENABLED``, ``LOGIN_MAX_FAILURES`` ...). The database
    must be at the current schema (``supplies init``).
    """
    url = resolve_url(database_url)
    inv = supplies.open(url)
    inv.check_ready()

    app = Flask(__name__)
    app.config.update(settings.defaults(url, config.get("SECRET_KEY")))
    app.config.update(config)

    # List pages and the dashboard may lag by seconds: a hot standby serves them when configured.
    db = RequestSession(inv.read_engine)
    app.extensions["supplies"] = inv
    app.extensions["supplies_db"] = db
    app.teardown_appcontext(db.remove)

    if app.config["BEHIND_PROXY"]:
        # The proxy's X-Forwarded-For/-Proto/-Host: the log-in limit sees the client's address,
        # and redirects and the CSRF referrer check use https and the public host name.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    csrf = CSRFProtect(app)
    Babel(app, locale_selector=i18n.select_locale)
    auth.login_manager.init_app(app)
    app.before_request(i18n.speak_the_users_language)
    app.before_request(auth.require_login)
    app.register_blueprint(auth.bp)
    app.register_blueprint(i18n.bp)
    app.register_blueprint(jurisdiction.bp)
    app.register_blueprint(maps.bp)
    # The map's pages may load tiles from the configured tile servers, and from nowhere else.
    app.config["MAP_TILE_ORIGINS"] = maps.tile_origins(list(app.config.get("MAP_TILES") or []))
    app.after_request(_security_headers)
    lookups.init_app(app)
    dashboard.init_app(app)
    errors.register(app)

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        return {
            "languages": i18n.LOCALES,
            "current_locale": str(get_locale()),
            "jurisdiction_bar": jurisdiction.jurisdiction_bar,
        }

    app.jinja_env.filters["said"] = i18n.said
    app.jinja_env.filters["localtime"] = lambda v: to_local(v).strftime("%Y-%m-%d %H:%M") if v else ""
    app.jinja_env.filters["amount"] = formats.amount

    admin = Admin(
        app,
        name=_l("Emergency supplies"),
        url="/",
        index_view=HomeView(name=_l("Dashboard"), url="/", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="supplies/layout.html", fluid=True),
    )
    register_views(admin, db)
    api.register(app, csrf)
    return app


def _security_headers(response: Response) -> Response:
    # Pages are never framed (click-jacking) and never sniffed into another type; everything
    # the pages load comes from this server (Leaflet included), except the map's tiles, from the
    # tile servers configured in SUPPLIES_MAP_TILES.
    tiles = " ".join(current_app.config.get("MAP_TILE_ORIGINS") or [])
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; img-src 'self' data:{' ' + tiles if tiles else ''}; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
    )
    return response
