"""Agreement and capacity reserves held by contract (协议储备): contracts, their lines and call-up orders.

A contract line is backed by a stock lot at the contract's storage point (batch = the contract
code, mode agreement or capacity, expiry = the last day of validity); the lot's balance, kept by
the ledger, is what is left to call up. See :mod:`supplies.services.contracts`.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow
from .regions import ROOT_REGION


class Contract(SQLModel, table=True):
    """One version of a contract with a company; a renewal adds the next version and keeps this one."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_contract_code_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("valid_from <= valid_to", name="validity_ordered"),
        CheckConstraint("lead_time_hours >= 0", name="lead_time_not_negative"),
        CheckConstraint("mode IN ('agreement','capacity')", name="mode_known"),
        CheckConstraint("status IN ('active','renewed')", name="status_known"),
        Index("ix_contract_valid_to", "valid_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)
    version: int = 1
    # The version this one renews (None for the first).
    previous_id: int | None = Field(default=None, foreign_key="contract.id")
    status: str = Field(default="active", max_length=10)
    company: str = Field(max_length=200)
    credit_code: str | None = Field(default=None, max_length=18)  # 统一社会信用代码 (GB 32100-2015)
    contact: str | None = Field(default=None, max_length=200)
    point_id: int = Field(foreign_key="storage_point.id", index=True)
    # The point's jurisdiction: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    mode: str = Field(default="agreement", max_length=20)
    valid_from: date
    valid_to: date
    lead_time_hours: float = 0.0
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ContractLine(SQLModel, table=True):
    """An item of a contract: the quantity contracted, its unit price and the lot that holds it."""

    __tablename__ = "contract_line"
    __table_args__ = (
        UniqueConstraint("contract_id", "item_id", name="uq_contract_line_item"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    quantity: int
    unit_price: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


class CallUp(SQLModel, table=True):
    """A call-up order (调用单): units of a contract reserved for a request, due by a deadline.

    ``late`` and ``short`` record the company's delivery against the contract.
    """

    __tablename__ = "contract_call_up"
    __table_args__ = (CheckConstraint("short >= 0", name="short_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    request_id: int = Field(foreign_key="dispatch_request.id", index=True)
    deadline: datetime
    status: str = Field(default="open", max_length=10)
    delivered_at: datetime | None = None
    late: bool = False
    short: int = 0
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class CallUpLine(SQLModel, table=True):
    """An item of a call-up order: the units called up (one allocation row) and those delivered."""

    __tablename__ = "contract_call_up_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    call_up_id: int = Field(foreign_key="contract_call_up.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    allocation_id: int = Field(foreign_key="allocation.id")
    quantity: int
    delivered: int | None = None
