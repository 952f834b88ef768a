"""``supplies --help``: the start-up cost every command pays, against bare ``python -c "import click"``."""

from __future__ import annotations

import sys

from ..harness import Case, Context, Sample, Stats, Verdict
from .process import console_script, installed_python_env, run_process

TARGET_S = 0.150
TARGET_RATIO = 2.0


class CliHelp(Case):
    name = "cli_help"
    title = "`supplies --help` start-up (whole process)"
    target = 'median ≤ 150 ms and ≤ 2 × `python -c "import click"`'
    has_baseline = True
    ratio_of = "supplies --help / python -c 'import click' (median wall time)"

    def setup(self, ctx: Context) -> None:
        self.argv = [console_script("supplies"), "--help"]
        self.env = installed_python_env(ctx)

    def run(self) -> Sample:
        return run_process(self.argv, self.env, watch_memory=self.warming_up)

    def baseline(self) -> Sample:
        return run_process([sys.executable, "-c", "import click"], self.env)

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        assert base is not None
        ratio = stats.median / base.median
        failed = [m for m in stats.metrics if m.get("exit_code")]
        notes = [f"exit code {failed[0]['exit_code']}: {failed[0].get('stderr', '')}"] if failed else []
        return Verdict(
            stats.median <= TARGET_S and ratio <= TARGET_RATIO and not failed,
            ratio,
            {"baseline_import_click_s": round(base.median, 4)},
            notes,
        )


CASE = CliHelp
