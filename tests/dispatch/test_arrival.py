"""Arrival books stock: receiving a request at a destination storage point puts what arrived into its lots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies.config import local_today
from supplies.errors import OneAgencyRuleViolation, PermissionDenied, RuleViolation
from supplies.services.dispatch.results import RequestResult
from tests.examples import examples

EXPIRES = local_today() + timedelta(days=800)


def _shelter(inv: supplies.Inventory, code: str = "SH-01") -> None:
    inv.points.add(code, "河口镇避难场所", level="township", kind="shelter", lat=26.61, lon=106.81)


def _stock(inv: supplies.Inventory) -> None:
    inv.stock.receive("CK-01", "TENT12", 50, batch="T-2025", expires_on=EXPIRES)
    inv.stock.receive("TS-01", "QUILT", 40, batch="Q-DON", mode="donation")


def _through_dispatch(disp: supplies.Inventory, req: RequestResult) -> int:
    disp.requests.allocate(req.id)
    disp.requests.dispatch(req.id)
    return req.id


def _lots_at(inv: supplies.Inventory, point: str) -> dict[tuple[str, str], tuple[int, date | None, str, str]]:
    return {
        (x.item, x.batch): (x.on_hand, x.expires, x.mode, x.agency)
        for x in inv.stock.lots(with_stock_only=False)
        if x.point == point
    }


def _nothing_written(inv: supplies.Inventory, rid: int, before: tuple[object, ...]) -> None:
    assert (inv.requests.show(rid).status, len(inv.stock.ledger()), _lots_at(inv, "SH-01")) == before


def test_receipt_at_a_shelter_books_each_lot_with_batch_expiry_and_mode_kept(
    staff: supplies.Inventory, disp: supplies.Inventory, approved: Callable[..., RequestResult]
) -> None:
    _shelter(staff)
    _stock(staff)
    rid = _through_dispatch(disp, approved({"TENT12": 20, "QUILT": 30}, dest_point="SH-01"))
    detail = disp.requests.receive(rid)

    assert detail.status == "received"
    assert _lots_at(staff, "SH-01") == {
        ("TENT12", "T-2025"): (20, EXPIRES, "physical", "CIV"),
        ("QUILT", "Q-DON"): (30, None, "donation", "CIV"),
    }
    arrivals = staff.stock.ledger(kinds=("arrival",))
    assert sorted((m.point, m.item, m.qty, m.reference) for m in arrivals) == [
        ("SH-01", "QUILT", 30, f"request:{rid}"),
        ("SH-01", "TENT12", 20, f"request:{rid}"),
    ]
    assert {(a.point, a.item, a.batch, a.quantity, a.mode) for a in detail.arrivals} == {
        ("SH-01", "TENT12", "T-2025", 20, "physical"),
        ("SH-01", "QUILT", "Q-DON", 30, "donation"),
    }
    assert not detail.handed_over_on_site
    assert "50 units booked into SH-01" in (detail.events[-1].note or "")
    summary = {r.key["item"]: (r.on_hand, r.free) for r in staff.stock.summary(by=("item",), point="SH-01")}
    assert summary == {"TENT12": (20, 20), "QUILT": (30, 30)}
    assert {r.key["item"]: r.on_hand for r in staff.stock.summary(by=("item",), point="CK-01")} == {"TENT12": 30}
    assert staff.stock.verify().ok
    with pytest.raises(RuleViolation):  # a request is received once
        disp.requests.receive(rid)
    assert len(staff.stock.ledger(kinds=("arrival",))) == 2


def test_a_partial_receipt_books_only_what_arrived_and_the_difference_stays_on_the_request(
    staff: supplies.Inventory, disp: supplies.Inventory, approved: Callable[..., RequestResult]
) -> None:
    _shelter(staff)
    staff.stock.receive("CK-01", "TENT12", 12, batch="A", expires_on=EXPIRES)
    staff.stock.receive("TS-01", "TENT12", 12, batch="B")
    rid = _through_dispatch(disp, approved({"TENT12": 20}, dest_point="SH-01"))
    rows = sorted((a.id or 0, a.batch, a.quantity) for a in disp.requests.show(rid).allocations)
    detail = disp.requests.receive(rid, received={"TENT12": 15})

    # the received units fill the rows in allocation order; the rest is the shortfall on arrival
    left, want = 15, {}
    for _, batch, qty in rows:
        got = min(left, qty)
        left -= got
        if got:
            want[batch] = got
    booked = {b: q for (item, b), (q, *_rest) in _lots_at(staff, "SH-01").items() if item == "TENT12"}
    assert booked == want and sum(booked.values()) == 15
    assert [(ln.dispatched, ln.received) for ln in detail.lines] == [(20, 15)]
    assert "TENT12: 15 of 20 received" in (detail.events[-1].note or "")
    assert sum(m.qty for m in staff.stock.ledger(kinds=("arrival",))) == 15
    assert staff.stock.verify().ok


def test_a_destination_given_by_coordinates_books_nothing_and_records_the_handover(
    staff: supplies.Inventory, disp: supplies.Inventory, approved: Callable[..., RequestResult]
) -> None:
    _stock(staff)
    rid = _through_dispatch(disp, approved({"TENT12": 5}))
    lots_before = {x.lot_id: x.on_hand for x in staff.stock.lots(with_stock_only=False)}
    detail = disp.requests.receive(rid)
    assert detail.status == "received" and detail.handed_over_on_site and detail.arrivals == []
    assert "handed over on site" in (detail.events[-1].note or "")
    assert {x.lot_id: x.on_hand for x in staff.stock.lots(with_stock_only=False)} == lots_before
    assert staff.stock.ledger(kinds=("arrival",)) == []


def test_a_batch_held_at_the_destination_on_other_terms_is_filed_under_a_derived_code(
    staff: supplies.Inventory, disp: supplies.Inventory, approved: Callable[..., RequestResult]
) -> None:
    _shelter(staff)
    staff.stock.receive("SH-01", "TENT12", 1, batch="T-2025")  # the shelter's own T-2025: no expiry ...
    staff.stock.issue("SH-01", "TENT12", 1, batch="T-2025")  # ... and none left to allocate from
    _stock(staff)
    rid = _through_dispatch(disp, approved({"TENT12": 10}, dest_point="SH-01"))
    detail = disp.requests.receive(rid)
    lots = _lots_at(staff, "SH-01")
    assert lots[("TENT12", "T-2025")] == (0, None, "physical", "CIV")
    assert lots[("TENT12", f"T-2025-R{rid}")] == (10, EXPIRES, "physical", "CIV")
    assert f"filed as 'T-2025-R{rid}'" in (detail.events[-1].note or "")
    assert staff.stock.verify().ok


def test_a_closed_destination_point_refuses_the_receipt_and_writes_nothing(
    staff: supplies.Inventory, disp: supplies.Inventory, approved: Callable[..., RequestResult]
) -> None:
    _shelter(staff)
    _stock(staff)
    rid = _through_dispatch(disp, approved({"TENT12": 5}, dest_point="SH-01"))
    staff.points.close("SH-01")
    before = ("dispatched", len(staff.stock.ledger()), _lots_at(staff, "SH-01"))
    with pytest.raises(RuleViolation, match="SH-01 is closed"):
        disp.requests.receive(rid)
    _nothing_written(staff, rid, before)
    staff.points.reopen("SH-01")
    assert disp.requests.receive(rid).status == "received"


def test_a_class_nobody_answers_for_at_the_destination_refuses_the_receipt_and_writes_nothing(
    inv: supplies.Inventory,
) -> None:
    inv.regions.add("520000", "贵州省", level="province")
    inv.regions.add("522700", "黔南州", level="city", parent="520000")
    inv.regions.add("522731", "惠水县", level="county", parent="522700")
    inv.agencies.add("QN-YJ", "黔南州应急管理局", region_code="522700")
    inv.agencies.add("HS-MZ", "惠水县民政局", region_code="522731")
    inv.classes.add("LIVING", "生活类", agency="QN-YJ")
    inv.classes.assign("LIVING", agency="HS-MZ")
    inv.classes.add("FLOOD", "防汛类", agency="QN-YJ")  # nobody answers for it in 惠水县
    inv.items.add("TENT", "帐篷", supply_class="LIVING", unit="顶")
    inv.items.add("BAG", "编织袋", supply_class="FLOOD", unit="条")
    inv.points.add("QN-CK", "州储备库", level="city", lat=26.26, lon=107.52, region_code="522700")
    inv.points.add(
        "SH-01", "惠水县避难场所", level="county", kind="shelter", lat=26.13, lon=106.66, region_code="522731"
    )
    inv.stock.receive("QN-CK", "TENT", 10, batch="B1")
    inv.stock.receive("QN-CK", "BAG", 10, batch="B1")
    inv.users.add("disp", role="dispatcher", web_login=False)
    disp = inv.as_user("disp")
    incident = disp.incidents.add("涟江洪水", type="flood", level="IV", lat=26.1, lon=106.6, population=500)
    rid = disp.requests.create(incident.id, lines={"TENT": 4, "BAG": 5}, dest_point="SH-01").id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)
    disp.requests.dispatch(rid)
    before = ("dispatched", len(inv.stock.ledger()), _lots_at(inv, "SH-01"))
    with pytest.raises(OneAgencyRuleViolation, match="class FLOOD in 惠水县"):
        disp.requests.receive(rid)
    _nothing_written(inv, rid, before)
    inv.classes.assign("FLOOD", agency="HS-MZ")
    disp.requests.receive(rid)
    assert _lots_at(inv, "SH-01") == {
        ("TENT", "B1"): (4, None, "physical", "HS-MZ"),
        ("BAG", "B1"): (5, None, "physical", "HS-MZ"),
    }
    assert inv.stock.verify().ok


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stock=st.lists(st.integers(min_value=1, max_value=15), min_size=1, max_size=4),
    want=st.integers(min_value=1, max_value=60),
    received=st.floats(min_value=0, max_value=1),
    shelter_terms=st.booleans(),
)
def test_random_dispatch_and_receipt_keep_balance_equal_to_ledger(  # type: ignore[no-untyped-def]
    databases, stock, want, received, shelter_terms
) -> None:
    inv = databases.fresh_inventory()
    try:
        inv.agencies.add("CIV", "民政局")
        inv.classes.add("LIVING", "生活类", agency="CIV")
        inv.items.add("TENT12", "帐篷", supply_class="LIVING", unit="顶")
        inv.points.add("CK-01", "CK-01", level="county", lat=26.5, lon=106.7)
        _shelter(inv)
        if shelter_terms:  # the shelter already knows batch B0, on other terms
            inv.stock.receive("SH-01", "TENT12", 1, batch="B0", mode="donation")
            inv.stock.issue("SH-01", "TENT12", 1, batch="B0")
        for n, qty in enumerate(stock):
            inv.stock.receive("CK-01", "TENT12", qty, batch=f"B{n}", expires_on=EXPIRES + timedelta(days=n))
        inv.users.add("disp", role="dispatcher", web_login=False)
        disp = inv.as_user("disp")
        incident = disp.incidents.add("洪涝", type="flood", level="IV", lat=26.6, lon=106.8, population=100)
        rid = disp.requests.create(incident.id, lines={"TENT12": want}, dest_point="SH-01").id
        disp.requests.submit(rid)
        disp.requests.approve(rid)
        disp.requests.allocate(rid)
        disp.requests.dispatch(rid)
        sent = sum(a.quantity for a in disp.requests.show(rid).allocations)
        got = int(sent * received)
        detail = disp.requests.receive(rid, received={"TENT12": got})

        lots = inv.stock.lots(with_stock_only=False)
        assert sum(x.on_hand for x in lots if x.point == "SH-01") == got
        assert sum(x.on_hand for x in lots) == sum(stock) - sent + got
        assert sum(a.quantity for a in detail.arrivals) == got
        assert all(x.on_hand >= 0 and 0 <= x.reserved <= x.on_hand for x in lots)
        for x in lots:  # balance = ledger, lot by lot
            assert x.on_hand == sum(m.qty for m in inv.stock.ledger(lot_id=x.lot_id))
        assert all(
            (x.mode, x.expires) == ("physical", EXPIRES + timedelta(days=int(x.batch[1])))
            for x in lots
            if x.point == "SH-01" and x.on_hand
        )
        assert inv.stock.verify().ok
    finally:
        inv.close()


def test_the_destinations_warehouse_staff_receive_and_others_may_not(
    staff: supplies.Inventory, disp: supplies.Inventory, approved: Callable[..., RequestResult]
) -> None:
    _shelter(staff)
    _stock(staff)
    staff.users.add("sh-keeper", role="warehouse", points=["SH-01"], web_login=False)
    rid = _through_dispatch(disp, approved({"TENT12": 5}, dest_point="SH-01"))
    clerk, other = staff.as_user("sh-keeper"), staff.as_user("keeper")  # keeper keeps CK-01, not the shelter
    assert clerk.requests.may_receive(rid) and disp.requests.may_receive(rid)
    assert not other.requests.may_receive(rid)
    assert not any(staff.as_user(name).requests.may_receive(rid) for name in ("civ", "viewer"))
    before = (staff.requests.show(rid).status, len(staff.stock.ledger()), _lots_at(staff, "SH-01"))
    for name in ("keeper", "civ", "viewer"):
        with pytest.raises(PermissionDenied, match="may not record the receipt of request"):
            staff.as_user(name).requests.receive(rid)
    _nothing_written(staff, rid, before)
    # The shelter's clerk sees the request bound for their point, and books it in.
    assert rid in {r.id for r in clerk.requests.list()}
    detail = clerk.requests.receive(rid, received={"TENT12": 4})
    assert detail.status == "received" and [(a.point, a.item, a.quantity) for a in detail.arrivals] == [
        ("SH-01", "TENT12", 4)
    ]


def test_a_dispatcher_of_another_county_may_not_receive(inv: supplies.Inventory) -> None:
    from tests.jurisdiction_city import approved_request, build_city

    city = build_city(inv)
    hs = city.as_user("hs-disp")
    rid = approved_request(hs, 3, "HS-TS")
    hs.requests.allocate(rid)
    hs.requests.dispatch(rid)
    assert not city.as_user("cs-disp").requests.may_receive(rid)
    with pytest.raises(PermissionDenied, match="may not record the receipt"):
        city.as_user("cs-disp").requests.receive(rid)
    assert city.as_user("city-disp").requests.may_receive(rid)  # the city is above the county
    assert hs.requests.receive(rid).status == "received"
