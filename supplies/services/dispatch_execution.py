"""Executing an allocated request: each agency dispatches its share through the ledger, then receipt is recorded."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import InvalidInput, PermissionDenied, RuleViolation
from ..models import Agency, RequestStatus, Role
from ..permissions import require_dispatch_execution, require_role
from ..schemas import load
from . import dispatch_allocation as alloc
from . import dispatch_states as states
from .base import Service, by_code
from .dispatch_allocation import retrying
from .dispatch_schemas import ReceivedIn, request_id
from .dispatch_views import DispatchResult, RequestDetail, allocation_rows, request_detail
from .ledger import lock_lots

PLANNERS = ("dispatcher", "admin")


class Execution(Service):
    """``dispatch`` and ``receive`` of :class:`~supplies.services.dispatch.DispatchRequests`."""

    def dispatch(self, id: int, *, agency: str | None = None) -> DispatchResult:
        """Issue the reserved stock through the ledger: all of it, or only ``agency``'s share.

        An agency officer dispatches its own agency's share (the default for them). The request
        becomes dispatched when every reserved row has been issued.
        """
        def run() -> DispatchResult:
            with self._work() as (s, actor):
                if actor.role in (Role.VIEWER,):
                    raise PermissionDenied(f"{actor.name} ({actor.role}) may not dispatch stock", "user")
                req = states.lock_request(s, request_id(id))
                states.check(req, "dispatch")
                code = agency
                if code is None and actor.role == Role.AGENCY_OFFICER:
                    code = s.get(Agency, actor.agency_id).code if actor.agency_id else None  # type: ignore[union-attr]
                agency_row = by_code(s, Agency, code, "agency") if code else None
                rows = alloc.reserved_rows(s, req.id, agency_row.id if agency_row else None)  # type: ignore[arg-type]
                if not rows:
                    whose = f" for {agency_row.code}" if agency_row else ""
                    raise RuleViolation(f"request #{req.id} has nothing reserved{whose} to dispatch", "agency")
                lots = lock_lots(s, {a.lot_id for a in rows})
                for a in rows:
                    require_dispatch_execution(actor, point_id=a.point_id, agency_id=lots[a.lot_id].agency_id)  # type: ignore[arg-type]
                alloc.issue(s, req.id, rows, lots, actor)  # type: ignore[arg-type]
                s.flush()
                waiting = alloc.reserved_rows(s, req.id)  # type: ignore[arg-type]
                units = sum(a.quantity for a in rows)
                who = agency_row.code if agency_row else "all agencies"
                if waiting:
                    states.move(s, req, req.status, actor, f"{who} dispatched {units} units; "
                                f"{sum(a.quantity for a in waiting)} still reserved")
                else:
                    states.move(s, req, RequestStatus.DISPATCHED.value, actor, f"{who} dispatched {units} units")
                s.flush()
                issued = {a.id for a in rows}
                out = [r for r in allocation_rows(s, req.id) if r.id in issued]  # type: ignore[arg-type]
                return DispatchResult(req.id, req.status, agency_row.code if agency_row else None, out,  # type: ignore[arg-type]
                                      sum(a.quantity for a in waiting))

        return retrying(run)

    def receive(self, id: int, *, received: Mapping[str, int] | None = None) -> RequestDetail:
        """Record what arrived at the destination. ``received`` maps item codes to units received;
        items not named (or ``None`` altogether) arrived in full. Differences are recorded."""
        data = load(ReceivedIn, dict(received=dict(received) if isinstance(received, Mapping) else received))
        got = data.get("received") or {}

        def run() -> RequestDetail:
            with self._work() as (s, actor):
                require_role(actor, *PLANNERS, action="recording receipt")
                req = states.lock_request(s, request_id(id))
                target = states.check(req, "receive")
                rows = alloc.dispatched_rows(s, req.id)  # type: ignore[arg-type]
                sent: dict[str, int] = {}
                for a, item in rows:
                    sent[item] = sent.get(item, 0) + a.quantity
                for code, qty in got.items():
                    if code not in sent:
                        raise InvalidInput(f"{code} was not dispatched for this request", f"received.{code}")
                    if qty > sent[code]:
                        raise InvalidInput(f"only {sent[code]} of {code} were dispatched", f"received.{code}")
                left = {code: got.get(code, total) for code, total in sent.items()}
                per_line: dict[int, int] = {}
                for a, item in rows:
                    a.received = min(left[item], a.quantity)
                    left[item] -= a.received
                    per_line[a.line_id] = per_line.get(a.line_id, 0) + a.received
                    s.add(a)
                for ln in alloc.request_lines(s, [req.id]).values():  # type: ignore[list-item]
                    ln.received = per_line.get(ln.id, 0)  # type: ignore[arg-type]
                    s.add(ln)
                diffs = [f"{code}: {got[code]} of {sent[code]} received" for code in sorted(got)
                         if got[code] != sent[code]]
                states.move(s, req, target, actor, "; ".join(diffs) if diffs else "all dispatched supplies received")
                s.flush()
                return request_detail(s, req)

        return retrying(run)
