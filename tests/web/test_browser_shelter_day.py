"""Issue #14, a shelter's day on a tablet (768 × 1024) in a real headless Chromium, in Chinese.

A request to the shelter is dispatched (through the core); the truck arrives and the shelter's clerk
records the receipt in the web and sees where the stock was booked; twenty households registered
beforehand are served one by one on the distribution page (scan, card, one tap, the search box ready
for the next); one comes back and is refused; the shelter's stock and ledger show the distribution;
a household brings its tent back torn and the clerk records it as needing repair.
Then the same page on a phone (390 × 844) serves one more household without scrolling sideways.

Screenshots are kept in tests/artifacts/web/shelter-*.png. Needs Debian's chromium (see test_browser.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import supplies

from .helpers import served
from .test_browser import ARGS, ARTIFACTS, _chromium

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
CLERK, CLERK_PASSWORD = "shelter", "shelter-pass-1"
HOUSEHOLDS = 20
QUILT, TENT = "PLAN14:3.05", "PLAN14:3.01"

# The page's width against the screen's: nothing sticks out sideways.
MEASURE = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"


def _members(n: int) -> int:
    return 1 + (n - 1) % 4  # 1, 2, 3, 4, 1, ...: a tent each, a quilt a person


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_PII_KEY", "test-key-for-the-shelter-day")


@pytest.fixture
def day(flood: supplies.Inventory) -> dict[str, int]:
    """The flood county's morning, through the core: the shelter's clerk, an incident with its standards,
    21 households registered, and a request of quilts and tents to the shelter HS-SH01 dispatched."""
    flood.users.add("shelter", role="warehouse", points=["HS-SH01"], password=CLERK_PASSWORD)
    flood.items.update(TENT, reusable=True)  # tents are lent and come back
    disp = flood.as_user("zhangwei")
    incident = disp.incidents.add("羡塘镇洪涝", type="flood", level="IV", lat=25.94, lon=106.56, population=80).id
    disp.entitlements.set(QUILT, per_person=1, incident=incident)
    disp.entitlements.set(TENT, per_household=1, max_members=4, incident=incident)
    for n in range(1, HOUSEHOLDS + 2):
        disp.households.add(
            f"XT-{n:03d}",
            head=f"户主{n:02d}",
            members=_members(n),
            village="新街村" if n % 2 else "断杉村",
            phone=f"13800{n:06d}",
            incident=incident,
        )
    quilts = sum(_members(n) for n in range(1, HOUSEHOLDS + 2))
    rid = disp.requests.create(
        incident, lines={QUILT: quilts + 4, TENT: HOUSEHOLDS + 3}, dest_point="HS-SH01", priority=1
    ).id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)
    disp.requests.dispatch(rid)
    return {"incident": incident, "request": rid}


@pytest.fixture
def server(flood: supplies.Inventory, day: dict[str, int]) -> Iterator[str]:
    with served(flood) as url:
        yield url


@pytest.fixture
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _tab(browser: Any, server: str, viewport: dict[str, int], *, mobile: bool) -> Any:
    """A Chinese-speaking tab of the given size, logged in as the shelter's clerk, that records failures."""
    context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=True, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.problems = problems
    tab.base = server
    tab.goto(server + "/login")
    tab.fill("#name", CLERK)
    tab.fill("#password", CLERK_PASSWORD)
    tab.click("#login")
    tab.wait_for_url(re.compile(r".*/$"))
    return tab


def _shot(p: Any, name: str) -> None:
    p.screenshot(path=str(ARTIFACTS / f"shelter-{name}.png"), full_page=True)


def _big_enough(p: Any, selector: str) -> None:
    """A touch target: 48 px high at least (and as wide), and within the screen's width."""
    box = p.locator(selector).bounding_box()
    width = p.evaluate("() => window.innerWidth")
    assert box is not None and box["height"] >= 48 and box["width"] >= 48, (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box, width)


def _no_sideways_scroll(p: Any, shot: str) -> None:
    size = p.evaluate(MEASURE)
    _shot(p, shot)
    assert size["scroll"] <= size["inner"], (shot, size)


def _serve(p: Any, number: str) -> str:
    """Scan ``number`` (typed, then Enter, as a scanner does), check the card, tap once; the banner's text."""
    p.fill("#household-search", number)
    p.press("#household-search", "Enter")
    p.wait_for_selector(f"#household[data-number='{number}']")
    p.click("#give")
    banner = p.wait_for_selector("#given").inner_text()
    assert number in banner
    # Ready for the next household: the search box has the focus again.
    # (autofocus is applied once the page has loaded: on a busy machine a moment after the banner shows)
    p.wait_for_function("() => document.activeElement && document.activeElement.id === 'household-search'")
    return str(banner)


def _tent_returned_damaged(p: Any, inv: supplies.Inventory, day: dict[str, int]) -> None:
    """Household XT-001 brings its tent back torn: the clerk records it as needing repair; the tent
    goes into the shelter's repair lot (never handed out again as it is) and the loan is closed."""
    out_before = {x.household: x.out for x in inv.returns.loans(incident=day["incident"]) if x.item == TENT}
    assert out_before["XT-001"] == 1
    p.goto(p.base + "/dispatch/returns/")
    p.select_option("#point", "HS-SH01")
    p.fill("#household", "XT-001")
    p.select_option("#item", TENT)
    p.fill("#qty", "1")
    p.select_option("#condition", "repair")
    p.fill("#incident", str(day["incident"]))
    p.click("#record-return")
    p.wait_for_selector(".alert-success")
    _shot(p, "return")
    assert "XT-001" not in {x.household for x in inv.returns.loans(incident=day["incident"]) if x.item == TENT}
    repair = [lot for lot in inv.stock.lots(point="HS-SH01", item=TENT) if lot.batch.endswith("-REPAIR")]
    assert [(lot.on_hand, lot.mode) for lot in repair] == [(1, "repair")]
    # The loans table on the page no longer lists the household's tent.
    assert "XT-001" not in p.inner_text("#loans")


