"""What the requisition services return: requisitions with what is held, returned and lost, and compensations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..results import Result


@dataclass(frozen=True)
class RequisitionLineResult(Result):
    """An item requisitioned: units taken, still held in its lot at the point, given back (good or damaged),
    lost, and consumed (the rest: dispatched, issued or distributed from the lot)."""

    item: str
    item_name: str
    unit: str
    quantity: int
    unit_value: Decimal
    daily_rate: Decimal | None
    held: int
    returned_good: int
    returned_damaged: int
    lost: int
    consumed: int
    damage: Decimal
    batch: str


@dataclass(frozen=True)
class RequisitionResult(Result):
    """A requisition order (征用). ``owner_id`` is the masked ID number of a person, or a company's credit code."""

    id: int
    authority: str
    basis: str
    owner: str
    owner_kind: str
    owner_id: str | None
    point: str
    point_name: str
    status: str
    started_at: datetime
    closed_at: datetime | None
    lines: tuple[RequisitionLineResult, ...]
    compensation_status: str | None
    compensation_total: Decimal | None

    @property
    def held(self) -> int:
        return sum(ln.held for ln in self.lines)

    @property
    def value(self) -> Decimal:
        """The assessed value of everything requisitioned."""
        return sum((ln.unit_value * ln.quantity for ln in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class ReturnResult(Result):
    """Units given back to the owner (归还) or recorded lost, with their ledger line."""

    id: int
    item: str
    qty: int
    condition: str
    damage: Decimal
    movement_id: int | None
    at: datetime


@dataclass(frozen=True)
class CompensationLineResult(Result):
    """``consumed`` and ``lost`` units at the assessed value, ``use`` of equipment (units × days × daily rate),
    ``damage`` assessed for units given back damaged."""

    item: str
    item_name: str
    kind: str
    quantity: int
    days: int | None
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class CompensationResult(Result):
    """The compensation (补偿) of a requisition, itemised, and who moved it through each step, when."""

    requisition_id: int
    owner: str
    status: str
    total: Decimal
    lines: tuple[CompensationLineResult, ...]
    assessed_by: str | None
    assessed_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    paid_by: str | None
    paid_at: datetime | None
    reference: str | None


@dataclass(frozen=True)
class RequisitionDetail(Result):
    """A requisition, its returns in order, and its compensation once assessed."""

    requisition: RequisitionResult
    returns: tuple[ReturnResult, ...]
    compensation: CompensationResult | None
