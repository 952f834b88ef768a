"""The allocation engine as plain functions of a problem built in memory: no database, one behaviour per test."""

from __future__ import annotations

from datetime import date

import pytest

from supplies.allocation.earliest import plan_earliest
from supplies.allocation.model import (
    Candidate,
    Need,
    Option,
    Problem,
    check_feasible,
    option_key,
)
from supplies.allocation.optimal import plan_best, plan_optimal

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

TENT = 1  # item id
LIVING = 10  # class id


def lot(
    lot_id: int,
    *,
    free: int,
    point: int | None = None,
    item: int = TENT,
    expires: date | None = None,
    lead: float = 0.0,
) -> Candidate:
    return Candidate(lot_id, item, LIVING, point if point is not None else lot_id, 100, free, expires, lead, 0.0, 0.0)


def need(
    line_id: int,
    quantity: int,
    *,
    priority: int = 3,
    request: int | None = None,
    item: int = TENT,
    usable_until: date = date.min,
) -> Need:
    return Need(
        line_id,
        request if request is not None else line_id,
        priority,
        quantity,
        f"L{line_id}",
        item_ids=frozenset({item}),
        usable_until=usable_until,
        rank=(priority, line_id),
    )


def problem(needs: list[Need], lots: list[Candidate], eta: dict[int, float]) -> Problem:
    """Every lot serving a line is one option, arriving after ``eta[lot_id]`` hours, earliest first."""
    by_id = {c.lot_id: c for c in lots}
    options = {}
    for n in needs:
        usable = [Option(n.line_id, c.lot_id, eta[c.lot_id]) for c in lots if c.serves(n)]
        options[n.line_id] = sorted(usable, key=lambda o: option_key(o, by_id[o.lot_id]))
    return Problem(needs, by_id, options)


def taken(solution) -> dict[tuple[int, int], int]:  # type: ignore[no-untyped-def]
    return {(t.line_id, t.lot_id): t.quantity for t in solution.takes}


def test_takes_the_earliest_arriving_stock_first() -> None:
    p = problem([need(1, 10)], [lot(1, free=50), lot(2, free=50)], {1: 6.0, 2: 2.0})
    assert taken(plan_earliest(p)) == {(1, 2): 10}


def test_among_equal_arrivals_the_earliest_expiry_goes_first() -> None:
    p = problem(
        [need(1, 10)],
        [
            lot(1, free=50, point=7, expires=date(2031, 1, 1)),
            lot(2, free=50, point=7, expires=date(2030, 1, 1)),
            lot(3, free=50, point=7),
        ],
        {1: 2.0, 2: 2.0, 3: 2.0},
    )
    assert taken(plan_earliest(p)) == {(1, 2): 10}


def test_stock_that_expires_before_it_is_needed_is_never_taken() -> None:
    p = problem(
        [need(1, 10, usable_until=date(2030, 6, 1))],
        [lot(1, free=50, expires=date(2030, 5, 31)), lot(2, free=50, expires=date(2030, 6, 1))],
        {1: 1.0, 2: 9.0},
    )
    assert taken(plan_earliest(p)) == {(1, 2): 10}


def test_one_point_serves_the_whole_line_rather_than_a_split_that_is_no_sooner_complete() -> None:
    # Point A (lot 1) holds 6 and arrives first; point B holds all 10 and arrives a few minutes later.
    p = problem(
        [need(1, 10)],
        [lot(1, free=6, point=1), lot(2, free=4, point=2), lot(3, free=10, point=3)],
        {1: 1.0, 2: 2.0, 3: 2.1},
    )
    assert taken(plan_earliest(p)) == {(1, 3): 10}


def test_splits_when_no_single_point_can_deliver_in_time() -> None:
    p = problem(
        [need(1, 10)],
        [lot(1, free=6, point=1), lot(2, free=4, point=2), lot(3, free=10, point=3)],
        {1: 1.0, 2: 2.0, 3: 9.0},
    )
    assert taken(plan_earliest(p)) == {(1, 1): 6, (1, 2): 4}


def test_a_shortfall_takes_everything_there_is() -> None:
    solution = plan_earliest(problem([need(1, 30)], [lot(1, free=8), lot(2, free=5)], {1: 1.0, 2: 2.0}))
    assert sum(t.quantity for t in solution.takes) == 13


def test_the_more_urgent_line_is_served_first_from_scarce_stock() -> None:
    p = problem([need(1, 10, priority=3), need(2, 10, priority=1)], [lot(1, free=10)], {1: 1.0})
    assert taken(plan_earliest(p)) == {(2, 1): 10}


def test_agreement_stock_counts_its_lead_time() -> None:
    # The agreement warehouse is closer but needs 12 hours' notice: the depot 5 hours away wins.
    p = problem([need(1, 5)], [lot(1, free=100, lead=12.0), lot(2, free=100)], {1: 1.0 + 12.0, 2: 5.0})
    assert taken(plan_earliest(p)) == {(1, 2): 5}


def test_optimal_planning_never_does_worse_than_earliest_first() -> None:
    # Earliest-first gives line 1 the near lot; line 2 (more urgent, planned later in rank) then
    # waits for the far one. The optimal plan swaps them.
    needs = [
        Need(1, 1, 5, 10, "L1", frozenset({TENT}), rank=(0, 1)),
        Need(2, 2, 1, 10, "L2", frozenset({TENT}), rank=(1, 2)),
    ]
    lots = [lot(1, free=10), lot(2, free=10)]
    p = Problem(
        needs,
        {c.lot_id: c for c in lots},
        {1: [Option(1, 1, 1.0), Option(1, 2, 2.0)], 2: [Option(2, 1, 1.0), Option(2, 2, 20.0)]},
    )
    greedy, best = plan_earliest(p), plan_best(p)
    check_feasible(p, best)
    assert best.score(p) <= greedy.score(p)
    assert taken(plan_optimal(p)) == {(1, 2): 10, (2, 1): 10}


def test_plans_never_take_more_than_a_lot_has_or_a_line_asks() -> None:
    p = problem(
        [need(1, 7), need(2, 9), need(3, 4)], [lot(1, free=5), lot(2, free=6), lot(3, free=3)], {1: 1.0, 2: 2.0, 3: 3.0}
    )
    for plan in (plan_earliest(p), plan_optimal(p), plan_best(p)):
        check_feasible(p, plan)
        assert sum(t.quantity for t in plan.takes) == 14
