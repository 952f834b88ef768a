"""With CSRF protection on (as in production), a form posted without its token changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

import supplies

from .helpers import PASSWORDS, csrf_token, make_app, movements, text


@pytest.fixture
def guarded(town: supplies.Inventory) -> Iterator[Flask]:
    app = make_app(town, WTF_CSRF_ENABLED=True)
    yield app
    app.extensions["supplies"].close()


def _login(app: Flask) -> object:
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"name": "admin", "password": PASSWORDS["admin"], "csrf_token": token})
    assert response.status_code == 302
    return client


def test_login_without_the_token_is_refused(guarded: Flask) -> None:
    response = guarded.test_client().post("/login", data={"name": "admin", "password": PASSWORDS["admin"]})
    assert response.status_code == 400


RECEIPT = {"point": "CK-01", "item": "TENT12", "qty": "5", "mode": "physical", "batch": "T1"}


def test_a_stock_action_without_the_token_writes_nothing(guarded: Flask, town: supplies.Inventory) -> None:
    client = _login(guarded)
    before = movements(town)
    assert client.post("/stock/actions/receive", data=RECEIPT).status_code == 400
    assert client.post("/stock/actions/receive", data={**RECEIPT, "csrf_token": "forged"}).status_code == 400
    assert movements(town) == before
    token = csrf_token(client, "/stock/actions/receive")
    assert client.post("/stock/actions/receive", data={**RECEIPT, "csrf_token": token}).status_code == 302
    assert movements(town) == before + 1


def test_a_token_from_another_session_is_refused(guarded: Flask, town: supplies.Inventory) -> None:
    theirs = csrf_token(_login(guarded), "/stock/actions/receive")
    mine = _login(guarded)
    before = movements(town)
    assert mine.post("/stock/actions/receive", data={**RECEIPT, "csrf_token": theirs}).status_code == 400
    assert movements(town) == before


@pytest.mark.parametrize(
    "url,data",
    [
        ("/catalog/agencies/new/", {"code": "NEW", "name": "new agency"}),
        ("/users/new/", {"name": "mallory", "role": "admin", "password": "long-enough-1"}),
        ("/users/action/", {"action": "deactivate", "rowid": "2"}),
        ("/account/", {"current": PASSWORDS["admin"], "new": "x" * 12, "repeat": "x" * 12}),
        ("/logout", {}),
    ],
)
def test_generic_forms_and_actions_need_the_token(
    guarded: Flask, town: supplies.Inventory, url: str, data: dict[str, str]
) -> None:
    client = _login(guarded)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "NEW" not in [a.code for a in town.agencies.list()]
    assert "mallory" not in [u.name for u in town.users.list()]
    assert all(u.active for u in town.users.list())
    assert client.get("/").status_code == 200  # still logged in, password unchanged


def test_forms_render_their_token(guarded: Flask) -> None:
    client = _login(guarded)
    for url in ["/catalog/agencies/new/", "/stock/actions/issue", "/account/", "/users/new/"]:
        # the page's form, and the log-out button in the menu
        assert text(client.get(url)).count('name="csrf_token"') == 2, url
