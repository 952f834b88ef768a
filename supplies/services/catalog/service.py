"""Catalog use cases: agencies, the supply-class tree with its handover, and items."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import update
from sqlmodel import Session, col, select

from ... import schemas
from ...errors import InvalidInput, PermissionDenied, RuleViolation
from ...i18n import t
from ...models import (
    Agency,
    ClassHandover,
    ClassResponsibility,
    Item,
    MovementKind,
    Role,
    StockLot,
    SupplyClass,
)
from ...models.base import persisted_id, utcnow
from ...permissions import (
    Actor,
    can_write_catalog,
    can_write_item,
    require_jurisdiction,
    require_parent_class,
    require_role,
    scoped_to_jurisdiction,
)
from ...terms import term
from ..base import Service, by_code, retried
from ..places.regions import jurisdiction_for, jurisdiction_in_scope
from ..stock.ledger import lock_lots, post
from .schemas import AgencyIn, AgencyUpdate, HandoverIn, ItemIn, ItemUpdate, SupplyClassIn, SupplyClassUpdate

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


class Agencies(Service):
    """Responsible agencies (责任单位): ``inv.agencies``."""

    @retried
    def add(
        self,
        code: str,
        name: str,
        *,
        contact: str | None = None,
        phone: str | None = None,
        level: str | None = None,
        region_code: str | None = None,
    ) -> Agency:
        """Add an agency with its contact person and phone."""
        data = schemas.load(
            AgencyIn,
            dict(code=code, name=name, contact=contact, phone=phone, level=level, region_code=region_code),
        )
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("adding an agency"))
            agency = Agency(**data, jurisdiction_code=jurisdiction_in_scope(s, actor, data.get("region_code")))
            s.add(agency)
            s.flush()
            return agency

    @retried
    def update(self, code: str, **changes: Any) -> Agency:
        """Change an agency's name, contact, phone, level or region."""
        data = schemas.load(AgencyUpdate, changes, partial=True)
        with self._work() as (s, actor):
            agency = by_code(s, Agency, code, "code")
            if not can_write_catalog(actor, agency.id):
                raise PermissionDenied(t("only an admin or the agency's own officer may change it"), "user")
            if "region_code" in data and jurisdiction_for(s, data["region_code"]) != agency.jurisdiction_code:
                raise RuleViolation(
                    t("an agency stays in its jurisdiction; add a new agency for another one"), "region_code"
                )
            for key, value in data.items():
                setattr(agency, key, value)
            s.add(agency)
            return agency

    def get(self, code: str) -> Agency:
        with self._work(write=False) as (s, _):
            return by_code(s, Agency, code, "code")

    def list(self) -> list[Agency]:
        """The agencies of the acting user's jurisdiction and those below it."""
        with self._work(write=False) as (s, actor):
            q = scoped_to_jurisdiction(select(Agency).order_by(Agency.code), actor, Agency.jurisdiction_code)
            return list(s.exec(q).all())


@dataclass(frozen=True)
class ClassNode:
    """A supply class in the tree, with the responsible agency's code and its depth."""

    code: str
    name: str
    agency: str
    parent: str | None
    depth: int
    name_en: str | None = None


