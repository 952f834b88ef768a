"""Many dispatchers at once on scarce stock: no unit is ever reserved twice, and the ledger still verifies."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

import supplies

from .helpers import NEAR_TS01

THREADS = 10


def run_together(url: str, jobs: list[Callable[[supplies.Inventory], Any]]) -> list[Any]:
    """Run each job in its own thread with its own connection pool, all released at the same moment."""
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int) -> None:
        inv = supplies.open(url, user="disp")
        try:
            start.wait()
            results[i] = jobs[i](inv)
        except BaseException as exc:  # reported below, with the others
            results[i] = exc
        finally:
            inv.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results


def check_books(inv: supplies.Inventory) -> dict[str, int]:
    """Reserved never exceeds on hand, equals the live allocation rows, and the ledger verifies."""
    reserved_rows: dict[int, int] = defaultdict(int)
    for req in inv.requests.list():
        for row in inv.requests.show(req.id).allocations:
            if row.status == "reserved":
                reserved_rows[row.lot_id] += row.quantity
    totals: dict[str, int] = defaultdict(int)
    for lot in inv.stock.lots(with_stock_only=False):
        assert 0 <= lot.reserved <= lot.on_hand
        assert lot.reserved == reserved_rows.get(lot.lot_id, 0), lot
        totals[lot.item] += lot.reserved
    report = inv.stock.verify()
    assert report.ok, report.differences
    return totals


@pytest.fixture
def scarce(staff: supplies.Inventory, incident: int) -> tuple[supplies.Inventory, list[int]]:
    """30 tents and 12 quilts in three lots each, and ten approved requests for 8 tents and 3 quilts each."""
    for point, tents, quilts in (("CK-01", 15, 6), ("TS-01", 10, 4), ("TS-02", 5, 2)):
        staff.stock.receive(point, "TENT12", tents, batch=f"T-{point}")
        staff.stock.receive(point, "QUILT", quilts, batch=f"Q-{point}")
    disp = staff.as_user("disp")
    ids = []
    for n in range(THREADS):
        rid = disp.requests.create(incident, lines=[("TENT12", 8), ("LIVING", 3)], priority=1 + n % 5, **NEAR_TS01).id
        disp.requests.submit(rid)
        disp.requests.approve(rid)
        ids.append(rid)
    return staff, ids


def test_concurrent_allocators_never_reserve_a_unit_twice(scarce: tuple[supplies.Inventory, list[int]]) -> None:
    inv, ids = scarce
    url = inv.engine.url.render_as_string(hide_password=False)
    jobs = [lambda i, rid=rid: i.requests.allocate(rid, strategy="optimal" if rid % 2 else "earliest") for rid in ids]
    plans = run_together(url, jobs)
    # Demand (80 tents + 30 more living supplies) exceeds stock, so everything ends up reserved,
    # and what each plan says it reserved is exactly what the lots say.
    assert sum(p.allocated for p in plans) == 42
    assert check_books(inv) == {"TENT12": 30, "QUILT": 12}
    assert sum(s.short for p in plans for s in p.shortfalls) == THREADS * 11 - 42

    # Now cancellations, re-allocations, dispatches and a global plan race each other.
    def job(rid: int) -> Callable[[supplies.Inventory], Any]:
        kind = rid % 4
        if kind == 0:
            return lambda i: i.requests.cancel(rid, reason="race")
        if kind == 1:
            return lambda i: i.requests.reallocate(rid, strategy="optimal")
        if kind == 2:
            return lambda i: i.requests.reallocate(rid)

        def dispatch_if_allocated(i: supplies.Inventory) -> object:
            if i.requests.show(rid).status == "allocated":
                return i.requests.dispatch(rid)
            return i.requests.plan()

        return dispatch_if_allocated

    run_together(url, [job(rid) for rid in ids] + [lambda i: i.requests.plan(strategy="earliest")])
    check_books(inv)
    lots = inv.stock.lots(with_stock_only=False)
    dispatched = sum(ln.dispatched for r in inv.requests.list() for ln in inv.requests.show(r.id).lines)
    assert sum(lot.on_hand for lot in lots) == 42 - dispatched
