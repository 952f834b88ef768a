"""The Users page: an empty password refused unless "no web password" is ticked, and deactivated users reactivated."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

import supplies

from .helpers import login, table, text

Client = Callable[[str], FlaskClient]


def _row_id(client: FlaskClient, name: str) -> str:
    page = text(client.get(f"/users/?search={name}"))
    return re.findall(r'name="rowid" class="action-checkbox" value="(\d+)"', page)[0]


def test_an_empty_password_is_refused_and_the_form_kept(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    response = client.post("/users/new/", data={"name": "wang", "role": "viewer", "agency": "", "password": ""})
    page = text(response)
    assert response.status_code == 200
    assert "Password: Give a password of 8 characters or more, or tick" in page
    assert 'value="wang"' in page  # the form is kept
    assert "wang" not in {u.name for u in town.users.list()}


def test_no_web_password_is_an_explicit_choice(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    response = client.post(
        "/users/new/", data={"name": "script", "role": "viewer", "agency": "", "password": "", "no_web_password": "y"}
    )
    assert response.status_code == 302
    assert town.users.get("script").web_login is False
    row = table(client.get("/users/?search=script"))
    assert "no web password" in row
    both = client.post(
        "/users/new/",
        data={"name": "both", "role": "viewer", "agency": "", "password": "both-pass-123", "no_web_password": "y"},
    )
    assert both.status_code == 200 and "a user without web log-in takes no password" in text(both)
    # The checkbox is for new users only: an edit keeps or changes the password.
    assert "no_web_password" not in text(client.get(f"/users/edit/?id={_row_id(client, 'script')}"))


def test_a_deactivated_user_is_reactivated_from_the_list(app, client_as: Client, town: supplies.Inventory) -> None:  # type: ignore[no-untyped-def]
    client = client_as("admin")
    uid = _row_id(client, "keeper")
    client.post("/users/action/", data={"action": "deactivate", "rowid": [uid], "url": "/users/"})
    assert not town.users.get("keeper").active
    assert "deactivated" in table(client.get("/users/?search=keeper"))

    again = client.post(
        "/users/new/",
        data={"name": "keeper", "role": "warehouse", "agency": "", "points": ["CK-01"], "password": "keeper-pass-2"},
    )
    assert again.status_code == 200
    assert "already exists and is deactivated: reactivate it" in text(again)

    done = client.post(
        "/users/action/", data={"action": "activate", "rowid": [uid], "url": "/users/"}, follow_redirects=True
    )
    assert "1 users reactivated." in text(done)
    assert town.users.get("keeper").active
    login(app.test_client(), "keeper")  # the old password works again
