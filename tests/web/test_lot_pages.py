"""A lot's own page (its facts and its ledger, newest first) and the stock list's export with the list's filters."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from flask.testing import FlaskClient
from openpyxl import load_workbook

import supplies

from .helpers import table, text

Client = Callable[[str], FlaskClient]


def _lot_id(inv: supplies.Inventory, point: str, item: str) -> int:
    return next(x.lot_id for x in inv.stock.lots(point=point, item=item))


def test_the_lot_page_shows_its_facts_and_ledger_newest_first(client_as: Client, town: supplies.Inventory) -> None:
    town.stock.issue("CK-01", "TENT12", 3, batch="T1", reference="出库单-7")
    town.stock.receive("CK-01", "TENT12", 5, batch="T1", reference="入库单-8")
    lot = _lot_id(town, "CK-01", "TENT12")
    client = client_as("keeper")
    listing = text(client.get("/stock/lots/"))
    assert f"/stock/lots/details/?id={lot}" in listing  # every row links to its lot page
    response = client.get(f"/stock/lots/details/?id={lot}")
    page = text(response)
    assert response.status_code == 200
    facts = page.split('id="lot-facts"')[1].split("</dl>")[0]
    for fact in ("TENT12", "单帐篷(12平方米)", "CK-01", "县救灾物资储备库", "CIV", "T1", "physical stock", "42"):
        assert fact in facts, fact
    ledger = page.split('id="lot-ledger"')[1].split("</table>")[0]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in ledger.split("<tr")[2:]]
    assert "入库单-8" in rows[0] and "+5" in rows[0] and "42" in rows[0]
    assert "出库单-7" in rows[1] and "-3" in rows[1] and "37" in rows[1]
    assert "+40" in rows[2] and "40" in rows[2]
    assert f"/stock/actions/issue?lot={lot}" in page  # the actions on this lot


def test_a_lot_outside_the_scope_has_no_page(client_as: Client, town: supplies.Inventory) -> None:
    sandbags = _lot_id(town, "TS-01", "SANDBAG")
    client = client_as("keeper")
    assert client.get(f"/stock/lots/details/?id={sandbags}").status_code == 404
    for bad in ("x", "0", "99999999999999999999", ""):
        assert client.get(f"/stock/lots/details/?id={bad}").status_code == 404
    assert "SANDBAG" not in text(client.get(f"/stock/lots/details/?id={sandbags}"))


def test_the_stock_list_exports_with_its_filters_in_scope(client_as: Client, town: supplies.Inventory) -> None:
    town.stock.receive("TS-02", "QUILT", 7, batch='=HYPERLINK("http://x")')
    town.stock.receive("TS-02", "SANDBAG", 9, batch="S9")
    admin = client_as("admin")
    assert 'href="/stock/lots/export/csv/' in text(admin.get("/stock/lots/"))
    body = admin.get("/stock/lots/export/csv/?search=TS-02").get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Storage point", "Point name", "Item", "Item name"]
    assert sorted((r[0], r[2]) for r in rows[1:]) == [("TS-02", "QUILT"), ("TS-02", "QUILT"), ("TS-02", "SANDBAG")]
    assert '\'=HYPERLINK("http://x")' in [r[6] for r in rows[1:]]  # a formula made inert
    lots_view = next(v for v in admin.application.extensions["admin"][0]._views if v.endpoint == "lots")
    item_eq = next(
        i for i, f in enumerate(lots_view._filters) if type(f).__name__ == "FilterEqual" and f.column.key == "item"
    )
    arg = lots_view.get_filter_arg(item_eq, lots_view._filters[item_eq])
    body = admin.get(f"/stock/lots/export/csv/?flt0_{arg}=SANDBAG").get_data(as_text=True)
    assert sorted(r[0] for r in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]) == ["TS-01", "TS-02"]

    keeper = client_as("keeper").get("/stock/lots/export/xlsx/")
    assert keeper.status_code == 200
    sheet = load_workbook(io.BytesIO(keeper.data)).active
    values = list(sheet.values)
    assert [v[0] for v in values[1:]] == ["CK-01"]  # the keeper's own point only
    assert values[1][9] == 40  # on hand, as a number
    formula = client_as("admin").get("/stock/lots/export/xlsx/?search=HYPERLINK")
    cell = load_workbook(io.BytesIO(formula.data)).active["G2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix


def test_an_unknown_export_type_goes_back_to_the_list(client_as: Client) -> None:
    response = client_as("admin").get("/stock/lots/export/pdf/")
    assert response.status_code == 302
    assert "/stock/lots/" in response.headers["Location"]
    assert table(client_as("admin").get("/stock/lots/"))
