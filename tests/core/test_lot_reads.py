"""One lot's facts and its ledger newest first; the lot list narrowed to given lots, always within the reader's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import supplies
from supplies import NotFound
from supplies.models import StockLot


@pytest.fixture
def stocked(county: supplies.Inventory) -> supplies.Inventory:
    county.stock.receive("CK-01", "TENT12", 40, batch="T1", unit_cost=850)
    county.stock.issue("CK-01", "TENT12", 3, batch="T1", reference="出库单-1")
    county.stock.receive("CK-01", "TENT12", 5, batch="T1")
    county.stock.receive("TS-01", "SANDBAG", 500, batch="S1")
    return county


def _id(inv: supplies.Inventory, point: str, item: str) -> int:
    return next(x.lot_id for x in inv.stock.lots(point=point, item=item))


def test_one_lot_with_its_facts(stocked: supplies.Inventory) -> None:
    lot = stocked.stock.lot(_id(stocked, "CK-01", "TENT12"))
    assert (lot.point, lot.item, lot.batch, lot.agency, lot.on_hand, lot.reserved, lot.free) == (
        "CK-01",
        "TENT12",
        "T1",
        "CIV",
        42,
        0,
        42,
    )
    assert lot.agency_name.startswith("民政局") and lot.unit_cost == 850
    assert lot.as_dict()["unit_cost"] == "850.00"


def test_a_lot_outside_the_scope_is_not_found(stocked: supplies.Inventory) -> None:
    sandbags = _id(stocked, "TS-01", "SANDBAG")
    with pytest.raises(NotFound):
        stocked.as_user("keeper").stock.lot(sandbags)
    with pytest.raises(NotFound):
        stocked.stock.lot(999_999)
    with pytest.raises(supplies.InvalidInput):
        stocked.stock.lot("x")  # type: ignore[arg-type]
    assert stocked.as_user("keeper").stock.ledger(lot_id=sandbags) == []


def test_the_ledger_of_a_lot_newest_first_with_its_running_balance(stocked: supplies.Inventory) -> None:
    lines = stocked.stock.ledger(lot_id=_id(stocked, "CK-01", "TENT12"), newest_first=True)
    assert [(m.kind, m.qty, m.balance_after) for m in lines] == [
        ("receive", 5, 42),
        ("issue", -3, 37),
        ("receive", 40, 40),
    ]
    latest = stocked.stock.ledger(lot_id=_id(stocked, "CK-01", "TENT12"), newest_first=True, limit=1)
    assert [m.qty for m in latest] == [5]


def test_the_lot_list_narrowed_to_given_lots(stocked: supplies.Inventory) -> None:
    tents, bags = _id(stocked, "CK-01", "TENT12"), _id(stocked, "TS-01", "SANDBAG")
    assert [x.item for x in stocked.stock.lots(lot_ids=[bags])] == ["SANDBAG"]
    among = select(StockLot.id).where(StockLot.on_hand > 100)  # a query of lot ids, as a list page has
    assert [x.item for x in stocked.stock.lots(lot_ids=among)] == ["SANDBAG"]
    keeper = stocked.as_user("keeper")
    assert [x.item for x in keeper.stock.lots(lot_ids=[tents, bags])] == ["TENT12"]  # scope still applies
    assert keeper.stock.lots(lot_ids=[]) == []
    with pytest.raises(supplies.InvalidInput) as err:
        stocked.stock.lots(lot_ids=["x"])  # type: ignore[list-item]
    assert err.value.field == "lot_ids"


def test_lots_and_ledger_page_by_cursor_within_the_readers_scope(stocked: supplies.Inventory) -> None:
    for n in range(5):
        stocked.stock.receive("TS-02", "QUILT", n + 1, batch=f"Q{n}")
    pages, cursor = [], None
    while True:
        page = stocked.stock.lots_after(cursor, limit=2)
        pages.append(page)
        if len(page) < 2:
            break
        cursor = page[-1].lot_id
    ids = [x.lot_id for page in pages for x in page]
    assert ids == sorted(ids) and set(ids) == {x.lot_id for x in stocked.stock.lots()}
    keeper = stocked.as_user("keeper")  # warehouse staff of CK-01 only
    assert {x.point for x in keeper.stock.lots_after(None, limit=100)} == {"CK-01"}
    ledger = stocked.stock.ledger_after(None, limit=3) + stocked.stock.ledger_after(3, limit=1000)
    assert [m.id for m in ledger] == [m.id for m in stocked.stock.ledger()]
    assert {m.point for m in keeper.stock.ledger_after(None, limit=1000)} == {"CK-01"}
    with pytest.raises(supplies.InvalidInput) as err:
        stocked.stock.lots_after(None, limit=0)
    assert err.value.field == "limit"
