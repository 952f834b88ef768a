"""Administrative divisions and jurisdictions: load the GB/T 2260 tree, find a thing's jurisdiction, walk a subtree."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from ... import schemas
from ...errors import InvalidInput, NotFound, OneAgencyRuleViolation, PermissionDenied
from ...i18n import t
from ...models import JURISDICTION_LEVELS, ROOT_REGION, ClassResponsibility, Region, Role, SupplyClass
from ...models.regions import path_under
from ...permissions import Actor, in_scope, require_jurisdiction, require_role
from ..base import Service, retried
from .schemas import RegionIn

# Level names as the divisions' own lists write them, beside ours.
LEVEL_WORDS = {
    "province": "province",
    "省": "province",
    "自治区": "province",
    "直辖市": "province",
    "city": "city",
    "市": "city",
    "州": "city",
    "地区": "city",
    "盟": "city",
    "county": "county",
    "县": "county",
    "区": "county",
    "县级市": "county",
    "旗": "county",
    "township": "township",
    "乡": "township",
    "镇": "township",
    "街道": "township",
    "village": "village",
    "村": "village",
    "社区": "village",
}
_DEPTH = {"root": 0, "province": 1, "city": 2, "county": 3, "township": 4, "village": 5}


def structural_ancestors(code: str) -> list[str]:
    """The codes GB/T 2260 nests ``code`` in, nearest first: village → township → county → city → province."""
    out = []
    if len(code) == 12:
        out.append(code[:9])
    if len(code) >= 9:
        out.append(code[:6])
    if len(code) >= 6:
        out += [code[:4] + "00", code[:2] + "0000"]
    return [c for c in dict.fromkeys(out) if c != code]


def jurisdiction_for(s: Session, region_code: str | None) -> str:
    """The jurisdiction of a thing in ``region_code``: its region's nearest ancestor at county level or above.

    A code the tree does not hold counts by the nearest one it does (a township not loaded belongs
    to its county), and a thing without a region belongs to the installation's top.
    """
    if not region_code:
        return ROOT_REGION
    for code in (region_code, *structural_ancestors(region_code)):
        region = s.get(Region, code)
        if region is not None:
            return region.jurisdiction_code
    return ROOT_REGION


def jurisdiction_in_scope(s: Session, actor: Actor, region_code: str | None) -> str:
    """The jurisdiction of a new or moved thing in ``region_code``, refused outside the actor's own and below."""
    jurisdiction = jurisdiction_for(s, region_code)
    require_jurisdiction(actor, jurisdiction, what=t("region {code}", code=region_code), field="region_code")
    return jurisdiction


def subtree_jurisdictions(s: Session, code: str) -> frozenset[str]:
    """The jurisdiction ``code`` and every jurisdiction below it (a prefix of the path, read with its index)."""
    region = s.get(Region, code)
    if region is None:
        return frozenset({code})
    rows = s.exec(
        select(Region.code).where(
            path_under(region.path, s.get_bind().dialect.name), col(Region.level).in_(JURISDICTION_LEVELS)
        )
    ).all()
    return frozenset(rows)


def parent_jurisdiction(s: Session, code: str) -> Region | None:
    """The jurisdiction directly above ``code``, or None at the top."""
    region = s.get(Region, code)
    if region is None or region.parent_code is None:
        return None
    parent = s.get(Region, region.parent_code)
    return s.get(Region, parent.jurisdiction_code) if parent is not None else None


def responsible_agency_id(s: Session, cls: SupplyClass, jurisdiction: str) -> int:
    """The agency answering for ``cls`` in ``jurisdiction``, or a refusal saying how to assign one."""
    agency_id = s.exec(
        select(ClassResponsibility.agency_id).where(
            ClassResponsibility.class_id == cls.id, ClassResponsibility.jurisdiction_code == jurisdiction
        )
    ).first()
    if agency_id is None:
        region = s.get(Region, jurisdiction)
        raise OneAgencyRuleViolation(
            t(
                "class {supply_class} has no responsible agency in {region}; assign one first "
                "(supplies class assign {supply_class} --agency CODE)",
                supply_class=cls.code,
                region=str(region) if region else jurisdiction,
            ),
            "item",
        )
    return agency_id


def region_name(s: Session, code: str | None) -> str:
    region = s.get(Region, code) if code else None
    return region.name if region else (code or "")


@dataclass(frozen=True)
class RegionResult:
    """A region as the CLI and the web show it."""

    code: str
    name: str
    level: str
    parent: str | None
    jurisdiction: str
    depth: int


@dataclass(frozen=True)
class RegionLoad:
    """What a load of divisions did."""

    added: int
    updated: int
    unchanged: int


