"""Exporting the whole ledger (every movement) to CSV and to XLSX in a child process: its peak resident memory.

The export reads the ledger a chunk of lines at a time (a server-side cursor on PostgreSQL) and
writes each chunk as it comes (openpyxl's write-only mode for XLSX), so its memory must not grow
with the ledger: the province's ledger is ten times the county's, its peak must stay about the
same. The CSV holds every line. XLSX writes ~3,000 lines a second, so it is measured on the first
200,000 lines (the county's whole ledger; a province's whole XLSX would take ten minutes a run),
which is enough to show its memory is flat too. The floor is a child that only imports the
library and opens the database: what the export adds is the difference.
"""

from __future__ import annotations

import json
import os
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

from ..harness import Case, Context, Sample, Stats, Verdict
from .process import high_water_kb, run_child

# The peak of each export: Python, SQLAlchemy, the models and openpyxl take ~100 MB before a line is
# read; a chunk of 2,000 lines is a few MB. 200 MB leaves room for allocator slack, never for a
# ledger held whole (the province's 2,000,000 lines as objects would be ~1.5 GB).
TARGET_RSS_MB = 200
XLSX_LINES = 200_000


class LedgerExportMemory(Case):
    name = "ledger_export_memory"
    title = "export the whole ledger as CSV (and 200,000 lines as XLSX) in a child process: peak memory"
    target = f"peak ≤ {TARGET_RSS_MB} MB each, flat from county to province"
    needs = ("supplies.services.io.ledger_file",)
    max_runs = 1  # the figure is a high-water mark, not a median
    needs_warm_up = False  # each run is a fresh process

    def setup(self, ctx: Context) -> None:
        data = ctx.dataset
        self.url, self.admin = data.url, data.manifest["admin"]
        self.work = ctx.workdir
        self.floor = ctx.scale.name != "tiny"  # the smoke test spares itself a Python start-up

    def run(self) -> Sample:
        figures: dict[str, Any] = {"floor_mb": None}
        if self.floor:
            _, floor_mb = run_child(f"{__name__}:child", self.url, self.admin, "open", "")
            figures["floor_mb"] = round(floor_mb, 1)
        seconds = 0.0
        for fmt in ("csv", "xlsx"):
            out = self.work / f"ledger.{fmt}"
            done, peak = run_child(f"{__name__}:child", self.url, self.admin, fmt, str(out))
            out.unlink(missing_ok=True)
            figures |= {
                f"{fmt}_lines": done["lines"],
                f"{fmt}_s": round(done["seconds"], 2),
                f"{fmt}_mb": round(peak, 1),
            }
            seconds += done["seconds"]
        return Sample(seconds, max(figures["csv_mb"], figures["xlsx_mb"]), figures)

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        ok = last["csv_mb"] <= TARGET_RSS_MB and last["xlsx_mb"] <= TARGET_RSS_MB and last["csv_lines"] > 0
        notes = [] if last["csv_lines"] > 0 else ["the export wrote no lines"]
        return Verdict(ok, None, dict(last), notes)


def child() -> None:
    """In the child (``argv``: URL, user, csv|xlsx|open, file): export and print the figures as JSON."""
    url, user, fmt, out = sys.argv[1:5]
    import supplies
    from supplies.services.io.ledger_file import write_ledger

    inv = supplies.open(url, user=user)
    try:
        t0 = time.perf_counter()
        if fmt == "open":  # the floor: the library imported and the database opened
            inv.points.list(level="county")
            lines = 0
        elif fmt == "csv":
            lines = inv.exports.ledger(Path(out))
        else:
            stream = inv.stock.ledger_stream()
            try:
                lines = write_ledger(islice(stream, XLSX_LINES), Path(out))
            finally:
                stream.close()
        seconds = time.perf_counter() - t0
    finally:
        inv.close()
    print(json.dumps({"seconds": seconds, "lines": lines, "vm_hwm_kb": high_water_kb(os.getpid())}))


CASE = LedgerExportMemory
