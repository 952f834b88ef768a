"""The last mile's papers: the signing sheet (发放登记表) of a village and the public notice (发放公示).

The signing sheet lists every registered household of a village, one row each, with what it
received (a column per item), its number, the head's name, the ID number masked, the members,
who collected for it (代领) and an empty column for the signature or thumbprint (签名/手印). It
never shows a phone. The public notice gives, per village, the households served, the people in
them and the quantity of each item: totals only, no personal data at all.

Both are a few grouped queries (never a query per household) and read the distributions the
acting user may read: warehouse staff those at their own points, everyone else those at the points
of their jurisdiction and below (:func:`~supplies.permissions.scoped_points`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...errors import InvalidInput, NotFound
from ...i18n import t
from ...models import Distribution, DistributionLine, Household, Item, StoragePoint
from ...models.base import persisted_id
from ...permissions import Actor, scoped_points
from ...pii import mask_id
from ...schemas import Id, bounded, load
from ..base import Service, by_code
from ..io.tabular import Sheet, write_xlsx
from ..reports.builders import day_start, report_zone
from ..results import Result
from .entitlements import rules_for
from .households import resolve_incident
from .schemas import SigningSheetIn

LANGS = ("zh", "en")

#: The words of both papers, in Chinese (the default: they are signed and posted in villages) and English.
WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "sheet": "救灾物资发放登记表",
        "notice": "救灾物资发放公示",
        "incident": "灾害事件",
        "village": "村(社区)",
        "point": "发放点",
        "period": "发放日期",
        "all": "全部",
        "no": "序号",
        "number": "户号",
        "head": "户主姓名",
        "id_number": "身份证号",
        "members": "家庭人数",
        "collector": "代领人",
        "signature": "签名/手印",
        "households": "受助户数",
        "people": "受助人数",
        "total": "合计",
        "clerk": "经办人(签字):",
        "cadre": "村干部(签字):",
        "date": "日期:",
        "printed": "制表时间",
        "notice_note": "以上为本次救灾物资发放汇总,如有异议请向发放单位反映。",
    },
    "en": {
        "sheet": "Relief distribution signing sheet",
        "notice": "Public notice of relief distribution",
        "incident": "Incident",
        "village": "Village",
        "point": "Distribution point",
        "period": "Days",
        "all": "all",
        "no": "No.",
        "number": "Household",
        "head": "Head of household",
        "id_number": "ID number",
        "members": "Members",
        "collector": "Collected by",
        "signature": "Signature / thumbprint",
        "households": "Households served",
        "people": "People",
        "total": "Total",
        "clerk": "Clerk (signature):",
        "cadre": "Village cadre (signature):",
        "date": "Date:",
        "printed": "Made",
        "notice_note": "The totals of this relief distribution; raise any objection with the distributing office.",
    },
}


@dataclass(frozen=True)
class PaperItem(Result):
    """An item column of a signing sheet or a notice."""

    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class SheetRow(Result):
    """One household on a signing sheet: the ID number masked, no phone; ``received`` per item column."""

    number: str
    head: str
    id_number: str | None
    members: int
    received: tuple[int, ...]
    collector: str | None


@dataclass(frozen=True)
class SigningSheet(Result):
    """The signing sheet (发放登记表) of a village in an incident, optionally of one point and a period."""

    incident_id: int
    incident: str
    village: str
    point: str | None
    point_name: str | None
    since: date | None
    until: date | None
    items: tuple[PaperItem, ...]
    rows: tuple[SheetRow, ...]
    totals: tuple[int, ...]
    members: int
    made_at: datetime

    def save(self, target: str | Path | IO[bytes], *, lang: str = "zh") -> None:
        """Write the sheet as XLSX: a title, the rows, the total, and the clerk's and cadre's signature lines."""
        w = _words(lang)
        heads = [w["no"], w["number"], w["head"], w["id_number"], w["members"]]
        heads += [_item_head(i) for i in self.items] + [w["collector"], w["signature"]]
        rows = [
            [n, r.number, r.head, r.id_number or "", r.members, *(q or "" for q in r.received), r.collector or "", ""]
            for n, r in enumerate(self.rows, start=1)
        ]
        total = [w["total"], "", "", "", self.members, *self.totals, "", ""]
        before = [[w["sheet"]], *([k, v] for k, v in self.heading(lang))]
        after = [[], [w["clerk"], "", "", w["cadre"]], [w["date"], "", "", w["date"]]]
        write_xlsx(target, [Sheet(self.village, heads, rows, total, before, after)])

    def heading(self, lang: str = "zh") -> list[tuple[str, str]]:
        """The sheet's heading lines: incident, village, point and days, as (label, value)."""
        w = _words(lang)
        return [
            (w["incident"], f"#{self.incident_id} {self.incident}"),
            (w["village"], self.village),
            (w["point"], f"{self.point} {self.point_name}" if self.point else w["all"]),
            (w["period"], _period(self.since, self.until, w["all"])),
            (w["printed"], _minute(self.made_at)),
        ]


