"""Requisition (征用) for an emergency, return (归还) and compensation (补偿): ``inv.requisitions``.

How a requisition sits on the core's invariants:

* **Held in a lot, booked by the ledger.** A requisition order names the authority that issued it,
  its legal basis (free text, e.g. 《突发事件应对法》), the owner (a person or a company), the storage
  point that holds the goods, the start time, and per item the units, their assessed unit value
  and, for equipment, a daily rate. Each item is a lot at the point (batch ``ZY-<id>``, reserve
  mode ``requisition``, unit cost = the assessed value) booked with a ``requisition_in`` ledger line
  referenced ``requisition:<id>``. Requisition lots are free stock like physical stock: allocated,
  dispatched, issued and counted for readiness the same way; only a requisition opens one
  (``stock receive`` refuses the mode).
* **Return from the requisition's lot.** What is given back (good or damaged) leaves the
  requisition's lot at its point with a ``requisition_return`` line; units recorded lost are
  written off (``write_off`` line with the reason, same reference). Both take only the lot's free
  units, so one can never return or lose more than is held from the requisition. Units that left
  the lot (dispatched, issued, distributed) are consumed, unless they are brought back into it
  first (they keep the batch and mode wherever they go, so a transfer back lands in the same lot).
* **Compensation.** ``assess`` closes the requisition once its lots are empty (what is still held
  must be returned or recorded lost first) and writes the compensation, itemised: consumed units
  (requisitioned − returned − lost) and lost units at the assessed unit value; for equipment with a
  daily rate, the units given back × the days held (each started day counts, at least one) × the
  rate; and the damage assessed for units given back damaged (the sum given with those returns, or
  the assessor's figure). Good units cost nothing beyond their days of use. Money is Decimal with
  two places, rounded half up; never a float.
* **Assessed → approved → paid**, each step with who and when. Dispatchers and admins of the
  point's jurisdiction requisition and assess; an admin of the jurisdiction approves, never the one
  who assessed it (four eyes on public money); an admin records the payment with its reference
  (voucher or transfer number).
* **Personal data.** A person's ID number is checked as one and never kept: only its first four
  and last four characters and its length, for the masked form ``5201**********1234``; no message
  repeats it. A company's unified social credit code (checked against GB 32100-2015) is public
  registration data and is kept whole. The requisition report names the owner but carries neither.

Returns are recorded by the point's warehouse staff and the admins and dispatchers of its
jurisdiction; reads are scoped like points.
"""

from __future__ import annotations

import builtins
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import (
    Compensation,
    CompensationLine,
    CompensationStatus,
    Item,
    MovementKind,
    PointStatus,
    Requisition,
    RequisitionCondition,
    RequisitionLine,
    RequisitionReturn,
    RequisitionStatus,
    ReserveMode,
    Role,
    StockLot,
    StoragePoint,
    SupplyClass,
    User,
)
from ...models.base import persisted_id, utcnow
from ...permissions import Actor, in_scope, require_jurisdiction, require_role, scoped_points
from ...pii import mask_id, normalise_id
from ...schemas import load
from ...terms import term
from ..base import Service, by_code, retried
from ..reports.output import ITEM_COLS, Col, Report
from ..results import aware
from ..stock.commands import open_lot, refuse_tracked
from ..stock.ledger import find_lot, lock_lots, post
from .results import (
    CompensationLineResult,
    CompensationResult,
    RequisitionDetail,
    RequisitionLineResult,
    RequisitionResult,
    ReturnResult,
)
from .schemas import AssessIn, IdIn, ListIn, PayIn, RequisitionIn, ReturnIn

MANAGERS = (Role.DISPATCHER.value, Role.ADMIN.value)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def reference(requisition_id: int) -> str:
    """The ledger reference of the lines a requisition books (in, returned, lost)."""
    return f"requisition:{requisition_id}"


def batch_of(requisition_id: int) -> str:
    """The batch of a requisition's lots: ``ZY-<id>`` (征用)."""
    return f"ZY-{requisition_id}"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def days_held(start: datetime, end: datetime) -> int:
    """Days of use between two times: each started day counts, at least one."""
    return max(1, math.ceil((aware(end) - aware(start)).total_seconds() / 86400))


