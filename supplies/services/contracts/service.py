"""Agreement and capacity reserves held by contract (协议储备 / 产能储备): ``inv.contracts``.

How a contract sits on the core's invariants:

* **Backed by a lot.** Each line of a contract is a stock lot at the contract's storage point
  (an agreement warehouse or a factory): batch = the contract code (``CODE-vN`` for the N-th
  version), mode agreement or capacity, ``expires_on`` = the last day of validity, the contract's
  guaranteed lead time and the line's unit price. Signing books the contracted quantity into the
  lot with a ``contract`` ledger line referenced ``contract:<code>``, so the balance equals the
  ledger and ``supplies verify`` holds.
* **Counts only while valid.** Allocation and readiness already leave out lots whose expiry is
  past (a lot counts up to and including its ``expires_on``): a contract stops counting the day
  after its ``valid_to``. As for perishable goods, a request needed after the contract's end does
  not count on it either.
* **Never more than contracted less called up.** What is left to call up is the lot's free stock:
  a call-up reserves units of the lot for a request (a ``reserve`` line and an allocation row, as
  allocation does), delivery issues them (``dispatch``). The lot's row lock and its checks
  (reserved never above on hand) make over-calling impossible, however many dispatchers call at
  once. A request allocated the usual way may also take from a contract's lot; that uses up the
  contract as well (the lot's free stock), though without a call-up order. A request's
  ``dispatch`` leaves a call-up's rows reserved: the company's delivery issues them.
* **Delivery is the request's arrival.** ``deliver`` issues the order's reserved rows and books
  what the company delivered at the request's destination through the same path as a request's
  receipt (:func:`~supplies.services.dispatch.arrival.book`), as physical stock (the goods are
  there now; the contract's end is no expiry of theirs). A delivery after the deadline (call-up
  time + guaranteed lead time) or short of the order is recorded against the contract.
* **Renewal keeps the history.** Renewing adds the next version (linked to the one it renews,
  which stays, marked renewed) with a new lot; what was left to call up moves to it through the
  ledger (``contract`` lines out of the old lot and into the new one). Units reserved by open
  call-ups stay in the old lot until delivered.
* **Known gaps.** Reallocating or cancelling a request releases a call-up's reservation like any
  other; its order then stays open and ``deliver`` refuses it (call up again). A contract that
  ends keeps its unused quantity in its lot, which no longer counts (expired) until renewed.

Dispatchers and admins of the point's jurisdiction sign, call up, record delivery and renew;
reads are scoped like points (warehouse staff see the contracts at their points).
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...config import local_today
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
    ContractStatus,
    DispatchRequest,
    Item,
    MovementKind,
    PointKind,
    PointStatus,
    RequestLine,
    RequestStatus,
    Role,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id, utcnow
from ...permissions import Actor, require_jurisdiction, require_role, scoped_points
from ...schemas import Code, bounded, load
from ..base import Service, by_code, retried
from ..catalog.service import descendant_ids
from ..dispatch import allocation as alloc
from ..dispatch import arrival, states
from ..dispatch.scope import require_request_scope
from ..reports.output import Col, Report
from ..results import aware
from ..stock.commands import open_lot
from ..stock.ledger import find_lot, lock_lots, post
from .results import CallUpLineResult, CallUpResult, ContractDetail, ContractLineResult, ContractResult
from .schemas import CallUpIn, ContractIn, DeliverIn, ListIn, RenewIn

MANAGERS = (Role.DISPATCHER.value, Role.ADMIN.value)
ENV_EXPIRY_DAYS = "SUPPLIES_CONTRACT_EXPIRY_DAYS"
DEFAULT_EXPIRY_DAYS = 60
CONTRACT_POINT_KINDS = (PointKind.AGREEMENT.value, PointKind.FACTORY.value)


def expiry_warning_days() -> int:
    """Contracts ending within this many days are shown as expiring: ``SUPPLIES_CONTRACT_EXPIRY_DAYS``, else 60."""
    raw = os.environ.get(ENV_EXPIRY_DAYS, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_EXPIRY_DAYS


def reference(code: str) -> str:
    """The ledger reference of the lines a contract books (signing, renewal)."""
    return f"contract:{code}"


def batch_of(code: str, version: int) -> str:
    """The batch code of a contract version's lots: the contract code, ``CODE-vN`` from the second version."""
    return code if version == 1 else f"{code}-v{version}"


