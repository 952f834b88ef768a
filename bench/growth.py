"""How cost grows with size: the slope of log time against log size between the scales in results.json.

``python -m bench.growth`` reads the figures of the growth cases measured at two or more scales on
the same database (``python -m bench --scale county`` and ``--scale province``), fits log(time)
against log(size) and writes one ``growth`` record per database back into the results file.
Size is the number of ledger movements of the scale (lots are a tenth of them at every scale). A case whose work does not grow with the data (one request's
allocation, a fixed-size import) should show an exponent near 0; a whole-ledger pass (verify)
near 1: clearly more than its work is a finding.
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .generate import BENCH_DIR
from .scales import SCALES

# The case, what its work is, and the exponent its work allows (0: independent of the data's size).
GROWTH_CASES = {
    "allocate": ("one 10-line request: indexed look-ups", 0.0),
    "plan": ("100 requests × 5 lines over the candidate lots", 1.0),
    "import_stock": ("time per imported row, into a bigger database", 0.0),
    "verify": ("every lot against its ledger", 1.0),
    "summary": ("every lot, grouped", 1.0),
    "readiness": ("every township's reachable stock", 1.0),
}
# An exponent this far above what the work allows is reported as a finding.
SLACK = 0.3
SESSION = timedelta(hours=6)


def exponents(records: list[dict[str, Any]], database: str) -> dict[str, Any]:
    """Per growth case, the fitted exponent and the figures it comes from (scales measured on ``database``)."""
    out: dict[str, Any] = {}
    for case, (work, allowed) in GROWTH_CASES.items():
        mine = [
            r
            for r in records
            if r.get("case") == case
            and r.get("database", "sqlite") == database
            and r.get("scale") in SCALES
            and r.get("median_s")
        ]
        if not mine:
            continue
        # Only figures of one session (within SESSION of the newest): scales measured by other
        # code, on other days, under other loads, would give a slope of nothing.
        newest = max(mine, key=lambda r: r.get("measured_at", ""))
        since = (datetime.fromisoformat(newest.get("measured_at", "1970-01-01T00:00:00+00:00")) - SESSION).isoformat()
        commit = newest.get("commit")
        every = sorted(
            (SCALES[r["scale"]].movements, _per_unit(r), r["scale"]) for r in mine if r.get("measured_at", "") >= since
        )
        # The tiny scale is mostly fixed overhead (it understates an exponent): used only when
        # fewer than two real scales were measured, and said so.
        points = [p for p in every if p[2] != "tiny"]
        if len(points) < 2:
            points = every
        if len(points) < 2:
            continue
        slope = _slope([math.log(n) for n, _, _ in points], [math.log(t) for _, t, _ in points])
        out[case] = {
            "exponent": round(slope, 2),
            "work": work,
            "allowed": allowed,
            "finding": slope > allowed + SLACK,
            "seconds": {scale: t for _, t, scale in points},
            "movements": {scale: n for n, _, scale in points},
            "with_tiny": any(scale == "tiny" for _, _, scale in points),
            "commit": commit,
        }
    return out


def _per_unit(record: dict[str, Any]) -> float:
    """The time of the case's unit of work: an import's time per row (its row count differs by scale)."""
    rows = (record.get("metrics") or {}).get("rows") if record.get("case") == "import_stock" else None
    return float(record["median_s"]) / rows if rows else float(record["median_s"])


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args(argv)
    records: list[dict[str, Any]] = json.loads(args.results.read_text())
    kept = [r for r in records if r.get("case") != "growth"]
    for database in ("sqlite", "postgresql"):
        found = exponents(kept, database)
        if not found:
            continue
        print(f"growth on {database} (log time / log movements):")
        for case, g in found.items():
            flag = "  FINDING" if g["finding"] else ""
            times = ", ".join(f"{s} {t * 1000:.1f} ms" for s, t in g["seconds"].items())
            line = f"exponent {g['exponent']:5.2f} (work allows {g['allowed']:.0f}; {times}; {g['commit']})"
            print(f"  {case:<13} {line}{flag}")
        kept.append(
            {
                "case": "growth",
                "title": "growth exponent: slope of log time against log size",
                "scale": "+".join(sorted({s for g in found.values() for s in g["seconds"]}, key=list(SCALES).index)),
                "database": database,
                "pass": not any(g["finding"] for g in found.values()),
                "metrics": found,
                "notes": [],
                "command": "python -m bench.growth",
            }
        )
    args.results.write_text(json.dumps(kept, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
