"""Reading contracts: the list, those expiring, one with its history and call-up orders, the report, an order."""

from __future__ import annotations

import builtins
import os
from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import col, select

from ...errors import NotFound
from ...i18n import t
from ...limits import MAX_ID
from ...models import (
    CallUp,
    Contract,
    ContractLine,
    ContractStatus,
    DispatchRequest,
    Item,
    RequestStatus,
    StockLot,
)
from ...models.base import persisted_id
from ...permissions import in_scope
from ...schemas import Code, bounded, load
from ..catalog.service import descendant_ids
from ..dispatch import allocation as alloc
from ..reports.output import ITEM_COLS, Col, Report
from .access import MANAGERS, ContractService, readable, scoped
from .results import CallUpResult, ContractDetail, ContractResult, call_up_results, contract_results
from .schemas import ListIn

ENV_EXPIRY_DAYS = "SUPPLIES_CONTRACT_EXPIRY_DAYS"
DEFAULT_EXPIRY_DAYS = 60


def expiry_warning_days() -> int:
    """Contracts ending within this many days are shown as expiring: ``SUPPLIES_CONTRACT_EXPIRY_DAYS``, else 60."""
    raw = os.environ.get(ENV_EXPIRY_DAYS, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_EXPIRY_DAYS


class Queries(ContractService):
    "The reads of :class:`~supplies.services.contracts.service.Contracts`."

    def list(self, *, expiring_days: int | None = None) -> list[ContractResult]:
        """The contracts in force or ended (their current versions), by end of validity; with
        ``expiring_days``, only those ending within that many days from today (today included)."""
        data = load(ListIn, dict(expiring_days=expiring_days))
        with self._work(write=False) as (s, actor):
            q = select(Contract).where(Contract.status == ContractStatus.ACTIVE.value)
            if data.get("expiring_days") is not None:
                today = self._today()
                q = q.where(
                    col(Contract.valid_to) >= today,
                    col(Contract.valid_to) <= today + timedelta(days=data["expiring_days"]),
                )
            q = scoped(q, actor).order_by(col(Contract.valid_to), col(Contract.code))
            return contract_results(s, list(s.exec(q).all()), self._today())

    def expiring(self, days: int | None = None) -> builtins.list[ContractResult]:
        """Contracts ending within ``days`` (default ``SUPPLIES_CONTRACT_EXPIRY_DAYS``, else 60)."""
        return self.list(expiring_days=expiry_warning_days() if days is None else days)

    def show(self, code: str) -> ContractDetail:
        """A contract as it stands, its earlier versions and its call-up orders."""
        code = bounded(Code(), code, "code")
        with self._work(write=False) as (s, actor):
            versions = list(
                s.exec(scoped(select(Contract).where(Contract.code == code), actor).order_by(col(Contract.version)))
            )
            if not versions:
                raise NotFound(t("no contract with code {code!r}", code=code), "code")
            results = contract_results(s, versions, self._today())
            orders = list(
                s.exec(
                    select(CallUp).where(col(CallUp.contract_id).in_([v.id for v in versions])).order_by(col(CallUp.id))
                )
            )
            return ContractDetail(results[-1], tuple(results[:-1]), tuple(call_up_results(s, orders)))

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

    def for_request(self, request: int) -> builtins.list[ContractResult]:
        """The contracts the acting user may call up for ``request`` now: in force today, of the user's
        jurisdiction, with something left of an item the request still asks (an item line, or a class
        line the item belongs to). Empty when the request may not be called up for (its state, the
        user's role or jurisdiction): what the request page offers, ``call_up`` says why not."""
        with self._work(write=False) as (s, actor):
            req = (
                s.get(DispatchRequest, request) if isinstance(request, int) and not isinstance(request, bool) else None
            )
            if (
                req is None
                or actor.role not in MANAGERS
                or not in_scope(actor, req.jurisdiction_code)
                or req.status not in (RequestStatus.APPROVED, RequestStatus.ALLOCATED)
            ):
                return []
            open_lines = [
                ln for ln in alloc.request_lines(s, [persisted_id(req)]).values() if ln.quantity > ln.allocated
            ]
            classes: set[int] = set()
            for ln in open_lines:
                if ln.class_id is not None:
                    classes |= set(descendant_ids(s, ln.class_id))
            asked = select(Item.id).where(
                or_(
                    col(Item.id).in_({ln.item_id for ln in open_lines if ln.item_id is not None}),
                    col(Item.class_id).in_(classes),
                )
            )
            today = self._today()
            q = (
                select(Contract)
                .join(ContractLine, col(ContractLine.contract_id) == Contract.id)
                .join(StockLot, col(StockLot.id) == ContractLine.lot_id)
                .where(
                    Contract.status == ContractStatus.ACTIVE.value,
                    col(Contract.valid_from) <= today,
                    col(Contract.valid_to) >= today,
                    col(ContractLine.item_id).in_(asked),
                    col(StockLot.on_hand) > col(StockLot.reserved),
                )
                .distinct()
            )
            found = [c for c in s.exec(scoped(q, actor)) if in_scope(actor, c.jurisdiction_code)]
            return contract_results(s, sorted(found, key=lambda c: (c.valid_to, c.code)), today)

    def order(self, id: int) -> CallUpResult:
        """A call-up order."""
        with self._work(write=False) as (s, actor):
            ok = isinstance(id, int) and not isinstance(id, bool) and 1 <= id <= MAX_ID  # PostgreSQL's integer
            cu = s.get(CallUp, id) if ok else None
            contract = s.get(Contract, cu.contract_id) if cu is not None else None
            if cu is None or contract is None or not readable(s, actor, contract):
                raise NotFound(t("no call-up order with id {id}", id=id), "order")
            return call_up_results(s, [cu])[0]


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
    *ITEM_COLS,
    Col("unit_price", "unit_price", "单价"),
    Col("contracted", "contracted", "协议数量", True),
    Col("called_up", "called_up", "已调用", True),
    Col("remaining", "remaining", "可调用", True),
    Col("late_deliveries", "late_deliveries", "逾期交付次数"),
    Col("short_units", "short_units", "短交数量"),
)