class SupplyClasses(Service):
    """The supply-class tree; every class has exactly one responsible agency: ``inv.classes``."""

    @retried
    def add(
        self, code: str, name: str, *, agency: str, parent: str | None = None, name_en: str | None = None
    ) -> SupplyClass:
        """Add a class under ``parent`` (or at the root), held by ``agency``."""
        data = schemas.load(SupplyClassIn, dict(code=code, name=name, agency=agency, parent=parent, name_en=name_en))
        with self._work() as (s, actor):
            owner = by_code(s, Agency, data["agency"], "agency")
            if not can_write_catalog(actor, owner.id):
                raise PermissionDenied(t("only an admin or the agency's officer may add its classes"), "user")
            parent_row = by_code(s, SupplyClass, data["parent"], "parent") if data.get("parent") else None
            if parent_row is not None:
                require_parent_class(actor, parent_row)
            row = SupplyClass(
                code=data["code"],
                name=data["name"],
                name_en=data.get("name_en"),
                agency_id=persisted_id(owner),
                parent_id=parent_row.id if parent_row else None,
            )
            s.add(row)
            s.flush()
            # The filing agency answers for the class in its own jurisdiction; others assign theirs.
            s.add(
                ClassResponsibility(
                    class_id=persisted_id(row), jurisdiction_code=owner.jurisdiction_code, agency_id=persisted_id(owner)
                )
            )
            s.flush()
            return row

    @retried
    def assign(self, code: str, *, agency: str, reason: str | None = None) -> ClassResponsibility:
        """Make ``agency`` the responsible agency of class ``code`` in the agency's own jurisdiction.

        Where another agency answers for it there, this is a handover of that jurisdiction's stock
        (see :meth:`handover`); sub-classes are assigned the same way where they have no agency yet.
        """
        data = schemas.load(HandoverIn, dict(supply_class=code, to_agency=agency, reason=reason))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("assigning a class to an agency"))
            cls = by_code(s, SupplyClass, data["supply_class"], "supply_class")
            new = by_code(s, Agency, data["to_agency"], "agency")
            require_jurisdiction(actor, new.jurisdiction_code, what=str(new), field="agency")
            jurisdiction = new.jurisdiction_code
            current = _responsibilities(s, descendant_ids(s, persisted_id(cls)), jurisdiction)
            for class_id in descendant_ids(s, persisted_id(cls)):
                if class_id not in current:
                    s.add(
                        ClassResponsibility(
                            class_id=class_id, jurisdiction_code=jurisdiction, agency_id=persisted_id(new)
                        )
                    )
            s.flush()
            held = current.get(persisted_id(cls))
            if held is not None and held.agency_id != new.id:
                self._hand_over(s, actor, cls, new, data.get("reason"), include_children=True)
            return s.exec(
                select(ClassResponsibility).where(
                    ClassResponsibility.class_id == cls.id, ClassResponsibility.jurisdiction_code == jurisdiction
                )
            ).one()

    def responsibilities(self, code: str) -> list[tuple[str, str]]:
        """Who answers for class ``code`` in each jurisdiction: (jurisdiction code, agency code) pairs."""
        with self._work(write=False) as (s, _):
            cls = by_code(s, SupplyClass, code, "supply_class")
            rows = s.exec(
                select(ClassResponsibility.jurisdiction_code, Agency.code)
                .join(Agency, col(Agency.id) == ClassResponsibility.agency_id)
                .where(ClassResponsibility.class_id == cls.id)
                .order_by(ClassResponsibility.jurisdiction_code)
            ).all()
            return [(j, a) for j, a in rows]

    @retried
    def update(
        self, code: str, *, name: str | None = None, name_en: str | None = None, parent: str | None = None
    ) -> SupplyClass:
        """Rename a class or move it in the tree (``parent=""`` moves it to the top).

        Its agency changes only by :meth:`handover`.
        """
        given = {k: v for k, v in dict(name=name, name_en=name_en, parent=parent).items() if v is not None}
        data = schemas.load(SupplyClassUpdate, given, partial=True)
        with self._work() as (s, actor):
            row = by_code(s, SupplyClass, code, "code")
            if not can_write_catalog(actor, row.agency_id):
                raise PermissionDenied(t("only an admin or the agency's officer may change its classes"), "user")
            if "name" in data:
                row.name = data["name"]
            if "name_en" in data:
                row.name_en = data["name_en"] or None
            if parent == "":
                row.parent_id = None  # an empty parent moves the class to the top of the tree
            elif parent is not None:
                new_parent = by_code(s, SupplyClass, parent, "parent")
                require_parent_class(actor, new_parent)
                if new_parent.id in descendant_ids(s, persisted_id(row)):
                    raise InvalidInput(t("a class cannot be moved under itself or its own descendant"), "parent")
                row.parent_id = new_parent.id
            s.add(row)
            return row

    def get(self, code: str) -> SupplyClass:
        with self._work(write=False) as (s, _):
            return by_code(s, SupplyClass, code, "code")

    def list(self, *, agency: str | None = None) -> list[SupplyClass]:
        with self._work(write=False) as (s, _):
            q = select(SupplyClass).order_by(SupplyClass.code)
            if agency:
                q = q.where(SupplyClass.agency_id == by_code(s, Agency, agency, "agency").id)
            return list(s.exec(q).all())

    def tree(self) -> builtins.list[ClassNode]:  # builtins: the method list() shadows the type here
        """Every class in depth-first order, with its depth for indentation."""
        with self._work(write=False) as (s, _):
            rows = s.exec(select(SupplyClass, Agency.code).join(Agency)).all()
        by_id = {c.id: (c, a) for c, a in rows}
        children: dict[int | None, list[SupplyClass]] = {}
        for c, _a in rows:
            children.setdefault(c.parent_id, []).append(c)
        out: list[ClassNode] = []

        def walk(parent_id: int | None, depth: int) -> None:
            for c in sorted(children.get(parent_id, []), key=lambda c: c.code):
                parent_code = by_id[c.parent_id][0].code if c.parent_id in by_id else None
                out.append(ClassNode(c.code, c.name, by_id[c.id][1], parent_code, depth, c.name_en))
                walk(c.id, depth + 1)

        walk(None, 0)
        return out

    @retried
    def handover(
        self, code: str, *, to_agency: str, reason: str | None = None, include_children: bool = True
    ) -> ClassHandover:
        """Hand a class (and by default its sub-classes held by the same agency) to another agency.

        The ownership of all their stock moves at once, and every lot gets a ``handover``
        ledger line naming both agencies.
        """
        data = schemas.load(HandoverIn, dict(supply_class=code, to_agency=to_agency, reason=reason))
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("handing a class over"))
            cls = by_code(s, SupplyClass, data["supply_class"], "supply_class")
            new = by_code(s, Agency, data["to_agency"], "to_agency")
            require_jurisdiction(actor, new.jurisdiction_code, what=str(new), field="to_agency")
            return self._hand_over(s, actor, cls, new, data.get("reason"), include_children=include_children)

    @staticmethod
    def _hand_over(
        s: Session, actor: Actor, cls: SupplyClass, new: Agency, reason: str | None, *, include_children: bool
    ) -> ClassHandover:
        """Hand ``cls`` over to ``new`` in ``new``'s jurisdiction, with every lot of it there."""
        jurisdiction = new.jurisdiction_code
        held = _responsibilities(s, [persisted_id(cls)], jurisdiction).get(persisted_id(cls))
        if held is None:
            raise RuleViolation(
                t("no agency answers for class {code} in that agency's jurisdiction yet: assign it", code=cls.code),
                "to_agency",
            )
        old_id = held.agency_id
        if new.id == old_id:
            raise RuleViolation(t("the class is already held by that agency"), "to_agency")
        old = s.get(Agency, old_id)
        ids = [persisted_id(cls)]
        if include_children:
            below = _responsibilities(s, descendant_ids(s, persisted_id(cls)), jurisdiction)
            ids = [i for i, r in below.items() if r.agency_id == old_id]
        lot_id = cast("Mapped[int]", StockLot.id)  # the primary key: never NULL in a row read back
        lot_ids = s.exec(
            select(lot_id).where(col(StockLot.class_id).in_(ids), StockLot.jurisdiction_code == jurisdiction)
        ).all()
        lots = lock_lots(s, set(lot_ids))
        # The composite key lot(class_id, jurisdiction_code, agency_id) -> responsibility cascades
        # this update to every lot there, so stock can never be left under the old agency.
        s.exec(
            update(ClassResponsibility)
            .where(
                col(ClassResponsibility.class_id).in_(ids), col(ClassResponsibility.jurisdiction_code) == jurisdiction
            )
            .values(agency_id=new.id)
        )
        # The class keeps its filing agency, but where that agency hands over at home so does the class.
        s.exec(
            update(SupplyClass)
            .where(col(SupplyClass.id).in_(ids), col(SupplyClass.agency_id) == old_id)
            .values(agency_id=new.id)
        )
        now = utcnow()
        note = f"handover {cls.code}: {old.code if old else old_id} -> {new.code}"
        for lot in lots.values():
            lot.agency_id = persisted_id(new)  # what the cascade wrote; the ledger line names the new agency
            post(
                s,
                lot,
                MovementKind.HANDOVER,
                actor_id=actor.id,
                reference=f"handover:{cls.code}",
                reason=(reason or note)[:500],
                at=now,
            )
        record = ClassHandover(
            class_id=persisted_id(cls),
            from_agency_id=old_id,
            to_agency_id=persisted_id(new),
            at=now,
            actor_id=actor.id,
            reason=reason,
            lots_moved=len(lots),
        )
        s.add(record)
        s.flush()
        return record


