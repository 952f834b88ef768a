"""The readiness of every township at once (``inv.readiness.rank_townships``) in a child process: its peak memory.

The check reads the reachable stock once for all townships (an array per item) and keeps one row
per township and need: its memory grows with townships × needs, not with lots or the ledger. The
floor is a child that only imports the library, NumPy (which the check uses) and opens the
database: what the check adds is the difference.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

from ..harness import Case, Context, Sample, Stats, Verdict
from .process import high_water_kb, run_child

# The floor (Python, SQLAlchemy, the models, NumPy) is ~72 MB; the province's 600 townships × a dozen
# needs and the arrays of its 200,000 lots add ~13 MB (measured): 150 MB is twice the floor, room for a
# province ten times this one, never for a check that holds lots or movements as objects.
TARGET_RSS_MB = 150


class ReadinessMemory(Case):
    name = "readiness_memory"
    title = "readiness for every township, 12-hour deadline, in a child process: peak memory"
    target = f"peak ≤ {TARGET_RSS_MB} MB"
    needs = ("supplies.services.readiness.check",)
    max_runs = 1  # the figure is a high-water mark, not a median
    needs_warm_up = False  # each run is a fresh process

    def setup(self, ctx: Context) -> None:
        data = ctx.dataset
        self.args = (data.url, data.manifest["admin"], str(ctx.seed))
        self.floor = ctx.scale.name != "tiny"  # the smoke test spares itself a Python start-up

    def run(self) -> Sample:
        floor_mb = run_child(f"{__name__}:child", *self.args, "open")[1] if self.floor else None
        done, peak = run_child(f"{__name__}:child", *self.args, "check")
        figures = {
            "townships": done["townships"],
            "floor_mb": None if floor_mb is None else round(floor_mb, 1),
            "added_mb": None if floor_mb is None else round(peak - floor_mb, 1),
        }
        return Sample(done["seconds"], peak, figures)

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        peak = stats.peak_mem_mb or 0.0
        notes = [] if last["townships"] > 0 else ["no townships were checked"]
        return Verdict(peak <= TARGET_RSS_MB and not notes, None, {**last, "peak_rss_mb": round(peak, 1)}, notes)


def child() -> None:
    """In the child (``argv``: URL, user, seed, check|open): rank every township and print the figures."""
    url, user, seed, what = sys.argv[1:5]
    import numpy  # noqa: F401  # the floor holds what the check imports

    import supplies

    inv = supplies.open(url, user=user)
    try:
        t0 = time.perf_counter()
        townships = inv.points.list(level="township", active_only=True)
        ranked = []
        if what == "check":
            rng = random.Random(int(seed))  # the populations of the readiness case
            codes = sorted({p.region_code or p.code for p in townships})
            population = {code: rng.randrange(3_000, 60_000, 100) for code in codes}
            ranked = inv.readiness.rank_townships(population=population, hours=12)
        seconds = time.perf_counter() - t0
    finally:
        inv.close()
    print(json.dumps({"seconds": seconds, "townships": len(ranked), "vm_hwm_kb": high_water_kb(os.getpid())}))


CASE = ReadinessMemory
