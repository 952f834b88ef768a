"""A failed operation leaves the database exactly as it was."""

from collections.abc import Callable
from datetime import date

import pytest

import supplies
from supplies.services.stock import commands as stock
from supplies.services.stock import ledger

from .snapshot import snapshot


@pytest.fixture
def stocked(county: supplies.Inventory) -> supplies.Inventory:
    county.stock.receive("CK-01", "TENT12", 10, batch="B1", expires_on=date(2030, 1, 1))
    county.stock.receive("CK-01", "TENT12", 5, batch="B2")
    return county


REFUSED: dict[str, Callable[[supplies.Inventory], object]] = {
    "issue too much": lambda inv: inv.stock.issue("CK-01", "TENT12", 16),
    "wrong agency": lambda inv: inv.stock.receive("CK-01", "TENT12", 1, agency="WAT"),
    "unknown item": lambda inv: inv.stock.receive("CK-01", "NOPE", 1),
    "bad expiry": lambda inv: inv.stock.receive("CK-01", "TENT12", 1, expires_on="31/12/2030"),
    "transfer too much": lambda inv: inv.stock.transfer("CK-01", "TS-01", "TENT12", 11, batch="B1"),
    "rotate into same batch": lambda inv: inv.stock.rotate("CK-01", "TENT12", 1, batch="B1", new_batch="B1"),
    "keeper elsewhere": lambda inv: inv.as_user("keeper").stock.receive("TS-01", "TENT12", 1),
    "duplicate item": lambda inv: inv.items.add("TENT12", "again", supply_class="LIVING", unit="顶"),
    "handover same": lambda inv: inv.classes.handover("LIVING", to_agency="CIV"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_operations_write_nothing(stocked: supplies.Inventory, name: str) -> None:
    before = snapshot(stocked)
    with pytest.raises(supplies.SuppliesError):
        REFUSED[name](stocked)
    assert snapshot(stocked) == before


def test_a_failure_half_way_rolls_back_the_first_half(
    stocked: supplies.Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer writes out and in; if the second write fails, the first is undone too."""
    real_post = ledger.post
    calls = []

    def failing_post(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[2])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_post(*args, **kwargs)

    monkeypatch.setattr(stock, "post", failing_post)
    before = snapshot(stocked)
    with pytest.raises(RuntimeError):
        stocked.stock.transfer("CK-01", "TS-01", "TENT12", 12)
    assert calls == ["transfer_out", "transfer_in"]
    assert snapshot(stocked) == before
