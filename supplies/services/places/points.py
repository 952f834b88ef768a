"""Storage-point use cases: add, change, close and list the places that hold stock."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from ... import schemas
from ...errors import PermissionDenied, RuleViolation
from ...i18n import t
from ...models import PointStatus, Role, StockLot, StoragePoint
from ...models.base import persisted_id
from ...permissions import may_change_point, scoped_to_jurisdiction
from ..base import Service, by_code, retried
from .regions import jurisdiction_for, jurisdiction_in_scope
from .schemas import PointIn, PointUpdate


class StoragePoints(Service):
    """Storage points on every level: ``inv.points``."""

    @retried
    def add(
        self,
        code: str,
        name: str,
        *,
        level: str,
        lat: float,
        lon: float,
        kind: str = "depot",
        region_code: str | None = None,
        address: str | None = None,
        capacity_m3: float | None = None,
        status: str = "active",
    ) -> StoragePoint:
        """Add a storage point; latitude and longitude must be real coordinates."""
        data = schemas.load(
            PointIn,
            dict(
                code=code,
                name=name,
                level=level,
                lat=lat,
                lon=lon,
                kind=kind,
                region_code=region_code,
                address=address,
                capacity_m3=capacity_m3,
                status=status,
            ),
        )
        with self._work() as (s, actor):
            if actor.role != Role.ADMIN:
                raise PermissionDenied(t("only an admin adds storage points"), "user")
            point = StoragePoint(**data, jurisdiction_code=jurisdiction_in_scope(s, actor, data.get("region_code")))
            s.add(point)
            s.flush()
            return point

    @retried
    def update(self, code: str, **changes: Any) -> StoragePoint:
        """Change a point's details; warehouse staff may change their own points."""
        data = schemas.load(PointUpdate, changes, partial=True)
        with self._work() as (s, actor):
            point = by_code(s, StoragePoint, code, "code")
            if not may_change_point(actor, persisted_id(point), point.jurisdiction_code):
                raise PermissionDenied(
                    t("{name} may not change storage point {code}", name=actor.name, code=code), "user"
                )
            if "region_code" in data:
                moved = jurisdiction_for(s, data["region_code"])
                if moved != point.jurisdiction_code:
                    jurisdiction_in_scope(s, actor, data["region_code"])
                    if s.exec(select(StockLot.id).where(StockLot.point_id == point.id).limit(1)).first() is not None:
                        raise RuleViolation(
                            t(
                                "storage point {code} holds stock of its jurisdiction; transfer it before moving the point "
                                "to another jurisdiction",
                                code=point.code,
                            ),
                            "region_code",
                        )
                    point.jurisdiction_code = moved
            for key, value in data.items():
                setattr(point, key, value)
            s.add(point)
            return point

    def close(self, code: str) -> StoragePoint:
        """Mark a point closed: its stock stays on the books but is never allocated."""
        return self.update(code, status=PointStatus.CLOSED.value)

    def reopen(self, code: str) -> StoragePoint:
        return self.update(code, status=PointStatus.ACTIVE.value)

    def get(self, code: str) -> StoragePoint:
        with self._work(write=False) as (s, _):
            return by_code(s, StoragePoint, code, "code")

    def list(
        self,
        *,
        level: str | None = None,
        region_code: str | None = None,
        kind: str | None = None,
        active_only: bool = False,
    ) -> list[StoragePoint]:
        """Points of the user's jurisdiction and below, filtered by level, region (prefix match: ``5201``
        finds ``520102``) and kind."""
        with self._work(write=False) as (s, actor):
            q = scoped_to_jurisdiction(
                select(StoragePoint).order_by(StoragePoint.code), actor, StoragePoint.jurisdiction_code
            )
            if level:
                q = q.where(StoragePoint.level == level)
            if region_code:
                q = q.where(col(StoragePoint.region_code).startswith(region_code))
            if kind:
                q = q.where(StoragePoint.kind == kind)
            if active_only:
                q = q.where(StoragePoint.status == PointStatus.ACTIVE)
            return list(s.exec(q).all())
