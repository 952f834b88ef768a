"""The default strategy: serve lines in order, each from the earliest-arriving lots, FEFO on ties, without needless splits."""

from __future__ import annotations

import math
from collections import defaultdict

from .model import Option, Problem, Solution, Take

# A line is served from a single storage point instead of several when that point can send the
# whole quantity no later than the split delivery would be complete (plus this much slack):
# one truck instead of several, and the line is not complete any later.
SPLIT_TOLERANCE_HOURS = 0.25


def plan_earliest(
    problem: Problem, *, free: dict[int, int] | None = None, split_tolerance_hours: float = SPLIT_TOLERANCE_HOURS
) -> Solution:
    """Serve every line in rank order (priority, needed-by, request, item lines before class lines),
    each from its earliest-arriving options, sharing the lots' free stock between lines."""
    left = dict(free) if free is not None else {lot_id: c.free for lot_id, c in problem.lots.items()}
    solution = Solution("earliest", [])
    for need in sorted(problem.needs, key=lambda n: n.rank):
        takes, horizon = serve_line(
            problem.options.get(need.line_id, []), need.quantity, left, problem, split_tolerance_hours
        )
        solution.takes += takes
        solution.horizon[need.line_id] = horizon
    return solution


def serve_line(
    options: list[Option],
    quantity: int,
    left: dict[int, int],
    problem: Problem,
    tolerance: float = SPLIT_TOLERANCE_HOURS,
) -> tuple[list[Take], float]:
    """Take up to ``quantity`` from ``options`` (already in earliest-first order), updating ``left``.

    Also returns the latest arrival the choice depended on: the last option taken, or the
    single-point search's limit, or infinity when the options ran out before the quantity.
    """
    usable = [o for o in options if left.get(o.lot_id, 0) > 0]
    greedy = _fill(usable, quantity, left)
    if sum(t.quantity for t in greedy) < quantity:
        horizon = math.inf  # a later option, had there been one, would have been taken too
    else:
        horizon = max((t.eta_hours for t in greedy), default=0.0)
    if len({problem.lots[t.lot_id].point_id for t in greedy}) > 1:
        done_by = max(t.eta_hours for t in greedy) + tolerance
        horizon = max(horizon, done_by)  # the search looks at every option arriving by then
        single = _single_point(usable, quantity, left, problem, done_by)
        if single is not None:
            greedy = _fill(single, quantity, left)
    for t in greedy:
        left[t.lot_id] -= t.quantity
    return greedy, horizon


def _fill(options: list[Option], quantity: int, left: dict[int, int]) -> list[Take]:
    takes, want = [], quantity
    for o in options:
        if want == 0:
            break
        q = min(want, left[o.lot_id])
        if q > 0:
            takes.append(Take(o.line_id, o.lot_id, q, o.eta_hours))
            want -= q
    return takes


def _single_point(
    options: list[Option], quantity: int, left: dict[int, int], problem: Problem, done_by: float
) -> list[Option] | None:
    """The options of the first point (in arrival order) that alone covers ``quantity`` by ``done_by``."""
    at_point: dict[int, list[Option]] = defaultdict(list)
    total: dict[int, int] = defaultdict(int)
    for o in options:
        if o.eta_hours > done_by:
            break
        point = problem.lots[o.lot_id].point_id
        at_point[point].append(o)
        total[point] += left[o.lot_id]
        if total[point] >= quantity:
            return at_point[point]
    return None
