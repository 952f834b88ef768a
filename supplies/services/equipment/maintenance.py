"""Maintenance plans, the due list and service records of equipment: ``inv.maintenance``.

A unit's service is due ``every_days`` after its last service (or, never serviced here, after
the day it was received). A serviceable unit overdue by more than the plan's ``grace_days`` is
no longer counted ready: :func:`refresh_overdue` marks it ``needs_maintenance`` and moves it to
its point's repair lot through the ledger. It runs, for the day given (default: today where the
department is), at the start of the due list, of allocation and of a readiness check, so every
count those make sees the same units; it is deterministic (the same day and data mark the same
units) and idempotent (a second run finds nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel import Session, col, select

from ...config import local_today
from ...errors import InvalidInput, PermissionDenied
from ...i18n import t
from ...models import Agency, Item, StockLot, StoragePoint, SupplyClass
from ...models.base import persisted_id, utcnow
from ...models.equipment import EquipmentUnit, MaintenancePlan
from ...permissions import Actor, can_write_item, scoped
from ...terms import term
from ..base import Service, by_code, retried
from .lots import SERVICEABLE, change_status
from .queries import base_day, find_unit
from .results import DueRow, PlanRow, ServiceRecorded
from .units import _text, check_day, event, require_unit_change, tracked_item

RESULTS = ("ok", "defect")
DEFAULT_WITHIN_DAYS = 14


def refresh_overdue(s: Session, actor: Actor, today: date | None = None) -> list[str]:
    """Mark serviceable units overdue past their grace period ``needs_maintenance``; return their asset numbers.

    Units reserved for a dispatch request are left as they are (the request holds them); units
    out on dispatch have no lot to leave. Each unit moved posts a transfer out of ``UNITS`` and into
    ``UNITS-REPAIR`` at its point, in unit id order.
    """
    day = today or local_today()
    moved = []
    for unit, due in overdue(s, day):
        change_status(
            s,
            unit,
            "needs_maintenance",
            actor_id=actor.id,
            reason=t("unit {serial}: service overdue since {due}", serial=unit.serial, due=due),
        )
        event(s, unit, "overdue", on=day, actor_id=actor.id, next_due=due)
        moved.append(unit.asset_no)
    if moved:
        s.flush()
    return moved


def overdue(s: Session, day: date) -> list[tuple[EquipmentUnit, date]]:
    """Serviceable units at a point, not reserved, whose service fell due more than their plan's grace before ``day``."""
    rows = s.exec(
        select(EquipmentUnit, MaintenancePlan)
        .join(MaintenancePlan, col(MaintenancePlan.item_id) == EquipmentUnit.item_id)
        .where(
            EquipmentUnit.status == SERVICEABLE,
            col(EquipmentUnit.lot_id).is_not(None),
            col(EquipmentUnit.allocation_id).is_(None),
        )
        .order_by(col(EquipmentUnit.id))
    ).all()
    out = []
    for unit, plan in rows:
        due = base_day(unit) + timedelta(days=plan.every_days)
        if (day - due).days > plan.grace_days:
            out.append((unit, due))
    return out


def has_plans(s: Session) -> bool:
    return s.exec(select(MaintenancePlan.id).limit(1)).first() is not None


