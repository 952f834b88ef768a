"""Stock read use cases: lots with their balances, summaries, expiry, the ledger, and verify."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select
from sqlmodel import Session, col
from sqlmodel.sql.expression import Select as SQLModelSelect

from ... import schemas
from ...config import local_day_start, local_today
from ...db import select_columns
from ...errors import InvalidInput, NotFound
from ...i18n import t
from ...limits import MAX_ID
from ...models import (
    Agency,
    Item,
    Movement,
    PointClassStock,
    Role,
    StockLot,
    StoragePoint,
    SupplyClass,
    User,
)
from ...models.base import persisted_id
from ...permissions import Actor, scoped
from ...schemas import Days, RegionCode, bounded
from ..base import Service, by_code
from ..results import BatchAlias
from .schemas import LotFilterIn

if TYPE_CHECKING:  # imported where used: `supplies stock list` needs none of them
    from .rollup import RollupRow
    from .summary import SummaryRow
    from .verify import VerifyReport


@dataclass(frozen=True)
class LotResult:
    """A lot as users read it: codes, names and the three quantities."""

    lot_id: int
    item: str
    item_name: str
    unit: str
    supply_class: str
    agency: str
    point: str
    point_name: str
    level: str
    region_code: str | None
    batch: str
    mode: str
    expires: date | None
    lead_time_hours: float
    on_hand: int
    reserved: int

    lot = BatchAlias()  # the old name of .batch, deprecated

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved

    def as_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["free"] = self.free
        d["expires"] = self.expires.isoformat() if self.expires else None
        d["lot"] = self.batch  # the batch code's old key, which scripts read
        return d


@dataclass(frozen=True)
class LotDetail(LotResult):
    """A lot with the facts a lot page shows besides its balances: the agency's name and the unit cost."""

    agency_name: str = ""
    unit_cost: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        d = super().as_dict()
        d["unit_cost"] = f"{self.unit_cost:.2f}" if self.unit_cost is not None else None
        return d


@dataclass(frozen=True)
class LedgerLine:
    """One movement of the ledger with its codes spelled out."""

    id: int
    at: datetime
    kind: str
    item: str
    point: str
    batch: str
    agency: str
    qty: int
    reserved_delta: int
    balance_after: int
    actor: str | None
    reference: str | None
    reason: str | None

    lot = BatchAlias()  # the old name of .batch, deprecated

    def as_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["at"] = self.at.isoformat()
        d["lot"] = self.batch  # the batch code's old key, which scripts read
        return d


