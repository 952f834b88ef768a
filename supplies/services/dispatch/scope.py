"""Which dispatch requests a user sees and may move: its jurisdiction and below, and the rows it executes."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_
from sqlmodel import col, select

from ...i18n import t
from ...models import Allocation, DispatchRequest, RequestLine, Role
from ...permissions import Actor, require_jurisdiction


def visible_requests(actor: Actor) -> ColumnElement[bool] | None:
    """The condition on ``DispatchRequest`` for the requests ``actor`` may read (None: all of them).

    A user sees the requests of its jurisdiction and those below; warehouse staff and agency
    officers also see a request of a level above that has rows at their points or of their agency
    (a city's request served from a county depot is that depot's work); warehouse staff also see the
    requests bound for their points (they record what arrives).
    """
    if actor.subtree is None and actor.role not in (Role.WAREHOUSE, Role.AGENCY_OFFICER):
        return None
    own = col(DispatchRequest.jurisdiction_code).in_(sorted(actor.subtree)) if actor.subtree is not None else None
    rows: ColumnElement[bool]
    if actor.role == Role.WAREHOUSE:
        rows = col(Allocation.point_id).in_(sorted(actor.point_ids) or [-1])
    elif actor.role == Role.AGENCY_OFFICER:
        rows = col(Allocation.agency_id) == (actor.agency_id if actor.agency_id is not None else -1)
    else:
        return own
    if own is None:
        return None
    theirs = exists(
        select(Allocation.id)
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .where(RequestLine.request_id == DispatchRequest.id, rows)
    )
    if actor.role == Role.WAREHOUSE:
        return or_(own, theirs, col(DispatchRequest.dest_point_id).in_(sorted(actor.point_ids) or [-1]))
    return or_(own, theirs)


def require_request_scope(actor: Actor, req: DispatchRequest) -> None:
    """Planning a request (approve, allocate, cancel, escalate) is for its own jurisdiction or one above."""
    require_jurisdiction(actor, req.jurisdiction_code, what=t("request #{id}", id=req.id), field="id")
