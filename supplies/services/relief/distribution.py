"""Distribution (发放): what a household is due, and handing it out at a point through the ledger.

What is due is the entitlement (see :mod:`.entitlements`) less what the household has received.
Stock leaves the point earliest expiry first (FEFO, the stock service's own selection), one
``distribution`` ledger movement per lot with the reference ``household:<incident>/<number>``.
A household is not given more than it is due unless a supervisor (an admin or dispatcher of the
household's jurisdiction) gives a reason (an override), which is recorded with the distribution and
marks its lines; the point's warehouse staff give what is due.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...errors import InvalidInput, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import (
    Distribution,
    DistributionLine,
    Household,
    Item,
    MovementKind,
    PointStatus,
    Role,
    StoragePoint,
)
from ...models.base import persisted_id
from ...permissions import Actor, in_scope, may_serve_at, require_jurisdiction
from ...schemas import Qty, bounded, load
from ...terms import term
from ..base import Service, by_code, retried
from ..results import Result, aware
from ..stock.commands import free_lots, refuse_tracked, take_fefo
from ..stock.ledger import post
from .entitlements import entitled, rules_for
from .households import find_household, resolve_incident
from .schemas import DistributeIn


@dataclass(frozen=True)
class DueLine(Result):
    """One item for a household: what it is entitled to, what it has received, what is due now."""

    item: str
    item_name: str
    unit: str
    entitled: int
    received: int
    due: int


@dataclass(frozen=True)
class GivenLine(Result):
    item: str
    batch: str
    qty: int
    movement_id: int
    over: bool


@dataclass(frozen=True)
class DistributionResult(Result):
    """A distribution as recorded: the household, the point, the lines per lot, proxy and override."""

    id: int
    incident_id: int
    household: str
    point: str
    at: datetime
    lines: tuple[GivenLine, ...]
    collector: str | None
    override_reason: str | None


def reference(incident_id: int, number: str) -> str:
    """The ledger reference of a household: ``household:<incident>/<number>``."""
    return f"household:{incident_id}/{number}"


def dues(s: Session, hh: Household) -> list[tuple[Item, int, int]]:
    """(item, entitled, received) for every item a rule names or the household has received."""
    received = dict(
        s.exec(
            select(DistributionLine.item_id, func.sum(DistributionLine.qty))
            .where(DistributionLine.household_id == hh.id)
            .group_by(col(DistributionLine.item_id))
        ).all()
    )
    out: list[tuple[Item, int, int]] = []
    named: set[int] = set()
    for rule, item in rules_for(s, hh.incident_id):
        named.add(persisted_id(item))
        out.append(
            (
                item,
                entitled(rule.basis, rule.quantity, rule.max_members, hh.members),
                int(received.get(persisted_id(item), 0)),
            )
        )
    others = [i for i in received if i not in named]
    if others:
        for item in s.exec(select(Item).where(col(Item.id).in_(others))).all():
            out.append((item, 0, int(received[persisted_id(item)])))
    return out


def _require_distribute(actor: Actor, point: StoragePoint) -> None:
    """Warehouse staff of the point, and admins and dispatchers of its jurisdiction, distribute there."""
    if may_serve_at(actor, point.id, point.jurisdiction_code):
        return
    raise PermissionDenied(
        t(
            "{name} ({role}) may not distribute from {point}: its warehouse staff, admins and dispatchers of its jurisdiction may",
            name=actor.name,
            role=term(actor.role),
            point=point.code,
        ),
        "user",
    )


def _require_supervisor(actor: Actor, jurisdiction: str) -> None:
    """Giving more than is due is a supervisor's decision: an admin or dispatcher of the jurisdiction."""
    if actor.role in (Role.ADMIN, Role.DISPATCHER) and in_scope(actor, jurisdiction):
        return
    raise PermissionDenied(
        t(
            "{name} ({role}) may not give more than is due: a supervisor (an admin or dispatcher of the jurisdiction) may, with a reason",
            name=actor.name,
            role=term(actor.role),
        ),
        "override",
    )


