"""Helpers of the web admin tests: passwords of the test users, log-in, CSRF tokens, ledger counts."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

import supplies
from webadmin import create_app

PASSWORDS = {
    "admin": "correct-horse-battery",
    "keeper": "keeper-pass-1",
    "officer": "officer-pass-1",
    "dispatch": "dispatch-pass-1",
    "viewer": "viewer-pass-1",
    # the flood-day county (tests/web/conftest.py: flood)
    "zhangwei": "zhangwei-pass-1",
    "lina": "lina-pass-1",
    "yangfan": "yangfan-pass-1",
    "weizm": "weizm-pass-1",
}


def url_of(inv: supplies.Inventory) -> str:
    return inv.engine.url.render_as_string(hide_password=False)


def make_app(inv: supplies.Inventory, **config: object) -> Flask:
    # The dashboard read afresh on every page: tests check it right after another user's change
    # (keeping it per scope is tested in tests/web/test_dashboard_cache.py).
    settings: dict[str, object] = {
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
        "DASHBOARD_SECONDS": 0,
    }
    settings.update(config)
    return create_app(url_of(inv), **settings)


def login(client: FlaskClient, name: str, password: str | None = None) -> None:
    response = client.post("/login", data={"name": name, "password": password or PASSWORDS[name]})
    assert response.status_code == 302, response.get_data(as_text=True)


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def movements(inv: supplies.Inventory) -> int:
    """How many lines the ledger holds."""
    return len(inv.stock.ledger())


def text(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined]


def table(response: object) -> str:
    """The rows of the list on a page (not its menus and filter options)."""
    page = text(response)
    start = page.find('<table class="table')
    return page[start : page.find("</table>", start)] if start >= 0 else ""


@contextmanager
def served(inv: supplies.Inventory) -> Iterator[str]:
    """The app over ``inv`` (CSRF on, as in production) on a free loopback port, in a background thread."""
    app = make_app(inv, WTF_CSRF_ENABLED=True, TESTING=False)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        app.extensions["supplies"].close()
