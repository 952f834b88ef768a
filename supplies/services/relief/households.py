"""The household register (受灾群众登记) of an incident: add, correct, import, list, with personal data masked."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from marshmallow import ValidationError
from sqlalchemy import case, func, insert, or_
from sqlmodel import Session, col, select

from ...errors import InvalidInput, NotFound
from ...i18n import t
from ...limits import bad_character
from ...models import Household, Incident, Role
from ...models.base import persisted_id, utcnow
from ...permissions import Actor, in_scope, require_jurisdiction, require_role, scoped_to_jurisdiction
from ...pii import id_hash, mask_id, mask_phone, normalise_id, pii_key, scrubbed
from ...schemas import load
from ..base import Service, retried
from ..io.rows import ImportRejected, Problem
from ..io.sheets import read_rows
from ..results import Result
from .schemas import HouseholdChange, HouseholdIn

MAX_HOUSEHOLD_ROWS = 100_000
MAX_SEARCH = 100  # longer than any number, name or village: a longer text cannot match one
MAX_FOUND = 50

# The columns of a register file, by every header they may have (lower case, without spaces).
HEADERS: dict[str, str] = {
    "number": "number",
    "编号": "number",
    "户号": "number",
    "head": "head",
    "户主": "head",
    "户主姓名": "head",
    "members": "members",
    "人数": "members",
    "家庭人数": "members",
    "under_5": "under_5",
    "5岁以下": "under_5",
    "age_60_plus": "age_60_plus",
    "60岁以上": "age_60_plus",
    "village": "village",
    "村": "village",
    "村(社区)": "village",
    "phone": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "id_number": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
}
REQUIRED = ("number", "head", "members", "village")
# A row without an ID number keeps these empty (every row of one INSERT has the same columns).
NO_ID: dict[str, Any] = {"id_hash": None, "id_first4": None, "id_last4": None, "id_length": None, "phone": None}
INSERT_CHUNK = 5_000


@dataclass(frozen=True)
class HouseholdResult(Result):
    """A household as the acting user may see it: the ID number always masked, the phone masked
    unless the user is an admin or dispatcher of the household's jurisdiction."""

    id: int
    incident_id: int
    number: str
    head: str
    members: int
    under_5: int
    age_5_59: int
    age_60_plus: int
    village: str
    phone: str | None
    id_number: str | None


def sees_phone(actor: Actor, jurisdiction: str) -> bool:
    """Admins and dispatchers of the household's jurisdiction (or above) see its phone number in full."""
    return actor.role in (Role.ADMIN, Role.DISPATCHER) and in_scope(actor, jurisdiction)


def household_view(row: Household, actor: Actor) -> HouseholdResult:
    return HouseholdResult(
        persisted_id(row),
        row.incident_id,
        row.number,
        row.head,
        row.members,
        row.under_5,
        row.members - row.under_5 - row.age_60_plus,
        row.age_60_plus,
        row.village,
        row.phone if sees_phone(actor, row.jurisdiction_code) else mask_phone(row.phone),
        mask_id(row.id_first4, row.id_last4, row.id_length),
    )


def resolve_incident(s: Session, actor: Actor, incident: int | None) -> Incident:
    """The incident named, or the only open one the actor acts on."""
    if incident is not None:
        row = s.get(Incident, incident)
        if row is None or not in_scope(actor, row.jurisdiction_code):
            raise NotFound(t("no incident with id {id!r}", id=incident), "incident")
        return row
    query = scoped_to_jurisdiction(
        select(Incident).where(Incident.status == "open"), actor, Incident.jurisdiction_code
    ).order_by(col(Incident.id))
    rows = list(s.exec(query.limit(6)).all())
    if not rows:
        raise InvalidInput(t("there is no open incident: record one first"), "incident")
    if len(rows) > 1:
        ids = ", ".join(f"#{r.id}" for r in rows[:5])
        raise InvalidInput(t("several incidents are open ({ids}): say which one", ids=ids), "incident")
    return rows[0]


