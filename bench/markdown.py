"""``python -m bench.markdown [FILE] [--scale S] [--db D]``: the results file as the Markdown tables the README shows.

Without ``--db`` the table puts SQLite and PostgreSQL side by side (one row per case); with it,
one database's figures in full.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .generate import BENCH_DIR

# What each case's metrics say in a few words (the JSON has them all).
_FIGURES = {
    "allocate": lambda m, r: f"baseline {_time(r['baseline_median_s'])}; {m['rows']} lots chosen",
    "plan": lambda m, r: (
        f"{m['requests']} requests, {m['lines']} lines; earliest-first {_time(m['earliest_median_s'])}"
    ),
    "import_stock": lambda m, r: f"{m['rows_per_s']:,} rows/s (raw {m['baseline_rows_per_s']:,} rows/s)",
    "import_memory": lambda m, r: f"{m['rows']:,} rows, {m['rows_per_s']:,} rows/s",
    "ledger_export_memory": lambda m, r: (
        f"CSV {m['csv_lines']:,} lines {m['csv_mb']:g} MB, XLSX {m['xlsx_lines']:,} lines {m['xlsx_mb']:g} MB "
        f"(floor {m['floor_mb']} MB)"
    ),
    "readiness_memory": lambda m, r: f"{m['townships']} townships, floor {m['floor_mb']} MB",
    "summary": lambda m, r: f"{m['groups']:,} groups over {m['lots']:,} lots",
    "verify": lambda m, r: f"{m['movements']:,} movements, {m['differences']} differences",
    "cli_help": lambda m, r: f"`import click` {_time(r['baseline_median_s'])}",
    "cli_stock_list": lambda m, r: f"`import sqlmodel, marshmallow` {_time(r['baseline_median_s'])}",
    "web_lots": lambda m, r: f"{m['statements_page_10']} SQL statements at 10 rows, {m['statements_page_50']} at 50",
    "concurrent": lambda m, r: f"{m['allocations_per_s_median']:g} allocations/s, {m['oversold_units']} oversold",
    "readiness": lambda m, r: f"{m['townships']} townships",
    "web_load": lambda m, r: "; ".join(
        f"{u} users {v['rps']:g} req/s p95 {v['p95_ms']:.0f} ms, {v['failures']} errors" for u, v in m["levels"].items()
    ),
    "county_lots_page": lambda m, r: (
        f"county {m['county']} ({m['county_lots']:,} lots); {m['statements_page_50']} SQL statements; "
        f"{len(m['full_scans'])} full scans"
    ),
    "county_allocation": lambda m, r: (
        f"baseline {_time(r['baseline_median_s'])}; {m['rows']} lots chosen, "
        f"{m['rows_outside_jurisdiction']} outside the county"
    ),
    "county_summary": lambda m, r: f"{m['groups']:,} groups over {m['lots']:,} lots; {len(m['full_scans'])} full scans",
    "city_plan": lambda m, r: (
        f"{m['rows']} lots from {m['jurisdictions_drawn_from']} jurisdictions, "
        f"{m['rows_outside_jurisdiction']} outside the city; {m['short_units']:,} units short"
    ),
}


def side_by_side(results: list[dict[str, Any]], scale: str) -> str:
    """One row per case: the median and verdict on SQLite and on PostgreSQL."""
    by: dict[str, dict[str, dict[str, Any]]] = {}
    for r in results:
        if r.get("scale") == scale and r.get("case") != "growth":
            by.setdefault(r["case"], {})[r.get("database", "sqlite")] = r
    lines = [
        "| case | SQLite | PostgreSQL | target | commit |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for case, dbs in by.items():
        cells = []
        for db in ("sqlite", "postgresql"):
            r = dbs.get(db)
            cells.append("–" if r is None or r["median_s"] is None else f"{_time(r['median_s'])} ({_verdict(r)})")
        any_r = next(iter(dbs.values()))
        commits = ", ".join(sorted({str(r.get("commit")) for r in dbs.values()}))
        lines.append(f"| `{case}` | {cells[0]} | {cells[1]} | {any_r['target']} | {commits} |")
    return "\n".join(lines)


def _verdict(r: dict[str, Any]) -> str:
    if r["pass"] is None:
        return "measured" if r["median_s"] is not None else "not measured"
    return "pass" if r["pass"] else "**miss**"


def table(results: list[dict[str, Any]], scale: str, database: str | None = None) -> str:
    lines = [
        "| case | median | min | max | ratio | figures | peak MB | target |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        if r.get("scale") != scale or r.get("case") == "growth":
            continue
        if database and r.get("database", "sqlite") != database:
            continue
        verdict = {True: "pass", False: "**miss**", None: "not measured"}[r["pass"]]
        if r["pass"] is None and r["median_s"] is not None:
            verdict = "measured"  # a case without a target of its own
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        peak = "" if r.get("peak_mem_mb") is None else f"{r['peak_mem_mb']:.0f}"
        try:
            figures = _FIGURES[r["case"]](r["metrics"], r) if r["median_s"] is not None else "; ".join(r["notes"])
        except (KeyError, TypeError):
            figures = ""
        lines.append(
            f"| `{r['case']}` | {_time(r['median_s'])} | {_time(r['min_s'])} | {_time(r['max_s'])} | "
            f"{ratio} | {figures} | {peak} | {verdict} |"
        )
    return "\n".join(lines)


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.markdown", description=__doc__.split(":", 1)[-1].strip())
    parser.add_argument("file", nargs="?", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--scale", default="province")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), help="one database's figures in full")
    args = parser.parse_args(argv)
    results = json.loads(args.file.read_text())
    print(table(results, args.scale, args.db) if args.db else side_by_side(results, args.scale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
