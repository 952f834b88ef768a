"""The web admin on a phone (390 × 844): the stock list, the stock forms, a lot and a request fit the screen, buttons in reach.

Screenshots are kept in tests/artifacts/web/phone-*.png. Needs Debian's chromium, like
test_browser.py (skipped without it, except in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import supplies

from .helpers import PASSWORDS, served
from .test_browser import ARGS, ARTIFACTS, _chromium

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The page's width against the screen's, and the main container's (Flask-Admin's body container).
MEASURE = """() => {
  const main = document.querySelector('body > .container-fluid, body > .container');
  const box = main.getBoundingClientRect();
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          main: box.width, left: box.left, right: box.right};
}"""


@pytest.fixture
def server(town: supplies.Inventory) -> Iterator[str]:
    with served(town) as url:
        yield url


@pytest.fixture
def phone(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        tab = context.new_page()
        problems: list[str] = []
        tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        tab.problems = problems
        tab.base = server
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def _login(p: Any, name: str) -> None:
    p.goto(p.base + "/login")
    p.fill("#name", name)
    p.fill("#password", PASSWORDS[name])
    p.click("#login")


def _fits(p: Any, shot: str) -> None:
    size = p.evaluate(MEASURE)
    p.screenshot(path=str(ARTIFACTS / f"phone-{shot}.png"), full_page=True)
    # A phone widens its layout viewport to content that overflows, so the screen's own width is the bound too.
    assert size["inner"] == PHONE["width"], (shot, size)
    assert size["scroll"] <= size["inner"], (shot, size)
    assert size["left"] >= 0 and size["right"] <= size["inner"] and size["main"] <= size["inner"], (shot, size)


def _in_reach(p: Any, selector: str) -> None:
    """Every element matching ``selector`` is visible and, scrolled to, lies within the screen's width."""
    found = p.locator(selector)
    assert found.count() > 0, selector
    for i in range(found.count()):
        element = found.nth(i)
        element.scroll_into_view_if_needed()
        assert element.is_visible(), (selector, i)
        box = element.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, i, box)


def test_stock_pages_fit_a_phone(phone: Any, town: supplies.Inventory) -> None:
    p = phone
    for n in range(3):
        town.stock.receive("CK-01", "QUILT", 10 + n, batch=f"2025-HS-长批次号-{n:02d}", reference="入库单2025-118")
    lot = town.stock.lots(point="CK-01", item="TENT12")[0].lot_id
    _login(p, "keeper")
    p.goto(p.base + "/stock/lots/")
    _fits(p, "lots")
    _in_reach(p, "table.model-list tbody tr:first-child .list-buttons-column a")
    for path, shot in [
        ("/stock/actions/receive", "receive"),
        (f"/stock/actions/issue?lot={lot}", "issue-lot"),
        ("/stock/actions/transfer", "transfer"),
        ("/stock/actions/count", "count"),
    ]:
        p.goto(p.base + path)
        _fits(p, shot)
        _in_reach(p, "#submit-action")
        _in_reach(p, "ul.nav-tabs a.nav-link.active")
    p.goto(p.base + f"/stock/lots/details/?id={lot}")
    _fits(p, "lot")
    _in_reach(p, "#lot-actions a")
    # The menu opens from its button and shows the stock pages.
    p.click("button.navbar-toggler")
    p.locator("#admin-navbar-collapse").wait_for(state="visible")
    assert p.problems == []


def test_a_request_fits_a_phone(phone: Any, town: supplies.Inventory) -> None:
    p = phone
    incident = town.incidents.add(
        "河口镇洪涝灾害应急响应", type="flood", level="III", lat=26.4, lon=106.6, population=1200
    )
    rid = town.requests.create(incident.id, lines={"TENT12": 10, "QUILT": 20, "SANDBAG": 300}, dest_point="TS-02").id
    _login(p, "admin")
    p.goto(p.base + f"/dispatch/requests/details/?id={rid}")
    _fits(p, "request")
    _in_reach(p, "body > .container-fluid > :not(nav) form button[type=submit]")  # its next steps
    assert p.problems == []
