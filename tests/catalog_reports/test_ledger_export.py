"""The whole ledger written to CSV or XLSX as it is read: the lines `supplies ledger` lists, in a file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

import supplies
from supplies.services.io import ledger_file
from tests.cli.cli_harness import Cli, url_of

HEADER = [
    "at (Asia/Shanghai)",
    "kind",
    "point",
    "item",
    "batch",
    "agency",
    "qty",
    "reserved_delta",
    "balance_after",
    "actor",
    "reference",
    "reason",
]


def _moved(inv: supplies.Inventory) -> supplies.Inventory:
    inv.stock.receive("CK-01", "QUILT", 300, batch="2025-01", reference="RK-001")
    inv.stock.issue("CK-01", "QUILT", 20, batch="2025-01", reference="CK-7", reason="=flood relief")
    inv.stock.transfer("CK-01", "TS-02", "QUILT", 50, batch="2025-01")
    inv.stock.receive("TS-02", "TENT12", 8, batch="2025-02")
    return inv


def _expected(inv: supplies.Inventory) -> list[list[str]]:
    return [
        [m.kind, m.point, m.item, m.batch, m.agency, str(m.qty), str(m.balance_after), m.reference or ""]
        for m in inv.stock.ledger()
    ]


def _keep(row: list[str]) -> list[str]:
    return [row[1], row[2], row[3], row[4], row[5], row[6], row[8], row[10]]


def test_the_csv_holds_every_line_of_the_ledger_in_order(county: supplies.Inventory, tmp_path: Path) -> None:
    inv = _moved(county)
    path = tmp_path / "ledger.csv"
    assert inv.exports.ledger(path) == 5
    header, *rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert header == HEADER
    assert [_keep(r) for r in rows] == _expected(inv)
    assert rows[1][11] == "'=flood relief"  # formula-like text stays inert, as in every export
    assert len(rows[0][0]) == len("2026-01-01 08:00:00")  # local time, to the second


def test_the_xlsx_holds_the_same_lines_in_chinese(county: supplies.Inventory, tmp_path: Path) -> None:
    inv = _moved(county)
    path = tmp_path / "台账.xlsx"
    assert inv.exports.ledger(path, lang="zh") == 5
    sheet = load_workbook(path, read_only=True)["台账"]
    header, *rows = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["时间 (Asia/Shanghai)", "业务类型", "储备点编码"]
    assert [r[1] for r in rows] == ["入库", "出库", "调出", "调入", "入库"]
    assert [[r[2], r[3], r[6], r[8]] for r in rows] == [[e[1], e[2], e[5], e[6]] for e in _expected(inv)]


def test_a_ledger_longer_than_a_worksheet_goes_on_in_the_next(
    county: supplies.Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inv = _moved(county)
    monkeypatch.setattr(ledger_file, "XLSX_MAX_LINES", 2)
    path = tmp_path / "ledger.xlsx"
    assert inv.exports.ledger(path) == 5
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["ledger", "ledger 2", "ledger 3"]
    rows = [r for ws in book.worksheets for r in list(ws.iter_rows(values_only=True))[1:]]
    assert [r[1] for r in rows] == [e[0] for e in _expected(inv)]


def test_filters_narrow_the_file_and_a_bad_one_writes_none(county: supplies.Inventory, tmp_path: Path) -> None:
    inv = _moved(county)
    path = tmp_path / "ts.csv"
    assert inv.exports.ledger(path, point="TS-02") == 2
    assert inv.exports.ledger(tmp_path / "empty.csv", point="TS-02", kinds=("write_off",)) == 0
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8-sig").splitlines() == [",".join(HEADER)]
    with pytest.raises(supplies.NotFound):
        inv.exports.ledger(tmp_path / "nope.csv", point="NOPE")
    assert not (tmp_path / "nope.csv").exists()


def test_the_stream_reads_the_ledger_a_chunk_at_a_time(county: supplies.Inventory) -> None:
    inv = _moved(county)
    lines = inv.stock.ledger_stream(chunk=2)
    assert [m.id for m in lines] == [m.id for m in inv.stock.ledger()]


def test_the_command_writes_the_file_and_refuses_a_limit(county: supplies.Inventory, tmp_path: Path) -> None:
    cli = Cli(url_of(_moved(county)))
    out = tmp_path / "ledger.csv"
    done = cli("ledger", "--out", str(out))
    assert f"wrote 5 ledger lines to {out}" in done.out
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 6
    assert cli("--json", "ledger", "--item", "TENT12", "--out", str(out)).json == {"file": str(out), "lines": 1}
    refused = cli("ledger", "--limit", "3", "--out", str(out), expect=2)
    assert "--limit" in refused.err
