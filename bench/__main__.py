"""``python -m bench``: run the benchmark cases at a scale, print a table and write the JSON results."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .cases import CASE_NAMES, load_case
from .generate import BENCH_DIR
from .harness import Context, NotMeasured, run_case
from .scales import SCALES

BACKENDS = ["sqlite", "postgresql"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run the benchmark cases at a scale; print a table and write JSON."
    )
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="county",
        help="tiny (the smoke test's), county (default) or province (`make bench`)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=BENCH_DIR / "results.json",
        help="JSON results file (results of other cases and scales already in it are kept)",
    )
    parser.add_argument(
        "--case",
        dest="cases",
        action="append",
        choices=CASE_NAMES,
        metavar="NAME",
        help=f"run only this case (repeatable): {', '.join(CASE_NAMES)}",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case, after one warm-up (default 5)")
    parser.add_argument(
        "--db",
        dest="backends",
        action="append",
        choices=BACKENDS,
        help="the database to measure on (repeatable; default both: sqlite, then postgresql on "
        "SUPPLIES_BENCH_POSTGRES_URL, else SUPPLIES_TEST_POSTGRES_URL, else a throwaway cluster)",
    )
    parser.add_argument("--dataset", type=Path, help="use this generated SQLite file instead of the cached one")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--no-warmup",
        dest="warm_up",
        action="store_false",
        help="skip the warm-up run (and so the peak-memory figure): for smoke tests only",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any measured case misses its target")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    console = Console(stderr=True)
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    results: list[dict[str, Any]] = []
    for backend in args.backends or BACKENDS:
        with tempfile.TemporaryDirectory(prefix="supplies-bench-") as work:
            ctx = Context(
                SCALES[args.scale],
                args.seed,
                args.runs,
                Path(work),
                lambda m: console.log(m),
                args.dataset,
                args.warm_up,
                backend,
            )
            try:
                try:
                    ctx.dataset  # build or find the dataset before any timing  # noqa: B018
                except ValueError as exc:
                    parser.error(str(exc))
                except NotMeasured as exc:
                    console.log(f"{backend}: not measured: {exc}")
                    continue
                for name in args.cases or CASE_NAMES:
                    console.log(f"case {name} on {backend} …")
                    record = run_case(load_case(name), ctx)
                    record.update(_provenance(command))
                    results.append(record)
            finally:
                ctx.close()
    out = Console()
    if not out.is_terminal:
        out = Console(width=160)
    out.print(_table(results, args.scale))
    _write(args.out, results)
    console.log(f"results written to {args.out}")
    missed = [r["case"] for r in results if r["pass"] is False]
    return 1 if (args.strict and missed) else 0


def _provenance(command: str) -> dict[str, Any]:
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH_DIR, timeout=5
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "command": command,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def _table(results: list[dict[str, Any]], scale: str) -> Table:
    table = Table(title=f"benchmarks at {scale} scale")
    for col in ("case", "db", "median", "min", "max", "target", "ratio", "peak MB", "loop s", "pass"):
        table.add_column(col, justify="left" if col in ("case", "db", "target") else "right")
    for r in results:
        verdict = {True: "[green]pass[/]", False: "[red]MISS[/]", None: "[yellow]n/a[/]"}[r["pass"]]
        table.add_row(
            r["case"],
            r["database"],
            _ms(r["median_s"]),
            _ms(r["min_s"]),
            _ms(r["max_s"]),
            r["target"],
            "" if r["ratio"] is None else f"{r['ratio']:.2f}",
            "" if r["peak_mem_mb"] is None else f"{r['peak_mem_mb']:.0f}",
            "–".join(f"{s:.2f}" for s in r.get("loop_s", [])),  # the machine's speed around the case
            verdict,
        )
        for note in r["notes"]:
            table.add_row("", "", "", "", "", f"[dim]{note}[/]", "", "", "", "")
    return table


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _write(path: Path, results: list[dict[str, Any]]) -> None:
    """Merge into ``path``: this run's (case, scale, database) records replace the old ones, the rest stay."""
    old: list[dict[str, Any]] = []
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except ValueError:
            old = []
    for r in old:  # figures from before there were two databases: SQLite, the concurrent case aside
        r.setdefault("database", "postgresql" if r.get("case") == "concurrent" else "sqlite")
    fresh = {(r["case"], r["scale"], r["database"]) for r in results}
    merged = [r for r in old if (r.get("case"), r.get("scale"), r.get("database")) not in fresh] + results
    order = {name: i for i, name in enumerate(CASE_NAMES)}
    merged.sort(
        key=lambda r: (
            list(SCALES).index(r["scale"]) if r.get("scale") in SCALES else 99,
            order.get(r.get("case"), 99),
            r["database"],
        )
    )
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
