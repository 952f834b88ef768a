"""A county dispatcher's stock summary (class × level × region), at a province of 9 cities × 10 counties.

The summary of ``summary`` read by a dispatcher of one county: the core narrows it to the county's
points; it must stay within ``summary``'s target, and its plan must not read a big table whole.
"""

from __future__ import annotations

from ..harness import Case, Context, Sample, Stats, Verdict
from .jurisdiction import plan_check, scan_notes, scoped_user
from .summary import TARGET_S


class CountySummary(Case):
    name = "county_summary"
    title = "county dispatcher's stock summary by class × level × region"
    target = "as summary: median ≤ 200 ms; no full scan"

    def setup(self, ctx: Context) -> None:
        data = ctx.dataset
        self.inv = data.open(scoped_user(data, "county_dispatcher"))
        self.county = data.manifest["county"]
        self.plan = plan_check(self.inv.engine, self.run)

    def run(self) -> Sample:
        rows = self.inv.stock.summary(by=("class", "level", "region"))
        return Sample(metrics={"groups": len(rows), "lots": sum(r.lots for r in rows)})

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        notes = scan_notes(self.plan)
        metrics = {**stats.metrics[-1], "county": self.county, "full_scans": self.plan["full_scans"] or []}
        return Verdict(stats.median <= TARGET_S and not notes, metrics=metrics, notes=notes)

    def teardown(self) -> None:
        self.inv.close()


CASE = CountySummary
