"""The web admin's list of stock lots, one page of 50, served through the Flask test client (server side only).

SQL statements are counted with a ``before_cursor_execute`` listener at page sizes 10 and 50: a
list that issues a query per row would show more statements on the bigger page, and a page may
issue at most :data:`MAX_STATEMENTS` (SQLite's ``BEGIN`` included): the user's row, the page with
its count, and the scoped user's jurisdictions. The runs are a person paging on: the filters'
option lists and the jurisdiction bar come from the process's short-lived cache
(``webadmin.lookups``), as they do for every page after a process's first.
"""

from __future__ import annotations

from typing import Any

from ..generate import Dataset
from ..harness import Case, Context, NotMeasured, Sample, Stats, Verdict

TARGET_S = 0.050
MAX_STATEMENTS = 5
URL = "/stock/lots/"
PAGE = 50


class WebLots(Case):
    name = "web_lots"
    title = "web admin list of lots, one page of 50"
    target = f"median ≤ 50 ms server-side; ≤ {MAX_STATEMENTS} SQL statements, not growing with the page size"
    needs = ("webadmin", "flask")
    ratio_of = "SQL statements for a page of 50 / for a page of 10"

    def setup(self, ctx: Context) -> None:
        from sqlalchemy import event

        from webadmin import create_app

        data = ctx.dataset
        self.app = create_app(data.url, SECRET_KEY="bench-only", WTF_CSRF_ENABLED=False)
        self.engine = self.app.extensions["supplies"].engine
        self.statements = 0
        event.listen(self.engine, "before_cursor_execute", self._count)
        self.client = self.app.test_client()
        name, password = self.credentials(data)
        reply = self.client.post("/login", data={"name": name, "password": password})
        if reply.status_code != 302:
            raise NotMeasured(f"could not log in to the web admin (HTTP {reply.status_code})")
        self.view = next((v for v in self.app.extensions["admin"][0]._views if v.endpoint == "lots"), None)
        if self.view is None:
            raise NotMeasured("the web admin has no view with endpoint 'lots'")
        # The process's first page fills its cache of option lists and the jurisdiction bar: counted apart.
        self.first_page = self._page(PAGE)[1]
        self.per_page = {size: self._page(size)[1] for size in (10, PAGE)}
        self.view.page_size = PAGE

    def credentials(self, data: Dataset) -> tuple[str, str]:
        """Who reads the list: the installation's admin, who sees every lot."""
        return data.manifest["admin"], data.manifest["admin_password"]

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def _page(self, size: int) -> tuple[int, int]:
        self.view.page_size = size
        self.statements = 0
        reply = self.client.get(URL)
        if reply.status_code != 200:
            raise NotMeasured(f"GET {URL} answered HTTP {reply.status_code}")
        return len(reply.data), self.statements

    def run(self) -> Sample:
        size, statements = self._page(PAGE)
        return Sample(metrics={"bytes": size, "statements": statements})

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        q10, q50 = self.per_page[10], self.per_page[PAGE]
        notes = [] if q50 <= q10 else [f"{q50} SQL statements for a page of {PAGE}, {q10} for a page of 10"]
        if q50 > MAX_STATEMENTS:
            notes.append(f"{q50} SQL statements for a page, more than {MAX_STATEMENTS}")
        return Verdict(
            stats.median <= TARGET_S and not notes,
            q50 / q10,
            {
                "statements_page_10": q10,
                f"statements_page_{PAGE}": q50,
                "statements_first_page": self.first_page,
                "bytes": stats.metrics[-1]["bytes"],
            },
            notes,
        )

    def teardown(self) -> None:
        from sqlalchemy import event

        if hasattr(self, "engine"):
            event.remove(self.engine, "before_cursor_execute", self._count)
            self.engine.dispose()


CASE = WebLots