@dataclass(frozen=True)
class NoticeRow(Result):
    """One village of a public notice: households served, the people in them, the quantity of each item."""

    village: str
    households: int
    people: int
    quantities: tuple[int, ...]


@dataclass(frozen=True)
class Notice(Result):
    """The public notice (发放公示) of an incident: totals per village, no personal data."""

    incident_id: int
    incident: str
    items: tuple[PaperItem, ...]
    rows: tuple[NoticeRow, ...]
    total: NoticeRow
    made_at: datetime

    def save(self, target: str | Path | IO[bytes], *, lang: str = "zh") -> None:
        """Write the notice as XLSX: a title, a row per village and the total."""
        w = _words(lang)
        heads = [w["village"], w["households"], w["people"], *(_item_head(i) for i in self.items)]
        rows = [[r.village, r.households, r.people, *r.quantities] for r in self.rows]
        total = [w["total"], self.total.households, self.total.people, *self.total.quantities]
        before = [[w["notice"]], [w["incident"], f"#{self.incident_id} {self.incident}"]]
        before.append([w["printed"], _minute(self.made_at)])
        write_xlsx(target, [Sheet(w["notice"], heads, rows, total, before, [[], [w["notice_note"]]])])


def _words(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise InvalidInput(t("must be en or zh"), "lang")
    return WORDS[lang]


def _item_head(item: PaperItem) -> str:
    return f"{item.name}({item.unit})"


def _minute(at: datetime) -> str:
    return at.astimezone(report_zone(None)).strftime("%Y-%m-%d %H:%M")


def _period(since: date | None, until: date | None, every: str) -> str:
    if since is None and until is None:
        return every
    return f"{since.isoformat() if since else '…'} – {until.isoformat() if until else '…'}"


def _paper_items(s: Session, received: set[int], incident_id: int | None = None) -> list[tuple[int, PaperItem]]:
    """The item columns, by code: those received, and those a rule of ``incident_id`` gives out (not 0)."""
    ids = set(received)
    if incident_id is not None:
        ids |= {persisted_id(it) for rule, it in rules_for(s, incident_id) if rule.quantity > 0}
    if not ids:
        return []
    rows = s.exec(select(Item).where(col(Item.id).in_(sorted(ids))).order_by(col(Item.code))).all()
    return [(persisted_id(it), PaperItem(it.code, it.name, it.unit)) for it in rows]


class ReliefPapers(Service):
    """The signing sheet of a village and the public notice of an incident: ``inv.relief_papers``.

    Anyone who reads the incident reads them; each counts the distributions at the points the
    acting user reads (warehouse staff: their own points).
    """

    def villages(self, *, incident: int | None = None) -> list[tuple[str, int]]:
        """The villages of ``incident``'s register (default: the only open incident), with their households."""
        incident = bounded(Id(allow_none=True), incident, "incident")
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            rows = s.exec(
                select(Household.village, func.count())
                .where(Household.incident_id == inc.id)
                .group_by(col(Household.village))
                .order_by(col(Household.village))
            ).all()
            return [(v, int(n)) for v, n in rows]

    def signing_sheet(
        self,
        village: str,
        *,
        incident: int | None = None,
        point: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        tz: str | None = None,
    ) -> SigningSheet:
        """The signing sheet of ``village``: every household of it in ``incident`` (default: the only open
        one) with what it received, at ``point`` only and from ``since`` to ``until`` (days, both included,
        in time zone ``tz``) when given."""
        data = load(
            SigningSheetIn, dict(village=village, incident=incident, point=point, since=since, until=until, tz=tz)
        )
        zone = report_zone(data.get("tz"))
        start = day_start(data.get("since"), zone)
        end = day_start(data["until"] + timedelta(days=1), zone) if data.get("until") else None
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, data.get("incident"))
            inc_id = persisted_id(inc)
            where: list[Any] = [_readable(actor)]
            p = None
            if data.get("point"):
                p = by_code(s, StoragePoint, data["point"], "point")
                if s.exec(scoped_points(select(StoragePoint.id), actor).where(StoragePoint.id == p.id)).first() is None:
                    raise NotFound(t("no storage point with code {code!r}", code=p.code), "point")
                where.append(Distribution.point_id == p.id)
            if start is not None:
                where.append(col(Distribution.at) >= start)
            if end is not None:
                where.append(col(Distribution.at) < end)
            households = s.exec(
                select(Household)
                .where(Household.incident_id == inc_id, Household.village == data["village"])
                .order_by(col(Household.number))
            ).all()
            if not households:
                raise NotFound(
                    t(
                        "no household of village {village} in incident #{incident}",
                        village=data["village"],
                        incident=inc_id,
                    ),
                    "village",
                )
            of_village = select(Household.id).where(
                Household.incident_id == inc_id, Household.village == data["village"]
            )
            given = s.exec(
                select(DistributionLine.household_id, DistributionLine.item_id, func.sum(DistributionLine.qty))
                .join(Distribution, col(Distribution.id) == DistributionLine.distribution_id)
                .where(Distribution.incident_id == inc_id, col(Distribution.household_id).in_(of_village), *where)
                .group_by(col(DistributionLine.household_id), col(DistributionLine.item_id))
            ).all()
            collectors = s.exec(
                select(Distribution.household_id, Distribution.collector)
                .where(
                    Distribution.incident_id == inc_id,
                    col(Distribution.household_id).in_(of_village),
                    col(Distribution.collector).is_not(None),
                    *where,
                )
                .order_by(col(Distribution.id))
            ).all()
            items = _paper_items(s, {item_id for _, item_id, _ in given}, inc_id)
            got = {(hh, item_id): int(qty) for hh, item_id, qty in given}
            by_household: dict[int, list[str]] = {}
            for hh_id, name in collectors:
                names = by_household.setdefault(hh_id, [])
                if name and name not in names:
                    names.append(name)
            rows = tuple(
                SheetRow(
                    h.number,
                    h.head,
                    mask_id(h.id_first4, h.id_last4, h.id_length),
                    h.members,
                    tuple(got.get((persisted_id(h), item_id), 0) for item_id, _ in items),
                    "、".join(by_household.get(persisted_id(h), [])) or None,
                )
                for h in households
            )
            return SigningSheet(
                inc_id,
                inc.name,
                data["village"],
                p.code if p else None,
                p.name if p else None,
                data.get("since"),
                data.get("until"),
                tuple(item for _, item in items),
                rows,
                tuple(sum(r.received[k] for r in rows) for k in range(len(items))),
                sum(r.members for r in rows),
                datetime.now(UTC),
            )

    def notice(self, *, incident: int | None = None) -> Notice:
        """The public notice of ``incident`` (default: the only open one): per village, the households
        served, the people in them and the quantity of each item given out. No personal data."""
        incident = bounded(Id(allow_none=True), incident, "incident")
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            inc_id = persisted_id(inc)
            served = (
                select(Distribution.household_id)
                .where(Distribution.incident_id == inc_id, _readable(actor))
                .distinct()
                .scalar_subquery()
            )
            villages = s.exec(
                select(Household.village, func.count(), func.sum(Household.members))
                .where(Household.incident_id == inc_id, col(Household.id).in_(served))
                .group_by(col(Household.village))
                .order_by(col(Household.village))
            ).all()
            quantities = s.exec(
                select(Household.village, DistributionLine.item_id, func.sum(DistributionLine.qty))
                .join(Distribution, col(Distribution.id) == DistributionLine.distribution_id)
                .join(Household, col(Household.id) == DistributionLine.household_id)
                .where(Distribution.incident_id == inc_id, _readable(actor))
                .group_by(col(Household.village), col(DistributionLine.item_id))
            ).all()
            given = {(v, i): int(q) for v, i, q in quantities}
            items = _paper_items(s, {i for _, i, _ in quantities})
            rows = tuple(
                NoticeRow(v, int(n), int(people or 0), tuple(given.get((v, i), 0) for i, _ in items))
                for v, n, people in villages
            )
            total = NoticeRow(
                "",
                sum(r.households for r in rows),
                sum(r.people for r in rows),
                tuple(sum(r.quantities[k] for r in rows) for k in range(len(items))),
            )
            return Notice(inc_id, inc.name, tuple(it for _, it in items), rows, total, datetime.now(UTC))


def _readable(actor: Actor) -> Any:
    """The distributions ``actor`` reads: those at the points it reads."""
    return col(Distribution.point_id).in_(scoped_points(select(StoragePoint.id), actor))


__all__ = ["Notice", "NoticeRow", "PaperItem", "ReliefPapers", "SheetRow", "SigningSheet"]
