"""Stock use cases that change quantities: receive, issue, transfer, count, rotate and write off."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from ... import schemas
from ...config import local_today
from ...errors import (
    InsufficientStock,
    InvalidInput,
    NotFound,
    OneAgencyRuleViolation,
    RuleViolation,
    SuppliesError,
)
from ...i18n import t
from ...limits import MAX_EXPIRY_YEARS
from ...models import (
    Agency,
    Item,
    Movement,
    MovementKind,
    PointStatus,
    ReserveMode,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...models.enums import UNAVAILABLE_MODES
from ...permissions import Actor, require_stock_change
from ..base import Service, by_code, retried
from .ledger import find_lot, lock_lot, lock_lots, post, same_terms
from .queries import StockQueries
from .schemas import AdjustIn, IssueIn, ReceiveIn, RotateIn, TransferIn, WriteOffIn


@dataclass(frozen=True)
class StockChange:
    """What a stock operation did: the lots it touched and the ledger lines it wrote."""

    lot_ids: tuple[int, ...]
    movement_ids: tuple[int, ...]
    qty: int


class Stock(StockQueries, Service):
    """Stock lots and every operation that changes them: ``inv.stock``."""

    @retried
    def receive(
        self,
        point: str,
        item: str,
        qty: int,
        *,
        batch: str | None = None,
        expires_on: date | None = None,
        mode: str = "physical",
        lead_time_hours: float = 0.0,
        unit_cost: Decimal | float | None = None,
        agency: str | None = None,
        reference: str | None = None,
        reason: str | None = None,
        historical: bool = False,
    ) -> StockChange:
        """Receive ``qty`` units into the lot (point, item, batch), creating it if new (入库).

        ``agency``, when given, must be the responsible agency of the item's class: the
        one-agency rule refuses stock of a class under any other agency. An expiry date before
        today is refused unless ``historical`` (recording stock received in the past).
        """
        data = schemas.load(
            ReceiveIn,
            dict(
                point=point,
                item=item,
                qty=qty,
                batch=batch,
                expires_on=expires_on,
                mode=mode,
                lead_time_hours=lead_time_hours,
                unit_cost=unit_cost,
                agency=agency,
                reference=reference,
                reason=reason,
                historical=historical,
            ),
        )
        check_expiry(data.get("expires_on"), "expires_on", historical=data["historical"])
        with self._work() as (s, actor):
            p, it, cls = _point_item(s, data["point"], data["item"])
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            owner_id = _responsible_agency_id(s, cls, p.jurisdiction_code)
            if data.get("agency"):
                claimed = by_code(s, Agency, data["agency"], "agency")
                if claimed.id != owner_id:
                    owner = s.get(Agency, owner_id)
                    raise OneAgencyRuleViolation(
                        t(
                            "class {supply_class} is held by {owner}, not {agency}: one agency per supply class",
                            supply_class=cls.code,
                            owner=owner.code if owner else owner_id,
                            agency=claimed.code,
                        ),
                        "agency",
                    )
            require_stock_change(
                actor, point_id=persisted_id(p), agency_id=owner_id, action="receive", jurisdiction=p.jurisdiction_code
            )
            lot = open_lot(
                s,
                p,
                persisted_id(it),
                cls,
                data.get("batch") or "",
                mode=data["mode"],
                expires_on=data.get("expires_on"),
                lead_time_hours=data["lead_time_hours"],
                unit_cost=data.get("unit_cost"),
                expiry_given=data.get("expires_on") is not None,
                fields=("mode", "expires_on"),
            )
            m = post(
                s,
                lot,
                MovementKind.RECEIVE,
                qty=data["qty"],
                actor_id=actor.id,
                reference=data.get("reference"),
                reason=data.get("reason"),
            )
            s.flush()
            return StockChange((persisted_id(lot),), (persisted_id(m),), data["qty"])

    @retried
    def issue(
        self,
        point: str,
        item: str,
        qty: int,
        *,
        batch: str | None = None,
        reference: str | None = None,
        reason: str | None = None,
    ) -> StockChange:
        """Issue ``qty`` free units (出库): from ``batch``, or earliest expiry first across lots."""
        data = schemas.load(
            IssueIn, dict(point=point, item=item, qty=qty, batch=batch, reference=reference, reason=reason)
        )
        return self._take(data, MovementKind.ISSUE, "issue")

    @retried
    def write_off(
        self, point: str, item: str, qty: int, *, reason: str, batch: str | None = None, reference: str | None = None
    ) -> StockChange:
        """Write off spoiled or lost stock (报废); a reason is required."""
        data = schemas.load(
            WriteOffIn, dict(point=point, item=item, qty=qty, batch=batch, reference=reference, reason=reason)
        )
        return self._take(data, MovementKind.WRITE_OFF, "write off")

    @retried
    def adjust(
        self,
        point: str,
        item: str,
        counted: int,
        *,
        batch: str | None = None,
        reason: str | None = None,
        reference: str | None = None,
    ) -> StockChange:
        """Record a stock count (盘点): set the lot's on-hand to ``counted`` with one adjusting line.

        A count below what is reserved for dispatch is refused: release the reservation first.
        """
        data = schemas.load(
            AdjustIn,
            dict(point=point, item=item, counted=counted, batch=batch, reference=reference, reason=reason),
        )
        with self._work() as (s, actor):
            lot = self._one_lot(s, actor, data, "count")
            delta = data["counted"] - lot.on_hand
            if data["counted"] < lot.reserved:
                raise InsufficientStock(
                    t(
                        "{reserved} units of this lot are reserved for dispatch; a count below that needs the reservation released first",
                        reserved=lot.reserved,
                    ),
                    "counted",
                )
            m = post(
                s,
                lot,
                MovementKind.ADJUST,
                qty=delta,
                actor_id=actor.id,
                reference=data.get("reference"),
                reason=data.get("reason") or "stock count",
            )
            s.flush()
            return StockChange((persisted_id(lot),), (persisted_id(m),), delta)

    @retried
    def transfer(
        self,
        from_point: str,
        to_point: str,
        item: str,
        qty: int,
        *,
        batch: str | None = None,
        to_batch: str | None = None,
        reference: str | None = None,
        reason: str | None = None,
    ) -> StockChange:
        """Move free stock between points; each lot keeps its batch, expiry and reserve mode.

        Stock moves into the destination's lot of the same batch, which must hold it on the same
        terms (mode and expiry); where it does not, give ``to_batch``, the batch code to file the
        stock under at the destination (only with a ``batch``).
        """
        data = schemas.load(
            TransferIn,
            dict(
                point=from_point,
                to_point=to_point,
                item=item,
                qty=qty,
                batch=batch,
                to_batch=to_batch,
                reference=reference,
                reason=reason,
            ),
        )
        with self._work() as (s, actor):
            dest = by_code(s, StoragePoint, data["to_point"], "to_point")
            if dest.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=dest.code), "to_point")
            sources = self._sources(
                s,
                actor,
                data,
                "transfer",
                also_lock=lambda lots: [
                    persisted_id(lot)
                    for lot in (
                        find_lot(s, persisted_id(dest), src.item_id, data.get("to_batch") or src.batch) for src in lots
                    )
                    if lot is not None
                ],
            )
            if dest.id == sources[0][0].point_id:
                raise InvalidInput(t("is the same storage point as the source"), "to_point")
            cls = s.get(SupplyClass, sources[0][0].class_id)
            assert cls is not None
            lots: list[int] = []
            moves: list[Movement] = []
            for src, take in sources:
                target = open_lot(
                    s,
                    dest,
                    src.item_id,
                    cls,
                    data.get("to_batch") or src.batch,
                    mode=src.mode,
                    expires_on=src.expires_on,
                    lead_time_hours=src.lead_time_hours,
                    unit_cost=src.unit_cost,
                    fields=("to_batch", "to_batch"),
                    error=RuleViolation,
                    where=dest.code,
                )
                if src.mode == ReserveMode.DONATION:
                    _carry_donation(s, src, target, dest.code)
                out = post(
                    s,
                    src,
                    MovementKind.TRANSFER_OUT,
                    qty=-take,
                    actor_id=actor.id,
                    reference=data.get("reference"),
                    reason=data.get("reason"),
                    related_lot_id=target.id,
                )
                inn = post(
                    s,
                    target,
                    MovementKind.TRANSFER_IN,
                    qty=take,
                    actor_id=actor.id,
                    reference=data.get("reference"),
                    reason=data.get("reason"),
                    related_lot_id=src.id,
                )
                lots += [persisted_id(src), persisted_id(target)]
                moves += [out, inn]
            s.flush()
            return StockChange(tuple(lots), tuple(persisted_id(m) for m in moves), data["qty"])

    @retried
    def rotate(
        self,
        point: str,
        item: str,
        qty: int,
        *,
        batch: str,
        new_batch: str,
        new_expires_on: date | None = None,
        reason: str | None = None,
        reference: str | None = None,
    ) -> StockChange:
        """Rotate stock near expiry (轮换): ``qty`` out of the old batch, the same into a fresh one.

        The fresh batch may exist already; then it must have the same expiry (when one is given)
        and the same reserve mode.
        """
        data = schemas.load(
            RotateIn,
            dict(
                point=point,
                item=item,
                qty=qty,
                batch=batch,
                new_batch=new_batch,
                new_expires_on=new_expires_on,
                reason=reason,
                reference=reference,
            ),
        )
        check_expiry(data.get("new_expires_on"), "new_expires_on", historical=False)
        with self._work() as (s, actor):
            p, it, cls = _point_item(s, data["point"], data["item"])
            also = find_lot(s, persisted_id(p), persisted_id(it), data["new_batch"])
            old = self._one_lot(s, actor, data, "rotate", also=also)
            if data["new_batch"] == old.batch:
                raise InvalidInput(t("must differ from the batch being rotated out"), "new_batch")
            new = open_lot(
                s,
                p,
                persisted_id(it),
                cls,
                data["new_batch"],
                mode=old.mode,
                expires_on=data.get("new_expires_on"),
                lead_time_hours=old.lead_time_hours,
                unit_cost=old.unit_cost,
                expiry_given=data.get("new_expires_on") is not None,
                fields=("new_batch", "new_expires_on"),
            )
            out = post(
                s,
                old,
                MovementKind.ROTATE_OUT,
                qty=-data["qty"],
                actor_id=actor.id,
                reference=data.get("reference"),
                reason=data.get("reason"),
                related_lot_id=new.id,
            )
            inn = post(
                s,
                new,
                MovementKind.ROTATE_IN,
                qty=data["qty"],
                actor_id=actor.id,
                reference=data.get("reference"),
                reason=data.get("reason"),
                related_lot_id=old.id,
            )
            s.flush()
            return StockChange(
                (persisted_id(old), persisted_id(new)), (persisted_id(out), persisted_id(inn)), data["qty"]
            )

    # -- helpers -------------------------------------------------------------------------------

    def _take(self, data: dict[str, Any], kind: str, action: str) -> StockChange:
        with self._work() as (s, actor):
            moves = [
                post(
                    s,
                    lot,
                    kind,
                    qty=-take,
                    actor_id=actor.id,
                    reference=data.get("reference"),
                    reason=data.get("reason"),
                )
                for lot, take in self._sources(s, actor, data, action)
            ]
            s.flush()
            return StockChange(tuple(m.lot_id for m in moves), tuple(persisted_id(m) for m in moves), data["qty"])

    def _one_lot(
        self, s: Session, actor: Actor, data: dict[str, Any], action: str, also: StockLot | None = None
    ) -> StockLot:
        """The named lot, locked (with ``also``, in id order), after checking the actor may change it."""
        p, it, _cls = _point_item(s, data["point"], data["item"])
        lot = find_lot(s, persisted_id(p), persisted_id(it), data.get("batch") or "")
        if lot is None:
            raise NotFound(
                t(
                    "no lot of {item} with batch {batch!r} at {point}",
                    item=it.code,
                    batch=data.get("batch") or "(none)",
                    point=p.code,
                ),
                "batch",
            )
        require_stock_change(
            actor, point_id=lot.point_id, agency_id=lot.agency_id, action=action, jurisdiction=lot.jurisdiction_code
        )
        lot_id = persisted_id(lot)
        return lock_lots(s, {lot_id} | ({persisted_id(also)} if also is not None else set()))[lot_id]

    def _sources(
        self,
        s: Session,
        actor: Actor,
        data: dict[str, Any],
        action: str,
        also_lock: Callable[[list[StockLot]], list[int]] | None = None,
    ) -> list[tuple[StockLot, int]]:
        """The locked lots to take ``qty`` free units from: one batch, or earliest expiry first.

        Every lot the operation will change (``also_lock`` names the others) is locked in one
        statement in id order, as every writer does, so that two operations never deadlock.
        """
        if data.get("batch") is not None:
            p, it, _cls = _point_item(s, data["point"], data["item"])
            lot = find_lot(s, persisted_id(p), persisted_id(it), data["batch"])
            if lot is None:
                raise NotFound(
                    t(
                        "no lot of {item} with batch {batch!r} at {point}",
                        item=it.code,
                        batch=data["batch"] or "(none)",
                        point=p.code,
                    ),
                    "batch",
                )
            require_stock_change(
                actor, point_id=lot.point_id, agency_id=lot.agency_id, action=action, jurisdiction=lot.jurisdiction_code
            )
            candidates = [lot]
        else:
            if data.get("to_batch"):
                raise InvalidInput(t("give the batch to move when you file it under another batch code"), "batch")
            p, it, cls = _point_item(s, data["point"], data["item"])
            require_stock_change(
                actor,
                point_id=persisted_id(p),
                agency_id=_responsible_agency_id(s, cls, p.jurisdiction_code),
                action=action,
                jurisdiction=p.jurisdiction_code,
            )
            candidates = free_lots(s, persisted_id(p), persisted_id(it))
        return take_fefo(
            s, candidates, data["qty"], p if data.get("batch") is None else None, it, data.get("batch"), also_lock
        )


def free_lots(s: Session, point_id: int, item_id: int) -> list[StockLot]:
    """The lots of an item at a point with free stock (unlocked: pass them to :func:`take_fefo`).

    Lots held for repair (:data:`~supplies.models.enums.UNAVAILABLE_MODES`) are not among them: they
    are taken only when their batch is named (a write-off).
    """
    return list(
        s.exec(
            select(StockLot).where(
                StockLot.point_id == point_id,
                StockLot.item_id == item_id,
                col(StockLot.on_hand) > StockLot.reserved,
                col(StockLot.mode).not_in(UNAVAILABLE_MODES),
            )
        ).all()
    )


def take_fefo(
    s: Session,
    candidates: list[StockLot],
    qty: int,
    point: StoragePoint | None,
    item: Item,
    batch: str | None = None,
    also_lock: Callable[[list[StockLot]], list[int]] | None = None,
) -> list[tuple[StockLot, int]]:
    """The locked lots to take ``qty`` free units from, earliest expiry first (FEFO).

    Every lot the operation will change (``also_lock`` names the others) is locked in one
    statement in id order, as every writer does, so that two operations never deadlock. Not
    enough free stock is :class:`InsufficientStock` (naming the batch when one was asked).
    Callers check the actor's permission first.
    """
    others = also_lock(candidates) if also_lock else []
    locked = lock_lots(s, {persisted_id(c) for c in candidates} | set(others))
    # Earliest expiry first (FEFO), from the balances as they are now that the rows are locked.
    lots = sorted(
        (locked[persisted_id(c)] for c in candidates if c.id in locked),
        key=lambda lot: (lot.expires_on is None, lot.expires_on or date.max, lot.id),
    )
    free = sum(lot.free for lot in lots)
    if free < qty:
        if point is None:
            raise InsufficientStock(
                t("lot {batch} has {free} free; asked {qty}", batch=batch or "(no batch)", free=free, qty=qty),
                "qty",
            )
        raise InsufficientStock(
            t(
                "{point} has {free} {unit} of {item} free; asked {qty}",
                point=point.code,
                free=free,
                unit=item.unit,
                item=item.code,
                qty=qty,
            ),
            "qty",
        )
    out, left = [], qty
    for lot in lots:
        take = min(left, lot.free)
        if take > 0:
            out.append((lot, take))
            left -= take
        if left == 0:
            break
    return out


def check_expiry(expires_on: date | None, field: str, *, historical: bool) -> None:
    """An expiry date is today or later (unless recording the past) and within a hundred years."""
    if expires_on is None:
        return
    today = local_today()
    if expires_on < today and not historical:
        raise InvalidInput(
            t(
                "is before today ({today}): expired stock is not received; to record stock received in the past, say it is historical",
                today=today,
            ),
            field,
        )
    if expires_on.year > today.year + MAX_EXPIRY_YEARS:
        raise InvalidInput(
            t("is more than {max_expiry_years} years away: check the date", max_expiry_years=MAX_EXPIRY_YEARS), field
        )


def open_lot(
    s: Session,
    point: StoragePoint,
    item_id: int,
    cls: SupplyClass,
    batch: str,
    *,
    mode: str,
    expires_on: date | None,
    lead_time_hours: float,
    unit_cost: Decimal | None,
    expiry_given: bool = True,
    fields: tuple[str, str] = ("mode", "expires_on"),
    error: type[SuppliesError] = InvalidInput,
    where: str = "",
) -> StockLot:
    """The locked lot (point, item, batch) to add stock to, created if new; refused if held on other terms.

    ``expiry_given=False`` means the caller did not say (a receipt without a date): the lot's
    own expiry stands. ``fields`` name the inputs to blame for another mode and another expiry;
    ``error`` is raised (bad input for a receipt, a refusal by rule for a transfer).
    """
    lot = find_lot(s, persisted_id(point), item_id, batch)
    if lot is None:
        lot = StockLot(
            item_id=item_id,
            class_id=persisted_id(cls),
            agency_id=_responsible_agency_id(s, cls, point.jurisdiction_code),
            jurisdiction_code=point.jurisdiction_code,
            point_id=persisted_id(point),
            batch=batch,
            mode=mode,
            expires_on=expires_on,
            lead_time_hours=lead_time_hours,
            unit_cost=unit_cost,
        )
        s.add(lot)
        s.flush()
        return lot
    lot = lock_lot(s, persisted_id(lot))
    same_terms(
        lot,
        mode=mode,
        expires_on=expires_on if expiry_given else lot.expires_on,
        mode_field=fields[0],
        expiry_field=fields[1],
        where=where,
        error=error,
    )
    return lot


def _carry_donation(s: Session, src: StockLot, target: StockLot, where: str) -> None:
    """A donated lot's donor and restriction go with its goods to the lot at the destination."""
    from ..donations.service import DonationLot, carry_restriction

    source = s.get(DonationLot, persisted_id(src))
    if source is not None:
        carry_restriction(s, source, target, where, field="to_batch")


def _responsible_agency_id(s: Session, cls: SupplyClass, jurisdiction: str) -> int:
    """The agency answering for ``cls`` in ``jurisdiction`` (imported when a receipt needs it: `stock
    list` does not)."""
    from ..places.regions import responsible_agency_id as answering

    return answering(s, cls, jurisdiction)


def _point_item(s: Session, point: str, item: str) -> tuple[StoragePoint, Item, SupplyClass]:
    p = by_code(s, StoragePoint, point, "point")
    it = by_code(s, Item, item, "item")
    refuse_tracked(it)
    cls = s.get(SupplyClass, it.class_id)
    assert cls is not None
    return p, it, cls


def refuse_tracked(item: Item) -> None:
    """Quantities of an item tracked by unit change only with its units (``inv.units``), never by number alone."""
    if item.tracked:
        raise RuleViolation(
            t(
                "item {item} is tracked by unit: receive and change it unit by unit (supplies unit ...), "
                "so that its units and its lots agree",
                item=item.code,
            ),
            "item",
        )


__all__ = ["Movement", "Stock", "StockChange"]
