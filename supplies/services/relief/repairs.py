"""Repaired equipment back into stock: units of a repair lot (``<batch>-REPAIR``) put back into their batch.

A return in the condition ``repair`` holds the units in a lot of the reserve mode ``repair``, which
is never allocated, distributed or counted as ready (see :mod:`.returns`). Once mended, they move
back into the lot they were lent from at the same point (its batch, reserve mode and expiry, known
from the return's lines; ``<batch>`` without the suffix in ``physical`` mode if the repair lot came
from elsewhere) with a ``transfer_out`` line on the repair lot and a ``transfer_in`` line on the
good one, both referenced ``repair:<repair lot id>``: the units never leave the point, the ledger
says where they went and the point's balance is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ...errors import RuleViolation
from ...i18n import t
from ...models import Item, LoanReturnLine, MovementKind, PointStatus, ReserveMode, StockLot, StoragePoint, SupplyClass
from ...models.base import persisted_id
from ...permissions import Actor
from ..dispatch.arrival import filing_batch
from ..results import Result
from ..stock.commands import open_lot
from ..stock.ledger import lock_lots, post

REPAIR_SUFFIX = "-REPAIR"
RETURN_TAG = "RET"


@dataclass(frozen=True)
class RepairedLine(Result):
    """Units moved from a repair lot back into a good batch, with the two ledger lines."""

    item: str
    from_batch: str
    batch: str
    qty: int
    out_movement_id: int
    in_movement_id: int


def _repair_lots(s: Session, point_id: int, item_id: int, batch: str | None) -> list[StockLot]:
    """The point's repair lots of the item holding units, oldest first (or the one named)."""
    q = select(StockLot).where(
        StockLot.point_id == point_id,
        StockLot.item_id == item_id,
        StockLot.mode == ReserveMode.REPAIR.value,
        StockLot.on_hand > 0,
    )
    if batch is not None:
        q = q.where(col(StockLot.batch).in_([batch, batch + REPAIR_SUFFIX]))
    return list(s.exec(q.order_by(col(StockLot.id))).all())


def _good_terms(s: Session, repair: StockLot) -> tuple[str, str, StockLot | None]:
    """The batch and reserve mode the repaired units go back to, and the lot they were lent from."""
    source_id = s.exec(
        select(LoanReturnLine.source_lot_id)
        .where(LoanReturnLine.lot_id == repair.id)
        .order_by(col(LoanReturnLine.id))
        .limit(1)
    ).first()
    source = s.get(StockLot, source_id) if source_id is not None else None
    if source is not None:
        return source.batch, source.mode, source
    batch = repair.batch[: -len(REPAIR_SUFFIX)] if repair.batch.endswith(REPAIR_SUFFIX) else repair.batch
    return batch, ReserveMode.PHYSICAL.value, None


def put_back(
    s: Session, actor: Actor, point: StoragePoint, item: Item, qty: int, batch: str | None
) -> list[RepairedLine]:
    """Move ``qty`` repaired units of ``item`` at ``point`` out of its repair lots into good stock."""
    if point.status != PointStatus.ACTIVE:
        raise RuleViolation(t("storage point {code} is closed", code=point.code), "point")
    pid = persisted_id(point)
    lots = _repair_lots(s, pid, persisted_id(item), batch)
    held = sum(lot.on_hand for lot in lots)
    if qty > held:
        raise RuleViolation(
            t(
                "{point} holds {held} of {item} awaiting repair; {qty} cannot come back from repair",
                point=point.code,
                held=held,
                item=item.code,
                qty=qty,
            ),
            "qty",
        )
    plan: list[tuple[StockLot, int, str, str, StockLot | None]] = []
    left = qty
    for lot in lots:
        if left == 0:
            break
        take = min(left, lot.on_hand)
        good_batch, mode, source = _good_terms(s, lot)
        expires = source.expires_on if source is not None else lot.expires_on
        filed = filing_batch(s, pid, lot.item_id, good_batch, mode=mode, expires_on=expires, tag=RETURN_TAG)
        plan.append((lot, take, filed, mode, source))
        left -= take
    lock_lots(s, {persisted_id(lot) for lot, *_ in plan})
    cls = s.get_one(SupplyClass, item.class_id)
    out: list[RepairedLine] = []
    for lot, take, filed, mode, source in plan:
        into = open_lot(
            s,
            point,
            lot.item_id,
            cls,
            filed,
            mode=mode,
            expires_on=source.expires_on if source is not None else lot.expires_on,
            lead_time_hours=lot.lead_time_hours,
            unit_cost=lot.unit_cost,
            error=RuleViolation,
            where=point.code,
        )
        ref = f"repair:{persisted_id(lot)}"
        reason = t("repaired")
        moved_out = post(
            s,
            lot,
            MovementKind.TRANSFER_OUT,
            qty=-take,
            actor_id=actor.id,
            reference=ref,
            reason=reason,
            related_lot_id=persisted_id(into),
        )
        moved_in = post(
            s,
            into,
            MovementKind.TRANSFER_IN,
            qty=take,
            actor_id=actor.id,
            reference=ref,
            reason=reason,
            related_lot_id=persisted_id(lot),
        )
        s.flush()
        out.append(
            RepairedLine(item.code, lot.batch, into.batch, take, persisted_id(moved_out), persisted_id(moved_in))
        )
    return out
