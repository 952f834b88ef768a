"""The numbers on the home page: stock against reserve targets by class, expiry, open requests (the map: views/map.py).

A page of them costs about twenty statements. A process keeps the figures of one scope (role,
jurisdiction, agency, points: what the core lets a user read, not who the user is) for
``DASHBOARD_SECONDS`` (``SUPPLIES_DASHBOARD_SECONDS``, 5 by default; 0 reads them on every page),
as the dashboard may lag by seconds (it reads from a standby when one is configured). A user's
own successful change (any POST below 400) drops their scope's figures, so they see it at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from flask import Flask, Response, current_app, request
from flask_login import current_user
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from supplies.config import local_today
from supplies.models import DispatchRequest, Item, StockLot, SupplyClass
from supplies.permissions import Actor, scoped
from supplies.services.dispatch.scope import visible_requests
from supplies.services.stock.queries import SummaryRow
from supplies.services.stock.targets import holdings

from .lookups import Lookups

OPEN_STATES = ("draft", "submitted", "approved", "allocated", "dispatched", "received")


@dataclass(frozen=True)
class ClassLine:
    """One supply class: what is on hand in the user's scope, the targets, and the shortfall."""

    code: str
    name: str
    on_hand: int
    target: int
    short: int

    @property
    def covered_pct(self) -> int | None:
        if not self.target:
            return None
        return max(0, min(100, round(100 * (self.target - self.short) / self.target)))


def by_class(s: Session, actor: Actor, stock: list[SummaryRow]) -> list[ClassLine]:
    "Stock (from the core's summary) beside the reserve targets, per class.\n\n    A target's shortfall is what it lacks at its point (or within its region), so one point\n    holding extra never hides another point's gap. What each target holds comes from the core\n    (:func:`supplies.services.stock.commands.targets.holdings`), as on the targets list.\n"
    h = holdings(actor).subquery()
    short = case((h.c.quantity > h.c.held, h.c.quantity - h.c.held), else_=0)
    q = (
        select(SupplyClass.code, func.sum(h.c.quantity), func.sum(short))
        .select_from(h)
        .join(Item, Item.id == h.c.item_id)
        .join(SupplyClass, SupplyClass.id == Item.class_id)
        .group_by(SupplyClass.code)
    )
    targets = {code: (int(t or 0), int(sh or 0)) for code, t, sh in s.execute(q).all()}
    on_hand = {row.key["class"]: row.on_hand for row in stock}
    codes = sorted(set(targets) | set(on_hand))
    names = dict(s.execute(select(SupplyClass.code, SupplyClass.name).where(SupplyClass.code.in_(codes))).all())
    return [ClassLine(c, names.get(c, ""), on_hand.get(c, 0), *targets.get(c, (0, 0))) for c in codes]


def expiry_counts(s: Session, actor: Actor, today: date | None = None) -> dict[str, int]:
    """Lots with stock that have expired, or expire within 30 and within 90 days."""
    today = today or local_today()
    e = StockLot.expires_on

    def n(cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    q = scoped(
        select(
            n(e < today),
            n(and_(e >= today, e <= today + timedelta(days=30))),
            n(and_(e >= today, e <= today + timedelta(days=90))),
            # Every count is of lots expiring by day 90: the bound lets the expiry index skip the rest.
        ).where(StockLot.on_hand > 0, e.is_not(None), e <= today + timedelta(days=90)),
        actor,
        StockLot.point_id,
        StockLot.agency_id,
    )
    expired, d30, d90 = s.execute(q).one()
    return {"expired": int(expired), "30": int(d30), "90": int(d90)}


def open_requests(s: Session, actor: Actor) -> list[tuple[str, int]]:
    """Open dispatch requests the user may read (the core's rule), counted by state, in life-cycle order."""
    q = select(DispatchRequest.status, func.count()).where(DispatchRequest.status.in_(OPEN_STATES))
    seen = visible_requests(actor)
    if seen is not None:
        q = q.where(seen)
    rows = dict(s.execute(q.group_by(DispatchRequest.status)).all())
    return [(state, int(rows.get(state, 0))) for state in OPEN_STATES]


def expiring_contracts(inv: Any) -> tuple[int, list[Any]]:
    """The contracts in the user's scope ending within the warning window (SUPPLIES_CONTRACT_EXPIRY_DAYS, 60)."""
    from supplies.services.contracts.service import expiry_warning_days

    days = expiry_warning_days()
    return days, inv.contracts.list(expiring_days=days)


def requisitions(inv: Any) -> tuple[list[Any], list[Any]]:
    """The open requisitions (goods still held from their owners) and the compensations not paid yet, in the
    user's scope."""
    return inv.requisitions.list(open_only=True), inv.requisitions.unpaid()


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows that comes from the database, for one scope."""

    classes: list[ClassLine]
    soonest: list[Any]
    expiry: dict[str, int]
    requests: list[tuple[str, int]]
    contract_days: int
    contracts: list[Any]
    open_requisitions: list[Any]
    unpaid_compensations: list[Any]
    equipment: Any


_KEY = "supplies_dashboard"


def scope_key(actor: Actor) -> Actor:
    """What decides the figures a user sees: their actor without who they are (the same for a whole office)."""
    return replace(actor, id=0, name="")


def figures(s: Session, actor: Actor, inv: Any) -> Figures:
    """The dashboard's figures in ``actor``'s scope: kept per process and scope for ``DASHBOARD_SECONDS``."""

    def read() -> Figures:
        contract_days, contracts = expiring_contracts(inv)
        open_requisitions, unpaid = requisitions(inv)
        return Figures(
            classes=by_class(s, actor, inv.stock.summary(by=("class",))),
            soonest=inv.stock.lots(expiring_within_days=90, limit=10),
            expiry=expiry_counts(s, actor),
            requests=open_requests(s, actor),
            contract_days=contract_days,
            contracts=contracts,
            open_requisitions=open_requisitions,
            unpaid_compensations=unpaid,
            equipment=inv.units.readiness(),
        )

    cache: Lookups = current_app.extensions[_KEY]
    return cache.get(scope_key(actor), read)


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = Lookups(float(app.config["DASHBOARD_SECONDS"]))
    app.after_request(_forget_after_own_change)


def _forget_after_own_change(response: Response) -> Response:
    # Only the poster's scope: other offices' figures stay, so a busy day's stream of receipts
    # and issues elsewhere does not empty every office's cache.
    if request.method == "POST" and response.status_code < 400 and current_user and current_user.is_authenticated:
        current_app.extensions[_KEY].discard(scope_key(current_user.actor))
    return response
