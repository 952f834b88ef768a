"""The rules of importing each reference kind (agencies, points, classes, items, targets): check, then write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from marshmallow import fields
from sqlmodel import Session, SQLModel, select

from ... import schemas
from ...i18n import t
from ...models import (
    Agency,
    ClassResponsibility,
    Item,
    ReserveTarget,
    Role,
    StockLot,
    StoragePoint,
    SupplyClass,
)
from ...models.base import persisted_id, utcnow
from ...permissions import Actor, can_write_item, require_jurisdiction, require_role
from ...terms import term
from ..catalog.schemas import AgencyIn, ItemIn, SupplyClassIn
from ..places.regions import jurisdiction_for
from ..places.schemas import PointIn
from ..stock.schemas import ReceiveIn, TargetIn
from .rows import Problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped


# Spreadsheet cells arrive as text: the same bounds as the services, read from "12" as well as 12.
class ItemRow(ItemIn):
    shelf_life_days = schemas.Days(allow_none=True, strict=False)
    # An empty cell is "no"; a spreadsheet says yes and no in either language.
    reusable = fields.Boolean(
        load_default=False,
        truthy=fields.Boolean.truthy | {"是", "yes", "Yes", "YES", "Y", "y"},
        falsy=fields.Boolean.falsy | {"否", "no", "No", "NO", "N", "n", ""},
    )
    tracked = fields.Boolean(
        load_default=False,
        truthy=fields.Boolean.truthy | {"是", "yes", "Yes", "YES", "Y", "y"},
        falsy=fields.Boolean.falsy | {"否", "no", "No", "NO", "N", "n", ""},
    )


class StockRow(ReceiveIn):
    qty = schemas.Qty(required=True, strict=False)


class TargetRow(TargetIn):
    quantity = schemas.Count(required=True, strict=False)


ROW_SCHEMAS = {
    "agencies": AgencyIn,
    "points": PointIn,
    "classes": SupplyClassIn,
    "items": ItemRow,
    "stock": StockRow,
    "targets": TargetRow,
}


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Batch:
    """The validated rows of one file: row numbers, one dict per row, and the headers as written."""

    s: Session
    actor: Actor
    rows: list[int]
    records: list[dict[str, Any]]
    present: dict[str, str]  # column key -> header as written in the file
    update_existing: bool = True
    problems: list[Problem] = field(default_factory=list)
    kind: str = ""

    def problem(self, i: int, key: str | None, reason: str, value: Any = None, *, refused: bool = False) -> None:
        """Report row ``i``; ``refused`` marks a permission refusal (the import then exits with code 3)."""
        column = None if key is None else self.present.get(key, key)
        self.problems.append(Problem(self.rows[i], column, reason, None if value is None else str(value), refused))


Apply = Callable[[], Counts]


def _upsert(
    b: Batch,
    model: type[SQLModel],
    existing: dict[Any, Any],
    key: str,
    convert: Callable[[dict[str, Any]], dict[str, Any]] = lambda r: r,
) -> Counts:
    """Add the new rows; change the columns the file has on existing rows (unless told to skip)."""
    counts = Counts()
    new = []
    for rec in b.records:
        values = convert(rec)
        row = existing.get(rec[key])
        if row is None:
            new.append(model(**values))
            counts.added += 1
            continue
        diffs = {k: v for k, v in values.items() if k in b.present and getattr(row, k) != v}
        if diffs and b.update_existing:
            for k, v in diffs.items():
                setattr(row, k, v)
            b.s.add(row)
            counts.updated += 1
        else:
            counts.unchanged += 1
    b.s.add_all(new)
    b.s.flush()
    return counts


def agencies(b: Batch) -> Apply:
    require_role(b.actor, Role.ADMIN, action=t("importing agencies"))
    existing = {a.code: a for a in b.s.exec(select(Agency)).all()}
    return lambda: _upsert(b, Agency, existing, "code", _in_jurisdiction(b))


def points(b: Batch) -> Apply:
    require_role(b.actor, Role.ADMIN, action=t("importing storage points"))
    existing = {p.code: p for p in b.s.exec(select(StoragePoint)).all()}
    return lambda: _upsert(b, StoragePoint, existing, "code", _in_jurisdiction(b))


def _in_jurisdiction(b: Batch) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A row's values with the jurisdiction of its region, refused outside the importing admin's."""

    def convert(rec: dict[str, Any]) -> dict[str, Any]:
        jurisdiction = jurisdiction_for(b.s, rec.get("region_code"))
        require_jurisdiction(b.actor, jurisdiction, what=str(rec.get("code")), field="region_code")
        return rec | {"jurisdiction_code": jurisdiction}

    return convert