class Distributions(Service):
    """Distribution to households: ``inv.distribution``."""

    def due(self, household: str, *, incident: int | None = None) -> list[DueLine]:
        """What ``household`` is entitled to, has received and is due, item by item."""
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            hh = find_household(s, inc, household)
            return [DueLine(it.code, it.name, it.unit, ent, got, max(ent - got, 0)) for it, ent, got in dues(s, hh)]

    def history(self, household: str, *, incident: int | None = None) -> list[DistributionResult]:
        """Every distribution to ``household``, oldest first."""
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            hh = find_household(s, inc, household)
            rows = s.exec(
                select(Distribution).where(Distribution.household_id == hh.id).order_by(col(Distribution.id))
            ).all()
            return [self._view(s, d, hh) for d in rows]

    @retried
    def distribute(
        self,
        point: str,
        household: str,
        items: Mapping[str, int] | None = None,
        *,
        incident: int | None = None,
        collector: str | None = None,
        override: str | None = None,
    ) -> DistributionResult:
        """Give ``household`` what it is due at ``point`` (or the ``items`` given: code -> quantity).

        Refused (:class:`RuleViolation`) when nothing is due, or when an item asked for is more than
        is due, unless ``override`` gives a supervisor's reason: then the entitlement is given again
        (or the quantities asked), and the reason is recorded. ``collector`` names who collected for
        the household (代领).
        """
        data = load(
            DistributeIn,
            dict(point=point, household=household, incident=incident, collector=collector, override=override),
        )
        asked: dict[str, int] = {}
        for code, qty in (items or {}).items():
            asked[code] = bounded(Qty(), qty, f"items.{code}")
        with self._work() as (s, actor):
            p = by_code(s, StoragePoint, data["point"], "point")
            _require_distribute(actor, p)
            if p.status != PointStatus.ACTIVE:
                raise RuleViolation(t("storage point {code} is closed", code=p.code), "point")
            inc = resolve_incident(s, actor, data.get("incident"))
            hh = find_household(s, inc, data["household"], lock=True)
            require_jurisdiction(actor, hh.jurisdiction_code, what=str(inc), field="household")
            reason = data.get("override")
            status = {persisted_id(it): (it, ent, got) for it, ent, got in dues(s, hh)}
            plan: list[tuple[Item, int, bool]] = []  # item, quantity, over the due
            if asked:
                for code, qty in asked.items():
                    it = by_code(s, Item, code, "item")
                    refuse_tracked(it)
                    _, ent, got = status.get(persisted_id(it), (it, 0, 0))
                    due = max(ent - got, 0)
                    if qty > due and not reason:
                        raise RuleViolation(
                            t(
                                "household {number} is due {due} of {item} (entitled to {entitled}, received {received}); asked {qty}: a supervisor's override with a reason is needed",
                                number=hh.number,
                                due=due,
                                item=it.code,
                                entitled=ent,
                                received=got,
                                qty=qty,
                            ),
                            "qty",
                        )
                    plan.append((it, qty, qty > due))
            else:
                for it, ent, got in status.values():
                    if ent - got > 0:
                        plan.append((it, ent - got, False))
                if not plan and reason:
                    plan = [(it, ent, True) for it, ent, _got in status.values() if ent > 0]
                if not plan:
                    raise RuleViolation(
                        t("nothing is due to household {number}: it has received its entitlement", number=hh.number),
                        "household",
                    )
            if any(over for _, _, over in plan):
                _require_supervisor(actor, hh.jurisdiction_code)
            dist = Distribution(
                incident_id=persisted_id(inc),
                household_id=persisted_id(hh),
                point_id=persisted_id(p),
                actor_id=actor.id,
                collector=data.get("collector"),
                override_reason=reason if any(over for _, _, over in plan) else None,
            )
            s.add(dist)
            s.flush()
            ref = reference(persisted_id(inc), hh.number)
            # Items in id order, lots in id order within each: the order every writer locks in.
            for it, qty, over in sorted(plan, key=lambda x: persisted_id(x[0])):
                for lot, take in take_fefo(s, free_lots(s, persisted_id(p), persisted_id(it)), qty, p, it):
                    m = post(
                        s,
                        lot,
                        MovementKind.DISTRIBUTION,
                        qty=-take,
                        actor_id=actor.id,
                        reference=ref,
                        reason=reason if over else None,
                    )
                    s.flush()
                    s.add(
                        DistributionLine(
                            distribution_id=persisted_id(dist),
                            household_id=persisted_id(hh),
                            item_id=persisted_id(it),
                            lot_id=persisted_id(lot),
                            movement_id=persisted_id(m),
                            qty=take,
                            over=over,
                        )
                    )
            s.flush()
            return self._view(s, dist, hh)

    @staticmethod
    def _view(s: Session, d: Distribution, hh: Household) -> DistributionResult:
        from ...models import StockLot

        rows = s.exec(
            select(DistributionLine, Item.code, StockLot.batch)
            .join(Item, col(Item.id) == DistributionLine.item_id)
            .join(StockLot, col(StockLot.id) == DistributionLine.lot_id)
            .where(DistributionLine.distribution_id == d.id)
            .order_by(col(DistributionLine.id))
        ).all()
        point = s.get(StoragePoint, d.point_id)
        if point is None:  # pragma: no cover - the foreign key keeps it
            raise InvalidInput(t("no storage point with id {id!r}", id=d.point_id), "point")
        return DistributionResult(
            persisted_id(d),
            d.incident_id,
            hh.number,
            point.code,
            aware(d.at),
            tuple(GivenLine(code, batch, line.qty, line.movement_id, line.over) for line, code, batch in rows),
            d.collector,
            d.override_reason,
        )


__all__ = ["DistributionResult", "Distributions", "DueLine", "reference"]
