"""The write side of allocation: lines to needs, plans to reservations, and reservations released or issued."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from ...allocation.candidates import Destination, lot_labels, usable_day
from ...allocation.model import Need, Problem, Solution
from ...config import department_zone, local_today
from ...db import select_columns
from ...i18n import t
from ...models import (
    ROOT_REGION,
    Allocation,
    AllocationStatus,
    DispatchRequest,
    Incident,
    Item,
    MovementKind,
    Region,
    RequestLine,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id, utcnow
from ...permissions import Actor
from ..base import retrying as retrying  # its old home: dispatch modules import it from here
from ..catalog.service import descendant_ids
from ..places.regions import structural_ancestors, subtree_jurisdictions
from ..results import aware
from ..stock.ledger import lock_lots, post
from .results import AllocationRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


def reference(request_id: int) -> str:
    """The ledger reference of every movement made for a request."""
    return f"request:{request_id}"


def request_lines(s: Session, request_ids: Sequence[int]) -> dict[int, RequestLine]:
    rows = s.exec(_lines_statement(), params={"ids": list(request_ids)}).all()
    return {persisted_id(line): line for line in rows}


@cache
def _lines_statement() -> SelectOfScalar[RequestLine]:
    """The lines of the requests ``ids``, read afresh (built once: allocation reads them on every call)."""
    return (
        select(RequestLine)
        .where(col(RequestLine.request_id).in_(bindparam("ids", expanding=True)))
        .order_by(col(RequestLine.id))
        .execution_options(populate_existing=True)
    )


def jurisdiction_points(
    s: Session, jurisdiction: str, subtrees: Mapping[str, frozenset[str]] | None = None
) -> frozenset[int] | None:
    """The storage points a request of ``jurisdiction`` is served from: its own and every one below it
    (None at the installation's top: every point).

    ``subtrees`` are jurisdictions' subtrees the caller holds already (the acting user's, read with
    the user): a county dispatcher allocating a county request reads the county's subtree once.
    """
    if jurisdiction == ROOT_REGION:
        return None
    known = subtrees.get(jurisdiction) if subtrees else None
    codes = sorted(known if known is not None else subtree_jurisdictions(s, jurisdiction))
    point_id = cast("Mapped[int]", StoragePoint.id)  # the primary key: never NULL in a row read back
    return frozenset(s.exec(select(point_id).where(col(StoragePoint.jurisdiction_code).in_(codes))).all())


def needs_for(
    s: Session,
    requests: Sequence[DispatchRequest],
    lines: dict[int, RequestLine],
    today: date | None = None,
    *,
    include_allocated: bool = False,
    subtrees: Mapping[str, frozenset[str]] | None = None,
) -> tuple[list[Need], dict[int, Destination]]:
    """What is still to serve of each line (asked less already allocated, or less only what was
    dispatched with ``include_allocated``), and each request's destination. ``subtrees``: see
    :func:`jurisdiction_points`."""
    today = today or local_today()
    zone = department_zone()  # days are the department's: stock good on its needed-by day
    by_id = {r.id: r for r in requests}
    item_ids = {ln.item_id for ln in lines.values() if ln.item_id}
    item_codes: dict[int, str] = dict(s.connection().execute(_item_codes_statement(), {"ids": sorted(item_ids)}).all())
    class_lines = [ln for ln in lines.values() if ln.class_id]
    class_id = cast("Mapped[int]", SupplyClass.id)  # the primary key: never NULL in a row read back
    class_codes = (
        dict(
            s.exec(
                select(class_id, SupplyClass.code).where(col(SupplyClass.id).in_({ln.class_id for ln in class_lines}))
            ).all()
        )
        if class_lines
        else {}
    )
    descendants = {cid: frozenset(descendant_ids(s, cid)) for cid in class_codes}
    reach = {r.jurisdiction_code: jurisdiction_points(s, r.jurisdiction_code, subtrees) for r in requests}
    from .escalation import escalated  # the units asked of the level above are not allocated here too

    above = escalated(s, [persisted_id(r) for r in requests])
    restriction = _restriction_keys(s, requests)
    needs: list[Need] = []
    for line in lines.values():
        left = line.quantity - (line.dispatched if include_allocated else line.allocated)
        left -= above.get((line.request_id, line.item_id, line.class_id), 0)
        if left <= 0:
            continue
        req = by_id[line.request_id]
        needed_by = aware(req.needed_by)
        line_id, rid = persisted_id(line), persisted_id(req)
        rank = (req.priority, needed_by or datetime.max.replace(tzinfo=UTC), rid, 0 if line.item_id else 1, line_id)
        if line.item_id:
            needs.append(
                Need(
                    line_id,
                    rid,
                    req.priority,
                    left,
                    item_codes[line.item_id],
                    item_ids=frozenset({line.item_id}),
                    usable_until=usable_day(needed_by.astimezone(zone).date() if needed_by else None, today),
                    rank=rank,
                    points=reach[req.jurisdiction_code],
                    **restriction[rid],
                )
            )
        else:
            line_class = line.class_id
            assert line_class is not None  # the database's item_xor_class check: no item, so a class
            needs.append(
                Need(
                    line_id,
                    rid,
                    req.priority,
                    left,
                    class_codes[line_class],
                    class_ids=descendants[line_class],
                    usable_until=usable_day(needed_by.astimezone(zone).date() if needed_by else None, today),
                    rank=rank,
                    points=reach[req.jurisdiction_code],
                    **restriction[rid],
                )
            )
    dests = {
        persisted_id(r): Destination(r.dest_lat, r.dest_lon, r.dest_point_id, r.dest_region_code) for r in requests
    }
    return needs, dests


@cache
def _item_codes_statement() -> Select[*tuple[Any, ...]]:
    return select_columns(Item.id, Item.code).where(col(Item.id).in_(bindparam("ids", expanding=True)))


def _restriction_keys(s: Session, requests: Sequence[DispatchRequest]) -> dict[int, dict[str, Any]]:
    """What a donated lot's restriction is checked against, per request: its incident, the incident's
    type and the path of its destination's region (the request's region, else its destination
    point's; a code the region tree does not hold nests by its digits), in one query whatever the
    number of requests."""
    rows = s.connection().execute(_restriction_statement(), {"ids": [persisted_id(r) for r in requests]}).all()
    found = {rid: (kind, code, path) for rid, kind, code, path in rows}
    out = {}
    for req in requests:
        rid = persisted_id(req)
        kind, code, path = found[rid]
        out[rid] = {
            "incident_id": req.incident_id,
            "incident_type": kind,
            "region_path": path or "/".join([*reversed(structural_ancestors(code)), code, ""]) if code else "",
        }
    return out


@cache
def _restriction_statement() -> Select[*tuple[Any, ...]]:
    region_code = func.coalesce(func.nullif(DispatchRequest.dest_region_code, ""), StoragePoint.region_code)
    return (
        select_columns(DispatchRequest.id, Incident.type, region_code, Region.path)
        .outerjoin(Incident, col(Incident.id) == DispatchRequest.incident_id)
        .outerjoin(StoragePoint, col(StoragePoint.id) == DispatchRequest.dest_point_id)
        .outerjoin(Region, col(Region.code) == region_code)
        .where(col(DispatchRequest.id).in_(bindparam("ids", expanding=True)))
    )


def planned_rows(
    s: Session,
    problem: Problem,
    solution: Solution,
    *,
    status: str = "planned",
    ids: Sequence[int | None] | None = None,
) -> list[AllocationRow]:
    """The plan as rows users read, with codes and names of the chosen lots (one query)."""
    labels = lot_labels(s, (take.lot_id for take in solution.takes))
    out = []
    for i, take in enumerate(solution.takes):
        lab = labels[take.lot_id]
        out.append(
            AllocationRow(
                take.line_id,
                lab.item,
                lab.point,
                lab.point_name,
                take.lot_id,
                lab.batch,
                take.quantity,
                lab.agency,
                round(take.eta_hours, 3),
                lab.expires_on,
                status,
                ids[i] if ids else None,
            )
        )
    return out


def reserve(s: Session, problem: Problem, solution: Solution, lines: dict[int, RequestLine], actor: Actor) -> list[int]:
    """Write the plan: reserve every take through the ledger and record its allocation rows; return their ids."""
    lots = lock_lots(s, {take.lot_id for take in solution.takes})
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for take in solution.takes:
        lot, line = lots[take.lot_id], lines[take.line_id]
        post(
            s,
            lot,
            MovementKind.RESERVE,
            reserved_delta=take.quantity,
            actor_id=actor.id,
            reference=reference(line.request_id),
            reason=t("reserved for line {line}", line=line.id),
            at=now,
        )
        # The lot's agency is, by the database's composite key, the responsible agency of its class.
        rows.append(
            dict(
                line_id=line.id,
                lot_id=lot.id,
                point_id=lot.point_id,
                agency_id=lot.agency_id,
                quantity=take.quantity,
                eta_hours=round(take.eta_hours, 3),
                status=AllocationStatus.RESERVED.value,
                received=None,
                created_at=now,
            )
        )
        line.allocated += take.quantity
        s.add(line)
    if not rows:
        return []
    allocation_id = cast("Mapped[int]", Allocation.id)  # the primary key: never NULL in a row read back
    # One multi-row INSERT ... RETURNING instead of an ORM object per row (a request may take
    # dozens of lots); the rows refer only to lots and lines already in the database.
    result = s.connection().execute(insert(Allocation).returning(allocation_id, sort_by_parameter_order=True), rows)
    ids = [int(i) for i in result.scalars().all()]
    from ..equipment.dispatch import assign_units  # rows of items tracked by unit name their units

    assign_units(s, ids)
    return ids


def reserved_rows(s: Session, request_id: int, agency_id: int | None = None) -> list[Allocation]:
    q = (
        select(Allocation)
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .where(RequestLine.request_id == request_id, Allocation.status == AllocationStatus.RESERVED.value)
        .order_by(col(Allocation.id))
    )
    if agency_id is not None:
        # The lot's agency, not the row's: a class handed over since allocation is executed by
        # its new agency.
        q = q.join(StockLot, col(StockLot.id) == Allocation.lot_id).where(StockLot.agency_id == agency_id)
    return list(s.exec(q).all())


def release(s: Session, request_id: int, actor: Actor, reason: str) -> int:
    """Release every reservation of a request through the ledger; return the units released."""
    rows = reserved_rows(s, request_id)
    lots = lock_lots(s, {a.lot_id for a in rows})
    lines = request_lines(s, [request_id])
    from ..equipment.dispatch import release_units

    release_units(s, [persisted_id(a) for a in rows])
    total = 0
    for a in rows:
        post(
            s,
            lots[a.lot_id],
            MovementKind.RELEASE,
            reserved_delta=-a.quantity,
            actor_id=actor.id,
            reference=reference(request_id),
            reason=reason[:500],
        )
        a.status = AllocationStatus.RELEASED.value
        lines[a.line_id].allocated -= a.quantity
        total += a.quantity
        s.add(a)
        s.add(lines[a.line_id])
    s.flush()  # later reads reload lines from the database (populate_existing)
    return total


def issue(s: Session, request_id: int, rows: list[Allocation], lots: dict[int, StockLot], actor: Actor) -> None:
    """Issue reserved rows of locked lots (调拨出库): on-hand and reserved both drop by the row's quantity."""
    lines = request_lines(s, [request_id])
    for a in rows:
        lot = lots[a.lot_id]
        post(
            s,
            lot,
            MovementKind.DISPATCH,
            qty=-a.quantity,
            reserved_delta=-a.quantity,
            actor_id=actor.id,
            reference=reference(request_id),
            reason=t("dispatched for line {line}", line=a.line_id),
        )
        a.status = AllocationStatus.DISPATCHED.value
        a.agency_id = lot.agency_id  # a class handed over since allocation is executed by its new agency
        lines[a.line_id].dispatched += a.quantity
        s.add(a)
        s.add(lines[a.line_id])
    from ..equipment.dispatch import issue_units

    issue_units(s, request_id, rows)
    s.flush()


def dispatched_rows(s: Session, request_id: int) -> list[tuple[Allocation, str]]:
    """The issued rows of a request with their item codes, in id order."""
    q = (
        select(Allocation, Item.code)
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .join(Item, col(Item.id) == StockLot.item_id)
        .where(RequestLine.request_id == request_id, Allocation.status == AllocationStatus.DISPATCHED.value)
        .order_by(col(Allocation.id))
    )
    return [(a, code) for a, code in s.exec(q).all()]