def classes(b: Batch) -> Apply:
    agency_id_column = cast("Mapped[int]", Agency.id)  # the primary key: never NULL in a row read back
    agencies = dict(b.s.exec(select(Agency.code, agency_id_column)).all())
    agency_jurisdiction = dict(b.s.exec(select(agency_id_column, Agency.jurisdiction_code)).all())
    agency_code = {v: k for k, v in agencies.items()}
    existing = {c.code: c for c in b.s.exec(select(SupplyClass)).all()}
    code_of = {c.id: c.code for c in existing.values()}
    parent_of = {c.code: code_of.get(c.parent_id) for c in existing.values()}
    in_file = {rec["code"] for rec in b.records}
    for i, rec in enumerate(b.records):
        agency_id = agencies.get(rec["agency"])
        old = existing.get(rec["code"])
        if agency_id is None:
            b.problem(i, "agency", t("no agency with code {agency!r}", agency=rec["agency"]), rec["agency"])
        elif not (
            b.actor.role == Role.ADMIN or (b.actor.role == Role.AGENCY_OFFICER and b.actor.agency_id == agency_id)
        ):
            b.problem(
                i,
                "agency",
                t(
                    "{name} ({role}) may not add classes of agency {agency}",
                    name=b.actor.name,
                    role=b.actor.role,
                    agency=rec["agency"],
                ),
                rec["agency"],
                refused=True,
            )
        elif old is not None and old.agency_id != agency_id and b.update_existing:
            b.problem(
                i,
                "agency",
                t(
                    "class {code} is held by {agency_code}; change its agency by handing it over (classes handover), not by import",
                    code=rec["code"],
                    agency_code=agency_code.get(old.agency_id),
                ),
                rec["agency"],
            )
        parent = rec.get("parent")
        if parent is not None and parent not in existing and parent not in in_file:
            b.problem(
                i,
                "parent",
                t("no supply class with code {parent!r} in the database or the file", parent=parent),
                parent,
            )
        if "parent" in b.present and (old is None or b.update_existing):
            parent_of[rec["code"]] = parent
    for i, rec in enumerate(b.records):
        seen, code = set(), rec["code"]
        while code is not None and code not in seen:
            seen.add(code)
            code = parent_of.get(code)
        if code is not None:
            b.problem(i, "parent", t("the parent chain comes back to this class (a loop)"), rec.get("parent"))

    def apply() -> Counts:
        counts = Counts()
        ids = {code: c.id for code, c in existing.items()}
        pending = []
        for rec in b.records:
            old = existing.get(rec["code"])
            if old is None:
                pending.append(rec)
                continue
            changes: dict[str, Any] = {  # values as the records hold them
                k: rec[k] for k in ("name", "name_en") if k in b.present and getattr(old, k) != rec[k]
            }
            if "parent" in b.present and parent_of.get(rec["code"]) != code_of.get(old.parent_id):
                changes["parent_id"] = rec["parent"]  # resolved after the new classes exist
            if changes and b.update_existing:
                pending.append(rec | {"_old": old, "_changes": changes})
            else:
                counts.unchanged += 1
        new = [r for r in pending if "_old" not in r]
        while new:  # parents before children, one flush per level of the tree
            ready = [r for r in new if r.get("parent") is None or r["parent"] in ids]
            rows = [
                SupplyClass(
                    code=r["code"],
                    name=r["name"],
                    name_en=r.get("name_en"),
                    agency_id=agencies[r["agency"]],
                    parent_id=ids[r["parent"]] if r.get("parent") else None,
                )
                for r in ready
            ]
            b.s.add_all(rows)
            b.s.flush()
            b.s.add_all(
                ClassResponsibility(
                    class_id=persisted_id(row),
                    jurisdiction_code=agency_jurisdiction[row.agency_id],
                    agency_id=row.agency_id,
                )
                for row in rows
            )
            b.s.flush()
            ids.update({row.code: row.id for row in rows})
            counts.added += len(rows)
            new = [r for r in new if r["code"] not in ids]
        for r in pending:
            if "_old" in r:
                old, changes = r["_old"], r["_changes"]
                if "parent_id" in changes:
                    changes["parent_id"] = ids[changes["parent_id"]] if changes["parent_id"] else None
                for k, v in changes.items():
                    setattr(old, k, v)
                b.s.add(old)
                counts.updated += 1
        b.s.flush()
        return counts

    return apply


