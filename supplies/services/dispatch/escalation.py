"""Escalation (上报 / 申请上级调拨): a shortfall asked of the jurisdiction above as a linked request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from ...db import select_columns
from ...errors import InvalidTransition, RuleViolation
from ...i18n import t
from ...models import DispatchRequest, Region, RequestLine, RequestStatus
from ...models.base import persisted_id
from ...permissions import Actor
from ..places.regions import parent_jurisdiction
from . import allocation as alloc
from . import states

# Once a request above has delivered or ended, it counts for what it dispatched; before, for what it asks.
_SETTLED = (RequestStatus.RECEIVED, *states.FINAL_STATES)
LineKey = tuple[int, int | None, int | None]  # request, item, class


def escalated(s: Session, request_ids: Sequence[int]) -> dict[LineKey, int]:
    """Units of each line of these requests already asked of the level above (by open escalations).

    A closed escalation counts as what it served (its lines' dispatched units), an open one as what
    it asks: either way the child does not allocate those units again, so no unit is counted twice.
    """
    if not request_ids:
        return {}
    rows = s.connection().execute(_escalations_statement(), {"ids": list(request_ids)}).all()
    out: dict[LineKey, int] = defaultdict(int)
    for child, status, item_id, class_id, quantity, dispatched in rows:
        if child is None:
            continue
        out[(child, item_id, class_id)] += dispatched if status in _SETTLED else quantity
    return dict(out)


@cache
def _escalations_statement() -> Select[Any]:
    """The lines of the requests escalated from any of ``ids`` (built once: see :func:`escalated`)."""
    return (
        select_columns(
            DispatchRequest.escalated_from_id,
            DispatchRequest.status,
            RequestLine.item_id,
            RequestLine.class_id,
            RequestLine.quantity,
            RequestLine.dispatched,
        )
        .join(RequestLine, col(RequestLine.request_id) == DispatchRequest.id)
        .where(col(DispatchRequest.escalated_from_id).in_(bindparam("ids", expanding=True)))
    )


def unasked(s: Session, rid: int) -> list[tuple[RequestLine, int]]:
    """The lines of request ``rid`` with the units neither allocated here nor already asked above."""
    lines = alloc.request_lines(s, [rid])
    asked = escalated(s, [rid])
    short = []
    for line in lines.values():
        left = line.quantity - line.allocated - asked.get((rid, line.item_id, line.class_id), 0)
        if left > 0:
            short.append((line, left))
    return short


def escalate(s: Session, actor: Actor, req: DispatchRequest, note: str | None) -> DispatchRequest:
    """Create, in the parent jurisdiction, a submitted request for what ``req`` cannot be served here."""
    if req.status not in (RequestStatus.APPROVED, RequestStatus.ALLOCATED):
        raise InvalidTransition(
            t(
                "request #{id} is {status}: only an approved or allocated request with a shortfall is escalated",
                id=req.id,
                status=req.status,
            ),
            "status",
        )
    parent = parent_jurisdiction(s, req.jurisdiction_code)
    if parent is None:
        raise RuleViolation(
            t("request #{id} belongs to the top jurisdiction: there is no level above to ask", id=req.id), "id"
        )
    rid = persisted_id(req)
    short = unasked(s, rid)
    if not short:
        raise RuleViolation(
            t(
                "request #{id} has no shortfall left to escalate: every line is allocated or already asked above",
                id=rid,
            ),
            "id",
        )
    own = s.get(Region, req.jurisdiction_code)
    above = DispatchRequest(
        jurisdiction_code=parent.code,
        escalated_from_id=rid,
        incident_id=req.incident_id,
        requesting_unit=(own.name if own else req.jurisdiction_code)[:200],
        dest_point_id=req.dest_point_id,
        dest_lat=req.dest_lat,
        dest_lon=req.dest_lon,
        dest_region_code=req.dest_region_code,
        needed_by=req.needed_by,
        priority=req.priority,
        note=(note or t("shortfall of request #{id}", id=rid))[:500],
        created_by=actor.id,
        status=RequestStatus.DRAFT.value,
    )
    s.add(above)
    s.flush()
    for line, left in short:
        s.add(RequestLine(request_id=persisted_id(above), item_id=line.item_id, class_id=line.class_id, quantity=left))
    states.created(s, above, actor)
    states.move(s, above, RequestStatus.SUBMITTED.value, actor, t("escalated from request #{id}", id=rid))
    states.move(
        s,
        req,
        req.status,
        actor,
        t("shortfall escalated to {region} as request #{id}", region=str(parent), id=above.id),
    )
    s.flush()
    return above


def open_escalations(s: Session, rid: int) -> list[DispatchRequest]:
    """The requests above that still wait to serve ``rid`` (not dispatched, not ended), locked in id order."""
    return list(
        s.exec(
            select(DispatchRequest)
            .where(
                DispatchRequest.escalated_from_id == rid,
                col(DispatchRequest.status).in_(states.ACTIONS["cancel"][0]),  # what may still be cancelled
            )
            .order_by(col(DispatchRequest.id))
            .with_for_update()
        ).all()
    )
