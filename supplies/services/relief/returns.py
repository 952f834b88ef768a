"""Returns (回收) of lent equipment, and the loans still out: ``inv.returns``.

Items flagged ``reusable`` (tents, folding beds, pumps, generators) are lent, not consumed:

- to a household, by distribution (:mod:`.distribution`): a loan of the units each distribution
  line took from its lot;
- to a site, by a dispatch request whose destination is given as coordinates only: the units of
  each dispatched allocation (what was received, else what was dispatched) are a loan of the
  request. A request to a storage point lends nothing: on arrival its units became that point's
  stock (:mod:`supplies.services.dispatch.arrival`), and they are lent from there in their turn.

What is out on loan is never kept as a counter: it is what was lent less what came back, summed
from the distribution lines or allocations and the return lines whenever it is asked, so the two
can never drift apart. A return is recorded against a household (``household:<incident>/<number>``
in the ledger) or a request (``request:<id>``) and names the condition the units came back in:

- ``good``: a ``return`` ledger line puts them back into the lot of their own batch at the point
  of return (created if new: same batch, expiry, reserve mode, lead time and unit cost, owned by
  the agency answering for the class in the point's jurisdiction). A batch the point holds on
  other terms is filed under ``<batch>-RET`` instead, as arrival does.
- ``repair``: a ``return`` line puts them into the lot ``<batch>-REPAIR`` held in the reserve mode
  ``repair`` (待修): such lots are never free to allocate, distribute, issue or count as ready
  (:data:`~supplies.models.enums.UNAVAILABLE_MODES`); write them off or receive them back once
  repaired.
- ``unusable``: no stock comes back; the return, with its required reason, closes that part of the
  loan (the units were written off while out).

The units returned are taken from the lots they were lent from, oldest lot first, so each keeps
its batch. One can never return more than is out for that household or request and item.
Returns are recorded by the point's warehouse staff and the admins and dispatchers of its
jurisdiction, as distribution is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...db import select_columns
from ...errors import NotFound, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import (
    Allocation,
    AllocationStatus,
    DispatchRequest,
    DistributionLine,
    Household,
    Incident,
    Item,
    LoanReturn,
    LoanReturnLine,
    MovementKind,
    PointStatus,
    RequestLine,
    ReserveMode,
    ReturnCondition,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...permissions import Actor, in_scope, may_serve_at, require_jurisdiction, scoped_to_jurisdiction
from ...schemas import load
from ...terms import term
from ..base import Service, by_code, retried
from ..dispatch import allocation as alloc
from ..dispatch.arrival import filing_batch
from ..results import Result, aware
from ..stock.commands import open_lot, refuse_tracked
from ..stock.ledger import find_lot, lock_lots, post
from .distribution import reference as household_reference
from .households import find_household, resolve_incident
from .repairs import REPAIR_SUFFIX, RETURN_TAG, RepairedLine, put_back
from .schemas import LoansIn, RepairedIn, ReturnIn

_BATCH_MAX = 60  # StockLot.batch


@dataclass(frozen=True)
class ReturnedLine(Result):
    """Units of one lent lot given back: the batch they were lent from and the batch they went into
    (None for unusable units), with the ``return`` ledger line."""

    lent_batch: str
    batch: str | None
    qty: int
    movement_id: int | None


@dataclass(frozen=True)
class ReturnResult(Result):
    """A return as recorded: who gave back what, where, in which condition, and what is still out."""

    id: int
    incident_id: int
    household: str | None
    request_id: int | None
    item: str
    point: str
    qty: int
    condition: str
    reason: str | None
    at: datetime
    lines: tuple[ReturnedLine, ...]
    still_out: int


@dataclass(frozen=True)
class LoanLine(Result):
    """Units of a reusable item out on loan to a household or a request, by the point they left.

    ``lent`` is what left that point for the borrower, ``returned`` what came back of it (in any
    condition), ``out`` the difference. Households are named by their number only.
    """

    incident_id: int
    household: str | None
    request_id: int | None
    item: str
    item_name: str
    unit: str
    point: str
    lent: int
    returned: int
    out: int


def _require_return(actor: Actor, point: StoragePoint) -> None:
    """Warehouse staff of the point, and admins and dispatchers of its jurisdiction, record returns there."""
    if may_serve_at(actor, point.id, point.jurisdiction_code):
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


def _lent_to_household(s: Session, household_id: int, item_id: int) -> dict[int, int]:
    """Units lent to a household, by the lot they left."""
    rows = s.exec(
        select(DistributionLine.lot_id, func.sum(DistributionLine.qty))
        .where(DistributionLine.household_id == household_id, DistributionLine.item_id == item_id)
        .group_by(col(DistributionLine.lot_id))
    ).all()
    return {lot_id: int(n) for lot_id, n in rows}


def _lent_on_request(s: Session, request_id: int, item_id: int) -> dict[int, int]:
    """Units of an item lent on a request, by the lot they left: each dispatched allocation's received
    units, else its dispatched ones."""
    rows = s.exec(
        select(Allocation.lot_id, func.sum(func.coalesce(Allocation.received, Allocation.quantity)))
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .where(
            RequestLine.request_id == request_id,
            Allocation.status == AllocationStatus.DISPATCHED.value,
            StockLot.item_id == item_id,
        )
        .group_by(col(Allocation.lot_id))
    ).all()
    return {lot_id: int(n) for lot_id, n in rows}


def _returned(s: Session, *, household_id: int | None, request_id: int | None, item_id: int) -> dict[int, int]:
    """Units returned (in any condition) by a household or on a request, by the lot they were lent from."""
    who = LoanReturn.household_id == household_id if household_id is not None else LoanReturn.request_id == request_id
    rows = s.exec(
        select(LoanReturnLine.source_lot_id, func.sum(LoanReturnLine.qty))
        .join(LoanReturn, col(LoanReturn.id) == LoanReturnLine.return_id)
        .where(who, LoanReturn.item_id == item_id)
        .group_by(col(LoanReturnLine.source_lot_id))
    ).all()
    return {lot_id: int(n) for lot_id, n in rows}


class Returns(Service):
    """Returns of lent equipment and the loans still out: ``inv.returns``."""

    @retried
    def record(
        self,
        point: str,
        item: str,
        qty: int,
        condition: str,
        *,
        household: str | None = None,
        request: int | None = None,
        reason: str | None = None,
        incident: int | None = None,
    ) -> ReturnResult:
        """Record ``qty`` units of ``item`` returned at ``point`` by ``household`` (a number in
        ``incident``, default the only open one) or on ``request`` (an id), in ``condition``
        ``good``, ``repair`` or ``unusable`` (the last needs a ``reason``).

        Refused (:class:`RuleViolation`) for an item not flagged reusable, for a request booked into
        a storage point's stock, and for more than is out on loan to that household or request.
        """
        data = load(
            ReturnIn,
            dict(
                point=point,
                item=item,
                qty=qty,
                condition=condition,
                household=household,
                request=request,
                reason=reason,
                incident=incident,
            ),
        )
        with self._work() as (s, actor):
            p = by_code(s, StoragePoint, data["point"], "point")
            _require_return(actor, p)
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            it = by_code(s, Item, data["item"], "item")
            refuse_tracked(it)  # a unit of equipment comes back with supplies unit return
            if not it.reusable:
                raise RuleViolation(
                    t(
                        "item {item} is not reusable: only items flagged reusable are lent and returned "
                        "(supplies item update {item} --reusable)",
                        item=it.code,
                    ),
                    "item",
                )
            item_id = persisted_id(it)
            hh: Household | None = None
            req: DispatchRequest | None = None
            if data.get("household") is not None:
                inc = resolve_incident(s, actor, data.get("incident"))
                hh = find_household(s, inc, data["household"], lock=True)  # one return at a time per household
                require_jurisdiction(actor, hh.jurisdiction_code, what=str(inc), field="household")
                lent = _lent_to_household(s, persisted_id(hh), item_id)
                who = t("household {number}", number=hh.number)
                ref = household_reference(persisted_id(inc), hh.number)
            else:
                req, inc = self._request(s, actor, data["request"], data.get("incident"))
                lent = _lent_on_request(s, persisted_id(req), item_id)
                who = t("request #{id}", id=req.id)
                ref = alloc.reference(persisted_id(req))
            back = _returned(
                s,
                household_id=hh.id if hh is not None else None,
                request_id=req.id if req is not None else None,
                item_id=item_id,
            )
            left = {lot_id: n - back.get(lot_id, 0) for lot_id, n in sorted(lent.items()) if n > back.get(lot_id, 0)}
            out = sum(left.values())
            if data["qty"] > out:
                raise RuleViolation(
                    t(
                        "{who} has {out} {unit} of {item} out on loan; asked to return {qty}",
                        who=who,
                        out=out,
                        unit=it.unit,
                        item=it.code,
                        qty=data["qty"],
                    ),
                    "qty",
                )
            # Oldest lent lot first: each unit goes back under the batch it left in.
            takes: list[tuple[int, int]] = []
            need = data["qty"]
            for lot_id, n in left.items():
                if need == 0:
                    break
                take = min(n, need)
                takes.append((lot_id, take))
                need -= take
            ret = LoanReturn(
                incident_id=persisted_id(inc),
                jurisdiction_code=inc.jurisdiction_code,
                household_id=hh.id if hh is not None else None,
                request_id=req.id if req is not None else None,
                item_id=item_id,
                point_id=persisted_id(p),
                qty=data["qty"],
                condition=data["condition"],
                reason=data.get("reason"),
                actor_id=actor.id,
            )
            s.add(ret)
            s.flush()
            self._put_back(s, actor, ret, p, takes, ref)
            s.flush()
            return self._view(s, ret, hh, it, p, out - data["qty"])

    @staticmethod
    def _request(s: Session, actor: Actor, request_id: int, incident: int | None) -> tuple[DispatchRequest, Incident]:
        """The request, locked (one return at a time per request), checked to be a loan of the incident."""
        req = s.exec(select(DispatchRequest).where(DispatchRequest.id == request_id).with_for_update()).one_or_none()
        if req is None or not in_scope(actor, req.jurisdiction_code):
            raise NotFound(t("no dispatch request with id {id!r}", id=request_id), "request")
        if incident is not None and req.incident_id != incident:
            raise RuleViolation(
                t(
                    "request #{id} answers incident #{other}, not #{incident}",
                    id=req.id,
                    other=req.incident_id,
                    incident=incident,
                ),
                "request",
            )
        if req.dest_point_id is not None:
            dest = s.get_one(StoragePoint, req.dest_point_id)
            raise RuleViolation(
                t(
                    "request #{id} was booked into the stock of {point} on arrival: what it brought is stock "
                    "there, not a loan; move it back by transfer",
                    id=req.id,
                    point=dest.code,
                ),
                "request",
            )
        return req, s.get_one(Incident, req.incident_id)

    @staticmethod
    def _put_back(
        s: Session, actor: Actor, ret: LoanReturn, point: StoragePoint, takes: list[tuple[int, int]], ref: str
    ) -> None:
        """The return's lines: for good and repair units, a ``return`` ledger line into the lot at ``point``."""
        sources = {
            persisted_id(lot): lot
            for lot in s.exec(select(StockLot).where(col(StockLot.id).in_([i for i, _ in takes]))).all()
        }
        if ret.condition == ReturnCondition.UNUSABLE:
            for lot_id, take in takes:
                s.add(LoanReturnLine(return_id=persisted_id(ret), source_lot_id=lot_id, qty=take))
            return
        pid = persisted_id(point)
        repair = ret.condition == ReturnCondition.REPAIR
        targets: dict[int, tuple[str, str]] = {}  # source lot -> (batch, mode) at the point
        for lot_id, _take in takes:
            src = sources[lot_id]
            mode = ReserveMode.REPAIR.value if repair else src.mode
            batch = src.batch
            if repair:
                batch = (batch[: _BATCH_MAX - len(REPAIR_SUFFIX)] + REPAIR_SUFFIX) if batch else REPAIR_SUFFIX[1:]
            targets[lot_id] = (
                filing_batch(s, pid, src.item_id, batch, mode=mode, expires_on=src.expires_on, tag=RETURN_TAG),
                mode,
            )
        held = (find_lot(s, pid, sources[lot_id].item_id, b) for lot_id, (b, _m) in targets.items())
        lock_lots(s, {persisted_id(h) for h in held if h is not None})  # in id order, before any change
        classes: dict[int, SupplyClass] = {}
        for lot_id, take in takes:
            src = sources[lot_id]
            cls = classes.get(src.class_id) or classes.setdefault(src.class_id, s.get_one(SupplyClass, src.class_id))
            batch, mode = targets[lot_id]
            into = open_lot(
                s,
                point,
                src.item_id,
                cls,
                batch,
                mode=mode,
                expires_on=src.expires_on,
                lead_time_hours=src.lead_time_hours,
                unit_cost=src.unit_cost,
                error=RuleViolation,
                where=point.code,
            )
            m = post(
                s,
                into,
                MovementKind.RETURN,
                qty=take,
                actor_id=actor.id,
                reference=ref,
                reason=ret.reason or (t("returned for repair") if repair else None),
                related_lot_id=lot_id,
            )
            s.flush()
            s.add(
                LoanReturnLine(
                    return_id=persisted_id(ret),
                    source_lot_id=lot_id,
                    lot_id=persisted_id(into),
                    movement_id=persisted_id(m),
                    qty=take,
                )
            )

    @staticmethod
    def _view(
        s: Session, ret: LoanReturn, hh: Household | None, it: Item, p: StoragePoint, still_out: int
    ) -> ReturnResult:
        lines = s.exec(
            select(LoanReturnLine).where(LoanReturnLine.return_id == ret.id).order_by(col(LoanReturnLine.id))
        ).all()
        ids = {x.source_lot_id for x in lines} | {x.lot_id for x in lines if x.lot_id is not None}
        batches = dict(s.exec(select(StockLot.id, StockLot.batch).where(col(StockLot.id).in_(ids))).all())
        return ReturnResult(
            persisted_id(ret),
            ret.incident_id,
            hh.number if hh is not None else None,
            ret.request_id,
            it.code,
            p.code,
            ret.qty,
            ret.condition,
            ret.reason,
            aware(ret.at),
            tuple(
                ReturnedLine(
                    batches[x.source_lot_id], batches[x.lot_id] if x.lot_id is not None else None, x.qty, x.movement_id
                )
                for x in lines
            ),
            still_out,
        )

    @retried
    def repaired(self, point: str, item: str, qty: int, *, batch: str | None = None) -> list[RepairedLine]:
        """Put ``qty`` mended units of ``item`` held for repair at ``point`` back into good stock
        (their own batch; oldest repair lot first, or the repair lot of ``batch``).

        Refused for more than the point holds awaiting repair. By whoever records returns there.
        """
        data = load(RepairedIn, dict(point=point, item=item, qty=qty, batch=batch))
        with self._work() as (s, actor):
            p = by_code(s, StoragePoint, data["point"], "point")
            _require_return(actor, p)
            it = by_code(s, Item, data["item"], "item")
            refuse_tracked(it)  # a unit of equipment is repaired with supplies maintenance record
            return put_back(s, actor, p, it, data["qty"], data.get("batch"))

    def loans(
        self, *, incident: int | None = None, point: str | None = None, household: str | None = None
    ) -> list[LoanLine]:
        """What is out on loan, by borrower, item and the point it left: only what is still out.

        ``incident`` limits to one incident (all those the user acts on, without it); ``household``
        (a number) to one household of ``incident`` (default: the only open one); ``point`` to
        what left that point.
        """
        data = load(LoansIn, dict(incident=incident, point=point, household=household))
        with self._work(write=False) as (s, actor):
            inc_id: int | None = None
            if data.get("incident") is not None or data.get("household") is not None:
                inc_id = persisted_id(resolve_incident(s, actor, data.get("incident")))
            hh_id: int | None = None
            if data.get("household") is not None:
                inc = s.get_one(Incident, inc_id)
                hh_id = persisted_id(find_household(s, inc, data["household"]))
            point_id = persisted_id(by_code(s, StoragePoint, data["point"], "point")) if data.get("point") else None
            rows = loan_balances(s, actor, incident_id=inc_id, household_id=hh_id, point_id=point_id)
            return [r for r in rows if r.out > 0]


