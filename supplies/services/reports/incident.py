"""The report of one incident (灾情物资保障报告): what arrived where, what was handed out to how many
households and people, what is left on site, what is out on loan and what came back.

One row per storage point and item, from a few grouped queries:

- ``arrived``: units of the incident's requests booked into the point on arrival (调拨入库); a
  request whose destination is given as coordinates has its units on a row without a point (the
  site, sheet "other"), counted as delivered;
- ``distributed``, ``households``, ``people``: units handed out at the point (发放), and how many
  distinct households, of how many members, received that item there;
- ``on_site``: what the point holds of the item now, repair lots excluded;
- ``on_loan``: reusable units still out, by the point they left (households) or on the site row
  (requests to coordinates);
- ``returned_good``, ``returned_repair``, ``returned_unusable``: what came back to the point, by
  condition.

No personal data: households are counted, never named. The incident's totals of households and
people served (each household once, whatever it received) are in the report's parameters.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import distinct, func
from sqlmodel import Session, col, select

from ...db import select_columns
from ...models import (
    Allocation,
    AllocationStatus,
    DispatchRequest,
    Distribution,
    DistributionLine,
    Household,
    Incident,
    LoanReturn,
    RequestLine,
    StockLot,
)
from ...models.base import persisted_id
from ...models.enums import UNAVAILABLE_MODES
from ...permissions import Actor
from ..relief.returns import loan_balances
from .output import ITEM_COLS, Col, Report

_FIGURES = (
    Col("arrived", "arrived", "调拨到达", True),
    Col("distributed", "distributed", "发放数量", True),
    Col("households", "households", "发放户数"),
    Col("people", "people", "受益人数"),
    Col("on_site", "on_site", "现存数量", True),
    Col("on_loan", "on_loan", "借出未还", True),
    Col("returned_good", "returned_good", "回收完好", True),
    Col("returned_repair", "returned_repair", "回收待修", True),
    Col("returned_unusable", "returned_unusable", "回收报废", True),
)

_Key = tuple[int | None, int]  # (point id or None for a site given as coordinates, item id)


def incident_report(s: Session, actor: Actor, inc: Incident, names: Any) -> Report:
    """The report of ``inc`` (already checked to be in the actor's scope); ``names`` looks up codes."""
    inc_id = persisted_id(inc)
    figures: dict[_Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys((c.key for c in _FIGURES), 0))
    requests = select(DispatchRequest.id).where(DispatchRequest.incident_id == inc_id)
    arrived = s.exec(
        select(DispatchRequest.dest_point_id, StockLot.item_id, func.sum(func.coalesce(Allocation.received, 0)))
        .join(RequestLine, col(RequestLine.id) == Allocation.line_id)
        .join(DispatchRequest, col(DispatchRequest.id) == RequestLine.request_id)
        .join(StockLot, col(StockLot.id) == Allocation.lot_id)
        .where(
            col(DispatchRequest.id).in_(requests),
            Allocation.status == AllocationStatus.DISPATCHED.value,
            col(Allocation.received).is_not(None),
        )
        .group_by(col(DispatchRequest.dest_point_id), col(StockLot.item_id))
    ).all()
    for point_id, item_id, n in arrived:
        figures[(point_id, item_id)]["arrived"] += int(n)
    given = s.exec(
        select(Distribution.point_id, DistributionLine.item_id, func.sum(DistributionLine.qty))
        .join(Distribution, col(Distribution.id) == DistributionLine.distribution_id)
        .where(Distribution.incident_id == inc_id)
        .group_by(col(Distribution.point_id), col(DistributionLine.item_id))
    ).all()
    for point_id, item_id, n in given:
        figures[(point_id, item_id)]["distributed"] += int(n)
    # Each household once per point and item: its members counted once there.
    served = (
        select(Distribution.point_id, DistributionLine.item_id, DistributionLine.household_id)
        .join(Distribution, col(Distribution.id) == DistributionLine.distribution_id)
        .where(Distribution.incident_id == inc_id)
        .distinct()
        .subquery()
    )
    reached = s.exec(
        select_columns(served.c.point_id, served.c.item_id, func.count(), func.sum(Household.members))
        .join(Household, col(Household.id) == served.c.household_id)
        .group_by(served.c.point_id, served.c.item_id)
    ).all()
    for point_id, item_id, households, people in reached:
        figures[(point_id, item_id)]["households"] = int(households)
        figures[(point_id, item_id)]["people"] = int(people or 0)
    back = s.exec(
        select_columns(LoanReturn.point_id, LoanReturn.item_id, LoanReturn.condition, func.sum(LoanReturn.qty))
        .where(LoanReturn.incident_id == inc_id)
        .group_by(col(LoanReturn.point_id), col(LoanReturn.item_id), col(LoanReturn.condition))
    ).all()
    for point_id, item_id, condition, n in back:
        figures[(point_id, item_id)][f"returned_{condition}"] += int(n)
    point_ids = {v[0]: k for k, v in names.points.items()}
    item_ids = {v[0]: k for k, v in names.items.items()}
    for loan in loan_balances(s, actor, incident_id=inc_id):
        if loan.out:
            point_id = point_ids[loan.point] if loan.household is not None else None
            figures[(point_id, item_ids[loan.item])]["on_loan"] += loan.out
    points = sorted({p for p, _ in figures if p is not None})
    items = sorted({i for _, i in figures})
    if points and items:
        held = s.exec(
            select(StockLot.point_id, StockLot.item_id, func.sum(StockLot.on_hand))
            .where(
                col(StockLot.point_id).in_(points),
                col(StockLot.item_id).in_(items),
                col(StockLot.mode).not_in(UNAVAILABLE_MODES),
            )
            .group_by(col(StockLot.point_id), col(StockLot.item_id))
        ).all()
        for point_id, item_id, n in held:
            if (point_id, item_id) in figures:
                figures[(point_id, item_id)]["on_site"] = int(n)
    households, people = s.exec(
        select(func.count(distinct(col(Household.id))), func.coalesce(func.sum(Household.members), 0)).where(
            col(Household.id).in_(
                select(DistributionLine.household_id)
                .join(Distribution, col(Distribution.id) == DistributionLine.distribution_id)
                .where(Distribution.incident_id == inc_id)
            )
        )
    ).one()
    rows = [names.row(p, i) | f for (p, i), f in figures.items()]
    rows.sort(key=lambda r: (r.get("point") is None, r.get("point") or "", r["item"]))
    dims = (
        Col("region_code", "region_code", "行政区划代码"),
        Col("level", "level", "级别"),
        Col("point", "point", "储备点编码"),
        Col("point_name", "point_name", "储备点名称"),
        *ITEM_COLS,
    )
    params = {
        "incident": inc_id,
        "incident_name": inc.name,
        "type": inc.type,
        "level": inc.level,
        "households_served": int(households),
        "people_served": int(people),
    }
    return Report("incident", "incident", "灾情物资保障", (*dims, *_FIGURES), rows, params, other_sheet="site")


__all__ = ["incident_report"]
