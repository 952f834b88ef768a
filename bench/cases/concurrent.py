"""Eight dispatchers allocating at once on PostgreSQL, for three items whose stock covers a third of the demand.

Each dispatcher is its own process with its own connections (as eight people at eight desks),
allocating ten approved requests, earliest strategy, for real (reservations written). Before
every run the previous run's requests are cancelled (releasing their stock) and eighty fresh
requests are approved. After every run the reservations are checked against the stock each lot
had free: a unit reserved twice would show as oversold; ``verify`` must hold too.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
import time
from collections import defaultdict
from contextlib import ExitStack
from typing import Any

from ..harness import Case, Context, Sample, Stats, Verdict
from .process import high_water_kb

WORKERS = 8
PER_WORKER = 10
SCARCE = ("PLAN14:3.01", "PLAN14:1.2.03", "PLAN14:1.2.13")  # tents, life jackets, water pumps
DEMAND_OVER_SUPPLY = 3

_inv: Any = None  # each worker process's inventory


def _start_worker(url: str, counter: Any) -> None:
    """Pool initializer: open the database as the next dispatcher (dispatcher-1 .. dispatcher-8)."""
    global _inv
    import supplies

    with counter.get_lock():
        counter.value += 1
        n = counter.value
    _inv = supplies.open(url, user=f"dispatcher-{(n - 1) % WORKERS + 1}")


def _allocate_all(request_ids: list[int]) -> dict[str, Any]:
    from supplies.errors import SuppliesError

    done = units = failed = 0
    last = ""
    for rid in request_ids:
        try:
            plan = _inv.requests.allocate(rid, strategy="earliest")
        except SuppliesError as exc:
            failed += 1
            last = f"{type(exc).__name__}: {exc}"
            continue
        done += 1
        units += sum(r.quantity for r in plan.rows)
    return {
        "allocated": done,
        "units": units,
        "failed": failed,
        "rss_mb": high_water_kb(os.getpid()) / 1024,
        **({"error": last} if failed else {}),
    }


class ConcurrentAllocators(Case):
    name = "concurrent"
    title = "8 concurrent allocators on PostgreSQL, scarce stock"
    target = "0 oversold units; allocations per second reported"
    needs = ("supplies.services.dispatch.commands", "psycopg")
    backends = ("postgresql",)  # its own database on the server, whatever the dataset

    def setup(self, ctx: Context) -> None:
        import supplies

        from ..generate import populate
        from ..pg import postgres_database
        from ..scales import SCALES

        self.stack = ExitStack()
        try:
            self.url = self.stack.enter_context(postgres_database())
            base = supplies.open(self.url, upgrade=True)
            self.stack.callback(base.close)
            populate(base, SCALES["tiny"], ctx.seed)
            self.inv = base.as_user("dispatcher-1")
            self.admin = base.as_user("bench")
            self.rng = random.Random(ctx.seed)
            self.towns = [p.code for p in self.inv.points.list(level="township", kind="depot")]
            incident = self.towns[0]
            p = self.inv.points.get(incident)
            self.incident = self.inv.incidents.add(
                "基准测试 多乡镇洪涝",
                type="flood",
                level="II",
                lat=p.lat,
                lon=p.lon,
                population=80_000,
                region_code=p.region_code,
            ).id
            self.previous: list[int] = []
            counter = multiprocessing.get_context("spawn").Value("i", 0)
            self.pool = multiprocessing.get_context("spawn").Pool(WORKERS, _start_worker, (self.url, counter))
            self.stack.callback(self.pool.terminate)
        except BaseException:
            self.stack.close()
            raise

    def before_run(self) -> None:
        for rid in self.previous:
            self.inv.requests.cancel(rid, reason="benchmark run over")
        free = self._free()
        per_line = {
            code: max(
                1,
                math.ceil(
                    DEMAND_OVER_SUPPLY * sum(f for (c, _), f in free.items() if c == code) / (WORKERS * PER_WORKER)
                ),
            )
            for code in SCARCE
        }
        self.free_before = {lot: f for (_, lot), f in free.items()}
        self.batches = []
        for _ in range(WORKERS):
            ids = []
            for _ in range(PER_WORKER):
                rid = self.inv.requests.create(
                    self.incident,
                    lines=list(per_line.items()),
                    dest_point=self.rng.choice(self.towns),
                    priority=self.rng.randint(1, 5),
                ).id
                self.inv.requests.submit(rid)
                self.inv.requests.approve(rid)
                ids.append(rid)
            self.batches.append(ids)
        self.previous = [rid for ids in self.batches for rid in ids]

    def _free(self) -> dict[tuple[str, int], int]:
        return {(v.item, v.lot_id): v.free for code in SCARCE for v in self.inv.stock.lots(item=code) if v.free > 0}

    def run(self) -> Sample:
        t0 = time.perf_counter()
        outcomes = self.pool.map(_allocate_all, self.batches, chunksize=1)
        seconds = time.perf_counter() - t0
        reserved: dict[int, int] = defaultdict(int)
        for rid in self.previous:
            for row in self.inv.requests.show(rid).allocations:
                if row.status == "reserved":
                    reserved[row.lot_id] += row.quantity
        oversold = sum(max(0, q - self.free_before.get(lot, 0)) for lot, q in reserved.items())
        allocated = sum(o["allocated"] for o in outcomes)
        errors = [o["error"] for o in outcomes if o.get("error")]
        return Sample(
            seconds,
            peak_rss_mb=max(o["rss_mb"] for o in outcomes),
            metrics={
                "allocations": allocated,
                "failed": sum(o["failed"] for o in outcomes),
                "allocations_per_s": round(allocated / seconds, 1),
                "units_reserved": sum(reserved.values()),
                "units_free_before": sum(self.free_before.values()),
                "oversold_units": oversold,
                "ledger_ok": self.admin.stock.verify().ok,
                **({"error": errors[0]} if errors else {}),
            },
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        oversold = sum(m["oversold_units"] for m in stats.metrics)
        ledger_ok = all(m["ledger_ok"] for m in stats.metrics)
        rates = sorted(m["allocations_per_s"] for m in stats.metrics)
        last = stats.metrics[-1]
        notes = []
        if oversold:
            notes.append(f"{oversold} units oversold")
        if not ledger_ok:
            notes.append("verify found balances that disagree with the ledger")
        if any(m["failed"] for m in stats.metrics):
            notes.append(f"some allocations failed: {next(m['error'] for m in stats.metrics if m.get('error'))}")
        return Verdict(
            not oversold and ledger_ok,
            None,
            {
                "workers": WORKERS,
                "requests_per_run": WORKERS * PER_WORKER,
                "oversold_units": oversold,
                "allocations_per_s_median": rates[len(rates) // 2],
                "units_reserved": last["units_reserved"],
                "units_free_before": last["units_free_before"],
                "failed": sum(m["failed"] for m in stats.metrics),
                "ledger_ok": ledger_ok,
            },
            notes,
        )

    def teardown(self) -> None:
        self.stack.close()


CASE = ConcurrentAllocators