def find_household(s: Session, incident: Incident, number: str, *, lock: bool = False) -> Household:
    if bad_character(number):  # no number holds one (and PostgreSQL could not even compare a NUL)
        raise NotFound(
            t("no household {number} in incident #{incident}", number="?", incident=incident.id), "household"
        )
    query = select(Household).where(Household.incident_id == incident.id, Household.number == number)
    if lock:
        query = query.with_for_update()
    row = s.exec(query).one_or_none()
    if row is None:
        raise NotFound(
            t("no household {number} in incident #{incident}", number=number, incident=incident.id), "household"
        )
    return row


def _require_register(actor: Actor, incident: Incident) -> None:
    require_role(actor, Role.ADMIN, Role.DISPATCHER, action=t("registering households"))
    require_jurisdiction(actor, incident.jurisdiction_code, what=str(incident), field="incident")


def _id_parts(key: bytes, id_number: str) -> dict[str, Any]:
    norm = normalise_id(id_number)
    return {"id_hash": id_hash(key, norm), "id_first4": norm[:4], "id_last4": norm[-4:], "id_length": len(norm)}


def _same_id(s: Session, incident_id: int, hashed: str, other_than: int | None = None) -> str | None:
    query = select(Household.number).where(Household.incident_id == incident_id, Household.id_hash == hashed)
    if other_than is not None:
        query = query.where(Household.id != other_than)
    return s.exec(query.limit(1)).first()


def _whole(text: str | None) -> Any:
    """A count cell as a number (``4``, ``4.0``); anything else is left for the schema to refuse."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped.endswith(".0"):
        stripped = stripped[:-2]
    return int(stripped) if stripped.isdigit() and stripped.isascii() else stripped


class _RowLoader:
    """:class:`HouseholdIn` over the rows of a register file, fast, with the same values and messages.

    The columns that repeat from row to row (members, age groups, village) are loaded once for each
    combination met; a row's own values (number, head, phone, ID number) are loaded for every row by
    the schema's own fields, and never kept. One schema serves the whole file: making one costs more
    than loading a row. Unlike one load of the whole row, it also reports members too few for the
    age groups when a cell of the row's own is refused as well: every problem of the file is listed.
    """

    OWN = ("number", "head", "phone", "id_number")
    MEMO_LIMIT = 10_000

    def __init__(self) -> None:
        self.schema = HouseholdIn()
        self.memo: dict[tuple[tuple[str, Any], ...], tuple[dict[str, Any], dict[str, list[Any]]]] = {}

    def load(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """The row's loaded values and its problems by field (none when the row is good)."""
        shared = {k: v for k, v in raw.items() if k not in self.OWN}
        key = tuple(sorted(shared.items()))
        hit = self.memo.get(key)
        if hit is None:
            if len(self.memo) >= self.MEMO_LIMIT:
                self.memo.clear()
            try:
                hit = (self.schema.load(shared, partial=self.OWN), {})
            except ValidationError as err:
                hit = ({}, dict(err.messages) if isinstance(err.messages, dict) else {"_schema": err.messages})
            self.memo[key] = hit
        data = dict(hit[0])
        errors = {k: list(v) for k, v in hit[1].items()}
        for name in self.OWN:
            field = self.schema.fields[name]
            value = raw.get(name)
            if isinstance(value, str):  # as Input.load: trimmed, and an empty optional cell is "not given"
                value = value.strip()
                if value == "" and field.allow_none:
                    value = None
            if value is None and name not in raw:
                data[name] = field.load_default
                continue
            try:
                data[name] = field.deserialize(value)
            except ValidationError as err:
                errors.setdefault(name, []).extend(err.messages if isinstance(err.messages, list) else [err.messages])
        return data, errors


