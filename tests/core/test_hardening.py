"""What an adversarial run found (issue #10): each case is refused with the field named, or kept true.

Every test here failed on d82e2ad; each runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import supplies
from supplies import InvalidInput, PermissionDenied, RuleViolation
from supplies.config import local_today
from supplies.limits import MAX_BALANCE, MAX_MOVEMENT_QTY


def snapshot(inv: supplies.Inventory) -> tuple[list[tuple[object, ...]], int]:
    lots = sorted(
        (x.point, x.item, x.batch, x.mode, x.expires, x.on_hand, x.reserved)
        for x in inv.stock.lots(with_stock_only=False)
    )
    return lots, len(inv.stock.ledger())


# -- 1. a transfer or a rotation never merges into a batch held on other terms ---------------------


def test_a_transfer_into_a_batch_with_another_expiry_and_mode_is_refused(county: supplies.Inventory) -> None:
    county.stock.receive("TS-01", "QUILT", 10, batch="2020-HS-05", mode="donation", expires_on=date(2035, 1, 1))
    soon = local_today() + timedelta(days=24)
    county.stock.receive("CK-01", "QUILT", 500, batch="2020-HS-05", expires_on=soon)
    before = snapshot(county)
    with pytest.raises(RuleViolation) as err:
        county.stock.transfer("CK-01", "TS-01", "QUILT", 500, batch="2020-HS-05")
    assert err.value.field == "to_batch" and "donation" in err.value.reason
    assert snapshot(county) == before
    # Filed under its own batch code at the destination, the stock keeps its expiry and mode.
    county.stock.transfer("CK-01", "TS-01", "QUILT", 500, batch="2020-HS-05", to_batch="2020-HS-05-CK")
    moved = [x for x in county.stock.lots(point="TS-01") if x.batch == "2020-HS-05-CK"]
    assert [(x.on_hand, x.mode, x.expires) for x in moved] == [(500, "physical", soon)]
    assert [x.batch for x in county.stock.expiring(30)] == ["2020-HS-05-CK"]
    assert county.stock.verify().ok


def test_a_transfer_into_a_batch_on_the_same_terms_adds_to_it(county: supplies.Inventory) -> None:
    county.stock.receive("TS-01", "QUILT", 10, batch="B", expires_on=date(2035, 1, 1))
    county.stock.receive("CK-01", "QUILT", 5, batch="B", expires_on=date(2035, 1, 1))
    county.stock.transfer("CK-01", "TS-01", "QUILT", 5, batch="B")
    assert [(x.point, x.on_hand) for x in county.stock.lots(item="QUILT")] == [("TS-01", 15)]


def test_rotating_into_an_existing_batch_with_another_expiry_is_refused(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 10, batch="OLD", expires_on=local_today() + timedelta(days=20))
    county.stock.receive("CK-01", "QUILT", 10, batch="NEW", expires_on=date(2030, 1, 1))
    before = snapshot(county)
    with pytest.raises(InvalidInput) as err:
        county.stock.rotate("CK-01", "QUILT", 5, batch="OLD", new_batch="NEW", new_expires_on=date(2031, 1, 1))
    assert err.value.field == "new_expires_on" and "2030-01-01" in err.value.reason
    assert snapshot(county) == before
    county.stock.rotate("CK-01", "QUILT", 5, batch="OLD", new_batch="NEW", new_expires_on=date(2030, 1, 1))
    assert {x.batch: x.on_hand for x in county.stock.lots(item="QUILT")} == {"OLD": 5, "NEW": 15}


# -- 3. quantities are bounded, and both databases refuse the same values ----------------------------


@pytest.mark.parametrize("qty", [0, -1, MAX_MOVEMENT_QTY + 1, 5 * 10**18, 2**31, 2**63, 10**30])
def test_a_receipt_outside_one_to_a_billion_names_the_quantity(county: supplies.Inventory, qty: int) -> None:
    before = snapshot(county)
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", qty)
    assert err.value.field == "qty" and "1,000,000,000" in err.value.reason
    assert snapshot(county) == before


def test_a_lot_holds_at_most_ten_to_the_twelve(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", MAX_MOVEMENT_QTY, batch="B")
    # A count may set any balance up to the bound, but not above it.
    with pytest.raises(InvalidInput) as err:
        county.stock.adjust("CK-01", "QUILT", MAX_BALANCE + 1, batch="B")
    assert err.value.field == "counted"
    with pytest.raises(InvalidInput):  # the count would move more than a billion units in one line
        county.stock.adjust("CK-01", "QUILT", MAX_BALANCE, batch="B")
    county.stock.adjust("CK-01", "QUILT", 2 * MAX_MOVEMENT_QTY, batch="B")
    assert county.stock.lots()[0].on_hand == 2 * MAX_MOVEMENT_QTY
    assert county.stock.verify().ok


def test_summaries_and_reports_still_add_up_at_the_largest_balances(county: supplies.Inventory) -> None:
    for point in ("CK-01", "TS-01", "TS-02"):
        for batch in ("A", "B"):
            county.stock.receive(point, "QUILT", MAX_MOVEMENT_QTY, batch=batch)
    (row,) = county.stock.summary(by=("item",))
    assert row.on_hand == 6 * MAX_MOVEMENT_QTY
    report = county.reports.stock()
    assert sum(r["on_hand"] for r in report.rows) == 6 * MAX_MOVEMENT_QTY
    assert county.reports.ledger().totals()["closing"] == 6 * MAX_MOVEMENT_QTY
    county.targets.set("QUILT", MAX_BALANCE, point="CK-01")
    assert county.reports.gaps().rows[0]["gap"] == MAX_BALANCE - 2 * MAX_MOVEMENT_QTY


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda inv: inv.targets.set("QUILT", MAX_BALANCE + 1, point="CK-01"), "quantity"),
        (
            lambda inv: inv.items.add("X1", "x", supply_class="LIVING", unit="个", shelf_life_days=10**9),
            "shelf_life_days",
        ),
        (
            lambda inv: inv.incidents.add("flood", type="flood", level="IV", lat=26, lon=106, population=10**10),
            "population",
        ),
        (lambda inv: inv.requests.show(2**31), "id"),
        (lambda inv: inv.requests.show(-1), "id"),
        (lambda inv: inv.stock.lots(expiring_within_days=10**9), "expiring_within_days"),
        (lambda inv: inv.reports.expiry(days=10**6), "days"),
        (lambda inv: inv.reports.ledger(until=date(9999, 12, 31)), "until"),
        (lambda inv: inv.stock.ledger(since=date(1, 1, 1)), "since"),
        (lambda inv: inv.stock.ledger(lot_id=2**40), "lot_id"),
        (lambda inv: inv.readiness.check(26.5, 106.5, population=10**12), "population"),
    ],
)
def test_every_number_and_date_option_is_bounded(county: supplies.Inventory, call, field: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(county)
    with pytest.raises(InvalidInput) as err:
        call(county)
    assert err.value.field == field, err.value
    assert snapshot(county) == before


# -- 4. control characters never get in ------------------------------------------------------------


@pytest.mark.parametrize("text", ["B\x00", "B\x1b[31m", "\x07bell", "B\ud800", "B\x85X"])
def test_control_characters_are_refused_in_batches_and_names(county: supplies.Inventory, text: str) -> None:
    before = snapshot(county)
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 1, batch=text)
    assert err.value.field == "batch" and "control character" in err.value.reason
    with pytest.raises(InvalidInput) as err:
        county.items.add("N1", text, supply_class="LIVING", unit="个")
    assert err.value.field == "name"
    with pytest.raises(InvalidInput) as err:
        county.classes.update("LIVING", name_en=text)
    assert err.value.field == "name_en"
    assert snapshot(county) == before


def test_a_reason_may_span_lines_but_not_hold_control_characters(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 1, reason="first line\nsecond line")
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 1, reason="nul\x00")
    assert err.value.field == "reason"


# -- 7. reports and readiness read only the user's scope ----------------------------------------------


def test_gaps_and_readiness_show_a_clerk_only_their_points(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 100)
    county.stock.receive("TS-01", "QUILT", 40)
    county.targets.set("QUILT", 150, point="CK-01")
    county.targets.set("QUILT", 50, point="TS-01")
    county.targets.set("QUILT", 500, region_code="520102")
    county.readiness.set_need("bedding", amount_per_person=1, unit="床")
    county.readiness.link("bedding", "QUILT")
    keeper = county.as_user("keeper")  # warehouse staff of CK-01 only
    rows = keeper.reports.gaps().rows
    assert [(r["point"], r["stock"], r["gap"]) for r in rows] == [("CK-01", 100, 50)]
    bedding = {n.need: n for n in keeper.readiness.check(26.58, 106.71, population=1000).needs}["bedding"]
    assert {s.point for s in bedding.sources} == {"CK-01"}
    everyone = {n.need: n for n in county.readiness.check(26.58, 106.71, population=1000).needs}["bedding"]
    assert {s.point for s in everyone.sources} == {"CK-01", "TS-01"}


def test_gaps_show_an_officer_only_their_agencys_items(county: supplies.Inventory) -> None:
    county.users.add("wat", role="agency_officer", agency="WAT", web_login=False)
    county.stock.receive("CK-01", "QUILT", 100)
    county.stock.receive("CK-01", "SANDBAG", 100)
    county.targets.set("QUILT", 150, point="CK-01")
    county.targets.set("SANDBAG", 300, point="CK-01")
    rows = county.as_user("wat").reports.gaps().rows
    assert [(r["item"], r["gap"]) for r in rows] == [("SANDBAG", 200)]


# -- 8. an agency officer stays inside their agency's classes ------------------------------------------


def test_an_officer_cannot_file_classes_or_items_under_another_agency(county: supplies.Inventory) -> None:
    county.users.add("wat", role="agency_officer", agency="WAT", web_login=False)
    officer = county.as_user("wat")
    with pytest.raises(PermissionDenied) as err:
        officer.classes.add("PUMPS", "排涝设备", agency="WAT", parent="LIVING")
    assert err.value.field == "parent"
    officer.classes.add("PUMPS", "排涝设备", agency="WAT", parent="FLOOD")
    with pytest.raises(PermissionDenied):
        officer.classes.update("PUMPS", parent="LIVING")
    officer.items.add("WZ1", "水泵", supply_class="PUMPS", unit="台")
    with pytest.raises(PermissionDenied):
        officer.items.update("WZ1", supply_class="LIVING")
    assert county.items.get("WZ1").class_id == county.classes.get("PUMPS").id
    assert county.classes.get("PUMPS").parent_id == county.classes.get("FLOOD").id


# -- 12. dates, region codes and codes -----------------------------------------------------------------


@pytest.mark.parametrize("expiry", [date(2020, 1, 1), date(1, 1, 1)])
def test_an_expiry_before_today_is_refused_unless_historical(county: supplies.Inventory, expiry: date) -> None:
    with pytest.raises(InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 1, batch="OLD", expires_on=expiry)
    assert err.value.field == "expires_on"
    if expiry.year >= 1900:
        county.stock.receive("CK-01", "QUILT", 1, batch="OLD", expires_on=expiry, historical=True)
        assert county.stock.lots()[0].expires == expiry


@pytest.mark.parametrize("code", ["5227", "52273A", "R1", "5227311", "522731-106"])
def test_region_codes_are_gb_t_2260_digits(county: supplies.Inventory, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        county.points.add("P9", "p", level="village", lat=26, lon=106, region_code=code)
    assert err.value.field == "region_code"
    for good in ("522731", "522731106", "522731106201"):
        county.points.add(f"P{good}", "p", level="village", lat=26, lon=106, region_code=good)


def test_codes_are_unique_without_regard_to_case(county: supplies.Inventory) -> None:
    for call in (
        lambda: county.items.add("quilt", "棉被", supply_class="LIVING", unit="床"),
        lambda: county.points.add("ck-01", "x", level="county", lat=26, lon=106),
        lambda: county.agencies.add("civ", "x"),
        lambda: county.classes.add("living", "x", agency="CIV"),
        lambda: county.users.add("KEEPER", role="viewer", web_login=False),
    ):
        with pytest.raises(InvalidInput) as err:
            call()
        assert "already exists" in err.value.reason
