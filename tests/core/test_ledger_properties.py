"""Property-based: random operation sequences, refused ones included, never break the ledger."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import supplies
from tests.examples import examples

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
    # A donation (社会捐赠): usable goods go into a donation lot, unusable ones are only recorded.
    st.tuples(st.just("donate"), key, qty, st.sampled_from(["urgent", "later", "unusable"])),
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
    inv.donors.add("D", "捐赠人")


def apply(
    inv: supplies.Inventory,
    model: dict[tuple[str, str, str], int],
    op: tuple[Any, ...],
    modes: dict[tuple[str, str, str], str] | None = None,
) -> None:
    """Run one operation and update the model only when the model says it must succeed.

    ``modes`` holds each lot's reserve mode: stock of one mode is never received into, nor moved
    into, a lot of another.
    """
    modes = {} if modes is None else modes
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
            expect_ok = q >= 1 and modes.get((point, item, batch), "physical") == "physical"
            inv.stock.receive(point, item, q, batch=batch)
        elif name == "keeper_receive":
            expect_ok = q >= 1 and point == "CK-01" and modes.get((point, item, batch), "physical") == "physical"
            inv.as_user("keeper").stock.receive(point, item, q, batch=batch)
        elif name == "donate":
            usable = op[3] != "unusable"
            expect_ok = q >= 1 and (not usable or modes.get((point, item, batch), "donation") == "donation")
            inv.donations.receive("D", point, item, q, batch=batch, triage=op[3], reason="坏" if not usable else None)
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
            expect_ok = expect_ok and modes.get((dest, item, batch), modes.get((point, item, batch))) == modes.get(
                (point, item, batch)
            )
            inv.stock.transfer(point, dest, item, q, batch=batch)
    except supplies.SuppliesError:
        assert not expect_ok, f"{op} was refused though the model allows it"
        return
    assert expect_ok, f"{op} succeeded though the model refuses it"
    if name == "donate":
        if op[3] != "unusable":
            model[(point, item, batch)] = (have or 0) + q
            modes[(point, item, batch)] = "donation"
    elif name in ("receive", "keeper_receive"):
        model[(point, item, batch)] = (have or 0) + q
        modes[(point, item, batch)] = "physical"
    elif name in ("issue", "write_off"):
        model[(point, item, batch)] = have - q  # type: ignore[operator]
    elif name == "adjust":
        model[(point, item, batch)] = q
    else:
        model[(point, item, batch)] = have - q  # type: ignore[operator]
        model[(op[3], item, batch)] = model.get((op[3], item, batch), 0) + q
        modes[(op[3], item, batch)] = modes[(point, item, batch)]


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
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(ops, min_size=1, max_size=25))
def test_random_operations_keep_the_ledger_true(databases, steps) -> None:  # type: ignore[no-untyped-def]
    inv = databases.fresh_inventory()
    try:
        build(inv)
        model: dict[tuple[str, str, str], int] = {}
        modes: dict[tuple[str, str, str], str] = {}
        for op in steps:
            apply(inv, model, op, modes)
        check_invariants(inv, model)
    finally:
        inv.close()
