"""Donations of goods (社会捐赠): donors, pledges, receipts (with their triage) and the restriction each donated lot carries.

A receipt that enters stock is a ``receive`` ledger line into a lot of mode donation; the lot's
restriction (``DonationLot``) is what allocation reads beside the lot. See
:mod:`supplies.services.donations`.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from .base import utcnow
from .regions import ROOT_REGION


class Donor(SQLModel, table=True):
    """A person, company or organisation that gives goods. ``anonymous`` donors are shown as such in public.

    ``contact`` (phone, address) is optional, kept for the acknowledgement and never disclosed.
    """

    __tablename__ = "donor"
    __table_args__ = (CheckConstraint("kind IN ('person','company','organisation')", name="kind_known"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="person", max_length=20)
    anonymous: bool = False
    contact: str | None = Field(default=None, max_length=200)
    # The jurisdiction that registered the donor: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class DonationPledge(SQLModel, table=True):
    """A donor's promise of goods (认捐), fulfilled by the receipts that name it."""

    __tablename__ = "donation_pledge"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("status IN ('open','closed')", name="status_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    donor_id: int = Field(foreign_key="donor.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    quantity: int
    due: date | None = None
    status: str = Field(default="open", max_length=10)
    note: str | None = Field(default=None, max_length=500)
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Donation(SQLModel, table=True):
    """One receipt of donated goods (捐赠接收), triaged on arrival.

    Triage ``urgent`` (usable now) and ``later`` (usable, not needed now) put the goods into the lot
    ``lot_id`` through the ledger; ``unusable`` (or unknown) records them with the reason and as
    disposed of, with no lot and no stock.
    """

    __tablename__ = "donation"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("triage IN ('urgent','later','unusable')", name="triage_known"),
        CheckConstraint("triage <> 'unusable' OR lot_id IS NULL", name="unusable_not_stock"),
        Index("ix_donation_received_at", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    donor_id: int = Field(foreign_key="donor.id", index=True)
    pledge_id: int | None = Field(default=None, foreign_key="donation_pledge.id", index=True)
    point_id: int = Field(foreign_key="storage_point.id")
    item_id: int = Field(foreign_key="item.id")
    lot_id: int | None = Field(default=None, foreign_key="stock_lot.id", index=True)
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    quantity: int
    triage: str = Field(default="urgent", max_length=10)
    reason: str | None = Field(default=None, max_length=500)
    certificate: str | None = Field(default=None, max_length=60)  # 捐赠票据号
    # The donor's restriction (定向捐赠): an incident, a region (and below) or a purpose (an incident type).
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    region_code: str | None = Field(default=None, max_length=12)
    purpose: str | None = Field(default=None, max_length=30)
    disposed_at: datetime | None = None
    received_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")


class DonationLot(SQLModel, table=True):
    """A lot holding donated goods: its donor and the restriction allocation must honour.

    One row per lot (receipts that top a lot up carry the same donor and restriction), so the
    candidate query joins it without multiplying lots.
    """

    __tablename__ = "donation_lot"

    lot_id: int = Field(foreign_key="stock_lot.id", primary_key=True)
    donor_id: int = Field(foreign_key="donor.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id")
    region_code: str | None = Field(default=None, max_length=12)
    purpose: str | None = Field(default=None, max_length=30)
