"""The web admin in a real headless Chromium: log in, receive stock, see it, switch to Chinese, log out.

Screenshots of the main pages are kept in tests/artifacts/web/. Needs Debian's chromium
(`make browser` installs it); without it these tests skip, except in CI (CI=true) where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

import supplies

from .helpers import PASSWORDS, served

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        message = "chromium is not installed (make browser installs Debian's chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def server(town: supplies.Inventory) -> Iterator[str]:
    """The app (CSRF on, as in production) on a free loopback port, in a background thread."""
    with served(town) as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        tab = context.new_page()
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        tab.problems = problems  # type: ignore[attr-defined]
        tab.base = server  # type: ignore[attr-defined]
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def _shot(page: object, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _login(page: object, name: str) -> None:
    page.goto(page.base + "/login")  # type: ignore[attr-defined]
    page.fill("#name", name)  # type: ignore[attr-defined]
    page.fill("#password", PASSWORDS[name])  # type: ignore[attr-defined]
    # The menus open by script: wait for the next page's load, when its scripts have run (the
    # dashboard also loads the map's, which on a busy machine takes a moment).
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.click("#login")  # type: ignore[attr-defined]


def test_receive_stock_see_it_switch_to_chinese_and_log_out(page: object, town: supplies.Inventory) -> None:
    p: object = page
    p.goto(p.base + "/")  # type: ignore[attr-defined]
    assert p.url.startswith(p.base + "/login")  # type: ignore[attr-defined]
    _shot(p, "01-login")
    _login(p, "keeper")
    assert p.locator("h4").first.inner_text().startswith("Dashboard")  # type: ignore[attr-defined]

    # Receive a delivery through the form.
    p.click("text=Stock")  # type: ignore[attr-defined]
    p.click("a.dropdown-item:has-text('Stock actions')")  # type: ignore[attr-defined]
    p.select_option("#point", "CK-01")  # type: ignore[attr-defined]
    p.select_option("#item", "QUILT")  # type: ignore[attr-defined]
    p.fill("#qty", "250")  # type: ignore[attr-defined]
    p.fill("#batch", "2026-07")  # type: ignore[attr-defined]
    p.fill("#expires_on", (date.today() + timedelta(days=20)).isoformat())  # type: ignore[attr-defined]
    p.fill("#reference", "DN-0711")  # type: ignore[attr-defined]
    _shot(p, "02-receive-form")
    p.click("#submit-action")  # type: ignore[attr-defined]

    # The list shows the new lot, and the ledger has exactly one new line for it.
    assert "/stock/lots/" in p.url  # type: ignore[attr-defined]
    assert "1 ledger line written" in p.inner_text(".alert-success")  # type: ignore[attr-defined]
    row = p.locator("table.model-list tr:has-text('2026-07')")  # type: ignore[attr-defined]
    assert "QUILT" in row.inner_text() and "250" in row.inner_text()
    _shot(p, "03-lots-after-receipt")
    receipts = [m for m in town.stock.ledger() if m.reference == "DN-0711"]
    assert [(m.kind, m.qty, m.actor) for m in receipts] == [("receive", 250, "keeper")]

    # The dashboard counts it among the lots expiring within 30 days and in the class's stock.
    p.click("a.nav-link:has-text('Dashboard')")  # type: ignore[attr-defined]
    p.wait_for_selector("#expiry-counts .big-number")  # type: ignore[attr-defined]
    counts = p.locator("#expiry-counts .big-number").all_inner_texts()  # type: ignore[attr-defined]
    assert counts == ["0", "1", "1"]  # expired, within 30 days, within 90 days
    assert "290" in p.inner_text("#stock-by-class")  # 40 tents + 250 quilts  # type: ignore[attr-defined]
    p.wait_for_selector("#supply-map[data-ready='1']")  # type: ignore[attr-defined]
    assert p.locator("#supply-map path.map-point").count() == 1  # the keeper's own point only  # type: ignore[attr-defined]
    _shot(p, "04-dashboard")

    # The ledger page.
    p.goto(p.base + "/stock/ledger/")  # type: ignore[attr-defined]
    assert "DN-0711" in p.inner_text("table.model-list")  # type: ignore[attr-defined]
    _shot(p, "05-ledger")

    # Switch to Chinese: back on the same page, menus, labels and Flask-Admin's own words change.
    p.click(".language-switch a:has-text('中文')")  # type: ignore[attr-defined]
    assert "/stock/ledger/" in p.url and "概览" in p.inner_text("nav")  # type: ignore[attr-defined]
    assert "业务类型" in p.inner_text("table.model-list") and "入库" in p.inner_text("table.model-list")  # type: ignore[attr-defined]
    p.goto(p.base + "/")  # type: ignore[attr-defined]
    assert "按类别的库存与储备目标" in p.inner_text("body")  # type: ignore[attr-defined]
    _shot(p, "06-dashboard-zh")
    p.goto(p.base + "/stock/lots/")  # type: ignore[attr-defined]
    body = p.inner_text("body")  # type: ignore[attr-defined]
    assert "库存批次" in body and "储备点" in body and "添加筛选器" in body and "入库" in body
    _shot(p, "07-lots-zh")
    p.goto(p.base + "/stock/actions/receive")  # type: ignore[attr-defined]
    assert "储备方式" in p.inner_text("form.admin-form")  # type: ignore[attr-defined]
    _shot(p, "08-receive-form-zh")

    # Log out from the user menu (on a busy machine a click before the menu's script binds opens nothing).
    p.wait_for_load_state("load")  # type: ignore[attr-defined]
    for _ in range(3):
        p.click("#user-menu")  # type: ignore[attr-defined]
        try:
            p.wait_for_selector("#logout", state="visible", timeout=3000)  # type: ignore[attr-defined]
            break
        except Exception:  # playwright's TimeoutError: try the menu again
            continue
    p.click("#logout")  # type: ignore[attr-defined]
    assert p.url.endswith("/login")  # type: ignore[attr-defined]
    assert "您已退出" in p.inner_text("body")  # type: ignore[attr-defined]
    p.goto(p.base + "/stock/lots/")  # type: ignore[attr-defined]
    assert "/login" in p.url  # type: ignore[attr-defined]
    assert p.problems == []  # type: ignore[attr-defined]


def test_bad_input_is_explained_and_the_form_kept(page: object, town: supplies.Inventory) -> None:
    p: object = page
    _login(p, "keeper")
    before = len(town.stock.ledger())
    p.goto(p.base + "/stock/actions/issue")  # type: ignore[attr-defined]
    p.select_option("#item", "TENT12")  # type: ignore[attr-defined]
    p.fill("#batch", "T1")  # type: ignore[attr-defined]
    p.fill("#qty", "41")  # type: ignore[attr-defined]
    p.click("#submit-action")  # type: ignore[attr-defined]
    assert "Quantity: lot T1 has 40 free" in p.inner_text(".alert-danger")  # type: ignore[attr-defined]
    assert p.input_value("#qty") == "41" and p.input_value("#batch") == "T1"  # type: ignore[attr-defined]
    _shot(p, "09-issue-refused")
    assert len(town.stock.ledger()) == before
    assert p.problems == []  # type: ignore[attr-defined]


def test_admin_pages_render(page: object, town: supplies.Inventory) -> None:
    p: object = page
    town.targets.set("TENT12", 100, point="CK-01")
    incident = town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.4, lon=106.6, population=1200)
    rid = town.requests.create(incident.id, lines={"TENT12": 10}, dest_point="TS-02").id
    _login(p, "admin")
    for name, path in [
        ("10-points", "/points/"),
        ("11-agencies", "/catalog/agencies/"),
        ("12-class-tree", "/catalog/tree/"),
        ("13-items", "/catalog/items/"),
        ("14-targets", "/catalog/targets/"),
        ("15-requests", "/dispatch/requests/"),
        ("16-request-detail", f"/dispatch/requests/details/?id={rid}"),
        ("17-users", "/users/"),
        ("18-dashboard-admin", "/"),
    ]:
        p.goto(p.base + path)  # type: ignore[attr-defined]
        assert p.locator("nav").count() == 1  # type: ignore[attr-defined]
        _shot(p, name)
    assert p.problems == []  # type: ignore[attr-defined]
