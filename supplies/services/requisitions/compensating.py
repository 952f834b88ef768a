"""Compensation (补偿) of a requisition: assessed and itemised, approved by another admin, paid."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from ...errors import InvalidInput, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import (
    Compensation,
    CompensationLine,
    CompensationStatus,
    RequisitionCondition,
    RequisitionLine,
    RequisitionReturn,
    RequisitionStatus,
    Role,
)
from ...models.base import persisted_id, utcnow
from ...permissions import require_jurisdiction, require_role
from ...schemas import load
from ...terms import term
from ..base import Service, retried
from ..stock.ledger import lock_lots
from .access import MANAGERS, ZERO, compensation_row, days_held, item_names, lines_by_item, locked, money
from .results import (
    CompensationResult,
)
from .schemas import AssessIn, IdIn, PayIn
from .summaries import compensation_results


class Compensating(Service):
    """Assessing, approving and paying compensations."""

    @retried
    def assess(self, id: int, *, damage: Mapping[str, Any] | Sequence[Any] | None = None) -> CompensationResult:
        """Assess the compensation (补偿) of a requisition and close it; refused while its lots hold units.

        Consumed and lost units at the assessed unit value, equipment's days of use at its daily
        rate, and damage: the sums given with damaged returns, or ``damage`` (item → yuan), which
        sets an item's damage as the assessor finds it.
        """
        data = load(AssessIn, dict(id=id, damage=damage))
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("assessing a compensation"))
            req = locked(s, actor, data["id"])
            require_jurisdiction(actor, req.jurisdiction_code, what=t("requisition #{id}", id=req.id), field="id")
            if req.status != RequisitionStatus.OPEN:
                raise RuleViolation(t("requisition #{id} is closed: its compensation is assessed", id=req.id), "id")
            rid = persisted_id(req)
            lines = sorted(lines_by_item(s, rid).values(), key=lambda ln: persisted_id(ln))
            lots = lock_lots(s, {ln.lot_id for ln in lines})
            codes = item_names(s, {ln.item_id for ln in lines})
            held = [(codes[ln.item_id][0], lots[ln.lot_id].on_hand) for ln in lines if lots[ln.lot_id].on_hand > 0]
            if held:
                raise RuleViolation(
                    t(
                        "requisition #{id} still holds {held}: give it back or record it lost before assessing",
                        id=rid,
                        held=", ".join(f"{code} {n}" for code, n in held),
                    ),
                    "id",
                )
            by_code_ = {codes[ln.item_id][0]: ln for ln in lines}
            returns = list(
                s.exec(
                    select(RequisitionReturn)
                    .where(RequisitionReturn.requisition_id == rid)
                    .order_by(col(RequisitionReturn.id))
                )
            )
            set_damage: dict[int, Decimal] = {}
            for i, d in enumerate(data.get("damage") or []):
                ln = by_code_.get(d["item"])
                if ln is None or not any(
                    r.line_id == ln.id and r.condition == RequisitionCondition.DAMAGED for r in returns
                ):
                    raise InvalidInput(
                        t("no units of {item} were given back damaged", item=d["item"]), f"damage.{i}.item"
                    )
                set_damage[persisted_id(ln)] = money(d["amount"])
            now = utcnow()
            comp = Compensation(
                requisition_id=rid,
                status=CompensationStatus.ASSESSED.value,
                total=ZERO,
                assessed_by=actor.id,
                assessed_at=now,
            )
            s.add(comp)
            s.flush()
            total = ZERO
            for ln in lines:
                mine = [r for r in returns if r.line_id == ln.id]
                given = sum(r.qty for r in mine if r.condition != RequisitionCondition.LOST)
                lost = sum(r.qty for r in mine if r.condition == RequisitionCondition.LOST)
                damaged = sum(r.qty for r in mine if r.condition == RequisitionCondition.DAMAGED)
                consumed = ln.quantity - given - lost
                rows: list[CompensationLine] = []
                value = money(ln.unit_value)
                if consumed > 0:
                    rows.append(_line(comp, ln, "consumed", consumed, None, value, money(value * consumed)))
                if lost > 0:
                    rows.append(_line(comp, ln, "lost", lost, None, value, money(value * lost)))
                if ln.daily_rate is not None and ln.daily_rate > 0:
                    by_days: dict[int, int] = defaultdict(int)
                    for r in mine:
                        if r.condition != RequisitionCondition.LOST:
                            by_days[days_held(req.started_at, r.at)] += r.qty
                    rate = money(ln.daily_rate)
                    for days, qty in sorted(by_days.items()):
                        rows.append(_line(comp, ln, "use", qty, days, rate, money(rate * qty * days)))
                harm = set_damage.get(persisted_id(ln))
                if harm is None:
                    harm = money(sum((r.damage for r in mine), ZERO))
                if damaged and harm > 0:
                    rows.append(_line(comp, ln, "damage", damaged, None, None, harm))
                for row in rows:
                    s.add(row)
                    total += row.amount
            comp.total = money(total)
            req.status = RequisitionStatus.CLOSED.value
            req.closed_at = now
            s.add(comp)
            s.add(req)
            s.flush()
            return compensation_results(s, [comp])[0]

    @retried
    def approve(self, id: int) -> CompensationResult:
        """Approve the assessed compensation of requisition ``id``: an admin of its jurisdiction who did not assess it."""
        data = load(IdIn, dict(id=id))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN.value, action=t("approving a compensation"))
            comp = compensation_row(s, actor, data["id"])
            if comp.status != CompensationStatus.ASSESSED:
                raise RuleViolation(
                    t(
                        "the compensation of requisition #{id} is {status}, not assessed",
                        id=data["id"],
                        status=term(comp.status),
                    ),
                    "id",
                )
            if comp.assessed_by == actor.id:
                raise PermissionDenied(
                    t("{name} assessed this compensation: another admin approves it", name=actor.name), "user"
                )
            comp.status = CompensationStatus.APPROVED.value
            comp.approved_by = actor.id
            comp.approved_at = utcnow()
            s.add(comp)
            s.flush()
            return compensation_results(s, [comp])[0]

    @retried
    def pay(self, id: int, *, reference: str) -> CompensationResult:
        """Record the payment of the approved compensation of requisition ``id`` with its ``reference``
        (a voucher or transfer number): by an admin of its jurisdiction."""
        data = load(PayIn, dict(id=id, reference=reference))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN.value, action=t("recording a compensation paid"))
            comp = compensation_row(s, actor, data["id"])
            if comp.status != CompensationStatus.APPROVED:
                raise RuleViolation(
                    t(
                        "the compensation of requisition #{id} is {status}, not approved",
                        id=data["id"],
                        status=term(comp.status),
                    ),
                    "id",
                )
            comp.status = CompensationStatus.PAID.value
            comp.paid_by = actor.id
            comp.paid_at = utcnow()
            comp.reference = data["reference"]
            s.add(comp)
            s.flush()
            return compensation_results(s, [comp])[0]


def printed_compensation(comp: CompensationResult) -> str:
    """The compensation, itemised, as plain text."""
    words = {"consumed": t("consumed"), "lost": t("lost"), "use": t("use"), "damage": t("damage")}
    out: list[Any] = [
        t(
            "Compensation of requisition #{id} to {owner}: {status}",
            id=comp.requisition_id,
            owner=comp.owner,
            status=term(comp.status),
        )
    ]
    for ln in comp.lines:
        how = f"{ln.quantity} × {ln.rate}" if ln.rate is not None else f"{ln.quantity}"
        if ln.days is not None:
            how = f"{ln.quantity} × {ln.days} d × {ln.rate}"
        out.append(f"  {ln.item:<16} {words[ln.kind]!s:<10} {how:>24} = {ln.amount:>14}")
    out.append(t("Total: {total}", total=comp.total))
    return "\n".join(str(x) for x in out)


def _line(
    comp: Compensation,
    ln: RequisitionLine,
    kind: str,
    qty: int,
    days: int | None,
    rate: Decimal | None,
    amount: Decimal,
) -> CompensationLine:
    return CompensationLine(
        compensation_id=persisted_id(comp),
        item_id=ln.item_id,
        kind=kind,
        quantity=qty,
        days=days,
        rate=rate,
        amount=money(amount),
    )
