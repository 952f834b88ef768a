"""Stock operations through the ledger: receive, issue, transfer, count, rotate, write off, queries."""

from datetime import date, timedelta

import pytest

import supplies
from supplies import InsufficientStock, InvalidInput, NotFound
from supplies.config import local_today


def lots(inv: supplies.Inventory) -> list[tuple[str, str, str, int, int]]:
    return [(x.point, x.item, x.batch, x.on_hand, x.reserved) for x in inv.stock.lots()]


def test_receive_creates_a_lot_and_adds_to_it(county: supplies.Inventory) -> None:
    county.stock.receive(
        "CK-01",
        "TENT12",
        100,
        batch="2026-07",
        expires_on=date(2030, 1, 1),
        unit_cost=850.5,
        reference="采购合同 2026-031",
    )
    county.stock.receive("CK-01", "TENT12", 20, batch="2026-07")
    assert lots(county) == [("CK-01", "TENT12", "2026-07", 120, 0)]
    ledger = county.stock.ledger(item="TENT12")
    assert [(m.kind, m.qty, m.balance_after, m.actor) for m in ledger] == [
        ("receive", 100, 100, "admin"),
        ("receive", 20, 120, "admin"),
    ]
    assert ledger[0].reference == "采购合同 2026-031"


@pytest.mark.parametrize("qty", [0, -5, 2.5, "ten"])
def test_quantities_are_whole_positive_numbers(county: supplies.Inventory, qty: object) -> None:
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "TENT12", qty)  # type: ignore[arg-type]
    assert err.value.field == "qty"
    assert lots(county) == [] and county.stock.ledger() == []


def test_a_batch_keeps_its_expiry_and_mode(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 10, batch="B1", expires_on=date(2030, 1, 1))
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 10, batch="B1", expires_on=date(2031, 1, 1))
    assert err.value.field == "expires_on"
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 10, batch="B1", mode="donation")
    assert err.value.field == "mode"


def test_issuing_more_than_is_free_is_refused(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10, batch="B1")
    with pytest.raises(InsufficientStock) as err:
        county.stock.issue("CK-01", "TENT12", 11)
    assert "10" in err.value.reason
    with pytest.raises(InsufficientStock):
        county.stock.issue("CK-01", "TENT12", 11, batch="B1")
    county.stock.issue("CK-01", "TENT12", 10, batch="B1", reason="发放城关镇")
    assert lots(county) == []  # empty lots are hidden from the default listing
    assert county.stock.lots(with_stock_only=False)[0].on_hand == 0


def test_issue_without_batch_takes_earliest_expiry_first(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 5, batch="LATE", expires_on=date(2032, 1, 1))
    county.stock.receive("CK-01", "QUILT", 5, batch="EARLY", expires_on=date(2029, 1, 1))
    county.stock.receive("CK-01", "QUILT", 5, batch="NONE")
    county.stock.issue("CK-01", "QUILT", 7)
    assert {x.batch: x.on_hand for x in county.stock.lots(with_stock_only=False)} == {"EARLY": 0, "LATE": 3, "NONE": 5}


def test_transfer_moves_the_batch_with_its_terms(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 50, batch="B1", expires_on=date(2031, 5, 1), mode="donation")
    county.stock.transfer("CK-01", "TS-01", "TENT12", 20, reference="调拨单 7")
    moved = next(x for x in county.stock.lots() if x.point == "TS-01")
    assert (moved.batch, moved.expires, moved.mode, moved.on_hand) == ("B1", date(2031, 5, 1), "donation", 20)
    kinds = [(m.kind, m.point, m.qty) for m in county.stock.ledger(since=local_today())]
    assert kinds[1:] == [("transfer_out", "CK-01", -20), ("transfer_in", "TS-01", 20)]
    with pytest.raises(InvalidInput) as err:
        county.stock.transfer("CK-01", "CK-01", "TENT12", 1)
    assert err.value.field == "to_point"


