"""Dispatch requests (调拨申请): create, approve, allocate, dispatch, receive, cancel, and plan them all together."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ...allocation.arrival import ArrivalModel
from ...allocation.candidates import Destination, build_problem, lock_lots_for
from ...allocation.model import Need, Problem, Solution
from ...allocation.reach import plan_earliest_nearby
from ...errors import InvalidInput, InvalidTransition, NotFound
from ...i18n import t
from ...models import (
    DispatchRequest,
    Item,
    RequestLine,
    RequestStatus,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...permissions import Actor, in_scope, require_role
from ...schemas import load
from ...terms import term
from ..base import ArrivalAwareService, by_code
from ..places.regions import parent_jurisdiction
from . import allocation as alloc
from . import escalation, states
from .allocation import retrying
from .execution import PLANNERS, Execution
from .incidents import open_incident
from .results import (
    AllocationPlan,
    AllocationRow,
    PickList,
    PlanResult,
    RequestDetail,
    RequestResult,
    Shortfall,
    pick_lists,
    request_detail,
    request_views,
)
from .schemas import AllocateIn, OptionalReasonIn, ReasonIn, RequestIn, request_id
from .scope import require_request_scope, visible_requests

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


class DispatchRequests(Execution, ArrivalAwareService):
    """Dispatch requests and their allocation: ``inv.requests``.

    Dispatchers and admins create, submit, allocate and cancel; only dispatchers (the
    emergency-management department) approve or reject; each responsible agency's officer may
    dispatch its own share. Pass ``arrival=`` to change the arrival estimate (default: from the
    ``SUPPLIES_ROAD_*`` / ``SUPPLIES_HANDLING_HOURS`` environment, else the built-in defaults).
    """

    # -- creating and moving through the life cycle ----------------------------------------------

    def create(
        self,
        incident_id: int,
        *,
        lines: Mapping[str, int] | Sequence[Any],
        dest_lat: float | None = None,
        dest_lon: float | None = None,
        dest_point: str | None = None,
        needed_by: datetime | None = None,
        priority: int = 3,
        requesting_unit: str | None = None,
        note: str | None = None,
        dest_region_code: str | None = None,
    ) -> RequestResult:
        """Create a draft request. Each line names an item code, or a supply-class code (served by any
        item of the class or its sub-classes), with a quantity. The destination is a storage point or
        shelter code, or coordinates (then its region defaults to the incident's, for the travel table)."""
        data = load(
            RequestIn,
            dict(
                incident_id=incident_id,
                lines=lines,
                dest_lat=dest_lat,
                dest_lon=dest_lon,
                dest_point=dest_point,
                needed_by=needed_by,
                priority=priority,
                requesting_unit=requesting_unit,
                note=note,
                dest_region_code=dest_region_code,
            ),
        )
        with self._work() as (s, actor):
            require_role(actor, *PLANNERS, action=t("creating a dispatch request"))
            incident = open_incident(s, data["incident_id"])
            point_id, region = None, data.get("dest_region_code")
            if data.get("dest_point"):
                point = by_code(s, StoragePoint, data["dest_point"], "dest_point")
                point_id, lat, lon, region = point.id, point.lat, point.lon, region or point.region_code
            else:
                lat, lon = data["dest_lat"], data["dest_lon"]  # both given, without a point (RequestIn checks)
                region = region or incident.region_code
            resolved = _resolve_codes(s, [ln["code"] for ln in data["lines"]])
            req = DispatchRequest(
                jurisdiction_code=actor.jurisdiction,
                incident_id=persisted_id(incident),
                requesting_unit=data.get("requesting_unit"),
                dest_point_id=point_id,
                dest_lat=lat,
                dest_lon=lon,
                dest_region_code=region,
                needed_by=data.get("needed_by"),
                priority=data["priority"],
                note=data.get("note"),
                created_by=actor.id,
                status=RequestStatus.DRAFT.value,
            )
            s.add(req)
            s.flush()
            for ln, (item_id, class_id) in zip(data["lines"], resolved):
                s.add(
                    RequestLine(
                        request_id=persisted_id(req),
                        item_id=item_id,
                        class_id=class_id,
                        quantity=ln["quantity"],
                    )
                )
            states.created(s, req, actor)
            s.flush()
            return request_views(s, DispatchRequest.id == req.id)[0]

    def submit(self, id: int) -> RequestResult:
        """Send a draft to the emergency-management department for approval."""
        return self._step(id, "submit", PLANNERS)

    def approve(self, id: int) -> RequestResult:
        """Approve a submitted request (dispatchers only: the emergency-management department decides)."""
        return self._step(id, "approve", ("dispatcher",))

    def reject(self, id: int, *, reason: str) -> RequestResult:
        """Reject a submitted request, saying why (dispatchers only)."""
        data = load(ReasonIn, dict(reason=reason))
        return self._step(id, "reject", ("dispatcher",), data["reason"])

    def close(self, id: int) -> RequestResult:
        """Close a request whose supplies have been received."""
        return self._step(id, "close", PLANNERS)

    def cancel(self, id: int, *, reason: str | None = None) -> RequestResult:
        """Cancel a request that has not left any storage point yet, releasing every reservation."""
        data = load(OptionalReasonIn, dict(reason=reason))

        def run() -> RequestResult:
            with self._work() as (s, actor):
                require_role(actor, *PLANNERS, action=t("cancelling a dispatch request"))
                req = states.lock_request(s, request_id(id))
                require_request_scope(actor, req)
                target = states.check(req, "cancel")
                lines = alloc.request_lines(s, [persisted_id(req)])
                if any(ln.dispatched for ln in lines.values()):
                    raise InvalidTransition(
                        t(
                            "request #{id} has been partly dispatched and can no longer be cancelled; reallocate the rest, or dispatch, receive and close it",
                            id=req.id,
                        ),
                        "status",
                    )
                released = alloc.release(s, persisted_id(req), actor, data.get("reason") or t("request cancelled"))
                # What was asked of the level above for this request is not needed any more either.
                for above in escalation.open_escalations(s, persisted_id(req)):
                    freed = alloc.release(s, persisted_id(above), actor, t("request #{id} cancelled", id=req.id))
                    states.move(
                        s,
                        above,
                        RequestStatus.CANCELLED.value,
                        actor,
                        t(
                            "request #{id} it served was cancelled; released {released} reserved units",
                            id=req.id,
                            released=freed,
                        ),
                    )
                note = data.get("reason") or t("cancelled")
                states.move(
                    s,
                    req,
                    target,
                    actor,
                    t("{note}; released {released} reserved units", note=note, released=released) if released else note,
                )
                s.flush()
                return request_views(s, DispatchRequest.id == req.id)[0]

        return retrying(run)

    def escalate(self, id: int, *, note: str | None = None) -> RequestResult:
        """Ask the jurisdiction above for what this request is short of (上报 / 申请上级调拨).

        A new request in the parent jurisdiction, submitted, for each line's shortfall (asked less
        allocated less what is already asked above), with the same incident, destination, deadline
        and priority; its dispatcher approves it and allocates from the parent's whole subtree.
        Returns the new request.
        """
        data = load(OptionalReasonIn, dict(reason=note))

        def run() -> RequestResult:
            with self._work() as (s, actor):
                require_role(actor, *PLANNERS, action=t("escalating a dispatch request"))
                req = states.lock_request(s, request_id(id))
                require_request_scope(actor, req)
                above = escalation.escalate(s, actor, req, data.get("reason"))
                return request_views(s, DispatchRequest.id == above.id)[0]

        return retrying(run)

    def escalatable(self, id: int) -> int:
        """The units the acting user could escalate now from this request (0: it cannot be escalated, being
        neither approved nor allocated, of another jurisdiction, at the top, or with nothing left to ask)."""
        with self._work(write=False) as (s, actor):
            req = _visible(s, actor, request_id(id))
            if (
                req.status not in (RequestStatus.APPROVED, RequestStatus.ALLOCATED)
                or not in_scope(actor, req.jurisdiction_code)
                or parent_jurisdiction(s, req.jurisdiction_code) is None
            ):
                return 0
            return sum(left for _line, left in escalation.unasked(s, persisted_id(req)))

    # -- allocation ------------------------------------------------------------------------------

    def allocate(
        self, id: int, *, strategy: str = "earliest", dry_run: bool = False, arrival: ArrivalModel | None = None
    ) -> AllocationPlan:
        """Reserve stock for what is still unallocated of an approved (or allocated) request.

        ``strategy`` "earliest" takes the earliest-arriving lots line by line; "optimal" solves
        the request's lines together. A line that cannot be served in full is served in part and
        reported in ``shortfalls``. If nothing at all can be reserved the request stays approved.
        ``dry_run`` computes the plan without writing anything (also for a submitted request).
        """
        opts = load(AllocateIn, dict(strategy=strategy, dry_run=dry_run))
        rid = request_id(id)
        return retrying(lambda: self._allocate([rid], opts["strategy"], opts["dry_run"], arrival, "allocate"))[0]

    def reallocate(self, id: int, *, strategy: str = "earliest", arrival: ArrivalModel | None = None) -> AllocationPlan:
        """Release the request's current reservations and allocate again (after a cancellation or a change)."""
        opts = load(AllocateIn, dict(strategy=strategy))
        rid = request_id(id)
        return retrying(lambda: self._allocate([rid], opts["strategy"], False, arrival, "reallocate"))[0]

    def plan(
        self, *, strategy: str = "optimal", dry_run: bool = False, arrival: ArrivalModel | None = None
    ) -> PlanResult:
        """Allocate every approved request together: most urgent priorities are served first when
        stock is short, and the total priority-weighted arrival time is minimised."""
        opts = load(AllocateIn, dict(strategy=strategy, dry_run=dry_run))

        def run() -> list[AllocationPlan]:
            id_column = cast("Mapped[int]", DispatchRequest.id)  # the primary key: never NULL in a row read back
            with self._work(write=False) as (s, _):
                ids = list(
                    s.exec(
                        select(id_column)
                        .where(DispatchRequest.status == RequestStatus.APPROVED.value)
                        .order_by(id_column)
                    ).all()
                )
            return self._allocate(ids, opts["strategy"], opts["dry_run"], arrival, "allocate", skip_moved=True)

        plans = retrying(run)
        return PlanResult(
            plans,
            [sf for p in plans for sf in p.shortfalls],
            float(sum(p.weighted_eta for p in plans)),
            opts["strategy"],
            opts["dry_run"],
        )

    def _allocate(
        self,
        ids: list[int],
        strategy: str,
        dry_run: bool,
        arrival: ArrivalModel | None,
        action: str,
        skip_moved: bool = False,
    ) -> list[AllocationPlan]:
        with self._work(write=not dry_run) as (s, actor):
            require_role(actor, *PLANNERS, action=t("allocating stock"))
            requests = _load_requests(s, ids, lock=not dry_run)
            if skip_moved:  # planning all: a request another dispatcher moved meanwhile is left out
                requests = [r for r in requests if r.status == RequestStatus.APPROVED]
            if skip_moved:  # planning all: only the requests of the planner's jurisdiction and below
                requests = [r for r in requests if in_scope(actor, r.jurisdiction_code)]
            for req in requests:
                require_request_scope(actor, req)
                if dry_run and action == "allocate" and req.status == RequestStatus.SUBMITTED:
                    continue  # previewing a plan helps decide the approval
                states.check(req, action)
            if not requests:
                return []
            if not dry_run:  # equipment overdue past its grace is not free to allocate (services.equipment)
                from ..equipment.maintenance import has_plans, refresh_overdue

                if has_plans(s):
                    refresh_overdue(s, actor)
            released: dict[int, int] = {}
            within: set[int] | None = None
            request_ids = [persisted_id(r) for r in requests]
            lines = alloc.request_lines(s, request_ids)
            # The user's own subtree was read with the user: its requests' points need no second read.
            subtrees = {actor.jurisdiction: actor.subtree} if actor.subtree is not None else None
            if action == "reallocate" and not dry_run:
                everything, _ = alloc.needs_for(s, requests, lines, include_allocated=True, subtrees=subtrees)
                held = {a.lot_id for rid in request_ids for a in alloc.reserved_rows(s, rid)}
                within = lock_lots_for(s, everything, held)
                released = {rid: alloc.release(s, rid, actor, "reallocation") for rid in request_ids}
                lines = alloc.request_lines(s, request_ids)
            needs, dests = alloc.needs_for(s, requests, lines, subtrees=subtrees)
            problem, solution = _plan(
                s, needs, dests, arrival or self.arrival, strategy, lock=not dry_run and within is None, within=within
            )
            ids_written: list[int] | None = None
            if not dry_run:
                ids_written = alloc.reserve(s, problem, solution, lines, actor)
            rows = alloc.planned_rows(
                s, problem, solution, status="planned" if dry_run else "reserved", ids=ids_written
            )
            by_request = _ByRequest(problem, solution, rows, lines)
            plans = []
            for req in requests:
                plans.append(
                    self._finish(
                        s,
                        req,
                        by_request,
                        lines,
                        strategy,
                        dry_run,
                        actor,
                        released.get(persisted_id(req), 0),
                    )
                )
            return plans

    def _finish(
        self,
        s: Session,
        req: DispatchRequest,
        by_request: _ByRequest,
        lines: dict[int, RequestLine],
        strategy: str,
        dry_run: bool,
        actor: Actor,
        released: int,
    ) -> AllocationPlan:
        """The plan of one request; when written, move it to allocated (or leave it approved if nothing is)."""
        rid = persisted_id(req)
        mine = by_request.lines.get(rid, [])
        my_rows = by_request.rows.get(rid, [])
        planned = dict.fromkeys(mine, 0)
        if dry_run:
            for r in my_rows:
                planned[r.line_id] += r.quantity
        codes = by_request.codes
        short = []
        for lid in sorted(mine):
            ln = lines[lid]
            got = ln.allocated + planned[lid]
            if got < ln.quantity:
                short.append(
                    Shortfall(
                        rid,
                        lid,
                        codes.get(lid) or _line_code(s, ln),
                        ln.quantity,
                        got,
                        ln.quantity - got,
                    )
                )
        weighted = by_request.weighted.get(rid, 0)
        status = req.status
        if not dry_run:
            units = sum(r.quantity for r in my_rows)
            note = (
                t("{strategy}: reserved {units} units", strategy=strategy, units=units)
                if units or short
                else t("nothing left to allocate")
            )
            if released:
                note = t("released {released} units; {note}", released=released, note=note)
            if short:
                note = t(
                    "{note}; short {shortfalls}",
                    note=note,
                    shortfalls=", ".join(f"{sf.code} {sf.short}" for sf in short),
                )
            anything = any(lines[lid].allocated > 0 for lid in mine)
            status = RequestStatus.ALLOCATED.value if anything else RequestStatus.APPROVED.value
            states.move(s, req, status, actor, note)
        return AllocationPlan(rid, strategy, dry_run, my_rows, short, status, weighted)

    # -- reading -----------------------------------------------------------------------------------

    def show(self, id: int) -> RequestDetail:
        """A request with its lines, allocation rows (with state), history and shortfalls."""
        with self._work(write=False) as (s, actor):
            req = _visible(s, actor, request_id(id))
            return request_detail(s, req)

    def list(self, *, status: str | None = None, incident_id: int | None = None) -> list[RequestResult]:
        """Requests, newest first, optionally of one state or one incident."""
        where = []
        if status is not None:
            if status not in {st.value for st in RequestStatus}:
                raise InvalidInput(
                    t("must be one of: {value}", value=", ".join(st.value for st in RequestStatus)), "status"
                )
            where.append(DispatchRequest.status == status)
        if incident_id is not None:
            where.append(DispatchRequest.incident_id == request_id(incident_id, "incident_id"))
        with self._work(write=False) as (s, actor):
            seen = visible_requests(actor)
            return request_views(s, *where, *([seen] if seen is not None else []))

    def pick_lists(self, id: int) -> builtins.list[PickList]:
        """What each responsible agency must pick at each storage point (reserved rows), with its contact."""
        with self._work(write=False) as (s, actor):
            _visible(s, actor, request_id(id))
            return pick_lists(s, request_id(id))

    # -- helpers -----------------------------------------------------------------------------------

    def _step(self, id: int, action: str, roles: tuple[str, ...], note: str | None = None) -> RequestResult:
        def run() -> RequestResult:
            with self._work() as (s, actor):
                require_role(actor, *roles, action=t("to {action} a dispatch request", action=term(action)))
                req = states.lock_request(s, request_id(id))
                require_request_scope(actor, req)
                states.move(s, req, states.check(req, action), actor, note)
                s.flush()
                return request_views(s, DispatchRequest.id == req.id)[0]

        return retrying(run)


class _ByRequest:
    """A plan of many requests split by request once (not scanned again for each request)."""

    def __init__(
        self, problem: Problem, solution: Solution, rows: list[AllocationRow], lines: dict[int, RequestLine]
    ) -> None:
        self.lines: dict[int, list[int]] = defaultdict(list)
        for line_id, ln in lines.items():
            self.lines[ln.request_id].append(line_id)
        request_of = {line_id: ln.request_id for line_id, ln in lines.items()}
        self.rows: dict[int, list[AllocationRow]] = defaultdict(list)
        for r in rows:
            self.rows[request_of[r.line_id]].append(r)
        self.codes = {n.line_id: n.code for n in problem.needs}
        # From the exact estimates, not the rows' rounded ones, so totals of two plans compare truly.
        self.weighted: dict[int, float] = defaultdict(float)
        for take in solution.takes:
            need = problem.need(take.line_id)
            self.weighted[need.request_id] += need.weight * take.eta_hours * take.quantity


def _plan(
    s: Session,
    needs: list[Need],
    dests: dict[int, Destination],
    arrival: ArrivalModel,
    strategy: str,
    *,
    lock: bool,
    within: set[int] | None,
) -> tuple[Problem, Solution]:
    if strategy == "optimal":
        from ...allocation.optimal import plan_best

        # Each line's earliest options only: the optimum is among them (see build_problem).
        problem = build_problem(s, needs, dests, arrival, lock=lock, within=within, prune=True)
        return problem, plan_best(problem)
    # Earliest-first reads only the lots near enough to matter, with the same result.
    return plan_earliest_nearby(s, needs, dests, arrival, lock=lock, within=within)


def _visible(s: Session, actor: Actor, rid: int) -> DispatchRequest:
    """The request, if ``actor`` may read it; otherwise as if it did not exist (its id says nothing)."""
    seen = visible_requests(actor)
    q = select(DispatchRequest).where(DispatchRequest.id == rid)
    req = s.exec(q.where(seen) if seen is not None else q).one_or_none()
    if req is None:
        raise NotFound(t("no dispatch request with id {id}", id=rid), "id")
    return req


def _load_requests(s: Session, ids: list[int], *, lock: bool) -> list[DispatchRequest]:
    """The requests, locked in id order when they are to be written."""
    rows = list(s.exec(_requests_statement(lock), params={"ids": ids}).all())
    missing = set(ids) - {r.id for r in rows}
    if missing:
        raise NotFound(t("no dispatch request with id {min}", min=min(missing)), "id")
    return rows


@cache
def _requests_statement(lock: bool) -> SelectOfScalar[DispatchRequest]:
    """The requests ``ids`` read afresh, in id order (built once per ``lock``: allocation reads them on every call)."""
    q = select(DispatchRequest).where(col(DispatchRequest.id).in_(bindparam("ids", expanding=True)))
    q = q.order_by(col(DispatchRequest.id)).execution_options(populate_existing=True)
    return q.with_for_update() if lock else q


def _resolve_codes(s: Session, codes: list[str]) -> list[tuple[int | None, int | None]]:
    """Each line code as (item id, None) or (None, class id); unknown or ambiguous codes are named."""
    items = dict(s.exec(select(Item.code, Item.id).where(col(Item.code).in_(codes))).all())
    classes = dict(s.exec(select(SupplyClass.code, SupplyClass.id).where(col(SupplyClass.code).in_(codes))).all())
    out: list[tuple[int | None, int | None]] = []
    for i, code in enumerate(codes):
        if code in items and code in classes:
            raise InvalidInput(t("{code!r} names both an item and a supply class", code=code), f"lines.{i}.code")
        if code in items:
            out.append((items[code], None))
        elif code in classes:
            out.append((None, classes[code]))
        else:
            raise NotFound(t("no item or supply class with code {code!r}", code=code), f"lines.{i}.code")
    return out


def _line_code(s: Session, line: RequestLine) -> str:
    if line.item_id:
        return s.get_one(Item, line.item_id).code
    return s.get_one(SupplyClass, line.class_id).code