# (incident, household id, request id, item id, point id) -> units
_Key = tuple[int, int | None, int | None, int, int]


def loan_balances(
    s: Session,
    actor: Actor,
    *,
    incident_id: int | None = None,
    household_id: int | None = None,
    point_id: int | None = None,
) -> list[LoanLine]:
    """Lent, returned and out, by borrower, item and the point the units left, in a few grouped queries.

    Limited to the incidents of the actor's jurisdiction and below; rows with nothing out included.
    """
    lent: dict[_Key, int] = defaultdict(int)
    back: dict[_Key, int] = defaultdict(int)
    # Households: what their distributions gave of reusable items, by the point of the lot.
    q_h = (
        select_columns(
            Household.incident_id, Household.id, StockLot.item_id, StockLot.point_id, func.sum(DistributionLine.qty)
        )
        .join(Household, col(Household.id) == DistributionLine.household_id)
        .join(StockLot, col(StockLot.id) == DistributionLine.lot_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .where(col(Item.reusable).is_(True))
        .group_by(col(Household.incident_id), col(Household.id), col(StockLot.item_id), col(StockLot.point_id))
    )
    q_h = scoped_to_jurisdiction(q_h, actor, Household.jurisdiction_code)
    # Requests to coordinates: what their dispatched allocations took of reusable items.
    q_r = (
        select_columns(
            DispatchRequest.incident_id,
            DispatchRequest.id,
            StockLot.item_id,
            StockLot.point_id,
            func.sum(func.coalesce(Allocation.received, Allocation.quantity)),
        )
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(DispatchRequest, col(DispatchRequest.id) == RequestLine.request_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .where(
            col(Item.reusable).is_(True),
            col(DispatchRequest.dest_point_id).is_(None),
            Allocation.status == AllocationStatus.DISPATCHED.value,
        )
        .group_by(
            col(DispatchRequest.incident_id), col(DispatchRequest.id), col(StockLot.item_id), col(StockLot.point_id)
        )
    )
    q_r = scoped_to_jurisdiction(q_r, actor, DispatchRequest.jurisdiction_code)
    q_b = (
        select_columns(
            LoanReturn.incident_id,
            LoanReturn.household_id,
            LoanReturn.request_id,
            StockLot.item_id,
            StockLot.point_id,
            func.sum(LoanReturnLine.qty),
        )
        .join(LoanReturn, col(LoanReturn.id) == LoanReturnLine.return_id)
        .join(StockLot, col(StockLot.id) == LoanReturnLine.source_lot_id)
        .group_by(
            col(LoanReturn.incident_id),
            col(LoanReturn.household_id),
            col(LoanReturn.request_id),
            col(StockLot.item_id),
            col(StockLot.point_id),
        )
    )
    q_b = scoped_to_jurisdiction(q_b, actor, LoanReturn.jurisdiction_code)
    if incident_id is not None:
        q_h = q_h.where(Household.incident_id == incident_id)
        q_r = q_r.where(DispatchRequest.incident_id == incident_id)
        q_b = q_b.where(LoanReturn.incident_id == incident_id)
    if household_id is not None:
        q_h = q_h.where(Household.id == household_id)
        q_r = q_r.where(col(DispatchRequest.id).is_(None))  # a household's loans only
        q_b = q_b.where(LoanReturn.household_id == household_id)
    if point_id is not None:
        q_h, q_r, q_b = (q.where(StockLot.point_id == point_id) for q in (q_h, q_r, q_b))
    for inc, hid, item, pid, n in s.exec(q_h).all():
        lent[(inc, hid, None, item, pid)] += int(n)
    for inc, rid, item, pid, n in s.exec(q_r).all():
        lent[(inc, None, rid, item, pid)] += int(n)
    for inc, hid, rid, item, pid, n in s.exec(q_b).all():
        back[(inc, hid, rid, item, pid)] += int(n)
    keys = sorted(set(lent) | set(back), key=lambda k: (k[0], k[1] is None, k[1] or 0, k[2] or 0, k[3], k[4]))
    if not keys:
        return []
    numbers = dict(
        s.exec(select(Household.id, Household.number).where(col(Household.id).in_({k[1] for k in keys if k[1]}))).all()
    )
    items = {
        r[0]: r[1:]
        for r in s.exec(select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({k[3] for k in keys})))
    }
    points = dict(
        s.exec(select(StoragePoint.id, StoragePoint.code).where(col(StoragePoint.id).in_({k[4] for k in keys}))).all()
    )
    return [
        LoanLine(
            k[0],
            numbers.get(k[1]) if k[1] is not None else None,
            k[2],
            items[k[3]][0],
            items[k[3]][1],
            items[k[3]][2],
            points[k[4]],
            lent.get(k, 0),
            back.get(k, 0),
            lent.get(k, 0) - back.get(k, 0),
        )
        for k in keys
    ]


__all__ = ["LoanLine", "ReturnResult", "ReturnedLine", "Returns", "loan_balances"]
