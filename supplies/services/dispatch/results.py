"""What the dispatch services return (frozen views with ``as_dict()``) and the read queries that build them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from ...db import select_columns
from ...models import (
    ROOT_REGION,
    Agency,
    Allocation,
    AllocationStatus,
    DispatchRequest,
    Incident,
    Item,
    Movement,
    MovementKind,
    Region,
    RequestEvent,
    RequestLine,
    RequestStatus,
    StockLot,
    StoragePoint,
    SupplyClass,
    User,
)
from ...models.base import persisted_id
from ..results import BatchAlias, Result, aware


@dataclass(frozen=True)
class AllocationRow(Result):
    """Stock of one lot for one request line: where, how much, who executes it, when it arrives."""

    line_id: int
    item: str
    point: str
    point_name: str
    lot_id: int
    batch: str
    quantity: int
    agency: str
    eta_hours: float
    expires: date | None
    status: str = "planned"  # planned (dry run), reserved, dispatched, released
    id: int | None = None
    received: int | None = None

    lot = BatchAlias()  # the old name of .batch, deprecated


@dataclass(frozen=True)
class ArrivalRow(Result):
    """Units of a received request booked into the destination's stock: one ``arrival`` ledger line."""

    point: str
    item: str
    batch: str
    lot_id: int
    quantity: int
    expires: date | None
    mode: str
    agency: str
    from_lot_id: int | None
    movement_id: int


@dataclass(frozen=True)
class Shortfall(Result):
    """A line that could not be served in full: the units still missing."""

    request_id: int
    line_id: int
    code: str
    requested: int
    allocated: int
    short: int


@dataclass(frozen=True)
class AllocationPlan(Result):
    """The allocation of one request: its rows and its shortfalls (written, or only planned in a dry run)."""

    request_id: int
    strategy: str
    dry_run: bool
    rows: list[AllocationRow]
    shortfalls: list[Shortfall]
    status: str = ""  # the request's state after this allocation
    weighted_eta: float = 0.0

    @property
    def allocated(self) -> int:
        return sum(r.quantity for r in self.rows)

    @property
    def short(self) -> int:
        return sum(s.short for s in self.shortfalls)


@dataclass(frozen=True)
class PlanResult(Result):
    """All approved requests planned together."""

    plans: list[AllocationPlan]
    shortfalls: list[Shortfall]
    total_weighted_eta: float
    strategy: str = "optimal"
    dry_run: bool = False


@dataclass(frozen=True)
class DispatchResult(Result):
    """What one dispatch issued, and what is still waiting for other agencies."""

    request_id: int
    status: str
    agency: str | None
    rows: list[AllocationRow]
    waiting: int  # reserved units not yet dispatched (other agencies' shares)

    @property
    def dispatched(self) -> int:
        return sum(r.quantity for r in self.rows)


class PickLine(NamedTuple):
    item: str
    item_name: str
    batch: str
    quantity: int
    unit: str
    serials: tuple[str, ...] = ()  # the units named, for an item tracked by unit

    @property
    def lot(self) -> str:
        """The batch code, by its old name (a NamedTuple cannot hold the shared BatchAlias descriptor)."""
        batch: str = BatchAlias().__get__(self)
        return batch


@dataclass(frozen=True)
class PickList(Result):
    """What one agency picks at one storage point for a request."""

    agency: str
    agency_name: str
    contact: str | None
    phone: str | None
    point: str
    point_name: str
    lines: list[PickLine]


@dataclass(frozen=True)
class RequestResult(Result):
    id: int
    incident_id: int
    status: str
    priority: int
    needed_by: datetime | None
    dest_lat: float
    dest_lon: float
    dest_point: str | None
    requesting_unit: str | None
    created_at: datetime
    lines_count: int
    dest_region_code: str | None = None
    note: str | None = None
    jurisdiction: str = ROOT_REGION  # the jurisdiction whose request it is (and whose subtree serves it)
    escalated_from: int | None = None  # the request below whose shortfall this one asks for


@dataclass(frozen=True)
class LineResult(Result):
    id: int
    code: str
    kind: str  # "item" or "class"
    name: str
    quantity: int
    allocated: int
    dispatched: int
    received: int
    unit: str | None = None


@dataclass(frozen=True)
class EventResult(Result):
    at: datetime
    from_status: str | None
    to_status: str
    actor: str | None
    note: str | None


@dataclass(frozen=True)
class RequestDetail(Result):
    """A request with its lines, allocation rows, history and current shortfalls."""

    id: int
    incident_id: int
    incident: str
    status: str
    priority: int
    needed_by: datetime | None
    dest_lat: float
    dest_lon: float
    dest_point: str | None
    dest_region_code: str | None
    requesting_unit: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    lines: list[LineResult] = field(default_factory=list)
    allocations: list[AllocationRow] = field(default_factory=list)
    events: list[EventResult] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    jurisdiction: str = ROOT_REGION
    escalated_from: int | None = None
    escalations: list[EscalationResult] = field(default_factory=list)  # what is coming from above
    arrivals: list[ArrivalRow] = field(default_factory=list)  # where the received stock was booked
    handed_over_on_site: bool = False  # received at a destination given as coordinates only: no stock booked


