"""A request for equipment names serviceable units; they go out on the request and come back after use."""

from __future__ import annotations

import supplies

NEAR_TS01 = dict(dest_lat=26.61, dest_lon=106.81)


def _request(admin: supplies.Inventory, qty: int) -> int:
    if "disp" not in {u.name for u in admin.users.list()}:
        admin.users.add("disp", role="dispatcher", web_login=False)
    inv = admin.as_user("disp")
    inc = inv.incidents.add(
        "洪涝", type="flood", level="II", lat=26.61, lon=106.81, population=300, region_code="520102001"
    )
    rid = inv.requests.create(inc.id, lines=[("PUMP", qty)], **NEAR_TS01).id
    inv.requests.submit(rid)
    inv.requests.approve(rid)
    return rid


def test_allocation_names_serviceable_units_and_the_pick_list_lists_them(pumps: supplies.Inventory) -> None:
    pumps.maintenance.record("P-1", result="defect", note="does not start")
    rid = _request(pumps, 3)
    plan = pumps.as_user("disp").requests.allocate(rid)
    assert plan.allocated == 2  # P-1 needs maintenance: not free
    [pick] = pumps.requests.pick_lists(rid)
    assert pick.lines[0].serials == ("P-2", "P-3")
    reserved = {u.serial: u.reserved_for for u in pumps.units.list()}
    assert reserved == {"P-1": None, "P-2": rid, "P-3": rid}
    assert pumps.stock.verify().ok
    pumps.as_user("disp").requests.dispatch(rid)
    out = {u.serial: (u.point, u.request_id) for u in pumps.units.list()}
    assert out == {"P-1": ("CK-01", None), "P-2": (None, rid), "P-3": (None, rid)}
    assert pumps.stock.verify().ok
    back = pumps.units.give_back("P-2", point="CK-01", hours=12.5, condition="needs_maintenance")
    assert (back.point, back.status, back.hours_used) == ("CK-01", "needs_maintenance", 12.5)
    assert pumps.stock.verify().ok


def test_cancelling_frees_the_named_units(pumps: supplies.Inventory) -> None:
    rid = _request(pumps, 2)
    pumps.as_user("disp").requests.allocate(rid)
    pumps.as_user("disp").requests.cancel(rid, reason="not needed")
    assert all(u.reserved_for is None for u in pumps.units.list())
    assert pumps.stock.verify().ok
