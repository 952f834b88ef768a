"""The web_load case's load generator: Locust, headless, in its own process; prints its figures as JSON.

Run by ``bench/cases/web_load.py`` as ``python -m bench.load_driver PLAN.json``. Locust patches
the standard library for gevent when it is imported, so it runs apart from the benchmark process
(and from the server it loads). The plan names the host, the users, the duration and what the
simulated people work on (``WebLoad.setup`` prepares it).
"""

from __future__ import annotations

import json
import random
import re
import sys
from itertools import count
from typing import Any

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
KINDS = ("browse", "ledger", "stock", "dispatch", "dashboard")


def main() -> None:
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    plan: dict[str, Any] = json.loads(open(sys.argv[1], encoding="utf-8").read())  # noqa: SIM115
    serial = count(1)
    logged_in: list[int] = []  # one entry per simulated person whose log-in is done

    class Person(HttpUser):
        """Someone logged in to the web admin: their session, its CSRF token, and how a reply is judged."""

        abstract = True
        host = plan["host"]
        wait_time = between(*plan["think_s"])
        who, form = "staff", "/stock/actions/receive"

        def on_start(self) -> None:
            self.rng = random.Random()
            user, password = plan[self.who]
            page = self.client.get("/login", name="login").text
            reply = self.client.post(
                "/login",
                data={"name": user, "password": password, "csrf_token": _token(page)},
                name="login",
                allow_redirects=False,
            )
            if reply.status_code != 302:
                raise RuntimeError(f"log-in refused: HTTP {reply.status_code}")
            self.csrf = _token(self.client.get(self.form, name="login").text)
            logged_in.append(1)

        def _get(self, url: str, kind: str) -> None:
            with self.client.get(url, name=kind, catch_response=True) as reply:
                if reply.status_code != 200 or "/login" in reply.url:
                    reply.failure(f"HTTP {reply.status_code}")

        def _post(self, url: str, data: dict[str, str], kind: str) -> None:
            with self.client.post(
                url, data={**data, "csrf_token": self.csrf}, name=kind, allow_redirects=False, catch_response=True
            ) as reply:
                # A service's refusal shows the form again (200, with the message) or redirects with a
                # flash: only a server error, a log-in page or a refused token is a failure.
                if reply.status_code >= 400 or "/login" in reply.headers.get("Location", ""):
                    reply.failure(f"HTTP {reply.status_code}")

    class Staff(Person):
        """Warehouse and office staff (nine in ten): lots and filters, the ledger, receipts and issues, the dashboard."""

        weight = 9

        @task(60)
        def browse(self) -> None:
            self._get(self.rng.choice(plan["browse_urls"]), "browse")

        @task(15)
        def ledger(self) -> None:
            self._get(self.rng.choice(plan["ledger_urls"]), "ledger")

        @task(10)
        def stock(self) -> None:
            point, item = self.rng.choice(plan["stock_pairs"])
            if self.rng.random() < 0.5:
                data = {"point": point, "item": item, "qty": "5", "batch": f"LOAD-{next(serial)}", "mode": "physical"}
                self._post("/stock/actions/receive", data, "stock")
            else:
                self._post("/stock/actions/issue", {"point": point, "item": item, "qty": "1"}, "stock")

        @task(5)
        def dashboard(self) -> None:
            self._get("/", "dashboard")

    class Dispatcher(Person):
        """A dispatcher (one in ten): creates a request, submits, approves and allocates it."""

        weight = 1
        who, form = "dispatcher", "/dispatch/requests/new/"

        @task
        def dispatch(self) -> None:
            lines = "\n".join(f"{code} {qty}" for code, qty in plan["request_lines"])
            data = {"incident": str(plan["incident"]), "lines": lines, "dest_point": plan["dest"], "priority": "2"}
            with self.client.post(
                "/dispatch/requests/new/",
                data={**data, "csrf_token": self.csrf},
                name="dispatch",
                allow_redirects=False,
                catch_response=True,
            ) as reply:
                found = re.search(r"id=(\d+)", reply.headers.get("Location", ""))
                if reply.status_code != 302 or not found:
                    reply.failure(f"create: HTTP {reply.status_code}")
                    return
            rid = found.group(1)
            for step in ("submit", "approve", "allocate"):
                extra = {"strategy": "earliest"} if step == "allocate" else {}
                self._post(f"/dispatch/requests/act/{rid}/{step}", extra, "dispatch")

    env = Environment(user_classes=[Staff, Dispatcher])
    runner = env.create_local_runner()
    runner.start(plan["users"], spawn_rate=plan["spawn_rate"])
    # Everyone logged in before the figures count (a log-in's password hash is slow on purpose).
    waited = 0.0
    while len(logged_in) < plan["users"] and waited < plan.get("login_timeout_s", 180):
        gevent.sleep(0.5)
        waited += 0.5
    env.stats.reset_all()
    gevent.sleep(plan["seconds"])
    runner.quit()
    out: dict[str, Any] = {"users": plan["users"], "seconds": plan["seconds"], "kinds": {}}
    out["logged_in"], out["login_wait_s"] = len(logged_in), waited
    total = env.stats.total
    out["requests"], out["failures"] = total.num_requests, total.num_failures
    out["rps"] = round(total.num_requests / plan["seconds"], 1)
    for kind in KINDS:
        merged = [e for (name, _), e in env.stats.entries.items() if name == kind]
        if not merged:
            continue
        first = merged[0]
        for other in merged[1:]:
            first.extend(other)
        out["kinds"][kind] = {
            "requests": first.num_requests,
            "failures": first.num_failures,
            "p50_ms": first.get_response_time_percentile(0.5),
            "p95_ms": first.get_response_time_percentile(0.95),
            "p99_ms": first.get_response_time_percentile(0.99),
        }
    out["p95_ms"] = total.get_response_time_percentile(0.95)
    out["errors"] = [f"{e.name}: {e.error} ×{e.occurrences}" for e in list(env.stats.errors.values())[:5]]
    print(json.dumps(out))


def _token(page: str) -> str:
    found = _TOKEN.search(page)
    return (found.group(1) or found.group(2)) if found else ""


if __name__ == "__main__":
    main()