@dataclass(frozen=True)
class EscalationResult(Result):
    """A request of the level above serving this one's shortfall: where it stands, and from where it comes."""

    id: int
    jurisdiction: str
    jurisdiction_name: str
    status: str
    lines: list[LineResult] = field(default_factory=list)
    allocations: list[AllocationRow] = field(default_factory=list)


# -- queries -----------------------------------------------------------------------------------


def request_views(s: Session, *where: ColumnElement[bool] | bool) -> list[RequestResult]:
    """Requests with their line counts and destination codes in one query, newest first."""
    counts = select(RequestLine.request_id, func.count().label("n")).group_by(col(RequestLine.request_id)).subquery()
    q = (
        select_columns(
            DispatchRequest.id,
            DispatchRequest.incident_id,
            DispatchRequest.status,
            DispatchRequest.priority,
            DispatchRequest.needed_by,
            DispatchRequest.dest_lat,
            DispatchRequest.dest_lon,
            StoragePoint.code,
            DispatchRequest.requesting_unit,
            DispatchRequest.created_at,
            func.coalesce(counts.c.n, 0),
            DispatchRequest.dest_region_code,
            DispatchRequest.note,
            DispatchRequest.jurisdiction_code,
            DispatchRequest.escalated_from_id,
        )
        .outerjoin(StoragePoint, col(StoragePoint.id) == DispatchRequest.dest_point_id)
        .outerjoin(counts, counts.c.request_id == DispatchRequest.id)
        .where(*where)
        .order_by(col(DispatchRequest.id).desc())
    )
    out = []
    for r in s.exec(q).all():
        out.append(
            RequestResult(
                r[0],
                r[1],
                r[2],
                r[3],
                aware(r[4]),
                r[5],
                r[6],
                r[7],
                r[8],
                aware(r[9]),
                int(r[10]),
                r[11],
                r[12],
                r[13],
                r[14],
            )
        )
    return out


def line_views(s: Session, request_id: int) -> list[LineResult]:
    q = (
        select_columns(RequestLine, Item.code, Item.name, Item.unit, SupplyClass.code, SupplyClass.name)
        .outerjoin(Item, col(Item.id) == RequestLine.item_id)
        .outerjoin(SupplyClass, col(SupplyClass.id) == RequestLine.class_id)
        .where(RequestLine.request_id == request_id)
        .order_by(col(RequestLine.id))
    )
    out = []
    for line, icode, iname, unit, ccode, cname in s.exec(q).all():
        is_item = line.item_id is not None
        out.append(
            LineResult(
                line.id,
                icode if is_item else ccode,
                "item" if is_item else "class",
                iname if is_item else cname,
                line.quantity,
                line.allocated,
                line.dispatched,
                line.received,
                unit if is_item else None,
            )
        )
    return out


def executing_agency() -> ColumnElement[Any]:
    """Who executes a row: for stock still reserved, the lot's (current) agency, so that a class
    handed over since allocation shows its new agency; afterwards, the agency that did."""
    return case(
        (col(Allocation.status) == AllocationStatus.RESERVED.value, StockLot.agency_id), else_=Allocation.agency_id
    )


def allocation_rows(s: Session, request_id: int, *, statuses: tuple[str, ...] | None = None) -> list[AllocationRow]:
    """The allocation rows of a request, by line then arrival."""
    q = (
        select_columns(
            Allocation,
            Item.code,
            StoragePoint.code,
            StoragePoint.name,
            StockLot.batch,
            Agency.code,
            StockLot.expires_on,
        )
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .join(StoragePoint, col(StoragePoint.id) == Allocation.point_id)
        .join(Agency, col(Agency.id) == executing_agency())
        .where(RequestLine.request_id == request_id)
        .order_by(col(Allocation.line_id), col(Allocation.eta_hours), col(Allocation.id))
    )
    if statuses:
        q = q.where(col(Allocation.status).in_(statuses))
    return [
        AllocationRow(
            a.line_id,
            item,
            point,
            pname,
            a.lot_id,
            batch,
            a.quantity,
            agency,
            a.eta_hours,
            expires,
            a.status,
            a.id,
            a.received,
        )
        for a, item, point, pname, batch, agency, expires in s.exec(q).all()
    ]


def event_views(s: Session, request_id: int) -> list[EventResult]:
    q = (
        select_columns(RequestEvent.at, RequestEvent.from_status, RequestEvent.to_status, User.name, RequestEvent.note)
        .outerjoin(User, col(User.id) == RequestEvent.actor_id)
        .where(RequestEvent.request_id == request_id)
        .order_by(col(RequestEvent.at), col(RequestEvent.id))
    )
    return [EventResult(aware(at), f, t, who, note) for at, f, t, who, note in s.exec(q).all()]


def shortfalls_of(request_id: int, lines: list[LineResult]) -> list[Shortfall]:
    return [
        Shortfall(request_id, ln.id, ln.code, ln.quantity, ln.allocated, ln.quantity - ln.allocated)
        for ln in lines
        if ln.allocated < ln.quantity
    ]