def _responsibilities(s: Session, class_ids: list[int], jurisdiction: str) -> dict[int, ClassResponsibility]:
    rows = s.exec(
        select(ClassResponsibility).where(
            col(ClassResponsibility.class_id).in_(class_ids), ClassResponsibility.jurisdiction_code == jurisdiction
        )
    ).all()
    return {r.class_id: r for r in rows}


def descendant_ids(s: Session, root_id: int) -> list[int]:
    class_id = cast("Mapped[int]", SupplyClass.id)  # the primary key: never NULL in a row read back
    pairs = s.exec(select(class_id, SupplyClass.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for cid, pid in pairs:
        children.setdefault(pid, []).append(cid)
    out, stack = [], [root_id]
    while stack:
        cid = stack.pop()
        out.append(cid)
        stack.extend(children.get(cid, []))
    return out


class Items(Service):
    """Items under the supply classes: ``inv.items``."""

    @retried
    def add(
        self,
        code: str,
        name: str,
        *,
        supply_class: str,
        unit: str,
        spec: str | None = None,
        shelf_life_days: int | None = None,
        unit_weight_kg: float | None = None,
        unit_volume_m3: float | None = None,
        name_en: str | None = None,
        reusable: bool = False,
        tracked: bool = False,
    ) -> Item:
        """Add an item under a class, counted in whole ``unit``s; ``reusable`` for equipment that is
        lent to households and sites and returned (回收); ``tracked`` for equipment tracked by unit
        (serial numbers, maintenance: see ``inv.units``)."""
        data = schemas.load(
            ItemIn,
            dict(
                code=code,
                name=name,
                supply_class=supply_class,
                unit=unit,
                spec=spec,
                name_en=name_en,
                shelf_life_days=shelf_life_days,
                unit_weight_kg=unit_weight_kg,
                unit_volume_m3=unit_volume_m3,
                reusable=reusable,
                tracked=tracked,
            ),
        )
        with self._work() as (s, actor):
            cls = by_code(s, SupplyClass, data.pop("supply_class"), "supply_class")
            _require_item_writer(actor, cls)
            item = Item(class_id=persisted_id(cls), **data)
            s.add(item)
            s.flush()
            return item

    @retried
    def update(self, code: str, **changes: Any) -> Item:
        """Change an item's fields; moving it to another class is refused while it has stock."""
        data = schemas.load(ItemUpdate, changes, partial=True)
        with self._work() as (s, actor):
            item = by_code(s, Item, code, "code")
            cls = s.get(SupplyClass, item.class_id)
            assert cls is not None
            _require_item_writer(actor, cls)
            if "supply_class" in data:
                new_cls = by_code(s, SupplyClass, data.pop("supply_class"), "supply_class")
                _require_item_writer(actor, new_cls)
                if new_cls.id != item.class_id:
                    has_lots = s.exec(select(StockLot.id).where(StockLot.item_id == item.id).limit(1)).first()
                    if has_lots is not None:
                        raise RuleViolation(
                            t("an item with stock cannot change class; hand the class over or create a new item"),
                            "supply_class",
                        )
                    item.class_id = persisted_id(new_cls)
            if "tracked" in data and data["tracked"] != item.tracked:
                held = s.exec(
                    select(StockLot.id).where(StockLot.item_id == item.id, StockLot.on_hand > 0).limit(1)
                ).first()
                if held is not None:
                    raise RuleViolation(
                        t("an item with stock cannot change whether it is tracked by unit; create a new item"),
                        "tracked",
                    )
            for key, value in data.items():
                setattr(item, key, value)
            s.add(item)
            return item

    def get(self, code: str) -> Item:
        with self._work(write=False) as (s, _):
            return by_code(s, Item, code, "code")

    def list(self, *, supply_class: str | None = None) -> list[Item]:
        """Items, all or those of one class and its sub-classes."""
        with self._work(write=False) as (s, _):
            q = select(Item).order_by(Item.code)
            if supply_class:
                cls = by_code(s, SupplyClass, supply_class, "supply_class")
                q = q.where(col(Item.class_id).in_(descendant_ids(s, persisted_id(cls))))
            return list(s.exec(q).all())


def _require_item_writer(actor: Actor, cls: SupplyClass) -> None:
    # Warehouse staff correct the catalog in their daily work (DESIGN: "correct records").
    if can_write_item(actor, cls.agency_id):
        return
    raise PermissionDenied(
        t(
            "{name} ({role}) may not change items of class {code}",
            name=actor.name,
            role=term(actor.role),
            code=cls.code,
        ),
        "user",
    )
