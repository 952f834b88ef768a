"""Every class of error: one line naming the field, exit 2 / 3 / 1, no traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from sqlalchemy import text

import supplies


def state(url: str) -> tuple[list[tuple], int]:
    """Every lot's balances and the ledger's length, as the library reads them."""
    with supplies.open(url, user="admin") as inv:
        lots = [(x.point, x.item, x.batch, x.on_hand, x.reserved) for x in inv.stock.lots(with_stock_only=False)]
        return lots, len(inv.stock.ledger())


def one_error_line(run, field: str) -> None:  # type: ignore[no-untyped-def]
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}: "), str(run)
    assert "Traceback" not in run.err


def test_bad_input_and_refused_rules_exit_2_and_3_and_write_nothing(county_cli: Cli) -> None:
    cli = county_cli
    with supplies.open(cli.url, user="admin") as inv:
        inv.stock.receive("CK-01", "TENT12", 10, batch="B1")
    before = state(cli.url)

    # 2: bad input, named by field
    one_error_line(cli("stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", "0", expect=2), "qty")
    usage = cli(
        "--json",
        "stock",
        "receive",
        "--point",
        "CK-01",
        "--item",
        "TENT12",
        "--qty",
        "5",
        "--expires",
        "2030-13-01",
        expect=2,
    )
    assert "--expires" in usage.err and "Traceback" not in usage.err
    assert usage.json["error"] | {"reason": None} == {
        "type": "UsageError",
        "field": "expires",
        "reason": None,
        "exit_code": 2,
    }
    not_found = cli("--json", "stock", "issue", "--point", "CK-09", "--item", "TENT12", "--qty", "1", expect=2)
    assert not_found.json["error"] | {"reason": None, "message": None} == {
        "type": "NotFound",
        "field": "point",
        "reason": None,
        "exit_code": 2,
        "errors": {"point": [not_found.json["error"]["reason"]]},
        "code": "no_with_code",
        "params": {"what": "storage point", "code": "CK-09"},
        "message": None,
    }
    assert "CK-09" in not_found.json["error"]["reason"]
    one_error_line(not_found, "point")

    # 3: refused by a rule
    one_error_line(
        cli("stock", "receive", "--point", "TS-01", "--item", "TENT12", "--qty", "5", user="keeper", expect=3), "user"
    )
    one_error_line(
        cli("stock", "receive", "--point", "CK-01", "--item", "TENT12", "--qty", "5", "--agency", "WAT", expect=3),
        "agency",
    )
    stranger = cli("stock", "list", user="ghost", expect=3)
    one_error_line(stranger, "user")
    assert "--as" in stranger.err
    as_json = cli(
        "--json", "stock", "transfer", "--from", "CK-01", "--to", "TS-01", "--item", "TENT12", "--qty", "50", expect=3
    )
    assert as_json.json["error"]["type"] == "InsufficientStock" and as_json.json["error"]["exit_code"] == 3
    assert len(as_json.err.strip().splitlines()) == 1

    assert state(cli.url) == before


def test_verify_exits_1_when_a_balance_disagrees_with_the_ledger(county_cli: Cli) -> None:
    with supplies.open(county_cli.url, user="admin") as inv:
        inv.stock.receive("CK-01", "QUILT", 20, batch="B1")
    clean = county_cli("verify")
    fingerprint = county_cli("--json", "verify").json["fingerprint"]
    assert len(fingerprint) == 64 and f"fingerprint: {fingerprint}" in clean.out  # to keep outside the database
    with supplies.open(county_cli.url, user="admin") as inv:
        with inv.engine.begin() as conn:  # what a hand-made SQL "fix" would do
            conn.execute(text("UPDATE stock_lot SET on_hand = on_hand + 5"))
    report = county_cli("--json", "verify", expect=1)
    assert report.json["ok"] is False
    assert [(d["on_hand"], d["ledger_on_hand"]) for d in report.json["differences"]] == [(25, 20)]


def test_unreadable_database_exits_1_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    run = Cli(str(missing))("stock", "list", expect=1)
    one_error_line(run, "database")
    assert "supplies init" in run.err
    assert not missing.exists(), "a read must not leave an empty database file behind"

    empty = tmp_path / "empty.db"  # a file without the schema
    empty.touch()
    debug = Cli(str(empty))("--debug", "agency", "list", expect=1)
    assert "Traceback" in debug.err and "no such table" in debug.err
