"""The optimal strategy: all lines together as a transportation problem solved with SciPy's HiGHS.

Served quantities come first, priority by priority: the most urgent lines get every unit the stock
allows, then the next priority gets what is left, and so on. Among the plans that serve that
much, the one with the least priority-weighted arrival time (sum of weight × hours × units) is
chosen. The constraint matrix (lots × lines, with nested priority groups) is totally unimodular,
so the LP's vertex solutions are whole numbers; the result is rounded, clipped to the stock, and
compared with the earliest-first plan, and the better of the two is returned.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array, vstack

from .earliest import plan_earliest
from .model import PRIORITIES, Option, Problem, Solution, Take


def useful_options(problem: Problem) -> dict[int, list[Option]]:
    """Each line's options, cut after the earliest ones whose free stock covers the whole demand of
    the lines it competes with (those linked to it through shared lots).

    The cut loses nothing: a plan that used a later option could move that unit to an earlier
    option with spare stock (one exists, as the earlier ones hold more than all competing lines
    take) without arriving later, so an optimal plan exists within the cut. It keeps the LP
    small at province scale, where a line may have hundreds of candidate lots.
    """
    parent: dict[int, int] = {n.line_id: n.line_id for n in problem.needs}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_line_of_lot: dict[int, int] = {}
    for line_id, opts in problem.options.items():
        for o in opts:
            other = first_line_of_lot.setdefault(o.lot_id, line_id)
            parent[root(line_id)] = root(other)
    demand: dict[int, int] = {}
    for n in problem.needs:
        demand[root(n.line_id)] = demand.get(root(n.line_id), 0) + n.quantity
    out = {}
    for n in problem.needs:
        opts = sorted(problem.options.get(n.line_id, []), key=lambda o: o.eta_hours)
        want, covered, keep = demand[root(n.line_id)], 0, len(opts)
        for k, o in enumerate(opts):
            covered += problem.lots[o.lot_id].free
            if covered >= want:
                keep = k + 1
                break
        while keep < len(opts) and opts[keep].eta_hours <= opts[keep - 1].eta_hours:
            keep += 1
        out[n.line_id] = opts[:keep]
    return out


class _LP:
    """The variables (one per line × lot option) and the constraint rows shared by every solve."""

    def __init__(self, problem: Problem, *, prune: bool = True) -> None:
        useful = useful_options(problem) if prune else problem.options
        self.options = [o for n in problem.needs for o in useful.get(n.line_id, [])]
        n_var = len(self.options)
        need_index = {n.line_id: i for i, n in enumerate(problem.needs)}
        lot_ids = sorted({o.lot_id for o in self.options})
        lot_index = {lot_id: i for i, lot_id in enumerate(lot_ids)}
        cols = np.arange(n_var)
        line_of = np.fromiter((need_index[o.line_id] for o in self.options), np.int64, n_var)
        lot_of = np.fromiter((lot_index[o.lot_id] for o in self.options), np.int64, n_var)
        ones = np.ones(n_var)
        self.priority = np.fromiter((problem.need(o.line_id).priority for o in self.options), np.int64, n_var)
        self.cost = np.fromiter((problem.need(o.line_id).weight * o.eta_hours for o in self.options), float, n_var)
        self.lot_rows = csr_array((ones, (lot_of, cols)), shape=(len(lot_ids), n_var))
        self.lot_free = np.array([problem.lots[i].free for i in lot_ids], float)
        self.line_rows = csr_array((ones, (line_of, cols)), shape=(len(problem.needs), n_var))
        self.line_qty = np.array([n.quantity for n in problem.needs], float)

    def solve(self, cost: np.ndarray, *, exact_lines: bool, floors: dict[int, float]) -> np.ndarray | None:
        """Minimise ``cost`` within stock, lines served exactly (or at most), and, for each priority
        p in ``floors``, at least ``floors[p]`` units served to lines of priority p or more urgent."""
        rows, bounds = [self.lot_rows], [self.lot_free]
        a_eq = b_eq = None
        if exact_lines:
            a_eq, b_eq = self.line_rows, self.line_qty
        else:
            rows.append(self.line_rows)
            bounds.append(self.line_qty)
        for p, floor in floors.items():
            mask = (self.priority <= p).astype(float)
            rows.append(csr_array(-mask.reshape(1, -1)))
            bounds.append(np.array([-floor]))
        res = linprog(
            cost,
            A_ub=vstack(rows).tocsr(),
            b_ub=np.concatenate(bounds),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=(0, None),
            method="highs",
        )
        return res.x if res.status == 0 else None


def plan_optimal(problem: Problem, *, prune: bool = True) -> Solution:
    """The LP plan alone (see the module docstring); :func:`plan_best` also guards it with earliest-first.

    ``prune=False`` keeps every option (see :func:`useful_options`); the result scores the same.
    """
    lp = _LP(problem, prune=prune)
    if not lp.options:
        return Solution("optimal", [])
    x = lp.solve(lp.cost, exact_lines=True, floors={})
    if x is None:  # stock is short somewhere: serve the most urgent first
        floors: dict[int, float] = {}
        for p in PRIORITIES:
            if not (lp.priority == p).any():
                continue
            served = lp.solve(-(lp.priority <= p).astype(float), exact_lines=False, floors=floors)
            assert served is not None, "a plan that serves nothing is always feasible"
            # Whole units (total unimodularity); a hair of slack absorbs solver round-off.
            floors[p] = float(np.rint((lp.priority <= p) @ served)) - 1e-6
        x = lp.solve(lp.cost, exact_lines=False, floors=floors)
        assert x is not None
    return Solution("optimal", _whole_units(problem, lp, x))


def _whole_units(problem: Problem, lp: _LP, x: np.ndarray) -> list[Take]:
    """Round the LP solution to whole units without ever exceeding a lot's free stock or a line."""
    left = {lot_id: c.free for lot_id, c in problem.lots.items()}
    want = {n.line_id: n.quantity for n in problem.needs}
    takes = []
    for o, value in zip(lp.options, np.rint(x)):
        q = min(int(value), left[o.lot_id], want[o.line_id])
        if q > 0:
            takes.append(Take(o.line_id, o.lot_id, q, o.eta_hours))
            left[o.lot_id] -= q
            want[o.line_id] -= q
    return takes


def plan_best(problem: Problem) -> Solution:
    """The optimal plan, or the earliest-first plan if that scores better (never worse than earliest)."""
    optimal = plan_optimal(problem)
    earliest = plan_earliest(problem)
    if earliest.score(problem) < optimal.score(problem):
        return Solution("optimal", earliest.takes)
    return optimal
