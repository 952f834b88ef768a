"""A flood day in a real headless Chromium, in Chinese: a request typed as rows, approved, previewed, allocated,
its pick lists printed, each share dispatched by its own clerk, received with a difference, and closed.

Screenshots are kept in tests/artifacts/web/ (dispatch-*.png). Needs Debian's chromium (see test_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import supplies

from .helpers import PASSWORDS, served
from .test_browser import ARGS, ARTIFACTS, _chromium

pytestmark = pytest.mark.browser


@pytest.fixture
def flood_server(flood: supplies.Inventory) -> Iterator[str]:
    """The app over the flood-day county (CSRF on, as in production) on a free loopback port."""
    with served(flood) as url:
        yield url


@pytest.fixture
def zh_page(flood_server: str) -> Iterator[object]:
    """A Chinese-speaking browser tab (Accept-Language zh-CN) that records console errors and failed requests."""
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        problems: list[str] = []
        tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        tab.problems = problems  # type: ignore[attr-defined]
        tab.base = flood_server  # type: ignore[attr-defined]
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def _shot(p: object, name: str) -> None:
    p.screenshot(path=str(ARTIFACTS / f"dispatch-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _login(p: object, name: str) -> None:
    p.goto(p.base + "/login")  # type: ignore[attr-defined]
    p.fill("#name", name)  # type: ignore[attr-defined]
    p.fill("#password", PASSWORDS[name])  # type: ignore[attr-defined]
    p.click("#login")  # type: ignore[attr-defined]
    p.wait_for_url(re.compile(r".*/$"))  # type: ignore[attr-defined]


def _logout(p: object) -> None:
    # A click on the menu before its script has bound (a busy machine) opens nothing: wait, then retry.
    p.wait_for_load_state("load")  # type: ignore[attr-defined]
    for _ in range(3):
        p.click("#user-menu")  # type: ignore[attr-defined]
        if _shown(p, "#logout"):
            break
    p.click("#logout")  # type: ignore[attr-defined]
    p.wait_for_url(re.compile(r".*/login$"))  # type: ignore[attr-defined]


def _shown(p: object, selector: str) -> bool:
    try:
        p.wait_for_selector(selector, state="visible", timeout=3000)  # type: ignore[attr-defined]
    except Exception:  # playwright's TimeoutError: not shown yet
        return False
    return True


def _choose(p: object, row: int, typed: str, code: str) -> None:
    """Open the code field of row ``row`` (1-based), type ``typed`` and pick ``code`` from what is found."""
    p.click(f"#line-rows tbody tr:nth-child({row}) .select2-choice")  # type: ignore[attr-defined]
    p.fill(".select2-drop-active:visible input.select2-input", typed)  # type: ignore[attr-defined]
    p.click(f".select2-drop-active:visible .select2-results li:has-text('{code}')")  # type: ignore[attr-defined]


def _paste(p: object, selector: str, text: str) -> None:
    """Paste ``text`` into the (visible) element, as Ctrl+V from a spreadsheet does."""
    p.evaluate(
        """([selector, text]) => {
        const target = [...document.querySelectorAll(selector)].find(e => e.offsetParent !== null);
        target.focus();
        const data = new DataTransfer();
        data.setData('text/plain', text);
        target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""",
        [selector, text],
    )  # type: ignore[attr-defined]


def _share(p: object, rid: int, clerk: str, name: str) -> str:
    _login(p, clerk)
    p.goto(f"{p.base}/dispatch/requests/details/?id={rid}")  # type: ignore[attr-defined]
    shown = p.inner_text("#share")  # type: ignore[attr-defined]
    _shot(p, name)
    p.click("#dispatch-share")  # type: ignore[attr-defined]
    p.wait_for_selector(".alert-success")  # type: ignore[attr-defined]
    _logout(p)
    return shown


def test_a_flood_day_from_request_to_closing(zh_page: object, flood: supplies.Inventory) -> None:
    p: object = zh_page
    flood.as_user("zhangwei").incidents.add(
        "羡塘镇洪涝", type="flood", level="IV", lat=25.94, lon=106.56, population=3000
    )
    _login(p, "zhangwei")
    assert "调拨" in p.inner_text("nav")  # type: ignore[attr-defined]

    # The request: rows found by typing part of a code or a Chinese name, and rows pasted from a spreadsheet.
    p.goto(p.base + "/dispatch/requests/new/")  # type: ignore[attr-defined]
    _choose(p, 1, "棉被", "PLAN14:3.05")
    assert p.evaluate("document.activeElement.name") == "rows-qty"  # type: ignore[attr-defined]
    p.keyboard.type("300")  # type: ignore[attr-defined]
    p.click("#line-add")  # type: ignore[attr-defined]
    p.fill(".select2-drop-active:visible input.select2-input", "plan14:1.2")  # type: ignore[attr-defined]
    p.click(".select2-drop-active:visible .select2-results li:has-text('PLAN14:1.2.01')")  # type: ignore[attr-defined]
    p.fill("#line-rows tbody tr:nth-child(2) .line-qty", "2000")  # type: ignore[attr-defined]
    # Two rows copied from a spreadsheet, pasted into the code field of a new row: one is read, one is not.
    p.click("#line-add")  # type: ignore[attr-defined]
    _paste(p, ".select2-drop-active input.select2-input", "PLAN14:3.01\t20\n棉大衣\t5\n")
    p.wait_for_selector("#paste-problems")  # type: ignore[attr-defined]
    assert p.locator("#line-rows tbody tr").count() == 3  # type: ignore[attr-defined]
    assert "PLAN14:3.01" in p.inner_text("#line-rows tbody tr:nth-child(3)")  # type: ignore[attr-defined]
    assert p.input_value("#line-rows tbody tr:nth-child(3) .line-qty") == "20"  # type: ignore[attr-defined]
    assert "棉大衣" in p.input_value("#lines")  # the line that could not be read stays  # type: ignore[attr-defined]
    _shot(p, "01-request-rows")
    p.fill("#lines", "")  # type: ignore[attr-defined]
    _paste(p, "#lines", "PLAN14:3.01：7")  # what is pasted into the paste box becomes a row too
    p.wait_for_selector("#line-rows tbody tr:nth-child(4)", state="attached")  # type: ignore[attr-defined]
    p.wait_for_function("document.querySelector('#line-rows tbody tr:nth-child(4) .line-qty').value === '7'")  # type: ignore[attr-defined]
    assert p.input_value("#line-rows tbody tr:nth-child(4) input.line-code") == "PLAN14:3.01"  # type: ignore[attr-defined]
    assert p.input_value("#lines") == ""  # type: ignore[attr-defined]
    for _ in range(2):
        p.click("#line-rows tbody tr:nth-child(3) .line-remove")  # type: ignore[attr-defined]
    assert p.locator("#line-rows tbody tr").count() == 2  # type: ignore[attr-defined]
    p.select_option("#dest_point", "HS-SH01")  # type: ignore[attr-defined]
    p.fill("#priority", "1")  # type: ignore[attr-defined]
    p.fill("#requesting_unit", "羡塘镇人民政府")  # type: ignore[attr-defined]
    p.click("form.admin-form input[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_url(re.compile(r".*/details/\?id=\d+"))  # type: ignore[attr-defined]
    rid = int(p.url.rsplit("=", 1)[1])  # type: ignore[attr-defined]
    lines = p.inner_text("#request-lines")  # type: ignore[attr-defined]
    assert "PLAN14:3.05" in lines and "PLAN14:1.2.01" in lines and "PLAN14:3.01" not in lines
    assert "草稿" in p.inner_text("#request-status")  # type: ignore[attr-defined]

    # Submit, approve, preview, allocate.
    p.click("#step-submit")  # type: ignore[attr-defined]
    p.click("#step-approve")  # type: ignore[attr-defined]
    p.wait_for_selector("#preview-allocation")  # type: ignore[attr-defined]
    before = len(flood.stock.ledger())
    p.click("#preview-allocation")  # type: ignore[attr-defined]
    preview = p.inner_text("#preview-rows")  # type: ignore[attr-defined]
    assert "HS-TS02" in preview and "HS-CK01" in preview and "2024-SW-05" in preview
    assert len(flood.stock.ledger()) == before and flood.requests.show(rid).status == "approved"
    _shot(p, "02-preview")
    p.click("#allocate-now")  # type: ignore[attr-defined]
    p.wait_for_selector("#print-picks")  # type: ignore[attr-defined]
    assert flood.requests.show(rid).status == "allocated"

    # The pick lists, ready to print.
    p.goto(p.base + p.get_attribute("#print-picks", "href"))  # type: ignore[attr-defined]
    assert p.locator("section.sheet").count() == 3 and p.locator(".qr svg").count() == 3  # type: ignore[attr-defined]
    assert p.locator(".signature.receiver").count() == 3  # type: ignore[attr-defined]
    _shot(p, "03-pick-lists")
    p.emulate_media(media="print")  # type: ignore[attr-defined]
    assert not p.is_visible(".toolbar")  # type: ignore[attr-defined]
    p.emulate_media(media="screen")  # type: ignore[attr-defined]
    p.goto(p.base + "/")  # type: ignore[attr-defined]
    _logout(p)

    # Each share by its own clerk: the water bureau's sandbags, the depot's quilts, the township's quilts.
    assert "2000" in _share(p, rid, "weizm", "04-officer-share")
    assert "HS-CK01" in _share(p, rid, "lina", "05-depot-share")
    assert "HS-TS02" in _share(p, rid, "yangfan", "06-township-share")
    assert flood.requests.show(rid).status == "dispatched"

    # Receipt at the shelter: ten quilts short. Then the request is closed.
    _login(p, "zhangwei")
    p.goto(f"{p.base}/dispatch/requests/details/?id={rid}")  # type: ignore[attr-defined]
    p.fill(".recv-qty[data-item='PLAN14:3.05']", "290")  # type: ignore[attr-defined]
    _shot(p, "07-receipt")
    p.click("#record-receipt")  # type: ignore[attr-defined]
    p.wait_for_selector(".alert-warning")  # type: ignore[attr-defined]
    assert "290" in p.inner_text(".alert-warning")  # type: ignore[attr-defined]
    assert "-10" in p.inner_text("#request-lines")  # type: ignore[attr-defined]
    p.click("#step-close")  # type: ignore[attr-defined]
    p.wait_for_selector(".alert-success")  # type: ignore[attr-defined]
    assert "已关闭" in p.inner_text("#request-status")  # type: ignore[attr-defined]
    _shot(p, "08-closed")
    detail = flood.requests.show(rid)
    assert detail.status == "closed" and {ln.code: ln.received for ln in detail.lines} == {
        "PLAN14:3.05": 290,
        "PLAN14:1.2.01": 2000,
    }
    assert flood.stock.verify().ok
    assert p.problems == []  # type: ignore[attr-defined]
