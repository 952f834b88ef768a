"""Reserve targets: how much of an item a storage point or a region should hold, and how much is held."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, union_all
from sqlmodel import select

from ... import schemas
from ...i18n import t
from ...models import Item, ReserveTarget, Role, StockLot, StoragePoint, SupplyClass
from ...models.base import utcnow
from ...permissions import Actor, require_role, scoped
from ..base import Service, by_code, retried
from ..results import Result
from .schemas import TargetIn


@dataclass(frozen=True)
class TargetResult:
    item: str
    point: str | None
    region_code: str | None
    quantity: int


@dataclass(frozen=True)
class TargetStatus(Result):
    """A target beside what is held: on hand at its point, or at every point of its region, that the reader may see."""

    id: int
    item: str
    item_name: str
    unit: str
    point: str | None
    region_code: str | None
    quantity: int
    held: int

    @property
    def short(self) -> int:
        return max(0, self.quantity - self.held)

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "short": self.short}


def holdings(actor: Actor, where: Any = None) -> Select:  # type: ignore[type-arg]
    """One statement: ``target_id, item_id, quantity, held`` for every target ``actor`` may see (``where`` narrows).

    ``held`` is the on-hand stock of the target's item at its point, or, for a region target, at
    every point whose region code starts with the target's (``5227`` covers ``522731102``);
    only stock the actor may read counts. Point targets join the lots by their index on
    (point, item); region targets join the points by prefix first.
    """
    t, lot = ReserveTarget, StockLot

    def found(q: Select) -> Select:  # type: ignore[type-arg]
        q = scoped(q, actor, lot.point_id, lot.agency_id)
        return q.where(where) if where is not None else q

    at_point = found(
        select(t.id.label("target_id"), lot.on_hand).join(
            lot, and_(lot.point_id == t.point_id, lot.item_id == t.item_id)
        )
    )
    in_region = found(
        select(t.id.label("target_id"), lot.on_hand)
        .join(StoragePoint, StoragePoint.region_code.startswith(t.region_code))  # type: ignore[union-attr]
        .join(lot, and_(lot.point_id == StoragePoint.id, lot.item_id == t.item_id))
        .where(t.point_id.is_(None))
    )  # type: ignore[union-attr]
    stock = union_all(at_point, in_region).subquery("target_stock")
    q = (
        select(
            t.id.label("target_id"), t.item_id, t.quantity, func.coalesce(func.sum(stock.c.on_hand), 0).label("held")
        )
        .select_from(t)
        .join(Item, Item.id == t.item_id)
        .join(SupplyClass, SupplyClass.id == Item.class_id)
        .outerjoin(stock, stock.c.target_id == t.id)
        .group_by(t.id, t.item_id, t.quantity)
    )
    q = scoped(q, actor, t.point_id, SupplyClass.agency_id)
    return q.where(where) if where is not None else q


class ReserveTargets(Service):
    """Reserve targets per item and point or region: ``inv.targets``."""

    @retried
    def set(
        self, item: str, quantity: int, *, point: str | None = None, region_code: str | None = None
    ) -> ReserveTarget:
        """Set (create or replace) the target for an item at a point or over a region."""
        data = schemas.load(TargetIn, dict(item=item, quantity=quantity, point=point, region_code=region_code))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("setting reserve targets"))
            it = by_code(s, Item, data["item"], "item")
            p = by_code(s, StoragePoint, data["point"], "point") if data.get("point") else None
            region = None if p else data.get("region_code")
            row = s.exec(
                select(ReserveTarget).where(
                    ReserveTarget.item_id == it.id,
                    ReserveTarget.point_id == (p.id if p else None),
                    ReserveTarget.region_code == region,
                )
            ).one_or_none()
            if row is None:
                row = ReserveTarget(
                    item_id=it.id,
                    point_id=p.id if p else None,
                    region_code=region,  # type: ignore[arg-type]
                    quantity=data["quantity"],
                )
            row.quantity = data["quantity"]
            row.updated_at = utcnow()
            s.add(row)
            s.flush()
            return row

    def list(self, *, item: str | None = None) -> list[TargetResult]:
        with self._work(write=False) as (s, _):
            q = (
                select(Item.code, StoragePoint.code, ReserveTarget.region_code, ReserveTarget.quantity)
                .join(Item, Item.id == ReserveTarget.item_id)
                .outerjoin(StoragePoint, StoragePoint.id == ReserveTarget.point_id)
                .order_by(Item.code, StoragePoint.code, ReserveTarget.region_code)
            )
            if item:
                q = q.where(ReserveTarget.item_id == by_code(s, Item, item, "item").id)
            return [TargetResult(*row) for row in s.exec(q).all()]

    def status(self, *, item: str | None = None, ids: Iterable[int] | None = None) -> list[TargetStatus]:
        """Targets the user may see with what is held against them (a region's: all its points) and the shortfall.

        Warehouse staff see the targets of their points, agency officers those of their
        agency's items, counting only the stock they may read. One query however many targets.
        """
        id_list = None if ids is None else [schemas.bounded(schemas.Id(), i, "ids") for i in ids]
        with self._work(write=False) as (s, actor):
            where = []
            if item:
                where.append(ReserveTarget.item_id == by_code(s, Item, item, "item").id)
            if id_list is not None:
                where.append(ReserveTarget.id.in_(id_list or [-1]))  # type: ignore[union-attr]
            h = holdings(actor, and_(*where) if where else None).subquery()
            q = (
                select(
                    h.c.target_id,
                    Item.code,
                    Item.name,
                    Item.unit,
                    StoragePoint.code,
                    ReserveTarget.region_code,
                    h.c.quantity,
                    h.c.held,
                )
                .join(ReserveTarget, ReserveTarget.id == h.c.target_id)
                .join(Item, Item.id == h.c.item_id)
                .outerjoin(StoragePoint, StoragePoint.id == ReserveTarget.point_id)
                .order_by(Item.code, StoragePoint.code, ReserveTarget.region_code)
            )
            return [TargetStatus(*row[:7], int(row[7])) for row in s.exec(q).all()]


_DEPRECATED = {"TargetView": "TargetResult"}


def __getattr__(name: str) -> object:
    """Old names of the results, kept working with a warning (they are results, not views)."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