class Maintenance(Service):
    """Maintenance plans, due services and service records: ``inv.maintenance``."""

    @retried
    def plan(self, item: str, *, every_days: int, tasks: Sequence[str] | str, grace_days: int = 0) -> PlanRow:
        """Set (or replace) the maintenance plan of a tracked item: its checklist, every how many days, the grace."""
        lines = [tasks] if isinstance(tasks, str) else list(tasks)
        checklist = [ln.strip() for text in lines for ln in str(text).splitlines() if ln.strip()]
        if not checklist:
            raise InvalidInput(t("give at least one task"), "tasks")
        if len("\n".join(checklist)) > 2000 or any(_text(ln, "tasks", 500) is None for ln in checklist):
            raise InvalidInput(t("the checklist holds at most 2000 characters"), "tasks")
        if not isinstance(every_days, int) or not 1 <= every_days <= 3660:
            raise InvalidInput(t("must be a whole number of days from 1 to 3660"), "every_days")
        if not isinstance(grace_days, int) or not 0 <= grace_days <= 365:
            raise InvalidInput(t("must be a whole number of days from 0 to 365"), "grace_days")
        with self._work() as (s, actor):
            it = tracked_item(s, item)
            cls = s.get_one(SupplyClass, it.class_id)
            if not can_write_item(actor, cls.agency_id):
                raise PermissionDenied(
                    t(
                        "{name} ({role}) may not change items of class {code}",
                        name=actor.name,
                        role=term(actor.role),
                        code=cls.code,
                    ),
                    "user",
                )
            plan = s.exec(select(MaintenancePlan).where(MaintenancePlan.item_id == it.id)).first()
            if plan is None:
                plan = MaintenancePlan(item_id=persisted_id(it), every_days=every_days, tasks="")
            plan.every_days, plan.grace_days, plan.tasks = every_days, grace_days, "\n".join(checklist)
            plan.updated_by, plan.updated_at = actor.id, utcnow()
            s.add(plan)
            s.flush()
            return PlanRow(it.code, every_days, grace_days, checklist)

    def plans(self) -> list[PlanRow]:
        with self._work(write=False) as (s, _):
            rows = s.exec(
                select(MaintenancePlan, Item.code)
                .join(Item, col(Item.id) == MaintenancePlan.item_id)
                .order_by(Item.code)
            ).all()
            return [PlanRow(code, p.every_days, p.grace_days, p.tasks.splitlines()) for p, code in rows]

    @retried
    def refresh_overdue(self, *, today: date | None = None) -> list[str]:
        """Apply the grace-period rule now (see the module): the asset numbers of the units it marked."""
        # Looked for in a read first: a readiness check or a due list takes no write lock unless a
        # unit has to move (most calls find none).
        with self._work(write=False) as (s, _actor):
            if not overdue(s, today or local_today()):
                return []
        with self._work() as (s, actor):
            return refresh_overdue(s, actor, today)

    def due(
        self, *, point: str | None = None, within_days: int = DEFAULT_WITHIN_DAYS, today: date | None = None
    ) -> list[DueRow]:
        """Units at the user's points whose service is overdue or due within ``within_days``, by point, agency, due day.

        Runs :meth:`refresh_overdue` first, so what is listed as needing maintenance is current.
        """
        if not isinstance(within_days, int) or not 0 <= within_days <= 3660:
            raise InvalidInput(t("must be a whole number of days from 0 to 3660"), "within_days")
        day = today or local_today()
        self.refresh_overdue(today=day)
        with self._work(write=False) as (s, actor):
            q = (
                select(EquipmentUnit, MaintenancePlan, StockLot)
                .join(MaintenancePlan, col(MaintenancePlan.item_id) == EquipmentUnit.item_id)
                .join(StockLot, col(StockLot.id) == EquipmentUnit.lot_id)
                .where(EquipmentUnit.status != "out_of_service")
            )
            if point is not None:
                q = q.where(StockLot.point_id == persisted_id(by_code(s, StoragePoint, point, "point")))
            q = scoped(q, actor, StockLot.point_id, StockLot.agency_id)
            found = s.exec(q).all()
            items = dict(
                s.exec(select(Item.id, Item.code).where(col(Item.id).in_({u.item_id for u, _, _ in found}))).all()
            )
            points = dict(
                s.exec(
                    select(StoragePoint.id, StoragePoint.code).where(
                        col(StoragePoint.id).in_({lot.point_id for *_, lot in found})
                    )
                ).all()
            )
            agencies = dict(
                s.exec(
                    select(Agency.id, Agency.code).where(col(Agency.id).in_({lot.agency_id for *_, lot in found}))
                ).all()
            )
            out = []
            for unit, plan, lot in found:
                item, pcode, acode = items[unit.item_id], points[lot.point_id], agencies[lot.agency_id]
                due_on = base_day(unit) + timedelta(days=plan.every_days)
                left = (due_on - day).days
                if left > within_days:
                    continue
                out.append(
                    DueRow(
                        pcode,
                        acode,
                        item,
                        unit.serial,
                        unit.asset_no,
                        unit.status,
                        unit.last_serviced_on,
                        due_on,
                        left,
                        left < 0,
                        plan.tasks.splitlines(),
                    )
                )
            out.sort(key=lambda r: (r.point, r.agency, r.due_on, r.item, r.serial))
            return out

    @retried
    def record(
        self,
        serial: str,
        *,
        result: str,
        note: str | None = None,
        on: date | None = None,
        item: str | None = None,
    ) -> ServiceRecorded:
        """Record a service of a unit (who: the acting user; when: ``on``, default today).

        ``ok``: its next service is due ``every_days`` from ``on``, and a unit that needed
        maintenance or was under repair is serviceable again (back into the ``UNITS`` lot, counted
        ready). ``defect``: a serviceable unit now needs maintenance; the note says what was found.
        A unit out of service stays so (change it with ``set_status``).
        """
        if result not in RESULTS:
            raise InvalidInput(t("must be one of {choices}", choices=", ".join(RESULTS)), "result")
        note = _text(note, "note", 500)
        if result == "defect" and not note:
            raise InvalidInput(t("say what defect was found"), "note")
        day = check_day(on, "on") or local_today()
        with self._work() as (s, actor):
            unit = find_unit(s, actor, serial, item)
            require_unit_change(s, actor, unit, "service")
            before = unit.status
            if result == "ok":
                if unit.last_serviced_on is None or day >= unit.last_serviced_on:
                    unit.last_serviced_on = day
                if before in ("needs_maintenance", "under_repair"):
                    change_status(
                        s, unit, SERVICEABLE, actor_id=actor.id, reason=t("unit {serial}: serviced", serial=unit.serial)
                    )
            elif before == SERVICEABLE:
                change_status(
                    s,
                    unit,
                    "needs_maintenance",
                    actor_id=actor.id,
                    reason=t("unit {serial}: defect found", serial=unit.serial),
                )
            unit.updated_at = utcnow()
            s.add(unit)
            plan = s.exec(select(MaintenancePlan).where(MaintenancePlan.item_id == unit.item_id)).first()
            nxt = base_day(unit) + timedelta(days=plan.every_days) if plan is not None else None
            event(s, unit, "service", on=day, actor_id=actor.id, result=result, next_due=nxt, note=note)
            s.flush()
            code = s.get_one(Item, unit.item_id).code
            return ServiceRecorded(unit.serial, unit.asset_no, code, day, result, before, unit.status, nxt, note)
