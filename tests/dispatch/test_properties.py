"""Property-based checks: no plan takes more than a lot has free or a line asks, and optimal never loses to earliest."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies.allocation.earliest import plan_earliest
from supplies.allocation.model import (
    PRIORITIES,
    Candidate,
    Need,
    Option,
    Problem,
    check_feasible,
    option_key,
)
from supplies.allocation.optimal import plan_best, plan_optimal
from supplies.config import local_today
from tests.examples import examples

from .helpers import ITEMS, two_agency_catalog

TODAY = local_today()  # the department's day, as allocation counts it
CODES = ["A1", "A2", "B1", "CA", "CB"]

lots_st = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(sorted(ITEMS)),
        st.integers(1, 30),
        st.sampled_from([None, -5, 10, 100]),
        st.sampled_from([0.0, 0.0, 6.0]),
    ),
    min_size=0,
    max_size=10,
)
request_st = st.tuples(
    st.floats(26.0, 26.5),
    st.floats(106.0, 106.5),
    st.integers(1, 5),
    st.sampled_from([None, 5, 50]),
    st.dictionaries(st.sampled_from(CODES), st.integers(1, 40), min_size=1, max_size=3),
)
requests_st = st.lists(request_st, min_size=1, max_size=4)


def county(databases) -> supplies.Inventory:  # type: ignore[no-untyped-def]
    inv = two_agency_catalog(databases)
    for i, (lat, lon) in enumerate([(26.05, 106.05), (26.2, 106.4), (26.45, 106.1), (26.3, 106.3)]):
        inv.points.add(f"P{i}", f"point {i}", level="township", lat=lat, lon=lon, region_code=f"52{i:04d}")
    inv.users.add("disp", role="dispatcher", web_login=False)
    return inv


def stock_up(inv: supplies.Inventory, lots: list) -> None:  # type: ignore[type-arg]
    for n, (point, item, qty, expiry, lead) in enumerate(lots):
        inv.stock.receive(
            f"P{point}",
            item,
            qty,
            batch=f"L{n}",
            lead_time_hours=lead,
            mode="agreement" if lead else "physical",
            expires_on=TODAY + timedelta(days=expiry) if expiry is not None else None,
            historical=True,
        )  # some lots have expired already


def short_vector(result, priority: dict[int, int]) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    short = dict.fromkeys(PRIORITIES, 0)
    for s in result.shortfalls:
        short[priority[s.request_id]] += s.short
    return tuple(short[p] for p in PRIORITIES)


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lots=lots_st, requests=requests_st, strategy=st.sampled_from(["earliest", "optimal"]))
def test_plans_respect_stock_and_lines(databases, lots, requests, strategy) -> None:  # type: ignore[no-untyped-def]
    inv = county(databases)
    try:
        stock_up(inv, lots)
        disp = inv.as_user("disp")
        incident = disp.incidents.add("storm", type="flood", level="III", lat=26.2, lon=106.2).id
        priority = {}
        for lat, lon, prio, needed, lines in requests:
            needed_by = datetime.combine(TODAY + timedelta(days=needed), datetime.min.time(), UTC) if needed else None
            rid = disp.requests.create(
                incident, lines=lines, dest_lat=lat, dest_lon=lon, priority=prio, needed_by=needed_by
            ).id
            disp.requests.submit(rid)
            disp.requests.approve(rid)
            priority[rid] = prio
        before = {lot.lot_id: lot for lot in inv.stock.lots()}

        earliest = disp.requests.plan(strategy="earliest", dry_run=True)
        optimal = disp.requests.plan(strategy="optimal", dry_run=True)
        e_score = (short_vector(earliest, priority), earliest.total_weighted_eta)
        o_score = (short_vector(optimal, priority), optimal.total_weighted_eta)
        assert o_score[0] < e_score[0] or (o_score[0] == e_score[0] and o_score[1] <= e_score[1] + 1e-6)

        result = disp.requests.plan(strategy=strategy)
        per_lot: dict[int, int] = defaultdict(int)
        for plan in result.plans:
            detail = disp.requests.show(plan.request_id)
            lines = {ln.id: ln for ln in detail.lines}
            per_line: dict[int, int] = defaultdict(int)
            for row in plan.rows:
                per_lot[row.lot_id] += row.quantity
                per_line[row.line_id] += row.quantity
                line, lot = lines[row.line_id], before[row.lot_id]
                # The right item, and the row's agency is the one responsible for the item's class.
                assert row.item == line.code or ITEMS[row.item] == line.code or line.code == "CA"
                assert row.agency == ("G2" if ITEMS[row.item] == "CB" else "G1") == lot.agency
                assert lot.expires is None or lot.expires >= TODAY
            for line in detail.lines:
                assert per_line[line.id] == line.allocated <= line.quantity
            assert detail.status == ("allocated" if plan.rows else "approved")
        for lot_id, q in per_lot.items():
            assert q <= before[lot_id].free
        after = {lot.lot_id: lot for lot in inv.stock.lots()}
        assert all(lot.reserved == per_lot.get(lot.lot_id, 0) <= lot.on_hand for lot in after.values())
        assert inv.stock.verify().ok
    finally:
        inv.close()


# -- the strategies alone, on many more random problems (no database) -------------------------------


@st.composite
def problems(draw) -> Problem:  # type: ignore[no-untyped-def]
    n_lots = draw(st.integers(0, 8))
    lots = {}
    for i in range(1, n_lots + 1):
        item = draw(st.integers(1, 3))
        lots[i] = Candidate(
            i,
            item,
            1 if item < 3 else 2,
            draw(st.integers(1, 4)),
            1,
            draw(st.integers(1, 20)),
            draw(st.sampled_from([None, date(2030, 1, 1), date(2031, 1, 1)])),
            0.0,
            0.0,
            0.0,
        )
    needs, options = [], {}
    for line_id in range(1, draw(st.integers(1, 6)) + 1):
        prio = draw(st.integers(1, 5))
        by_class = draw(st.booleans())
        need = Need(
            line_id,
            line_id,
            prio,
            draw(st.integers(1, 30)),
            "X",
            item_ids=frozenset() if by_class else frozenset(draw(st.sets(st.integers(1, 3), min_size=1))),
            class_ids=frozenset(draw(st.sets(st.integers(1, 2), min_size=1))) if by_class else frozenset(),
            usable_until=draw(st.sampled_from([date.min, date(2030, 6, 1)])),
            rank=(prio, line_id),
        )
        needs.append(need)
        opts = [
            Option(line_id, c.lot_id, draw(st.floats(0.5, 30, allow_nan=False)))
            for c in lots.values()
            if c.serves(need)
        ]
        options[line_id] = sorted(opts, key=lambda o: option_key(o, lots[o.lot_id]))
    return Problem(needs, lots, options)


@settings(max_examples=examples(300), deadline=None)
@given(problems())
def test_lp_plan_is_feasible_and_never_worse_than_earliest(problem: Problem) -> None:
    earliest = plan_earliest(problem)
    optimal = plan_optimal(problem)  # the LP alone, without the guard that falls back to earliest
    check_feasible(problem, earliest)
    check_feasible(problem, optimal)
    e_short, e_time = earliest.score(problem)
    o_short, o_time = optimal.score(problem)
    assert o_short <= e_short
    if o_short == e_short:
        assert o_time <= e_time + 1e-6 * max(1.0, e_time)
    # Cutting each line's options to the useful ones never changes the optimum.
    full_short, full_time = plan_optimal(problem, prune=False).score(problem)
    assert full_short == o_short and abs(full_time - o_time) <= 1e-6 * max(1.0, full_time)
    best = plan_best(problem)
    check_feasible(problem, best)
    assert best.score(problem) <= earliest.score(problem)
