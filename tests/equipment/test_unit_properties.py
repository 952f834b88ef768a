"""Any sequence of receipts, condition changes, services and allocations keeps units and lots in agreement."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies.errors import SuppliesError

STATUSES = ("serviceable", "needs_maintenance", "under_repair", "out_of_service")
SERIALS = [f"S{n}" for n in range(6)]

ops = st.one_of(
    st.tuples(st.just("receive"), st.sampled_from(("CK-01", "TS-01")), st.sampled_from(SERIALS)),
    st.tuples(st.just("status"), st.sampled_from(SERIALS), st.sampled_from(STATUSES)),
    st.tuples(st.just("service"), st.sampled_from(SERIALS), st.sampled_from(("ok", "defect"))),
    st.tuples(st.just("allocate"), st.integers(1, 3)),
    st.tuples(st.just("cancel")),
)


def _build(inv: supplies.Inventory) -> int:
    inv.agencies.add("WAT", "水利局")
    inv.classes.add("FLOOD", "防汛抗旱物资", agency="WAT")
    inv.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)
    inv.points.add("CK-01", "县库", level="county", lat=26.58, lon=106.71)
    inv.points.add("TS-01", "镇点", level="township", lat=26.60, lon=106.80)
    inv.users.add("disp", role="dispatcher", web_login=False)
    disp = inv.as_user("disp")
    return disp.incidents.add("洪涝", type="flood", level="II", lat=26.61, lon=106.81, population=100).id


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(ops, min_size=1, max_size=10))
def test_units_and_lots_always_agree(databases, steps) -> None:  # type: ignore[no-untyped-def]
    inv = databases.fresh_inventory()
    try:
        incident = _build(inv)
        disp = inv.as_user("disp")
        open_requests: list[int] = []
        for op in steps:
            try:
                if op[0] == "receive":
                    inv.units.receive(op[1], "PUMP", [op[2]])
                elif op[0] == "status":
                    inv.units.set_status(op[1], op[2])
                elif op[0] == "service":
                    inv.maintenance.record(op[1], result=op[2], note="x")
                elif op[0] == "allocate":
                    rid = disp.requests.create(incident, lines=[("PUMP", op[1])], dest_lat=26.6, dest_lon=106.8).id
                    disp.requests.submit(rid)
                    disp.requests.approve(rid)
                    disp.requests.allocate(rid)
                    open_requests.append(rid)
                elif open_requests:
                    disp.requests.cancel(open_requests.pop(), reason="test")
            except SuppliesError:
                pass  # refused (unknown serial, reserved unit ...): nothing may have changed
        assert inv.stock.verify().ok
        units = inv.units.list()
        serviceable = Counter(u.point for u in units if u.status == "serviceable")
        lots = {(x.point, x.batch): x for x in inv.stock.lots(item="PUMP", with_stock_only=False)}
        for point in ("CK-01", "TS-01"):
            held = lots.get((point, "UNITS"))
            assert (held.on_hand if held else 0) == serviceable[point]
            reserved = sum(1 for u in units if u.point == point and u.reserved_for is not None)
            assert (held.reserved if held else 0) == reserved
    finally:
        inv.close()