def test_stock_count_sets_on_hand_with_one_adjusting_line(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 40, batch="B1")
    county.stock.adjust("CK-01", "QUILT", 37, batch="B1", reason="年度盘点")
    assert lots(county) == [("CK-01", "QUILT", "B1", 37, 0)]
    last = county.stock.ledger()[-1]
    assert (last.kind, last.qty, last.reason) == ("adjust", -3, "年度盘点")
    with pytest.raises(InvalidInput) as err:
        county.stock.adjust("CK-01", "QUILT", -1, batch="B1")
    assert err.value.field == "counted"
    with pytest.raises(NotFound) as err:
        county.stock.adjust("CK-01", "QUILT", 3, batch="B9")
    assert err.value.field == "batch"


def test_rotation_moves_quantity_from_old_to_fresh_batch(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 30, batch="2020", expires_on=date.today() + timedelta(days=20))
    county.stock.rotate(
        "CK-01",
        "QUILT",
        30,
        batch="2020",
        new_batch="2026",
        new_expires_on=date.today() + timedelta(days=3650),
        reason="临期轮换",
    )
    assert {x.batch: x.on_hand for x in county.stock.lots(with_stock_only=False)} == {"2020": 0, "2026": 30}
    assert [m.kind for m in county.stock.ledger()][-2:] == ["rotate_out", "rotate_in"]


def test_write_off_needs_a_reason(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 10, batch="B1")
    with pytest.raises(InvalidInput) as err:
        county.stock.write_off("CK-01", "QUILT", 2, batch="B1", reason="")
    assert err.value.field == "reason"
    county.stock.write_off("CK-01", "QUILT", 2, batch="B1", reason="霉变")
    assert lots(county) == [("CK-01", "QUILT", "B1", 8, 0)]


def test_expiring_lots_soonest_first(county: supplies.Inventory) -> None:
    today = local_today()
    county.stock.receive("CK-01", "QUILT", 1, batch="A", expires_on=today + timedelta(days=100))
    county.stock.receive("TS-01", "QUILT", 1, batch="B", expires_on=today + timedelta(days=10))
    county.stock.receive("TS-02", "QUILT", 1, batch="C", expires_on=today - timedelta(days=1), historical=True)
    county.stock.receive("TS-02", "TENT12", 1, batch="D")
    assert [x.batch for x in county.stock.expiring(30)] == ["C", "B"]
    assert [x.batch for x in county.stock.expiring(365)] == ["C", "B", "A"]


def test_stock_by_item_class_point_region_and_level(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    county.stock.receive("TS-01", "TENT12", 4)
    county.stock.receive("TS-02", "QUILT", 6)
    county.stock.receive("TS-02", "SANDBAG", 1000)
    assert sum(x.on_hand for x in county.stock.lots(supply_class="LIVING")) == 20
    assert [x.point for x in county.stock.lots(level="township", item="TENT12")] == ["TS-01"]
    assert [x.point for x in county.stock.lots(region_code="520102002")] == ["TS-02", "TS-02"]
    rows = county.stock.summary(by=("class", "level"))
    assert [(r.key["class"], r.key["level"], r.on_hand, r.free) for r in rows] == [
        ("FLOOD", "township", 1000, 1000),
        ("LIVING", "county", 10, 10),
        ("LIVING", "township", 10, 10),
    ]
    by_agency = county.stock.summary(by=["agency"])
    assert {r.key["agency"]: r.on_hand for r in by_agency} == {"CIV": 20, "WAT": 1000}
    with pytest.raises(InvalidInput) as err:
        county.stock.summary(by=("colour",))
    assert err.value.field == "by"


def test_ledger_of_a_lot_item_point_and_period(county: supplies.Inventory) -> None:
    change = county.stock.receive("CK-01", "TENT12", 10, batch="B1")
    county.stock.receive("TS-01", "QUILT", 3)
    county.stock.issue("CK-01", "TENT12", 2)
    assert [m.qty for m in county.stock.ledger(lot_id=change.lot_ids[0])] == [10, -2]
    assert [m.item for m in county.stock.ledger(point="TS-01")] == ["QUILT"]
    assert len(county.stock.ledger(since=local_today(), until=local_today())) == 3
    assert county.stock.ledger(until=local_today() - timedelta(days=1)) == []
