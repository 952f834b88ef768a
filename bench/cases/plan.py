"""Planning 100 approved requests × 5 lines together with the optimal strategy (HiGHS), as a dry run.

The baseline is the earliest-first plan of the same requests. The plans are compared like for
like: first the units left short per priority (the optimal plan must never leave a more urgent
priority shorter; it may serve more units, when earliest-first spends scarce stock on the wrong
lines), then, where both serve exactly as much at every priority, the total priority-weighted
arrival time (ratio ≤ 1.00). Where the optimal plan serves more, it also moves more units, so its
weighted total is not comparable and is reported, not judged.
"""

from __future__ import annotations

import random

from ..harness import Case, Context, Sample, Stats, Verdict
from .scenario import (
    DISPATCHER,
    FLOOD_LINES,
    approved_request,
    flood_incident,
    township_depots,
)

TARGET_S = 5.0
REQUESTS = {"tiny": 10}  # every other scale: 100 (tiny keeps the smoke test quick)
LINES = 5


class PlanOptimal(Case):
    name = "plan"
    title = "optimal plan for 100 approved requests × 5 lines"
    target = (
        "median ≤ 5 s, no priority left shorter than by earliest-first, and where service is equal "
        "weighted arrival ≤ earliest-first's (ratio ≤ 1.00)"
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
        }
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


CASE = PlanOptimal
