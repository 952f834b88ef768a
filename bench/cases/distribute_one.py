"""Confirming one household's distribution (发放) at a shelter, as the tablet at the point does, server side.

The preparation (untimed) copies the dataset, adds an open incident in the county with its shelter
stocked and the rules of the incident, and registers 20,000 households (2,000 at tiny scale). Each
run gives the next household what it is due through ``inv.distribution.distribute``: the due
computed from the rules and what it has received, stock taken earliest expiry first, a ledger line
per lot and the distribution recorded, in one transaction. SQL statements are counted: a
distribution issues the same few whatever the size of the register or the ledger.
"""

from __future__ import annotations

import os
from typing import Any

from ..harness import Case, Context, NotMeasured, Sample, Stats, Verdict
from ..relief import prepare, write_register

TARGET_S = 0.050
HOUSEHOLDS = {"tiny": 2_000}  # every other scale: 20,000


class DistributeOne(Case):
    name = "distribute_one"
    title = "confirm one household's distribution at a shelter (register of 20,000)"
    target = "median ≤ 50 ms server side; SQL statements per distribution do not grow with the register"
    needs = ("supplies.services.relief.distribution",)

    def setup(self, ctx: Context) -> None:
        from sqlalchemy import event

        import supplies

        data = ctx.dataset
        county = data.manifest.get("county")
        if not county:
            raise NotMeasured(f"the dataset {data.path.name} names no county (built before generator version 3?)")
        self.ctx = ctx
        self.db = ctx.private_copy(data, "relief")
        os.environ.setdefault("SUPPLIES_PII_KEY", "bench-relief-key")
        self.inv = supplies.open(self.db, user=data.manifest["admin"])
        self.households = HOUSEHOLDS.get(ctx.scale.name, 20_000)
        register = ctx.workdir / "relief-register.csv"
        people = write_register(register, self.households, ctx.seed, county)
        self.relief = prepare(self.inv, county, people=people)
        self.inv.households.import_file(register, incident=self.relief.incident)
        register.unlink()
        self.next = 0
        self.statements = 0
        event.listen(self.inv.engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def run(self) -> Sample:
        self.next += 1
        if self.next > self.households:
            raise NotMeasured("more runs than registered households")
        self.statements = 0
        given = self.inv.distribution.distribute(self.relief.point, f"H{self.next:05d}", incident=self.relief.incident)
        return Sample(metrics={"statements": self.statements, "lines": len(given.lines)})

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        counts = [m["statements"] for m in stats.metrics]
        last = stats.metrics[-1]
        notes = [] if last["lines"] > 0 else ["the distribution gave nothing"]
        return Verdict(
            stats.median <= TARGET_S and not notes,
            None,
            {
                "households": self.households,
                "statements": max(counts),
                "lines": last["lines"],
                "point": self.relief.point,
                "incident": self.relief.incident,
            },
            notes,
        )

    def teardown(self) -> None:
        from sqlalchemy import event

        if hasattr(self, "inv"):
            event.remove(self.inv.engine, "before_cursor_execute", self._count)
            self.inv.close()
        if hasattr(self, "db"):
            self.ctx.drop_copy(self.db)


CASE = DistributeOne
