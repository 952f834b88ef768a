"""Equipment tracked by unit (装备): each unit with its serial number, its maintenance plan and its history.

The units of a tracked item at a point are also counted by lots (see
:mod:`supplies.services.equipment`): serviceable ones in the lot ``UNITS``, the others in the
repair lot ``UNITS-REPAIR``; a unit's ``lot_id`` says which, and ``verify`` checks that the
units in each lot number its on-hand. A unit's responsible agency is its lot's (the one-agency
rule the database holds for lots), or, out on a dispatch, the agency of its allocation.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow

UNIT_STATUSES = ("serviceable", "needs_maintenance", "under_repair", "out_of_service")


class EquipmentUnit(SQLModel, table=True):
    """One unit of a tracked item: at exactly one point (in one lot) or out on exactly one dispatch request."""

    __tablename__ = "equipment_unit"
    __table_args__ = (
        UniqueConstraint("item_id", "serial", name="uq_equipment_unit_item_serial"),
        CheckConstraint(
            "(point_id IS NOT NULL AND lot_id IS NOT NULL AND request_id IS NULL)"
            " OR (point_id IS NULL AND lot_id IS NULL AND request_id IS NOT NULL)",
            name="one_place",
        ),
        CheckConstraint(
            "status IN ('serviceable','needs_maintenance','under_repair','out_of_service')", name="status_known"
        ),
        CheckConstraint("hours_used >= 0", name="hours_not_negative"),
        Index("ix_equipment_unit_point_item", "point_id", "item_id"),
        Index("ix_equipment_unit_lot_id", "lot_id"),
        Index("ix_equipment_unit_allocation_id", "allocation_id"),
        Index("ix_equipment_unit_serial", "serial"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    serial: str = Field(max_length=60)
    asset_no: str = Field(max_length=40, unique=True)
    make: str | None = Field(default=None, max_length=100)
    model: str | None = Field(default=None, max_length=100)
    year: int | None = None
    status: str = Field(default="serviceable", max_length=20)
    point_id: int | None = Field(default=None, foreign_key="storage_point.id")
    lot_id: int | None = Field(default=None, foreign_key="stock_lot.id")
    # Reserved for a dispatch request's line (still at its point) ...
    allocation_id: int | None = Field(default=None, foreign_key="allocation.id")
    # ... or out on that request once issued (no point then).
    request_id: int | None = Field(default=None, foreign_key="dispatch_request.id")
    received_on: date
    last_serviced_on: date | None = None
    hours_used: float = 0.0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MaintenancePlan(SQLModel, table=True):
    """What to do to every unit of an item (the checklist), every how many days, and the grace allowed."""

    __tablename__ = "maintenance_plan"
    __table_args__ = (
        CheckConstraint("every_days > 0", name="every_days_positive"),
        CheckConstraint("grace_days >= 0", name="grace_days_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", unique=True)
    every_days: int
    grace_days: int = 0
    # The checklist, one task a line.
    tasks: str = Field(max_length=2000)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow)


class UnitEvent(SQLModel, table=True):
    """The history of a unit: received, serviced (ok or defect), overdue, status changed, dispatched, returned."""

    __tablename__ = "unit_event"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('received','service','overdue','status','dispatched','arrived','returned')", name="kind_known"
        ),
        Index("ix_unit_event_unit_id", "unit_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="equipment_unit.id")
    kind: str = Field(max_length=20)
    day: date
    result: str | None = Field(default=None, max_length=10)
    status_after: str = Field(max_length=20)
    next_due: date | None = None
    hours: float | None = None
    note: str | None = Field(default=None, max_length=500)
    reference: str | None = Field(default=None, max_length=100)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow)
