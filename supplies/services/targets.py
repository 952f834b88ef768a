"""Reserve targets: how much of an item a storage point or a region should hold."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from .. import schemas
from ..i18n import t
from ..models import Item, ReserveTarget, Role, StoragePoint
from ..models.base import utcnow
from ..permissions import require_role
from .base import Service, by_code


@dataclass(frozen=True)
class TargetView:
    item: str
    point: str | None
    region_code: str | None
    quantity: int


class ReserveTargets(Service):
    """Reserve targets per item and point or region: ``inv.targets``."""

    def set(self, item: str, quantity: int, *, point: str | None = None,
            region_code: str | None = None) -> ReserveTarget:
        """Set (create or replace) the target for an item at a point or over a region."""
        data = schemas.load(schemas.TargetIn, dict(item=item, quantity=quantity, point=point,
                                                   region_code=region_code))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("setting reserve targets"))
            it = by_code(s, Item, data["item"], "item")
            p = by_code(s, StoragePoint, data["point"], "point") if data.get("point") else None
            region = None if p else data.get("region_code")
            row = s.exec(select(ReserveTarget).where(
                ReserveTarget.item_id == it.id, ReserveTarget.point_id == (p.id if p else None),
                ReserveTarget.region_code == region)).one_or_none()
            if row is None:
                row = ReserveTarget(item_id=it.id, point_id=p.id if p else None, region_code=region,  # type: ignore[arg-type]
                                    quantity=data["quantity"])
            row.quantity = data["quantity"]
            row.updated_at = utcnow()
            s.add(row)
            s.flush()
            return row

    def list(self, *, item: str | None = None) -> list[TargetView]:
        with self._work(write=False) as (s, _):
            q = (select(Item.code, StoragePoint.code, ReserveTarget.region_code, ReserveTarget.quantity)
                 .join(Item, Item.id == ReserveTarget.item_id)
                 .outerjoin(StoragePoint, StoragePoint.id == ReserveTarget.point_id)
                 .order_by(Item.code, StoragePoint.code, ReserveTarget.region_code))
            if item:
                q = q.where(ReserveTarget.item_id == by_code(s, Item, item, "item").id)
            return [TargetView(*row) for row in s.exec(q).all()]
