"""The life cycle of a dispatch request: which action may move it from which state, recorded with actor and time."""

from __future__ import annotations

from sqlmodel import Session, select

from ...errors import InvalidTransition
from ...i18n import t
from ...models import DispatchRequest, RequestEvent, RequestStatus
from ...models.base import persisted_id, utcnow
from ...permissions import Actor
from ...terms import term

S = RequestStatus

# action -> (states it may start from, state it leads to). Allocation may leave a request
# "approved" when nothing at all could be reserved (see DispatchRequests.allocate).
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "approve": ((S.SUBMITTED,), S.APPROVED),
    "reject": ((S.SUBMITTED,), S.REJECTED),
    "allocate": ((S.APPROVED, S.ALLOCATED), S.ALLOCATED),
    "reallocate": ((S.APPROVED, S.ALLOCATED), S.ALLOCATED),
    "dispatch": ((S.ALLOCATED,), S.DISPATCHED),
    "receive": ((S.DISPATCHED,), S.RECEIVED),
    "close": ((S.RECEIVED,), S.CLOSED),
    "cancel": ((S.DRAFT, S.SUBMITTED, S.APPROVED, S.ALLOCATED), S.CANCELLED),
}

FINAL_STATES = (S.CLOSED, S.REJECTED, S.CANCELLED)


def actions_from(status: str) -> list[str]:
    """The actions a request in ``status`` allows, in life-cycle order."""
    return [name for name, (sources, _) in ACTIONS.items() if status in sources]


def check(request: DispatchRequest, action: str) -> str:
    """Refuse ``action`` unless the request's state allows it; return the state it leads to."""
    sources, target = ACTIONS[action]
    if request.status not in sources:
        allowed = actions_from(request.status)
        then = (
            t("from {status} you may: {actions}", status=term(request.status), actions=", ".join(allowed))
            if allowed
            else t("{status} is final", status=term(request.status))
        )
        raise InvalidTransition(
            t(
                "request #{id} is {status}; {action} needs it {states} ({then})",
                id=request.id,
                status=term(request.status),
                action=term(action),
                states=" or ".join(str(s) for s in sources),
                then=then,
            ),
            "status",
        )
    return target


def move(s: Session, request: DispatchRequest, to_status: str, actor: Actor, note: str | None = None) -> None:
    """Set the request's state and record the change (or a step within the same state) as an event."""
    now = utcnow()
    to_status = str(to_status.value if isinstance(to_status, S) else to_status)
    s.add(
        RequestEvent(
            request_id=persisted_id(request),
            from_status=request.status,
            to_status=to_status,
            at=now,
            actor_id=actor.id,
            note=(note or None) and note[:500],
        )
    )
    request.status = to_status
    request.version += 1
    request.updated_at = now
    s.add(request)


def created(s: Session, request: DispatchRequest, actor: Actor) -> None:
    """Record the creation of a request (no state before it)."""
    request.status = S.DRAFT.value
    s.add(
        RequestEvent(
            request_id=persisted_id(request),
            from_status=None,
            to_status=S.DRAFT.value,
            at=request.created_at,
            actor_id=actor.id,
            note=t("created"),
        )
    )


def lock_request(s: Session, request_id: int, *, lock: bool = True) -> DispatchRequest:
    """Load a request for change, locking its row so two users cannot move it at once (``lock=False``: read)."""
    from ...errors import NotFound

    q = select(DispatchRequest).where(DispatchRequest.id == request_id)
    row = s.exec((q.with_for_update() if lock else q).execution_options(populate_existing=True)).one_or_none()
    if row is None:
        raise NotFound(t("no dispatch request with id {request_id}", request_id=request_id), "id")
    return row
