"""Dispatchers at once on scarce equipment: no unit is ever named for two requests."""

from __future__ import annotations

import supplies
from tests.dispatch.test_concurrency import run_together

NEAR_TS01 = dict(dest_lat=26.61, dest_lon=106.81)
REQUESTS = 6


def test_concurrent_allocators_never_name_a_unit_twice(pumps: supplies.Inventory) -> None:
    pumps.units.receive("TS-01", "PUMP", [f"T-{n}" for n in range(4)])
    pumps.users.add("disp", role="dispatcher", web_login=False)
    disp = pumps.as_user("disp")
    inc = disp.incidents.add(
        "洪涝", type="flood", level="II", lat=26.61, lon=106.81, population=300, region_code="520102001"
    )
    ids = []
    for _ in range(REQUESTS):
        rid = disp.requests.create(inc.id, lines=[("PUMP", 2)], **NEAR_TS01).id
        disp.requests.submit(rid)
        disp.requests.approve(rid)
        ids.append(rid)
    url = pumps.engine.url.render_as_string(hide_password=False)
    plans = run_together(url, [lambda i, rid=rid: i.requests.allocate(rid) for rid in ids])
    assert sum(p.allocated for p in plans) == 7  # 3 at CK-01 and 4 at TS-01, 12 asked
    named = [u.reserved_for for u in pumps.units.list() if u.reserved_for is not None]
    assert len(named) == 7
    # Each request holds exactly the units its plan says it allocated, and no unit twice.
    assert {p.request_id: p.allocated for p in plans} == {rid: named.count(rid) for rid in ids}
    assert pumps.stock.verify().ok
