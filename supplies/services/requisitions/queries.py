"""Reading requisitions: the list, one with its returns and compensation, unpaid compensations, the report."""

from __future__ import annotations

import builtins

from sqlmodel import col, select

from ...models import (
    Compensation,
    CompensationStatus,
    Requisition,
    RequisitionLine,
    RequisitionReturn,
    RequisitionStatus,
)
from ...models.base import persisted_id
from ...schemas import load
from ..base import Service
from ..reports.output import ITEM_COLS, Col, Report
from ..results import aware
from .access import ZERO, compensation_row, find, item_names, scoped
from .results import (
    CompensationResult,
    RequisitionDetail,
    RequisitionResult,
    ReturnResult,
)
from .schemas import ListIn
from .summaries import compensation_results, requisition_results


class Queries(Service):
    """Reading requisitions and their compensations."""

    def list(self, *, open_only: bool = False) -> builtins.list[RequisitionResult]:
        """The requisitions the user reads, newest first; ``open_only``: those still holding goods from their owner."""
        data = load(ListIn, dict(open_only=open_only))
        with self._work(write=False) as (s, actor):
            q = select(Requisition)
            if data["open_only"]:
                q = q.where(Requisition.status == RequisitionStatus.OPEN.value)
            q = scoped(q, actor).order_by(col(Requisition.id).desc())
            return requisition_results(s, builtins.list(s.exec(q).all()))

    def show(self, id: int) -> RequisitionDetail:
        """A requisition, its returns and its compensation."""
        with self._work(write=False) as (s, actor):
            req = find(s, actor, id)
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
            codes = item_names(s, set(line_items.values()))
            comp = s.exec(select(Compensation).where(Compensation.requisition_id == rid)).one_or_none()
            return RequisitionDetail(
                requisition_results(s, [req])[0],
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
                compensation_results(s, [comp])[0] if comp is not None else None,
            )

    def compensation(self, id: int) -> CompensationResult:
        """The compensation of requisition ``id`` (NotFound before it is assessed)."""
        with self._work(write=False) as (s, actor):
            return compensation_results(s, [compensation_row(s, actor, id)])[0]

    def unpaid(self) -> builtins.list[CompensationResult]:
        """Compensations assessed or approved but not paid yet, oldest first."""
        with self._work(write=False) as (s, actor):
            q = (
                select(Compensation)
                .join(Requisition, col(Requisition.id) == Compensation.requisition_id)
                .where(Compensation.status != CompensationStatus.PAID.value)
            )
            q = scoped(q, actor).order_by(col(Compensation.id))
            return compensation_results(s, builtins.list(s.exec(q).all()))

    def report(self, *, open_only: bool = False) -> Report:
        """Requisitions (open ones only, with ``open_only``) as a report, one row per item: requisitioned,
        held, given back, lost and consumed, and the compensation with its state, for CSV or XLSX.

        Neither a person's ID number (not even masked) nor a company's credit code is in it."""
        rows_ = self.list(open_only=open_only)
        with self._work(write=False) as (s, _actor):
            comps = {
                c.requisition_id: c
                for c in compensation_results(
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