class Requisitions(Service):
    """Requisitions, returns to the owner and their compensation: ``inv.requisitions``."""

    # -- writing ---------------------------------------------------------------------------------

    @retried
    def add(
        self,
        *,
        owner: str,
        authority: str,
        basis: str,
        point: str,
        items: Mapping[str, Any] | Sequence[Any],
        owner_id: str | None = None,
        owner_kind: str = "person",
        started_at: datetime | None = None,
    ) -> RequisitionResult:
        """Record a requisition order (征用) and book its goods into lots at ``point`` through the ledger.

        ``items`` lists ``(item, quantity, unit_value)`` or ``(item, quantity, unit_value, daily_rate)``
        (or dicts with those keys); the daily rate is for equipment paid by the day. ``owner_kind``
        is ``person`` (``owner_id``: an ID number, kept masked only) or ``company`` (``owner_id``: a
        unified social credit code). ``started_at`` defaults to now.
        """
        data = load(
            RequisitionIn,
            dict(
                owner=owner,
                owner_kind=owner_kind,
                owner_id=owner_id,
                authority=authority,
                basis=basis,
                point=point,
                items=items,
                started_at=started_at,
            ),
        )
        start = aware(data.get("started_at")) or datetime.now(UTC)
        if start > datetime.now(UTC) + timedelta(minutes=5):
            raise InvalidInput(t("is in the future"), "started_at")
        with self._work() as (s, actor):
            require_role(actor, *MANAGERS, action=t("recording a requisition"))
            p = by_code(s, StoragePoint, data["point"], "point")
            require_jurisdiction(actor, p.jurisdiction_code, what=t("storage point {code}", code=p.code), field="point")
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            req = Requisition(
                authority=data["authority"],
                basis=data["basis"],
                owner=data["owner"],
                owner_kind=data["owner_kind"],
                point_id=persisted_id(p),
                jurisdiction_code=p.jurisdiction_code,
                status=RequisitionStatus.OPEN.value,
                started_at=start,
                created_by=actor.id,
                **_owner_id(data["owner_kind"], data.get("owner_id")),
            )
            s.add(req)
            s.flush()
            rid = persisted_id(req)
            for i, line in enumerate(data["items"]):
                field = f"items.{i}.item"
                item = by_code(s, Item, line["item"], field)
                refuse_tracked(item)
                cls = s.get_one(SupplyClass, item.class_id)
                if find_lot(s, persisted_id(p), persisted_id(item), batch_of(rid)) is not None:
                    raise RuleViolation(
                        t("{point} already holds a lot with batch {batch!r}", point=p.code, batch=batch_of(rid)), field
                    )
                lot = open_lot(
                    s,
                    p,
                    persisted_id(item),
                    cls,
                    batch_of(rid),
                    mode=ReserveMode.REQUISITION.value,
                    expires_on=None,
                    lead_time_hours=0.0,
                    unit_cost=line["unit_value"],
                    error=RuleViolation,
                    where=p.code,
                )
                post(
                    s,
                    lot,
                    MovementKind.REQUISITION_IN,
                    qty=line["quantity"],
                    actor_id=actor.id,
                    reference=reference(rid),
                    reason=t("requisitioned from {owner}", owner=req.owner)[:500],
                )
                s.add(
                    RequisitionLine(
                        requisition_id=rid,
                        item_id=persisted_id(item),
                        lot_id=persisted_id(lot),
                        quantity=line["quantity"],
                        unit_value=line["unit_value"],
                        daily_rate=line.get("daily_rate"),
                    )
                )
            s.flush()
            return _results(s, [req])[0]

    @retried
    def record_return(
        self,
        id: int,
        items: Mapping[str, int] | Sequence[Any],
        condition: str,
        *,
        damage: Mapping[str, Any] | Sequence[Any] | None = None,
        note: str | None = None,
    ) -> builtins.list[ReturnResult]:
        """Give units of a requisition back to the owner (归还), in ``condition`` ``good`` or ``damaged``,
        or record them ``lost``.

        ``items`` maps item codes to units; they are taken from the requisition's lot at its point
        (its free units: never more than it holds). Good and damaged units leave the lot with a
        ``requisition_return`` line, lost ones are written off. ``damage`` maps item codes to the
        damage assessed in yuan (damaged units only; ``assess`` may set it later).
        """
        data = load(ReturnIn, dict(id=id, items=items, condition=condition, damage=damage, note=note))
        with self._work() as (s, actor):
            req = _locked(s, actor, data["id"])
            p = s.get_one(StoragePoint, req.point_id)
            _require_return(actor, p)
            if req.status != RequisitionStatus.OPEN:
                raise RuleViolation(t("requisition #{id} is closed: its compensation is assessed", id=req.id), "id")
            rid = persisted_id(req)
            lines = _lines_by_item(s, rid)
            damages = {d["item"]: money(d["amount"]) for d in data.get("damage") or []}
            wanted: list[tuple[RequisitionLine, Item, int]] = []
            for i, entry in enumerate(data["items"]):
                item = by_code(s, Item, entry["item"], f"items.{i}.item")
                line = lines.get(persisted_id(item))
                if line is None:
                    raise InvalidInput(
                        t("{item} is not an item of requisition #{id}", item=item.code, id=rid), f"items.{i}.item"
                    )
                wanted.append((line, item, entry["quantity"]))
            lots = lock_lots(s, {ln.lot_id for ln, _, _ in wanted})
            for i, (line, item, qty) in enumerate(wanted):
                lot = lots[line.lot_id]
                if qty > lot.free:
                    raise RuleViolation(
                        t(
                            "requisition #{id} holds {free} {unit} of {item} at {point} (free to give back); "
                            "asked {qty}",
                            id=rid,
                            free=lot.free,
                            unit=item.unit,
                            item=item.code,
                            point=p.code,
                            qty=qty,
                        ),
                        f"items.{i}.quantity",
                    )
            condition = data["condition"]
            now = utcnow()
            out: list[ReturnResult] = []
            for line, item, qty in wanted:
                lot = lots[line.lot_id]
                if condition == RequisitionCondition.LOST:
                    kind, why = MovementKind.WRITE_OFF, t("lost while requisitioned")
                else:
                    kind, why = (
                        MovementKind.REQUISITION_RETURN,
                        t("returned to {owner} ({condition})", owner=req.owner, condition=term(condition)),
                    )
                if data.get("note"):
                    why = t("{text}; {note}", text=why, note=data["note"])
                m = post(
                    s,
                    lot,
                    kind,
                    qty=-qty,
                    actor_id=actor.id,
                    reference=reference(rid),
                    reason=str(why)[:500],
                    at=now,
                )
                s.flush()
                row = RequisitionReturn(
                    requisition_id=rid,
                    line_id=persisted_id(line),
                    qty=qty,
                    condition=condition,
                    damage=damages.get(item.code, ZERO),
                    movement_id=persisted_id(m),
                    actor_id=actor.id,
                    at=now,
                )
                s.add(row)
                s.flush()
                out.append(ReturnResult(persisted_id(row), item.code, qty, condition, row.damage, row.movement_id, now))
            return out

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
            req = _locked(s, actor, data["id"])
            require_jurisdiction(actor, req.jurisdiction_code, what=t("requisition #{id}", id=req.id), field="id")
            if req.status != RequisitionStatus.OPEN:
                raise RuleViolation(t("requisition #{id} is closed: its compensation is assessed", id=req.id), "id")
            rid = persisted_id(req)
            lines = sorted(_lines_by_item(s, rid).values(), key=lambda ln: persisted_id(ln))
            lots = lock_lots(s, {ln.lot_id for ln in lines})
            codes = _items(s, {ln.item_id for ln in lines})
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
            return _compensations(s, [comp])[0]

    @retried
    def approve(self, id: int) -> CompensationResult:
        """Approve the assessed compensation of requisition ``id``: an admin of its jurisdiction who did not assess it."""
        data = load(IdIn, dict(id=id))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN.value, action=t("approving a compensation"))
            comp = _compensation(s, actor, data["id"])
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
            return _compensations(s, [comp])[0]

    @retried
    def pay(self, id: int, *, reference: str) -> CompensationResult:
        """Record the payment of the approved compensation of requisition ``id`` with its ``reference``
        (a voucher or transfer number): by an admin of its jurisdiction."""
        data = load(PayIn, dict(id=id, reference=reference))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN.value, action=t("recording a compensation paid"))
            comp = _compensation(s, actor, data["id"])
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
            return _compensations(s, [comp])[0]

    # -- reading ---------------------------------------------------------------------------------

    def list(self, *, open_only: bool = False) -> builtins.list[RequisitionResult]:
        """The requisitions the user reads, newest first; ``open_only``: those still holding goods from their owner."""
        data = load(ListIn, dict(open_only=open_only))
        with self._work(write=False) as (s, actor):
            q = select(Requisition)
            if data["open_only"]:
                q = q.where(Requisition.status == RequisitionStatus.OPEN.value)
            q = _scoped(q, actor).order_by(col(Requisition.id).desc())
            return _results(s, builtins.list(s.exec(q).all()))

    def show(self, id: int) -> RequisitionDetail:
        """A requisition, its returns and its compensation."""
        with self._work(write=False) as (s, actor):
            req = _find(s, actor, id)
            rid = persisted_id(req)
            rows = builtins.list(
                s.exec(
                    select(RequisitionReturn)
                    .where(RequisitionReturn.requisition_id == rid)
                    .order_by(col(RequisitionReturn.id))
                )
            )
            line_items = dict(
                s.exec(
                    select(RequisitionLine.id, RequisitionLine.item_id).where(RequisitionLine.requisition_id == rid)
                ).all()
            )
            codes = _items(s, set(line_items.values()))
            comp = s.exec(select(Compensation).where(Compensation.requisition_id == rid)).one_or_none()
            return RequisitionDetail(
                _results(s, [req])[0],
                tuple(
                    ReturnResult(
                        persisted_id(r),
                        codes[line_items[r.line_id]][0],
                        r.qty,
                        r.condition,
                        r.damage,
                        r.movement_id,
                        aware(r.at),
                    )
                    for r in rows
                ),
                _compensations(s, [comp])[0] if comp is not None else None,
            )

    def compensation(self, id: int) -> CompensationResult:
        """The compensation of requisition ``id`` (NotFound before it is assessed)."""
        with self._work(write=False) as (s, actor):
            return _compensations(s, [_compensation(s, actor, id)])[0]

    def unpaid(self) -> builtins.list[CompensationResult]:
        """Compensations assessed or approved but not paid yet, oldest first."""
        with self._work(write=False) as (s, actor):
            q = (
                select(Compensation)
                .join(Requisition, col(Requisition.id) == Compensation.requisition_id)
                .where(Compensation.status != CompensationStatus.PAID.value)
            )
            q = _scoped(q, actor).order_by(col(Compensation.id))
            return _compensations(s, builtins.list(s.exec(q).all()))

    def report(self, *, open_only: bool = False) -> Report:
        """Requisitions (open ones only, with ``open_only``) as a report, one row per item: requisitioned,
        held, given back, lost and consumed, and the compensation with its state, for CSV or XLSX.

        Neither a person's ID number (not even masked) nor a company's credit code is in it."""
        rows_ = self.list(open_only=open_only)
        with self._work(write=False) as (s, _actor):
            comps = {
                c.requisition_id: c
                for c in _compensations(
                    s,
                    builtins.list(
                        s.exec(
                            select(Compensation).where(col(Compensation.requisition_id).in_([r.id for r in rows_]))
                        ).all()
                    ),
                )
            }
        rows = []
        for r in rows_:
            comp = comps.get(r.id)
            for ln in r.lines:
                owed = sum((c.amount for c in comp.lines if c.item == ln.item), ZERO) if comp is not None else None
                rows.append(
                    {
                        "requisition": r.id,
                        "authority": r.authority,
                        "basis": r.basis,
                        "owner": r.owner,
                        "owner_kind": r.owner_kind,
                        "point": r.point,
                        "point_name": r.point_name,
                        "started_at": f"{r.started_at:%Y-%m-%d %H:%M}",
                        "status": r.status,
                        "item": ln.item,
                        "item_name": ln.item_name,
                        "unit": ln.unit,
                        "unit_value": ln.unit_value,
                        "daily_rate": ln.daily_rate,
                        "requisitioned": ln.quantity,
                        "held": ln.held,
                        "returned_good": ln.returned_good,
                        "returned_damaged": ln.returned_damaged,
                        "lost": ln.lost,
                        "consumed": ln.consumed,
                        "compensation": owed,
                        "compensation_status": comp.status if comp is not None else None,
                        "paid_reference": comp.reference if comp is not None else None,
                    }
                )
        return Report(
            "requisitions",
            "Requisitions and compensation",
            "应急征用与补偿",
            _REPORT_COLUMNS,
            rows,
            params={"open_only": open_only},
            summary_by=("point", "point_name"),
        )


