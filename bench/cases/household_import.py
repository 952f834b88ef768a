"""Importing a register of 20,000 households (受灾群众登记) from a CSV file, all or nothing.

Every row is validated, its ID number hashed (HMAC-SHA256) and checked against the incident's
register and the rest of the file, its number checked the same way. The preparation (untimed)
copies the dataset and writes the file; before each run a new open incident is added, so every run
imports the whole file into an empty register.
"""

from __future__ import annotations

import os

from ..harness import Case, Context, NotMeasured, Sample, Stats, Verdict
from ..relief import write_register

TARGET_S = 5.0
HOUSEHOLDS = {"tiny": 2_000}  # every other scale: 20,000


class HouseholdImport(Case):
    name = "household_import"
    title = "import a register of 20,000 households from CSV"
    target = "median ≤ 5 s for 20,000 households (validated, ID numbers hashed, duplicates checked)"
    needs = ("supplies.services.relief.households",)

    def setup(self, ctx: Context) -> None:
        import supplies

        data = ctx.dataset
        self.county = data.manifest.get("county")
        if not self.county:
            raise NotMeasured(f"the dataset {data.path.name} names no county (built before generator version 3?)")
        self.ctx = ctx
        self.db = ctx.private_copy(data, "register")
        os.environ.setdefault("SUPPLIES_PII_KEY", "bench-relief-key")
        self.inv = supplies.open(self.db, user=data.manifest["admin"])
        self.households = HOUSEHOLDS.get(ctx.scale.name, 20_000)
        self.csv = ctx.workdir / "register.csv"
        write_register(self.csv, self.households, ctx.seed, self.county)
        self.incident: int | None = None
        self.made = 0

    def before_run(self) -> None:
        self.made += 1
        self.incident = self.inv.incidents.add(
            f"基准登记{self.made}", type="flood", level="IV", lat=26.6, lon=106.6, region_code=self.county
        ).id

    def run(self) -> Sample:
        n = self.inv.households.import_file(self.csv, incident=self.incident)
        return Sample(metrics={"households": n})

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        got = stats.metrics[-1]["households"]
        notes = [] if got == self.households else [f"imported {got} of {self.households} households"]
        return Verdict(
            stats.median <= TARGET_S and not notes,
            None,
            {"households": got, "households_per_s": round(self.households / stats.median)},
            notes,
        )

    def teardown(self) -> None:
        if hasattr(self, "inv"):
            self.inv.close()
        if hasattr(self, "db"):
            self.ctx.drop_copy(self.db)
        if hasattr(self, "csv"):
            self.csv.unlink(missing_ok=True)


CASE = HouseholdImport
