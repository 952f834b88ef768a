"""What the contract services return: contracts with what is left of each line, and call-up orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..results import Result


@dataclass(frozen=True)
class ContractLineResult(Result):
    """An item of a contract: contracted, called up by call-up orders, and left to call up (the lot's free stock)."""

    item: str
    item_name: str
    unit: str
    quantity: int
    unit_price: Decimal | None
    called_up: int
    remaining: int
    lot_id: int
    batch: str


@dataclass(frozen=True)
class ContractResult(Result):
    """One version of a contract. ``in_force`` says whether it counts for readiness and allocation today."""

    code: str
    version: int
    status: str
    company: str
    credit_code: str | None
    contact: str | None
    point: str
    point_name: str
    mode: str
    valid_from: date
    valid_to: date
    lead_time_hours: float
    in_force: bool
    days_left: int
    lines: tuple[ContractLineResult, ...]
    late_deliveries: int
    short_units: int


@dataclass(frozen=True)
class CallUpLineResult(Result):
    item: str
    item_name: str
    unit: str
    quantity: int
    delivered: int | None


@dataclass(frozen=True)
class CallUpResult(Result):
    """A call-up order (调用单): the contract, the request it serves, what is due by when, and the delivery."""

    id: int
    contract: str
    version: int
    company: str
    contact: str | None
    point: str
    request_id: int
    destination: str
    created_at: datetime
    deadline: datetime
    status: str
    delivered_at: datetime | None
    late: bool
    short: int
    lines: tuple[CallUpLineResult, ...]

    @property
    def quantity(self) -> int:
        return sum(ln.quantity for ln in self.lines)


@dataclass(frozen=True)
class ContractDetail(Result):
    """A contract as it stands, its earlier versions (oldest first) and every call-up order of any version."""

    contract: ContractResult
    history: tuple[ContractResult, ...]
    call_ups: tuple[CallUpResult, ...]
