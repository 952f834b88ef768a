"""Importing 1,000,000 stock rows in a child process: its peak resident memory and its rows per second.

A stock import reads, checks and writes its file a chunk of rows at a time in one transaction,
so its memory must not grow with the file. Each run imports the same generated CSV (every row
a new lot and a ledger line) into a fresh copy of the county database, in a fresh Python.

The peak is that Python's ``ru_maxrss``, read by a small launcher (:func:`.process.run_child`);
the child's own ``VmHWM`` is kept beside it as a check.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from ..generate import copy_database, remove_database
from ..harness import Case, Context, Sample, Stats, Verdict
from .import_stock import _write_csv
from .process import high_water_kb, run_child

TARGET_RSS_MB = 300
TARGET_S = 60.0  # issue 18: a million rows in a minute
ROWS = {"tiny": 5_000}  # every other scale: 1,000,000


class ImportMemory(Case):
    name = "import_memory"
    title = "import 1,000,000 stock rows from CSV in a child process: peak memory and speed"
    target = f"≤ {TARGET_S:g} s, peak ≤ {TARGET_RSS_MB} MB"
    needs = ("supplies.services.io.imports",)
    max_runs = 1  # a million rows a run; the figure is a high-water mark, not a median
    needs_warm_up = False  # each run is a fresh process: nothing to warm

    def setup(self, ctx: Context) -> None:
        data = ctx.county_dataset()
        self.source, self.admin = data.path, data.manifest["admin"]
        self.rows = ROWS.get(ctx.scale.name, 1_000_000)
        self.csv = ctx.workdir / "stock-million.csv"
        self.db = ctx.workdir / "import-memory.db"
        self.ctx, self.data, self.url = ctx, data, ""
        ctx.log(f"writing {self.rows:,} stock rows to {self.csv.name}")
        _write_csv(self.source, self.csv, self.rows, ctx.seed)

    def before_run(self) -> None:
        if self.data.pg_url:
            self.url = self.ctx.private_copy(self.data, "import_memory")
        else:
            copy_database(self.source, self.db)
            self.url = f"sqlite:///{self.db}"

    def run(self) -> Sample:
        figures, peak_mb = run_child(f"{__name__}:child", self.url, str(self.csv), self.admin)
        return Sample(
            figures["seconds"],
            peak_mb,
            {
                "rows": figures["rows"],
                "lots_added": figures["added"],
                "movements": figures["movements"],
                "child_vm_hwm_mb": round(figures["vm_hwm_kb"] / 1024, 1),
            },
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        rate = self.rows / stats.median
        peak = stats.peak_mem_mb or 0.0
        notes = (
            [] if last["movements"] == self.rows else [f"wrote {last['movements']} ledger lines for {self.rows} rows"]
        )
        return Verdict(
            stats.median <= TARGET_S and peak <= TARGET_RSS_MB and not notes,
            None,
            {**last, "rows_per_s": round(rate), "peak_rss_mb": round(peak, 1)},
            notes,
        )

    def teardown(self) -> None:
        remove_database(self.db)
        if self.url and not self.url.startswith("sqlite"):
            self.ctx.drop_copy(self.url)
        self.csv.unlink(missing_ok=True)


def child() -> None:
    """In the child: import the CSV (``argv``: database URL, CSV, user) and print the figures as JSON."""
    url, source, user = sys.argv[1:4]
    import supplies

    inv = supplies.open(url, user=user)
    try:
        t0 = time.perf_counter()
        result = inv.imports.file("stock", Path(source))
        seconds = time.perf_counter() - t0
    finally:
        inv.close()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": result.rows,
                "added": result.added,
                "movements": result.movements,
                "vm_hwm_kb": high_water_kb(os.getpid()),
            }
        )
    )


CASE = ImportMemory
