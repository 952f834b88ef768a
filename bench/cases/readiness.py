"""Readiness of every township at once: can the stock within 12 hours' reach cover each one's people?"""

from __future__ import annotations

import random

from ..harness import Case, Context, Sample, Stats, Verdict

TARGET_S = 10.0
MIN_TOWNSHIPS = 500  # at province scale


class ReadinessAllTownships(Case):
    name = "readiness"
    title = "readiness for every township, 12-hour deadline"
    target = "≤ 10 s for all townships (≥ 500 at province scale)"
    needs = ("supplies.services.readiness.check",)

    def setup(self, ctx: Context) -> None:
        self.inv = ctx.dataset.open()
        self.province = ctx.scale.name == "province"
        rng = random.Random(ctx.seed)
        # Planning populations of 3,000 to 60,000 people per township, fixed by the seed.
        codes = sorted({p.region_code or p.code for p in self.inv.points.list(level="township", active_only=True)})
        self.population = {code: rng.randrange(3_000, 60_000, 100) for code in codes}

    def run(self) -> Sample:
        ranked = self.inv.readiness.rank_townships(population=self.population, hours=12)
        return Sample(
            metrics={
                "townships": len(ranked),
                "people": sum(t.population for t in ranked),
                "fully_covered": sum(1 for t in ranked if not t.short_needs),
            }
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        notes = []
        if self.province and last["townships"] < MIN_TOWNSHIPS:
            notes.append(f"only {last['townships']} townships (the target needs at least {MIN_TOWNSHIPS})")
        return Verdict(stats.median <= TARGET_S and not notes, metrics=last, notes=notes)

    def teardown(self) -> None:
        self.inv.close()


CASE = ReadinessAllTownships
