"""``python -m bench.markdown [FILE] [--scale S]``: the results file as the Markdown table the README shows."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .generate import BENCH_DIR


def table(results: list[dict[str, Any]], scale: str) -> str:
    lines = ["| case | median | min | max | target | ratio | peak MB | result |",
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |"]
    for r in results:
        if r.get("scale") != scale:
            continue
        verdict = {True: "pass", False: "**miss**", None: "not measured"}[r["pass"]]
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        peak = "" if r.get("peak_mem_mb") is None else f"{r['peak_mem_mb']:.0f}"
        lines.append(f"| `{r['case']}` | {_time(r['median_s'])} | {_time(r['min_s'])} | {_time(r['max_s'])} | "
                     f"{r['target'].replace('|', '/')} | {ratio} | {peak} | {verdict} |")
    return "\n".join(lines)


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.markdown", description=__doc__.split(":", 1)[-1].strip())
    parser.add_argument("file", nargs="?", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--scale", default="province")
    args = parser.parse_args(argv)
    print(table(json.loads(args.file.read_text()), args.scale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
