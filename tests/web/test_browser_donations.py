"""Donations in a real headless Chromium: a keeper receives a donation through the form, and the
public disclosure page shows it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import supplies

from .test_browser import _chromium, _login, _shot
from .test_browser import page as page  # the fixture: Chromium on the app's server
from .test_browser import server as server

pytestmark = pytest.mark.browser


@pytest.fixture
def donors(town: supplies.Inventory) -> Iterator[supplies.Inventory]:
    town.donors.add("D-CO", "贵州某商贸有限公司", kind="company", contact="13800000000")
    town.donors.add("D-ANON", "王五", anonymous=True)
    yield town


def test_a_donation_received_in_the_web_is_disclosed(donors: supplies.Inventory, page: object) -> None:
    _chromium()
    p: object = page
    _login(p, "keeper")
    p.goto(p.base + "/stock/donations/")  # type: ignore[attr-defined]
    p.click("#receive-donation")  # type: ignore[attr-defined]
    p.fill("#donor", "D-NOPE")  # type: ignore[attr-defined]
    p.fill("#point", "CK-01")  # type: ignore[attr-defined]
    p.fill("#item", "QUILT")  # type: ignore[attr-defined]
    p.fill("#qty", "120")  # type: ignore[attr-defined]
    p.fill("#certificate", "JZ-BR-1")  # type: ignore[attr-defined]
    p.click("#donation-form button[type=submit]")  # type: ignore[attr-defined]
    # Bad input: said, the form kept, nothing received.
    assert p.input_value("#certificate") == "JZ-BR-1"  # type: ignore[attr-defined]
    assert "D-NOPE" in p.inner_text(".alert-danger")  # type: ignore[attr-defined]
    assert donors.donations.list() == []
    p.fill("#donor", "D-CO")  # type: ignore[attr-defined]
    p.select_option("#triage", "urgent")  # type: ignore[attr-defined]
    _shot(p, "donation-01-receive-form")
    with p.expect_navigation():  # type: ignore[attr-defined]
        p.click("#donation-form button[type=submit]")  # type: ignore[attr-defined]
    assert "received" in p.inner_text(".alert-success")  # type: ignore[attr-defined]
    assert "JZ-BR-1" in p.inner_text("#donations")  # type: ignore[attr-defined]

    # The anonymous donor's unusable goods: recorded, no stock.
    p.click("#receive-donation")  # type: ignore[attr-defined]
    for field, value in (("#donor", "D-ANON"), ("#point", "CK-01"), ("#item", "TENT12"), ("#qty", "3")):
        p.fill(field, value)  # type: ignore[attr-defined]
    p.select_option("#triage", "unusable")  # type: ignore[attr-defined]
    p.fill("#reason", "破损")  # type: ignore[attr-defined]
    with p.expect_navigation():  # type: ignore[attr-defined]
        p.click("#donation-form button[type=submit]")  # type: ignore[attr-defined]
    assert "received" in p.inner_text(".alert-success")  # type: ignore[attr-defined]

    # The disclosure shows the donor's goods, never the contact.
    from playwright.sync_api import expect

    with p.expect_navigation():  # type: ignore[attr-defined]
        p.click("#disclosure-link")  # type: ignore[attr-defined]
    row = p.locator("#disclosure-rows tr.donor-row")  # type: ignore[attr-defined]
    expect(row).to_have_count(1)
    cells = row.first.inner_text()
    assert "贵州某商贸有限公司" in cells and "120" in cells
    page_text = p.inner_text("body")  # type: ignore[attr-defined]
    assert "13800000000" not in page_text and "王五" not in page_text
    _shot(p, "donation-02-disclosure")
    assert p.problems == []  # type: ignore[attr-defined]
    assert donors.stock.verify().ok