def request_detail(s: Session, req: DispatchRequest) -> RequestDetail:
    rid = persisted_id(req)
    incident = s.get(Incident, req.incident_id)
    dest = s.get(StoragePoint, req.dest_point_id) if req.dest_point_id else None
    lines = line_views(s, rid)
    attempted = req.status in (
        RequestStatus.ALLOCATED,
        RequestStatus.DISPATCHED,
        RequestStatus.RECEIVED,
        RequestStatus.CLOSED,
    )
    return RequestDetail(
        rid,
        req.incident_id,
        incident.name if incident else "",
        req.status,
        req.priority,
        aware(req.needed_by),
        req.dest_lat,
        req.dest_lon,
        dest.code if dest else None,
        req.dest_region_code,
        req.requesting_unit,
        req.note,
        aware(req.created_at),
        aware(req.updated_at),
        lines,
        allocation_rows(s, rid),
        event_views(s, rid),
        shortfalls_of(rid, lines) if attempted else [],
        req.jurisdiction_code,
        req.escalated_from_id,
        escalation_views(s, rid),
        arrival_rows(s, rid),
        dest is None and req.status in (RequestStatus.RECEIVED, RequestStatus.CLOSED),
    )


def arrival_rows(s: Session, rid: int) -> list[ArrivalRow]:
    """The ``arrival`` ledger lines of request ``rid``: which lot of which point got how much."""
    q = (
        select_columns(
            Movement.id,
            Movement.qty,
            Movement.related_lot_id,
            StoragePoint.code,
            Item.code,
            StockLot.id,
            StockLot.batch,
            StockLot.expires_on,
            StockLot.mode,
            Agency.code,
        )
        .join(StockLot, col(StockLot.id) == Movement.lot_id)
        .join(StoragePoint, col(StoragePoint.id) == Movement.point_id)
        .join(Item, col(Item.id) == Movement.item_id)
        .join(Agency, col(Agency.id) == Movement.agency_id)
        .where(Movement.reference == f"request:{rid}", Movement.kind == MovementKind.ARRIVAL.value)
        .order_by(col(Movement.id))
    )
    return [
        ArrivalRow(point, item, batch, lot_id, qty, expires, mode, agency, related, mid)
        for mid, qty, related, point, item, lot_id, batch, expires, mode, agency in s.exec(q).all()
    ]


def escalation_views(s: Session, rid: int) -> list[EscalationResult]:
    """The requests above serving ``rid``'s shortfall, with their lines and rows (point, lot, agency)."""
    above = s.exec(
        select(DispatchRequest, Region.name)
        .outerjoin(Region, col(Region.code) == DispatchRequest.jurisdiction_code)
        .where(DispatchRequest.escalated_from_id == rid)
        .order_by(col(DispatchRequest.id))
    ).all()
    return [
        EscalationResult(
            persisted_id(r),
            r.jurisdiction_code,
            name or r.jurisdiction_code,
            r.status,
            line_views(s, persisted_id(r)),
            allocation_rows(s, persisted_id(r)),
        )
        for r, name in above
    ]


def pick_lists(s: Session, request_id: int) -> list[PickList]:
    """Reserved rows grouped by executing agency and storage point, with the agency's contact."""
    q = (
        select_columns(
            Agency.code,
            Agency.name,
            Agency.contact,
            Agency.phone,
            StoragePoint.code,
            StoragePoint.name,
            Item.code,
            Item.name,
            StockLot.batch,
            func.sum(Allocation.quantity),
            Item.unit,
        )
        .select_from(Allocation)
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .join(StoragePoint, col(StoragePoint.id) == Allocation.point_id)
        .join(Agency, col(Agency.id) == StockLot.agency_id)
        .where(RequestLine.request_id == request_id, Allocation.status == AllocationStatus.RESERVED.value)
        .group_by(
            Agency.code,
            Agency.name,
            col(Agency.contact),
            col(Agency.phone),
            StoragePoint.code,
            StoragePoint.name,
            Item.code,
            Item.name,
            StockLot.batch,
            Item.unit,
        )
        .order_by(Agency.code, StoragePoint.code, Item.code, StockLot.batch)
    )
    out: list[PickList] = []
    from ..equipment.dispatch import serials_for_request

    serials = serials_for_request(s, request_id, AllocationStatus.RESERVED.value)
    for a, an, contact, phone, p, pn, item, iname, batch, qty, unit in s.exec(q).all():
        if not out or (out[-1].agency, out[-1].point) != (a, p):
            out.append(PickList(a, an, contact, phone, p, pn, []))
        out[-1].lines.append(PickLine(item, iname, batch, int(qty), unit, serials.get((p, item, batch), ())))
    return out


_DEPRECATED = {"EventView": "EventResult", "LineView": "LineResult", "RequestView": "RequestResult"}


def __getattr__(name: str) -> object:
    """Old names of the results, kept working with a warning (they are results, not views)."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
