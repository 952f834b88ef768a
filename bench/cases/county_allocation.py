"""A county dispatcher allocates one 10-line flood request of its county (earliest strategy, dry run).

As ``allocate``, through the public API (``inv.requests``), but the request is the county's: once
allocation keeps within the request's jurisdiction it serves from the county's points only, and
``rows_outside_jurisdiction`` says whether it does. Target and baseline as ``allocate``.
"""

from __future__ import annotations

from ..harness import Context, Sample, Stats, Verdict
from .allocate import Allocate, plan_metrics
from .jurisdiction import jurisdiction_of_points, plan_check, scan_notes, scoped_user, subtree


class CountyAllocation(Allocate):
    name = "county_allocation"
    title = "county dispatcher allocates one 10-line request, earliest strategy"
    target = "as allocate: median ≤ 10 ms (baseline: every candidate lot into Python, ratio reported); no full scan"

    def setup(self, ctx: Context) -> None:
        self.user = scoped_user(ctx.dataset, "county_dispatcher")
        super().setup(ctx)
        self.county = ctx.dataset.manifest["county"]
        self.subtree = subtree(self.inv)
        self.where = jurisdiction_of_points(self.inv.engine)
        self.plan = plan_check(self.inv.engine, self.run)

    def run(self) -> Sample:
        plan = self.allocate()
        return Sample(
            metrics={
                **plan_metrics(plan),
                "rows_outside_jurisdiction": sum(1 for r in plan.rows if self.where.get(r.point) not in self.subtree),
            }
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        verdict = super().judge(stats, base)
        outside, rows = verdict.metrics["rows_outside_jurisdiction"], verdict.metrics["rows"]
        notes = scan_notes(self.plan)
        if outside:
            notes.append(f"{outside} of {rows} rows come from points outside county {self.county}")
        verdict.metrics.update(county=self.county, full_scans=self.plan["full_scans"] or [])
        return Verdict(bool(verdict.passed) and not scan_notes(self.plan), verdict.ratio, verdict.metrics, notes)


CASE = CountyAllocation
