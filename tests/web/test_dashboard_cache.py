"""The dashboard's figures are kept a few seconds per scope, and a user's own change shows at once."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

import supplies

from .helpers import login, make_app, text


def living_on_hand(client: FlaskClient) -> int:
    """The dashboard's on-hand figure of the LIVING class."""
    page = text(client.get("/"))
    return int(re.findall(r">([\d,]+)<", page.split("LIVING</code>")[1].split("</tr>")[0])[0].replace(",", ""))


def test_one_scope_shares_figures_for_a_few_seconds_and_a_users_change_shows_at_once(town: supplies.Inventory) -> None:
    town.users.add("deputy", role="admin", password="deputy-pass-1")  # the same scope as admin
    app = make_app(town, DASHBOARD_SECONDS=60)
    admin, deputy = app.test_client(), app.test_client()
    login(admin, "admin")
    login(deputy, "deputy", "deputy-pass-1")
    before = living_on_hand(admin)

    town.stock.receive("CK-01", "QUILT", 5)  # made elsewhere (the library): shows within the 60 s
    assert living_on_hand(deputy) == before

    reply = admin.post(
        "/stock/actions/receive", data={"point": "CK-01", "item": "QUILT", "qty": "7", "mode": "physical"}
    )
    assert reply.status_code == 302
    assert living_on_hand(admin) == before + 12  # their own change, and the one made elsewhere
    assert living_on_hand(deputy) == before + 12  # the same scope's figures were read again
    app.extensions["supplies"].close()


def test_no_keeping_reads_the_figures_on_every_page(town: supplies.Inventory) -> None:
    app = make_app(town, DASHBOARD_SECONDS=0)
    admin = app.test_client()
    login(admin, "admin")
    before = living_on_hand(admin)
    town.stock.receive("CK-01", "QUILT", 5)
    assert living_on_hand(admin) == before + 5
    app.extensions["supplies"].close()
