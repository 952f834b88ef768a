"""Pick lists (拣货单) and delivery notes (出库单) of a dispatch request, one per agency and storage point.

:func:`pick_documents` returns the documents as data: the request's number, incident and
destination, the executing agency with its contact, the storage point, and the lines with
batch and expiry. A pick list holds what is still reserved (to be picked); a delivery note what
has been dispatched (what travels with the truck). :func:`write_documents_xlsx` writes them
as a workbook, one sheet each, through the project's guarded XLSX writer; :func:`qr_svg` draws
the request number as an inline SVG QR code (segno). HTML is rendered by the web admin and the
CLI from these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import col

from ...db import select_columns
from ...errors import InvalidInput, NotFound
from ...i18n import t
from ...models import (
    Agency,
    Allocation,
    AllocationStatus,
    DispatchRequest,
    Incident,
    Item,
    RequestLine,
    StockLot,
    StoragePoint,
)
from ...schemas import Code, bounded
from ..base import Service, by_code
from ..io.tabular import Sheet, write_xlsx
from ..results import BatchAlias, Result, aware
from .results import executing_agency
from .schemas import request_id

if TYPE_CHECKING:
    from ...inventory import Inventory

KINDS = ("pick", "delivery")
_STATUS_OF_KIND = {"pick": AllocationStatus.RESERVED.value, "delivery": AllocationStatus.DISPATCHED.value}

#: The words of a written document; the default is bilingual, the web passes its user's language.
LABELS: dict[str, str] = {
    "pick": "拣货单 Pick list",
    "delivery": "出库单 Delivery note",
    "request": "调拨申请 Request",
    "incident": "事件 Incident",
    "destination": "目的地 Destination",
    "requesting_unit": "申请单位 Requesting unit",
    "needed_by": "需要时间 Needed by",
    "priority": "优先级 Priority",
    "agency": "责任单位 Agency",
    "contact": "联系人 Contact",
    "point": "储备点 Storage point",
    "code": "编码 Code",
    "name": "名称 Name",
    "spec": "规格 Specification",
    "batch": "批次 Batch",
    "expires": "有效期至 Expires",
    "quantity": "数量 Quantity",
    "unit": "单位 Unit",
    "total": "合计 Total",
    "shipper": "发货人 Shipped by",
    "carrier": "承运人 Carrier",
    "receiver": "接收人 Received by",
    "signature": "签字/日期 Signature/date",
    "printed": "打印时间 Printed",
    "print": "打印 Print",
    "back": "返回 Back",
    "empty": "没有要打印的内容 Nothing to print",
    "address": "地址 Address",
}


@dataclass(frozen=True)
class DocumentLine(Result):
    """One item and batch on a document."""

    item: str
    item_name: str
    spec: str | None
    unit: str
    batch: str
    expires: date | None
    quantity: int
    received: int | None = None
    serials: tuple[str, ...] = ()  # the units named, for an item tracked by unit

    lot = BatchAlias()  # the old name of .batch, deprecated


@dataclass(frozen=True)
class PickDocument(Result):
    """What one agency picks (or has dispatched) at one storage point for a request."""

    kind: str  # "pick" or "delivery"
    request_id: int
    number: str  # the request's reference, as on its ledger lines: "request:12"
    status: str
    incident_id: int
    incident: str
    priority: int
    needed_by: datetime | None
    dest_point: str | None
    dest_name: str | None
    dest_address: str | None
    dest_lat: float
    dest_lon: float
    requesting_unit: str | None
    agency: str
    agency_name: str
    contact: str | None
    phone: str | None
    point: str
    point_name: str
    point_address: str | None
    lines: list[DocumentLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(ln.quantity for ln in self.lines)

    @property
    def destination(self) -> str:
        """The destination point's code and name, or its coordinates."""
        if self.dest_point:
            return f"{self.dest_point} {self.dest_name or ''}".strip()
        return f"{self.dest_lat:.4f}, {self.dest_lon:.4f}"


@dataclass(frozen=True)
class DispatchedItem(Result):
    """An item as it left for the destination: units dispatched and, once recorded, received."""

    item: str
    name: str
    unit: str
    dispatched: int
    received: int | None


