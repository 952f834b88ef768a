"""Agreement reserves held by contract: signing, call-up, delivery, renewal, expiry and the ledger under them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import supplies
from supplies.config import local_today
from supplies.errors import InsufficientStock, InvalidInput, NotFound, PermissionDenied, RuleViolation
from supplies.services.contracts.credit_code import check_character, credit_code_problem
from supplies.services.contracts.service import printed_order
from tests.examples import examples

NEAR_TS01 = dict(dest_lat=26.61, dest_lon=106.81)
GOOD_CODE = "91350100M000100Y43"


@pytest.fixture
def county_ag(county: supplies.Inventory) -> supplies.Inventory:
    """The county with a dispatcher, a viewer and an agreement warehouse AG-01."""
    county.users.add("disp", role="dispatcher", web_login=False)
    county.users.add("viewer", role="viewer", web_login=False)
    county.points.add(
        "AG-01", "协议储备仓库", level="county", lat=26.50, lon=106.70, region_code="520102", kind="agreement"
    )
    return county


def sign(inv: supplies.Inventory, code: str = "HT-01", **kw: Any) -> Any:
    today = local_today()
    args: dict[str, Any] = dict(
        company="贵州某商贸有限公司",
        credit_code=GOOD_CODE,
        contact="张经理 13800000000",
        point="AG-01",
        items=[("TENT12", 100, "350.00"), ("QUILT", 50)],
        valid_from=today,
        valid_to=today + timedelta(days=90),
        lead_time_hours=6,
    )
    args.update(kw)
    return inv.contracts.add(code, **args)


@pytest.fixture
def incident(county_ag: supplies.Inventory) -> int:
    return (
        county_ag.as_user("disp")
        .incidents.add("河口镇洪涝", type="flood", level="II", lat=26.61, lon=106.81, population=3000)
        .id
    )


@pytest.fixture
def approved(county_ag: supplies.Inventory, incident: int) -> Callable[..., int]:
    disp = county_ag.as_user("disp")

    def make(lines: Any, **kw: Any) -> int:
        where = {} if "dest_point" in kw else NEAR_TS01
        rid = disp.requests.create(incident, lines=lines, **where, **kw).id
        disp.requests.submit(rid)
        disp.requests.approve(rid)
        return rid

    return make


def lot_of(inv: supplies.Inventory, point: str, batch: str, item: str = "TENT12") -> Any:
    return next(
        lot for lot in inv.stock.lots(with_stock_only=False) if (lot.point, lot.batch, lot.item) == (point, batch, item)
    )


def test_a_credit_code_is_checked_as_gb_32100_says() -> None:
    assert credit_code_problem(GOOD_CODE) is None
    assert check_character(GOOD_CODE[:17]) == "3"
    assert credit_code_problem("91350100M000100Y44") is not None  # wrong check character
    assert credit_code_problem("91350100M000100Y4") is not None  # 17 characters
    assert credit_code_problem("91350100M000100I43") is not None  # I is not in the alphabet
    assert credit_code_problem("9135A100M000100Y4" + check_character("9135A100M000100Y4")) is not None


def test_signing_books_the_contracted_quantity_through_the_ledger(county_ag: supplies.Inventory) -> None:
    c = sign(county_ag.as_user("disp"))
    assert (c.code, c.version, c.in_force, c.mode, c.point) == ("HT-01", 1, True, "agreement", "AG-01")
    assert [(ln.item, ln.quantity, ln.called_up, ln.remaining) for ln in c.lines] == [
        ("TENT12", 100, 0, 100),
        ("QUILT", 50, 0, 50),
    ]
    lot = lot_of(county_ag, "AG-01", "HT-01")
    assert (lot.on_hand, lot.mode, lot.expires, lot.lead_time_hours) == (100, "agreement", c.valid_to, 6.0)
    moves = [m for m in county_ag.stock.ledger() if m.reference == "contract:HT-01"]
    assert sorted((m.kind, m.item, m.qty) for m in moves) == [("contract", "QUILT", 50), ("contract", "TENT12", 100)]
    assert county_ag.stock.verify().ok


def test_bad_contracts_are_refused_naming_the_field(county_ag: supplies.Inventory) -> None:
    disp = county_ag.as_user("disp")
    today = local_today()
    cases = [
        (dict(credit_code="91350100M000100Y44"), "credit_code"),
        (dict(valid_to=today - timedelta(days=1), valid_from=today - timedelta(days=5)), "valid_to"),
        (dict(valid_from=today + timedelta(days=5), valid_to=today + timedelta(days=1)), "valid_to"),
        (dict(items=[]), "items"),
        (dict(items=[("TENT12", 0)]), "items.0.quantity"),
        (dict(items=[("NOPE", 5)]), "items.0.item"),
        (dict(mode="physical"), "mode"),
        (dict(lead_time_hours=-1), "lead_time_hours"),
    ]
    for changes, field in cases:
        with pytest.raises(InvalidInput) as err:
            sign(disp, **changes)
        assert err.value.field == field, (changes, err.value)
    with pytest.raises(RuleViolation) as rule:
        sign(disp, point="CK-01")  # a depot holds physical stock, not a company's
    assert rule.value.field == "point"
    sign(disp)
    with pytest.raises(InvalidInput) as dup:
        sign(disp)
    assert dup.value.field == "code"
    with pytest.raises(PermissionDenied):
        sign(county_ag.as_user("keeper"), "HT-02")
    assert county_ag.stock.verify().ok


def test_the_call_up_order_gives_its_times_on_the_departments_clock(
    county_ag: supplies.Inventory, approved: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The company reads "deliver by" on the wall clock where it is, not in UTC (eight hours behind).
    monkeypatch.setenv("SUPPLIES_TIMEZONE", "Asia/Shanghai")
    disp = county_ag.as_user("disp")
    sign(disp)
    order = disp.contracts.call_up("HT-01", request=approved([("TENT12", 5)], dest_point="TS-01"), items={"TENT12": 5})
    text = printed_order(order)
    china = order.deadline.replace(tzinfo=order.deadline.tzinfo or UTC).astimezone(UTC) + timedelta(hours=8)
    assert f"{china:%Y-%m-%d %H:%M}" in text and "UTC" not in text


def test_a_call_up_reserves_and_delivery_books_at_the_destination(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    disp = county_ag.as_user("disp")
    sign(disp)
    rid = approved([("TENT12", 30), ("LIVING", 10)], dest_point="TS-01")
    order = disp.contracts.call_up("HT-01", request=rid, items={"TENT12": 30, "QUILT": 10})
    assert (order.request_id, order.status, order.quantity, order.destination) == (rid, "open", 40, "TS-01")
    assert order.deadline - order.created_at == timedelta(hours=6)
    assert "HT-01" in printed_order(order) and "TS-01" in printed_order(order)
    assert disp.requests.show(rid).status == "allocated"
    shown = disp.contracts.show("HT-01").contract
    assert [(ln.item, ln.called_up, ln.remaining) for ln in shown.lines] == [("TENT12", 30, 70), ("QUILT", 10, 40)]
    with pytest.raises(InsufficientStock):  # more than contracted less called up
        disp.contracts.call_up("HT-01", request=approved([("TENT12", 80)]), items={"TENT12": 71})
    with pytest.raises(InvalidInput) as err:  # the request does not ask for it
        disp.contracts.call_up("HT-01", request=approved([("SANDBAG", 5)]), items={"TENT12": 1})
    assert err.value.field == "items.0.item"

    done = disp.contracts.deliver(order.id)
    assert (done.status, done.late, done.short) == ("delivered", False, 0)
    assert disp.requests.show(rid).status == "received"
    arrived = lot_of(county_ag, "TS-01", "HT-01")
    assert (arrived.on_hand, arrived.mode, arrived.expires) == (30, "physical", None)
    assert lot_of(county_ag, "AG-01", "HT-01").on_hand == 70
    with pytest.raises(RuleViolation):
        disp.contracts.deliver(order.id)
    assert county_ag.stock.verify().ok


def test_a_late_or_short_delivery_is_recorded_against_the_contract(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    disp = county_ag.as_user("disp")
    sign(disp, lead_time_hours=0)
    rid = approved([("TENT12", 30)])  # coordinates only: handed over on site
    order = disp.contracts.call_up("HT-01", request=rid, items=[("TENT12", 30)])
    with pytest.raises(InvalidInput) as err:
        disp.contracts.deliver(order.id, items={"TENT12": 31})
    assert err.value.field == "items.0.quantity"
    done = disp.contracts.deliver(order.id, items={"TENT12": 20})
    assert (done.late, done.short, done.lines[0].delivered) == (True, 10, 20)
    c = disp.contracts.show("HT-01").contract
    assert (c.late_deliveries, c.short_units) == (1, 10)
    assert c.lines[0].remaining == 70  # the call-up used 30 of the contract, delivered or not
    assert county_ag.stock.verify().ok


def test_an_order_whose_request_is_cancelled_shows_cancelled_and_cannot_be_delivered(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    disp = county_ag.as_user("disp")
    sign(disp)
    rid = approved([("TENT12", 30)], dest_point="TS-01")
    order = disp.contracts.call_up("HT-01", request=rid, items={"TENT12": 30})
    disp.requests.cancel(rid, reason="the river went down")
    assert disp.contracts.order(order.id).status == "cancelled"
    assert [o.status for o in disp.contracts.show("HT-01").call_ups] == ["cancelled"]
    with pytest.raises(RuleViolation) as exc:
        disp.contracts.deliver(order.id)
    assert "no longer reserved" in str(exc.value)
    assert disp.contracts.show("HT-01").contract.lines[0].remaining == 100  # the units are free again
    assert county_ag.stock.verify().ok


def test_a_request_served_partly_by_a_call_up_is_received_once_for_the_rest(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    disp = county_ag.as_user("disp")
    county_ag.stock.receive("CK-01", "TENT12", 20, batch="GOV")
    sign(disp)
    rid = approved([("TENT12", 50)], dest_point="TS-02")
    order = disp.contracts.call_up("HT-01", request=rid, items={"TENT12": 30})
    disp.requests.allocate(rid)
    assert sum(r.quantity for r in disp.requests.show(rid).allocations) == 50
    disp.requests.dispatch(rid)  # the depot's share; the called-up units wait for the company
    assert disp.requests.show(rid).status == "allocated"
    assert sorted((r.batch, r.status) for r in disp.requests.show(rid).allocations) == [
        ("GOV", "dispatched"),
        ("HT-01", "reserved"),
    ]
    with pytest.raises(RuleViolation):  # only the call-up is left: it is delivered, not dispatched
        disp.requests.dispatch(rid)
    disp.contracts.deliver(order.id)
    assert disp.requests.show(rid).status == "dispatched"
    disp.requests.receive(rid)
    detail = disp.requests.show(rid)
    assert detail.status == "received"
    assert [ln.received for ln in detail.lines] == [50]
    assert lot_of(county_ag, "TS-02", "HT-01").on_hand == 30
    assert lot_of(county_ag, "TS-02", "GOV").on_hand == 20
    assert county_ag.stock.verify().ok


class _Clock:
    """Moves the clocks that readiness, allocation and the contracts read to the morning of ``day``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, day: date) -> None:
        import supplies.services.contracts.service as contracts
        import supplies.services.dispatch.allocation as allocation
        import supplies.services.readiness.check as check

        self.monkeypatch.setattr(check, "local_today", lambda: day)
        self.monkeypatch.setattr(allocation, "local_today", lambda: day)
        self.monkeypatch.setattr(contracts, "local_today", lambda: day)


