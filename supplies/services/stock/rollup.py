"""Roll-up: a jurisdiction's stock beside each jurisdiction below it, item by item (a city sees each county)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ...db import select_columns
from ...models import JURISDICTION_LEVELS, Item, Region, ReserveTarget, StockLot
from ...permissions import Actor, require_jurisdiction
from ..results import Result

TOTAL = "total"


@dataclass(frozen=True)
class RollupRow(Result):
    """One item in one column of the roll-up: a child jurisdiction with all below it, the jurisdiction's
    own points, or the whole (``part``: ``child``, ``own`` or ``total``)."""

    jurisdiction: str
    name: str
    part: str
    item: str
    item_name: str
    unit: str
    on_hand: int
    reserved: int
    free: int
    target: int
    gap: int  # target less on hand, never below zero
    expiring: int  # units on hand that expire within the window


def children_of(s: Session, code: str) -> list[Region]:
    """The jurisdictions right below ``code`` (none between), in tree order."""
    top = s.get_one(Region, code)
    below = s.exec(
        select(Region)
        .where(col(Region.path).startswith(top.path), Region.code != code, col(Region.level).in_(JURISDICTION_LEVELS))
        .order_by(Region.path)
    ).all()
    codes = {r.code for r in below}
    # A child's path holds no other jurisdiction of the subtree between the top and itself.
    return [r for r in below if not any(c in codes for c in r.path[len(top.path) :].split("/")[:-2])]


def rollup(s: Session, actor: Actor, jurisdiction: str | None, expiring_days: int, today: date) -> list[RollupRow]:
    """Item by item: each child jurisdiction (with all below it), the jurisdiction's own points, the total."""
    code = jurisdiction or actor.jurisdiction
    require_jurisdiction(actor, code, what=code, field="jurisdiction")
    top = s.get_one(Region, code)
    kids = children_of(s, code)
    bucket: dict[str, str] = {}  # every jurisdiction of the subtree -> the column it counts in
    for kid in kids:
        for sub in s.exec(
            select(Region.code).where(col(Region.path).startswith(kid.path), col(Region.level).in_(JURISDICTION_LEVELS))
        ).all():
            bucket[sub] = kid.code
    bucket[code] = code
    within = sorted(set(bucket) | {code})
    soon = today + timedelta(days=expiring_days)
    stock = s.exec(
        select_columns(
            StockLot.jurisdiction_code,
            StockLot.item_id,
            func.sum(StockLot.on_hand),
            func.sum(StockLot.reserved),
            func.sum(case((col(StockLot.expires_on) <= soon, StockLot.on_hand), else_=0)),
        )
        .where(col(StockLot.jurisdiction_code).in_(within))
        .group_by(col(StockLot.jurisdiction_code), col(StockLot.item_id))
    ).all()
    targets = s.exec(
        select(ReserveTarget.jurisdiction_code, ReserveTarget.item_id, func.sum(ReserveTarget.quantity))
        .where(col(ReserveTarget.jurisdiction_code).in_(within))
        .group_by(col(ReserveTarget.jurisdiction_code), col(ReserveTarget.item_id))
    ).all()
    sums: dict[tuple[str, int], list[int]] = {}
    for jur, item_id, on_hand, reserved, expiring in stock:
        for key in ((bucket.get(jur, code), item_id), (TOTAL, item_id)):
            acc = sums.setdefault(key, [0, 0, 0, 0])
            acc[0] += int(on_hand or 0)
            acc[1] += int(reserved or 0)
            acc[3] += int(expiring or 0)
    for jur, item_id, quantity in targets:
        for key in ((bucket.get(jur, code), item_id), (TOTAL, item_id)):
            sums.setdefault(key, [0, 0, 0, 0])[2] += int(quantity or 0)
    items = {i.id: i for i in s.exec(select(Item).where(col(Item.id).in_({item_id for _, item_id in sums}))).all()}
    columns = [(k.code, k.name, "child") for k in kids] + [(code, top.name, "own"), (TOTAL, top.name, "total")]
    rows = []
    for column, name, part in columns:
        for item_id in sorted({i for (c, i) in sums if c == column}, key=lambda i: items[i].code):
            on_hand, reserved, target, expiring = sums[(column, item_id)]
            it = items[item_id]
            rows.append(
                RollupRow(
                    code if column == TOTAL else column,
                    name,
                    part,
                    it.code,
                    it.name,
                    it.unit,
                    on_hand,
                    reserved,
                    on_hand - reserved,
                    target,
                    max(target - on_hand, 0),
                    expiring,
                )
            )
    return rows