class Contracts(Service):
    """Agreement and capacity reserves held by contract, their call-ups and delivery: ``inv.contracts``."""

    # -- writing ---------------------------------------------------------------------------------

    @retried
    def add(
        self,
        code: str,
        *,
        company: str,
        point: str,
        items: Mapping[str, int] | Sequence[Any],
        valid_from: date,
        valid_to: date,
        lead_time_hours: float,
        mode: str = "agreement",
        credit_code: str | None = None,
        contact: str | None = None,
    ) -> ContractResult:
        """Sign a contract with a company (协议签订): each item's contracted quantity is booked into a lot
        at ``point`` (an agreement warehouse or a factory) through the ledger.

        ``items`` maps item codes to quantities, or lists ``(item, quantity)`` or
        ``(item, quantity, unit_price)``. ``credit_code`` is checked against GB 32100-2015. A
        contract whose validity has already ended is refused.
        """
        data = load(
            ContractIn,
            dict(
                code=code,
                company=company,
                point=point,
                items=items,
                valid_from=valid_from,
                valid_to=valid_to,
                lead_time_hours=lead_time_hours,
                mode=mode,
                credit_code=credit_code,
                contact=contact,
            ),
        )
        if data["valid_to"] < local_today():
            raise InvalidInput(t("is before today ({today}): the contract has ended", today=local_today()), "valid_to")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("signing a contract"))
            p = by_code(s, StoragePoint, data["point"], "point")
            require_jurisdiction(actor, p.jurisdiction_code, what=t("storage point {code}", code=p.code), field="point")
            _contract_point(p)
            if s.exec(select(Contract.id).where(Contract.code == data["code"])).first() is not None:
                raise InvalidInput(t("contract {code} exists already; renew it instead", code=data["code"]), "code")
            contract = Contract(
                code=data["code"],
                version=1,
                company=data["company"],
                credit_code=data.get("credit_code"),
                contact=data.get("contact"),
                point_id=persisted_id(p),
                jurisdiction_code=p.jurisdiction_code,
                mode=data["mode"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                lead_time_hours=data["lead_time_hours"],
                created_by=actor.id,
            )
            s.add(contract)
            s.flush()
            for i, line in enumerate(data["items"]):
                self._book_line(s, actor, contract, p, line, f"items.{i}.item")
            s.flush()
            return _results(s, [contract])[0]

    @retried
    def renew(
        self,
        code: str,
        *,
        valid_to: date,
        valid_from: date | None = None,
        lead_time_hours: float | None = None,
        items: Mapping[str, int] | Sequence[Any] | None = None,
    ) -> ContractResult:
        """Renew a contract (续签): a new version valid from ``valid_from`` (default: today, or the old start
        if later) to ``valid_to``; the old version stays in the history, marked renewed.

        What was left to call up moves to the new version through the ledger. ``items`` sets new
        contracted quantities (a larger one books the difference as signed, a smaller one takes
        the rest off the books; an item not in the old contract is added); items not named keep
        what was left. Units reserved by open call-ups stay with the old version until delivered.
        """
        data = load(
            RenewIn,
            dict(code=code, valid_to=valid_to, valid_from=valid_from, lead_time_hours=lead_time_hours, items=items),
        )
        today = local_today()
        if data["valid_to"] < today:
            raise InvalidInput(t("is before today ({today}): the contract has ended", today=today), "valid_to")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("renewing a contract"))
            old = _current(s, actor, data["code"], lock=True)
            require_jurisdiction(actor, old.jurisdiction_code, what=t("contract {code}", code=old.code), field="code")
            start = data.get("valid_from") or max(today, old.valid_from)
            if data["valid_to"] < start:
                raise InvalidInput(t("is before valid_from ({start})", start=start), "valid_to")
            p = s.get_one(StoragePoint, old.point_id)
            _contract_point(p)
            new = Contract(
                code=old.code,
                version=old.version + 1,
                previous_id=old.id,
                company=old.company,
                credit_code=old.credit_code,
                contact=old.contact,
                point_id=old.point_id,
                jurisdiction_code=old.jurisdiction_code,
                mode=old.mode,
                valid_from=start,
                valid_to=data["valid_to"],
                lead_time_hours=old.lead_time_hours if data.get("lead_time_hours") is None else data["lead_time_hours"],
                created_by=actor.id,
            )
            old.status = ContractStatus.RENEWED.value
            s.add(old)
            s.add(new)
            s.flush()
            wanted = {ln["item"]: ln for ln in data.get("items") or []}
            lines = list(s.exec(select(ContractLine).where(ContractLine.contract_id == old.id)).all())
            olds = lock_lots(s, {ln.lot_id for ln in lines})
            codes = dict(s.exec(select(Item.id, Item.code).where(col(Item.id).in_({ln.item_id for ln in lines}))).all())
            for ln in sorted(lines, key=lambda ln: ln.lot_id):
                lot = olds[ln.lot_id]
                item_code = codes[ln.item_id]
                given = wanted.pop(item_code, None)
                left = lot.free
                quantity = left if given is None else given["quantity"]
                moved = min(left, quantity)
                line = {
                    "item": item_code,
                    "quantity": quantity,
                    "unit_price": ln.unit_price
                    if given is None or given.get("unit_price") is None
                    else given["unit_price"],
                }
                new_line = self._book_line(s, actor, new, p, line, "items", moved_from=(lot, moved))
                if left > moved:  # a smaller renewal: the rest is no longer contracted
                    post(
                        s,
                        lot,
                        MovementKind.CONTRACT,
                        qty=-(left - moved),
                        actor_id=actor.id,
                        reference=reference(old.code),
                        reason=t("not renewed"),
                        related_lot_id=new_line.lot_id,
                    )
            for i, extra in enumerate(wanted.values()):
                self._book_line(s, actor, new, p, extra, f"items.{i}.item")
            s.flush()
            return _results(s, [new])[0]

    def _book_line(
        self,
        s: Session,
        actor: Actor,
        contract: Contract,
        point: StoragePoint,
        line: dict[str, Any],
        field: str,
        moved_from: tuple[StockLot, int] | None = None,
    ) -> ContractLine:
        """Open the version's lot of an item and book its quantity: ``moved_from`` (old lot, units) moves
        units left over from the version renewed, the rest is booked as signed."""
        item = by_code(s, Item, line["item"], field)
        cls = s.get_one(SupplyClass, item.class_id)
        batch = batch_of(contract.code, contract.version)
        if find_lot(s, persisted_id(point), persisted_id(item), batch) is not None:
            raise RuleViolation(
                t(
                    "{point} already holds a lot of {item} with batch {batch!r}: give the contract another code",
                    point=point.code,
                    item=item.code,
                    batch=batch,
                ),
                "code",
            )
        lot = open_lot(
            s,
            point,
            persisted_id(item),
            cls,
            batch,
            mode=contract.mode,
            expires_on=contract.valid_to,
            lead_time_hours=contract.lead_time_hours,
            unit_cost=line.get("unit_price"),
            error=RuleViolation,
            where=point.code,
        )
        moved = 0
        if moved_from is not None and moved_from[1] > 0:
            old, moved = moved_from
            why = t("renewed as version {version}", version=contract.version)
            post(
                s,
                old,
                MovementKind.CONTRACT,
                qty=-moved,
                actor_id=actor.id,
                reference=reference(contract.code),
                reason=why,
                related_lot_id=lot.id,
            )
            post(
                s,
                lot,
                MovementKind.CONTRACT,
                qty=moved,
                actor_id=actor.id,
                reference=reference(contract.code),
                reason=why,
                related_lot_id=old.id,
            )
        signed = line["quantity"] - moved
        if signed > 0:
            post(
                s,
                lot,
                MovementKind.CONTRACT,
                qty=signed,
                actor_id=actor.id,
                reference=reference(contract.code),
                reason=t("signed with {company}", company=contract.company)[:500],
            )
        row = ContractLine(
            contract_id=persisted_id(contract),
            item_id=persisted_id(item),
            lot_id=persisted_id(lot),
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
        )
        s.add(row)
        s.flush()
        return row

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
            contract = _current(s, actor, data["code"])
            require_jurisdiction(
                actor, contract.jurisdiction_code, what=t("contract {code}", code=contract.code), field="code"
            )
            today = local_today()
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
                deadline=f"{aware(order.deadline):%Y-%m-%d %H:%M} UTC",
            )
            if data.get("note"):
                note_text = t("{text}; {note}", text=note_text, note=data["note"])
            states.move(s, req, RequestStatus.ALLOCATED.value, actor, note_text)
            s.flush()
            return _call_up_results(s, [order])[0]

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
            if cu is None or contract is None or not _readable(s, actor, contract):
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
                notes.append(t("late: due {deadline}", deadline=f"{aware(cu.deadline):%Y-%m-%d %H:%M} UTC"))
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
            return _call_up_results(s, [cu])[0]

    # -- reading ---------------------------------------------------------------------------------

    def list(self, *, expiring_days: int | None = None) -> list[ContractResult]:
        """The contracts in force or ended (their current versions), by end of validity; with
        ``expiring_days``, only those ending within that many days from today (today included)."""
        data = load(ListIn, dict(expiring_days=expiring_days))
        with self._work(write=False) as (s, actor):
            q = select(Contract).where(Contract.status == ContractStatus.ACTIVE.value)
            if data.get("expiring_days") is not None:
                today = local_today()
                q = q.where(
                    col(Contract.valid_to) >= today,
                    col(Contract.valid_to) <= today + timedelta(days=data["expiring_days"]),
                )
            q = _scoped(q, actor).order_by(col(Contract.valid_to), col(Contract.code))
            return _results(s, list(s.exec(q).all()))

    def expiring(self, days: int | None = None) -> builtins.list[ContractResult]:
        """Contracts ending within ``days`` (default ``SUPPLIES_CONTRACT_EXPIRY_DAYS``, else 60)."""
        return self.list(expiring_days=expiry_warning_days() if days is None else days)

    def show(self, code: str) -> ContractDetail:
        """A contract as it stands, its earlier versions and its call-up orders."""
        code = bounded(Code(), code, "code")
        with self._work(write=False) as (s, actor):
            versions = list(
                s.exec(_scoped(select(Contract).where(Contract.code == code), actor).order_by(col(Contract.version)))
            )
            if not versions:
                raise NotFound(t("no contract with code {code!r}", code=code), "code")
            results = _results(s, versions)
            orders = list(
                s.exec(
                    select(CallUp).where(col(CallUp.contract_id).in_([v.id for v in versions])).order_by(col(CallUp.id))
                )
            )
            return ContractDetail(results[-1], tuple(results[:-1]), tuple(_call_up_results(s, orders)))

    def report(self, *, expiring_days: int | None = None) -> Report:
        """The contracts (all in force or ended, or those ending within ``expiring_days``) as a report,
        one row per contract line, for CSV or XLSX (a sheet per storage point)."""
        contracts = self.list(expiring_days=expiring_days)
        rows = [
            {
                "contract": c.code,
                "version": c.version,
                "company": c.company,
                "credit_code": c.credit_code,
                "point": c.point,
                "point_name": c.point_name,
                "mode": c.mode,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "days_left": c.days_left,
                "lead_time_hours": c.lead_time_hours,
                "item": ln.item,
                "item_name": ln.item_name,
                "unit": ln.unit,
                "unit_price": ln.unit_price,
                "contracted": ln.quantity,
                "called_up": ln.called_up,
                "remaining": ln.remaining,
                "late_deliveries": c.late_deliveries,
                "short_units": c.short_units,
            }
            for c in contracts
            for ln in c.lines
        ]
        return Report(
            "contracts",
            "Agreement reserves (contracts)",
            "协议储备合同",
            _REPORT_COLUMNS,
            rows,
            params={"expiring_days": expiring_days},
            summary_by=("point", "point_name"),
        )

    def order(self, id: int) -> CallUpResult:
        """A call-up order."""
        with self._work(write=False) as (s, actor):
            cu = s.get(CallUp, id) if isinstance(id, int) and not isinstance(id, bool) else None
            contract = s.get(Contract, cu.contract_id) if cu is not None else None
            if cu is None or contract is None or not _readable(s, actor, contract):
                raise NotFound(t("no call-up order with id {id}", id=id), "order")
            return _call_up_results(s, [cu])[0]


