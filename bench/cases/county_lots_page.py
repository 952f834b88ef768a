"""A county dispatcher's first page of the web admin's lots list (50 rows), at a province of 9 cities × 10 counties.

The same page as ``web_lots``, through the Flask test client, but read by a dispatcher of one
county: the list is narrowed by the core's ``scoped()`` (the county's points, by the points'
jurisdiction index) and must stay within ``web_lots``'s target. The SQL the page issues is
explained once: no statement may read ``stock_lot``, ``movement`` or ``region`` whole.
"""

from __future__ import annotations

from ..generate import Dataset
from ..harness import Context, Stats, Verdict
from .jurisdiction import plan_check, scan_notes, scoped_user
from .web_lots import URL, WebLots


class CountyLotsPage(WebLots):
    name = "county_lots_page"
    title = "county dispatcher's web list of lots, one page of 50"
    target = "as web_lots: median ≤ 50 ms server-side, ≤ 5 SQL statements, not growing with the page size; no full scan"

    def credentials(self, data: Dataset) -> tuple[str, str]:
        return scoped_user(data, "county_dispatcher"), data.manifest["user_password"]

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.county = ctx.dataset.manifest["county"]
        self.county_lots = ctx.dataset.manifest["county_lots"]
        self.plan = plan_check(self.engine, lambda: self.client.get(URL))

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        verdict = super().judge(stats, base)
        notes = verdict.notes + scan_notes(self.plan)
        verdict.metrics.update(
            county=self.county, county_lots=self.county_lots, full_scans=self.plan["full_scans"] or []
        )
        return Verdict(bool(verdict.passed) and not scan_notes(self.plan), verdict.ratio, verdict.metrics, notes)


CASE = CountyLotsPage
