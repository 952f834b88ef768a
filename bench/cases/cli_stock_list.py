"""``supplies stock list --point X`` on the county database, against ``python -c "import sqlmodel, marshmallow"``."""

from __future__ import annotations

import sys

from ..harness import Case, Context, NotMeasured, Sample, Stats, Verdict
from .process import console_script, installed_python_env, run_process

TARGET_RATIO = 1.2  # issue 18 (was 1.5)


class CliStockList(Case):
    name = "cli_stock_list"
    title = "`supplies stock list --point X` on the county database (whole process)"
    target = f'≤ {TARGET_RATIO:g} × `python -c "import sqlmodel, marshmallow"`'
    has_baseline = True
    ratio_of = "supplies stock list / python -c 'import sqlmodel, marshmallow' (median wall time)"

    def setup(self, ctx: Context) -> None:
        data = ctx.county_dataset()
        self.point = data.manifest.get("busiest_county_depot")
        if not self.point:
            raise NotMeasured("the dataset has no county depot")
        self.dataset = data.scale.name
        self.argv = [console_script("supplies"), "stock", "list", "--point", self.point]
        self.python_env = installed_python_env(ctx)
        # Output to a file, as in `supplies stock list --point X > lots.txt`: the plain renderer
        # (and no colours forced on it from the bench's own environment).
        self.env = {
            **self.python_env,
            "SUPPLIES_DATABASE_URL": data.url,
            "SUPPLIES_USER": data.manifest["admin"],
            "COLUMNS": "160",
            "FORCE_COLOR": "",
            "TTY_COMPATIBLE": "",
        }

    def run(self) -> Sample:
        return run_process(self.argv, self.env, watch_memory=self.warming_up)

    def baseline(self) -> Sample:
        return run_process([sys.executable, "-c", "import sqlmodel, marshmallow"], self.python_env)

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        assert base is not None
        ratio = stats.median / base.median
        last = stats.metrics[-1]
        notes = [f"exit code {last['exit_code']}: {last.get('stderr', '')}"] if last.get("exit_code") else []
        return Verdict(
            ratio <= TARGET_RATIO and not notes,
            ratio,
            {
                "database": self.dataset,
                "point": self.point,
                "stdout_bytes": last["stdout_bytes"],
                "baseline_import_s": round(base.median, 4),
            },
            notes,
        )


CASE = CliStockList
