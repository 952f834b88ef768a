"""The lots page reads in a few statements and keeps its filters and scope: option lists come from a short-lived cache."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import event

import supplies

from .helpers import login, make_app

LOTS = "/stock/lots/"


def _page(client: FlaskClient, url: str = LOTS) -> tuple[str, int]:
    """The page's HTML and how many SQL statements it cost."""
    engine = client.application.extensions["supplies"].engine
    count = [0]

    def counter(*_args: object) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        reply = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert reply.status_code == 200, url
    return reply.get_data(as_text=True), count[0]


def _batches(html: str) -> set[str]:
    return set(re.findall(r'data-label="Batch">([^<]*)<', html))


def _class_options(html: str) -> set[str]:
    """The codes offered by the lots page's "Supply class" filter."""
    groups = json.loads(re.search(r'<div id="filter-groups-data" class="d-none">(.*?)</div>', html, re.S).group(1))
    return {
        code
        for group, filters in groups.items()
        if group == "Supply class"
        for f in filters
        for code, _ in f["options"] or []
    }


def test_the_lots_page_costs_at_most_five_statements_and_shows_each_user_their_own_lots(
    client_as: Callable[[str], FlaskClient],
) -> None:
    seen = {}
    for name in ("admin", "keeper", "officer"):
        client = client_as(name)
        _page(client)  # the process's first page fills its cache of option lists
        html, statements = _page(client)
        assert statements <= 5, (name, statements)
        seen[name] = _batches(html)
    assert seen["admin"] == {"T1", "S1", "Q1"}
    assert seen["keeper"] == {"T1"}  # warehouse staff: their own point (CK-01) only
    assert seen["officer"] == {"T1", "Q1"}  # the officer of CIV: its class LIVING (tents, quilts)
    # The search box finds a lot by its item's code, its point's name or its batch, as before.
    admin = client_as("admin")
    for term, batches in (
        ("SANDBAG", {"S1"}),
        ("城关镇", {"S1"}),
        ("q1", {"Q1"}),
        ("CK-01 T1", {"T1"}),
        ("nothing", set()),
    ):
        assert _batches(_page(admin, f"{LOTS}?search={term}")[0]) == batches, term
    # A filter from the cached options still narrows the list.
    assert _batches(_page(admin, f"{LOTS}?flt0_0=TS-02")[0]) == {"Q1"}


def test_a_class_added_in_the_web_is_offered_in_the_lot_filters_at_once(
    client_as: Callable[[str], FlaskClient],
) -> None:
    admin = client_as("admin")
    assert "LIVING-TENT" not in _class_options(_page(admin)[0])  # the options are now cached
    added = admin.post(
        "/catalog/classes/new/",
        data={"code": "LIVING-TENT", "name": "帐篷", "name_en": "Tents", "parent": "LIVING", "agency": "CIV"},
    )
    assert added.status_code == 302
    assert "LIVING-TENT" in _class_options(_page(admin)[0])


def test_a_class_added_elsewhere_is_offered_within_the_lookup_time(town: supplies.Inventory) -> None:
    app = make_app(town, LOOKUP_SECONDS=1)
    try:
        client = app.test_client()
        login(client, "admin")
        assert "FOOD" not in _class_options(_page(client)[0])
        town.classes.add("FOOD", "食品", agency="CIV")  # the library (or the CLI, or another process)
        time.sleep(1.1)
        assert "FOOD" in _class_options(_page(client)[0])
    finally:
        app.extensions["supplies"].close()
