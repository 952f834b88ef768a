"""Fuzzing the library's public calls: every call either works or raises a SuppliesError, and a refusal writes nothing.

After every example the books prove themselves (``verify``). The number of examples is kept
small for ``make test``; ``HYPOTHESIS_PROFILE=deep`` runs many more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies import SuppliesError

from .strategies import huge_ints, moments, nasty, nasty_text, sometimes, soon

POINTS = st.sampled_from(["CK-01", "TS-01", "TS-02", "ck-01"])
ITEMS = st.sampled_from(["TENT12", "QUILT", "SANDBAG"])
QTY = st.integers(min_value=1, max_value=50)
BATCH = st.sampled_from(["B1", "B2", "", None])
MODES = st.sampled_from(["physical", "donation", "agreement"])


def state(inv: supplies.Inventory) -> tuple[Any, ...]:
    """What a refused call must leave unchanged: every lot, the ledger, the catalog, places and people."""
    lots = sorted(
        (x.point, x.item, x.batch, x.mode, x.expires, x.on_hand, x.reserved)
        for x in inv.stock.lots(with_stock_only=False)
    )
    return (
        lots,
        len(inv.stock.ledger()),
        [(i.code, i.name, i.class_id, i.shelf_life_days) for i in inv.items.list()],
        [(c.code, c.name, c.name_en, c.parent_id) for c in inv.classes.list()],
        [(p.code, p.name, p.region_code, p.status) for p in inv.points.list()],
        [(t.item, t.point, t.region_code, t.quantity) for t in inv.targets.list()],
        [(u.name, u.role) for u in inv.users.list()],
        len(inv.incidents.list()),
        len(inv.requests.list()),
    )


OPERATIONS: dict[str, Callable[[st.DataObject], Callable[[supplies.Inventory], Any]]] = {
    "receive": lambda d: (
        lambda inv: inv.stock.receive(
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(QTY, huge_ints)),
            batch=d.draw(sometimes(BATCH)),
            expires_on=d.draw(sometimes(st.none() | soon())),
            mode=d.draw(sometimes(MODES)),
            lead_time_hours=d.draw(sometimes(st.just(0.0))),
            unit_cost=d.draw(sometimes(st.none() | st.decimals(0, 1000, places=2))),
            reason=d.draw(sometimes(st.none() | st.just("purchase"), nasty_text)),
        )
    ),
    "issue": lambda d: (
        lambda inv: inv.stock.issue(
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(QTY, huge_ints)),
            batch=d.draw(sometimes(BATCH)),
        )
    ),
    "transfer": lambda d: (
        lambda inv: inv.stock.transfer(
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(QTY, huge_ints)),
            batch=d.draw(sometimes(BATCH)),
            to_batch=d.draw(sometimes(BATCH)),
        )
    ),
    "count": lambda d: (
        lambda inv: inv.stock.adjust(
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(QTY, huge_ints)),
            batch=d.draw(sometimes(BATCH)),
        )
    ),
    "rotate": lambda d: (
        lambda inv: inv.stock.rotate(
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(QTY, huge_ints)),
            batch=d.draw(sometimes(BATCH)),
            new_batch=d.draw(sometimes(BATCH)),
            new_expires_on=d.draw(sometimes(st.none() | soon())),
        )
    ),
    "write_off": lambda d: (
        lambda inv: inv.stock.write_off(
            d.draw(sometimes(POINTS)),
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(QTY, huge_ints)),
            reason=d.draw(sometimes(st.just("mould"))),
            batch=d.draw(sometimes(BATCH)),
        )
    ),
    "add_item": lambda d: (
        lambda inv: inv.items.add(
            d.draw(sometimes(st.sampled_from(["N1", "N2", "quilt"]))),
            d.draw(sometimes(st.just("新物资"))),
            supply_class=d.draw(sometimes(st.sampled_from(["LIVING", "FLOOD"]))),
            unit=d.draw(sometimes(st.just("个"))),
            shelf_life_days=d.draw(sometimes(st.none() | st.integers(0, 3650), huge_ints)),
            unit_weight_kg=d.draw(sometimes(st.none() | st.floats(0, 100), st.floats())),
        )
    ),
    "update_class": lambda d: (
        lambda inv: inv.classes.update(
            d.draw(sometimes(st.sampled_from(["LIVING", "FLOOD"]))),
            name=d.draw(sometimes(st.none(), nasty_text)),
            name_en=d.draw(sometimes(st.none(), nasty_text)),
            parent=d.draw(sometimes(st.none(), nasty_text)),
        )
    ),
    "add_point": lambda d: (
        lambda inv: inv.points.add(
            d.draw(sometimes(st.sampled_from(["P1", "P2", "ck-01"]))),
            d.draw(sometimes(st.just("新点"))),
            level=d.draw(sometimes(st.sampled_from(["township", "village"]))),
            lat=d.draw(sometimes(st.floats(-90, 90), st.floats())),
            lon=d.draw(sometimes(st.floats(-180, 180))),
            region_code=d.draw(sometimes(st.sampled_from([None, "520102003"]))),
            capacity_m3=d.draw(sometimes(st.none(), st.floats())),
        )
    ),
    "target": lambda d: (
        lambda inv: inv.targets.set(
            d.draw(sometimes(ITEMS)),
            d.draw(sometimes(st.integers(0, 1000), huge_ints)),
            point=d.draw(sometimes(st.none() | POINTS)),
            region_code=d.draw(sometimes(st.none() | st.just("520102"))),
        )
    ),
    "incident": lambda d: (
        lambda inv: inv.incidents.add(
            d.draw(sometimes(st.just("洪水"))),
            type=d.draw(sometimes(st.just("flood"))),
            level=d.draw(sometimes(st.just("IV"))),
            lat=d.draw(sometimes(st.just(26.5))),
            lon=d.draw(sometimes(st.just(106.7))),
            population=d.draw(sometimes(st.integers(0, 10**6), huge_ints)),
            started_at=d.draw(sometimes(st.none() | moments())),
        )
    ),
    "request": lambda d: (
        lambda inv: inv.requests.create(
            d.draw(sometimes(st.just(1), huge_ints)),
            lines=d.draw(
                sometimes(
                    st.dictionaries(ITEMS, st.integers(1, 100), min_size=1, max_size=2),
                    st.dictionaries(nasty_text, huge_ints, max_size=2) | nasty,
                )
            ),
            dest_point=d.draw(sometimes(POINTS)),
            needed_by=d.draw(sometimes(st.none() | moments())),
            priority=d.draw(sometimes(st.integers(1, 5), huge_ints)),
        )
    ),
    "readiness": lambda d: (
        lambda inv: inv.readiness.check(
            d.draw(sometimes(st.just(26.5), st.floats())),
            d.draw(sometimes(st.just(106.7), st.floats())),
            population=d.draw(sometimes(st.integers(0, 10**5), huge_ints)),
            hours=d.draw(sometimes(st.just(12.0))),
            days=d.draw(sometimes(st.just(1.0))),
        )
    ),
    "report": lambda d: (
        lambda inv: inv.reports.ledger(
            since=d.draw(sometimes(st.none())),
            until=d.draw(sometimes(st.none())),
            region_code=d.draw(sometimes(st.none() | st.just("5201"))),
        )
    ),
    "lots": lambda d: (
        lambda inv: inv.stock.lots(
            point=d.draw(sometimes(st.none() | POINTS)),
            expiring_within_days=d.draw(sometimes(st.none(), huge_ints)),
            limit=d.draw(sometimes(st.none(), huge_ints)),
        )
    ),
    "ledger": lambda d: (
        lambda inv: inv.stock.ledger(
            lot_id=d.draw(sometimes(st.none(), huge_ints)),
            since=d.draw(sometimes(st.none())),
            until=d.draw(sometimes(st.none())),
        )
    ),
}


@pytest.fixture
def stocked(county: supplies.Inventory) -> supplies.Inventory:
    county.stock.receive("CK-01", "TENT12", 40, batch="B1")
    county.stock.receive("TS-01", "QUILT", 30, batch="B2")
    county.incidents.add("洪水", type="flood", level="IV", lat=26.5, lon=106.7)
    county.users.add("disp", role="dispatcher", web_login=False)
    return county


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_call_works_or_says_why_and_a_refusal_writes_nothing(
    stocked: supplies.Inventory, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(OPERATIONS)), label="operation")
    call = OPERATIONS[name](data)
    before = state(stocked)
    try:
        call(stocked)
    except SuppliesError as err:
        assert err.exit_code in (2, 3), err
        assert str(err) and len(str(err)) < 2000, "an error message a person can read"
        assert state(stocked) == before, f"{name} was refused ({err}) but changed something"
    assert stocked.stock.verify().ok