_REPORT_COLUMNS = (
    Col("requisition", "requisition", "征用单号"),
    Col("authority", "authority", "征用机关"),
    Col("basis", "basis", "法律依据"),
    Col("owner", "owner", "被征用人"),
    Col("owner_kind", "owner_kind", "被征用人类型"),
    Col("point", "point", "储备点编码"),
    Col("point_name", "point_name", "储备点名称"),
    Col("started_at", "started_at (UTC)", "征用时间(UTC)"),
    Col("status", "status", "状态"),
    *ITEM_COLS,
    Col("unit_value", "unit_value", "评估单价"),
    Col("daily_rate", "daily_rate", "日使用费"),
    Col("requisitioned", "requisitioned", "征用数量", True),
    Col("held", "held", "在库", True),
    Col("returned_good", "returned_good", "完好归还", True),
    Col("returned_damaged", "returned_damaged", "损坏归还", True),
    Col("lost", "lost", "灭失", True),
    Col("consumed", "consumed", "消耗", True),
    Col("compensation", "compensation", "补偿金额"),
    Col("compensation_status", "compensation_status", "补偿状态"),
    Col("paid_reference", "paid_reference", "支付凭证号"),
)


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


# -- helpers ---------------------------------------------------------------------------------------


def _owner_id(kind: str, value: str | None) -> dict[str, Any]:
    if value is None:
        return {}
    if kind == "company":
        return {"owner_credit_code": value.strip().upper()}
    norm = normalise_id(value)
    return {"owner_id_first4": norm[:4], "owner_id_last4": norm[-4:], "owner_id_length": len(norm)}


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


