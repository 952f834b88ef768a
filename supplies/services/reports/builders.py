"Reports for reporting upward: the ledger (台账) by period, stock summaries, expiry and rotation, gaps against targets.\n\nEvery report is a few grouped queries over the kept balances and the ledger (never a query per\nrow) and returns a :class:`~supplies.services.reports.builders.output.Report` that saves as CSV, XLSX (a\nsummary sheet and a sheet per storage point, Chinese headers available) or JSON.\n"

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ... import schemas
from ...config import DEFAULT_TIMEZONE, local_day_start, local_today
from ...db import select_columns
from ...errors import InvalidInput
from ...i18n import t
from ...models import (
    Agency,
    Item,
    Movement,
    MovementKind,
    PointStatus,
    ReserveMode,
    ReserveTarget,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id
from ...models.enums import UNAVAILABLE_MODES
from ...permissions import Actor, Q, scoped
from ..base import Service, by_code
from ..catalog.service import descendant_ids
from .output import ITEM_COLS, Col, Report
from .schemas import ReportIn

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped

ENV_TIMEZONE = "SUPPLIES_TIMEZONE"

_DIMS: dict[str, tuple[Col, ...]] = {
    "region": (Col("region_code", "region_code", "行政区划代码"),),
    "level": (Col("level", "level", "级别"),),
    "point": (Col("point", "point", "储备点编码"), Col("point_name", "point_name", "储备点名称")),
    "class": (Col("supply_class", "supply_class", "物资分类"), Col("class_name", "class_name", "分类名称")),
    "agency": (Col("agency", "agency", "责任单位"),),
    "item": (*ITEM_COLS,),
}
# Ledger columns and the movement kinds whose on-hand change each one shows (sign as shown).
_FLOWS: tuple[tuple[Col, tuple[str, ...], int], ...] = (
    (Col("received", "received", "入库", True), (MovementKind.RECEIVE,), 1),
    (Col("issued", "issued", "出库", True), (MovementKind.ISSUE,), -1),
    (Col("dispatched", "dispatched", "调拨出库", True), (MovementKind.DISPATCH,), -1),
    (Col("arrived", "arrived", "调拨入库", True), (MovementKind.ARRIVAL,), 1),
    (Col("distributed", "distributed", "发放", True), (MovementKind.DISTRIBUTION,), -1),
    (Col("returned", "returned", "回收入库", True), (MovementKind.RETURN,), 1),
    (Col("transferred_in", "transferred_in", "调入", True), (MovementKind.TRANSFER_IN,), 1),
    (Col("transferred_out", "transferred_out", "调出", True), (MovementKind.TRANSFER_OUT,), -1),
    (Col("rotated_in", "rotated_in", "轮换入库", True), (MovementKind.ROTATE_IN,), 1),
    (Col("rotated_out", "rotated_out", "轮换出库", True), (MovementKind.ROTATE_OUT,), -1),
    (Col("written_off", "written_off", "报废", True), (MovementKind.WRITE_OFF,), -1),
    (Col("adjusted", "adjusted", "盘点调整", True), (MovementKind.ADJUST,), 1),
    # Signed: a contract's signing books its quantity in, a renewal moves what is left to the new version.
    (Col("contracted", "contracted", "协议签订", True), (MovementKind.CONTRACT,), 1),
    (Col("requisitioned", "requisitioned", "征用入库", True), (MovementKind.REQUISITION_IN,), 1),
    (Col("returned_to_owner", "returned_to_owner", "征用归还", True), (MovementKind.REQUISITION_RETURN,), -1),
)
_KIND_COLUMN = {str(k): (column.key, sign) for column, kinds, sign in _FLOWS for k in kinds}
# A lot's point, item and agency, for _Filter.apply.
_LOT_COLUMNS = col(StockLot.point_id), col(StockLot.item_id), col(StockLot.agency_id)


@dataclass
class _Filter:
    """The filters of a report turned into conditions on point, item and agency columns."""

    s: Session
    actor: Actor
    data: dict[str, Any]

    def apply(self, q: Q, point_col: Mapped[int], item_col: Mapped[int], agency_col: Mapped[int]) -> Q:
        d, s = self.data, self.s
        if d.get("point"):
            q = q.where(point_col == by_code(s, StoragePoint, d["point"], "point").id)
        if d.get("region_code") or d.get("level"):
            pts = select(StoragePoint.id)
            if d.get("region_code"):
                pts = pts.where(col(StoragePoint.region_code).startswith(d["region_code"]))
            if d.get("level"):
                pts = pts.where(StoragePoint.level == d["level"])
            q = q.where(point_col.in_(pts))
        if d.get("item"):
            q = q.where(item_col == by_code(s, Item, d["item"], "item").id)
        if d.get("supply_class"):
            cls = by_code(s, SupplyClass, d["supply_class"], "supply_class")
            in_class = select(Item.id).where(col(Item.class_id).in_(descendant_ids(s, persisted_id(cls))))
            q = q.where(item_col.in_(in_class))
        if d.get("agency"):
            owner = by_code(s, Agency, d["agency"], "agency").id
            q = q.where(
                item_col.in_(
                    select(Item.id)
                    .join(SupplyClass, col(SupplyClass.id) == Item.class_id)
                    .where(SupplyClass.agency_id == owner)
                )
            )
        return scoped(q, self.actor, point_col, agency_col)


class _Names:
    """Codes and names of points, items, classes and agencies, read once per report."""

    def __init__(self, s: Session) -> None:
        self.points = {
            r[0]: r[1:]
            for r in s.exec(
                select_columns(
                    StoragePoint.id, StoragePoint.code, StoragePoint.name, StoragePoint.level, StoragePoint.region_code
                )
            ).all()
        }
        agencies = dict(s.exec(select(Agency.id, Agency.code)).all())
        classes = {
            r[0]: (r[1], r[2], agencies.get(r[3]))
            for r in s.exec(select(SupplyClass.id, SupplyClass.code, SupplyClass.name, SupplyClass.agency_id)).all()
        }
        self.items = {
            r[0]: (r[1], r[2], r[3], *classes[r[4]])
            for r in s.exec(select_columns(Item.id, Item.code, Item.name, Item.unit, Item.class_id)).all()
        }

    def row(self, point_id: int | None, item_id: int) -> dict[str, Any]:
        it = self.items[item_id]
        out = {
            "item": it[0],
            "item_name": it[1],
            "unit": it[2],
            "supply_class": it[3],
            "class_name": it[4],
            "agency": it[5],
        }
        if point_id is not None:
            p = self.points[point_id]
            out |= {"point": p[0], "point_name": p[1], "level": p[2], "region_code": p[3]}
        return out


class Reports(Service):
    """Ledger, stock, expiry and gap reports: ``inv.reports``."""

    def ledger(
        self,
        *,
        since: date | str | None = None,
        until: date | str | None = None,
        by: tuple[str, ...] | list[str] = ("point", "item"),
        tz: str | None = None,
        **filters: Any,
    ) -> Report:
        """The ledger (台账) over a period: opening balance, each kind of movement, closing balance.

        ``since`` and ``until`` are days, both included, in time zone ``tz`` (else
        ``SUPPLIES_TIMEZONE``, else Asia/Shanghai); either may be left open. Rows are grouped ``by`` any of
        region, level, point, class, agency, item. Filters: point, item, supply_class, agency,
        region_code (prefix), level. Closing equals opening plus the movements, exactly.
        """
        unknown = [b for b in by if b not in _DIMS]
        if unknown or not by:
            raise InvalidInput(t("group by one or more of {value}", value=", ".join(_DIMS)), "by")
        data = schemas.load(ReportIn, dict(since=since, until=until, tz=tz, **filters))
        zone = report_zone(data.get("tz"))
        start = day_start(data.get("since"), zone)
        end = day_start(data["until"] + timedelta(days=1), zone) if data.get("until") else None
        if start and end and end <= start:
            raise InvalidInput(t("must be on or after since"), "until")
        with self._work(write=False, lag_ok=True) as (s, actor):
            f, names = _Filter(s, actor, data), _Names(s)
            period = self._moves(s, f, start, end, by_kind=True)
            after = self._moves(s, f, end, None, by_kind=False) if end else {}
            q = select(StockLot.point_id, StockLot.item_id, func.sum(StockLot.on_hand)).group_by(
                col(StockLot.point_id), col(StockLot.item_id)
            )
            balance = {(p, i): int(n) for p, i, n in s.exec(f.apply(q, *_LOT_COLUMNS)).all()}
        dims = list(by)
        if "point" in dims:  # a point's row also says where it is, for the summary and upward reporting
            dims = [d for d in ("region", "level") if d not in dims] + dims
        dim_cols = [c for b in dims for c in _DIMS[b]]
        rows = _ledger_rows(names, dim_cols, period, after, balance)
        cols = (
            *dim_cols,
            Col("opening", "opening", "期初库存", True),
            *(c for c, _, _ in _FLOWS),
            Col("closing", "closing", "期末库存", True),
        )
        params = _params(data) | {"by": list(by), "tz": str(zone)}
        return Report("ledger", "ledger", "物资台账", tuple(cols), rows, params, **_layout(by))

    @staticmethod
    def _moves(
        s: Session, f: _Filter, start: datetime | None, end: datetime | None, *, by_kind: bool
    ) -> dict[tuple[int, int], dict[str, int]]:
        keys: list[Mapped[int] | Mapped[str]] = [col(Movement.point_id), col(Movement.item_id)]
        if by_kind:
            keys.append(col(Movement.kind))
        q = select_columns(*keys, func.sum(Movement.qty)).where(col(Movement.qty) != 0).group_by(*keys)
        if start is not None:
            q = q.where(col(Movement.at) >= start)
        if end is not None:
            q = q.where(col(Movement.at) < end)
        out: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
        moved_columns = col(Movement.point_id), col(Movement.item_id), col(Movement.agency_id)
        for row in s.connection().execute(f.apply(q, *moved_columns)):
            out[(row[0], row[1])][row[2] if by_kind else "all"] = int(row[-1])
        return out

    def incident(self, incident: int | None = None) -> Report:
        """The report of an incident (default: the only open one): what arrived where, what was
        handed out to how many households and people, what is left on site, what is out on loan
        and what came back; counts only, no personal data. See :mod:`.incident`."""
        from ..relief.households import resolve_incident
        from .incident import incident_report

        if incident is not None:
            incident = schemas.bounded(schemas.Id(), incident, "incident")
        with self._work(write=False, lag_ok=True) as (s, actor):
            return incident_report(s, actor, resolve_incident(s, actor, incident), _Names(s))

    def stock(self, **filters: Any) -> Report:
        """Stock by storage point and item: lots, on hand, reserved, free, the nearest expiry, and how
        much has expired already."""
        data = schemas.load(ReportIn, filters)
        today = local_today()
        with self._work(write=False, lag_ok=True) as (s, actor):
            f, names = _Filter(s, actor, data), _Names(s)
            q = (
                select_columns(
                    StockLot.point_id,
                    StockLot.item_id,
                    func.count(),
                    func.sum(StockLot.on_hand),
                    func.sum(StockLot.reserved),
                    func.min(StockLot.expires_on),
                    func.sum(case((col(StockLot.expires_on) < today, StockLot.on_hand), else_=0)),
                )
                .where(col(StockLot.on_hand) > 0)
                .group_by(col(StockLot.point_id), col(StockLot.item_id))
            )
            raw = s.exec(f.apply(q, *_LOT_COLUMNS)).all()
        rows = [
            names.row(p, i)
            | {
                "lots": int(n),
                "on_hand": int(oh),
                "reserved": int(rs),
                "free": int(oh - rs),
                "nearest_expiry": _day(exp),
                "expired": int(x or 0),
            }
            for p, i, n, oh, rs, exp, x in raw
        ]
        rows.sort(key=lambda r: (r["point"], r["item"]))
        cols = (
            *_DIMS["region"],
            *_DIMS["level"],
            *_DIMS["point"],
            *_DIMS["class"],
            *_DIMS["agency"],
            *_DIMS["item"],
            Col("lots", "lots", "批次数", True),
            Col("on_hand", "on_hand", "库存", True),
            Col("reserved", "reserved", "已预留", True),
            Col("free", "free", "可用", True),
            Col("nearest_expiry", "nearest_expiry", "最近有效期"),
            Col("expired", "expired", "已过期数量", True),
        )
        return Report("stock", "stock", "库存汇总", cols, rows, _params(data))

    def expiry(self, days: int = 90, **filters: Any) -> Report:
        """Lots that expire within ``days`` (and those expired), in the order to rotate them: soonest
        expiry first, then the largest quantity."""
        data = schemas.load(ReportIn, dict(days=days, **filters))
        today = local_today()
        with self._work(write=False, lag_ok=True) as (s, actor):
            f, names = _Filter(s, actor, data), _Names(s)
            q = (
                select_columns(
                    StockLot.point_id,
                    StockLot.item_id,
                    StockLot.batch,
                    StockLot.mode,
                    StockLot.expires_on,
                    StockLot.on_hand,
                    StockLot.reserved,
                )
                .where(
                    col(StockLot.on_hand) > 0,
                    col(StockLot.expires_on).is_not(None),
                    col(StockLot.expires_on) <= today + timedelta(days=data["days"]),
                )
                .order_by(col(StockLot.expires_on), col(StockLot.on_hand).desc(), col(StockLot.id))
            )
            raw = s.exec(f.apply(q, *_LOT_COLUMNS)).all()
        rows = []
        for rank, (p, i, batch, mode, expires_on, on_hand, reserved) in enumerate(raw, start=1):
            exp = _day(expires_on)
            assert exp is not None  # the query keeps only lots with an expiry date
            left = (exp - today).days
            action = "expired" if left < 0 else ("rotate_now" if left <= 30 else "plan_rotation")
            rows.append(
                {"rank": rank, "action": action}
                | names.row(p, i)
                | {
                    "batch": batch,
                    "mode": mode,
                    "expires_on": exp,
                    "days_left": left,
                    "on_hand": on_hand,
                    "reserved": reserved,
                    "free": on_hand - reserved,
                }
            )
        cols = (
            Col("rank", "rank", "轮换顺序"),
            Col("action", "action", "建议"),
            *_DIMS["region"],
            *_DIMS["point"],
            *_DIMS["item"],
            Col("batch", "batch", "批次"),
            Col("mode", "mode", "储备方式"),
            Col("expires_on", "expires_on", "有效期至"),
            Col("days_left", "days_left", "剩余天数"),
            Col("on_hand", "on_hand", "库存", True),
            Col("reserved", "reserved", "已预留", True),
            Col("free", "free", "可用", True),
        )
        return Report(
            "expiry",
            "expiry and rotation",
            "到期与轮换",
            cols,
            rows,
            _params(data),
            summary_by=("region_code", "point", "point_name"),
        )

    def gaps(self, *, valid_for_days: int = 0, modes: tuple[str, ...] | None = None, **filters: Any) -> Report:
        """Stock against every reserve target (per point, or summed over a region's points) and the
        procurement quantity that closes each gap, with its cost at the item's average unit cost.

        Stock counts at active points, in the reserve ``modes`` given (default all), and only if it
        is still good ``valid_for_days`` from today (plan a year ahead with 365).
        """
        data = schemas.load(ReportIn, dict(valid_for_days=valid_for_days, **filters))
        modes = tuple(modes) if modes else tuple(m.value for m in ReserveMode if m.value not in UNAVAILABLE_MODES)
        bad = [m for m in modes if m not in {x.value for x in ReserveMode}]
        if bad:
            raise InvalidInput(t("must be among: {value}", value=", ".join(m.value for m in ReserveMode)), "modes")
        good_on = local_today() + timedelta(days=data["valid_for_days"])
        with self._work(write=False, lag_ok=True) as (s, actor):
            f, names = _Filter(s, actor, data), _Names(s)
            tq = select(
                ReserveTarget.item_id, ReserveTarget.point_id, ReserveTarget.region_code, ReserveTarget.quantity
            )
            tq = _target_filter(f, tq)
            targets = s.exec(tq).all()
            item_ids = sorted({t[0] for t in targets})
            sq = (
                select(StockLot.item_id, StockLot.point_id, func.sum(StockLot.on_hand))
                .join(StoragePoint, col(StoragePoint.id) == StockLot.point_id)
                .where(
                    col(StockLot.item_id).in_(item_ids),
                    col(StockLot.mode).in_(modes),
                    col(StoragePoint.status) == PointStatus.ACTIVE.value,
                    (col(StockLot.expires_on).is_(None)) | (col(StockLot.expires_on) >= good_on),
                )
                .group_by(col(StockLot.item_id), col(StockLot.point_id))
            )
            stock = s.exec(scoped(sq, actor, StockLot.point_id, StockLot.agency_id)).all() if item_ids else []
            cq = (
                select(
                    StockLot.item_id, func.sum(col(StockLot.unit_cost) * StockLot.on_hand), func.sum(StockLot.on_hand)
                )
                .where(
                    col(StockLot.item_id).in_(item_ids), col(StockLot.unit_cost).is_not(None), col(StockLot.on_hand) > 0
                )
                .group_by(col(StockLot.item_id))
            )
            cq = scoped(cq, actor, StockLot.point_id, StockLot.agency_id)
            # v is NULL only for a group without rows (never here): every summed lot has a unit cost.
            cost = {i: float(v) / float(n) for i, v, n in s.exec(cq).all() if n and v is not None} if item_ids else {}
        at_point = {(i, p): int(n) for i, p, n in stock}
        by_item: dict[int, list[tuple[str | None, int]]] = defaultdict(list)
        for i, p, n in stock:
            by_item[i].append((names.points[p][3], int(n)))
        rows = []
        for item_id, point_id, region, quantity in targets:
            if point_id is not None:
                have = at_point.get((item_id, point_id), 0)
                base = names.row(point_id, item_id) | {"scope": "point"}
            else:
                assert region is not None  # the has_scope check: a target without a point has a region
                have = sum(n for code, n in by_item.get(item_id, []) if code and code.startswith(region))
                base = names.row(None, item_id) | {
                    "scope": "region",
                    "point": None,
                    "point_name": None,
                    "level": None,
                    "region_code": region,
                }
            gap = max(0, quantity - have)
            unit_cost = cost.get(item_id)
            rows.append(
                base
                | {
                    "target": quantity,
                    "stock": have,
                    "gap": gap,
                    "procure": gap,
                    "unit_cost": round(unit_cost, 2) if unit_cost is not None else None,
                    "est_cost": round(gap * unit_cost, 2) if unit_cost is not None else None,
                }
            )
        rows.sort(key=lambda r: (r["scope"], r["point"] or "", r["region_code"] or "", r["item"]))
        cols = (
            Col("scope", "scope", "范围"),
            *_DIMS["region"],
            *_DIMS["point"],
            *_DIMS["class"],
            *_DIMS["agency"],
            *_DIMS["item"],
            Col("target", "target", "储备定额", True),
            Col("stock", "stock", "现有库存", True),
            Col("gap", "gap", "缺口", True),
            Col("procure", "procure", "建议采购数量", True),
            Col("unit_cost", "unit_cost", "平均单价"),
            Col("est_cost", "est_cost", "估算金额", True),
        )
        params = _params(data) | {"modes": list(modes), "good_on": good_on.isoformat()}
        return Report(
            "gaps",
            "reserve gaps",
            "储备缺口与采购建议",
            cols,
            rows,
            params,
            summary_by=("item", "item_name", "unit"),
            other_sheet="region",
        )


_POINT_SIDE = {"region_code": 3, "level": 2, "point": 0, "point_name": 1}
_ITEM_SIDE = {"item": 0, "item_name": 1, "unit": 2, "supply_class": 3, "class_name": 4, "agency": 5}


def _ledger_rows(
    names: _Names,
    dim_cols: list[Col],
    period: dict[tuple[int, int], dict[str, int]],
    after: dict[tuple[int, int], dict[str, int]],
    balance: dict[tuple[int, int], int],
) -> list[dict[str, Any]]:
    """Opening, flows and closing per (point, item), added up into the requested groups.

    closing = kept balance - movements after the period; opening = closing - movements in it.
    """
    p_keys = [c.key for c in dim_cols if c.key in _POINT_SIDE]
    i_keys = [c.key for c in dim_cols if c.key in _ITEM_SIDE]
    p_side = {pid: tuple(v[_POINT_SIDE[k]] for k in p_keys) for pid, v in names.points.items()}
    i_side = {iid: tuple(v[_ITEM_SIDE[k]] for k in i_keys) for iid, v in names.items.items()}
    flows = [column.key for column, _, _ in _FLOWS]
    slot = {kind: (2 + flows.index(column), sign) for kind, (column, sign) in _KIND_COLUMN.items()}
    other = (2 + flows.index("adjusted"), 1)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for key in period.keys() | balance.keys():
        kinds = period.get(key)
        moved = sum(kinds.values()) if kinds else 0
        later = after.get(key)
        closing = balance.get(key, 0) - (later["all"] if later else 0)
        opening = closing - moved
        if not kinds and opening == 0 and closing == 0:
            continue
        group = (p_side[key[0]], i_side[key[1]])
        acc = groups.get(group)
        if acc is None:
            acc = groups[group] = [0] * (2 + len(flows))
        acc[0] += opening
        acc[1] += closing
        if kinds:
            for kind, qty in kinds.items():
                pos, sign = slot.get(kind, other)
                acc[pos] += qty * sign
    rows = []
    for (pv, iv), acc in groups.items():
        row = dict(zip(p_keys, pv)) | dict(zip(i_keys, iv)) | {"opening": acc[0], "closing": acc[1]}
        row.update(zip(flows, acc[2:]))
        rows.append(row)
    order = [c.key for c in dim_cols]
    rows.sort(key=lambda r: tuple("" if r[k] is None else str(r[k]) for k in order))
    return rows


def _target_filter(f: _Filter, q: Q) -> Q:
    """Targets of the filtered items; point filters keep point targets at those points and region
    targets inside the region filter."""
    d, s = f.data, f.s
    if d.get("item"):
        q = q.where(ReserveTarget.item_id == by_code(s, Item, d["item"], "item").id)
    if d.get("supply_class"):
        cls = by_code(s, SupplyClass, d["supply_class"], "supply_class")
        in_class = select(Item.id).where(col(Item.class_id).in_(descendant_ids(s, persisted_id(cls))))
        q = q.where(col(ReserveTarget.item_id).in_(in_class))
    if d.get("agency"):
        owner = by_code(s, Agency, d["agency"], "agency").id
        q = q.where(
            col(ReserveTarget.item_id).in_(
                select(Item.id)
                .join(SupplyClass, col(SupplyClass.id) == Item.class_id)
                .where(SupplyClass.agency_id == owner)
            )
        )
    if d.get("point"):
        q = q.where(ReserveTarget.point_id == by_code(s, StoragePoint, d["point"], "point").id)
    if d.get("region_code"):
        region = d["region_code"]
        q = q.where(
            col(ReserveTarget.point_id).in_(
                select(StoragePoint.id).where(col(StoragePoint.region_code).startswith(region))
            )
            | col(ReserveTarget.region_code).startswith(region)
        )
    if d.get("level"):
        at_level = select(StoragePoint.id).where(StoragePoint.level == d["level"])
        q = q.where(col(ReserveTarget.point_id).in_(at_level))
    # Targets in the reader's scope: warehouse staff see their points' targets (a region's sum
    # would count other points' stock), officers the targets of their agency's items.
    item_agency = (
        select(SupplyClass.agency_id)
        .join(Item, col(Item.class_id) == SupplyClass.id)
        .where(col(Item.id) == ReserveTarget.item_id)
        .correlate(ReserveTarget)
        .scalar_subquery()
    )
    return scoped(q, f.actor, ReserveTarget.point_id, item_agency)


def _layout(by: tuple[str, ...] | list[str]) -> dict[str, Any]:
    if "point" in by:
        return {}
    first = [c.key for c in _DIMS[by[0]]]
    return {"sheet_by": None, "summary_by": tuple(first)}


def _params(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v is not None}


def report_zone(name: str | None) -> ZoneInfo:
    """The time zone a report cuts its days in: ``name``, else ``SUPPLIES_TIMEZONE``, else Asia/Shanghai."""
    name = name or os.environ.get(ENV_TIMEZONE) or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(t("unknown time zone {name!r}; use a name like Asia/Shanghai", name=name), "tz") from None


def day_start(day: date | None, zone: ZoneInfo) -> datetime | None:
    """The start of ``day`` in ``zone``, in UTC (how movement times are stored)."""
    return None if day is None else local_day_start(day, zone)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
