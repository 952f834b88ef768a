"""Planning 100 approved requests × 5 lines together with the optimal strategy (HiGHS), as a dry run.

The baseline is the earliest-first plan of the same requests. The plans are compared like for
like: first the units left short per priority (the optimal plan must never leave a more urgent
priority shorter; it may serve more units, when earliest-first spends scarce stock on the wrong
lines), then, where both serve exactly as much at every priority, the total priority-weighted
arrival time (ratio ≤ 1.00). Where the optimal plan serves more, it also moves more units, so its
weighted total is not comparable and is reported, not judged.

The gap to the LP optimum (``lp_gap``) says how far the plan's integer answer is from the best a
fractional plan could do, on the same instance: the same approved lines, with every candidate lot
of each line (none cut away, unlike the planner, which keeps each line's earliest options) and the
same arrival estimates. The LP, solved here with SciPy's HiGHS independently of the planner's code:

- variables ``x[l, k] ≥ 0``: units of lot ``k`` sent to line ``l``, for every lot that may serve
  the line (item or class, jurisdiction, expiry, donor's restriction);
- ``Σ_l x[l, k] ≤ free[k]`` for every lot, ``Σ_k x[l, k] ≤ quantity[l]`` for every line;
- the objective is the planner's, lexicographic: first the units served at priority 1, then at 2,
  ... 5 (each phase maximises its priority's units with the earlier phases' optima kept as
  floors), then the priority-weighted arrival ``Σ weight[l] × eta[l, k] × x[l, k]`` (weights 16,
  8, 4, 2, 1) is minimised within those floors. When every line can be served in full, the first
  phases are one: the lines are served exactly.

``lp_gap`` = (plan's weighted arrival − LP optimum) / LP optimum, reported when the plan serves as
many units as the LP at every priority (else ``lp_short_by_priority`` says where it does not).
The constraint matrix is a transportation matrix (totally unimodular), so the LP has a whole-unit
optimum and the gap of a truly optimal plan is 0 up to the solver's tolerance.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from ..harness import Case, Context, Sample, Stats, Verdict
from .scenario import (
    DISPATCHER,
    FLOOD_LINES,
    approved_request,
    flood_incident,
    township_depots,
)

TARGET_S = 1.0  # issue 18 (was 5 s)
REQUESTS = {"tiny": 10}  # every other scale: 100 (tiny keeps the smoke test quick)
LINES = 5


class PlanOptimal(Case):
    name = "plan"
    title = "optimal plan for 100 approved requests × 5 lines"
    target = (
        "median ≤ 1 s; gap to the LP optimum reported; no priority left shorter than by earliest-first, "
        "and where service is equal weighted arrival ≤ earliest-first's (ratio ≤ 1.00)"
    )
    needs = ("supplies.services.dispatch.commands", "scipy")
    has_baseline = True
    ratio_of = "optimal / earliest-first total priority-weighted arrival (hours × units × weight)"

    def setup(self, ctx: Context) -> None:
        import supplies

        self.ctx = ctx
        self.url = ctx.private_copy(ctx.dataset, self.name)
        self.inv = supplies.open(self.url, user=DISPATCHER)
        rng = random.Random(ctx.seed)
        self.requests = REQUESTS.get(ctx.scale.name, 100)
        towns = township_depots(self.inv)
        hit = sorted(rng.sample(towns, k=min(len(towns), 20)))  # a flood across several counties
        incidents = [flood_incident(self.inv, town) for town in hit[:3]]
        self.priority: dict[int, int] = {}
        for n in range(self.requests):
            lines = [(code, max(1, qty // 40 * rng.randint(1, 3))) for code, qty in rng.sample(FLOOD_LINES, k=LINES)]
            priority = rng.randint(1, 5)
            rid = approved_request(
                self.inv,
                incidents[n % len(incidents)],
                hit[n % len(hit)],
                lines,
                priority=priority,
                needed_in_hours=rng.choice((8, 12, 24)),
            )
            self.priority[rid] = priority
        self.lp = lp_optimum(self.inv)  # untimed: the same instance every run plans (dry runs)

    def run(self) -> Sample:
        return _plan(self.inv, "optimal", self.priority)

    def baseline(self) -> Sample:
        return _plan(self.inv, "earliest", self.priority)

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        assert base is not None
        own, other = stats.metrics[-1], base.metrics[-1]
        ratio = own["weighted_eta"] / other["weighted_eta"] if other["weighted_eta"] else 1.0
        verdict = compare_plans(own["short"], other["short"], ratio)
        passed = verdict.passed and stats.median <= TARGET_S
        notes = verdict.notes
        if own["requests"] != self.requests:
            passed = False
            notes.append(f"planned {own['requests']} requests, not {self.requests}")
        metrics = {
            "requests": own["requests"],
            "lines": own["lines"],
            "units": own["units"],
            "short_by_priority": own["short"],
            "weighted_eta": own["weighted_eta"],
            "earliest_units": other["units"],
            "earliest_short_by_priority": other["short"],
            "earliest_weighted_eta": other["weighted_eta"],
            "same_service": verdict.metrics["same_service"],
            "earliest_median_s": round(base.median, 4),
            **self.lp.metrics(own["short"], own["weighted_eta"]),
        }
        if metrics["lp_gap"] is not None:
            notes.append(
                f"gap to the LP optimum {metrics['lp_gap']:.2e} (LP over {self.lp.variables} variables, "
                f"solved untimed in {self.lp.seconds:.1f} s)"
            )
        if self.lp.short != own["short"]:
            notes.append(f"the LP serves more: short by priority {self.lp.short} against the plan's {own['short']}")
        return Verdict(passed, ratio, metrics, notes)

    def teardown(self) -> None:

        self.inv.close()
        self.ctx.drop_copy(self.url)


def compare_plans(short: list[int], earliest_short: list[int], ratio: float) -> Verdict:
    """Judge the optimal plan against earliest-first: units short per priority (1 first) must be no
    worse at the most urgent priority where they differ; on equal service, ratio ≤ 1.00."""
    notes = []
    differ = next((p for p, (a, b) in enumerate(zip(short, earliest_short), 1) if a != b), None)
    if differ is None:
        passed = ratio <= 1.0 + 1e-9
        notes.append(
            f"same service at every priority ({sum(short)} units short): weighted arrival "
            f"{ratio:.3f} × earliest-first's"
        )
    else:
        passed = short[differ - 1] < earliest_short[differ - 1]
        served_more = sum(earliest_short) - sum(short)
        if passed:
            notes.append(
                f"optimal leaves fewer priority-{differ} units short ({short[differ - 1]} against "
                f"{earliest_short[differ - 1]}; {served_more:+d} units served in all), so it also moves "
                f"other units: weighted arrival ratio {ratio:.3f} reported, not judged"
            )
        else:
            notes.append(
                f"optimal leaves more priority-{differ} units short: {short[differ - 1]} against "
                f"earliest-first's {earliest_short[differ - 1]}"
            )
    return Verdict(passed, ratio, {"same_service": differ is None}, notes)


def _plan(inv, strategy: str, priority: dict[int, int]) -> Sample:  # type: ignore[no-untyped-def]
    result = inv.requests.plan(strategy=strategy, dry_run=True)
    short = [0] * 5
    for sf in result.shortfalls:
        short[priority[sf.request_id] - 1] += sf.short
    return Sample(
        metrics={
            "requests": len(result.plans),
            "lines": len({r.line_id for p in result.plans for r in p.rows} | {s.line_id for s in result.shortfalls}),
            "units": sum(r.quantity for p in result.plans for r in p.rows),
            "short": short,
            "weighted_eta": result.total_weighted_eta,
        }
    )


@dataclass
class LpBound:
    """The LP relaxation's optimum of the planner's objective on one instance (see the module docstring)."""

    short: list[int]  # units short per priority 1..5
    weighted_eta: float
    variables: int
    seconds: float

    def metrics(self, short: list[int], weighted_eta: float) -> dict[str, Any]:
        gap = (
            (weighted_eta - self.weighted_eta) / self.weighted_eta
            if self.weighted_eta and short == self.short
            else None
        )
        return {
            "lp_gap": None if gap is None else round(gap, 9) + 0.0,  # + 0.0: no "-0.0" in the results
            "lp_weighted_eta": round(self.weighted_eta, 3),
            "lp_short_by_priority": self.short,
            "lp_variables": self.variables,
            "lp_seconds": round(self.seconds, 2),
        }


def lp_optimum(inv) -> LpBound:  # type: ignore[no-untyped-def]
    """Solve the LP relaxation of the plan of every approved request (as ``inv.requests.plan`` sees them)."""
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import csr_array, vstack
    from sqlmodel import Session, select

    from supplies.allocation.candidates import build_problem
    from supplies.allocation.model import PRIORITIES
    from supplies.models import DispatchRequest, RequestStatus
    from supplies.services.dispatch import allocation as alloc

    started = time.perf_counter()
    with Session(inv.engine) as s:
        requests = list(
            s.exec(
                select(DispatchRequest)
                .where(DispatchRequest.status == RequestStatus.APPROVED.value)
                .order_by(DispatchRequest.id)  # type: ignore[arg-type]
            ).all()
        )
        lines = alloc.request_lines(s, [r.id for r in requests])  # type: ignore[misc]
        needs, dests = alloc.needs_for(s, requests, lines)
        problem = build_problem(s, needs, dests, inv.requests.arrival)  # every option of every line
    options = [(i, o) for i, n in enumerate(needs) for o in problem.options[n.line_id]]
    n_var = len(options)
    lot_index = {lot_id: k for k, lot_id in enumerate(sorted(problem.lots))}
    cols = np.arange(n_var)
    ones = np.ones(n_var)
    line_of = np.fromiter((i for i, _ in options), np.int64, n_var)
    lot_of = np.fromiter((lot_index[o.lot_id] for _, o in options), np.int64, n_var)
    priority = np.array([n.priority for n in needs])[line_of] if n_var else np.zeros(0, np.int64)
    cost = np.fromiter((needs[i].weight * o.eta_hours for i, o in options), float, n_var)
    lots = csr_array((ones, (lot_of, cols)), shape=(len(lot_index), n_var))
    free = np.array([problem.lots[lot_id].free for lot_id in sorted(problem.lots)], float)
    per_line = csr_array((ones, (line_of, cols)), shape=(len(needs), n_var))
    quantity = np.array([n.quantity for n in needs], float)

    def solve(c, rows, bounds, a_eq=None, b_eq=None):  # type: ignore[no-untyped-def]
        res = linprog(c, A_ub=vstack(rows).tocsr(), b_ub=np.concatenate(bounds), A_eq=a_eq, b_eq=b_eq, method="highs")
        return res.x if res.status == 0 else None

    x = solve(cost, [lots], [free], per_line, quantity) if n_var else np.zeros(0)
    if x is None:  # stock is short: each priority's service first, most urgent first
        rows, bounds = [lots, per_line], [free, quantity]
        for p in PRIORITIES:
            mask = (priority == p).astype(float)
            if not mask.any():
                continue
            best = solve(-mask, rows, bounds)
            rows.append(csr_array(-mask.reshape(1, -1)))
            bounds.append(np.array([-(mask @ best) + 1e-6]))
        x = solve(cost, rows, bounds)
    served = np.bincount(line_of, weights=x, minlength=len(needs))
    short = [round(sum(n.quantity - served[i] for i, n in enumerate(needs) if n.priority == p)) for p in PRIORITIES]
    return LpBound(short, float(cost @ x), n_var, time.perf_counter() - started)


CASE = PlanOptimal