def _require_return(actor: Actor, point: StoragePoint) -> None:
    """Warehouse staff of the point, and admins and dispatchers of its jurisdiction, record returns there."""
    if actor.role in MANAGERS and in_scope(actor, point.jurisdiction_code):
        return
    if actor.role == Role.WAREHOUSE and point.id in actor.point_ids:
        return
    raise PermissionDenied(
        t(
            "{name} ({role}) may not record returns at {point}: its warehouse staff, admins and dispatchers of its jurisdiction may",
            name=actor.name,
            role=term(actor.role),
            point=point.code,
        ),
        "user",
    )


def _scoped(q: Any, actor: Actor) -> Any:
    return scoped_points(q, actor, col(Requisition.point_id), col(Requisition.jurisdiction_code))


def _find(s: Session, actor: Actor, id: Any, *, lock: bool = False) -> Requisition:
    """Requisition ``id`` (as if there were none when the actor may not read it)."""
    if not isinstance(id, int) or isinstance(id, bool) or not 1 <= id <= 2_147_483_647:
        raise NotFound(t("no requisition with id {id!r}", id=id), "id")
    q = _scoped(select(Requisition).where(Requisition.id == id), actor)
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    row: Requisition | None = s.exec(q).one_or_none()
    if row is None:
        raise NotFound(t("no requisition with id {id!r}", id=id), "id")
    return row


