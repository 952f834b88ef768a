"""A city dispatcher's request allocated over the city's own depots and its 10 counties (earliest, dry run).

What a city does when a county asks for more than it holds (跨区域调拨): one request of three
times the flood lines, to a township of one of its counties, served from the whole city's
subtree. Measured and reported, with how many jurisdictions the stock comes from; there is no
target of its own (``allocate``'s 10 ms is the reference it is compared with).
"""

from __future__ import annotations

from ..harness import Context, Sample, Stats, Verdict
from .allocate import TARGET_S, Allocate, plan_metrics
from .jurisdiction import jurisdiction_of_points, plan_check, scan_notes, scoped_user, subtree
from .scenario import FLOOD_LINES, approved_request, flood_incident, township_depots

SCALE_UP = 3  # a request bigger than one county holds


class CityPlan(Allocate):
    name = "city_plan"
    title = "city dispatcher allocates one 10-line request over its counties, earliest strategy"
    target = "measured (reference: allocate's 10 ms); stock drawn from the city's subtree only"
    has_baseline = False
    ratio_of = ""

    def setup(self, ctx: Context) -> None:
        import supplies

        data = ctx.dataset
        self.ctx = ctx
        self.url = ctx.private_copy(data, self.name)
        self.inv = supplies.open(self.url, user=scoped_user(data, "city_dispatcher"))
        self.city = data.manifest["city"]
        towns = township_depots(self.inv)  # the city's townships, over all its counties
        self.dest = towns[len(towns) // 2]
        incident = flood_incident(self.inv, self.dest)
        lines = [(code, qty * SCALE_UP) for code, qty in FLOOD_LINES]
        self.request = approved_request(self.inv, incident, self.dest, lines)
        self.subtree = subtree(self.inv)
        self.where = jurisdiction_of_points(self.inv.engine)
        self.plan = plan_check(self.inv.engine, self.run)

    def run(self) -> Sample:
        plan = self.allocate()
        return Sample(
            metrics={
                **plan_metrics(plan),
                "jurisdictions_drawn_from": len({self.where.get(r.point) for r in plan.rows}),
                "rows_outside_jurisdiction": sum(1 for r in plan.rows if self.where.get(r.point) not in self.subtree),
            }
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        notes = [f"median {stats.median * 1000:.1f} ms against allocate's {TARGET_S * 1000:.0f} ms"]
        notes += scan_notes(self.plan)
        if last["rows_outside_jurisdiction"]:
            notes.append(f"{last['rows_outside_jurisdiction']} rows come from points outside city {self.city}")
        metrics = {**last, "city": self.city, "destination": self.dest, "full_scans": self.plan["full_scans"] or []}
        return Verdict(None, stats.median / TARGET_S, metrics, notes)

    def teardown(self) -> None:
        if hasattr(self, "inv"):
            self.inv.close()
            self.ctx.drop_copy(self.url)


CASE = CityPlan
