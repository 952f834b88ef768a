"""Property-based: random operation sequences, refused ones included, never break the ledger."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import supplies

POINTS = ["CK-01", "TS-01"]
ITEMS = ["TENT12", "SANDBAG"]
BATCHES = ["A", "B"]
CLASS_OF = {"TENT12": "LIVING", "SANDBAG": "FLOOD"}

key = st.tuples(st.sampled_from(POINTS), st.sampled_from(ITEMS), st.sampled_from(BATCHES))
qty = st.integers(min_value=-2, max_value=30)
ops = st.one_of(
    st.tuples(st.just("receive"), key, qty),
    st.tuples(st.just("issue"), key, qty),
    st.tuples(st.just("write_off"), key, qty),
    st.tuples(st.just("adjust"), key, qty),
    st.tuples(st.just("transfer"), key, qty, st.sampled_from(POINTS)),
    st.tuples(st.just("handover"), st.sampled_from(["LIVING", "FLOOD"]), st.sampled_from(["CIV", "WAT"])),
    st.tuples(st.just("keeper_receive"), key, qty),
)


def build(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    inv.agencies.add("WAT", "水利局")
    inv.classes.add("LIVING", "生活类", agency="CIV")
    inv.classes.add("FLOOD", "防汛类", agency="WAT")
    inv.items.add("TENT12", "帐篷", supply_class="LIVING", unit="顶")
    inv.items.add("SANDBAG", "编织袋", supply_class="FLOOD", unit="条")
    for code in POINTS:
        inv.points.add(code, code, level="county", lat=26.5, lon=106.7)
    inv.users.add("keeper", role="warehouse", points=["CK-01"], web_login=False)


def apply(inv: supplies.Inventory, model: dict[tuple[str, str, str], int], op: tuple[Any, ...]) -> None:
    """Run one operation and update the model only when the model says it must succeed."""
    name = op[0]
    if name == "handover":
        try:
            inv.classes.handover(op[1], to_agency=op[2])
        except supplies.RuleViolation:
            pass
        return
    (point, item, batch), q = op[1], op[2]
    have = model.get((point, item, batch))
    expect_ok: bool
    try:
        if name == "receive":
            expect_ok = q >= 1
            inv.stock.receive(point, item, q, batch=batch)
        elif name == "keeper_receive":
            expect_ok = q >= 1 and point == "CK-01"
            inv.as_user("keeper").stock.receive(point, item, q, batch=batch)
        elif name in ("issue", "write_off"):
            expect_ok = q >= 1 and have is not None and have >= q
            if name == "issue":
                inv.stock.issue(point, item, q, batch=batch)
            else:
                inv.stock.write_off(point, item, q, batch=batch, reason="test")
        elif name == "adjust":
            expect_ok = q >= 0 and have is not None
            inv.stock.adjust(point, item, q, batch=batch)
        else:
            dest = op[3]
            expect_ok = q >= 1 and have is not None and have >= q and dest != point
            inv.stock.transfer(point, dest, item, q, batch=batch)
    except supplies.SuppliesError:
        assert not expect_ok, f"{op} was refused though the model allows it"
        return
    assert expect_ok, f"{op} succeeded though the model refuses it"
    if name in ("receive", "keeper_receive"):
        model[(point, item, batch)] = (have or 0) + q
    elif name in ("issue", "write_off"):
        model[(point, item, batch)] = have - q  # type: ignore[operator]
    elif name == "adjust":
        model[(point, item, batch)] = q
    else:
        model[(point, item, batch)] = have - q  # type: ignore[operator]
        model[(op[3], item, batch)] = model.get((op[3], item, batch), 0) + q


def check_invariants(inv: supplies.Inventory, model: dict[tuple[str, str, str], int]) -> None:
    lots = inv.stock.lots(with_stock_only=False)
    assert {(x.point, x.item, x.batch): x.on_hand for x in lots} == model
    assert all(x.on_hand >= 0 and 0 <= x.reserved <= x.on_hand for x in lots)
    assert inv.stock.verify().ok
    with inv.engine.connect() as conn:
        wrong_owner = conn.execute(
            text(
                "SELECT count(*) FROM stock_lot l JOIN supply_class c ON c.id = l.class_id "
                "WHERE l.agency_id <> c.agency_id"
            )
        ).scalar()
    assert wrong_owner == 0
    owners = {c.code: c.agency_id for c in inv.classes.list()}
    classes = {x.item: x.supply_class for x in lots}
    agency_ids = {a.code: a.id for a in inv.agencies.list()}
    assert all(owners[classes[x.item]] == agency_ids[x.agency] for x in lots)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(ops, min_size=1, max_size=25))
def test_random_operations_keep_the_ledger_true(databases, steps) -> None:  # type: ignore[no-untyped-def]
    inv = databases.fresh_inventory()
    try:
        build(inv)
        model: dict[tuple[str, str, str], int] = {}
        for op in steps:
            apply(inv, model, op)
        check_invariants(inv, model)
    finally:
        inv.close()
