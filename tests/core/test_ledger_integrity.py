"""The ledger is append-only, and verify() proves the kept balances, the hash chains and the one-agency rule.

Each tamper below is what someone with a SQL shell could type; the database refuses it, or
``verify`` names the lot and says what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

import supplies


def _sqlite(inv: supplies.Inventory) -> bool:
    return inv.engine.dialect.name == "sqlite"


@contextmanager
def sql_shell(inv: supplies.Inventory, *, bypass: bool = False) -> Iterator[Connection]:
    """A raw connection as a SQL shell gives it; ``bypass`` turns the database's guards off as a superuser can."""
    with inv.engine.connect() as conn:
        if bypass and _sqlite(inv):
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            for name in ("movement_no_update", "movement_no_delete", "movement_no_replace"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        elif bypass:
            conn.exec_driver_sql("SET session_replication_role = replica")  # no triggers, no foreign keys
        yield conn
        conn.commit()
        if bypass and _sqlite(inv):
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
        elif bypass:
            conn.exec_driver_sql("SET session_replication_role = DEFAULT")
            conn.commit()


def test_movements_cannot_be_changed_or_deleted(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    for statement in ("UPDATE movement SET qty = 99", "DELETE FROM movement"):
        with pytest.raises(DBAPIError) as err:
            with county.engine.begin() as conn:
                conn.execute(text(statement))
        assert "append-only" in str(err.value)
    assert [m.qty for m in county.stock.ledger()] == [10]


def test_a_movement_cannot_be_replaced_by_its_id(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    first = county.stock.ledger()[0]
    columns = (
        "id, lot_id, kind, qty, reserved_delta, balance_after, at, actor_id, agency_id, point_id, item_id, "
        "reference, reason, related_lot_id, hash"
    )
    copy = f"SELECT {columns.replace('qty,', '500,').replace('balance_after', '500')} FROM movement WHERE id = :id"
    verb = "INSERT OR REPLACE INTO" if _sqlite(county) else "INSERT INTO"
    tail = "" if _sqlite(county) else " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty"
    with pytest.raises(DBAPIError) as err:
        with county.engine.begin() as conn:
            conn.execute(text(f"{verb} movement ({columns}) {copy}{tail}"), {"id": first.id})
            conn.execute(text("UPDATE stock_lot SET on_hand = 500"))
    assert "append-only" in str(err.value)
    assert [(m.qty, m.balance_after) for m in county.stock.ledger()] == [(10, 10)]
    assert county.stock.verify().ok


def test_the_ledger_cannot_be_truncated(county: supplies.Inventory) -> None:
    if _sqlite(county):
        pytest.skip("SQLite has no TRUNCATE; DELETE is refused by the test above")
    county.stock.receive("CK-01", "TENT12", 10)
    # A plain TRUNCATE may already stop at a table whose rows name movements (a foreign key);
    # with CASCADE nothing stands between it and the ledger's own trigger.
    for statement in ("TRUNCATE movement", "TRUNCATE movement CASCADE", "TRUNCATE stock_lot CASCADE"):
        with pytest.raises(DBAPIError) as err:
            with county.engine.begin() as conn:
                conn.execute(text(statement))
        if "CASCADE" in statement:
            assert "append-only" in str(err.value)
    assert len(county.stock.ledger()) == 1


def test_balances_cannot_go_negative_or_beyond_the_bound_even_by_hand(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    for statement in (
        "UPDATE stock_lot SET on_hand = -1",
        "UPDATE stock_lot SET reserved = 11",
        "UPDATE stock_lot SET on_hand = 1000000000001",
    ):
        with pytest.raises(DBAPIError):
            with county.engine.begin() as conn:
                conn.execute(text(statement))
    assert county.stock.lots()[0].on_hand == 10


def test_verify_names_a_balance_changed_behind_the_ledger(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    county.stock.receive("TS-01", "QUILT", 4)
    county.stock.issue("CK-01", "TENT12", 3)
    report = county.stock.verify()
    assert report.ok and report.lots_checked == 2 and report.movements == 3
    with county.engine.begin() as conn:
        conn.execute(text("UPDATE stock_lot SET on_hand = on_hand + 1 WHERE id = 1"))
    report = county.stock.verify()
    assert report.differences == [
        dict(
            lot_id=1,
            on_hand=8,
            reserved=0,
            ledger_on_hand=7,
            ledger_reserved=0,
            problem="on hand is 8 but the ledger says 7",
        )
    ]


def test_verify_finds_a_history_rewritten_with_balances_that_still_add_up(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10, reason="purchase 2026")
    county.stock.issue("CK-01", "TENT12", 3, reason="flood relief")
    assert county.stock.verify().ok
    with sql_shell(county, bypass=True) as conn:  # the issue went to someone else, on paper
        conn.execute(text("UPDATE movement SET reason = 'sold' WHERE kind = 'issue'"))
    report = county.stock.verify()
    assert [(d["lot_id"], d["on_hand"], d["ledger_on_hand"]) for d in report.differences] == [(1, 7, 7)]
    assert "does not match its hash" in report.differences[0]["problem"]


def test_verify_finds_a_movement_removed_with_its_balance(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    county.stock.issue("CK-01", "TENT12", 3)
    with sql_shell(county, bypass=True) as conn:
        conn.execute(text("DELETE FROM movement WHERE kind = 'issue'"))
        conn.execute(text("UPDATE stock_lot SET on_hand = 10"))
    (problem,) = county.stock.verify().differences
    assert problem["lot_id"] == 1 and "chain head does not match" in problem["problem"]


def test_verify_names_a_lot_written_without_a_single_movement(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10, batch="A")
    county.stock.receive("TS-01", "QUILT", 4)
    with sql_shell(county, bypass=True) as conn:  # a copy of lot 1 under another batch, with no receipt
        columns = [c["name"] for c in inspect(conn).get_columns("stock_lot") if c["name"] != "id"]
        names = ", ".join(columns)
        chosen = ", ".join("'B'" if c == "batch" else c for c in columns)
        conn.execute(text(f"INSERT INTO stock_lot ({names}) SELECT {chosen} FROM stock_lot WHERE id = 1"))
    report = county.stock.verify()
    # Said once, by its balance: the missing history and the point's total follow from it.
    assert [(d["lot_id"], d["on_hand"], d["ledger_on_hand"], d["problem"]) for d in report.differences] == [
        (3, 10, 0, "on hand is 10 but the ledger says 0")
    ]


def test_verify_finds_stock_under_another_agency_than_its_class(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    with sql_shell(county, bypass=True) as conn:  # a SQLite shell runs without foreign keys
        conn.execute(text("UPDATE stock_lot SET agency_id = (SELECT id FROM agency WHERE code = 'WAT')"))
    problems = [d["problem"] for d in county.stock.verify().differences]
    assert any("one-agency rule is broken" in p for p in problems), problems


def test_verify_gives_the_same_fingerprint_until_the_ledger_grows(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    first = county.stock.verify().fingerprint
    assert county.stock.verify().fingerprint == first and len(first) == 64
    county.stock.issue("CK-01", "TENT12", 1)
    assert county.stock.verify().fingerprint != first


def test_verify_split_between_workers_finds_what_one_pass_finds(
    county: supplies.Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large ledger is checked in parts (processes on SQLite, connections sharing one snapshot on
    PostgreSQL): forced here on a small one, the parts must report exactly what one pass does."""
    from supplies.services.stock import verify as books

    for n in range(12):
        county.stock.receive("CK-01" if n % 2 else "TS-01", "TENT12", 10 + n, batch=f"B{n}")
        county.stock.issue("CK-01" if n % 2 else "TS-01", "TENT12", 1 + n % 3, batch=f"B{n}")
    with sql_shell(county, bypass=True) as conn:  # damage in the first and in the last lots
        conn.execute(text("UPDATE stock_lot SET on_hand = on_hand + 1 WHERE id = 2"))
        conn.execute(text("UPDATE movement SET reason = 'sold' WHERE lot_id = 11 AND kind = 'issue'"))
    whole = county.stock.verify()
    monkeypatch.setattr(books, "_PARALLEL_FROM", 0)
    monkeypatch.setattr(books.os, "cpu_count", lambda: 3)
    parts = county.stock.verify()
    assert [d["lot_id"] for d in whole.differences] == [2, 11]
    assert parts.differences == whole.differences
    assert (parts.fingerprint, parts.movements, parts.lots_checked) == (
        whole.fingerprint,
        whole.movements,
        whole.lots_checked,
    )
