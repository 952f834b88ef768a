"""Issue #17, the map in a real headless Chromium: drawn offline from the GeoJSON layers, and over tiles when a tile
server is configured (a dummy one on loopback here, answering every /z/x/y.png with a PNG).

Screenshots are kept in tests/artifacts/web/map-*.png. Needs Debian's chromium (see test_browser.py).
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import supplies

from .helpers import PASSWORDS, served
from .test_browser import ARGS, ARTIFACTS, _chromium

pytestmark = pytest.mark.browser


def _png(size: int = 256) -> bytes:
    """A plain light-blue square: what a tile server would send (zlib and struct, no imaging library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xcc\xe0\xf5" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tile server on a free loopback port: every /z/x/y.png is a PNG; the paths asked for are recorded."""
    tile, asked = _png(), []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if re.fullmatch(r"/\d+/\d+/\d+\.png", self.path):
                asked.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)
            else:
                self.send_error(404)

        def log_message(self, *args: Any) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", asked
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _tab(browser: Any, base: str) -> Any:
    """A Chinese-speaking tab logged in as the admin, recording console errors and failed requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.problems = problems
    tab.goto(base + "/login")
    tab.fill("#name", "admin")
    tab.fill("#password", PASSWORDS["admin"])
    tab.click("#login")
    tab.wait_for_url(re.compile(r".*/$"))
    return tab


def test_the_map_draws_the_places_offline_and_over_tiles(
    browser: Any, town: supplies.Inventory, tile_server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.42, lon=106.62, population=1200)

    # No tile server configured (no internet): the points, the incident and the townships are drawn alone.
    monkeypatch.delenv("SUPPLIES_MAP_TILES", raising=False)
    with served(town) as base:
        p = _tab(browser, base)
        p.wait_for_selector("#supply-map[data-ready='1']")  # the dashboard's map
        assert p.locator("#supply-map path.map-point").count() == 3
        p.goto(base + "/map/")
        p.wait_for_selector("#supply-map[data-ready='1']")
        assert p.locator("path.map-point").count() == 3
        assert p.locator("path.map-incident").count() == 1
        assert p.locator("path.map-township").count() == 2  # one point each: drawn at the point
        assert p.locator("img.leaflet-tile").count() == 0
        assert "地图库" in p.inner_text(".leaflet-control-attribution")
        assert not re.search(r"[A-Za-z]{3,}", p.inner_text(".leaflet-control-layers"))
        p.locator("path.map-point").first.dispatch_event("click")  # a point's popup: its stock by class
        assert re.search(r"CK-01 .*LIVING\s+40", p.inner_text(".leaflet-popup-content"), re.S)
        # Which points can deliver to the incident within 1.8 hours: the two nearest, drawn as rings.
        p.select_option("#reach-incident", str(incident.id))
        p.fill("#reach-hours", "1.8")
        p.click("#reach-show")
        p.wait_for_selector("path.map-reach")
        assert p.locator("path.map-reach").count() == 2
        assert p.inner_text("#reach-result").startswith("2 个储备点")
        p.screenshot(path=str(ARTIFACTS / "map-offline.png"))
        assert p.problems == []
        p.context.close()

    # A tile server configured: tiles are asked for and shown under the same places.
    url, asked = tile_server
    monkeypatch.setenv("SUPPLIES_MAP_TILES", url + "/{z}/{x}/{y}.png")
    with served(town) as base:
        p = _tab(browser, base)
        p.goto(base + "/map/")
        p.wait_for_selector("#supply-map[data-ready='1']")
        p.wait_for_selector("img.leaflet-tile-loaded")
        assert asked, "no tile was requested"
        assert p.locator("img.leaflet-tile-loaded").count() >= 1
        assert p.locator("path.map-point").count() == 3
        p.screenshot(path=str(ARTIFACTS / "map-tiles.png"))
        assert p.problems == []
        p.context.close()
