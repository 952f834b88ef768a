"""The travel-time table: known road hours from a storage point to a point or a region, replacing straight-line estimates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, delete
from sqlmodel import Session, col, select

from ...errors import InvalidInput, NotFound
from ...i18n import t
from ...models import Role, StoragePoint, TravelTime
from ...models.base import table_of
from ...permissions import require_role
from ...schemas import load
from ..base import Service, by_code, retried
from ..results import Result
from .schemas import TravelTimeIn

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


@dataclass(frozen=True)
class TravelTimeResult(Result):
    """One entry of the table: hours by road from a point to a point or to a region."""

    from_point: str
    to_point: str | None
    to_region: str | None
    hours: float


class TravelTimes(Service):
    """The travel-time table: ``inv.travel_times``. Admins and dispatchers change it."""

    @retried
    def set(
        self, from_point: str, hours: float, *, to_point: str | None = None, to_region: str | None = None
    ) -> TravelTimeResult:
        """Record the road hours from ``from_point`` to ``to_point`` or to region ``to_region``
        (replacing an earlier entry for the same pair)."""
        data = load(TravelTimeIn, dict(from_point=from_point, to_point=to_point, to_region=to_region, hours=hours))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing travel times"))
            return _upsert(s, data, _PointCodes(s))

    @retried
    def load(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Record many entries at once (all or nothing); a bad row is named as ``rows.N.field``."""
        checked: list[dict[str, Any]] = []
        for n, row in enumerate(rows):
            try:
                checked.append(
                    load(TravelTimeIn, {k: row.get(k) for k in ("from_point", "to_point", "to_region", "hours")})
                )
            except InvalidInput as exc:
                raise InvalidInput(exc.reason, f"rows.{n}.{exc.field or '_'}") from None
            except AttributeError:
                raise InvalidInput(
                    t("each row must be a mapping with from_point, to_point or to_region, hours"), f"rows.{n}"
                ) from None
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing travel times"))
            codes = _PointCodes(s)
            existing = {(r.from_point_id, r.to_point_id, r.to_region_code): r for r in s.exec(select(TravelTime)).all()}
            for n, data in enumerate(checked):
                try:
                    _upsert(s, data, codes, existing)
                except NotFound as exc:
                    raise NotFound(exc.reason, f"rows.{n}.{exc.field}") from None
            return len(checked)

    @retried
    def remove(self, from_point: str, *, to_point: str | None = None, to_region: str | None = None) -> int:
        """Forget the entry for one pair; the straight-line estimate applies again. Returns rows removed."""
        data = load(TravelTimeIn, dict(from_point=from_point, to_point=to_point, to_region=to_region, hours=0))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("changing travel times"))
            result = s.exec(delete(TravelTime).where(*_pair(data, _PointCodes(s))))
            return int(result.rowcount or 0)

    def list(self, *, from_point: str | None = None) -> list[TravelTimeResult]:
        """Every entry, by origin point then destination."""
        with self._work(write=False) as (s, _):
            to = table_of(StoragePoint).alias("to_p")
            q = (
                select(StoragePoint.code, to.c.code, TravelTime.to_region_code, TravelTime.hours)
                .join(StoragePoint, col(StoragePoint.id) == TravelTime.from_point_id)
                .outerjoin(to, to.c.id == TravelTime.to_point_id)
                .order_by(StoragePoint.code, to.c.code, col(TravelTime.to_region_code))
            )
            if from_point:
                q = q.where(TravelTime.from_point_id == by_code(s, StoragePoint, from_point, "from_point").id)
            return [TravelTimeResult(a, b, c, float(h)) for a, b, c, h in s.exec(q).all()]


class _PointCodes:
    """Point ids by code, loaded once for a whole table load instead of a query per row."""

    def __init__(self, s: Session) -> None:
        point_id = cast("Mapped[int]", StoragePoint.id)  # the primary key: never NULL in a row read back
        self._ids = {code: pid for pid, code in s.exec(select(point_id, StoragePoint.code)).all()}

    def id(self, code: str, field: str) -> int:
        if code not in self._ids:
            raise NotFound(t("no storage point with code {code!r}", code=code), field)
        return self._ids[code]


def _pair(data: dict[str, Any], codes: _PointCodes) -> list[ColumnElement[bool]]:
    where = [col(TravelTime.from_point_id) == codes.id(data["from_point"], "from_point")]
    if data.get("to_point"):
        where.append(col(TravelTime.to_point_id) == codes.id(data["to_point"], "to_point"))
    else:
        where += [col(TravelTime.to_point_id).is_(None), col(TravelTime.to_region_code) == data["to_region"]]
    return where


def _upsert(
    s: Session,
    data: dict[str, Any],
    codes: _PointCodes,
    existing: dict[tuple[int, int | None, str | None], TravelTime] | None = None,
) -> TravelTimeResult:
    key = (
        codes.id(data["from_point"], "from_point"),
        codes.id(data["to_point"], "to_point") if data.get("to_point") else None,
        None if data.get("to_point") else data["to_region"],
    )
    if existing is None:
        row = s.exec(select(TravelTime).where(*_pair(data, codes))).first()
    else:
        row = existing.get(key)
    if row is None:
        row = TravelTime(from_point_id=key[0], to_point_id=key[1], to_region_code=key[2], hours=data["hours"])
        if existing is not None:
            existing[key] = row
    else:
        row.hours = data["hours"]
    s.add(row)
    return TravelTimeResult(data["from_point"], data.get("to_point"), data.get("to_region"), float(data["hours"]))


_DEPRECATED = {"TravelTimeView": "TravelTimeResult"}


def __getattr__(name: str) -> object:
    """Old names of the results, kept working with a warning (they are results, not views)."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
