"""Incidents, dispatch requests with their lines and state history, and allocation rows."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from .base import utcnow
from .regions import ROOT_REGION


class Incident(SQLModel, table=True):
    """A disaster or emergency that dispatch requests answer."""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    type: str = Field(max_length=30)
    level: str = Field(max_length=3)
    region_code: str | None = Field(default=None, max_length=20)
    # The jurisdiction (county level or above) this belongs to: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    lat: float
    lon: float
    population: int = Field(default=0, ge=0)
    started_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="open", max_length=10)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)

    def __str__(self) -> str:
        return f"#{self.id} {self.name}"


class DispatchRequest(SQLModel, table=True):
    """A request (调拨申请) for supplies to a destination by a time, with a priority (1 = most urgent)."""

    __tablename__ = "dispatch_request"
    __table_args__ = (
        CheckConstraint("priority >= 1 AND priority <= 5", name="priority_range"),
        Index("ix_dispatch_request_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    requesting_unit: str | None = Field(default=None, max_length=200)
    dest_point_id: int | None = Field(default=None, foreign_key="storage_point.id")
    dest_lat: float
    dest_lon: float
    dest_region_code: str | None = Field(default=None, max_length=20)
    # The jurisdiction (county level or above) this belongs to: what scopes reads and writes.
    jurisdiction_code: str = Field(default=ROOT_REGION, foreign_key="region.code", max_length=12, index=True)
    # A request escalated to the level above (上报/申请上级调拨) names the request whose shortfall it serves.
    escalated_from_id: int | None = Field(default=None, foreign_key="dispatch_request.id", index=True)
    needed_by: datetime | None = None
    priority: int = 3
    status: str = Field(default="draft", max_length=12)
    note: str | None = Field(default=None, max_length=500)
    version: int = 1
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    def __str__(self) -> str:
        return f"#{self.id}"


class RequestLine(SQLModel, table=True):
    """One line of a request: an item, or any item of a supply class, and a quantity."""

    __tablename__ = "request_line"
    __table_args__ = (
        CheckConstraint("(item_id IS NULL) <> (class_id IS NULL)", name="item_xor_class"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dispatch_request.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    class_id: int | None = Field(default=None, foreign_key="supply_class.id")
    quantity: int
    allocated: int = 0
    dispatched: int = 0
    received: int = 0


class Allocation(SQLModel, table=True):
    """Stock of one lot reserved for a request line, executed by the lot's responsible agency."""

    __tablename__ = "allocation"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="request_line.id", index=True)
    lot_id: int = Field(foreign_key="stock_lot.id", index=True)
    point_id: int = Field(foreign_key="storage_point.id")
    agency_id: int = Field(foreign_key="agency.id", index=True)
    quantity: int
    eta_hours: float = 0.0
    status: str = Field(default="reserved", max_length=12)
    received: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class RequestEvent(SQLModel, table=True):
    """A state change of a dispatch request, with who made it and when."""

    __tablename__ = "request_event"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dispatch_request.id", index=True)
    from_status: str | None = Field(default=None, max_length=12)
    to_status: str = Field(max_length=12)
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    note: str | None = Field(default=None, max_length=500)
