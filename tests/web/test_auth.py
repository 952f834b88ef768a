"""Log-in, log-out, sessions and the log-in limit of the web admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

import supplies

from .helpers import PASSWORDS, login, make_app, text

PAGES = [
    "/",
    "/stock/lots/",
    "/stock/actions/receive",
    "/stock/ledger/",
    "/stock/ledger/export/csv/",
    "/points/",
    "/catalog/agencies/",
    "/catalog/classes/",
    "/catalog/tree/",
    "/catalog/items/",
    "/catalog/targets/",
    "/dispatch/incidents/",
    "/dispatch/requests/",
    "/users/",
    "/account/",
    "/catalog/agencies/new/",
    "/points/edit/?id=1",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_visitor_to_the_login(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_anonymous_post_changes_nothing(app: Flask, town: supplies.Inventory) -> None:
    before = len(town.stock.ledger())
    response = app.test_client().post("/stock/actions/receive", data={"point": "CK-01", "item": "TENT12", "qty": "5"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert len(town.stock.ledger()) == before


def test_login_page_and_successful_login_lands_on_the_dashboard(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/login").status_code == 200
    response = client.post("/login", data={"name": "keeper", "password": PASSWORDS["keeper"]})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and "keeper" in text(page)


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/login?next=/stock/lots/", data={"name": "admin", "password": PASSWORDS["admin"]})
    assert response.headers["Location"] == "/stock/lots/"
    client = app.test_client()
    response = client.post("/login?next=https://evil.example/x", data={"name": "admin", "password": PASSWORDS["admin"]})
    assert response.headers["Location"] == "/"
    client = app.test_client()
    response = client.post("/login?next=//evil.example/x", data={"name": "admin", "password": PASSWORDS["admin"]})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("name,password", [("keeper", "wrong-password"), ("nobody", "keeper-pass-1"), ("keeper", "")])
def test_a_wrong_name_or_password_is_refused_without_saying_which(app: Flask, name: str, password: str) -> None:
    client = app.test_client()
    response = client.post("/login", data={"name": name, "password": password})
    assert response.status_code in (200, 401)
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_log_in_and_is_logged_out(app: Flask, town: supplies.Inventory) -> None:
    client = app.test_client()
    login(client, "keeper")
    town.users.deactivate("keeper")
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"name": "keeper", "password": PASSWORDS["keeper"]})
    assert response.status_code == 401


def test_logout_ends_the_session_and_is_a_post(app: Flask) -> None:
    client = app.test_client()
    login(client, "viewer")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_role_change_takes_effect_on_the_next_request(app: Flask, town: supplies.Inventory) -> None:
    client = app.test_client()
    login(client, "viewer")
    assert client.get("/users/").status_code == 403
    town.users.set_scope("viewer", role="admin")
    assert client.get("/users/").status_code == 200


def test_changing_the_password_ends_other_sessions(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    login(first, "keeper")
    login(second, "keeper")
    response = first.post(
        "/account/", data={"current": PASSWORDS["keeper"], "new": "a-new-password-9", "repeat": "a-new-password-9"}
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    fresh = app.test_client()
    login(fresh, "keeper", "a-new-password-9")


def test_a_wrong_current_password_changes_nothing(app: Flask) -> None:
    client = app.test_client()
    login(client, "keeper")
    response = client.post(
        "/account/", data={"current": "not-it", "new": "a-new-password-9", "repeat": "a-new-password-9"}
    )
    assert response.status_code == 200
    assert "Current password: is not your current password" in text(response)
    login(app.test_client(), "keeper")


def test_too_many_failures_lock_the_name_out_for_a_while(town: supplies.Inventory) -> None:
    app = make_app(town, LOGIN_MAX_FAILURES=3)
    try:
        client = app.test_client()
        for _ in range(3):
            assert client.post("/login", data={"name": "keeper", "password": "guess"}).status_code == 401
        locked = client.post("/login", data={"name": "keeper", "password": PASSWORDS["keeper"]})
        assert locked.status_code == 429
        assert "Too many failed log-ins" in text(locked)
        assert client.get("/").status_code == 302
        # Another name from the same address is not locked.
        login(client, "viewer")
    finally:
        app.extensions["supplies"].close()


def test_session_cookie_is_http_only_lax_and_secure_when_asked(town: supplies.Inventory) -> None:
    app = make_app(town)
    try:
        client = app.test_client()
        response = client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"]})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
        assert "Expires=" in cookie  # a permanent session that expires
    finally:
        app.extensions["supplies"].close()
    app = make_app(town, SESSION_COOKIE_SECURE=True)
    try:
        response = app.test_client().post(
            "/login", data={"name": "viewer", "password": PASSWORDS["viewer"]}, base_url="https://localhost"
        )
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        app.extensions["supplies"].close()


def test_a_session_expires_after_the_configured_lifetime(town: supplies.Inventory) -> None:
    app = make_app(town, PERMANENT_SESSION_LIFETIME=timedelta(seconds=-1))
    try:
        client = app.test_client()
        client.post("/login", data={"name": "viewer", "password": PASSWORDS["viewer"]})
        # The browser drops a cookie whose lifetime has passed; the server then sees no user.
        assert client.get("/").status_code == 302
    finally:
        app.extensions["supplies"].close()


def test_pages_carry_security_headers(app: Flask) -> None:
    response = app.test_client().get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
