"""A requisition in a real headless Chromium, in Chinese: recorded by the dispatcher, partly used, given back in part
(good and damaged), compensated for the rest, approved and paid by an admin, off the dashboard when paid.

Screenshots are kept in tests/artifacts/web/ (requisition-*.png). Needs Debian's chromium (see test_browser.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

import supplies

from .test_browser import ARTIFACTS
from .test_browser_dispatch import _login, _logout, flood_server, zh_page

pytestmark = pytest.mark.browser

__all__ = ["flood_server", "zh_page"]  # the fixtures, used by name


def _shot(p: object, name: str) -> None:
    p.screenshot(path=str(ARTIFACTS / f"requisition-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_a_requisition_given_back_in_part_and_compensated_for_the_rest(
    flood: supplies.Inventory, zh_page: object
) -> None:
    p = zh_page
    _login(p, "zhangwei")
    p.goto(p.base + "/dispatch/requisitions/new")  # type: ignore[attr-defined]
    p.fill("#owner", "惠水县某建材有限公司")  # type: ignore[attr-defined]
    p.select_option("#owner_kind", "company")  # type: ignore[attr-defined]
    p.fill("#owner_id", "91350100M000100Y43")  # type: ignore[attr-defined]
    p.fill("#authority", "惠水县人民政府")  # type: ignore[attr-defined]
    p.fill("#basis", "《中华人民共和国突发事件应对法》第十二条")  # type: ignore[attr-defined]
    p.fill("#point", "HS-CK01")  # type: ignore[attr-defined]
    p.fill("#items", "PLAN14:1.2.01=1000@3\nPLAN14:3.01=4@600/20")  # type: ignore[attr-defined]
    _shot(p, "1-form")
    p.click("#requisition-form button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_selector("#requisition-lines")  # type: ignore[attr-defined]
    zy = int(re.search(r"/show/(\d+)", p.url)[1])  # type: ignore[attr-defined,index]
    assert "征用单 #" in p.inner_text("body")  # type: ignore[attr-defined]

    # 600 sandbags go into the levee (issued from the requisition's lot); the rest comes back.
    flood.stock.issue("HS-CK01", "PLAN14:1.2.01", 600, batch=f"ZY-{zy}", reason="加固堤坝")
    p.reload()  # type: ignore[attr-defined]
    p.fill("#items", "PLAN14:1.2.01=400\nPLAN14:3.01=3")  # type: ignore[attr-defined]
    p.select_option("#condition", "good")  # type: ignore[attr-defined]
    p.click("#return-form button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_selector("#requisition-returns")  # type: ignore[attr-defined]
    p.fill("#items", "PLAN14:3.01=1")  # type: ignore[attr-defined]
    p.select_option("#condition", "damaged")  # type: ignore[attr-defined]
    p.fill("#damage", "PLAN14:3.01=150")  # type: ignore[attr-defined]
    p.click("#return-form button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_selector("#requisition-returns tr:nth-child(3)")  # type: ignore[attr-defined]
    held = p.inner_text("#requisition-lines tbody")  # type: ignore[attr-defined]
    assert "PLAN14:3.01" in held
    p.click("#assess-form button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_selector("#compensation-total")  # type: ignore[attr-defined]
    # 600 × 3 consumed + 4 tents × 1 day × 20 + 150 damage
    assert p.inner_text("#compensation-total") == "2030.00"  # type: ignore[attr-defined]
    assert "已核定" in p.inner_text("#compensation-status")  # type: ignore[attr-defined]
    _shot(p, "2-assessed")
    p.goto(p.base + "/")  # type: ignore[attr-defined]
    assert "惠水县某建材有限公司" in p.inner_text("#requisitions-panel")  # type: ignore[attr-defined]
    _logout(p)

    _login(p, "admin")
    p.goto(p.base + f"/dispatch/requisitions/show/{zy}")  # type: ignore[attr-defined]
    p.click("#approve-form button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_selector("#pay-form")  # type: ignore[attr-defined]
    p.fill("#reference", "国库集中支付 2026-0815")  # type: ignore[attr-defined]
    p.click("#pay-form button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_selector("#compensation-status:has-text('已支付')")  # type: ignore[attr-defined]
    _shot(p, "3-paid")
    p.goto(p.base + "/")  # type: ignore[attr-defined]
    assert "惠水县某建材有限公司" not in p.inner_text("#requisitions-panel")  # type: ignore[attr-defined]
    assert p.problems == []  # type: ignore[attr-defined]

    comp = flood.requisitions.compensation(zy)
    assert (comp.status, comp.total, comp.assessed_by, comp.approved_by, comp.paid_by) == (
        "paid",
        Decimal("2030.00"),
        "zhangwei",
        "admin",
        "admin",
    )
    assert flood.stock.verify().ok
