"""What the donation services return: donors, receipts, pledges with their fulfilment, and disclosure rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..results import Result


@dataclass(frozen=True)
class DonorResult(Result):
    """A donor. ``shown_as`` is the name the public sees: the name, or 匿名 for an anonymous donor."""

    code: str
    name: str
    kind: str
    anonymous: bool
    contact: str | None
    shown_as: str


@dataclass(frozen=True)
class DonationResult(Result):
    """A receipt of donated goods: what, how much, how triaged, into which lot, with which restriction."""

    id: int
    donor: str
    donor_name: str
    donor_shown_as: str
    point: str
    point_name: str
    item: str
    item_name: str
    unit: str
    quantity: int
    triage: str
    reason: str | None
    certificate: str
    batch: str | None
    lot_id: int | None
    incident_id: int | None
    region_code: str | None
    purpose: str | None
    pledge_id: int | None
    received_at: datetime
    disposed_at: datetime | None

    @property
    def in_stock(self) -> bool:
        return self.lot_id is not None

    @property
    def restriction(self) -> str | None:
        if self.incident_id is not None:
            return f"incident:{self.incident_id}"
        if self.region_code is not None:
            return f"region:{self.region_code}"
        if self.purpose is not None:
            return f"purpose:{self.purpose}"
        return None


@dataclass(frozen=True)
class PledgeResult(Result):
    """A pledge (认捐) and how much of it has been received."""

    id: int
    donor: str
    donor_name: str
    item: str
    item_name: str
    unit: str
    quantity: int
    received: int
    due: date | None
    status: str
    note: str | None
    overdue: bool

    @property
    def outstanding(self) -> int:
        return max(self.quantity - self.received, 0)
