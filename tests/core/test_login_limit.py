"""The log-in limit of the core (inv.login_limit): counts per name and address, windows and locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

import supplies
from supplies.models import LoginAttempt

WINDOW = timedelta(seconds=60)


def test_counts_per_name_and_address_and_forgets_after_the_window(inv: supplies.Inventory) -> None:
    limit, now = inv.login_limit, datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    limit.failed("Keeper", "10.0.0.1", max_failures=2, window=WINDOW, now=now)
    assert limit.locked_for("keeper", "10.0.0.1", window=WINDOW, now=now) == 0
    limit.failed("keeper", "10.0.0.1", max_failures=2, window=WINDOW, now=now)
    assert limit.locked_for("keeper", "10.0.0.1", window=WINDOW, now=now) == 60
    assert limit.locked_for("keeper", "10.0.0.2", window=WINDOW, now=now) == 0
    later = now + timedelta(seconds=61)
    assert limit.locked_for("keeper", "10.0.0.1", window=WINDOW, now=later) == 0
    limit.failed("keeper", "10.0.0.1", max_failures=2, window=WINDOW, now=later)
    assert limit.locked_for("keeper", "10.0.0.1", window=WINDOW, now=later) == 0  # a new window began
    limit.succeeded("keeper", "10.0.0.1")
    limit.failed("keeper", "10.0.0.1", max_failures=2, window=WINDOW, now=later)
    assert limit.locked_for("keeper", "10.0.0.1", window=WINDOW, now=later) == 0


def test_neither_the_name_nor_the_address_is_stored_and_stale_pairs_are_forgotten(inv: supplies.Inventory) -> None:
    now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    for n in range(5):
        inv.login_limit.failed(f"sprayed-{n}", "10.9.9.9", window=WINDOW, now=now)
    inv.login_limit.failed("keeper", "10.0.0.1", window=WINDOW, now=now + timedelta(minutes=5))
    with Session(inv.engine) as s:
        rows = s.exec(select(LoginAttempt)).all()
    assert len(rows) == 1  # the sprayed names' windows were over: gone
    assert "keeper" not in rows[0].key and "10.0.0.1" not in rows[0].key and len(rows[0].key) == 64