class Regions(Service):
    """The administrative divisions and their jurisdictions: ``inv.regions``."""

    @retried
    def add(self, code: str, name: str, *, level: str, parent: str | None = None) -> Region:
        """Add one region under ``parent`` (a region already known, or the top)."""
        self.add_many([(code, name, level, parent)])
        return self.get(code)

    @retried
    def load(self, path: str | Path) -> RegionLoad:
        """Load divisions from a CSV or XLSX file with the columns code, name, level, parent."""
        from ..io.sheets import read_rows

        rows = read_rows(Path(path), field="file", limit=1_000_000)
        if not rows:
            raise InvalidInput(t("the file is empty"), "file")
        header = [(h or "").strip().lower() for h in rows[0][1]]
        missing = [c for c in ("code", "name", "level") if c not in header]
        if missing:
            raise InvalidInput(t("the header lacks the column {column}", column=", ".join(missing)), "file")
        at = {name: header.index(name) for name in ("code", "name", "level", "parent") if name in header}
        entries = []
        for number, cells in rows[1:]:
            cell = {k: (cells[i] if i < len(cells) else None) for k, i in at.items()}
            entries.append((cell["code"] or "", cell["name"] or "", cell["level"] or "", cell.get("parent"), number))
        return self.add_many([e[:4] for e in entries], rows=[e[4] for e in entries])

    def add_many(
        self, entries: Iterable[tuple[str, str, str, str | None]], *, rows: list[int] | None = None
    ) -> RegionLoad:
        """Add or rename regions, parents before children, all or nothing."""
        checked: list[dict[str, str | None]] = []
        for n, (code, name, level, parent) in enumerate(entries):
            where = f"row {rows[n]}: " if rows else ""
            word = LEVEL_WORDS.get((level or "").strip().lower()) or LEVEL_WORDS.get((level or "").strip())
            if word is None:
                raise InvalidInput(
                    where + t("level {level!r} is none of province, city, county, township, village", level=level),
                    "level",
                )
            try:
                data = schemas.load(RegionIn, dict(code=code, name=name, level=word, parent=parent or None))
            except InvalidInput as exc:
                raise InvalidInput(where + str(exc), exc.field) from None
            checked.append(data)
        checked.sort(key=lambda d: (_DEPTH[str(d["level"])], len(str(d["code"]))))
        added = updated = unchanged = 0
        with self._work() as (s, actor):
            require_role(actor, Role.ADMIN, action=t("loading administrative divisions"))
            for data in checked:
                code, name, level = str(data["code"]), str(data["name"]), str(data["level"])
                above = self._parent_of(s, code, data.get("parent"))
                if not in_scope(actor, above.jurisdiction_code):
                    raise PermissionDenied(
                        t("{name} may not add regions under {region}", name=actor.name, region=str(above)), "user"
                    )
                if _DEPTH[level] <= _DEPTH[above.level]:
                    raise InvalidInput(
                        t(
                            "{code} ({level}) cannot lie under {parent} ({parent_level})",
                            code=code,
                            level=level,
                            parent=str(above),
                            parent_level=above.level,
                        ),
                        "parent",
                    )
                old = s.get(Region, code)
                if old is not None:
                    if old.parent_code != above.code or old.level != level:
                        raise InvalidInput(
                            t(
                                "region {code} is already filed under {parent} as {level}",
                                code=code,
                                parent=old.parent_code,
                                level=old.level,
                            ),
                            "code",
                        )
                    if old.name == name:
                        unchanged += 1
                        continue
                    old.name = name
                    s.add(old)
                    updated += 1
                    continue
                jurisdiction = code if level in JURISDICTION_LEVELS else above.jurisdiction_code
                s.add(
                    Region(
                        code=code,
                        name=name,
                        level=level,
                        parent_code=above.code,
                        path=f"{above.path}{code}/",
                        jurisdiction_code=jurisdiction,
                    )
                )
                s.flush()
                added += 1
            return RegionLoad(added, updated, unchanged)

    @staticmethod
    def _parent_of(s: Session, code: str, parent: str | None) -> Region:
        if parent:
            row = s.get(Region, parent)
            if row is None:
                raise NotFound(t("no region with code {code!r}", code=parent), "parent")
            return row
        # No parent given: the nearest loaded ancestor by the code's structure, else the top.
        for candidate in structural_ancestors(code):
            row = s.get(Region, candidate)
            if row is not None:
                return row
        return s.get_one(Region, ROOT_REGION)

    def get(self, code: str) -> Region:
        with self._work(write=False) as (s, _):
            region = s.get(Region, code)
            if region is None:
                raise NotFound(t("no region with code {code!r}", code=code), "code")
            return region

    def list(self, *, under: str | None = None) -> list[RegionResult]:
        """The regions under ``under`` (itself included), or all, in tree order."""
        with self._work(write=False) as (s, _):
            q = select(Region).order_by(Region.path)
            if under:
                top = s.get(Region, under)
                if top is None:
                    raise NotFound(t("no region with code {code!r}", code=under), "under")
                q = q.where(path_under(top.path, s.get_bind().dialect.name))
            return [
                RegionResult(r.code, r.name, r.level, r.parent_code, r.jurisdiction_code, r.path.count("/") - 1)
                for r in s.exec(q).all()
            ]

    def jurisdiction_of(self, region_code: str | None) -> Region:
        """The jurisdiction a thing in ``region_code`` belongs to."""
        with self._work(write=False) as (s, _):
            return s.get_one(Region, jurisdiction_for(s, region_code))

    def jurisdictions(self) -> builtins.list[Region]:
        """The acting user's jurisdiction and every one below it, in tree order."""
        with self._work(write=False) as (s, actor):
            codes = subtree_jurisdictions(s, actor.jurisdiction)
            return list(s.exec(select(Region).where(col(Region.code).in_(codes)).order_by(Region.path)).all())
