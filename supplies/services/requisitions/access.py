"""What the parts of ``inv.requisitions`` share: references, money, who may act, scoped look-ups."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, col, select

from ...errors import NotFound, PermissionDenied
from ...i18n import t
from ...models import (
    Compensation,
    Item,
    Requisition,
    RequisitionLine,
    Role,
    StoragePoint,
)
from ...permissions import Actor, in_scope, require_jurisdiction, scoped_points
from ...terms import term
from ..results import aware

MANAGERS = (Role.DISPATCHER.value, Role.ADMIN.value)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def reference(requisition_id: int) -> str:
    """The ledger reference of the lines a requisition books (in, returned, lost)."""
    return f"requisition:{requisition_id}"


def batch_of(requisition_id: int) -> str:
    """The batch of a requisition's lots: ``ZY-<id>`` (征用)."""
    return f"ZY-{requisition_id}"


def money(value: Decimal) -> Decimal:
    """Yuan with two places, rounded half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def days_held(start: datetime, end: datetime) -> int:
    """Days of use between two times: each started day counts, at least one."""
    return max(1, math.ceil((aware(end) - aware(start)).total_seconds() / 86400))


def require_return(actor: Actor, point: StoragePoint) -> None:
    """Warehouse staff of the point, and admins and dispatchers of its jurisdiction, record returns there."""
    if actor.role in MANAGERS and in_scope(actor, point.jurisdiction_code):
        return
    if actor.role == Role.WAREHOUSE and point.id in actor.point_ids:
        return
    raise PermissionDenied(
        t(
            "{name} ({role}) may not record returns at {point}: its warehouse staff, admins and dispatchers of its jurisdiction may",
            name=actor.name,
            role=term(actor.role),
            point=point.code,
        ),
        "user",
    )


def scoped(q: Any, actor: Actor) -> Any:
    return scoped_points(q, actor, col(Requisition.point_id), col(Requisition.jurisdiction_code))


def find(s: Session, actor: Actor, id: Any, *, lock: bool = False) -> Requisition:
    """Requisition ``id`` (as if there were none when the actor may not read it)."""
    if not isinstance(id, int) or isinstance(id, bool) or not 1 <= id <= 2_147_483_647:
        raise NotFound(t("no requisition with id {id!r}", id=id), "id")
    q = scoped(select(Requisition).where(Requisition.id == id), actor)
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    row: Requisition | None = s.exec(q).one_or_none()
    if row is None:
        raise NotFound(t("no requisition with id {id!r}", id=id), "id")
    return row


def locked(s: Session, actor: Actor, id: int) -> Requisition:
    """The requisition, its row locked: one return or assessment at a time."""
    return find(s, actor, id, lock=True)


def compensation_row(s: Session, actor: Actor, id: Any) -> Compensation:
    req = find(s, actor, id)
    require_jurisdiction(actor, req.jurisdiction_code, what=t("requisition #{id}", id=req.id), field="id")
    comp = s.exec(
        select(Compensation)
        .where(Compensation.requisition_id == req.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if comp is None:
        raise NotFound(t("requisition #{id} has no compensation assessed yet", id=req.id), "id")
    return comp


def lines_by_item(s: Session, rid: int) -> dict[int, RequisitionLine]:
    return {ln.item_id: ln for ln in s.exec(select(RequisitionLine).where(RequisitionLine.requisition_id == rid))}


def item_names(s: Session, ids: set[int]) -> dict[int | None, tuple[str, str, str]]:
    return {
        r[0]: (r[1], r[2], r[3])
        for r in s.exec(select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_(ids)))
    }