class Households(Service):
    """The household register of each incident: ``inv.households``.

    Admins and dispatchers of the incident's jurisdiction register and correct households; anyone
    acting on the jurisdiction reads them. ID numbers are kept only as a keyed hash (see
    :mod:`supplies.pii`) and always shown masked; phone numbers are shown in full only to admins and
    dispatchers of the jurisdiction.
    """

    @retried
    def add(
        self,
        number: str,
        *,
        head: str,
        members: int,
        village: str,
        phone: str | None = None,
        id_number: str | None = None,
        under_5: int = 0,
        age_60_plus: int = 0,
        incident: int | None = None,
    ) -> HouseholdResult:
        """Register a household in ``incident`` (default: the only open incident)."""
        data = load(
            HouseholdIn,
            dict(
                number=number,
                head=head,
                members=members,
                village=village,
                phone=phone,
                id_number=id_number,
                under_5=under_5,
                age_60_plus=age_60_plus,
            ),
        )
        with self._work() as (s, actor):
            inc = resolve_incident(s, actor, incident)
            _require_register(actor, inc)
            inc_id = persisted_id(inc)
            if s.exec(
                select(Household.id).where(Household.incident_id == inc_id, Household.number == data["number"])
            ).first():
                raise InvalidInput(t("household {number} is registered already", number=data["number"]), "number")
            raw_id = data.pop("id_number")
            if raw_id:
                parts = _id_parts(pii_key(self._inv.engine), raw_id)
                other = _same_id(s, inc_id, parts["id_hash"])
                if other is not None:
                    raise InvalidInput(t("the same ID number as household {number}", number=other), "id_number")
                data.update(parts)
            row = Household(incident_id=inc_id, jurisdiction_code=inc.jurisdiction_code, **data)
            s.add(row)
            s.flush()
            return household_view(row, actor)

    @retried
    def update(self, number: str, *, incident: int | None = None, **changes: Any) -> HouseholdResult:
        """Correct a household: any of head, members, under_5, age_60_plus, village, phone, id_number."""
        data = load(HouseholdChange, changes)
        with self._work() as (s, actor):
            inc = resolve_incident(s, actor, incident)
            _require_register(actor, inc)
            row = find_household(s, inc, number, lock=True)
            raw_id = data.pop("id_number", None)
            for key, value in data.items():
                if value is not None or key == "phone":
                    setattr(row, key, value)
            if row.under_5 + row.age_60_plus > row.members:
                raise InvalidInput(t("members under 5 and aged 60 or more are more than all members"), "members")
            if raw_id:
                parts = _id_parts(pii_key(self._inv.engine), raw_id)
                other = _same_id(s, persisted_id(inc), parts["id_hash"], other_than=row.id)
                if other is not None:
                    raise InvalidInput(t("the same ID number as household {number}", number=other), "id_number")
                for key, value in parts.items():
                    setattr(row, key, value)
            row.updated_at = utcnow()
            s.add(row)
            s.flush()
            return household_view(row, actor)

    def get(self, number: str, *, incident: int | None = None) -> HouseholdResult:
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            return household_view(find_household(s, inc, number), actor)

    def list(self, *, incident: int | None = None, village: str | None = None) -> list[HouseholdResult]:
        """The households of ``incident`` (default: the only open one), by number; personal data masked."""
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            query = select(Household).where(Household.incident_id == inc.id)
            if village:
                query = query.where(Household.village == village)
            rows = s.exec(query.order_by(col(Household.number))).all()
            return [household_view(r, actor) for r in rows]

    def search(self, text: str, *, incident: int | None = None, limit: int = 20) -> builtins.list[HouseholdResult]:
        """Households of ``incident`` whose number is ``text`` or starts with it, or whose head's name or
        village contains it (case-insensitive): the exact number first, then numbers that start with it,
        then by number; at most ``limit`` (up to 50), personal data masked. An empty text finds none."""
        query = (text or "").strip()[:MAX_SEARCH]
        limit = max(1, min(int(limit), MAX_FOUND))
        with self._work(write=False) as (s, actor):
            inc = resolve_incident(s, actor, incident)
            if not query or bad_character(query):
                return []
            low = query.lower()
            number = func.lower(Household.number)
            rank: Any = case((number == low, 0), (number.startswith(low, autoescape=True), 1), else_=2)
            rows = s.exec(
                select(Household)
                .where(
                    Household.incident_id == inc.id,
                    or_(
                        number.startswith(low, autoescape=True),
                        func.lower(Household.head).contains(low, autoescape=True),
                        func.lower(Household.village).contains(low, autoescape=True),
                    ),
                )
                .order_by(rank, col(Household.number))
                .limit(limit)
            ).all()
            return [household_view(r, actor) for r in rows]

    @retried
    def import_file(self, source: str | Path | IO[bytes], *, incident: int | None = None) -> int:
        """Register the households of a CSV or XLSX file, all or nothing; return how many.

        Columns ``number, head, members, village, phone, id_number`` (also ``编号, 户主, 人数, 村,
        电话, 身份证号``; optional ``under_5``/``5岁以下`` and ``age_60_plus``/``60岁以上``). Every
        problem is listed by row and column; a reported problem never repeats an ID number.
        """
        try:
            rows = read_rows(source, field="file", limit=MAX_HOUSEHOLD_ROWS)
        except InvalidInput as exc:  # a refused cell is quoted: it may hold an ID number
            raise scrubbed(exc) from None
        with self._work() as (s, actor):
            inc = resolve_incident(s, actor, incident)
            _require_register(actor, inc)
            inc_id = persisted_id(inc)
            problems: list[Problem] = []
            if not rows:
                raise InvalidInput(t("the file is empty"), "file")
            header_row, header = rows[0]
            columns: dict[str, tuple[int, str]] = {}
            for i, text in enumerate(header):
                key = HEADERS.get("".join((text or "").split()).lower())
                if key and key not in columns:
                    columns[key] = (i, (text or "").strip())
            for key in REQUIRED:
                if key not in columns:
                    problems.append(Problem(header_row, key, t("this column is missing")))
            if problems:
                raise ImportRejected("household", problems)
            key_bytes = pii_key(self._inv.engine) if "id_number" in columns else b""
            existing_numbers = set(s.exec(select(Household.number).where(Household.incident_id == inc_id)).all())
            existing_ids = dict(
                s.exec(
                    select(Household.id_hash, Household.number).where(
                        Household.incident_id == inc_id, col(Household.id_hash).is_not(None)
                    )
                ).all()
            )
            seen_numbers: dict[str, int] = {}
            seen_ids: dict[str, str] = {}
            loader = _RowLoader()
            now = utcnow()
            fixed = {
                "incident_id": inc_id,
                "jurisdiction_code": inc.jurisdiction_code,
                "created_at": now,
                "updated_at": now,
            }
            new: list[dict[str, Any]] = []
            for number, cells in rows[1:]:
                raw = {key: (cells[i] if i < len(cells) else None) for key, (i, _h) in columns.items()}
                if not any(raw.values()):
                    continue
                for key in ("members", "under_5", "age_60_plus"):
                    if key in raw:
                        raw[key] = _whole(raw[key])
                raw = {k: v for k, v in raw.items() if v is not None or k in REQUIRED}
                data, errors = loader.load(raw)
                if errors:
                    for field, reasons in InvalidInput.from_messages(errors).errors.items():
                        header_text = columns.get(field, (0, field))[1]
                        problems.extend(Problem(number, header_text, str(r)) for r in reasons)
                    continue
                hh = data["number"]
                if hh in existing_numbers:
                    problems.append(
                        Problem(number, columns["number"][1], t("household {number} is registered already", number=hh))
                    )
                elif hh in seen_numbers:
                    problems.append(
                        Problem(
                            number,
                            columns["number"][1],
                            t("household {number} is in row {row} already", number=hh, row=seen_numbers[hh]),
                        )
                    )
                seen_numbers.setdefault(hh, number)
                raw_id = data.pop("id_number")
                if raw_id:
                    parts = _id_parts(key_bytes, raw_id)
                    other = existing_ids.get(parts["id_hash"]) or seen_ids.get(parts["id_hash"])
                    if other is not None:
                        problems.append(
                            Problem(
                                number,
                                columns["id_number"][1],
                                t("the same ID number as household {number}", number=other),
                            )
                        )
                    seen_ids.setdefault(parts["id_hash"], hh)
                    data.update(parts)
                new.append(NO_ID | fixed | data)
            if problems:
                raise ImportRejected("household", problems)
            # One executemany for the file: the rows are checked, and a household row has no children.
            conn = s.connection()
            for start in range(0, len(new), INSERT_CHUNK):
                conn.execute(insert(Household), new[start : start + INSERT_CHUNK])
            return len(new)


__all__ = ["HouseholdResult", "Households"]
