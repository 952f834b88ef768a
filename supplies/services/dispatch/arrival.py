"""Booking a received request into its destination point's stock (调拨入库), lot by lot, through the ledger.

A request whose destination is a storage point (a shelter, a township or village point) gets
what arrived put into that point's lots of the same item and batch, on the same terms (expiry,
reserve mode, lead time, unit cost), owned by the agency answering for the item's class in the
point's jurisdiction; each lot gets an ``arrival`` line referenced ``request:<id>`` (related to
the lot the units left). A batch already held at the destination on other terms is filed under a
derived batch code (``<batch>-R<id>``) and the receipt says so. A destination given as
coordinates only books nothing: the supplies were handed over on site.

Units that come from a contract's lot (协议储备 called up, see :mod:`supplies.services.contracts`)
arrive as physical stock with no expiry: the goods are at the destination now, and the end of the
contract is no expiry of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from ...errors import OneAgencyRuleViolation, RuleViolation
from ...i18n import t
from ...models import (
    Allocation,
    ContractLine,
    MovementKind,
    PointStatus,
    ReserveMode,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...permissions import Actor
from ..equipment.dispatch import arrive_units
from ..places.regions import region_name, responsible_agency_id
from ..stock.commands import open_lot
from ..stock.ledger import find_lot, lock_lots, post
from . import allocation as alloc

_BATCH_MAX = 60  # StockLot.batch


@dataclass(frozen=True)
class Booked:
    """What a receipt booked at its destination: the lines written and the batches filed apart."""

    point: str
    units: int
    renamed: tuple[tuple[str, str], ...]  # (batch as dispatched, batch it was filed under)


def filing_batch(
    s: Session, point_id: int, item_id: int, batch: str, *, mode: str, expires_on: date | None, tag: str
) -> str:
    """The batch to file units of ``batch`` under at a point: ``batch`` itself, unless the point holds
    it on other terms (reserve mode, expiry), then ``<batch>-<tag>`` (``-2``, ``-3`` ... if need be).

    One batch has one mode and one expiry (see :func:`~supplies.services.stock.ledger.same_terms`):
    units that come back to a point (arrival, returns) keep their own terms under a derived code
    rather than be refused or merged.
    """
    out, n = batch, 1
    while (held := find_lot(s, point_id, item_id, out)) is not None and (
        held.mode != mode or held.expires_on != expires_on
    ):
        suffix = f"-{tag}" + (f"-{n}" if n > 1 else "")
        out = (batch[: _BATCH_MAX - len(suffix)] + suffix) if batch else suffix[1:]
        n += 1
    return out


def destination(s: Session, dest_point_id: int | None, request_id: int) -> StoragePoint | None:
    """The destination storage point to book into (None: coordinates only), refused when it is closed."""
    if dest_point_id is None:
        return None
    point = s.get_one(StoragePoint, dest_point_id)
    if point.status != PointStatus.ACTIVE:
        raise RuleViolation(
            t(
                "storage point {code} is closed: request #{request} cannot be booked into its stock; "
                "reopen the point first",
                code=point.code,
                request=request_id,
            ),
            "id",
        )
    return point


def book(s: Session, request_id: int, point: StoragePoint, rows: list[Allocation], actor: Actor) -> Booked:
    """Put each row's received units into ``point``'s lot of its item and batch, one ``arrival`` line per row.

    Rows are booked in the order given (allocation id order); rows with nothing received are
    skipped. Refused, writing nothing, when no agency answers for a class in the point's
    jurisdiction. Destination lots are locked in id order before any is changed.
    """
    arrived = [a for a in rows if a.received]
    sources = {
        persisted_id(lot): lot
        for lot in s.exec(select(StockLot).where(col(StockLot.id).in_({a.lot_id for a in arrived}))).all()
    }
    classes: dict[int, SupplyClass] = {}
    for lot in sources.values():
        if lot.class_id not in classes:
            cls = s.get_one(SupplyClass, lot.class_id)
            try:
                responsible_agency_id(s, cls, point.jurisdiction_code)
            except OneAgencyRuleViolation:
                raise OneAgencyRuleViolation(
                    t(
                        "request #{request} cannot be booked into {point}: no agency answers for class "
                        "{supply_class} in {region}; assign one first (supplies class assign {supply_class} "
                        "--agency CODE)",
                        request=request_id,
                        point=point.code,
                        supply_class=cls.code,
                        region=region_name(s, point.jurisdiction_code),
                    ),
                    "id",
                ) from None
            classes[lot.class_id] = cls
    contracted = set(s.exec(select(ContractLine.lot_id).where(col(ContractLine.lot_id).in_(sorted(sources)))).all())
    terms = {
        lot_id: (ReserveMode.PHYSICAL.value, None, 0.0)
        if lot_id in contracted
        else (lot.mode, lot.expires_on, lot.lead_time_hours)
        for lot_id, lot in sources.items()
    }
    pid = persisted_id(point)
    # Where each source lot's units go: its own batch, or a derived one when the destination holds
    # that batch on other terms.
    targets: dict[int, str] = {}
    renamed: list[tuple[str, str]] = []
    for lot_id in sorted(sources):
        src = sources[lot_id]
        mode, expires_on, _lead = terms[lot_id]
        batch = filing_batch(s, pid, src.item_id, src.batch, mode=mode, expires_on=expires_on, tag=f"R{request_id}")
        targets[lot_id] = batch
        if batch != src.batch:
            renamed.append((src.batch, batch))
    found = (find_lot(s, pid, sources[lot_id].item_id, b) for lot_id, b in targets.items())
    lock_lots(s, {persisted_id(held) for held in found if held is not None})  # in id order, before any change
    units = 0
    for a in arrived:
        src = sources[a.lot_id]
        into = open_lot(
            s,
            point,
            src.item_id,
            classes[src.class_id],
            targets[a.lot_id],
            mode=terms[a.lot_id][0],
            expires_on=terms[a.lot_id][1],
            lead_time_hours=terms[a.lot_id][2],
            unit_cost=src.unit_cost,
            error=RuleViolation,
            where=point.code,
        )
        post(
            s,
            into,
            MovementKind.ARRIVAL,
            qty=a.received or 0,
            actor_id=actor.id,
            reference=alloc.reference(request_id),
            reason=t("arrived for line {line}", line=a.line_id),
            related_lot_id=src.id,
        )
        arrive_units(s, a, into, a.received or 0)
        units += a.received or 0
    s.flush()
    return Booked(point.code, units, tuple(dict.fromkeys(renamed)))