class PickDocuments(Service):
    """Pick lists and delivery notes; anyone with an account may read them."""

    def build(
        self, id: int, *, kind: str = "pick", agency: str | None = None, point: str | None = None
    ) -> list[PickDocument]:
        """The documents of request ``id`` per agency and point, narrowed to ``agency`` and ``point``;
        empty when nothing is reserved (pick) or dispatched (delivery)."""
        if kind not in KINDS:
            raise InvalidInput(t("must be one of: {value}", value=", ".join(KINDS)), "kind")
        rid = request_id(id)
        agency = bounded(Code(allow_none=True), agency, "agency")
        point = bounded(Code(allow_none=True), point, "point")
        with self._work(write=False) as (s, _):
            req = s.get(DispatchRequest, rid)
            if req is None:
                raise NotFound(t("no dispatch request with id {id}", id=rid), "id")
            where = [col(RequestLine.request_id) == rid, col(Allocation.status) == _STATUS_OF_KIND[kind]]
            if agency:
                where.append(col(Agency.id) == by_code(s, Agency, agency, "agency").id)
            if point:
                where.append(col(StoragePoint.id) == by_code(s, StoragePoint, point, "point").id)
            q = (
                select_columns(
                    Agency.code,
                    Agency.name,
                    Agency.contact,
                    Agency.phone,
                    StoragePoint.code,
                    StoragePoint.name,
                    StoragePoint.address,
                    Item.code,
                    Item.name,
                    Item.spec,
                    Item.unit,
                    StockLot.batch,
                    StockLot.expires_on,
                    func.sum(Allocation.quantity),
                    func.sum(Allocation.received),
                    func.count(col(Allocation.received)),
                )
                .select_from(Allocation)
                .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
                .join(StockLot, col(StockLot.id) == Allocation.lot_id)
                .join(Item, col(Item.id) == StockLot.item_id)
                .join(StoragePoint, col(StoragePoint.id) == Allocation.point_id)
                .join(Agency, col(Agency.id) == executing_agency())
                .where(*where)
                .group_by(
                    Agency.code,
                    Agency.name,
                    col(Agency.contact),
                    col(Agency.phone),
                    StoragePoint.code,
                    StoragePoint.name,
                    col(StoragePoint.address),
                    Item.code,
                    Item.name,
                    col(Item.spec),
                    Item.unit,
                    StockLot.batch,
                    col(StockLot.expires_on),
                )
                .order_by(Agency.code, StoragePoint.code, Item.code, col(StockLot.expires_on), StockLot.batch)
            )
            rows = s.exec(q).all()
            if not rows:
                return []
            incident = s.get(Incident, req.incident_id)
            dest = s.get(StoragePoint, req.dest_point_id) if req.dest_point_id else None
            head: dict[str, Any] = dict(
                kind=kind,
                request_id=rid,
                number=f"request:{rid}",
                status=req.status,
                incident_id=req.incident_id,
                incident=incident.name if incident else "",
                priority=req.priority,
                needed_by=aware(req.needed_by),
                dest_point=dest.code if dest else None,
                dest_name=dest.name if dest else None,
                dest_address=dest.address if dest else None,
                dest_lat=req.dest_lat,
                dest_lon=req.dest_lon,
                requesting_unit=req.requesting_unit,
            )
            from ..equipment.dispatch import serials_for_request

            serials = serials_for_request(s, rid, _STATUS_OF_KIND[kind])
            docs: list[PickDocument] = []
            for a, an, contact, phone, p, pn, paddr, item, iname, spec, unit, batch, expires, qty, got, counted in rows:
                if not docs or (docs[-1].agency, docs[-1].point) != (a, p):
                    docs.append(
                        PickDocument(
                            **head,
                            agency=a,
                            agency_name=an,
                            contact=contact,
                            phone=phone,
                            point=p,
                            point_name=pn,
                            point_address=paddr,
                        )
                    )
                docs[-1].lines.append(
                    DocumentLine(
                        item,
                        iname,
                        spec,
                        unit,
                        batch,
                        expires,
                        int(qty),
                        int(got) if counted else None,
                        serials.get((p, item, batch), ()),
                    )
                )
            return docs

    def dispatched(self, id: int) -> list[DispatchedItem]:
        """What left for the destination, item by item (the lines of a receipt)."""
        rid = request_id(id)
        with self._work(write=False) as (s, _):
            if s.get(DispatchRequest, rid) is None:
                raise NotFound(t("no dispatch request with id {id}", id=rid), "id")
            q = (
                select_columns(
                    Item.code,
                    Item.name,
                    Item.unit,
                    func.sum(Allocation.quantity),
                    func.sum(Allocation.received),
                    func.count(col(Allocation.received)),
                )
                .select_from(Allocation)
                .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
                .join(StockLot, col(StockLot.id) == Allocation.lot_id)
                .join(Item, col(Item.id) == StockLot.item_id)
                .where(RequestLine.request_id == rid, Allocation.status == AllocationStatus.DISPATCHED.value)
                .group_by(Item.code, Item.name, Item.unit)
                .order_by(Item.code)
            )
            return [
                DispatchedItem(code, name, unit, int(qty), int(got) if counted else None)
                for code, name, unit, qty, got, counted in s.exec(q).all()
            ]