class StockQueries(Service):
    "Read side of ``inv.stock`` (mixed into :class:`~supplies.services.stock.commands.Stock`)."

    def lots(
        self,
        *,
        point: str | None = None,
        item: str | None = None,
        supply_class: str | None = None,
        agency: str | None = None,
        region_code: str | None = None,
        level: str | None = None,
        expiring_within_days: int | None = None,
        with_stock_only: bool = True,
        limit: int | None = None,
        offset: int = 0,
        lot_ids: Iterable[int] | Select[Any] | None = None,
    ) -> list[LotResult]:
        """Lots with their balances, filtered; one query whatever the number of rows.

        ``lot_ids`` narrows the list to those lots: ids, or a SELECT of lot ids (a list page's
        filtered query, for its export). Warehouse staff see their own points only; agency
        officers their agency's stock, whatever the filters.
        """
        among = _lot_ids(lot_ids)
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = _lot_select()
            q = _filters(
                s,
                q,
                actor,
                point=point,
                item=item,
                supply_class=supply_class,
                agency=agency,
                region_code=region_code,
                level=level,
            )
            if among is not None:
                # A query of ids is its own subquery: never correlated with this one's stock_lot.
                q = q.where(col(StockLot.id).in_(among.correlate(None) if isinstance(among, Select) else among))
            if expiring_within_days is not None:
                expiring_within_days = bounded(schemas.Days(), expiring_within_days, "expiring_within_days")
                q = q.where(
                    col(StockLot.expires_on).is_not(None),
                    col(StockLot.expires_on) <= local_today() + timedelta(days=expiring_within_days),
                )
                q = q.order_by(col(StockLot.expires_on), StoragePoint.code, Item.code)
            else:
                q = q.order_by(StoragePoint.code, Item.code, col(StockLot.expires_on), StockLot.batch)
            if with_stock_only:
                q = q.where(StockLot.on_hand > 0)
            if limit is not None:
                q = q.limit(bounded(schemas.Whole(min=0, max=MAX_ID), limit, "limit"))
                q = q.offset(bounded(schemas.Whole(min=0, max=MAX_ID), offset, "offset"))
            return [LotResult(*row) for row in s.exec(q).all()]

    def lot(self, lot_id: int) -> LotDetail:
        """One lot with its balances and facts; a lot the user may not read is not found, like a missing one."""
        lot_id = bounded(schemas.Id(), lot_id, "lot_id")
        with self._work(write=False) as (s, actor):
            q = _filters(s, _lot_select(Agency.name, StockLot.unit_cost), actor)
            row = s.exec(q.where(StockLot.id == lot_id)).one_or_none()
            if row is None:
                raise NotFound(t("no lot with id {lot_id}", lot_id=lot_id), "lot_id")
            return LotDetail(*row)

    def expiring(self, days: int = 30, **filters: Any) -> list[LotResult]:
        """Lots that expire within ``days`` (or have expired), soonest first."""
        return self.lots(expiring_within_days=days, **filters)

    def rollup(self, *, jurisdiction: str | None = None, expiring_days: int = 90) -> list[RollupRow]:
        """Stock, targets, gaps and what expires within ``expiring_days``, item by item, for each jurisdiction
        right below the user's (or ``jurisdiction``) with all below it, beside the jurisdiction's own points
        and the total: a city sees each county in one table."""
        from .rollup import rollup

        days = bounded(Days(), expiring_days, "expiring_days")
        code = bounded(RegionCode(), jurisdiction, "jurisdiction")
        with self._work(write=False, lag_ok=True) as (s, actor):
            return rollup(s, actor, code, days, local_today())

    def summary(
        self,
        by: tuple[str, ...] | list[str] = ("class", "level", "region"),
        *,
        point: str | None = None,
        item: str | None = None,
        supply_class: str | None = None,
        agency: str | None = None,
        region_code: str | None = None,
        level: str | None = None,
    ) -> list[SummaryRow]:
        """On-hand, reserved and free totals grouped by any of class, item, point, region, level,
        agency, mode; computed in the database from the kept balances (never from the ledger)."""
        from .summary import GROUPS, KEPT_GROUPS, per_id_totals, summary_rows

        unknown = [g for g in by if g not in GROUPS]
        if unknown or not by:
            raise InvalidInput(t("group by one or more of {value}", value=", ".join(GROUPS)), "by")
        with self._work(write=False, lag_ok=True) as (s, actor):
            # Agencies and items are columns of the lots: a (point, class) total holds no item, and
            # an officer reads by agency, so those summaries add up the lots themselves.
            kept = set(by) <= KEPT_GROUPS and not item and not agency and actor.role != Role.AGENCY_OFFICER
            lots = PointClassStock.__table__.c if kept else StockLot  # type: ignore[attr-defined]
            q = per_id_totals(by, kept=kept)
            if region_code or level:
                q = q.join(StoragePoint, col(StoragePoint.id) == lots.point_id)
            q = _filters(
                s,
                q,
                actor,
                lots=lots,
                point=point,
                item=item,
                supply_class=supply_class,
                agency=agency,
                region_code=region_code,
                level=level,
            )
            return summary_rows(s, by, q)

    def ledger(
        self,
        *,
        lot_id: int | None = None,
        point: str | None = None,
        item: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        kinds: tuple[str, ...] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[LedgerLine]:
        """The ledger of a lot, item or point over a period, oldest first (or newest first: ``limit`` then
        keeps the latest lines). Each line carries the lot's on-hand balance after it."""
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = _ledger_query(s, actor, lot_id, point, item, since, until, kinds, limit, newest_first)
            return [LedgerLine(*row) for row in s.exec(q).all()]

    def ledger_stream(
        self,
        *,
        lot_id: int | None = None,
        point: str | None = None,
        item: str | None = None,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        kinds: tuple[str, ...] | None = None,
        chunk: int = 2_000,
    ) -> Generator[LedgerLine]:
        """The lines of :meth:`ledger`, oldest first, fetched ``chunk`` at a time as they are read.

        What a whole province's ledger (millions of lines) is exported through: memory holds one
        chunk, not the ledger. The read stays open (one snapshot on PostgreSQL, through a
        server-side cursor) until the lines are all read or the iterator is closed.
        """
        chunk = bounded(schemas.Whole(min=1, max=100_000), chunk, "chunk")
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = _ledger_query(s, actor, lot_id, point, item, since, until, kinds, None, False)
            for row in s.exec(q.execution_options(yield_per=chunk)):
                yield LedgerLine(*row)

    def lots_after(
        self,
        after: int | None = None,
        *,
        limit: int = 100,
        point: str | None = None,
        item: str | None = None,
        supply_class: str | None = None,
        agency: str | None = None,
        region_code: str | None = None,
        level: str | None = None,
        with_stock_only: bool = True,
    ) -> list[LotResult]:
        """One page of lots in id order, those after lot id ``after`` (a cursor; None: from the start).

        Unlike ``lots(limit=, offset=)`` a page costs the same at any depth (the lots' key is the
        order), and a lot added meanwhile never shifts the pages: what other systems page through.
        The filters and the user's scope are those of :meth:`lots`.
        """
        after = bounded(schemas.Whole(min=0, max=MAX_ID, allow_none=True), after, "after")
        limit = bounded(schemas.Whole(min=1, max=MAX_PAGE), limit, "limit")
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = _filters(
                s,
                _lot_select(),
                actor,
                point=point,
                item=item,
                supply_class=supply_class,
                agency=agency,
                region_code=region_code,
                level=level,
            )
            if after is not None:
                q = q.where(col(StockLot.id) > after)
            if with_stock_only:
                q = q.where(StockLot.on_hand > 0)
            return [LotResult(*row) for row in s.exec(q.order_by(col(StockLot.id)).limit(limit)).all()]

    def ledger_after(self, after: int | None = None, *, limit: int = 100) -> list[LedgerLine]:
        """The ledger lines the user may read with an id above ``after`` (a cursor), in id order: how
        another system mirrors the ledger, asking again from the last id it holds."""
        after = bounded(schemas.Whole(min=0, max=MAX_ID, allow_none=True), after, "after")
        limit = bounded(schemas.Whole(min=1, max=MAX_PAGE), limit, "limit")
        with self._work(write=False, lag_ok=True) as (s, actor):
            q = scoped(_ledger_select(), actor, Movement.point_id, Movement.agency_id)
            if after is not None:
                q = q.where(col(Movement.id) > after)
            return [LedgerLine(*row) for row in s.exec(q.order_by(col(Movement.id)).limit(limit)).all()]

    def verify(self) -> VerifyReport:
        """Check the books: each lot's balances against its ledger, each ledger's hash chain, the
        one-agency rule. Every problem is a row naming the lot and what is wrong."""
        with self._work(write=False):
            pass  # only a known, active user verifies
        engine = self._inv.engine
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for both reads
            with conn.begin():
                from .verify import verify as verify_books

                return verify_books(conn, parallel=True)


def _ledger_query(
    s: Session,
    actor: Actor,
    lot_id: int | None,
    point: str | None,
    item: str | None,
    since: date | datetime | None,
    until: date | datetime | None,
    kinds: tuple[str, ...] | None,
    limit: int | None,
    newest_first: bool,
) -> SQLModelSelect[*tuple[Any, ...]]:
    """The ledger lines the filters and the user's scope leave, in time order (checked arguments)."""
    lot_id = bounded(schemas.Id(allow_none=True), lot_id, "lot_id")
    limit = bounded(schemas.Whole(min=0, max=MAX_ID, allow_none=True), limit, "limit")
    since = bounded(schemas.Moment(allow_none=True), since, "since")
    until = bounded(schemas.Moment(allow_none=True), until, "until")
    q = _ledger_select()
    if lot_id is not None:
        q = q.where(Movement.lot_id == lot_id)
    if point:
        q = q.where(Movement.point_id == by_code(s, StoragePoint, point, "point").id)
    if item:
        q = q.where(Movement.item_id == by_code(s, Item, item, "item").id)
    if since is not None:
        q = q.where(Movement.at >= _as_datetime(since))
    if until is not None:
        q = q.where(Movement.at < _as_datetime(until, end=True))
    if kinds:
        q = q.where(col(Movement.kind).in_(kinds))
    q = scoped(q, actor, Movement.point_id, Movement.agency_id)
    if newest_first:
        q = q.order_by(col(Movement.at).desc(), col(Movement.id).desc())
    else:
        q = q.order_by(col(Movement.at), col(Movement.id))
    if limit is not None:
        q = q.limit(limit)
    return q


def _ledger_select() -> SQLModelSelect[*tuple[Any, ...]]:
    """The columns of a :class:`LedgerLine`."""
    return (
        select_columns(
            Movement.id,
            Movement.at,
            Movement.kind,
            Item.code,
            StoragePoint.code,
            StockLot.batch,
            Agency.code,
            Movement.qty,
            Movement.reserved_delta,
            Movement.balance_after,
            User.name,
            Movement.reference,
            Movement.reason,
        )
        .join(StockLot, col(StockLot.id) == Movement.lot_id)
        .join(Item, col(Item.id) == Movement.item_id)
        .join(StoragePoint, col(StoragePoint.id) == Movement.point_id)
        .join(Agency, col(Agency.id) == Movement.agency_id)
        .outerjoin(User, col(User.id) == Movement.actor_id)
    )


def _lot_select(*extra: Any) -> SQLModelSelect[*tuple[Any, ...]]:
    """The columns of a :class:`LotResult`, then ``extra`` ones."""
    return (
        select_columns(
            StockLot.id,
            Item.code,
            Item.name,
            Item.unit,
            SupplyClass.code,
            Agency.code,
            StoragePoint.code,
            StoragePoint.name,
            StoragePoint.level,
            StoragePoint.region_code,
            StockLot.batch,
            StockLot.mode,
            StockLot.expires_on,
            StockLot.lead_time_hours,
            StockLot.on_hand,
            StockLot.reserved,
            *extra,
        )
        .join(Item, col(Item.id) == StockLot.item_id)
        .join(SupplyClass, col(SupplyClass.id) == StockLot.class_id)
        .join(Agency, col(Agency.id) == StockLot.agency_id)
        .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
    )


def _lot_ids(lot_ids: Iterable[int] | Select[Any] | None) -> list[int] | Select[Any] | None:
    """The lots to narrow a list to: checked ids, or a SELECT of ids used as it is."""
    if lot_ids is None or isinstance(lot_ids, Select):
        return lot_ids
    if isinstance(lot_ids, (str, bytes)):
        raise InvalidInput(t("must be lot ids"), "lot_ids")
    return [bounded(schemas.Id(), i, "lot_ids") for i in lot_ids] or [-1]


S = TypeVar("S", bound=Select[*tuple[Any, ...]])

# The most rows one page of :meth:`StockQueries.lots_after` or :meth:`StockQueries.ledger_after` holds.
MAX_PAGE = 1000


def _filters(s: Session, q: S, actor: Actor, *, lots: Any = StockLot, **given: Any) -> S:
    """``q`` narrowed by the filters a caller gave (checked first) and by the actor's scope; ``lots``
    names the point, item, class and agency columns (the lots', or the kept totals' for a summary)."""
    f = schemas.load(LotFilterIn, given)
    point, item, supply_class, agency = f.get("point"), f.get("item"), f.get("supply_class"), f.get("agency")
    region_code, level = f.get("region_code"), f.get("level")
    if point:
        q = q.where(lots.point_id == by_code(s, StoragePoint, point, "point").id)
    if item:
        q = q.where(lots.item_id == by_code(s, Item, item, "item").id)
    if supply_class:
        from ..catalog.service import descendant_ids

        cls = by_code(s, SupplyClass, supply_class, "supply_class")
        q = q.where(lots.class_id.in_(descendant_ids(s, persisted_id(cls))))
    if agency:
        q = q.where(lots.agency_id == by_code(s, Agency, agency, "agency").id)
    if region_code:
        q = q.where(col(StoragePoint.region_code).startswith(region_code))
    if level:
        q = q.where(col(StoragePoint.level) == level)
    return scoped(q, actor, lots.point_id, lots.agency_id)


def _as_datetime(value: date | datetime, *, end: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    # A day is the department's day (cut at its midnight), as in every report.
    return local_day_start(value + timedelta(days=1) if end else value)


_DEPRECATED = {"LotView": "LotResult"}
# The result types of the read methods, loaded when first asked for (``from ...queries import SummaryRow``).
_RESULTS = {"RollupRow": "rollup", "SummaryRow": "summary", "VerifyReport": "verify"}


def __getattr__(name: str) -> object:
    """The result types imported where used, and old names of the results, kept working with a warning."""
    if name in _RESULTS:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{_RESULTS[name]}"), name)
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"{name} is now {_DEPRECATED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[_DEPRECATED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
