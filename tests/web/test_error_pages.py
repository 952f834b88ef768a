"""Error pages (400, 403, 404, 429, 500): the admin's frame, the user's language, a way back, and no traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

import supplies

from .helpers import PASSWORDS, csrf_token, make_app, text
from .pending_zh import merge_pending


def _way_back(page: str) -> None:
    assert 'id="error-home"' in page and 'href="/"' in page  # the dashboard
    assert 'id="error-back"' in page  # the previous page


def test_not_found_in_the_layout_with_a_way_back(client_as, app: Flask) -> None:  # type: ignore[no-untyped-def]
    client = client_as("keeper")
    response = client.get("/no/such/page", headers={"Referer": "http://localhost/stock/lots/?search=T"})
    page = text(response)
    assert response.status_code == 404
    assert "Page not found" in page and "<nav" in page and "keeper" in page  # the menu and the user
    _way_back(page)
    assert 'href="/stock/lots/?search=T"' in page  # back to where the user came from
    elsewhere = text(client.get("/nothing", headers={"Referer": "https://evil.example/x"}))
    assert "evil.example" not in elsewhere and "history.back()" in elsewhere
    anonymous = app.test_client().get("/no/such/page")
    assert anonymous.status_code == 404 and "Page not found" in text(anonymous)


def test_forbidden_says_why_and_keeps_the_menu(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("viewer").get("/users/")
    page = text(response)
    assert response.status_code == 403
    assert "Not allowed" in page and "ask an administrator" in page and "<nav" in page
    _way_back(page)


def test_error_pages_in_chinese(app: Flask, client_as) -> None:  # type: ignore[no-untyped-def]
    merge_pending(app)
    client = client_as("keeper")
    client.get("/language/zh_Hans_CN")
    page = text(client.get("/no/such/page"))
    assert "页面不存在" in page and "返回上一页" in page and "回到概览" in page


@pytest.fixture
def guarded(town: supplies.Inventory) -> Iterator[Flask]:
    app = make_app(town, WTF_CSRF_ENABLED=True, TESTING=False, PROPAGATE_EXCEPTIONS=False)
    yield app
    app.extensions["supplies"].close()


def test_a_form_without_its_token_gets_a_bad_request_page(guarded: Flask) -> None:
    client = guarded.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"name": "keeper", "password": PASSWORDS["keeper"], "csrf_token": token})
    response = client.post("/stock/actions/receive", data={"point": "CK-01", "item": "TENT12", "qty": "1"})
    page = text(response)
    assert response.status_code == 400
    assert "The form had expired" in page and "CSRF" not in page
    _way_back(page)


def test_too_many_requests_in_the_layout(guarded: Flask) -> None:
    from werkzeug.exceptions import TooManyRequests

    from webadmin.errors import error_page

    with guarded.test_request_context("/stock/lots/"):
        response = error_page(TooManyRequests())
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Too many requests" in page and "wait a minute" in page
    _way_back(page)


def test_a_server_error_never_shows_the_traceback(
    guarded: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from webadmin import dashboard

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail: password_hash=argon2$abc")

    client = guarded.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"name": "admin", "password": PASSWORDS["admin"], "csrf_token": token})
    monkeypatch.setattr(dashboard, "expiry_counts", broken)
    response = client.get("/")
    page = text(response)
    assert response.status_code == 500
    assert "Something went wrong" in page and "nothing was half-saved" in page
    assert "secret detail" not in page and "Traceback" not in page and "RuntimeError" not in page
    _way_back(page)
    reference = page.split('id="error-reference">')[1].split("<")[0]
    assert reference and any(reference in r.getMessage() for r in caplog.records)  # the log has it, with the cause
    assert any("secret detail" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


def test_a_server_error_while_drawing_the_layout_still_answers(guarded: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from webadmin.views.home import HomeView

    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("the database went away")

    client = guarded.test_client()
    login_page = client.get("/login")
    assert login_page.status_code == 200
    monkeypatch.setattr(HomeView, "render", broken)
    token = csrf_token(client, "/login")
    client.post("/login", data={"name": "admin", "password": PASSWORDS["admin"], "csrf_token": token})
    response = client.get("/")
    page = text(response)
    assert response.status_code == 500 and "Something went wrong" in page and "went away" not in page
    assert 'href="/"' in page
