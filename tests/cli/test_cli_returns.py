"""`supplies item update --reusable`, `return`, `loan list` and `report incident` through the command."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from openpyxl import load_workbook

KEY = {"SUPPLIES_PII_KEY": "cli-test-key"}


def _lent(cli: Cli) -> None:
    cli("stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", "10", "--lot", "T1")
    cli("stock", "receive", "--point", "CK-01", "--item", "QUILT", "--qty", "30", "--lot", "Q1")
    cli("incident", "add", "河口洪涝", "--type", "flood", "--level", "IV", "--lat", "26.5", "--lon", "106.7")
    for number, members in (("17", "5"), ("18", "2")):
        cli("household", "add", number, "--head", "张三", "--members", members, "--village", "新村", env=KEY)
    cli("entitlement", "set", "TENT12", "--per-household", "1", "--up-to", "4")
    cli("entitlement", "set", "QUILT", "--per-person", "1")
    cli("distribute", "--point", "CK-01", "--household", "17")
    cli("distribute", "--point", "CK-01", "--household", "18")


def test_returns_and_loans_by_command(county_cli: Cli, tmp_path: Path) -> None:
    cli = county_cli
    item = cli("--json", "item", "update", "TENT12", "--reusable").json
    assert item["reusable"] is True and item["supply_class"] == "LIVING"
    added = cli("--json", "item", "add", "PUMP", "水泵", "--class", "FLOOD", "--unit", "台", "--reusable").json
    assert added["reusable"] is True
    _lent(cli)
    loans = cli("--json", "loan", "list").json
    assert [(x["household"], x["item"], x["out"]) for x in loans] == [("17", "TENT12", 2), ("18", "TENT12", 1)]
    assert "TENT12" in cli("loan", "list", "--household", "17").out
    back = cli(
        "--json", "return", "--point", "CK-01", "--household", "17", "--item", "TENT12", "--qty", "1",
        "--condition", "good",
    ).json  # fmt: skip
    assert (back["qty"], back["still_out"], back["lines"][0]["batch"]) == (1, 1, "T1")
    repair = cli(
        "return", "--point", "CK-01", "--household", "17", "--item", "TENT12", "--qty", "1", "--condition", "repair"
    )
    assert "T1-REPAIR" in repair.out
    # unusable needs --reason: bad input, exit 2, naming the field
    bad = cli(
        "--json", "return", "--point", "CK-01", "--household", "18", "--item", "TENT12", "--qty", "1",
        "--condition", "unusable", expect=2,
    )  # fmt: skip
    assert "reason" in bad.out + bad.err
    cli(
        "return", "--point", "CK-01", "--household", "18", "--item", "TENT12", "--qty", "1",
        "--condition", "unusable", "--reason", "torn",
    )  # fmt: skip
    # Not reusable, or more than is out: refused by a rule, exit 3.
    quilt = cli(
        "return", "--point", "CK-01", "--household", "18", "--item", "QUILT", "--qty", "1", "--condition", "good",
        expect=3,
    )  # fmt: skip
    assert "not reusable" in quilt.err
    cli(
        "return", "--point", "CK-01", "--household", "17", "--item", "TENT12", "--qty", "1", "--condition", "good",
        expect=3,
    )  # fmt: skip
    assert cli("--json", "loan", "list").json == []
    # The tent mended: back from the repair lot into its batch (only one waits for repair).
    assert cli("stock", "repaired", "--point", "CK-01", "--item", "TENT12", "--qty", "2", expect=3).code == 3
    mended = cli("stock", "repaired", "--point", "CK-01", "--item", "TENT12", "--qty", "1")
    assert "1 × TENT12 T1-REPAIR -> T1" in mended.out
    moves = [
        m for m in cli("--json", "ledger", "--point", "CK-01").json if (m["reference"] or "").startswith("repair:")
    ]
    assert sorted((m["kind"], m["qty"]) for m in moves) == [("transfer_in", 1), ("transfer_out", -1)]
    assert "nothing out on loan" in cli("loan", "list").out + cli("loan", "list").err
    kinds = {m["kind"] for m in cli("--json", "ledger", "--point", "CK-01").json}
    assert "return" in kinds
    assert cli("--json", "verify").json["differences"] == []
    # The incident report: JSON and XLSX, counts only.
    rep = cli("--json", "report", "incident").json
    (tent,) = [r for r in rep["rows"] if r["item"] == "TENT12"]
    assert (tent["distributed"], tent["households"], tent["people"], tent["returned_good"]) == (3, 2, 7, 1)
    assert (tent["returned_repair"], tent["returned_unusable"], tent["on_loan"]) == (1, 1, 0)
    assert rep["params"]["households_served"] == 2 and "张三" not in str(rep)
    out = tmp_path / "incident.xlsx"
    cli("report", "incident", "1", "--lang", "zh", "--out", str(out))
    book = load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "发放户数" in cells and "张三" not in cells
    assert cli("report", "incident", "99", expect=2).code == 2
