"""Stock through the command: --json documents scripts can rely on, and plain aligned tables when piped."""

from __future__ import annotations

from datetime import date, timedelta

from cli_harness import Cli
from rich.cells import cell_len

import supplies

LOT_KEYS = {"item", "point", "lot", "on_hand", "reserved", "free", "expires"}


def test_stock_operations_in_json_and_the_ledger_behind_them(county_cli: Cli) -> None:
    cli = county_cli
    soon = (date.today() + timedelta(days=10)).isoformat()
    received = cli(
        "--json",
        "stock",
        "receive",
        "--point",
        "CK-01",
        "--item",
        "QUILT",
        "--qty",
        "300",
        "--lot",
        "协议-2020",
        "--expires",
        soon,
        "--mode",
        "agreement",
        "--lead-time-hours",
        "6",
        "--reference",
        "RK-001",
    ).json
    assert received["qty"] == 300 and len(received["movement_ids"]) == 1
    moved = cli(
        "--json", "stock", "transfer", "--from", "CK-01", "--to", "TS-01", "--item", "QUILT", "--qty", "100"
    ).json
    assert moved["qty"] == 100 and len(moved["movement_ids"]) == 2
    assert (
        cli(
            "--json", "stock", "adjust", "--point", "CK-01", "--item", "QUILT", "--lot", "协议-2020", "--counted", "195"
        ).json["delta"]
        == -5
    )
    cli("stock", "write-off", "--point", "TS-01", "--item", "QUILT", "--qty", "3", "--reason", "受潮霉变")
    cli(
        "stock",
        "rotate",
        "--point",
        "TS-01",
        "--item",
        "QUILT",
        "--qty",
        "97",
        "--lot",
        "协议-2020",
        "--new-lot",
        "Q-2025",
        "--new-expires",
        "2030-06-30",
    )

    lots = cli("--json", "stock", "list").json
    assert all(set(lot) >= LOT_KEYS for lot in lots)
    by_key = {(x["point"], x["item"], x["lot"]): x for x in lots}
    assert {k: (v["on_hand"], v["reserved"], v["free"], v["expires"]) for k, v in by_key.items()} == {
        ("CK-01", "QUILT", "协议-2020"): (195, 0, 195, soon),
        ("TS-01", "QUILT", "Q-2025"): (97, 0, 97, "2030-06-30"),
    }
    assert {(x["mode"], x["lead_time_hours"]) for x in lots} == {("agreement", 6)}  # kept through transfer
    expiring = cli("--json", "stock", "list", "--expiring-days", "30").json
    assert [(x["point"], x["lot"]) for x in expiring] == [("CK-01", "协议-2020")]

    ledger = cli("--json", "ledger", "--item", "QUILT").json
    assert [m["kind"] for m in ledger] == [
        "receive",
        "transfer_out",
        "transfer_in",
        "adjust",
        "write_off",
        "rotate_out",
        "rotate_in",
    ]
    assert ledger[0]["reference"] == "RK-001" and ledger[0]["actor"] == "admin"


def test_piped_tables_are_plain_and_keep_chinese_aligned(county_cli: Cli) -> None:
    cli = county_cli
    with supplies.open(cli.url, user="admin") as inv:
        for point, item, qty in (("CK-01", "TENT12", 12), ("TS-02", "QUILT", 250), ("CK-01", "SANDBAG", 5000)):
            inv.stock.receive(point, item, qty, batch="2025-01")
    table = cli("stock", "list").out
    assert "\x1b[" not in table, "no colour codes when stdout is not a terminal"
    lines = table.rstrip("\n").splitlines()
    header, _rule, *rows = lines
    assert len(rows) == 3 and "单帐篷(12平方米)" in table and "编织袋" in table
    # Every column starts at the same display column on every row, double-width Chinese included.
    lot_at = cell_len(header[: header.index("lot")])
    assert all(cell_len(row[: row.index("2025-01")]) == lot_at for row in rows), table
    assert len({cell_len(line) for line in lines}) == 1, table

    targets = cli("--json", "target", "set", "QUILT", "400", "--point", "TS-02").json
    assert targets == {"item": "QUILT", "point": "TS-02", "region_code": None, "quantity": 400}
    assert cli("--json", "target", "list").json == [
        {"item": "QUILT", "point": "TS-02", "region_code": None, "quantity": 400}
    ]
