"""Executing an allocated request: each agency dispatches its share through the ledger, then receipt is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from sqlmodel import Session, col, select

from ...errors import InvalidInput, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import Agency, Allocation, CallUpLine, DispatchRequest, RequestStatus, Role, StockLot, StoragePoint
from ...models.base import persisted_id
from ...permissions import (
    Actor,
    in_scope,
    may_execute_dispatch,
    require_dispatch_execution,
)
from ...schemas import Code, bounded, load
from ...terms import term
from ..base import Service, by_code
from ..stock.ledger import lock_lots
from . import allocation as alloc
from . import arrival, states
from .allocation import retrying
from .results import (
    AllocationRow,
    DispatchResult,
    RequestDetail,
    allocation_rows,
    request_detail,
)
from .schemas import ReceivedIn, request_id

PLANNERS = ("dispatcher", "admin")


def can_receive(actor: Actor, req: DispatchRequest, dest: StoragePoint | None) -> bool:
    """Whether ``actor`` may record the receipt of ``req`` at its destination ``dest`` (None: coordinates only).

    Dispatchers and admins of the request's jurisdiction, or of the destination point's, may; so
    may the warehouse staff of the destination point, who book what arrived into their stock.
    """
    if actor.role in PLANNERS:
        return in_scope(actor, req.jurisdiction_code) or (dest is not None and in_scope(actor, dest.jurisdiction_code))
    return actor.role == Role.WAREHOUSE and req.dest_point_id is not None and req.dest_point_id in actor.point_ids


def require_receive(actor: Actor, req: DispatchRequest, dest: StoragePoint | None) -> None:
    """Refuse unless :func:`can_receive`."""
    if not can_receive(actor, req, dest):
        raise PermissionDenied(
            t(
                "{name} ({role}) may not record the receipt of request #{request}: dispatchers and admins of its "
                "jurisdiction and warehouse staff of its destination point may",
                name=actor.name,
                role=term(actor.role),
                request=req.id,
            ),
            "user",
        )


class Execution(Service):
    "``dispatch`` and ``receive`` of :class:`~supplies.services.dispatch.commands.DispatchRequests`."

    def dispatch(self, id: int, *, agency: str | None = None, point: str | None = None) -> DispatchResult:
        """Issue through the ledger the reserved rows the acting user may execute (their share).

        Warehouse staff issue the rows at their points, an agency officer their agency's rows,
        dispatchers and admins every row; ``agency`` and ``point`` narrow it further. Refused only
        when none of the reserved rows is the user's, saying whose they are. The request becomes
        dispatched when no reserved row is left.
        """
        point_filter = bounded(Code(allow_none=True), point, "point")

        def run() -> DispatchResult:
            with self._work() as (s, actor):
                req = states.lock_request(s, request_id(id))
                rid = persisted_id(req)
                states.check(req, "dispatch")
                share = _share(s, actor, rid, agency, point_filter)
                rows, lots = share.rows, lock_lots(s, {a.lot_id for a in share.rows})
                for a in rows:  # the rule, once more, on the locked lots (a class may change hands)
                    lot = lots[a.lot_id]
                    require_dispatch_execution(
                        actor, point_id=a.point_id, agency_id=lot.agency_id, jurisdiction=lot.jurisdiction_code
                    )
                alloc.issue(s, rid, rows, lots, actor)
                s.flush()
                waiting = alloc.reserved_rows(s, rid)
                units = sum(a.quantity for a in rows)
                who = share.label
                if waiting:
                    states.move(
                        s,
                        req,
                        req.status,
                        actor,
                        t(
                            "{who} dispatched {units} units; {waiting} still reserved",
                            who=who,
                            units=units,
                            waiting=sum(a.quantity for a in waiting),
                        ),
                    )
                else:
                    states.move(
                        s,
                        req,
                        RequestStatus.DISPATCHED.value,
                        actor,
                        t("{who} dispatched {units} units", who=who, units=units),
                    )
                s.flush()
                issued = {a.id for a in rows}
                out = [r for r in allocation_rows(s, rid) if r.id in issued]
                return DispatchResult(
                    rid,
                    req.status,
                    share.agency,
                    out,
                    sum(a.quantity for a in waiting),
                )

        return retrying(run)

    def share(self, id: int, *, agency: str | None = None, point: str | None = None) -> list[AllocationRow]:
        """The reserved rows :meth:`dispatch` would issue for the acting user now (nothing is written).

        Empty when the user may execute none of them (or nothing is reserved).
        """
        point_filter = bounded(Code(allow_none=True), point, "point")
        with self._work(write=False) as (s, actor):
            rid = persisted_id(states.lock_request(s, request_id(id), lock=False))
            try:
                ids = {a.id for a in _share(s, actor, rid, agency, point_filter).rows}
            except (PermissionDenied, RuleViolation):
                return []
            return [r for r in allocation_rows(s, rid) if r.id in ids]

    def may_receive(self, id: int) -> bool:
        """Whether the acting user may record the receipt of request ``id`` (see :func:`can_receive`).

        Says nothing of the request's state: :meth:`receive` refuses a request not dispatched.
        """
        with self._work(write=False) as (s, actor):
            req = states.lock_request(s, request_id(id), lock=False)
            return can_receive(actor, req, s.get(StoragePoint, req.dest_point_id) if req.dest_point_id else None)

    def receive(self, id: int, *, received: Mapping[str, int] | None = None) -> RequestDetail:
        """Record what arrived at the destination. ``received`` maps item codes to units received;
        items not named (or ``None`` altogether) arrived in full. Differences are recorded.

        At a destination storage point what arrived is booked into its stock (see
        :mod:`.arrival`): lot by lot, batch, expiry and mode kept, an ``arrival`` ledger line
        referenced ``request:<id>`` each; refused when the point is closed or no agency answers
        there for an item's class. A destination given as coordinates only books nothing: the
        supplies were handed over on site. A request is received once, by a dispatcher or admin of its
        jurisdiction or the destination's, or by the destination point's warehouse staff (:func:`can_receive`).
        """
        data = load(ReceivedIn, dict(received=dict(received) if isinstance(received, Mapping) else received))
        got = data.get("received") or {}

        def run() -> RequestDetail:
            with self._work() as (s, actor):
                req = states.lock_request(s, request_id(id))
                require_receive(actor, req, s.get(StoragePoint, req.dest_point_id) if req.dest_point_id else None)
                target = states.check(req, "receive")
                rid = persisted_id(req)
                dest = arrival.destination(s, req.dest_point_id, rid)
                rows = alloc.dispatched_rows(s, rid)
                # Rows a contract's call-up delivered are booked already (services.contracts): not again.
                before = [a for a, _ in rows if a.received is not None]
                rows = [(a, item) for a, item in rows if a.received is None]
                sent: dict[str, int] = {}
                for a, item in rows:
                    sent[item] = sent.get(item, 0) + a.quantity
                for code, qty in got.items():
                    if code not in sent:
                        raise InvalidInput(
                            t("{code} was not dispatched for this request", code=code), f"received.{code}"
                        )
                    if qty > sent[code]:
                        raise InvalidInput(
                            t("only {sent} of {code} were dispatched", sent=sent[code], code=code), f"received.{code}"
                        )
                left = {code: got.get(code, total) for code, total in sent.items()}
                per_line: dict[int, int] = {}
                for a in before:
                    per_line[a.line_id] = per_line.get(a.line_id, 0) + (a.received or 0)
                for a, item in rows:
                    a.received = min(left[item], a.quantity)
                    left[item] -= a.received
                    per_line[a.line_id] = per_line.get(a.line_id, 0) + a.received
                    s.add(a)
                for line_id, ln in alloc.request_lines(s, [persisted_id(req)]).items():
                    ln.received = per_line.get(line_id, 0)
                    s.add(ln)
                diffs = [
                    t("{item}: {received} of {sent} received", item=code, received=got[code], sent=sent[code])
                    for code in sorted(got)
                    if got[code] != sent[code]
                ]
                if dest is None:
                    notes = [t("handed over on site")]
                else:
                    booked = arrival.book(s, rid, dest, [a for a, _ in rows], actor)
                    notes = [t("{units} units booked into {point}", units=booked.units, point=booked.point)]
                    notes += [
                        t(
                            "batch {batch!r} is held at {point} on other terms: filed as {filed!r}",
                            batch=b,
                            point=booked.point,
                            filed=f,
                        )
                        for b, f in booked.renamed
                    ]
                notes += diffs or [t("all dispatched supplies received")]
                states.move(s, req, target, actor, "; ".join(notes))
                s.flush()
                return request_detail(s, req)

        return retrying(run)


class _Share(NamedTuple):
    rows: list[Allocation]
    agency: str | None  # the agency whose share it is, when it is one agency's
    label: str  # who dispatched, for the request's history


def _share(s: Session, actor: Actor, request: int, agency: str | None, point: str | None) -> _Share:
    """The reserved rows of ``request`` that ``actor`` may issue, narrowed to ``agency`` and ``point``."""
    if actor.role == Role.VIEWER:
        raise PermissionDenied(
            t("{name} ({role}) may not dispatch stock", name=actor.name, role=term(actor.role)), "user"
        )
    code = agency
    if code is None and actor.role == Role.AGENCY_OFFICER and actor.agency_id is not None:
        code = s.get_one(Agency, actor.agency_id).code
    agency_row = by_code(s, Agency, code, "agency") if code else None
    point_row = by_code(s, StoragePoint, point, "point") if point else None
    reserved = alloc.reserved_rows(s, request, agency_row.id if agency_row else None)
    if point_row is not None:
        reserved = [a for a in reserved if a.point_id == point_row.id]
    # Units called up from a contract are delivered by the company (services.contracts: deliver), not issued here.
    called = set(
        s.exec(
            select(CallUpLine.allocation_id).where(col(CallUpLine.allocation_id).in_([a.id for a in reserved]))
        ).all()
    )
    if called and len(called) == len(reserved):
        raise RuleViolation(
            t(
                "what is reserved for request #{request} is called up from contracts: record the company's "
                "delivery (supplies contract deliver ORDER)",
                request=request,
            ),
            "id",
        )
    reserved = [a for a in reserved if a.id not in called]
    if not reserved:
        narrowed = (f" for {agency_row.code}" if agency_row else "") + (f" at {point_row.code}" if point_row else "")
        raise RuleViolation(
            t("request #{request} has nothing reserved{narrowed} to dispatch", request=request, narrowed=narrowed),
            "agency" if agency_row else ("point" if point_row else "id"),
        )
    owners = {
        lot_id: (agency_id, jurisdiction)
        for lot_id, agency_id, jurisdiction in s.exec(
            select(StockLot.id, StockLot.agency_id, StockLot.jurisdiction_code).where(
                col(StockLot.id).in_({a.lot_id for a in reserved})
            )
        ).all()
    }
    agencies = {lot_id: owner[0] for lot_id, owner in owners.items()}
    mine = [
        a
        for a in reserved
        if may_execute_dispatch(
            actor, point_id=a.point_id, agency_id=owners[a.lot_id][0], jurisdiction=owners[a.lot_id][1]
        )
    ]
    if not mine:
        points = dict(
            s.exec(
                select(StoragePoint.id, StoragePoint.code).where(
                    col(StoragePoint.id).in_({a.point_id for a in reserved})
                )
            ).all()
        )
        names = dict(s.exec(select(Agency.id, Agency.code).where(col(Agency.id).in_(set(agencies.values())))).all())
        whose: dict[str, int] = {}
        for a in reserved:
            key = f"{points[a.point_id]} ({names[agencies[a.lot_id]]})"
            whose[key] = whose.get(key, 0) + 1
        listed = ", ".join(f"{key}: {n} row{'s' if n != 1 else ''}" for key, n in sorted(whose.items()))
        raise PermissionDenied(
            t(
                "none of the reserved rows of request #{request} is {name}'s to dispatch ({role}); they are at {listed}",
                request=request,
                name=actor.name,
                role=term(actor.role),
                listed=listed,
            ),
            "user",
        )
    label = (
        agency_row.code
        if agency_row
        else t("{name} (their share)", name=actor.name)
        if actor.role not in PLANNERS or point_row is not None
        else t("all agencies")
    )
    return _Share(mine, agency_row.code if agency_row else None, label)