def pick_documents(
    inv: Inventory, id: int, *, kind: str = "pick", agency: str | None = None, point: str | None = None
) -> list[PickDocument]:
    """Pick lists (``kind="pick"``: reserved rows) or delivery notes (``"delivery"``: dispatched rows)
    of request ``id``, one per executing agency and storage point."""
    return PickDocuments(inv).build(id, kind=kind, agency=agency, point=point)


def dispatched_items(inv: Inventory, id: int) -> list[DispatchedItem]:
    """The items dispatched for request ``id`` with their quantities (and what was received)."""
    return PickDocuments(inv).dispatched(id)


def qr_svg(text: str, *, scale: int = 3) -> str:
    """``text`` as a QR code (never a Micro QR, which phones do not read), an inline ``<svg>`` element."""
    import segno

    return str(segno.make_qr(text, error="m").svg_inline(scale=scale, title=text))


def local_time(value: datetime | None) -> str:
    """A stored (UTC) time as the department's wall clock (``SUPPLIES_TIMEZONE``), to the minute."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from ...config import DEFAULT_TIMEZONE, timezone_name

    try:
        zone = ZoneInfo(timezone_name())
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    return aware(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def document_sheet(
    doc: PickDocument, labels: Mapping[str, str] | None = None, when: Callable[[datetime | None], str] = local_time
) -> Sheet:
    """One document as a worksheet: its heading, the lines with batch and expiry, the total and signatures."""
    t = {**LABELS, **(labels or {})}
    contact = " ".join(x for x in (doc.contact, doc.phone) if x)
    before: list[list[Any]] = [
        [t[doc.kind], f"#{doc.request_id}", doc.number],
        [t["request"], f"#{doc.request_id}"],
        [t["incident"], f"#{doc.incident_id} {doc.incident}"],
        [t["destination"], doc.destination, doc.dest_address or ""],
        [t["requesting_unit"], doc.requesting_unit or ""],
        [t["needed_by"], when(doc.needed_by)],
        [t["priority"], doc.priority],
        [t["agency"], f"{doc.agency} {doc.agency_name}", contact],
        [t["point"], f"{doc.point} {doc.point_name}", doc.point_address or ""],
        [],
    ]
    headers = [t["code"], t["name"], t["spec"], t["batch"], t["expires"], t["quantity"], t["unit"]]
    rows = [[ln.item, ln.item_name, ln.spec or "", ln.batch, ln.expires, ln.quantity, ln.unit] for ln in doc.lines]
    after = [
        [],
        [t["shipper"], "", t["carrier"], "", t["receiver"]],
        [t["signature"], "", t["signature"], "", t["signature"]],
    ]
    return Sheet(
        f"{doc.agency} {doc.point}",
        headers,
        rows,
        total=[t["total"], "", "", "", "", doc.total, ""],
        before=before,
        after=after,
    )


def write_documents_xlsx(
    docs: list[PickDocument],
    target: str | Path | IO[bytes],
    *,
    labels: Mapping[str, str] | None = None,
    when: Callable[[datetime | None], str] = local_time,
) -> None:
    """Write ``docs`` as one workbook, a sheet per document; text cells are kept inert (no formulas)."""
    write_xlsx(target, [document_sheet(d, labels, when) for d in docs])
