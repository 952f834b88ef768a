"""How units are counted by lots: serviceable ones in ``UNITS``, the others in ``UNITS-REPAIR``, moved through the ledger.

A tracked item's quantities are kept by the same lots and ledger as every other item, so
allocation, readiness, reports and ``verify`` need nothing new to count it right: the repair
lot's reserve mode (``repair``) is never allocated, issued or counted ready. Every change of a
unit that changes what a lot holds posts the matching movement in the same transaction.
"""

from __future__ import annotations

from sqlmodel import Session

from ...errors import RuleViolation
from ...i18n import t
from ...models import Item, MovementKind, ReserveMode, StockLot, StoragePoint, SupplyClass
from ...models.base import persisted_id
from ...models.equipment import EquipmentUnit
from ...terms import term
from ..stock.commands import open_lot
from ..stock.ledger import find_lot, lock_lots, post

SERVICEABLE = "serviceable"
UNITS_BATCH = "UNITS"
REPAIR_BATCH = "UNITS-REPAIR"


def batch_for(status: str) -> tuple[str, str]:
    """The batch and reserve mode of the lot that counts a unit in ``status``."""
    if status == SERVICEABLE:
        return UNITS_BATCH, ReserveMode.PHYSICAL.value
    return REPAIR_BATCH, ReserveMode.REPAIR.value


def unit_lot(s: Session, point: StoragePoint, item: Item, status: str) -> StockLot:
    """The locked lot at ``point`` that counts units of ``item`` in ``status``, opened if new."""
    batch, mode = batch_for(status)
    cls = s.get_one(SupplyClass, item.class_id)
    return open_lot(
        s,
        point,
        persisted_id(item),
        cls,
        batch,
        mode=mode,
        expires_on=None,
        lead_time_hours=0.0,
        unit_cost=None,
        error=RuleViolation,
        where=point.code,
    )


def change_status(
    s: Session, unit: EquipmentUnit, status: str, *, actor_id: int | None, reason: str | None = None
) -> None:
    """Set a unit's status; crossing serviceable / not serviceable moves it between its point's two lots.

    Refused for a unit reserved for a dispatch request when it would stop being serviceable:
    its reservation must be released first (the lot's reserved units are the reserved units).
    """
    was, now = unit.status == SERVICEABLE, status == SERVICEABLE
    if was == now or unit.lot_id is None or unit.point_id is None:
        unit.status = status
        s.add(unit)
        return
    if unit.allocation_id is not None:
        raise RuleViolation(
            t(
                "unit {serial} is reserved for a dispatch request: release the request's allocation before "
                "changing its condition",
                serial=unit.serial,
            ),
            "serial",
        )
    s.flush()  # locking reloads the lots (populate_existing): changes not yet written would be lost
    point = s.get_one(StoragePoint, unit.point_id)
    item = s.get_one(Item, unit.item_id)
    batch, _mode = batch_for(status)
    held = find_lot(s, unit.point_id, unit.item_id, batch)
    locked = lock_lots(s, {unit.lot_id} | ({persisted_id(held)} if held is not None else set()))
    src = locked[unit.lot_id]
    dst = unit_lot(s, point, item, status)
    ref = f"unit:{unit.asset_no}"
    why = reason or t("unit {serial}: {status}", serial=unit.serial, status=term(status))
    post(
        s,
        src,
        MovementKind.TRANSFER_OUT,
        qty=-1,
        actor_id=actor_id,
        reference=ref,
        reason=why[:500],
        related_lot_id=persisted_id(dst),
    )
    post(
        s,
        dst,
        MovementKind.TRANSFER_IN,
        qty=1,
        actor_id=actor_id,
        reference=ref,
        reason=why[:500],
        related_lot_id=persisted_id(src),
    )
    unit.lot_id = persisted_id(dst)
    unit.status = status
    s.add(unit)
