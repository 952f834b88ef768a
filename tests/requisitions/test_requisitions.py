"""Requisition (征用), return (归还) and compensation (补偿): the ledger under them, the money, the four eyes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import supplies
from supplies.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from supplies.services.requisitions.service import days_held, printed_compensation
from tests.examples import examples

ID_NUMBER = "52010219800101123X"
CREDIT_CODE = "91350100M000100Y43"


@pytest.fixture
def county_zy(county: supplies.Inventory) -> supplies.Inventory:
    """The county with a dispatcher, a second admin and a pump (equipment)."""
    county.users.add("disp", role="dispatcher", web_login=False)
    county.users.add("boss", role="admin", web_login=False)
    county.users.add("viewer", role="viewer", web_login=False)
    county.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台")
    return county


def requisition(inv: supplies.Inventory, **kw: Any) -> Any:
    args: dict[str, Any] = dict(
        owner="李四",
        owner_id=ID_NUMBER,
        authority="惠水县人民政府",
        basis="《中华人民共和国突发事件应对法》第十二条",
        point="CK-01",
        items=[("QUILT", 100, "80.00"), ("PUMP", 2, "3000.00", "50.00")],
    )
    args.update(kw)
    return inv.as_user("disp").requisitions.add(**args)


def lot_of(inv: supplies.Inventory, batch: str, item: str) -> Any:
    return next(lot for lot in inv.stock.lots(with_stock_only=False) if (lot.batch, lot.item) == (batch, item))


def test_a_requisition_books_its_goods_in_as_a_requisition_lot_through_the_ledger(
    county_zy: supplies.Inventory,
) -> None:
    r = requisition(county_zy)
    assert (r.status, r.owner, r.owner_kind, r.point) == ("open", "李四", "person", "CK-01")
    assert r.owner_id == "5201**********123X"  # masked: the number itself is not kept
    assert [(ln.item, ln.quantity, ln.unit_value, ln.daily_rate, ln.held) for ln in r.lines] == [
        ("QUILT", 100, Decimal("80.00"), None, 100),
        ("PUMP", 2, Decimal("3000.00"), Decimal("50.00"), 2),
    ]
    assert r.value == Decimal("14000.00")
    lot = lot_of(county_zy, f"ZY-{r.id}", "QUILT")
    assert (lot.mode, lot.on_hand, lot.point) == ("requisition", 100, "CK-01")
    lines = [m for m in county_zy.stock.ledger() if m.reference == f"requisition:{r.id}"]
    assert sorted((m.kind, m.qty) for m in lines) == [("requisition_in", 2), ("requisition_in", 100)]
    assert county_zy.stock.verify().ok
    # A company's credit code is public: kept whole.
    c = requisition(
        county_zy, owner="某运输公司", owner_kind="company", owner_id=CREDIT_CODE, items=[("QUILT", 1, "1")]
    )
    assert c.owner_id == CREDIT_CODE


def test_the_id_number_is_never_stored_nor_repeated(county_zy: supplies.Inventory) -> None:
    requisition(county_zy)
    from sqlalchemy import text

    with county_zy.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM requisition"))]
    assert ID_NUMBER not in repr(rows) and "19800101" not in repr(rows)
    with pytest.raises(InvalidInput) as bad:
        requisition(county_zy, owner_id="52010219800101123")  # 17 characters
    assert bad.value.field == "owner_id" and "5201021980" not in str(bad.value)
    with pytest.raises(InvalidInput) as bad:
        requisition(county_zy, owner_kind="company", owner_id="91350100M000100Y44")
    assert bad.value.field == "owner_id"


def test_bad_requisitions_are_refused_naming_the_field(county_zy: supplies.Inventory) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(items=[]), "items"),
        (dict(items=[("QUILT", 0, "1")]), "items.0.quantity"),
        (dict(items=[("QUILT", 1, "-1")]), "items.0.unit_value"),
        (dict(items=[("QUILT", 1, "1", "-5")]), "items.0.daily_rate"),
        (dict(items=[("NOPE", 1, "1")]), "items.0.item"),
        (dict(items=[("QUILT", 1, "1"), ("QUILT", 2, "1")]), "items.1.item"),
        (dict(point="NOPE"), "point"),
        (dict(basis=""), "basis"),
        (dict(started_at=datetime.now(UTC) + timedelta(days=1)), "started_at"),
    ]
    for kw, field in cases:
        with pytest.raises((InvalidInput, RuleViolation)) as bad:
            requisition(county_zy, **kw)
        assert bad.value.field == field, (kw, bad.value)
    with pytest.raises(PermissionDenied):
        county_zy.as_user("viewer").requisitions.add(
            owner="x", authority="y", basis="z", point="CK-01", items=[("QUILT", 1, "1")]
        )
    with pytest.raises(InvalidInput) as bad:
        county_zy.stock.receive("CK-01", "QUILT", 5, mode="requisition")  # only a requisition opens one
    assert bad.value.field == "mode"
    assert county_zy.stock.verify().ok


def test_returned_in_part_and_compensated_for_the_rest(county_zy: supplies.Inventory) -> None:
    disp = county_zy.as_user("disp")
    start = datetime.now(UTC) - timedelta(days=3, hours=2)
    r = requisition(county_zy, started_at=start)
    # 30 quilts used up at the point; the rest is given back, 10 of them damaged.
    county_zy.stock.issue("CK-01", "QUILT", 30, batch=f"ZY-{r.id}", reason="发给安置点")
    disp.requisitions.record_return(r.id, {"QUILT": 55}, "good")
    disp.requisitions.record_return(r.id, {"QUILT": 10, "PUMP": 1}, "damaged", damage={"QUILT": "120.50"})
    disp.requisitions.record_return(r.id, {"QUILT": 5, "PUMP": 1}, "lost")
    with pytest.raises(RuleViolation) as too_many:
        disp.requisitions.record_return(r.id, {"QUILT": 1}, "good")
    assert too_many.value.field == "items.0.quantity"
    shown = disp.requisitions.show(r.id).requisition
    quilt = shown.lines[0]
    assert (quilt.held, quilt.returned_good, quilt.returned_damaged, quilt.lost, quilt.consumed) == (0, 55, 10, 5, 30)
    comp = disp.requisitions.assess(r.id, damage={"PUMP": "800"})
    got = {(ln.item, ln.kind): (ln.quantity, ln.days, ln.amount) for ln in comp.lines}
    assert got == {
        ("QUILT", "consumed"): (30, None, Decimal("2400.00")),
        ("QUILT", "lost"): (5, None, Decimal("400.00")),
        ("QUILT", "damage"): (10, None, Decimal("120.50")),
        ("PUMP", "lost"): (1, None, Decimal("3000.00")),
        ("PUMP", "use"): (1, 4, Decimal("200.00")),  # 3 days 2 hours: four started days
        ("PUMP", "damage"): (1, None, Decimal("800.00")),
    }
    assert comp.total == Decimal("6920.50") == sum(ln.amount for ln in comp.lines)
    assert (comp.status, comp.assessed_by) == ("assessed", "disp")
    assert disp.requisitions.show(r.id).requisition.status == "closed"
    assert "6920.50" in printed_compensation(comp)
    # The ledger: in, back to the owner, written off as lost, issued; nothing left in the lot.
    kinds: dict[str, int] = {}
    for m in county_zy.stock.ledger():
        if m.reference == f"requisition:{r.id}":
            kinds[m.kind] = kinds.get(m.kind, 0) + m.qty
    assert kinds == {"requisition_in": 102, "requisition_return": -66, "write_off": -6}
    assert county_zy.stock.verify().ok
    with pytest.raises(RuleViolation):
        disp.requisitions.record_return(r.id, {"QUILT": 1}, "good")  # closed


def test_assessment_waits_until_nothing_is_held(county_zy: supplies.Inventory) -> None:
    disp = county_zy.as_user("disp")
    r = requisition(county_zy)
    with pytest.raises(RuleViolation) as held:
        disp.requisitions.assess(r.id)
    assert held.value.field == "id" and "QUILT 100" in str(held.value)
    with pytest.raises(InvalidInput) as bad:
        disp.requisitions.record_return(r.id, {"QUILT": 1}, "good", damage={"QUILT": "5"})
    assert bad.value.field == "damage"
    with pytest.raises(InvalidInput) as bad:
        disp.requisitions.record_return(r.id, {"SANDBAG": 1}, "good")
    assert bad.value.field == "items.0.item"
    with pytest.raises(InvalidInput) as bad:
        disp.requisitions.record_return(r.id, {"QUILT": 1}, "broken")
    assert bad.value.field == "condition"


def test_compensation_moves_assessed_approved_paid_with_four_eyes(county_zy: supplies.Inventory) -> None:
    disp, boss = county_zy.as_user("disp"), county_zy.as_user("boss")
    r = requisition(county_zy, items=[("QUILT", 10, "80")])
    county_zy.stock.issue("CK-01", "QUILT", 10, batch=f"ZY-{r.id}", reason="used")
    with pytest.raises(NotFound):
        boss.requisitions.approve(r.id)  # nothing assessed yet
    county_zy.requisitions.assess(r.id)  # the admin "admin" assesses
    with pytest.raises(PermissionDenied):
        county_zy.requisitions.approve(r.id)  # not the assessor
    with pytest.raises(PermissionDenied):
        disp.requisitions.approve(r.id)  # admins approve
    with pytest.raises(RuleViolation):
        boss.requisitions.pay(r.id, reference="ZF-1")  # not approved yet
    done = boss.requisitions.approve(r.id)
    assert (done.status, done.approved_by) == ("approved", "boss") and done.approved_at is not None
    assert [c.requisition_id for c in boss.requisitions.unpaid()] == [r.id]
    with pytest.raises(InvalidInput) as bad:
        boss.requisitions.pay(r.id, reference="")
    assert bad.value.field == "reference"
    paid = county_zy.requisitions.pay(r.id, reference="财政国库支付 2026-0815")
    assert (paid.status, paid.paid_by, paid.reference, paid.total) == (
        "paid",
        "admin",
        "财政国库支付 2026-0815",
        Decimal("800.00"),
    )
    assert boss.requisitions.unpaid() == []
    with pytest.raises(RuleViolation):
        boss.requisitions.approve(r.id)


def test_requisitioned_stock_is_allocated_like_physical_stock(county_zy: supplies.Inventory) -> None:
    disp = county_zy.as_user("disp")
    r = requisition(county_zy, items=[("PUMP", 3, "3000", "50")])
    incident = disp.incidents.add("洪涝", type="flood", level="II", lat=26.6, lon=106.8).id
    rid = disp.requests.create(incident, lines={"PUMP": 2}, dest_point="TS-01").id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    plan = disp.requests.allocate(rid)
    assert plan.allocated == 2 and {r.batch for r in plan.rows} == {f"ZY-{r.id}"}
    # Reserved units are not free to give back.
    with pytest.raises(RuleViolation):
        disp.requisitions.record_return(r.id, {"PUMP": 2}, "good")
    disp.requisitions.record_return(r.id, {"PUMP": 1}, "good")
    assert county_zy.stock.verify().ok


def test_lists_reports_and_scope(county_zy: supplies.Inventory, tmp_path: Any) -> None:
    disp = county_zy.as_user("disp")
    a = requisition(county_zy, items=[("QUILT", 5, "80")])
    b = requisition(county_zy, items=[("QUILT", 5, "80")])
    disp.requisitions.record_return(b.id, {"QUILT": 5}, "good")
    disp.requisitions.assess(b.id)
    assert [x.id for x in disp.requisitions.list()] == [b.id, a.id]
    assert [x.id for x in disp.requisitions.list(open_only=True)] == [a.id]
    rep = disp.requisitions.report()
    assert [row["requisition"] for row in rep.rows] == [b.id, a.id]
    assert all(ID_NUMBER[:6] not in repr(row) and "****" not in repr(row) for row in rep.rows)
    assert rep.rows[0]["compensation"] == Decimal("0.00") and rep.rows[0]["compensation_status"] == "assessed"
    assert [row["requisition"] for row in disp.requisitions.report(open_only=True).rows] == [a.id]
    assert county_zy.as_user("keeper").requisitions.list()  # CK-01 is the keeper's point
    with pytest.raises(NotFound):
        disp.requisitions.show(9999)
    with pytest.raises(NotFound):
        disp.requisitions.show("x")  # type: ignore[arg-type]


def test_days_held_counts_each_started_day() -> None:
    t0 = datetime(2026, 7, 1, 8, tzinfo=UTC)
    assert days_held(t0, t0) == 1
    assert days_held(t0, t0 + timedelta(hours=23)) == 1
    assert days_held(t0, t0 + timedelta(hours=24)) == 1
    assert days_held(t0, t0 + timedelta(hours=25)) == 2


# -- invariants ---------------------------------------------------------------------------------------


@settings(
    max_examples=examples(15),
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a fresh database per example: shrinking would take minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["good", "damaged", "lost", "issue", "requisition"]), st.integers(1, 40)),
        min_size=1,
        max_size=10,
    )
)
@example(steps=[("issue", 30), ("good", 20), ("lost", 15), ("damaged", 40), ("requisition", 5), ("good", 1)])
def test_never_more_back_than_held_and_balances_equal_the_ledger(databases: Any, steps: list[tuple[str, int]]) -> None:
    inv = databases.fresh_inventory()
    inv.agencies.add("WAT", "水利局")
    inv.classes.add("FLOOD", "防汛类", agency="WAT")
    inv.items.add("PUMP", "泵", supply_class="FLOOD", unit="台")
    inv.points.add("CK", "库", level="county", lat=26.5, lon=106.7, region_code="520102")
    taken = 50
    reqs = [
        inv.requisitions.add(owner="甲", authority="县政府", basis="法", point="CK", items=[("PUMP", taken, "10", "1")])
    ]
    back: dict[int, int] = {reqs[0].id: 0}
    for action, qty in steps:
        r = reqs[-1]
        held = inv.requisitions.show(r.id).requisition.held
        if action == "requisition":
            reqs.append(
                inv.requisitions.add(
                    owner="乙", authority="县政府", basis="法", point="CK", items=[("PUMP", qty, "10")]
                )
            )
            back[reqs[-1].id] = 0
            continue
        try:
            if action == "issue":
                inv.stock.issue("CK", "PUMP", qty, batch=f"ZY-{r.id}", reason="用")
            else:
                inv.requisitions.record_return(r.id, {"PUMP": qty}, action)
        except RuleViolation:
            assert qty > held
        else:
            assert qty <= held
            if action != "issue":
                back[r.id] += qty
        for x in inv.requisitions.list():
            (line,) = x.lines
            assert line.returned_good + line.returned_damaged + line.lost == back[x.id] <= line.quantity
            assert line.held + back[x.id] + line.consumed == line.quantity and line.consumed >= 0
        ledger: dict[str, int] = {}
        for m in inv.stock.ledger():
            ledger[m.batch] = ledger.get(m.batch, 0) + m.qty
        lots = inv.stock.lots(with_stock_only=False)
        assert all(lot.on_hand == ledger.get(lot.batch, 0) for lot in lots)
        assert inv.stock.verify().ok
    # Whatever is still held goes back, then the compensation adds up.
    for x in inv.requisitions.list(open_only=True):
        if x.held:
            inv.requisitions.record_return(x.id, {"PUMP": x.held}, "good")
        comp = inv.as_user("admin").requisitions.assess(x.id)
        line = inv.requisitions.show(x.id).requisition.lines[0]
        value = Decimal("10.00") * (line.consumed + line.lost)
        assert sum(c.amount for c in comp.lines if c.kind in ("consumed", "lost")) == value
        assert comp.total == sum(c.amount for c in comp.lines)
    inv.close()
