"""The API's interactive page (Swagger UI from the swagger-ui-bundle package) draws every operation with no internet."""

from __future__ import annotations

import pytest

import supplies
from tests.web.helpers import served
from tests.web.test_browser import ARGS, _chromium

pytestmark = pytest.mark.browser


def test_the_docs_page_lists_the_operations_offline(inv: supplies.Inventory) -> None:
    from playwright.sync_api import sync_playwright

    with served(inv) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=ARGS)
        page = browser.new_page()
        outside: list[str] = []
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(url)
                else (outside.append(route.request.url), route.abort())
            ),
        )
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{url}/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = {e.inner_text().replace("\u200b", "") for e in page.query_selector_all(".opblock-summary-path")}
        browser.close()
    assert {"/api/v1/lots", "/api/v1/requests/{id}/allocate", "/api/v1/readiness"} <= paths
    assert not errors and not outside, (errors, outside)