_REPORT_COLUMNS = (
    Col("contract", "contract", "合同编号"),
    Col("version", "version", "版本"),
    Col("company", "company", "企业名称"),
    Col("credit_code", "credit_code", "统一社会信用代码"),
    Col("point", "point", "储备点编码"),
    Col("point_name", "point_name", "储备点名称"),
    Col("mode", "mode", "储备方式"),
    Col("valid_from", "valid_from", "有效期起"),
    Col("valid_to", "valid_to", "有效期止"),
    Col("days_left", "days_left", "剩余天数"),
    Col("lead_time_hours", "lead_time_hours", "保障时限(小时)"),
    Col("item", "item", "物资编码"),
    Col("item_name", "item_name", "物资名称"),
    Col("unit", "unit", "计量单位"),
    Col("unit_price", "unit_price", "单价"),
    Col("contracted", "contracted", "协议数量", True),
    Col("called_up", "called_up", "已调用", True),
    Col("remaining", "remaining", "可调用", True),
    Col("late_deliveries", "late_deliveries", "逾期交付次数"),
    Col("short_units", "short_units", "短交数量"),
)


def printed_order(order: CallUpResult) -> str:
    """The call-up order (调用单) as plain text to print and hand to the company."""
    lines = [
        t("Call-up order #{id} (调用单)", id=order.id),
        t("Contract: {code} version {version}", code=order.contract, version=order.version),
        t("Company: {company}", company=order.company) + (f" ({order.contact})" if order.contact else ""),
        t("From: {point}", point=order.point),
        t("For request #{request}, deliver to {destination}", request=order.request_id, destination=order.destination),
        t("Ordered: {at}", at=f"{aware(order.created_at):%Y-%m-%d %H:%M} UTC"),
        t("Deliver by: {at}", at=f"{aware(order.deadline):%Y-%m-%d %H:%M} UTC"),
        "",
    ]
    for ln in order.lines:
        lines.append(f"  {ln.item:<16} {ln.item_name:<24} {ln.quantity:>10} {ln.unit}")
    return "\n".join(str(x) for x in lines)


