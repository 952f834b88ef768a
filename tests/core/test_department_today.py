"""Expiry counts the department's days: at 04:00 in China the UTC date is still yesterday.

The clock is moved in one place, the ``datetime`` that :func:`supplies.config.local_today` reads, so
each check goes through the real conversion to the department's time zone (Asia/Shanghai). Lots
expire on the department's yesterday, today and tomorrow; each is classified as the department sees
it, where the machine's (UTC) date put every one of them a day later.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import supplies
import supplies.config
from supplies.config import local_today

# 20:00 UTC on 2 December is 04:00 on 3 December in Shanghai.
MOMENT = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)  # the department's
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def early_morning_in_china(monkeypatch: pytest.MonkeyPatch) -> None:
    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return MOMENT.astimezone(tz) if tz else MOMENT.replace(tzinfo=None)

    monkeypatch.setenv("SUPPLIES_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setattr(supplies.config, "datetime", Clock)
    assert (MOMENT.date(), local_today()) == (YESTERDAY, TODAY)  # the two dates differ, as at 04:00 in China


@pytest.fixture
def three_days(county: supplies.Inventory) -> supplies.Inventory:
    """Quilts at CK-01 expiring on the department's yesterday (the UTC date), today and tomorrow."""
    county.stock.receive("CK-01", "QUILT", 1, batch="YESTERDAY", expires_on=YESTERDAY, historical=True)
    county.stock.receive("CK-01", "QUILT", 2, batch="TODAY", expires_on=TODAY)
    county.stock.receive("CK-01", "QUILT", 4, batch="TOMORROW", expires_on=TOMORROW)
    return county


def test_receiving_stock_that_expired_yesterday_in_china_needs_historical(county: supplies.Inventory) -> None:
    with pytest.raises(supplies.InvalidInput) as err:
        county.stock.receive("CK-01", "QUILT", 1, batch="OLD", expires_on=YESTERDAY)
    assert err.value.field == "expires_on"


def test_expiring_within_counts_from_the_departments_today(three_days: supplies.Inventory) -> None:
    assert [x.batch for x in three_days.stock.expiring(0)] == ["YESTERDAY", "TODAY"]
    assert [x.batch for x in three_days.stock.lots(expiring_within_days=1)] == ["YESTERDAY", "TODAY", "TOMORROW"]


def test_the_expiry_report_gives_days_left_in_the_departments_days(three_days: supplies.Inventory) -> None:
    rows = three_days.reports.expiry(days=1).rows
    assert [(r["batch"], r["days_left"], r["action"]) for r in rows] == [
        ("YESTERDAY", -1, "expired"),
        ("TODAY", 0, "rotate_now"),
        ("TOMORROW", 1, "rotate_now"),
    ]
    assert [r["batch"] for r in three_days.reports.expiry(days=0).rows] == ["YESTERDAY", "TODAY"]


def test_the_stock_report_counts_yesterdays_lot_as_expired(three_days: supplies.Inventory) -> None:
    quilts = next(r for r in three_days.reports.stock().rows if (r["point"], r["item"]) == ("CK-01", "QUILT"))
    assert (quilts["on_hand"], quilts["expired"], quilts["nearest_expiry"]) == (7, 1, YESTERDAY)


def test_readiness_leaves_out_what_expired_yesterday_in_china(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    inv.catalog.load_standard("CIV")
    inv.points.add("A", "就地储备点", level="township", lat=30.0, lon=110.0, region_code="420102001")
    inv.stock.receive("A", "PLAN14:3.05", 50, batch="old", expires_on=YESTERDAY, historical=True)  # quilts
    inv.stock.receive("A", "PLAN14:3.05", 30, batch="last-day", expires_on=TODAY)

    def bedding() -> float:
        report = inv.readiness.check(30.0, 110.0, population=100)
        return next(n for n in report.needs if n.need == "bedding").reachable

    assert bedding() == 30  # the lot good through today counts; yesterday's does not
