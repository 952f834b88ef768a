"""Formula injection (OWASP): text that starts like a formula stays inert in every file written, numbers stay
numbers, and the importer reads its own exports back unchanged."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

import supplies
from tests.cli.cli_harness import Cli, url_of
from webadmin import create_app

HOSTILE = ('=HYPERLINK("http://x")', "+1", "-5", "@SUM(A1)")
TRIGGERS = tuple("=+-@\t\r")
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
KINDS = ("agencies", "points", "classes", "items", "stock", "targets")


@pytest.fixture
def hostile(county: supplies.Inventory) -> supplies.Inventory:
    """The county with formula-like names and batches everywhere, stock expiring soon, an issue and a target."""
    inv = county
    soon = (date.today() + timedelta(days=20)).isoformat()
    inv.agencies.update("CIV", name=HOSTILE[0], contact="@SUM(A1)")
    inv.classes.add("EVIL", "-5", agency="CIV", parent="LIVING", name_en="+1")
    inv.items.add("EVIL1", HOSTILE[0], supply_class="EVIL", unit="@SUM(A1)", spec="+1", name_en="-5")
    inv.points.add(
        "EV-01", "@SUM(A1)", level="township", lat=26.5, lon=106.7, region_code="520102001", address=HOSTILE[0]
    )
    for batch in HOSTILE:
        inv.stock.receive("EV-01", "EVIL1", 10, batch=batch, expires_on=soon, reason="=1+1")
    inv.stock.receive("EV-01", "QUILT", 7, batch="'=quoted already")  # a quote of its own survives too
    inv.stock.issue("EV-01", "EVIL1", 3, batch="-5", reason="-2+3")  # a negative quantity in the ledger
    inv.targets.set("EVIL1", 100, point="EV-01")
    return inv


def assert_inert_csv(path_or_text: Path | str) -> list[list[str]]:
    """Every cell of a CSV either does not start like a formula, or is a number, or is guarded with a quote."""
    text = path_or_text.read_bytes().decode("utf-8-sig") if isinstance(path_or_text, Path) else path_or_text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS) or NUMBER.fullmatch(cell), f"live formula in CSV: {cell!r}"
    return rows


def assert_inert_xlsx(data: Path | bytes) -> list[tuple[object, ...]]:
    """No formula cell in any sheet; a text cell that starts like a formula carries Excel's quote prefix.

    Returns the rows of every sheet, one after the other.
    """
    book = load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula cell {sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                    assert cell.quotePrefix, f"unguarded text {sheet.title}!{cell.coordinate}: {cell.value!r}"
            values.append(tuple(c.value for c in row))
    return values


def _texts(rows: list[list[str]] | list[tuple[object, ...]]) -> set[object]:
    return {v for row in rows for v in row}


def _first_sheet(path: Path) -> list[tuple[object, ...]]:
    return list(load_workbook(path).worksheets[0].values)


def test_cli_exports_of_every_kind_keep_formulas_inert(hostile: supplies.Inventory, tmp_path: Path) -> None:
    cli = Cli(url_of(hostile))
    guarded = {"'" + h for h in HOSTILE}
    for kind in KINDS:
        cli("export", kind, str(tmp_path / f"{kind}.csv"))
        cli("export", kind, str(tmp_path / f"{kind}.xlsx"))
        csv_cells = _texts(assert_inert_csv(tmp_path / f"{kind}.csv"))
        xlsx_cells = _texts(assert_inert_xlsx(tmp_path / f"{kind}.xlsx"))
        if kind != "targets":  # targets hold codes and numbers only
            assert csv_cells & guarded, kind  # the guarded form is there (not dropped) ...
            assert xlsx_cells & set(HOSTILE), kind  # ... and XLSX keeps the text as it is
    stock_csv = assert_inert_csv(tmp_path / "stock.csv")
    assert {r[3] for r in stock_csv[1:]} >= guarded | {"''=quoted already"}
    stock_xlsx = _first_sheet(tmp_path / "stock.xlsx")
    assert {r[3] for r in stock_xlsx[1:]} >= set(HOSTILE) | {"''=quoted already"}
    assert all(isinstance(r[2], int) for r in stock_xlsx[1:])  # quantities stay numbers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_reports_keep_formulas_inert(hostile: supplies.Inventory, tmp_path: Path, fmt: str) -> None:
    cli = Cli(url_of(hostile))
    for name in ("stock", "ledger", "expiry", "gaps"):
        out = tmp_path / f"{name}.{fmt}"
        cli("report", name, "--out", str(out))
        if fmt == "csv":
            cells = _texts(assert_inert_csv(out))
            assert "'" + HOSTILE[0] in cells, name  # the item name, guarded
        else:
            cells = _texts(assert_inert_xlsx(out))
            assert HOSTILE[0] in cells, name
    expiry = assert_inert_csv(tmp_path / "expiry.csv") if fmt == "csv" else None
    if expiry is not None:
        batch = expiry[0].index("batch")
        assert {r[batch] for r in expiry[1:]} >= {"'+1", "'@SUM(A1)"}


def test_report_csv_on_stdout_keeps_formulas_inert(hostile: supplies.Inventory) -> None:
    run = Cli(url_of(hostile))("report", "expiry", "--format", "csv")
    assert "'" + HOSTILE[0] in _texts(assert_inert_csv(run.out))


def test_web_ledger_export_keeps_formulas_inert_and_numbers_numbers(hostile: supplies.Inventory) -> None:
    app = create_app(url_of(hostile), SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    try:
        client = app.test_client()
        assert client.post("/login", data={"name": "admin", "password": "correct-horse-battery"}).status_code == 302
        response = client.get("/stock/ledger/export/csv/")
        assert response.status_code == 200
        rows = assert_inert_csv(response.get_data(as_text=True))
        head = rows[0]
        batch, qty, reason = head.index("Batch"), head.index("Quantity"), head.index("Reason")
        assert {r[batch] for r in rows[1:]} >= {"'" + h for h in HOSTILE}
        assert "-3" in {r[qty] for r in rows[1:]} and "'-2+3" in {r[reason] for r in rows[1:]}
        response = client.get("/stock/ledger/export/xlsx/")
        assert response.status_code == 200
        values = assert_inert_xlsx(response.data)
        assert {v[batch] for v in values[1:]} >= set(HOSTILE)
        assert -3 in {v[qty] for v in values[1:]}  # an issue stays a negative number
    finally:
        app.extensions["supplies"].close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_import_back_unchanged(hostile: supplies.Inventory, databases, tmp_path: Path, fmt: str) -> None:
    expected = {kind: hostile.exports.rows(kind) for kind in KINDS}
    for kind in KINDS:
        hostile.exports.file(kind, tmp_path / f"{kind}.{fmt}")
    target = databases.fresh_inventory()
    try:
        for kind in KINDS:
            target.imports.file(kind, tmp_path / f"{kind}.{fmt}")
        for kind in KINDS:
            assert target.exports.rows(kind) == expected[kind], kind
        batches = {lot.batch for lot in target.stock.lots()}
        assert batches >= set(HOSTILE) | {"'=quoted already"}
        assert target.items.get("EVIL1").name == HOSTILE[0]
    finally:
        target.close()


def test_the_import_drops_only_the_quote_a_writer_adds(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text(
        "point,item,qty,batch\nCK-01,QUILT,1,'-5\nCK-01,QUILT,1,'O'Brien\nCK-01,QUILT,1,''@x\nCK-01,QUILT,1,'\n",
        encoding="utf-8",
    )
    county.imports.file("stock", path)
    assert {lot.batch for lot in county.stock.lots(point="CK-01")} == {"-5", "'O'Brien", "'@x", "'"}