def _locked(s: Session, actor: Actor, id: int) -> Requisition:
    """The requisition, its row locked: one return or assessment at a time."""
    return _find(s, actor, id, lock=True)


def _compensation(s: Session, actor: Actor, id: Any) -> Compensation:
    req = _find(s, actor, id)
    require_jurisdiction(actor, req.jurisdiction_code, what=t("requisition #{id}", id=req.id), field="id")
    comp = s.exec(
        select(Compensation)
        .where(Compensation.requisition_id == req.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if comp is None:
        raise NotFound(t("requisition #{id} has no compensation assessed yet", id=req.id), "id")
    return comp


def _lines_by_item(s: Session, rid: int) -> dict[int, RequisitionLine]:
    return {ln.item_id: ln for ln in s.exec(select(RequisitionLine).where(RequisitionLine.requisition_id == rid))}


def _items(s: Session, ids: set[int]) -> dict[int | None, tuple[str, str, str]]:
    return {
        r[0]: (r[1], r[2], r[3])
        for r in s.exec(select(Item.id, Item.code, Item.name, Item.unit).where(col(Item.id).in_(ids)))
    }


def _results(s: Session, reqs: Sequence[Requisition]) -> list[RequisitionResult]:
    """Results of requisitions with their lines, what each lot holds and what came back (a few queries)."""
    if not reqs:
        return []
    ids = [persisted_id(r) for r in reqs]
    lines = list(
        s.exec(
            select(RequisitionLine)
            .where(col(RequisitionLine.requisition_id).in_(ids))
            .order_by(col(RequisitionLine.id))
        )
    )
    lots = dict(
        s.exec(select(StockLot.id, StockLot.on_hand).where(col(StockLot.id).in_({ln.lot_id for ln in lines}))).all()
    )
    back: dict[tuple[int, str], tuple[int, Decimal]] = {}
    for line_id, cond, qty, harm in s.exec(
        select(
            RequisitionReturn.line_id,
            RequisitionReturn.condition,
            func.sum(RequisitionReturn.qty),
            func.sum(RequisitionReturn.damage),
        )
        .where(col(RequisitionReturn.requisition_id).in_(ids))
        .group_by(col(RequisitionReturn.line_id), col(RequisitionReturn.condition))
    ).all():
        back[(line_id, cond)] = (int(qty), money(Decimal(harm or 0)))
    items = _items(s, {ln.item_id for ln in lines})
    points = {
        r[0]: (r[1], r[2])
        for r in s.exec(
            select(StoragePoint.id, StoragePoint.code, StoragePoint.name).where(
                col(StoragePoint.id).in_({r.point_id for r in reqs})
            )
        )
    }
    comps = {c.requisition_id: c for c in s.exec(select(Compensation).where(col(Compensation.requisition_id).in_(ids)))}
    out = []
    for r in reqs:
        mine = []
        for ln in lines:
            if ln.requisition_id != r.id:
                continue
            lid = persisted_id(ln)
            good = back.get((lid, "good"), (0, ZERO))[0]
            damaged, harm = back.get((lid, "damaged"), (0, ZERO))
            lost = back.get((lid, "lost"), (0, ZERO))[0]
            held = int(lots.get(ln.lot_id) or 0)
            mine.append(
                RequisitionLineResult(
                    items[ln.item_id][0],
                    items[ln.item_id][1],
                    items[ln.item_id][2],
                    ln.quantity,
                    money(ln.unit_value),
                    money(ln.daily_rate) if ln.daily_rate is not None else None,
                    held,
                    good,
                    damaged,
                    lost,
                    ln.quantity - good - damaged - lost - held,
                    harm,
                    batch_of(persisted_id(r)),
                )
            )
        comp = comps.get(persisted_id(r))
        shown = r.owner_credit_code or mask_id(r.owner_id_first4, r.owner_id_last4, r.owner_id_length)
        out.append(
            RequisitionResult(
                persisted_id(r),
                r.authority,
                r.basis,
                r.owner,
                r.owner_kind,
                shown,
                points[r.point_id][0],
                points[r.point_id][1],
                r.status,
                aware(r.started_at),
                aware(r.closed_at),
                tuple(mine),
                comp.status if comp is not None else None,
                money(comp.total) if comp is not None else None,
            )
        )
    return out


def _compensations(s: Session, comps: Sequence[Compensation]) -> list[CompensationResult]:
    if not comps:
        return []
    ids = [persisted_id(c) for c in comps]
    lines = list(
        s.exec(
            select(CompensationLine)
            .where(col(CompensationLine.compensation_id).in_(ids))
            .order_by(col(CompensationLine.id))
        )
    )
    items = _items(s, {ln.item_id for ln in lines})
    owners = dict(
        s.exec(
            select(Requisition.id, Requisition.owner).where(col(Requisition.id).in_({c.requisition_id for c in comps}))
        ).all()
    )
    user_ids = {u for c in comps for u in (c.assessed_by, c.approved_by, c.paid_by) if u is not None}
    names = dict(s.exec(select(User.id, User.name).where(col(User.id).in_(user_ids))).all())
    return [
        CompensationResult(
            c.requisition_id,
            owners[c.requisition_id],
            c.status,
            money(c.total),
            tuple(
                CompensationLineResult(
                    items[ln.item_id][0],
                    items[ln.item_id][1],
                    ln.kind,
                    ln.quantity,
                    ln.days,
                    money(ln.rate) if ln.rate is not None else None,
                    money(ln.amount),
                )
                for ln in lines
                if ln.compensation_id == c.id
            ),
            names.get(c.assessed_by) if c.assessed_by is not None else None,
            aware(c.assessed_at),
            names.get(c.approved_by) if c.approved_by is not None else None,
            aware(c.approved_at),
            names.get(c.paid_by) if c.paid_by is not None else None,
            aware(c.paid_at),
            c.reference,
        )
        for c in comps
    ]


__all__ = [
    "CompensationResult",
    "RequisitionDetail",
    "RequisitionResult",
    "Requisitions",
    "ReturnResult",
    "batch_of",
    "days_held",
    "printed_compensation",
    "reference",
]
