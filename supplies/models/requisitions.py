"""Requisition (征用) of goods and equipment for an emergency, their return (归还) and compensation (补偿).

A requisition line is backed by a stock lot at the requisition's storage point (batch
``ZY-<id>``, mode requisition) booked through the ledger; returns and the compensation are
recorded here. See :mod:`supplies.services.requisitions`.

The owner's ID number (身份证号) of a person is personal data: only its first four and last four
characters and its length are kept, for the masked form. A company's unified social credit code
(统一社会信用代码) is public registration data and is kept whole.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow
from .regions import ROOT_REGION


class Requisition(SQLModel, table=True):
    """A requisition order (征用令): who ordered it on what legal basis, from whom, held at which point."""

    __tablename__ = "requisition"
    __table_args__ = (
        CheckConstraint("status IN ('open','closed')", name="status_known"),
        CheckConstraint("owner_kind IN ('person','company')", name="owner_kind_known"),
    )

    id: int | None = Field(default=None, primary_key=True)
    authority: str = Field(max_length=200)
    basis: str = Field(max_length=500)
    owner: str = Field(max_length=200)
    owner_kind: str = Field(default="person", max_length=10)
    # A company's unified social credit code, whole (public registration data).
    owner_credit_code: str | None = Field(default=None, max_length=18)
    # A person's ID number: never kept, only what the masked form shows.
    owner_id_first4: str | None = Field(default=None, max_length=4)
    owner_id_last4: str | None = Field(default=None, max_length=4)
    owner_id_length: int | None = None
    point_id: int = Field(foreign_key="storage_point.id", index=True)
    # The point's jurisdiction: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    status: str = Field(default="open", max_length=10, index=True)
    started_at: datetime
    closed_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class RequisitionLine(SQLModel, table=True):
    """An item requisitioned: the units, their assessed unit value, a daily rate for equipment, and its lot."""

    __tablename__ = "requisition_line"
    __table_args__ = (
        UniqueConstraint("requisition_id", "item_id", name="uq_requisition_line_item"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_value >= 0", name="unit_value_not_negative"),
        CheckConstraint("daily_rate IS NULL OR daily_rate >= 0", name="daily_rate_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    requisition_id: int = Field(foreign_key="requisition.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    quantity: int
    unit_value: Decimal = Field(max_digits=14, decimal_places=2)
    daily_rate: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


class RequisitionReturn(SQLModel, table=True):
    """Units of a requisition line given back (good or damaged, with the damage assessed) or recorded lost."""

    __tablename__ = "requisition_return"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("condition IN ('good','damaged','lost')", name="condition_known"),
        CheckConstraint("damage >= 0", name="damage_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    requisition_id: int = Field(foreign_key="requisition.id", index=True)
    line_id: int = Field(foreign_key="requisition_line.id", index=True)
    qty: int
    condition: str = Field(max_length=10)
    damage: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    movement_id: int | None = Field(default=None, foreign_key="movement.id")
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow)


class Compensation(SQLModel, table=True):
    """The compensation (补偿) of a requisition: its total, and who assessed, approved and paid it, when."""

    __tablename__ = "compensation"
    __table_args__ = (
        UniqueConstraint("requisition_id", name="uq_compensation_requisition"),
        CheckConstraint("status IN ('assessed','approved','paid')", name="status_known"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    requisition_id: int = Field(foreign_key="requisition.id")
    status: str = Field(default="assessed", max_length=10, index=True)
    total: Decimal = Field(max_digits=16, decimal_places=2)
    assessed_by: int | None = Field(default=None, foreign_key="app_user.id")
    assessed_at: datetime = Field(default_factory=utcnow)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = None
    paid_by: int | None = Field(default=None, foreign_key="app_user.id")
    paid_at: datetime | None = None
    reference: str | None = Field(default=None, max_length=100)


class CompensationLine(SQLModel, table=True):
    """One line of a compensation: consumed or lost units at their value, days of use, or damage."""

    __tablename__ = "compensation_line"
    __table_args__ = (
        CheckConstraint("kind IN ('consumed','lost','use','damage')", name="kind_known"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    compensation_id: int = Field(foreign_key="compensation.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    kind: str = Field(max_length=10)
    quantity: int = 0
    days: int | None = None
    rate: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    amount: Decimal = Field(max_digits=16, decimal_places=2)
