"""Units follow a dispatch request's allocation rows: named at reservation, freed at release, out once issued, in on arrival.

Called by :mod:`supplies.services.dispatch.allocation` and :mod:`~supplies.services.dispatch.arrival`
inside their unit of work, after the lots are locked: the lot's row lock is what keeps two
dispatchers from naming the same unit (a unit is only named while its lot is locked), and the
units themselves are read ``FOR UPDATE`` as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from ...config import local_today
from ...errors import RuleViolation
from ...i18n import t
from ...models import Allocation, Item, StockLot
from ...models.base import persisted_id, utcnow
from ...models.equipment import EquipmentUnit
from .lots import SERVICEABLE


def _tracked_rows(s: Session, allocation_ids: Sequence[int]) -> list[Allocation]:
    if not allocation_ids:
        return []
    return list(
        s.exec(
            select(Allocation)
            .join(StockLot, col(StockLot.id) == Allocation.lot_id)
            .join(Item, col(Item.id) == StockLot.item_id)
            .where(col(Allocation.id).in_(sorted(allocation_ids)), col(Item.tracked).is_(True))
            .order_by(col(Allocation.id))
        ).all()
    )


def assign_units(s: Session, allocation_ids: Sequence[int]) -> None:
    """Name serviceable, unreserved units of each row's lot for the rows of tracked items (oldest unit first)."""
    for a in _tracked_rows(s, allocation_ids):
        units = s.exec(
            select(EquipmentUnit)
            .where(
                EquipmentUnit.lot_id == a.lot_id,
                EquipmentUnit.status == SERVICEABLE,
                col(EquipmentUnit.allocation_id).is_(None),
            )
            .order_by(col(EquipmentUnit.id))
            .limit(a.quantity)
            .with_for_update()
        ).all()
        if len(units) < a.quantity:
            raise RuleViolation(
                t(
                    "lot {lot} counts {qty} free units but only {units} serviceable units are free there: "
                    "run supplies verify",
                    lot=a.lot_id,
                    qty=a.quantity,
                    units=len(units),
                ),
                "id",
            )
        for unit in units:
            unit.allocation_id = persisted_id(a)
            unit.updated_at = utcnow()
            s.add(unit)


def release_units(s: Session, allocation_ids: Sequence[int]) -> None:
    """The units named for released rows are free again (still at their points)."""
    if not allocation_ids:
        return
    for unit in s.exec(
        select(EquipmentUnit)
        .where(col(EquipmentUnit.allocation_id).in_(sorted(allocation_ids)), col(EquipmentUnit.request_id).is_(None))
        .with_for_update()
    ).all():
        unit.allocation_id = None
        s.add(unit)


def issue_units(s: Session, request_id: int, rows: Sequence[Allocation]) -> None:
    """The units of issued rows leave their points: out on the request."""
    from .units import event

    ids = [persisted_id(a) for a in rows]
    if not ids:
        return
    day = local_today()
    for unit in s.exec(
        select(EquipmentUnit)
        .where(col(EquipmentUnit.allocation_id).in_(ids), col(EquipmentUnit.request_id).is_(None))
        .order_by(col(EquipmentUnit.id))
        .with_for_update()
    ).all():
        unit.point_id, unit.lot_id, unit.request_id = None, None, request_id
        unit.updated_at = utcnow()
        s.add(unit)
        s.flush()
        event(s, unit, "dispatched", on=day, actor_id=None, reference=f"request:{request_id}")


def arrive_units(s: Session, row: Allocation, into: StockLot, received: int) -> None:
    """``received`` units of an issued row booked into ``into`` at the destination point."""
    from .units import event

    units = s.exec(
        select(EquipmentUnit)
        .where(EquipmentUnit.allocation_id == row.id, col(EquipmentUnit.request_id).is_not(None))
        .order_by(col(EquipmentUnit.id))
        .limit(received)
        .with_for_update()
    ).all()
    day = local_today()
    for unit in units:
        ref = f"request:{unit.request_id}"
        unit.point_id, unit.lot_id, unit.request_id, unit.allocation_id = into.point_id, persisted_id(into), None, None
        s.add(unit)
        s.flush()
        event(s, unit, "arrived", on=day, actor_id=None, reference=ref)


def serials_of(s: Session, allocation_ids: Sequence[int]) -> dict[int, list[str]]:
    """The serial numbers named for each allocation row (rows of untracked items have none)."""
    if not allocation_ids:
        return {}
    out: dict[int, list[str]] = {}
    for aid, serial in s.exec(
        select(EquipmentUnit.allocation_id, EquipmentUnit.serial)
        .where(col(EquipmentUnit.allocation_id).in_(sorted(set(allocation_ids))))
        .order_by(col(EquipmentUnit.serial))
    ).all():
        if aid is not None:
            out.setdefault(aid, []).append(serial)
    return out


def serials_for_request(s: Session, request_id: int, status: str) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """The serial numbers named for a request's rows in ``status``, by (point code, item code, batch)."""
    from ...models import RequestLine, StoragePoint

    out: dict[tuple[str, str, str], list[str]] = {}
    rows = s.exec(
        select(EquipmentUnit.serial, StoragePoint.code, Item.code, StockLot.batch)
        .join(Allocation, col(Allocation.id) == EquipmentUnit.allocation_id)
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .join(StoragePoint, col(StoragePoint.id) == Allocation.point_id)
        .where(RequestLine.request_id == request_id, Allocation.status == status)
        .order_by(col(EquipmentUnit.serial))
    ).all()
    for serial, point, item, batch in rows:
        out.setdefault((point, item, batch), []).append(serial)
    return {k: tuple(v) for k, v in out.items()}
