"""Many people at once: the web admin served by ``supplies serve`` on PostgreSQL, driven by Locust.

The preparation (untimed) clones the dataset on the server, adds an open flood incident, a
dispatcher for the load and the lots to book on, and starts ``supplies serve``. Each level of
simulated users (10, 50, 200) is then a headless Locust run in its own process
(``bench/load_driver.py``) with a flood day's mix: 60% lots pages and filters, 15% the ledger, 10%
receipts and issues, 10% dispatch (create, submit, approve, allocate), 5% the dashboard.
Afterwards ``verify`` must find the ledger and the balances agreeing, and no lot oversold.

A simulated person waits :data:`THINK_S` (3 to 8 seconds, evenly) between two clicks: the time to
read a page of 50 lots, pick a filter or fill in a receipt. A person on a web page clicks every
few seconds; the earlier 1 to 2 seconds made 50 users a steady 33 requests a second, the load of
some 200 real people, on a server whose two cores also run the load generator. 50 users now ask
for about 9 pages a second. Each level runs :data:`SECONDS` (60 at county and province scale), so
the 95th percentile at 50 users rests on some 500 requests, not on the 180 a shorter run gives.
The server runs as the README's province deployment says: ``supplies serve --workers N`` with a
process per core (gunicorn; ``SUPPLIES_BENCH_WEB_WORKERS`` overrides, 1 is the single waitress
process), 8 threads each. The figures count from the moment every person is logged in (each
log-in's Argon2 hash costs a quarter of a second of processor on purpose); the wait for that is
reported as ``login_wait_s``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

from ..harness import Case, Context, NotMeasured, Sample, Stats, Verdict
from .process import console_script
from .scenario import FLOOD_LINES, flood_incident, township_depots

LEVELS = {"tiny": (10, 20), "county": (10, 50, 200), "province": (10, 50, 200)}
SECONDS = {"tiny": 5, "county": 60, "province": 60}
THINK_S = (3.0, 8.0)  # between two clicks of one person (see the module's docstring)
TARGET_P95_MS = 300  # at 50 users, with no errors
# `supplies serve --workers`: one process per core (SUPPLIES_BENCH_WEB_WORKERS overrides; 1 is waitress).
WORKERS = int(os.environ.get("SUPPLIES_BENCH_WEB_WORKERS", "0"))
LOAD_USER, LOAD_PASSWORD = "load-dispatcher", "bench-load-password-1"


class WebLoad(Case):
    name = "web_load"
    title = "the web admin under 10 / 50 / 200 simulated users (Locust), a flood day's mix"
    target = f"at 50 users: p95 ≤ {TARGET_P95_MS} ms and 0 errors; verify clean, nothing oversold afterwards"
    needs = ("locust", "webadmin", "psycopg")
    backends = ("postgresql",)
    max_runs = 1  # one pass over the levels: its figures are percentiles over thousands of requests
    needs_warm_up = False

    def setup(self, ctx: Context) -> None:
        import supplies

        self.ctx, data = ctx, ctx.dataset
        self.url = ctx.private_copy(data, "web_load")
        admin = supplies.open(self.url, user=data.manifest["admin"])
        try:
            admin.users.add(LOAD_USER, role="dispatcher", password=LOAD_PASSWORD)
            towns = township_depots(admin)
            dest = towns[len(towns) // 2]
            incident = flood_incident(admin, dest)
            lots = admin.stock.lots(with_stock_only=True, limit=400)
        finally:
            admin.close()
        county_lots = [lot for lot in lots if lot.on_hand > 100][:50]
        points = sorted({lot.point for lot in county_lots})[:5]
        items = sorted({lot.item for lot in county_lots})[:5]
        self.plan = {
            "staff": (data.manifest["admin"], data.manifest["admin_password"]),
            "dispatcher": (LOAD_USER, LOAD_PASSWORD),
            "think_s": list(THINK_S),
            "incident": incident,
            "dest": dest,
            "request_lines": [(code, 5) for code, _ in FLOOD_LINES[:3]],
            "stock_pairs": [(lot.point, lot.item) for lot in county_lots],
            "browse_urls": ["/stock/lots/", "/stock/lots/?page=2"]
            + [f"/stock/lots/?search={code}" for code in items]
            + [f"/stock/lots/?flt0_0={code}" for code in points],
            "ledger_urls": ["/stock/ledger/", "/stock/ledger/?page=2"]
            + [f"/stock/ledger/?search={code}" for code in points],
        }
        self.levels = LEVELS.get(ctx.scale.name, LEVELS["province"])
        self.seconds = SECONDS.get(ctx.scale.name, 20)
        port = _free_port()
        self.host = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "SUPPLIES_DATABASE_URL": self.url,
            "SUPPLIES_SECRET_KEY": "bench-web-load",
            "SUPPLIES_PII_KEY": os.environ.get("SUPPLIES_PII_KEY", "bench-relief-key"),
            "SUPPLIES_LOGIN_MAX_FAILURES": "1000",
        }
        # Served as the README's province deployment says: a process per core, 8 threads each.
        self.workers = WORKERS or os.cpu_count() or 1
        argv = [console_script("supplies"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--workers", str(self.workers), "--threads", "8"]
        self.server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.host + "/login", timeout=2).close()
                break
            except OSError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    raise NotMeasured("`supplies serve` did not answer within 60 s") from None
                time.sleep(0.3)

    def run(self) -> Sample:
        levels: dict[str, Any] = {}
        for users in self.levels:
            plan = {**self.plan, "host": self.host, "users": users, "spawn_rate": max(5, users // 4)}
            plan["seconds"] = self.seconds
            path = self.ctx.workdir / f"load-{users}.json"
            path.write_text(json.dumps(plan, ensure_ascii=False))
            self.ctx.log(f"web_load: {users} users for {self.seconds} s")
            done = subprocess.run(
                [sys.executable, "-m", "bench.load_driver", str(path)], capture_output=True, text=True, timeout=600
            )
            if done.returncode != 0:
                raise RuntimeError(f"the load driver failed: {done.stderr[-800:]}")
            levels[str(users)] = json.loads(done.stdout.strip().splitlines()[-1])
        # The books after the load (the copy is dropped at teardown, before judging).
        from sqlalchemy import text

        import supplies

        inv = supplies.open(self.url, user=self.ctx.dataset.manifest["admin"])
        try:
            differences = len(inv.stock.verify().differences)
            with inv.engine.connect() as conn:
                oversold = conn.execute(
                    text("SELECT count(*) FROM stock_lot WHERE on_hand < 0 OR reserved > on_hand OR reserved < 0")
                ).scalar()
        finally:
            inv.close()
        p95 = (levels.get("50") or levels[str(self.levels[-1])])["p95_ms"] / 1000
        metrics = {"levels": levels, "differences": differences, "oversold": oversold, "web_workers": self.workers}
        return Sample(seconds=p95, metrics=metrics)

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        last = stats.metrics[-1]
        levels, differences, oversold = last["levels"], last["differences"], last["oversold"]
        fifty = levels.get("50") or levels[str(self.levels[-1])]
        notes = [f"{u} users: {', '.join(level['errors'])}" for u, level in levels.items() if level["errors"]]
        passed = fifty["p95_ms"] <= TARGET_P95_MS and fifty["failures"] == 0 and differences == 0 and oversold == 0
        metrics = {
            "levels": levels,
            "verify_differences": differences,
            "oversold_lots": oversold,
            "web_workers": last.get("web_workers"),
        }
        return Verdict(passed, None, metrics, notes)

    def teardown(self) -> None:
        if hasattr(self, "server"):
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
        if hasattr(self, "url"):
            self.ctx.drop_copy(self.url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CASE = WebLoad