def items(b: Batch) -> Apply:
    classes = {
        code: (cid, aid)
        for cid, code, aid in b.s.exec(select(SupplyClass.id, SupplyClass.code, SupplyClass.agency_id)).all()
    }
    existing = {it.code: it for it in b.s.exec(select(Item)).all()}
    stocked = set(b.s.exec(select(StockLot.item_id).distinct()).all())
    actor = b.actor
    for i, rec in enumerate(b.records):
        cls = classes.get(rec["supply_class"])
        old = existing.get(rec["code"])
        if cls is None:
            b.problem(
                i,
                "supply_class",
                t("no supply class with code {supply_class!r}", supply_class=rec["supply_class"]),
                rec["supply_class"],
            )
            continue
        if not can_write_item(actor, cls[1]):
            b.problem(
                i,
                "supply_class",
                t(
                    "{name} ({role}) may not change items of class {supply_class}",
                    name=actor.name,
                    role=term(actor.role),
                    supply_class=rec["supply_class"],
                ),
                rec["supply_class"],
                refused=True,
            )
        if (
            old is not None
            and b.update_existing
            and "tracked" in b.present
            and bool(rec.get("tracked")) != old.tracked
            and old.id in stocked
        ):
            b.problem(
                i,
                "tracked",
                t("an item with stock cannot change whether it is tracked by unit; create a new item"),
                rec.get("tracked"),
            )
        if old is not None and b.update_existing and old.class_id != cls[0] and old.id in stocked:
            b.problem(
                i,
                "supply_class",
                t(
                    "item {code} has stock and cannot change class; hand the class over or create a new item",
                    code=rec["code"],
                ),
                rec["supply_class"],
            )

    def convert(rec: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in rec.items() if k != "supply_class"}
        out["class_id"] = classes[rec["supply_class"]][0]
        return out

    if "supply_class" in b.present:
        b.present = b.present | {"class_id": b.present["supply_class"]}
    return lambda: _upsert(b, Item, existing, "code", convert)


def targets(b: Batch) -> Apply:
    require_role(b.actor, Role.ADMIN, Role.DISPATCHER, action=t("importing reserve targets"))
    items = dict(b.s.exec(select(Item.code, Item.id)).all())
    points = dict(b.s.exec(select(StoragePoint.code, StoragePoint.id)).all())
    keys: list[tuple[int, int | None, str | None] | None] = []
    for i, rec in enumerate(b.records):
        item_id, point_id = items.get(rec["item"]), points.get(rec["point"]) if rec.get("point") else None
        if item_id is None:
            b.problem(i, "item", t("no item with code {item!r}", item=rec["item"]), rec["item"])
        if rec.get("point") and point_id is None:
            b.problem(i, "point", t("no storage point with code {point!r}", point=rec["point"]), rec["point"])
        if not rec.get("point") and not rec.get("region_code"):
            b.problem(i, "point", t("give a storage point or a region code"))
        if item_id is not None and (point_id is not None or (not rec.get("point") and rec.get("region_code"))):
            keys.append((item_id, point_id, None if point_id else rec.get("region_code")))
        else:
            keys.append(None)
    first: dict[tuple[int, int | None, str | None], int] = {}
    for i, key in enumerate(keys):
        if key is not None and key in first:
            b.problem(i, "item", t("the same target repeats row {rows}", rows=b.rows[first[key]]), b.records[i]["item"])
        elif key is not None:
            first[key] = i

    def apply() -> Counts:
        counts = Counts()
        existing = {(t.item_id, t.point_id, t.region_code): t for t in b.s.exec(select(ReserveTarget)).all()}
        now = utcnow()
        for key, rec in zip(keys, b.records):
            assert key is not None  # a row without a key is a problem, and apply() runs only without problems
            row = existing.get(key)
            if row is None:
                b.s.add(
                    ReserveTarget(
                        item_id=key[0],
                        point_id=key[1],
                        region_code=key[2],
                        quantity=rec["quantity"],
                        updated_at=now,
                    )
                )
                counts.added += 1
            elif row.quantity != rec["quantity"] and b.update_existing:
                row.quantity, row.updated_at = rec["quantity"], now
                b.s.add(row)
                counts.updated += 1
            else:
                counts.unchanged += 1
        b.s.flush()
        return counts

    return apply


PREPARE: dict[str, Callable[[Batch], Apply]] = {
    "agencies": agencies,
    "points": points,
    "classes": classes,
    "items": items,
    "targets": targets,
}
