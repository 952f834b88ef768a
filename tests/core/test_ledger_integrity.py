"""The ledger is append-only and verify() proves the kept balances equal what it says."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import supplies


def test_movements_cannot_be_changed_or_deleted(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    for statement in ("UPDATE movement SET qty = 99", "DELETE FROM movement"):
        with pytest.raises(DBAPIError) as err:
            with county.engine.begin() as conn:
                conn.execute(text(statement))
        assert "append-only" in str(err.value)
    assert [m.qty for m in county.stock.ledger()] == [10]


def test_balances_cannot_go_negative_even_by_hand(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    for statement in ("UPDATE stock_lot SET on_hand = -1", "UPDATE stock_lot SET reserved = 11"):
        with pytest.raises(DBAPIError):
            with county.engine.begin() as conn:
                conn.execute(text(statement))


def test_verify_finds_a_balance_changed_behind_the_ledger(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    county.stock.receive("TS-01", "QUILT", 4)
    county.stock.issue("CK-01", "TENT12", 3)
    report = county.stock.verify()
    assert report.ok and report.lots_checked == 2 and report.movements == 3
    with county.engine.begin() as conn:
        conn.execute(text("UPDATE stock_lot SET on_hand = on_hand + 1 WHERE id = 1"))
    report = county.stock.verify()
    assert not report.ok
    assert report.differences == [dict(lot_id=1, on_hand=8, reserved=0, ledger_on_hand=7, ledger_reserved=0)]
