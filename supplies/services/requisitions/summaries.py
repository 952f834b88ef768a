"""Requisitions and compensations as results, built from their rows in a few queries."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...models import (
    Compensation,
    CompensationLine,
    Requisition,
    RequisitionLine,
    RequisitionReturn,
    StockLot,
    StoragePoint,
    User,
)
from ...models.base import persisted_id
from ...pii import mask_id
from ..results import aware
from .access import ZERO, batch_of, item_names, money
from .results import (
    CompensationLineResult,
    CompensationResult,
    RequisitionLineResult,
    RequisitionResult,
)


def requisition_results(s: Session, reqs: Sequence[Requisition]) -> list[RequisitionResult]:
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
    items = item_names(s, {ln.item_id for ln in lines})
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


def compensation_results(s: Session, comps: Sequence[Compensation]) -> list[CompensationResult]:
    """Results of compensations with their itemised lines and who assessed, approved and paid them."""
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
    items = item_names(s, {ln.item_id for ln in lines})
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
