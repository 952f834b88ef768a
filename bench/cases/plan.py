"""Planning 100 approved requests × 5 lines together with the optimal strategy (HiGHS), as a dry run.

The baseline is the earliest-first plan of the same requests; the ratio compares the plans'
total priority-weighted arrival time (the optimal plan must never be worse).
"""

from __future__ import annotations

import random

from ..harness import Case, Context, Sample, Stats, Verdict
from .scenario import DISPATCHER, FLOOD_LINES, approved_request, flood_incident, private_copy, township_depots

TARGET_S = 5.0
REQUESTS = {"tiny": 10}   # every other scale: 100 (tiny keeps the smoke test quick)
LINES = 5


class PlanOptimal(Case):
    name = "plan"
    title = "optimal plan for 100 approved requests × 5 lines"
    target = "median ≤ 5 s and weighted arrival ≤ the earliest-first plan's (ratio ≤ 1.00)"
    needs = ("supplies.services.dispatch", "scipy")
    has_baseline = True
    ratio_of = "optimal / earliest-first total priority-weighted arrival (hours × units × weight)"

    def setup(self, ctx: Context) -> None:
        import supplies

        self.path = private_copy(ctx.dataset, ctx.workdir, self.name)
        self.inv = supplies.open(f"sqlite:///{self.path}", user=DISPATCHER)
        rng = random.Random(ctx.seed)
        self.requests = REQUESTS.get(ctx.scale.name, 100)
        towns = township_depots(self.inv)
        hit = sorted(rng.sample(towns, k=min(len(towns), 20)))  # a flood across several counties
        incidents = [flood_incident(self.inv, town) for town in hit[:3]]
        for n in range(self.requests):
            lines = [(code, max(1, qty // 40 * rng.randint(1, 3))) for code, qty in rng.sample(FLOOD_LINES, k=LINES)]
            approved_request(self.inv, incidents[n % len(incidents)], hit[n % len(hit)], lines,
                             priority=rng.randint(1, 5), needed_in_hours=rng.choice((8, 12, 24)))

    def run(self) -> Sample:
        return _plan(self.inv, "optimal")

    def baseline(self) -> Sample:
        return _plan(self.inv, "earliest")

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        assert base is not None
        own, other = stats.metrics[-1], base.metrics[-1]
        ratio = own["weighted_eta"] / other["weighted_eta"] if other["weighted_eta"] else 1.0
        notes = []
        if own["requests"] != self.requests:
            notes.append(f"planned {own['requests']} requests, not {self.requests}")
        if own["units"] != other["units"]:
            notes.append(f"optimal serves {own['units']} units, earliest-first {other['units']}")
        metrics = {"requests": own["requests"], "lines": own["lines"], "units": own["units"],
                   "weighted_eta": own["weighted_eta"], "earliest_units": other["units"],
                   "earliest_weighted_eta": other["weighted_eta"], "earliest_median_s": round(base.median, 4)}
        return Verdict(stats.median <= TARGET_S and ratio <= 1.0 + 1e-9 and not notes[:1], ratio, metrics, notes)

    def teardown(self) -> None:
        from ..generate import remove_database

        self.inv.close()
        remove_database(self.path)


def _plan(inv, strategy: str) -> Sample:  # type: ignore[no-untyped-def]
    result = inv.requests.plan(strategy=strategy, dry_run=True)
    return Sample(metrics={"requests": len(result.plans), "lines": len({r.line_id for p in result.plans for r in p.rows}
                                                                      | {s.line_id for s in result.shortfalls}),
                           "units": sum(r.quantity for p in result.plans for r in p.rows),
                           "weighted_eta": result.total_weighted_eta})


CASE = PlanOptimal
