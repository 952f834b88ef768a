"""On a phone (390 × 844): open a pump's page, record its service, see it serviceable and counted ready again."""

from __future__ import annotations

from typing import Any

import pytest

import supplies

from .helpers import PASSWORDS, served
from .test_browser import ARGS, ARTIFACTS, _chromium

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def pump(town: supplies.Inventory) -> str:
    town.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)
    got = town.units.receive("CK-01", "PUMP", ["P-1", "P-2"])
    town.maintenance.plan("PUMP", every_days=30, tasks=["试运行30分钟"], grace_days=5)
    town.maintenance.record("P-1", result="defect", note="漏油")
    return got.units[0].asset_no


def test_record_a_service_on_a_phone(town: supplies.Inventory, pump: str) -> None:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with served(town) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        p: Any = context.new_page()
        problems: list[str] = []
        p.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        try:
            p.goto(base + "/login")
            p.fill("#name", "keeper")
            p.fill("#password", PASSWORDS["keeper"])
            p.click("#login")
            p.goto(base + "/")
            assert "1 / 2" in p.inner_text("#equipment-readiness")
            p.goto(base + f"/stock/equipment/unit/{pump}")  # where the label's QR code leads
            assert p.inner_text("#unit-status").strip() == "待保养"
            button = p.locator("#service-ok")
            box = button.bounding_box()
            assert box is not None and box["height"] >= 48 and box["x"] + box["width"] <= PHONE["width"]
            p.fill("#note", "换密封圈，试运行正常")
            button.click()
            p.wait_for_selector("#unit-status")
            assert p.inner_text("#unit-status").strip() == "完好"
            p.screenshot(path=str(ARTIFACTS / "phone-equipment-unit.png"), full_page=True)
            p.goto(base + "/")
            assert "2 / 2" in p.inner_text("#equipment-readiness")
            assert problems == []
        finally:
            context.close()
            browser.close()
    assert town.units.show("P-1").unit.status == "serviceable"
    assert town.stock.verify().ok
