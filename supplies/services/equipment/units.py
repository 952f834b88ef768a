"""Units of equipment: receive them by serial number, list and show them, change their condition, take them back.

``inv.units``. Receiving posts one receipt movement on the point's ``UNITS`` lot for all the
units (see :mod:`.lots`); a unit back from a dispatch posts a return movement into the lot its
condition belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from ...config import local_today
from ...errors import InvalidInput, OneAgencyRuleViolation, RuleViolation
from ...i18n import t
from ...limits import bad_character
from ...models import Agency, DispatchRequest, Item, MovementKind, PointStatus, StockLot, StoragePoint, SupplyClass
from ...models.base import persisted_id, utcnow
from ...models.equipment import UNIT_STATUSES, EquipmentUnit, MaintenancePlan, UnitEvent
from ...models.users import User
from ...permissions import Actor, require_stock_change, scoped, scoped_to_jurisdiction
from ..base import Service, by_code, retried
from ..places.regions import responsible_agency_id
from ..reports.output import ITEM_COLS, Col, Report
from ..stock.ledger import post
from .lots import SERVICEABLE, change_status, unit_lot
from .queries import find_unit, may_read, next_due, unit_rows
from .results import ClassReadiness, EquipmentReadiness, ReceivedUnits, UnitDetail, UnitEventRow, UnitRow

MAX_UNITS_PER_RECEIPT = 10_000

_REPORT_COLUMNS = (
    Col("point", "point", "储备点编码"),
    Col("point_name", "point_name", "储备点名称"),
    Col("agency", "agency", "责任单位"),
    *ITEM_COLS,
    Col("serial", "serial", "序列号"),
    Col("asset_no", "asset_no", "资产编号"),
    Col("make", "make", "生产厂家"),
    Col("model", "model", "型号"),
    Col("year", "year", "出厂年份"),
    Col("unit_status", "status", "状态"),
    Col("out_on_request", "out_on_request", "调拨在外(申请号)"),
    Col("last_serviced_on", "last_serviced_on", "上次保养"),
    Col("next_due", "next_due", "下次保养"),
    Col("hours_used", "hours_used", "累计使用小时"),
    Col("units", "units", "台数", total=True),
    Col("serviceable", "serviceable", "完好台数", total=True),
)


def check_status(status: str, field: str = "status") -> str:
    if status not in UNIT_STATUSES:
        raise InvalidInput(t("must be one of {choices}", choices=", ".join(UNIT_STATUSES)), field)
    return status


def check_day(day: date | None, field: str) -> date | None:
    if day is not None and day > local_today():
        raise InvalidInput(t("{day} is in the future", day=day), field)
    return day


def _text(value: str | None, field: str, size: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if bad_character(value) or len(value) > size:
        raise InvalidInput(t("at most {size} characters, no control characters", size=size), field)
    return value or None


def clean_serials(serials: Sequence[str]) -> list[str]:
    """The serial numbers given, trimmed, blank lines dropped; duplicates and bad text refused."""
    if isinstance(serials, str):
        serials = [serials]
    out: list[str] = []
    seen: set[str] = set()
    for raw in serials:
        if not isinstance(raw, str):
            raise InvalidInput(t("serial numbers are text"), "serials")
        s = raw.strip()
        if not s:
            continue
        if len(s) > 60 or bad_character(s):
            raise InvalidInput(
                t("serial {serial!r} is longer than 60 characters or holds control characters", serial=s[:60]),
                "serials",
            )
        if s in seen:
            raise InvalidInput(t("serial {serial!r} is given twice", serial=s), "serials")
        seen.add(s)
        out.append(s)
    if not out:
        raise InvalidInput(t("give at least one serial number"), "serials")
    if len(out) > MAX_UNITS_PER_RECEIPT:
        raise InvalidInput(t("at most {max} units in one receipt", max=MAX_UNITS_PER_RECEIPT), "serials")
    return out


def tracked_item(s: Session, code: str) -> Item:
    item = by_code(s, Item, code, "item")
    if not item.tracked:
        raise RuleViolation(
            t("item {item} is not tracked by unit (supplies item update {item} --tracked)", item=item.code), "item"
        )
    return item


def event(
    s: Session,
    unit: EquipmentUnit,
    kind: str,
    *,
    on: date,
    actor_id: int | None,
    result: str | None = None,
    next_due: date | None = None,
    hours: float | None = None,
    note: str | None = None,
    reference: str | None = None,
) -> None:
    s.add(
        UnitEvent(
            unit_id=persisted_id(unit),
            kind=kind,
            day=on,
            result=result,
            status_after=unit.status,
            next_due=next_due,
            hours=hours,
            note=note,
            reference=reference,
            actor_id=actor_id,
        )
    )


class Units(Service):
    """Equipment tracked by unit: ``inv.units``."""

    @retried
    def receive(
        self,
        point: str,
        item: str,
        serials: Sequence[str],
        *,
        make: str | None = None,
        model: str | None = None,
        year: int | None = None,
        last_serviced: date | None = None,
        asset_numbers: Sequence[str] | None = None,
        reference: str | None = None,
    ) -> ReceivedUnits:
        """Receive units of a tracked item at ``point``, one per serial number (入库).

        Each unit gets an asset number (``asset_numbers`` in the same order, else ``ZB`` and its
        id). The units belong to the responsible agency of the item's class in the point's
        jurisdiction (the one-agency rule, as for lots); all are serviceable, counted in the
        point's ``UNITS`` lot with one receipt movement.
        """
        wanted = clean_serials(serials)
        assets = [a.strip() for a in asset_numbers] if asset_numbers is not None else None
        if assets is not None and (
            len(assets) != len(wanted) or any(not a or len(a) > 40 or bad_character(a) for a in assets)
        ):
            raise InvalidInput(t("give one asset number (at most 40 characters) per serial number"), "asset_numbers")
        make, model = _text(make, "make", 100), _text(model, "model", 100)
        if year is not None and not (1900 <= year <= local_today().year + 1):
            raise InvalidInput(t("{year} is not a plausible year of manufacture", year=year), "year")
        check_day(last_serviced, "last_serviced")
        with self._work() as (s, actor):
            p = by_code(s, StoragePoint, point, "point")
            it = tracked_item(s, item)
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            cls = s.get_one(SupplyClass, it.class_id)
            try:
                owner_id = responsible_agency_id(s, cls, p.jurisdiction_code)
            except OneAgencyRuleViolation:
                raise
            require_stock_change(
                actor, point_id=persisted_id(p), agency_id=owner_id, action="receive", jurisdiction=p.jurisdiction_code
            )
            held = set(
                s.exec(
                    select(EquipmentUnit.serial).where(
                        EquipmentUnit.item_id == persisted_id(it), col(EquipmentUnit.serial).in_(wanted)
                    )
                ).all()
            )
            if held:
                raise InvalidInput(
                    t(
                        "{count} serial numbers of {item} are recorded already: {serials}",
                        count=len(held),
                        item=it.code,
                        serials=", ".join(sorted(held)[:10]),
                    ),
                    "serials",
                )
            lot = unit_lot(s, p, it, SERVICEABLE)
            today = local_today()
            units = []
            for i, serial in enumerate(wanted):
                unit = EquipmentUnit(
                    item_id=persisted_id(it),
                    serial=serial,
                    asset_no=assets[i] if assets is not None else f"tmp-{i}-{utcnow().timestamp()}",
                    make=make,
                    model=model,
                    year=year,
                    status=SERVICEABLE,
                    point_id=persisted_id(p),
                    lot_id=persisted_id(lot),
                    received_on=today,
                    last_serviced_on=last_serviced,
                )
                s.add(unit)
                units.append(unit)
            s.flush()
            if assets is None:
                for unit in units:
                    unit.asset_no = f"ZB{persisted_id(unit):06d}"
                    s.add(unit)
            m = post(
                s,
                lot,
                MovementKind.RECEIVE,
                qty=len(units),
                actor_id=actor.id,
                reference=reference,
                reason=t("{count} units: {serials}", count=len(units), serials=", ".join(wanted))[:500],
            )
            s.flush()
            for unit in units:
                event(s, unit, "received", on=today, actor_id=actor.id, reference=reference)
            s.flush()
            return ReceivedUnits(p.code, it.code, unit_rows(s, units), persisted_id(m))

    def list(self, *, point: str | None = None, item: str | None = None, status: str | None = None) -> list[UnitRow]:
        """Units the acting user reads: at their points (and out on dispatch for those who read requests)."""
        if status is not None:
            check_status(status)
        with self._work(write=False) as (s, actor):
            at = select(EquipmentUnit).join(StockLot, col(StockLot.id) == EquipmentUnit.lot_id)
            at = scoped(at, actor, StockLot.point_id, StockLot.agency_id)
            out = select(EquipmentUnit).join(DispatchRequest, col(DispatchRequest.id) == EquipmentUnit.request_id)
            out = scoped_to_jurisdiction(out, actor, DispatchRequest.jurisdiction_code)
            queries = [at] if point is not None or actor.role in ("warehouse", "agency_officer") else [at, out]
            units: list[EquipmentUnit] = []
            for q in queries:
                if point is not None:
                    q = q.where(EquipmentUnit.point_id == persisted_id(by_code(s, StoragePoint, point, "point")))
                if item is not None:
                    q = q.where(EquipmentUnit.item_id == persisted_id(by_code(s, Item, item, "item")))
                if status is not None:
                    q = q.where(EquipmentUnit.status == status)
                units += s.exec(q).all()
            units.sort(key=lambda u: (u.item_id, u.serial))
            return unit_rows(s, units)

    def show(self, serial: str, *, item: str | None = None) -> UnitDetail:
        """A unit by serial number (of ``item`` when two items share it) or asset number, with its history."""
        with self._work(write=False) as (s, actor):
            unit = find_unit(s, actor, serial, item)
            plan = s.exec(select(MaintenancePlan).where(MaintenancePlan.item_id == unit.item_id)).first()
            events = s.exec(
                select(UnitEvent, User.name)
                .join(User, col(User.id) == UnitEvent.actor_id, isouter=True)
                .where(UnitEvent.unit_id == unit.id)
                .order_by(col(UnitEvent.id).desc())
            ).all()
            history = [
                UnitEventRow(
                    e.kind, e.day, e.result, e.status_after, e.next_due, e.hours, e.note, e.reference, who, e.at
                )
                for e, who in events
            ]
            return UnitDetail(
                unit_rows(s, [unit])[0],
                plan.tasks.splitlines() if plan else [],
                plan.every_days if plan else None,
                plan.grace_days if plan else None,
                history,
            )

    def readiness(self, *, today: date | None = None) -> EquipmentReadiness:
        """Serviceable / total units at the user's points by supply class, and the units overdue for service.

        Counts what is stored: a unit overdue past its grace is counted serviceable until the rule is
        applied (the due list, an allocation, a readiness check or ``inv.maintenance.refresh_overdue``).
        """
        day = today or local_today()
        with self._work(write=False) as (s, actor):
            q = select(EquipmentUnit, StockLot.class_id).join(StockLot, col(StockLot.id) == EquipmentUnit.lot_id)
            rows = s.exec(scoped(q, actor, StockLot.point_id, StockLot.agency_id)).all()
            plans = {p.item_id: p for p in s.exec(select(MaintenancePlan)).all()}
            counts: dict[int, list[int]] = {}
            overdue = 0
            for unit, class_id in rows:
                c = counts.setdefault(class_id, [0, 0])
                c[0] += unit.status == SERVICEABLE
                c[1] += 1
                due = next_due(unit, plans.get(unit.item_id))
                overdue += due is not None and due < day and unit.status != "out_of_service"
            classes = {
                persisted_id(c): c for c in s.exec(select(SupplyClass).where(col(SupplyClass.id).in_(counts))).all()
            }
            out = [ClassReadiness(classes[k].code, classes[k].name, v[0], v[1]) for k, v in counts.items()]
            return EquipmentReadiness(sorted(out, key=lambda r: r.code), overdue)

    def report(self, *, point: str | None = None, item: str | None = None) -> Report:
        """The equipment 台账 (装备台账) as counties report it upward: one row per unit, a sheet per point.

        ``units`` and ``serviceable`` (1 or 0 a row) total to the readiness of every sheet.
        """
        rows = self.list(point=point, item=item)
        with self._work(write=False) as (s, _):
            codes = {r.point for r in rows if r.point}
            names = dict(
                s.exec(select(StoragePoint.code, StoragePoint.name).where(col(StoragePoint.code).in_(codes))).all()
            )
            units = dict(s.exec(select(Item.code, Item.unit).where(col(Item.code).in_({r.item for r in rows}))).all())
        out = [
            {
                "point": r.point or "",
                "point_name": names.get(r.point or "", ""),
                "agency": r.agency,
                "item": r.item,
                "item_name": r.item_name,
                "unit": units.get(r.item),
                "serial": r.serial,
                "asset_no": r.asset_no,
                "make": r.make,
                "model": r.model,
                "year": r.year,
                "unit_status": r.status,
                "out_on_request": r.request_id,
                "last_serviced_on": r.last_serviced_on,
                "next_due": r.next_due,
                "hours_used": r.hours_used,
                "units": 1,
                "serviceable": int(r.status == SERVICEABLE),
            }
            for r in rows
        ]
        return Report(
            "equipment",
            "Equipment register",
            "装备台账",
            _REPORT_COLUMNS,
            out,
            params={"point": point, "item": item},
            summary_by=("point", "point_name"),
        )

    @retried
    def set_status(self, serial: str, status: str, *, item: str | None = None, note: str | None = None) -> UnitRow:
        """Change a unit's condition by hand (e.g. out of service); the lots follow through the ledger."""
        check_status(status)
        note = _text(note, "note", 500)
        with self._work() as (s, actor):
            unit = find_unit(s, actor, serial, item)
            require_unit_change(s, actor, unit, "service")
            change_status(s, unit, status, actor_id=actor.id, reason=note)
            event(s, unit, "status", on=local_today(), actor_id=actor.id, note=note)
            s.flush()
            return unit_rows(s, [unit])[0]

    @retried
    def give_back(
        self,
        serial: str,
        *,
        point: str,
        hours: float = 0.0,
        condition: str = SERVICEABLE,
        item: str | None = None,
        note: str | None = None,
    ) -> UnitRow:
        """A unit out on a dispatch comes back to ``point`` after use: hours used and its condition recorded.

        One ``return`` movement puts it into the point's lot for its condition, referenced to its request.
        """
        check_status(condition, "condition")
        note = _text(note, "note", 500)
        if not isinstance(hours, (int, float)) or hours < 0 or hours > 100_000:
            raise InvalidInput(t("hours used must be between 0 and 100000"), "hours")
        with self._work() as (s, actor):
            unit = find_unit(s, actor, serial, item)
            if unit.request_id is None:
                raise RuleViolation(
                    t("unit {serial} is not out on a dispatch: it is at its storage point", serial=unit.serial),
                    "serial",
                )
            req = s.get_one(DispatchRequest, unit.request_id)
            if req.dest_point_id is not None and req.status == "dispatched":
                # Its arrival books the units into the destination point: they are not back before that.
                raise RuleViolation(
                    t(
                        "unit {serial} is on its way to a storage point with request #{request}: it is booked in there "
                        "when the request's arrival is recorded (supplies request receive {request})",
                        serial=unit.serial,
                        request=req.id,
                    ),
                    "serial",
                )
            p = by_code(s, StoragePoint, point, "point")
            it = s.get_one(Item, unit.item_id)
            cls = s.get_one(SupplyClass, it.class_id)
            owner_id = responsible_agency_id(s, cls, p.jurisdiction_code)
            require_stock_change(
                actor, point_id=persisted_id(p), agency_id=owner_id, action="return", jurisdiction=p.jurisdiction_code
            )
            request_id = unit.request_id
            lot = unit_lot(s, p, it, condition)
            ref = f"request:{request_id}"
            post(
                s,
                lot,
                MovementKind.RETURN,
                qty=1,
                actor_id=actor.id,
                reference=ref,
                reason=t("unit {serial} back after use, {hours} hours", serial=unit.serial, hours=hours)[:500],
            )
            unit.point_id, unit.lot_id, unit.request_id, unit.allocation_id = (
                persisted_id(p),
                persisted_id(lot),
                None,
                None,
            )
            unit.status = condition
            unit.hours_used += float(hours)
            unit.updated_at = utcnow()
            s.add(unit)
            s.flush()
            event(
                s, unit, "returned", on=local_today(), actor_id=actor.id, hours=float(hours), note=note, reference=ref
            )
            s.flush()
            return unit_rows(s, [unit])[0]


def require_unit_change(s: Session, actor: Actor, unit: EquipmentUnit, action: str) -> None:
    """Who may change a unit: who may change stock at its point and of its agency (out on dispatch: an admin)."""
    if unit.lot_id is not None and unit.point_id is not None:
        lot = s.get_one(StockLot, unit.lot_id)
        p = s.get_one(StoragePoint, unit.point_id)
        require_stock_change(
            actor, point_id=persisted_id(p), agency_id=lot.agency_id, action=action, jurisdiction=p.jurisdiction_code
        )
        return
    if not may_read(s, actor, unit) or actor.role != "admin":
        require_stock_change(actor, point_id=-1, agency_id=-1, action=action, jurisdiction=None)


__all__ = ["Agency", "Units", "next_due"]
