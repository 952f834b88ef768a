"""A page of 100 lots through the HTTP API by cursor, deep in a province's lots, served through the Flask test client.

Paging by cursor (the lot id) costs the same at any depth: the page asked starts halfway through the
lots table. SQL statements are counted at page sizes 10 and 100: they must not grow with the page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..harness import Case, Context, NotMeasured, Sample, Stats, Verdict

TARGET_S = 0.050
PAGE = 100


class ApiLotsPage(Case):
    name = "api_lots_page"
    title = "HTTP API: one page of 100 lots by cursor, halfway through the province's lots"
    target = "median ≤ 50 ms server-side; SQL statements do not grow with the page size"
    needs = ("webadmin", "flask", "flask_smorest")
    ratio_of = "SQL statements for a page of 100 / for a page of 10"

    def setup(self, ctx: Context) -> None:
        from sqlalchemy import event

        from supplies.models import StockLot
        from webadmin import create_app

        data = ctx.dataset
        self.app = create_app(data.url, SECRET_KEY="bench-only", API_RATE_PER_MINUTE=0)
        inv = self.app.extensions["supplies"]
        self.engine = inv.engine
        token = inv.as_user(data.manifest["admin"]).tokens.create(expires_days=1, label="bench").token
        self.headers = {"Authorization": f"Bearer {token}"}
        with self.engine.connect() as conn:
            self.cursor = int(conn.execute(select(func.max(StockLot.id))).scalar() or 0) // 2
        self.statements = 0
        event.listen(self.engine, "before_cursor_execute", self._count)
        self.client = self.app.test_client()
        self.per_page = {size: self._page(size)[1] for size in (10, PAGE)}

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def _page(self, size: int) -> tuple[int, int]:
        self.statements = 0
        url = f"/api/v1/lots?cursor={self.cursor}&limit={size}"
        reply = self.client.get(url, headers=self.headers)
        if reply.status_code != 200:
            raise NotMeasured(f"GET {url} answered HTTP {reply.status_code}")
        return len(reply.get_json()["items"]), self.statements

    def run(self) -> Sample:
        rows, statements = self._page(PAGE)
        return Sample(metrics={"rows": rows, "statements": statements})

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        q10, q100 = self.per_page[10], self.per_page[PAGE]
        notes = [] if q100 <= q10 else [f"{q100} SQL statements for a page of {PAGE}, {q10} for a page of 10"]
        return Verdict(
            stats.median <= TARGET_S and not notes,
            q100 / q10,
            {"statements_page_10": q10, f"statements_page_{PAGE}": q100, "rows": stats.metrics[-1]["rows"]},
            notes,
        )

    def teardown(self) -> None:
        from sqlalchemy import event

        if hasattr(self, "engine"):
            event.remove(self.engine, "before_cursor_execute", self._count)
            self.engine.dispose()


CASE = ApiLotsPage
