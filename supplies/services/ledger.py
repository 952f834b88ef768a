"""The one place where a lot's balances change: each change is a ledger movement in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from ..errors import InsufficientStock, NotFound
from ..models import Movement, StockLot
from ..models.base import utcnow


def lock_lot(session: Session, lot_id: int) -> StockLot:
    """Load a lot for change, locking its row (PostgreSQL) so no other writer can race us."""
    lot = session.exec(
        select(StockLot).where(StockLot.id == lot_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if lot is None:
        raise NotFound(f"no stock lot with id {lot_id}", "lot")
    return lot


def post(session: Session, lot: StockLot, kind: str, *, qty: int = 0, reserved_delta: int = 0,
         actor_id: int | None, reference: str | None = None, reason: str | None = None,
         related_lot_id: int | None = None, at: datetime | None = None) -> Movement:
    """Apply a signed change to a locked lot and append the movement that records it.

    Refuses (writing nothing) any change that would make on-hand negative, reserved negative,
    or reserved larger than on-hand.
    """
    on_hand = lot.on_hand + qty
    reserved = lot.reserved + reserved_delta
    if on_hand < 0 or reserved > on_hand:
        raise InsufficientStock(
            f"lot {lot.batch or lot.id} has {lot.on_hand - lot.reserved} free "
            f"({lot.on_hand} on hand, {lot.reserved} reserved); {kind} needs {abs(qty) or reserved_delta}",
            "qty")
    if reserved < 0:
        raise InsufficientStock(f"lot {lot.batch or lot.id} has only {lot.reserved} reserved", "qty")
    now = at or utcnow()
    lot.on_hand, lot.reserved = on_hand, reserved
    lot.version += 1
    lot.updated_at = now
    movement = Movement(lot_id=lot.id, kind=kind, qty=qty, reserved_delta=reserved_delta,  # type: ignore[arg-type]
                        balance_after=on_hand, at=now, actor_id=actor_id, agency_id=lot.agency_id,
                        point_id=lot.point_id, item_id=lot.item_id, reference=reference,
                        reason=reason, related_lot_id=related_lot_id)
    session.add(lot)
    session.add(movement)
    return movement