# -- helpers ---------------------------------------------------------------------------------------


def _contract_point(p: StoragePoint) -> None:
    if p.status != PointStatus.ACTIVE:
        raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
    if p.kind not in CONTRACT_POINT_KINDS:
        raise RuleViolation(
            t(
                "storage point {code} is a {kind}: a contract's stock is held at an agreement warehouse or a factory",
                code=p.code,
                kind=p.kind,
            ),
            "point",
        )


def _scoped(q: Any, actor: Actor) -> Any:
    return scoped_points(q, actor, col(Contract.point_id), col(Contract.jurisdiction_code))


def _readable(s: Session, actor: Actor, contract: Contract) -> bool:
    return s.exec(_scoped(select(Contract.id).where(Contract.id == contract.id), actor)).first() is not None


def _current(s: Session, actor: Actor, code: str, *, lock: bool = False) -> Contract:
    """The version in force of contract ``code`` (as if there were none when the actor may not read it)."""
    q = _scoped(select(Contract).where(Contract.code == code, Contract.status == ContractStatus.ACTIVE.value), actor)
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    row: Contract | None = s.exec(q).one_or_none()
    if row is None:
        raise NotFound(t("no contract with code {code!r}", code=code), "code")
    return row


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


def _results(s: Session, contracts: Sequence[Contract]) -> list[ContractResult]:
    """Results of contracts, with their lines, what was called up and each lot's balance (a few queries)."""
    if not contracts:
        return []
    ids = [persisted_id(c) for c in contracts]
    lines = list(
        s.exec(select(ContractLine).where(col(ContractLine.contract_id).in_(ids)).order_by(col(ContractLine.id)))
    )
    lots = {
        persisted_id(lot): lot
        for lot in s.exec(select(StockLot).where(col(StockLot.id).in_({ln.lot_id for ln in lines})))
    }
    items = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({ln.item_id for ln in lines}))
        )
    }
    called = dict(
        s.exec(
            select(CallUpLine.lot_id, func.sum(CallUpLine.quantity))
            .where(col(CallUpLine.lot_id).in_({ln.lot_id for ln in lines}))
            .group_by(col(CallUpLine.lot_id))
        ).all()
    )
    orders = s.exec(select(CallUp.contract_id, CallUp.late, CallUp.short).where(col(CallUp.contract_id).in_(ids))).all()
    points = {
        r[0]: r[1:]
        for r in s.exec(
            select(StoragePoint.id, StoragePoint.code, StoragePoint.name).where(
                col(StoragePoint.id).in_({c.point_id for c in contracts})
            )
        )
    }
    today = local_today()
    out = []
    for c in contracts:
        mine = [ln for ln in lines if ln.contract_id == c.id]
        in_force = c.status == ContractStatus.ACTIVE and c.valid_from <= today <= c.valid_to
        out.append(
            ContractResult(
                c.code,
                c.version,
                c.status,
                c.company,
                c.credit_code,
                c.contact,
                points[c.point_id][0],
                points[c.point_id][1],
                c.mode,
                c.valid_from,
                c.valid_to,
                c.lead_time_hours,
                in_force,
                (c.valid_to - today).days,
                tuple(
                    ContractLineResult(
                        items[ln.item_id][0],
                        items[ln.item_id][1],
                        items[ln.item_id][2],
                        ln.quantity,
                        ln.unit_price,
                        int(called.get(ln.lot_id) or 0),
                        lots[ln.lot_id].free,
                        ln.lot_id,
                        lots[ln.lot_id].batch,
                    )
                    for ln in mine
                ),
                sum(1 for cid, late, _ in orders if cid == c.id and late),
                sum(short for cid, _, short in orders if cid == c.id),
            )
        )
    return out


