"""Every page in Chinese: a crawl in headless Chromium as three roles finds no English outside codes, numbers and data.

The crawler follows every link of the menu and of each list's first rows, as the admin, warehouse
staff and an agency officer, in zh-CN. What may be Latin: the codes and names the database holds (items, points,
agencies, batches, users ...), units and a short list of abbreviations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest

import supplies

from .test_browser import ARGS, ARTIFACTS, PASSWORDS, _chromium, server  # noqa: F401  (the server fixture)

pytestmark = pytest.mark.browser

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
ABBREVIATIONS = {
    "CSV",
    "SHA-",  # SHA-256, the digest a submission is checked by: a name, not a word
    "XLSX",
    "JSON",
    "GB",
    "QR",
    "ETA",
    "FEFO",
    "ID",
    "URL",
    "PDF",
    "SVG",
    "API",
    "UTC",
    "GMT",
    "CST",
    "Asia",
    "Shanghai",
    "OK",
    "English",
    "II",
    "III",
    "IV",  # the language switch says English
    "PLAN",
}  # the standard catalog's codes (PLAN14:3.05) in examples
SKIP = (
    "/logout",
    "/language/",
    "/export",
    "/static/",
    "/documents",
    "/download",
    "ajax",
    "/act/",
    "/delete",
    "format=",
)


def data_words(inv: supplies.Inventory) -> set[str]:
    """Every Latin word the data itself holds: codes, names, batches, user names, units."""
    texts: list[str] = []
    texts += [
        f"{x.item} {x.item_name} {x.unit} {x.supply_class} {x.agency} {x.point} {x.point_name} {x.batch}"
        for x in inv.stock.lots(with_stock_only=False)
    ]
    texts += [f"{a.code} {a.name} {a.contact or ''}" for a in inv.agencies.list()]
    texts += [f"{c.code} {c.name} {c.name_en or ''}" for c in inv.classes.list()]
    texts += [f"{i.code} {i.name} {i.name_en or ''} {i.unit} {i.spec or ''}" for i in inv.items.list()]
    texts += [f"{p.code} {p.name} {p.address or ''}" for p in inv.points.list()]
    texts += [u.name for u in inv.users.list()]
    texts += [f"{m.reference or ''} {m.reason or ''}" for m in inv.stock.ledger()]
    texts += [f"{r.requesting_unit or ''} {r.note or ''}" for r in inv.requests.list()]
    return {w for text in texts for w in WORD.findall(text)}


@pytest.fixture
def browser_zh(server: str) -> Iterator[object]:  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=ARGS)
        yield browser, server
        browser.close()


def crawl(browser: object, base: str, user: str, limit: int = 120) -> dict[str, str]:
    """Visible text of every page reachable from the dashboard (menu, list rows, detail pages)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#name", user)
    page.fill("#password", PASSWORDS[user])
    page.click("#login")
    seen: dict[str, str] = {}
    shapes: set[tuple[str, tuple[str, ...]]] = set()
    queue = [base + "/"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        key = urlsplit(url)._replace(fragment="").geturl()
        # One page of each shape (path and the names of its query arguments): the edit form of
        # one agency speaks the language of every agency's edit form.
        shape = (urlsplit(key).path, tuple(sorted(k.split("=")[0] for k in urlsplit(key).query.split("&") if k)))
        if key in seen or shape in shapes:
            continue
        shapes.add(shape)
        response = page.goto(key, wait_until="domcontentloaded")
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            seen[key] = ""
            continue
        seen[key] = page.inner_text("body")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urljoin(key, href or "")
            parts = urlsplit(target)
            if parts.netloc != urlsplit(base).netloc or any(s in target for s in SKIP) or href.startswith("#"):
                continue
            if any(k in parts.query for k in ("sort=", "page_size=", "page=")):
                continue  # one page of each list, in one order, is enough
            target = parts._replace(fragment="").geturl()
            if target not in seen and target not in queue:
                queue.append(target)
    context.close()
    return seen


# The admin reaches every page; warehouse staff and an agency officer see their own narrowed
# variants (a point's, an agency's). A dispatcher's and a viewer's pages are the admin's with fewer
# buttons: the role tests (test_views.py) open each of them.
@pytest.mark.parametrize("user", ["admin", "keeper", "officer"])
def test_every_page_speaks_chinese(browser_zh: tuple[object, str], town: supplies.Inventory, user: str) -> None:
    town.targets.set("TENT12", 100, point="CK-01")
    incident = town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.4, lon=106.6, population=1200)
    rid = town.requests.create(incident.id, lines={"TENT12": 10}, dest_point="TS-02").id
    town.requests.submit(rid)
    browser, base = browser_zh
    allowed = data_words(town) | ABBREVIATIONS
    pages = crawl(browser, base, user)
    assert len(pages) > 5, pages.keys()
    english: dict[str, list[str]] = {}
    for url, body in pages.items():
        words = sorted({w for w in WORD.findall(body) if w not in allowed and w.strip("'’-") not in allowed})
        if words:
            english[url.replace(base, "")] = words
    (ARTIFACTS / f"english-words-{user}.txt").write_text(
        "\n".join(f"{url}: {' '.join(words)}" for url, words in sorted(english.items())), encoding="utf-8"
    )
    assert not english, f"English words on {len(english)} of {len(pages)} pages: {english}"