def test_an_expired_contract_stops_counting_the_day_after_it_ends(
    databases: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    inv = databases.fresh_inventory()
    inv.agencies.add("CIV", "民政局")
    inv.catalog.load_standard("CIV")
    inv.points.add("AG", "协议仓库", level="township", lat=30.0, lon=110.0, region_code="420102001", kind="agreement")
    inv.incidents.add("洪涝", type="flood", level="II", lat=30.0, lon=110.0, population=100)
    end = local_today() + timedelta(days=3)
    inv.contracts.add(
        "HT-Q",
        company="被服厂",
        point="AG",
        items={"PLAN14:3.05": 80},  # quilts
        valid_from=local_today(),
        valid_to=end,
        lead_time_hours=2,
    )
    clock = _Clock(monkeypatch)

    def bedding() -> float:
        report = inv.readiness.check(30.0, 110.0, population=100)
        return next(n for n in report.needs if n.need == "bedding").reachable

    inv.users.add("disp", role="dispatcher", web_login=False)
    disp = inv.as_user("disp")

    def request() -> int:
        rid = disp.requests.create(1, lines={"PLAN14:3.05": 10}, dest_lat=30.01, dest_lon=110.01).id
        disp.requests.submit(rid)
        return rid

    def plan() -> int:
        return disp.requests.allocate(request(), dry_run=True).allocated

    clock.set(end)  # the last day of validity: it counts
    assert bedding() == 80
    assert plan() == 10
    assert inv.contracts.list()[0].in_force is True
    clock.set(end + timedelta(days=1))  # the day after: it does not
    assert bedding() == 0
    assert plan() == 0
    assert inv.contracts.list()[0].in_force is False
    rid = request()
    disp.requests.approve(rid)
    with pytest.raises(RuleViolation) as err:
        disp.contracts.call_up("HT-Q", request=rid, items={"PLAN14:3.05": 1})
    assert err.value.field == "code"
    inv.close()


def test_renewal_keeps_the_history_and_moves_what_is_left_through_the_ledger(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    disp = county_ag.as_user("disp")
    first = sign(disp)
    order = disp.contracts.call_up("HT-01", request=approved([("TENT12", 30)]), items={"TENT12": 30})
    new_end = first.valid_to + timedelta(days=365)
    renewed = disp.contracts.renew("HT-01", valid_to=new_end, items={"QUILT": 80})
    assert (renewed.version, renewed.valid_to, renewed.status) == (2, new_end, "active")
    assert [(ln.item, ln.quantity, ln.remaining, ln.batch) for ln in renewed.lines] == [
        ("TENT12", 70, 70, "HT-01-v2"),
        ("QUILT", 80, 80, "HT-01-v2"),
    ]
    old = lot_of(county_ag, "AG-01", "HT-01")
    assert (old.on_hand, old.reserved) == (30, 30)  # the open call-up's units stay until delivered
    detail = disp.contracts.show("HT-01")
    assert [(v.version, v.status) for v in detail.history] == [(1, "renewed")]
    assert [o.id for o in detail.call_ups] == [order.id]
    disp.contracts.deliver(order.id)
    assert lot_of(county_ag, "AG-01", "HT-01").on_hand == 0
    assert county_ag.stock.verify().ok
    assert [c.version for c in disp.contracts.list()] == [2]


def test_contracts_ending_soon_are_listed_as_expiring(
    county_ag: supplies.Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    disp = county_ag.as_user("disp")
    today = local_today()
    sign(disp, "SOON", valid_to=today + timedelta(days=30))
    sign(disp, "LATER", valid_to=today + timedelta(days=200), items={"SANDBAG": 1000})
    assert [c.code for c in disp.contracts.expiring()] == ["SOON"]
    assert [c.code for c in disp.contracts.list(expiring_days=10)] == []
    assert [c.code for c in disp.contracts.list()] == ["SOON", "LATER"]
    monkeypatch.setenv("SUPPLIES_CONTRACT_EXPIRY_DAYS", "365")
    assert [c.code for c in disp.contracts.expiring()] == ["SOON", "LATER"]
    assert [c.code for c in county_ag.as_user("viewer").contracts.list()] == ["SOON", "LATER"]
    assert county_ag.as_user("keeper").contracts.list() == []  # warehouse staff of CK-01 only
    with pytest.raises(NotFound):
        county_ag.as_user("keeper").contracts.show("SOON")
    with pytest.raises(NotFound):  # an id beyond PostgreSQL's integer is none, not a database error
        disp.contracts.order(2**40)


# -- invariants ---------------------------------------------------------------------------------------


@settings(
    max_examples=examples(15),
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a fresh database per example: shrinking would take minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["call", "deliver", "renew"]), st.integers(1, 40), st.integers(0, 40)),
        min_size=1,
        max_size=8,
    )
)
@example(steps=[("deliver", 34, 37), ("call", 36, 37), ("call", 30, 0), ("renew", 5, 0), ("deliver", 1, 20)])
def test_call_ups_never_exceed_the_contract_and_balances_equal_the_ledger(
    databases: Any, steps: list[tuple[str, int, int]]
) -> None:
    inv = databases.fresh_inventory()
    inv.agencies.add("CIV", "民政局")
    inv.classes.add("LIVING", "生活类", agency="CIV")
    inv.items.add("TENT12", "帐篷", supply_class="LIVING", unit="顶")
    inv.points.add("AG", "协议仓库", level="county", lat=26.5, lon=106.7, region_code="520102", kind="agreement")
    inv.users.add("disp", role="dispatcher", web_login=False)
    disp = inv.as_user("disp")
    incident = disp.incidents.add("洪涝", type="flood", level="II", lat=26.6, lon=106.8).id
    contracted = 60
    end = local_today() + timedelta(days=30)
    disp.contracts.add(
        "HT",
        company="厂",
        point="AG",
        items={"TENT12": contracted},
        valid_from=local_today(),
        valid_to=end,
        lead_time_hours=1,
    )
    called, open_orders = 0, []
    for action, qty, delivered in steps:
        if action == "call":
            rid = disp.requests.create(incident, lines={"TENT12": qty}, **NEAR_TS01).id
            disp.requests.submit(rid)
            disp.requests.approve(rid)
            left = sum(ln.remaining for ln in disp.contracts.show("HT").contract.lines)
            try:
                order = disp.contracts.call_up("HT", request=rid, items={"TENT12": qty})
            except InsufficientStock:
                assert qty > left
            else:
                assert qty <= left
                called += qty
                open_orders.append(order)
        elif action == "deliver" and open_orders:
            order = open_orders.pop(0)
            disp.contracts.deliver(order.id, items={"TENT12": min(delivered, order.quantity)})
        elif action == "renew":
            end += timedelta(days=qty)
            disp.contracts.renew("HT", valid_to=end)
        detail = disp.contracts.show("HT")
        versions = (*detail.history, detail.contract)
        total_called = sum(ln.called_up for v in versions for ln in v.lines)
        assert total_called == called <= contracted
        assert sum(ln.remaining for ln in detail.contract.lines) == contracted - called
        lots = [lot for lot in inv.stock.lots(with_stock_only=False) if lot.point == "AG"]
        ledger: dict[str, int] = {}
        for m in inv.stock.ledger():
            if m.point == "AG":
                ledger[m.batch] = ledger.get(m.batch, 0) + m.qty
        assert all(lot.on_hand == ledger.get(lot.batch, 0) for lot in lots)  # a lot opened empty has no lines
        assert set(ledger) <= {lot.batch for lot in lots}
        assert inv.stock.verify().ok
    inv.close()