def _call_up_results(s: Session, orders: Sequence[CallUp]) -> list[CallUpResult]:
    if not orders:
        return []
    lines = list(
        s.exec(
            select(CallUpLine)
            .where(col(CallUpLine.call_up_id).in_([persisted_id(o) for o in orders]))
            .order_by(col(CallUpLine.id))
        )
    )
    items = {
        r[0]: r[1:]
        for r in s.exec(
            select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_({ln.item_id for ln in lines}))
        )
    }
    contracts = {
        persisted_id(c): c
        for c in s.exec(select(Contract).where(col(Contract.id).in_({o.contract_id for o in orders})))
    }
    requests = {
        persisted_id(r): r
        for r in s.exec(select(DispatchRequest).where(col(DispatchRequest.id).in_({o.request_id for o in orders})))
    }
    point_ids = {c.point_id for c in contracts.values()} | {
        r.dest_point_id for r in requests.values() if r.dest_point_id is not None
    }
    points = dict(s.exec(select(StoragePoint.id, StoragePoint.code).where(col(StoragePoint.id).in_(point_ids))).all())
    reserved = {
        a_id
        for a_id, status in s.exec(
            select(Allocation.id, Allocation.status).where(col(Allocation.id).in_({ln.allocation_id for ln in lines}))
        )
        if status == AllocationStatus.RESERVED
    }
    # An open order whose units are no longer reserved for its request is cancelled (see CallUpStatus).
    released = {ln.call_up_id for ln in lines if ln.allocation_id not in reserved}
    out = []
    for o in orders:
        c, r = contracts[o.contract_id], requests[o.request_id]
        dest = points[r.dest_point_id] if r.dest_point_id is not None else f"{r.dest_lat:.5f}, {r.dest_lon:.5f}"
        out.append(
            CallUpResult(
                persisted_id(o),
                c.code,
                c.version,
                c.company,
                c.contact,
                points[c.point_id],
                o.request_id,
                dest,
                aware(o.created_at),
                aware(o.deadline),
                CallUpStatus.CANCELLED.value if o.status == CallUpStatus.OPEN and o.id in released else o.status,
                aware(o.delivered_at),
                o.late,
                o.short,
                tuple(
                    CallUpLineResult(
                        items[ln.item_id][0], items[ln.item_id][1], items[ln.item_id][2], ln.quantity, ln.delivered
                    )
                    for ln in lines
                    if ln.call_up_id == o.id
                ),
            )
        )
    return out


__all__ = [
    "CallUpResult",
    "ContractDetail",
    "ContractResult",
    "Contracts",
    "expiry_warning_days",
    "printed_order",
    "reference",
]
