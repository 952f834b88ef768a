"""The ledger's search box finds the same movements as a match of each column would, by codes looked up first."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from flask.testing import FlaskClient
from sqlalchemy import text

import supplies

LEDGER = "/stock/ledger/"


def _rows(client: FlaskClient, search: str, **args: str) -> list[tuple[str, str, str]]:
    """(batch, quantity, reference) of each movement the ledger page shows for ``search``."""
    reply = client.get(LEDGER, query_string={"search": search, **args})
    assert reply.status_code == 200, search
    html = reply.get_data(as_text=True)
    cells = {
        name: [unescape(v) for v in re.findall(rf'<td class="col-{name}">\s*(.*?)\s*</td>', html, re.S)]
        for name in ("batch", "qty", "reference")
    }
    return sorted(zip(cells["batch"], cells["qty"], cells["reference"], strict=True))


def _expected(inv: supplies.Inventory, search: str, points: set[str] | None = None) -> list[tuple[str, str, str]]:
    """Each term in any of the searchable columns: item code or name, point, batch, reference, reason, actor."""
    with inv.engine.connect() as conn:
        names = dict(conn.execute(text("SELECT code, name FROM item")).all())
    found = []
    for line in inv.stock.ledger():
        if points is not None and line.point not in points:
            continue
        texts = [line.item, names[line.item], line.point, line.batch, line.reference, line.reason, line.actor]
        if all(any(term.lower() in (t or "").lower() for t in texts) for term in search.split()):
            qty = f"{line.qty:+d}" if line.qty else "0"
            found.append((line.batch, qty, line.reference or ""))
    return sorted(found)


def test_the_ledger_search_finds_movements_by_any_column(
    town: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    town.stock.receive("TS-01", "SANDBAG", 200, batch="S2", reference="入库单2026-017")
    town.stock.adjust("TS-02", "QUILT", 28, batch="Q1", reason="受潮霉变", reference="盘点-9")
    town.users.add("clerk-wang", role="warehouse", points=["TS-02"], password="clerk-wang-password-1")
    clerk = supplies.open(town.url, user="clerk-wang")
    try:
        clerk.stock.receive("TS-02", "QUILT", 5, batch="Q2")
    finally:
        clerk.close()
    admin, keeper = client_as("admin"), client_as("keeper")
    terms = (
        "SANDBAG",  # an item's code
        "棉被",  # an item's name
        "ts-02",  # a point's code, any case
        "q2",  # a batch
        "2026-017",  # a reference
        "霉变",  # a reason
        "wang",  # the user who made the movement
        "TS-01 S2",  # two terms: both must match
        "admin",  # the user who made the other movements
        "nothing-like-this",
    )
    for term in terms:
        expected = _expected(town, term)
        assert _rows(admin, term) == expected, term
        assert _rows(admin, term, sort="3") == expected, term  # sorted by item: every match read
        # Warehouse staff find only their own point's movements (CK-01), newest first or not.
        assert _rows(keeper, term) == _rows(keeper, term, sort="3") == _expected(town, term, {"CK-01"}), term
    assert _expected(town, "wang") and _expected(town, "霉变") and not _expected(town, "nothing-like-this")
