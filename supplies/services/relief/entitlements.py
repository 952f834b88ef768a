"""Distribution standards (发放标准): so many units of an item per person or per household.

A rule belongs to an incident, or is a default (no incident) used by every incident that has no
rule of its own for the item. ``max_members`` K on a per-household rule gives one share per K
members or part of it: "one 12 m² tent per household of up to four" gives a household of six two.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from ...i18n import t
from ...models import Entitlement, Item, Role
from ...models.base import persisted_id, utcnow
from ...permissions import require_jurisdiction, require_role
from ...schemas import load
from ..base import Service, by_code, retried
from ..results import Result, aware
from .households import resolve_incident
from .schemas import EntitlementIn

PERSON, HOUSEHOLD = "person", "household"

# The shipped defaults, for the catalog items they name (added only where the item exists).
# ../shared/reference/needs_norms.csv gives norms in Sphere units (m² per person, litres a day),
# not per catalog item, so the mapping is made here, with the norm each rule rests on.
DEFAULTS: tuple[tuple[str, str, int, int | None, str], ...] = (
    (
        "PLAN14:3.01",
        HOUSEHOLD,
        1,
        4,
        "needs_norms: cn_tent_unit_area 12 m2 a tent, covered_floor_area 3.5 m2 a person (one tent per household of up to four)",
    ),
    ("PLAN14:3.05", PERSON, 1, None, "one quilt a person (issue 14; readiness_norms bedding)"),
    ("PLAN14:3.07", PERSON, 1, None, "one folding bed a person at a shelter (assumed)"),
)


@dataclass(frozen=True)
class EntitlementResult(Result):
    """A rule as it applies: ``incident_id`` None for a default rule."""

    item: str
    item_name: str
    basis: str
    quantity: int
    max_members: int | None
    incident_id: int | None
    source: str | None
    updated_at: datetime


def entitled(basis: str, quantity: int, max_members: int | None, members: int) -> int:
    """Units due to a household of ``members`` people under one rule."""
    if basis == PERSON:
        return quantity * members
    if max_members:
        return quantity * -(-members // max_members)
    return quantity


def rules_for(s: Session, incident_id: int) -> list[tuple[Entitlement, Item]]:
    """The rules that apply to an incident: its own, and the defaults for items it has none for."""
    rows = s.exec(
        select(Entitlement, Item)
        .join(Item, col(Item.id) == Entitlement.item_id)
        .where(or_(col(Entitlement.incident_id) == incident_id, col(Entitlement.incident_id).is_(None)))
        .order_by(col(Item.code))
    ).all()
    own = {e.item_id for e, _ in rows if e.incident_id is not None}
    return [(e, it) for e, it in rows if e.incident_id is not None or e.item_id not in own]


def _view(e: Entitlement, it: Item) -> EntitlementResult:
    return EntitlementResult(
        it.code, it.name, e.basis, e.quantity, e.max_members, e.incident_id, e.source, aware(e.updated_at)
    )


class Entitlements(Service):
    """Distribution standards: ``inv.entitlements``. Admins and dispatchers set them; anyone reads."""

    @retried
    def set(
        self,
        item: str,
        *,
        per_person: int | None = None,
        per_household: int | None = None,
        max_members: int | None = None,
        incident: int | None = None,
    ) -> EntitlementResult:
        """Set the rule for ``item``: in ``incident``, or the default rule when no incident is given.

        Exactly one of ``per_person`` and ``per_household``; ``max_members`` K (per household only)
        gives one share per K members or part of it. A quantity of 0 means "not given out".
        """
        data = load(
            EntitlementIn,
            dict(
                item=item,
                per_person=per_person,
                per_household=per_household,
                max_members=max_members,
                incident=incident,
            ),
        )
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("setting distribution standards"))
            it = by_code(s, Item, data["item"], "item")
            inc_id: int | None = None
            if data.get("incident") is not None:
                inc = resolve_incident(s, actor, data["incident"])
                require_jurisdiction(actor, inc.jurisdiction_code, what=str(inc), field="incident")
                inc_id = persisted_id(inc)
            return _view(self._put(s, it, data, inc_id), it)

    @staticmethod
    def _put(
        s: Session, it: Item, data: dict[str, object], inc_id: int | None, source: str | None = None
    ) -> Entitlement:
        query = select(Entitlement).where(Entitlement.item_id == it.id)
        query = query.where(
            Entitlement.incident_id == inc_id if inc_id is not None else col(Entitlement.incident_id).is_(None)
        )
        row = s.exec(query.with_for_update()).one_or_none()
        per_person = data.get("per_person")
        basis = PERSON if per_person is not None else HOUSEHOLD
        quantity = per_person if per_person is not None else data.get("per_household")
        assert isinstance(quantity, int)
        max_members = data.get("max_members")
        if row is None:
            row = Entitlement(incident_id=inc_id, item_id=persisted_id(it), basis=basis, quantity=quantity)
        row.basis, row.quantity = basis, quantity
        row.max_members = max_members if isinstance(max_members, int) else None
        row.source = source
        row.updated_at = utcnow()
        s.add(row)
        s.flush()
        return row

    def list(self, *, incident: int | None = None) -> list[EntitlementResult]:
        """The rules that apply to ``incident`` (its own and the defaults it does not override), or,
        without an incident, the default rules."""
        with self._work(write=False) as (s, actor):
            if incident is None:
                rows = s.exec(
                    select(Entitlement, Item)
                    .join(Item, col(Item.id) == Entitlement.item_id)
                    .where(col(Entitlement.incident_id).is_(None))
                    .order_by(col(Item.code))
                ).all()
                return [_view(e, it) for e, it in rows]
            inc = resolve_incident(s, actor, incident)
            return [_view(e, it) for e, it in rules_for(s, persisted_id(inc))]

    @retried
    def load_defaults(self) -> builtins.list[EntitlementResult]:
        """Add the shipped default rules (:data:`DEFAULTS`) for the catalog items that exist and have
        no default rule yet; return the rules added."""
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("setting distribution standards"))
            out = []
            for code, basis, qty, k, source in DEFAULTS:
                it = s.exec(select(Item).where(Item.code == code)).one_or_none()
                if it is None:
                    continue
                if s.exec(
                    select(Entitlement.id).where(Entitlement.item_id == it.id, col(Entitlement.incident_id).is_(None))
                ).first():
                    continue
                data: dict[str, object] = {f"per_{basis}": qty, "max_members": k}
                out.append(_view(self._put(s, it, data, None, source), it))
            return out


__all__ = ["EntitlementResult", "Entitlements", "entitled", "rules_for"]
