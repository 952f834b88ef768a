"""``inv.stock.verify()``: every lot's balances recomputed from the whole ledger and compared."""

from __future__ import annotations

from ..harness import Case, Context, Sample, Stats, Verdict

TARGET_S = 10.0


class Verify(Case):
    name = "verify"
    title = "verify every balance against the ledger"
    target = "median ≤ 10 s (province: 2,000,000 movements)"

    def setup(self, ctx: Context) -> None:
        self.inv = ctx.dataset.open()

    def run(self) -> Sample:
        report = self.inv.stock.verify()
        return Sample(
            metrics={"movements": report.movements, "lots": report.lots_checked, "differences": len(report.differences)}
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        notes = [] if last["differences"] == 0 else [f"verify found {last['differences']} differences"]
        return Verdict(stats.median <= TARGET_S and not notes, metrics=last, notes=notes)

    def teardown(self) -> None:
        self.inv.close()


CASE = Verify
