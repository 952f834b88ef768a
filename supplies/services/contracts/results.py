"""What the contract services return, and how it is built: contracts with what is left of each line, call-up orders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...models import (
    Allocation,
    AllocationStatus,
    CallUp,
    CallUpLine,
    CallUpStatus,
    Contract,
    ContractLine,
    ContractStatus,
    DispatchRequest,
    Item,
    StockLot,
    StoragePoint,
)
from ...models.base import persisted_id
from ..results import Result, aware


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


def contract_results(s: Session, contracts: Sequence[Contract], today: date) -> list[ContractResult]:
    """Results of contracts as of ``today``, with their lines, what was called up and each lot's balance (a few queries)."""
    if not contracts:
        return []
    ids = [persisted_id(c) for c in contracts]
    lines = list(
        s.exec(select(ContractLine).where(col(ContractLine.contract_id).in_(ids)).order_by(col(ContractLine.id)))
    )
    lots = {
        persisted_id(lot): lot
        for lot in s.exec(select(StockLot).where(col(StockLot.id).in_({ln.lot_id for ln in lines})))
    }
    items = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({ln.item_id for ln in lines}))
        )
    }
    called = dict(
        s.exec(
            select(CallUpLine.lot_id, func.sum(CallUpLine.quantity))
            .where(col(CallUpLine.lot_id).in_({ln.lot_id for ln in lines}))
            .group_by(col(CallUpLine.lot_id))
        ).all()
    )
    orders = s.exec(select(CallUp.contract_id, CallUp.late, CallUp.short).where(col(CallUp.contract_id).in_(ids))).all()
    points = {
        r[0]: r[1:]
        for r in s.exec(
            select(StoragePoint.id, StoragePoint.code, StoragePoint.name).where(
                col(StoragePoint.id).in_({c.point_id for c in contracts})
            )
        )
    }
    out = []
    for c in contracts:
        mine = [ln for ln in lines if ln.contract_id == c.id]
        in_force = c.status == ContractStatus.ACTIVE and c.valid_from <= today <= c.valid_to
        out.append(
            ContractResult(
                c.code,
                c.version,
                c.status,
                c.company,
                c.credit_code,
                c.contact,
                points[c.point_id][0],
                points[c.point_id][1],
                c.mode,
                c.valid_from,
                c.valid_to,
                c.lead_time_hours,
                in_force,
                (c.valid_to - today).days,
                tuple(
                    ContractLineResult(
                        items[ln.item_id][0],
                        items[ln.item_id][1],
                        items[ln.item_id][2],
                        ln.quantity,
                        ln.unit_price,
                        int(called.get(ln.lot_id) or 0),
                        lots[ln.lot_id].free,
                        ln.lot_id,
                        lots[ln.lot_id].batch,
                    )
                    for ln in mine
                ),
                sum(1 for cid, late, _ in orders if cid == c.id and late),
                sum(short for cid, _, short in orders if cid == c.id),
            )
        )
    return out


def call_up_results(s: Session, orders: Sequence[CallUp]) -> list[CallUpResult]:
    """Results of call-up orders with their lines; an open order whose units were released shows as cancelled."""
    if not orders:
        return []
    lines = list(
        s.exec(
            select(CallUpLine)
            .where(col(CallUpLine.call_up_id).in_([persisted_id(o) for o in orders]))
            .order_by(col(CallUpLine.id))
        )
    )
    items = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({ln.item_id for ln in lines}))
        )
    }
    contracts = {
        persisted_id(c): c
        for c in s.exec(select(Contract).where(col(Contract.id).in_({o.contract_id for o in orders})))
    }
    requests = {
        persisted_id(r): r
        for r in s.exec(select(DispatchRequest).where(col(DispatchRequest.id).in_({o.request_id for o in orders})))
    }
    point_ids = {c.point_id for c in contracts.values()} | {
        r.dest_point_id for r in requests.values() if r.dest_point_id is not None
    }
    points = dict(s.exec(select(StoragePoint.id, StoragePoint.code).where(col(StoragePoint.id).in_(point_ids))).all())
    reserved = {
        a_id
        for a_id, status in s.exec(
            select(Allocation.id, Allocation.status).where(col(Allocation.id).in_({ln.allocation_id for ln in lines}))
        )
        if status == AllocationStatus.RESERVED
    }
    # An open order whose units are no longer reserved for its request is cancelled (see CallUpStatus).
    released = {ln.call_up_id for ln in lines if ln.allocation_id not in reserved}
    out = []
    for o in orders:
        c, r = contracts[o.contract_id], requests[o.request_id]
        dest = points[r.dest_point_id] if r.dest_point_id is not None else f"{r.dest_lat:.5f}, {r.dest_lon:.5f}"
        out.append(
            CallUpResult(
                persisted_id(o),
                c.code,
                c.version,
                c.company,
                c.contact,
                points[c.point_id],
                o.request_id,
                dest,
                aware(o.created_at),
                aware(o.deadline),
                CallUpStatus.CANCELLED.value if o.status == CallUpStatus.OPEN and o.id in released else o.status,
                aware(o.delivered_at),
                o.late,
                o.short,
                tuple(
                    CallUpLineResult(
                        items[ln.item_id][0], items[ln.item_id][1], items[ln.item_id][2], ln.quantity, ln.delivered
                    )
                    for ln in lines
                    if ln.call_up_id == o.id
                ),
            )
        )
    return out