THREADS = 8


def test_concurrent_call_ups_never_exceed_the_contracted_remainder(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    """Eight dispatchers call up 15 tents each of a 100-tent contract at the same moment: six get them."""
    sign(county_ag.as_user("disp"))
    ids = [approved([("TENT12", 15)]) for _ in range(THREADS)]
    url = county_ag.engine.url.render_as_string(hide_password=False)
    start = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def worker(i: int) -> None:
        inv = supplies.open(url, user="disp")
        try:
            start.wait()
            results[i] = inv.contracts.call_up("HT-01", request=ids[i], items={"TENT12": 15})
        except BaseException as exc:
            results[i] = exc
        finally:
            inv.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, InsufficientStock) for r in refused), refused
    assert len(refused) == 2
    line = county_ag.contracts.show("HT-01").contract.lines[0]
    assert (line.called_up, line.remaining) == (90, 10)
    lot = lot_of(county_ag, "AG-01", "HT-01")
    assert (lot.on_hand, lot.reserved) == (100, 90)
    assert county_ag.stock.verify().ok


def test_the_contracts_offered_for_a_request_hold_an_item_it_still_asks(
    county_ag: supplies.Inventory, approved: Callable[..., int]
) -> None:
    disp = county_ag.as_user("disp")
    sign(disp)  # TENT12 and QUILT
    tents = approved([("TENT12", 30)])
    by_class = approved([("LIVING", 10)])  # a class line: the contract's items belong to it
    sandbags = approved([("SANDBAG", 10)])
    assert [c.code for c in disp.contracts.for_request(tents)] == ["HT-01"]
    assert [c.code for c in disp.contracts.for_request(by_class)] == ["HT-01"]
    assert disp.contracts.for_request(sandbags) == []
    assert county_ag.as_user("viewer").contracts.for_request(tents) == []  # viewers call nothing up
    disp.contracts.call_up("HT-01", request=tents, items={"TENT12": 30})
    assert disp.contracts.for_request(tents) == []  # nothing left to ask
    assert disp.contracts.for_request(999_999) == []
