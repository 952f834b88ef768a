"""Stock summary by supply class × administrative level × region, from the kept balances."""

from __future__ import annotations

from ..harness import Case, Context, Sample, Stats, Verdict

TARGET_S = 0.200


class StockSummary(Case):
    name = "summary"
    title = "stock summary by class × level × region"
    target = "median ≤ 200 ms"

    def setup(self, ctx: Context) -> None:
        self.inv = ctx.dataset.open()

    def run(self) -> Sample:
        rows = self.inv.stock.summary(by=("class", "level", "region"))
        return Sample(metrics={"groups": len(rows), "lots": sum(r.lots for r in rows)})

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        return Verdict(stats.median <= TARGET_S, metrics=stats.metrics[-1])

    def teardown(self) -> None:
        self.inv.close()


CASE = StockSummary
