"""The bulk ledger loader: many movements of any kind, checked and balanced exactly as one-by-one posting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

import supplies
from supplies.db import unit_of_work
from supplies.errors import InsufficientStock, InvalidInput, NotFound
from supplies.models import Item, StockLot, StoragePoint, SupplyClass
from supplies.services.stock.history import Entry, NewLot, open_lots, post_many

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _ids(inv: supplies.Inventory) -> tuple[dict[str, int], dict[str, int]]:
    with unit_of_work(inv.engine, write=False) as s:
        points = dict(s.exec(select(StoragePoint.code, StoragePoint.id)).all())
        items = dict(s.exec(select(Item.code, Item.id)).all())
    return points, items


def _open(inv: supplies.Inventory, *lots: NewLot) -> list[int]:
    with unit_of_work(inv.engine) as s:
        return open_lots(s, list(lots))


def test_a_mixed_history_leaves_balances_the_ledger_agrees_with(county: supplies.Inventory) -> None:
    points, items = _ids(county)
    tent, bags = _open(
        county,
        NewLot(items["TENT12"], points["CK-01"], "B1", expires_on=date(2030, 1, 1)),
        NewLot(items["TENT12"], points["TS-01"], "B1", expires_on=date(2030, 1, 1)),
    )
    entries = [
        Entry(tent, "receive", 100, at=T0),
        Entry(tent, "issue", -30, at=T0 + timedelta(days=1)),
        Entry(tent, "reserve", 0, 20, at=T0 + timedelta(days=2), reference="REQ-1"),
        Entry(tent, "transfer_out", -10, at=T0 + timedelta(days=3), related_lot_id=bags),
        Entry(bags, "transfer_in", 10, at=T0 + timedelta(days=3), related_lot_id=tent),
        Entry(tent, "dispatch", -20, -20, at=T0 + timedelta(days=4), reference="REQ-1"),
        Entry(tent, "adjust", 2, at=T0 + timedelta(days=5), reason="count"),
    ]
    with unit_of_work(county.engine) as s:
        assert post_many(s, entries, actor_id=None) == 7

    lines = county.stock.ledger(lot_id=tent)
    assert [(ln.kind, ln.qty, ln.reserved_delta, ln.balance_after) for ln in lines] == [
        ("receive", 100, 0, 100),
        ("issue", -30, 0, 70),
        ("reserve", 0, 20, 70),
        ("transfer_out", -10, 0, 60),
        ("dispatch", -20, -20, 40),
        ("adjust", 2, 0, 42),
    ]
    by_point = {v.point: (v.on_hand, v.reserved) for v in county.stock.lots(item="TENT12")}
    assert by_point == {"CK-01": (42, 0), "TS-01": (10, 0)}
    report = county.stock.verify()
    assert report.ok and report.movements == 7


def test_lots_belong_to_the_agency_of_their_items_class(county: supplies.Inventory) -> None:
    points, items = _ids(county)
    (lot_id,) = _open(county, NewLot(items["SANDBAG"], points["TS-02"], "S1", mode="agreement", lead_time_hours=12))
    with unit_of_work(county.engine, write=False) as s:
        lot = s.get(StockLot, lot_id)
        cls = s.get(SupplyClass, lot.class_id)
        assert (lot.agency_id, lot.mode, lot.lead_time_hours, lot.on_hand) == (cls.agency_id, "agreement", 12, 0)
    [view] = county.stock.lots(item="SANDBAG", with_stock_only=False)
    assert view.agency == "WAT"


def test_history_continues_from_balances_posted_one_by_one(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 50, batch="Q1")
    [view] = county.stock.lots(item="QUILT")
    with unit_of_work(county.engine) as s:
        post_many(s, [Entry(view.lot_id, "issue", -20), Entry(view.lot_id, "receive", 5)], actor_id=None)
    assert [ln.balance_after for ln in county.stock.ledger(lot_id=view.lot_id)] == [50, 30, 35]
    assert county.stock.verify().ok


@pytest.mark.parametrize(
    "entries, error, words",
    [
        ([Entry(0, "receive", 10), Entry(0, "issue", -11)], InsufficientStock, "entry 1"),
        ([Entry(0, "receive", 10), Entry(0, "reserve", 0, 11)], InsufficientStock, "entry 1"),
        ([Entry(0, "receive", 10), Entry(0, "release", 0, -1)], InsufficientStock, "entry 1"),
        ([Entry(0, "receive", 10), Entry(0, "reserve", 0, 8), Entry(0, "issue", -5)], InsufficientStock, "entry 2"),
        ([Entry(0, "receive", 10), Entry(0, "borrow", -1)], InvalidInput, "not a movement kind"),
        ([Entry(0, "receive", 10), Entry(10**9, "receive", 1)], NotFound, "entry 1"),
    ],
)
def test_a_refused_movement_writes_nothing(county: supplies.Inventory, entries, error, words) -> None:
    points, items = _ids(county)
    (lot_id,) = _open(county, NewLot(items["TENT12"], points["CK-01"], "R1"))
    named = [e._replace(lot_id=lot_id) if e.lot_id == 0 else e for e in entries]
    with pytest.raises(error, match=words):
        with unit_of_work(county.engine) as s:
            post_many(s, named, actor_id=None)
    assert county.stock.ledger(lot_id=lot_id) == []
    [view] = county.stock.lots(item="TENT12", with_stock_only=False)
    assert (view.on_hand, view.reserved) == (0, 0)


def test_unknown_items_are_refused_when_opening_lots(county: supplies.Inventory) -> None:
    points, _ = _ids(county)
    with pytest.raises(NotFound):
        _open(county, NewLot(10**9, points["CK-01"]))
    assert county.stock.lots(with_stock_only=False) == []