def test_a_shelter_day_on_a_tablet(browser: Any, server: str, flood: supplies.Inventory, day: dict[str, int]) -> None:
    incident, rid = day["incident"], day["request"]
    p = _tab(browser, server, TABLET, mobile=False)

    # The truck arrives: the clerk records the receipt and sees the lots booked at the shelter.
    p.goto(f"{p.base}/dispatch/requests/details/?id={rid}")
    p.click("#record-receipt")
    p.wait_for_selector(".alert-success")
    detail = flood.requests.show(rid)
    assert detail.status == "received" and detail.arrivals
    shown = [
        tuple(cell.strip() for cell in row.split("\t"))
        for row in p.locator("#arrivals tbody tr").evaluate_all("rows => rows.map(r => r.innerText)")
    ]
    assert [(r[0], r[1], r[2], int(r[3]), r[4]) for r in shown] == [
        (a.point, a.item, a.batch, a.quantity, str(a.expires) if a.expires else "—") for a in detail.arrivals
    ]
    _shot(p, "receipt")

    # The distribution page: the point and incident chosen once, then twenty households one by one.
    p.goto(p.base + "/distribution/")
    p.click("#place-summary")  # chosen already (the clerk's only point, the only open incident): opened to change
    p.select_option("#place-point", "HS-SH01")
    p.select_option("#place-incident", str(incident))
    p.click("#place-save")
    p.wait_for_selector("#household-search:focus")
    for selector in ("#household-search", "#search", "#place-save"):
        _big_enough(p, selector)
    before = {(x.item, x.batch): x.on_hand for x in flood.stock.lots(point="HS-SH01")}
    for n in range(1, HOUSEHOLDS + 1):
        number = f"XT-{n:03d}"
        if n == 1:
            p.fill("#household-search", number)
            p.press("#household-search", "Enter")
            card = p.wait_for_selector("#household")
            assert "138****" in card.inner_text() and f"13800{n:06d}" not in card.inner_text()  # masked
            assert p.locator(".due-line").count() == 2
            _big_enough(p, "#give")
            _big_enough(p, ".give-qty >> nth=0")
            _no_sideways_scroll(p, "card")
            p.fill("#collector", "代领人张三")  # 代领: someone collects for the household
            p.click("#give")
            p.wait_for_selector("#given")
        else:
            _serve(p, number)
    _shot(p, "served")
    given = {(d.item, d.received) for n in range(1, HOUSEHOLDS + 1) for d in flood.distribution.due(f"XT-{n:03d}")}
    assert all(received > 0 for _item, received in given)
    assert flood.distribution.history("XT-001", incident=incident)[0].collector == "代领人张三"

    # One household comes back: the core refuses, nothing is written.
    lines = len(flood.stock.ledger())
    p.fill("#household-search", "XT-005")
    p.press("#household-search", "Enter")
    p.wait_for_selector("#nothing-due")
    p.click("#give")
    refusal = p.wait_for_selector("#refusal").inner_text()
    assert "XT-005" in refusal
    assert len(flood.stock.ledger()) == lines and len(flood.distribution.history("XT-005")) == 1
    _shot(p, "refused")

    # The shelter's ledger shows a distribution line per household and item; its stock went down as much.
    p.goto(p.base + "/stock/ledger/?search=" + f"household:{incident}/")
    rows = p.locator("table.model-list tbody tr")
    assert rows.count() == 2 * HOUSEHOLDS
    assert all("发放" in t for t in rows.all_inner_texts())
    out = sum(_members(n) for n in range(1, HOUSEHOLDS + 1))
    after = {(x.item, x.batch): x.on_hand for x in flood.stock.lots(point="HS-SH01")}
    assert sum(v for (item, _b), v in before.items() if item == QUILT) - out == sum(
        v for (item, _b), v in after.items() if item == QUILT
    )
    p.goto(p.base + "/stock/lots/?search=HS-SH01")
    _shot(p, "stock")

    _tent_returned_damaged(p, flood, day)
    assert p.problems == []

    # The same page on a phone: one more household, nothing sticking out sideways.
    phone = _tab(browser, server, PHONE, mobile=True)
    phone.goto(phone.base + "/distribution/")
    _no_sideways_scroll(phone, "phone-search")
    phone.fill("#household-search", f"XT-{HOUSEHOLDS + 1:03d}")
    phone.press("#household-search", "Enter")
    phone.wait_for_selector("#household")
    _no_sideways_scroll(phone, "phone-card")
    _big_enough(phone, "#give")
    _big_enough(phone, "#household-search")
    phone.click("#give")
    phone.wait_for_selector("#given")
    _no_sideways_scroll(phone, "phone-given")
    assert len(flood.distribution.history(f"XT-{HOUSEHOLDS + 1:03d}")) == 1
    assert phone.problems == []
