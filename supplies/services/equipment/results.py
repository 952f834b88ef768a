"""What the equipment services return: units, their history, due services and plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..results import Result


@dataclass(frozen=True)
class UnitRow(Result):
    """One unit of equipment, where it is and in what condition (agency: its lot's, or its allocation's)."""

    serial: str
    asset_no: str
    item: str
    item_name: str
    make: str | None
    model: str | None
    year: int | None
    status: str
    point: str | None
    agency: str | None
    request_id: int | None  # out on this dispatch request
    reserved_for: int | None  # reserved for this dispatch request (still at its point)
    last_serviced_on: date | None
    next_due: date | None
    hours_used: float


@dataclass(frozen=True)
class UnitEventRow(Result):
    """One line of a unit's history."""

    kind: str
    on: date
    result: str | None
    status_after: str
    next_due: date | None
    hours: float | None
    note: str | None
    reference: str | None
    actor: str | None
    at: datetime


@dataclass(frozen=True)
class UnitDetail(Result):
    """A unit with its maintenance plan and its history, newest first."""

    unit: UnitRow
    tasks: list[str]
    every_days: int | None
    grace_days: int | None
    history: list[UnitEventRow]


@dataclass(frozen=True)
class ReceivedUnits(Result):
    """Units received at a point: one receipt movement for all of them."""

    point: str
    item: str
    units: list[UnitRow]
    movement_id: int


@dataclass(frozen=True)
class PlanRow(Result):
    """An item's maintenance plan."""

    item: str
    every_days: int
    grace_days: int
    tasks: list[str]


@dataclass(frozen=True)
class DueRow(Result):
    """A unit whose service is overdue or due soon (``days_left`` below zero: overdue by that many days)."""

    point: str
    agency: str
    item: str
    serial: str
    asset_no: str
    status: str
    last_serviced_on: date | None
    due_on: date
    days_left: int
    overdue: bool
    tasks: list[str]


@dataclass(frozen=True)
class ServiceRecorded(Result):
    """A service recorded on a unit: its result, its condition after and when it is next due."""

    serial: str
    asset_no: str
    item: str
    on: date
    result: str
    status_before: str
    status_after: str
    next_due: date | None
    note: str | None


@dataclass(frozen=True)
class ClassReadiness(Result):
    """Equipment of one supply class in the user's scope: serviceable units of all units at points."""

    code: str
    name: str
    serviceable: int
    total: int


@dataclass(frozen=True)
class EquipmentReadiness(Result):
    """Equipment readiness by class, and how many units are past their service due day."""

    classes: list[ClassReadiness]
    overdue: int
