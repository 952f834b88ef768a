"""Reserve targets: how much of an item a storage point or a region should hold, and how much is held."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, union_all
from sqlmodel import col, select

from ... import schemas
from ...db import select_columns
from ...i18n import t
from ...models import Item, ReserveTarget, Role, StockLot, StoragePoint, SupplyClass
from ...models.base import persisted_id, utcnow
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


def holdings(actor: Actor, where: ColumnElement[bool] | None = None) -> Select[*tuple[Any, ...]]:
    """One statement: ``target_id, item_id, quantity, held`` for every target ``actor`` may see (``where`` narrows).

    ``held`` is the on-hand stock of the target's item at its point, or, for a region target, at
    every point whose region code starts with the target's (``5227`` covers ``522731102``);
    only stock the actor may read counts. Point targets join the lots by their index on
    (point, item); region targets join the points by prefix first.
    """
    t, lot = ReserveTarget, StockLot

    def found(q: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
        q = scoped(q, actor, lot.point_id, lot.agency_id)
        return q.where(where) if where is not None else q

    at_point = found(
        select(col(t.id).label("target_id"), lot.on_hand).join(
            lot, and_(col(lot.point_id) == t.point_id, col(lot.item_id) == t.item_id)
        )
    )
    in_region = found(
        select(col(t.id).label("target_id"), lot.on_hand)
        .join(StoragePoint, col(StoragePoint.region_code).startswith(t.region_code))
        .join(lot, and_(col(lot.point_id) == StoragePoint.id, col(lot.item_id) == t.item_id))
        .where(col(t.point_id).is_(None))
    )
    stock = union_all(at_point, in_region).subquery("target_stock")
    q: Select[*tuple[Any, ...]] = (
        select(
            col(t.id).label("target_id"),
            t.item_id,
            t.quantity,
            func.coalesce(func.sum(stock.c.on_hand), 0).label("held"),
        )
        .select_from(t)
        .join(Item, col(Item.id) == t.item_id)
        .join(SupplyClass, col(SupplyClass.id) == Item.class_id)
        .outerjoin(stock, stock.c.target_id == t.id)
        .group_by(col(t.id), col(t.item_id), col(t.quantity))
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
                    item_id=persisted_id(it),
                    point_id=p.id if p else None,
                    region_code=region,
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
                .join(Item, col(Item.id) == ReserveTarget.item_id)
                .outerjoin(StoragePoint, col(StoragePoint.id) == ReserveTarget.point_id)
                .order_by(Item.code, StoragePoint.code, col(ReserveTarget.region_code))
            )
            if item:
                q = q.where(ReserveTarget.item_id == by_code(s, Item, item, "item").id)
            return [TargetResult(*row) for row in s.exec(q).all()]

    def status(self, *, item: str | None = None, ids: Iterable[int] | None = None) -> builtins.list[TargetStatus]:
        """Targets the user may see with what is held against them (a region's: all its points) and the shortfall.

        Warehouse staff see the targets of their points, agency officers those of their
        agency's items, counting only the stock they may read. One query however many targets.
        """
        id_list = None if ids is None else [schemas.bounded(schemas.Id(), i, "ids") for i in ids]
        with self._work(write=False) as (s, actor):
            where: builtins.list[ColumnElement[bool]] = []
            if item:
                where.append(col(ReserveTarget.item_id) == by_code(s, Item, item, "item").id)
            if id_list is not None:
                where.append(col(ReserveTarget.id).in_(id_list or [-1]))
            h = holdings(actor, and_(*where) if where else None).subquery()
            q = (
                select_columns(
                    h.c.target_id,
                    Item.code,
                    Item.name,
                    Item.unit,
                    StoragePoint.code,
                    ReserveTarget.region_code,
                    h.c.quantity,
                    h.c.held,
                )
                .join(ReserveTarget, col(ReserveTarget.id) == h.c.target_id)
                .join(Item, col(Item.id) == h.c.item_id)
                .outerjoin(StoragePoint, col(StoragePoint.id) == ReserveTarget.point_id)
                .order_by(Item.code, StoragePoint.code, col(ReserveTarget.region_code))
            )
            return [
                TargetStatus(target_id, code, name, unit, point, region, quantity, int(held))
                for target_id, code, name, unit, point, region, quantity, held in s.exec(q).all()
            ]


_DEPRECATED = {"TargetView": "TargetResult"}


def __getattr__(name: str) -> object:
    """Old names of the results, kept working with a warning (they are results, not views)."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
