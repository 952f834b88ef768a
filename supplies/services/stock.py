"""Stock use cases that change quantities: receive, issue, transfer, count, rotate and write off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from .. import schemas
from ..errors import InsufficientStock, InvalidInput, NotFound, OneAgencyRuleViolation, RuleViolation
from ..models import Agency, Item, Movement, MovementKind, PointStatus, StockLot, StoragePoint, SupplyClass
from ..permissions import Actor, require_stock_change
from .base import Service, by_code
from .ledger import lock_lot, post
from .stock_queries import StockQueries


@dataclass(frozen=True)
class StockChange:
    """What a stock operation did: the lots it touched and the ledger lines it wrote."""

    lot_ids: tuple[int, ...]
    movement_ids: tuple[int, ...]
    qty: int


class Stock(StockQueries, Service):
    """Stock lots and every operation that changes them: ``inv.stock``."""

    def receive(self, point: str, item: str, qty: int, *, batch: str | None = None,
                expires_on: date | None = None, mode: str = "physical", lead_time_hours: float = 0.0,
                unit_cost: Decimal | float | None = None, agency: str | None = None,
                reference: str | None = None, reason: str | None = None) -> StockChange:
        """Receive ``qty`` units into the lot (point, item, batch), creating it if new (入库).

        ``agency``, when given, must be the responsible agency of the item's class: the
        one-agency rule refuses stock of a class under any other agency.
        """
        data = schemas.load(schemas.ReceiveIn, dict(
            point=point, item=item, qty=qty, batch=batch, expires_on=expires_on, mode=mode,
            lead_time_hours=lead_time_hours, unit_cost=unit_cost, agency=agency,
            reference=reference, reason=reason))
        with self._work() as (s, actor):
            p, it, cls = _point_item(s, data["point"], data["item"])
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(f"storage point {p.code} is closed", "point")
            if data.get("agency"):
                claimed = by_code(s, Agency, data["agency"], "agency")
                if claimed.id != cls.agency_id:
                    owner = s.get(Agency, cls.agency_id)
                    raise OneAgencyRuleViolation(
                        f"class {cls.code} is held by {owner.code if owner else cls.agency_id}, "
                        f"not {claimed.code}: one agency per supply class", "agency")
            require_stock_change(actor, point_id=p.id, agency_id=cls.agency_id, action="receive")  # type: ignore[arg-type]
            lot = _find_lot(s, p.id, it.id, data.get("batch") or "")  # type: ignore[arg-type]
            if lot is None:
                lot = StockLot(item_id=it.id, class_id=cls.id, agency_id=cls.agency_id, point_id=p.id,  # type: ignore[arg-type]
                               batch=data.get("batch") or "", mode=data["mode"], expires_on=data.get("expires_on"),
                               lead_time_hours=data["lead_time_hours"], unit_cost=data.get("unit_cost"))
                s.add(lot)
                s.flush()
            else:
                lot = lock_lot(s, lot.id)  # type: ignore[arg-type]
                _same_lot_terms(lot, data)
            m = post(s, lot, MovementKind.RECEIVE, qty=data["qty"], actor_id=actor.id,
                     reference=data.get("reference"), reason=data.get("reason"))
            s.flush()
            return StockChange((lot.id,), (m.id,), data["qty"])  # type: ignore[arg-type]

    def issue(self, point: str, item: str, qty: int, *, batch: str | None = None,
              reference: str | None = None, reason: str | None = None) -> StockChange:
        """Issue ``qty`` free units (出库): from ``batch``, or earliest expiry first across lots."""
        data = schemas.load(schemas.IssueIn, dict(point=point, item=item, qty=qty, batch=batch,
                                                  reference=reference, reason=reason))
        return self._take(data, MovementKind.ISSUE, "issue")

    def write_off(self, point: str, item: str, qty: int, *, reason: str, batch: str | None = None,
                  reference: str | None = None) -> StockChange:
        """Write off spoiled or lost stock (报废); a reason is required."""
        data = schemas.load(schemas.WriteOffIn, dict(point=point, item=item, qty=qty, batch=batch,
                                                     reference=reference, reason=reason))
        return self._take(data, MovementKind.WRITE_OFF, "write off")

    def adjust(self, point: str, item: str, counted: int, *, batch: str | None = None,
               reason: str | None = None, reference: str | None = None) -> StockChange:
        """Record a stock count (盘点): set the lot's on-hand to ``counted`` with one adjusting line.

        A count below what is reserved for dispatch is refused: release the reservation first.
        """
        data = schemas.load(schemas.AdjustIn, dict(point=point, item=item, counted=counted, batch=batch,
                                                   reference=reference, reason=reason))
        with self._work() as (s, actor):
            lot = self._one_lot(s, actor, data, "count")
            delta = data["counted"] - lot.on_hand
            if data["counted"] < lot.reserved:
                raise InsufficientStock(f"{lot.reserved} units of this lot are reserved for dispatch; "
                                        "a count below that needs the reservation released first", "counted")
            m = post(s, lot, MovementKind.ADJUST, qty=delta, actor_id=actor.id,
                     reference=data.get("reference"), reason=data.get("reason") or "stock count")
            s.flush()
            return StockChange((lot.id,), (m.id,), delta)  # type: ignore[arg-type]

    def transfer(self, from_point: str, to_point: str, item: str, qty: int, *, batch: str | None = None,
                 reference: str | None = None, reason: str | None = None) -> StockChange:
        """Move free stock between points; the lot keeps its batch, expiry and reserve mode."""
        data = schemas.load(schemas.TransferIn, dict(point=from_point, to_point=to_point, item=item, qty=qty,
                                                     batch=batch, reference=reference, reason=reason))
        with self._work() as (s, actor):
            dest = by_code(s, StoragePoint, data["to_point"], "to_point")
            if dest.status != PointStatus.ACTIVE:
                raise RuleViolation(f"storage point {dest.code} is closed", "to_point")
            sources = self._sources(s, actor, data, "transfer")
            if dest.id == sources[0][0].point_id:
                raise InvalidInput("is the same storage point as the source", "to_point")
            lots, moves = [], []
            for src, take in sources:
                target = _find_lot(s, dest.id, src.item_id, src.batch)  # type: ignore[arg-type]
                if target is None:
                    target = StockLot(item_id=src.item_id, class_id=src.class_id, agency_id=src.agency_id,
                                      point_id=dest.id, batch=src.batch, mode=src.mode,  # type: ignore[arg-type]
                                      expires_on=src.expires_on, lead_time_hours=src.lead_time_hours,
                                      unit_cost=src.unit_cost)
                    s.add(target)
                    s.flush()
                else:
                    target = lock_lot(s, target.id)  # type: ignore[arg-type]
                out = post(s, src, MovementKind.TRANSFER_OUT, qty=-take, actor_id=actor.id,
                           reference=data.get("reference"), reason=data.get("reason"), related_lot_id=target.id)
                inn = post(s, target, MovementKind.TRANSFER_IN, qty=take, actor_id=actor.id,
                           reference=data.get("reference"), reason=data.get("reason"), related_lot_id=src.id)
                lots += [src.id, target.id]
                moves += [out, inn]
            s.flush()
            return StockChange(tuple(lots), tuple(m.id for m in moves), data["qty"])  # type: ignore[arg-type]

    def rotate(self, point: str, item: str, qty: int, *, batch: str, new_batch: str,
               new_expires_on: date | None = None, reason: str | None = None,
               reference: str | None = None) -> StockChange:
        """Rotate stock near expiry (轮换): ``qty`` out of the old batch, the same into a fresh one."""
        data = schemas.load(schemas.RotateIn, dict(point=point, item=item, qty=qty, batch=batch,
                                                   new_batch=new_batch, new_expires_on=new_expires_on,
                                                   reason=reason, reference=reference))
        with self._work() as (s, actor):
            old = self._one_lot(s, actor, data, "rotate")
            if data["new_batch"] == old.batch:
                raise InvalidInput("must differ from the batch being rotated out", "new_batch")
            new = _find_lot(s, old.point_id, old.item_id, data["new_batch"])
            if new is None:
                new = StockLot(item_id=old.item_id, class_id=old.class_id, agency_id=old.agency_id,
                               point_id=old.point_id, batch=data["new_batch"], mode=old.mode,
                               expires_on=data.get("new_expires_on"), lead_time_hours=old.lead_time_hours,
                               unit_cost=old.unit_cost)
                s.add(new)
                s.flush()
            else:
                new = lock_lot(s, new.id)  # type: ignore[arg-type]
            out = post(s, old, MovementKind.ROTATE_OUT, qty=-data["qty"], actor_id=actor.id,
                       reference=data.get("reference"), reason=data.get("reason"), related_lot_id=new.id)
            inn = post(s, new, MovementKind.ROTATE_IN, qty=data["qty"], actor_id=actor.id,
                       reference=data.get("reference"), reason=data.get("reason"), related_lot_id=old.id)
            s.flush()
            return StockChange((old.id, new.id), (out.id, inn.id), data["qty"])  # type: ignore[arg-type]

    # -- helpers -------------------------------------------------------------------------------

    def _take(self, data: dict, kind: str, action: str) -> StockChange:
        with self._work() as (s, actor):
            moves = [post(s, lot, kind, qty=-take, actor_id=actor.id, reference=data.get("reference"),
                          reason=data.get("reason"))
                     for lot, take in self._sources(s, actor, data, action)]
            s.flush()
            return StockChange(tuple(m.lot_id for m in moves), tuple(m.id for m in moves), data["qty"])  # type: ignore[misc]

    def _one_lot(self, s: Session, actor: Actor, data: dict, action: str) -> StockLot:
        p, it, _cls = _point_item(s, data["point"], data["item"])
        lot = _find_lot(s, p.id, it.id, data.get("batch") or "")  # type: ignore[arg-type]
        if lot is None:
            raise NotFound(f"no lot of {it.code} with batch {data.get('batch') or '(none)'!r} at {p.code}", "batch")
        require_stock_change(actor, point_id=lot.point_id, agency_id=lot.agency_id, action=action)
        return lock_lot(s, lot.id)  # type: ignore[arg-type]

    def _sources(self, s: Session, actor: Actor, data: dict, action: str) -> list[tuple[StockLot, int]]:
        """The locked lots to take ``qty`` free units from: one batch, or earliest expiry first."""
        if data.get("batch") is not None:
            lot = self._one_lot(s, actor, data, action)
            if lot.free < data["qty"]:
                raise InsufficientStock(f"lot {lot.batch or '(no batch)'} has {lot.free} free; asked {data['qty']}", "qty")
            return [(lot, data["qty"])]
        p, it, cls = _point_item(s, data["point"], data["item"])
        require_stock_change(actor, point_id=p.id, agency_id=cls.agency_id, action=action)  # type: ignore[arg-type]
        lots = s.exec(
            select(StockLot).where(StockLot.point_id == p.id, StockLot.item_id == it.id,
                                   StockLot.on_hand > StockLot.reserved)
            .order_by(StockLot.expires_on.is_(None), StockLot.expires_on, StockLot.id)  # type: ignore[union-attr]
            .with_for_update().execution_options(populate_existing=True)
        ).all()
        free = sum(lot.free for lot in lots)
        if free < data["qty"]:
            raise InsufficientStock(f"{p.code} has {free} {it.unit} of {it.code} free; asked {data['qty']}", "qty")
        out, left = [], data["qty"]
        for lot in lots:
            take = min(left, lot.free)
            out.append((lot, take))
            left -= take
            if left == 0:
                break
        return out


def _point_item(s: Session, point: str, item: str) -> tuple[StoragePoint, Item, SupplyClass]:
    p = by_code(s, StoragePoint, point, "point")
    it = by_code(s, Item, item, "item")
    cls = s.get(SupplyClass, it.class_id)
    assert cls is not None
    return p, it, cls


def _find_lot(s: Session, point_id: int, item_id: int, batch: str) -> StockLot | None:
    return s.exec(select(StockLot).where(StockLot.point_id == point_id, StockLot.item_id == item_id,
                                         StockLot.batch == batch)).one_or_none()


def _same_lot_terms(lot: StockLot, data: dict) -> None:
    if data["mode"] != lot.mode:
        raise InvalidInput(f"batch {lot.batch!r} is held as {lot.mode}, not {data['mode']}", "mode")
    if data.get("expires_on") and lot.expires_on and data["expires_on"] != lot.expires_on:
        raise InvalidInput(f"batch {lot.batch!r} expires on {lot.expires_on}; use a new batch for "
                           "another expiry date", "expires_on")


__all__ = ["Stock", "StockChange", "Movement"]
