"""Calling up a contract for a request, recording the company's delivery, and the printed call-up order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from ...config import local_time
from ...errors import InsufficientStock, InvalidInput, NotFound, RuleViolation
from ...i18n import t
from ...models import (
    Allocation,
    AllocationStatus,
    CallUp,
    CallUpLine,
    CallUpStatus,
    Contract,
    ContractLine,
    Item,
    MovementKind,
    RequestLine,
    RequestStatus,
)
from ...models.base import persisted_id, utcnow
from ...permissions import require_jurisdiction, require_role
from ...schemas import load
from ..base import by_code, retried
from ..catalog.service import descendant_ids
from ..dispatch import allocation as alloc
from ..dispatch import arrival, states
from ..dispatch.scope import require_request_scope
from ..results import aware
from ..stock.ledger import lock_lots, post
from .access import MANAGERS, ContractService, current, readable
from .results import (
    CallUpResult,
    call_up_results,
)
from .schemas import CallUpIn, DeliverIn


class CallUps(ContractService):
    "``call_up`` and ``deliver`` of :class:`~supplies.services.contracts.service.Contracts`."

    @retried
    def call_up(
        self, code: str, *, request: int, items: Mapping[str, int] | Sequence[Any], note: str | None = None
    ) -> CallUpResult:
        """Call up a contract for an approved (or allocated) request (调用): the units are reserved in the
        contract's lots for the request's lines, and a call-up order records them with its deadline
        (now + the guaranteed lead time).

        Refused when the contract is not in force today, when an item is not one of its lines or
        not asked by the request (an item line, or a class line the item belongs to), and when more
        is asked than is left to call up (contracted less called up) or left to allocate.
        """
        data = load(CallUpIn, dict(code=code, request=request, items=items, note=note))
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("calling up a contract"))
            contract = current(s, actor, data["code"])
            require_jurisdiction(
                actor, contract.jurisdiction_code, what=t("contract {code}", code=contract.code), field="code"
            )
            today = self._today()
            if not contract.valid_from <= today <= contract.valid_to:
                raise RuleViolation(
                    t(
                        "contract {code} is valid from {valid_from} to {valid_to}; it cannot be called up on {today}",
                        code=contract.code,
                        valid_from=contract.valid_from,
                        valid_to=contract.valid_to,
                        today=today,
                    ),
                    "code",
                )
            req = states.lock_request(s, data["request"])
            require_request_scope(actor, req)
            states.check(req, "allocate")
            rid = persisted_id(req)
            ours = {
                ln.item_id: ln for ln in s.exec(select(ContractLine).where(ContractLine.contract_id == contract.id))
            }
            request_lines = alloc.request_lines(s, [rid])
            wanted: list[tuple[Item, ContractLine, RequestLine, int]] = []
            for i, entry in enumerate(data["items"]):
                field = f"items.{i}.item"
                item = by_code(s, Item, entry["item"], field)
                cl = ours.get(persisted_id(item))
                if cl is None:
                    raise InvalidInput(
                        t("{item} is not an item of contract {code}", item=item.code, code=contract.code), field
                    )
                rl = _request_line(s, request_lines, item, entry["quantity"])
                if rl is None:
                    raise InvalidInput(
                        t(
                            "request #{request} has no line for {item} with {quantity} units left to allocate",
                            request=rid,
                            item=item.code,
                            quantity=entry["quantity"],
                        ),
                        field,
                    )
                rl.allocated += entry["quantity"]  # counted now, so that two items on one class line add up
                wanted.append((item, cl, rl, entry["quantity"]))
            for _item, _cl, rl, qty in wanted:
                rl.allocated -= qty
            lots = lock_lots(s, {cl.lot_id for _, cl, _, _ in wanted})
            for i, (item, cl, _rl, qty) in enumerate(wanted):
                lot = lots[cl.lot_id]
                if lot.free < qty:
                    raise InsufficientStock(
                        t(
                            "contract {code} has {free} {unit} of {item} left to call up; asked {qty}",
                            code=contract.code,
                            free=lot.free,
                            unit=item.unit,
                            item=item.code,
                            qty=qty,
                        ),
                        f"items.{i}.quantity",
                    )
            now = utcnow()
            order = CallUp(
                contract_id=persisted_id(contract),
                request_id=rid,
                deadline=now + timedelta(hours=contract.lead_time_hours),
                status=CallUpStatus.OPEN.value,
                created_by=actor.id,
                created_at=now,
            )
            s.add(order)
            s.flush()
            for item, cl, rl, qty in wanted:
                lot = lots[cl.lot_id]
                post(
                    s,
                    lot,
                    MovementKind.RESERVE,
                    reserved_delta=qty,
                    actor_id=actor.id,
                    reference=alloc.reference(rid),
                    reason=t("call-up #{order} of contract {code}", order=order.id, code=contract.code),
                    at=now,
                )
                row = Allocation(
                    line_id=persisted_id(rl),
                    lot_id=persisted_id(lot),
                    point_id=lot.point_id,
                    agency_id=lot.agency_id,
                    quantity=qty,
                    eta_hours=round(contract.lead_time_hours, 3),
                    status=AllocationStatus.RESERVED.value,
                    created_at=now,
                )
                s.add(row)
                rl.allocated += qty
                s.add(rl)
                s.flush()
                s.add(
                    CallUpLine(
                        call_up_id=persisted_id(order),
                        item_id=persisted_id(item),
                        lot_id=persisted_id(lot),
                        allocation_id=persisted_id(row),
                        quantity=qty,
                    )
                )
            units = sum(q for *_, q in wanted)
            note_text = t(
                "call-up #{order} of contract {code} ({company}): reserved {units} units, due {deadline}",
                order=order.id,
                code=contract.code,
                company=contract.company,
                units=units,
                deadline=f"{local_time(order.deadline):%Y-%m-%d %H:%M}",
            )
            if data.get("note"):
                note_text = t("{text}; {note}", text=note_text, note=data["note"])
            states.move(s, req, RequestStatus.ALLOCATED.value, actor, note_text)
            s.flush()
            return call_up_results(s, [order])[0]

    @retried
    def deliver(
        self, order: int, *, items: Mapping[str, int] | Sequence[Any] | None = None, at: datetime | None = None
    ) -> CallUpResult:
        """Record the company's delivery of a call-up order at the request's destination.

        ``items`` maps item codes to units delivered (items not named, or ``None`` altogether,
        arrived in full). The called-up units are issued from the contract's lots and what
        arrived is booked at the destination point like a request's receipt (``arrival`` lines
        referenced ``request:<id>``), as physical stock; a destination given as coordinates books
        nothing. A delivery after the deadline is recorded as late, one short of the order as
        short, against the contract. ``at`` is when the goods arrived (default: now).
        """
        data = load(DeliverIn, dict(order=order, items=items, at=at))
        when = aware(data.get("at")) or datetime.now(UTC)
        if when > datetime.now(UTC) + timedelta(minutes=5):
            raise InvalidInput(t("is in the future"), "at")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("recording a contract delivery"))
            cu = s.exec(
                select(CallUp)
                .where(CallUp.id == data["order"])
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one_or_none()
            contract = s.get(Contract, cu.contract_id) if cu is not None else None
            if cu is None or contract is None or not readable(s, actor, contract):
                raise NotFound(t("no call-up order with id {id}", id=data["order"]), "order")
            require_jurisdiction(
                actor, contract.jurisdiction_code, what=t("contract {code}", code=contract.code), field="order"
            )
            if cu.status != CallUpStatus.OPEN:
                raise RuleViolation(t("call-up order #{id} has been delivered already", id=cu.id), "order")
            if when < aware(cu.created_at):
                raise InvalidInput(t("is before the call-up order was made"), "at")
            req = states.lock_request(s, cu.request_id)
            rid = persisted_id(req)
            lines = list(s.exec(select(CallUpLine).where(CallUpLine.call_up_id == cu.id).order_by(col(CallUpLine.id))))
            rows = {
                persisted_id(a): a
                for a in s.exec(
                    select(Allocation)
                    .where(col(Allocation.id).in_([ln.allocation_id for ln in lines]))
                    .execution_options(populate_existing=True)
                )
            }
            if any(rows[ln.allocation_id].status != AllocationStatus.RESERVED for ln in lines):
                raise RuleViolation(
                    t(
                        "the units of call-up order #{id} are no longer reserved for request #{request} "
                        "(it was reallocated or cancelled)",
                        id=cu.id,
                        request=rid,
                    ),
                    "order",
                )
            codes = dict(s.exec(select(Item.id, Item.code).where(col(Item.id).in_({ln.item_id for ln in lines}))).all())
            called = {codes[ln.item_id]: ln.quantity for ln in lines}
            got = {ln["item"]: ln["quantity"] for ln in data.get("items") or []}
            for i, (item_code, qty) in enumerate(got.items()):
                if item_code not in called:
                    raise InvalidInput(t("{code} was not called up by this order", code=item_code), f"items.{i}.item")
                if qty > called[item_code]:
                    raise InvalidInput(
                        t("only {called} of {code} were called up", called=called[item_code], code=item_code),
                        f"items.{i}.quantity",
                    )
            dest = arrival.destination(s, req.dest_point_id, rid)
            issued = [rows[ln.allocation_id] for ln in lines]
            lots = lock_lots(s, {a.lot_id for a in issued})
            alloc.issue(s, rid, issued, lots, actor)
            request_lines = alloc.request_lines(s, [rid])
            for ln in lines:
                a = rows[ln.allocation_id]
                ln.delivered = got.get(codes[ln.item_id], ln.quantity)
                a.received = ln.delivered
                request_lines[a.line_id].received += ln.delivered
                s.add(ln)
                s.add(a)
                s.add(request_lines[a.line_id])
            s.flush()
            notes = []
            if dest is None:
                notes.append(t("handed over on site"))
            else:
                booked = arrival.book(s, rid, dest, issued, actor)
                notes.append(t("{units} units booked into {point}", units=booked.units, point=booked.point))
            cu.short = sum(ln.quantity - (ln.delivered or 0) for ln in lines)
            cu.late = when > aware(cu.deadline)
            cu.delivered_at = when
            cu.status = CallUpStatus.DELIVERED.value
            s.add(cu)
            if cu.late:
                notes.append(t("late: due {deadline}", deadline=f"{local_time(cu.deadline):%Y-%m-%d %H:%M}"))
            if cu.short:
                notes.append(t("short by {short} units", short=cu.short))
            # The request moves on when nothing of it is reserved any more: received when every issued
            # row has arrived (all of it came by call-ups), else dispatched, waiting for its receipt.
            target = req.status
            if not alloc.reserved_rows(s, rid):
                done = all(a.received is not None for a, _ in alloc.dispatched_rows(s, rid))
                target = RequestStatus.RECEIVED.value if done else RequestStatus.DISPATCHED.value
            states.move(
                s,
                req,
                target,
                actor,
                t(
                    "call-up #{order} of contract {code} delivered: {notes}",
                    order=cu.id,
                    code=contract.code,
                    notes="; ".join(notes),
                ),
            )
            s.flush()
            return call_up_results(s, [cu])[0]


def printed_order(order: CallUpResult) -> str:
    """The call-up order (调用单) as plain text to print and hand to the company."""
    lines = [
        t("Call-up order #{id} (调用单)", id=order.id),
        t("Contract: {code} version {version}", code=order.contract, version=order.version),
        t("Company: {company}", company=order.company) + (f" ({order.contact})" if order.contact else ""),
        t("From: {point}", point=order.point),
        t("For request #{request}, deliver to {destination}", request=order.request_id, destination=order.destination),
        t("Ordered: {at}", at=f"{local_time(order.created_at):%Y-%m-%d %H:%M}"),
        t("Deliver by: {at}", at=f"{local_time(order.deadline):%Y-%m-%d %H:%M}"),
        "",
    ]
    for ln in order.lines:
        lines.append(f"  {ln.item:<16} {ln.item_name:<24} {ln.quantity:>10} {ln.unit}")
    return "\n".join(str(x) for x in lines)


def _request_line(s: Session, lines: dict[int, RequestLine], item: Item, qty: int) -> RequestLine | None:
    """The request's line ``item`` serves with ``qty`` units still unallocated: its item line, else a class line."""
    for ln in lines.values():
        if ln.item_id == item.id and ln.quantity - ln.allocated >= qty:
            return ln
    for ln in lines.values():
        if (
            ln.class_id is not None
            and ln.quantity - ln.allocated >= qty
            and item.class_id in descendant_ids(s, ln.class_id)
        ):
            return ln
    return None
