"""Reading units: find one by serial or asset number, list them in the actor's scope, build their rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from ...errors import InvalidInput, NotFound
from ...i18n import t
from ...models import Agency, Allocation, DispatchRequest, Item, RequestLine, StockLot, StoragePoint
from ...models.base import persisted_id
from ...models.equipment import EquipmentUnit, MaintenancePlan
from ...permissions import Actor, in_scope, scoped
from .results import UnitRow


def base_day(unit: EquipmentUnit) -> date:
    """The day a unit's service interval counts from: its last service, else the day it was received."""
    return unit.last_serviced_on or unit.received_on


def next_due(unit: EquipmentUnit, plan: MaintenancePlan | None) -> date | None:
    return base_day(unit) + timedelta(days=plan.every_days) if plan is not None else None


def may_read(s: Session, actor: Actor, unit: EquipmentUnit) -> bool:
    """A unit at a point is read as its lot is; one out on dispatch by those who read the request."""
    if unit.lot_id is not None:
        q = scoped(select(StockLot.id).where(StockLot.id == unit.lot_id), actor, StockLot.point_id, StockLot.agency_id)
        return s.exec(q).first() is not None
    req = s.get(DispatchRequest, unit.request_id) if unit.request_id is not None else None
    return req is not None and in_scope(actor, req.jurisdiction_code)


def find_unit(s: Session, actor: Actor, serial: str, item: str | None = None) -> EquipmentUnit:
    """The unit with this serial number (of ``item``, when given) or this asset number.

    A serial two items share is ambiguous without ``item``: the error names the items.
    """
    if not isinstance(serial, str) or not serial.strip():
        raise InvalidInput(t("is required"), "serial")
    serial = serial.strip()
    q = select(EquipmentUnit, Item.code).join(Item, col(Item.id) == EquipmentUnit.item_id)
    q = q.where(or_(col(EquipmentUnit.serial) == serial, col(EquipmentUnit.asset_no) == serial))
    if item is not None:
        q = q.where(Item.code == item)
    found = [(u, code) for u, code in s.exec(q.order_by(col(EquipmentUnit.id))).all() if may_read(s, actor, u)]
    by_asset = [u for u, _ in found if u.asset_no == serial]
    if by_asset:
        return by_asset[0]
    if not found:
        where = t(" of item {item}", item=item) if item is not None else ""
        raise NotFound(t("no unit with serial or asset number {serial!r}{where}", serial=serial, where=where), "serial")
    if len(found) > 1:
        raise InvalidInput(
            t(
                "serial {serial!r} is ambiguous: units of {count} items have it ({items}); "
                "name the item (--item) or give the asset number",
                serial=serial,
                count=len(found),
                items=", ".join(code for _, code in found),
            ),
            "serial",
        )
    return found[0][0]


def unit_rows(s: Session, units: Sequence[EquipmentUnit]) -> list[UnitRow]:
    """Rows for units, with codes, agencies and due dates, in a few queries whatever their number."""
    if not units:
        return []
    item_ids = {u.item_id for u in units}
    items = {persisted_id(i): i for i in s.exec(select(Item).where(col(Item.id).in_(item_ids))).all()}
    plans = {p.item_id: p for p in s.exec(select(MaintenancePlan).where(col(MaintenancePlan.item_id).in_(item_ids)))}
    point_ids = {u.point_id for u in units if u.point_id is not None}
    points = dict(s.exec(select(StoragePoint.id, StoragePoint.code).where(col(StoragePoint.id).in_(point_ids))).all())
    lot_ids = {u.lot_id for u in units if u.lot_id is not None}
    alloc_ids = {u.allocation_id for u in units if u.allocation_id is not None}
    lot_agency: dict[Any, Any] = dict(
        s.exec(select(StockLot.id, StockLot.agency_id).where(col(StockLot.id).in_(lot_ids))).all()
    )
    alloc_agency: dict[Any, Any] = dict(
        s.exec(select(Allocation.id, Allocation.agency_id).where(col(Allocation.id).in_(alloc_ids))).all()
    )
    alloc_request: dict[Any, Any] = dict(
        s.exec(
            select(Allocation.id, RequestLine.request_id)
            .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
            .where(col(Allocation.id).in_(alloc_ids))
        ).all()
    )
    agency_ids = set(lot_agency.values()) | set(alloc_agency.values())
    agencies = dict(s.exec(select(Agency.id, Agency.code).where(col(Agency.id).in_(agency_ids))).all())
    out = []
    for u in units:
        it = items[u.item_id]
        agency_id = lot_agency.get(u.lot_id) if u.lot_id is not None else alloc_agency.get(u.allocation_id)
        out.append(
            UnitRow(
                u.serial,
                u.asset_no,
                it.code,
                it.name,
                u.make,
                u.model,
                u.year,
                u.status,
                points.get(u.point_id) if u.point_id is not None else None,
                agencies.get(agency_id) if agency_id is not None else None,
                u.request_id,
                alloc_request.get(u.allocation_id) if u.request_id is None and u.allocation_id is not None else None,
                u.last_serviced_on,
                next_due(u, plans.get(u.item_id)),
                u.hours_used,
            )
        )
    return out
