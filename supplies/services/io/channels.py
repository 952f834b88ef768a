"""Importing contracts, donors, donations and requisitions: every row through its service.

These kinds are not written as rows: a contract is signed (its lines booked into lots by
``contract`` ledger lines), a donation received (a ``receive`` line into a donation lot), a
requisition recorded (``requisition_in`` lines). So each contract, donor, receipt or requisition
of a file is given to its service, inside one shared unit of work and each in a savepoint: the
service's rules, permissions and ledger apply as they do from the command line, a refusal is
reported against the row and column it came from, and the import commits once, or rolls back
everything when any row has a problem.

What a re-import does (the import adds; it never changes what is recorded):

* **contracts** — the rows with one code are one contract. A code that exists already is left
  unchanged when the file's terms are those of its version in force (company, credit code,
  contact, point, validity, lead time, mode, lines); otherwise it is reported: a contract changes
  by renewal (``contract renew``), never silently by import.
* **donors** — a code that exists with the same name, kind and anonymity (and contact, when the
  file gives one) is unchanged; other details are reported (the donor service has no update).
* **donations** — a receipt whose donor and certificate number (捐赠票据号) are recorded already is
  reported, not received twice; a receipt without a certificate is received again.
* **requisitions** — the rows with one id are one requisition. One recorded at the same point,
  from the same owner, by the same authority on the same basis, started at the same time with the
  same lines is unchanged; the same with other lines is reported. Only open requisitions are
  imported: returns and compensation are recorded by their own steps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from marshmallow import fields, validate
from sqlmodel import col, select

from ... import schemas
from ...db import select_columns
from ...errors import InvalidInput, PermissionDenied, SuppliesError
from ...i18n import t
from ...models import (
    Contract,
    ContractLine,
    ContractStatus,
    Donation,
    Donor,
    Item,
    Requisition,
    RequisitionLine,
    StoragePoint,
)
from ...models.enums import DonorKind, IncidentType, Triage
from ..contracts.schemas import MAX_LEAD_TIME_HOURS
from ..contracts.schemas import check_contract_mode as contract_mode
from ..contracts.schemas import check_credit_code as credit_code
from ..requisitions.schemas import OWNER_KINDS, Money
from .columns import kind_value
from .kinds import Batch, Counts

if TYPE_CHECKING:
    from ...inventory import Inventory

_YES = {"是", "yes", "Yes", "YES", "Y", "y"}
_NO = {"否", "no", "No", "NO", "N", "n", ""}


class ContractRow(schemas.Input):
    code = schemas.Code(required=True)
    company = schemas.Name(required=True)
    credit_code = schemas.Str(validate=[credit_code], allow_none=True, load_default=None)
    contact = schemas.Name(allow_none=True, load_default=None)
    point = schemas.Code(required=True)
    item = schemas.Code(required=True)
    quantity = schemas.Qty(required=True, strict=False)
    unit_price = fields.Decimal(
        allow_none=True, load_default=None, places=2, validate=validate.Range(min=0, max=999_999_999_999)
    )
    valid_from = schemas.Day(required=True)
    valid_to = schemas.Day(required=True)
    lead_time_hours = fields.Float(required=True, validate=validate.Range(min=0, max=MAX_LEAD_TIME_HOURS))
    mode = schemas.Str(validate=[contract_mode], load_default="agreement")


class DonorRow(schemas.Input):
    code = schemas.Code(required=True)
    name = schemas.Name(required=True)
    kind = schemas.Choice(DonorKind, load_default=DonorKind.PERSON.value)
    anonymous = fields.Boolean(
        load_default=False, truthy=fields.Boolean.truthy | _YES, falsy=fields.Boolean.falsy | _NO
    )
    contact = schemas.Name(allow_none=True, load_default=None)


class DonationRow(schemas.Input):
    donor = schemas.Code(required=True)
    point = schemas.Code(required=True)
    item = schemas.Code(required=True)
    qty = schemas.Qty(required=True, strict=False)
    batch = schemas.Batch(allow_none=True, load_default=None)
    expires_on = schemas.Day(allow_none=True, load_default=None)
    certificate = schemas.Str(validate=validate.Length(min=1, max=60), allow_none=True, load_default=None)
    triage = schemas.Choice(Triage, load_default=Triage.URGENT.value)
    reason = schemas.Text(500, load_default=None)
    restriction = schemas.Str(validate=validate.Length(max=60), allow_none=True, load_default=None)


class RequisitionRow(schemas.Input):
    id = schemas.Id(allow_none=True, load_default=None, strict=False)
    authority = schemas.Name(required=True)
    basis = schemas.Name(500, required=True)
    owner = schemas.Name(required=True)
    owner_kind = schemas.Str(
        validate=validate.OneOf(OWNER_KINDS, error=t("must be one of: {choices}")), load_default="person"
    )
    # Checked by the service; a problem with it never repeats the cell (a person's ID number).
    owner_id = schemas.Str(allow_none=True, load_default=None, validate=validate.Length(max=40))
    point = schemas.Code(required=True)
    item = schemas.Code(required=True)
    qty = schemas.Qty(required=True, strict=False)
    unit_value = Money(required=True)
    daily_rate = Money(allow_none=True, load_default=None)
    started_at = schemas.Moment(allow_none=True, load_default=None)
    status = schemas.Str(allow_none=True, load_default=None)
    compensation_status = schemas.Str(allow_none=True, load_default=None)
    compensation_total = schemas.Str(allow_none=True, load_default=None)


CHANNEL_SCHEMAS: dict[str, type[schemas.Input]] = {
    "contracts": ContractRow,
    "donors": DonorRow,
    "donations": DonationRow,
    "requisitions": RequisitionRow,
}
# Columns whose cells are never repeated in a problem: a person's ID number.
SECRET_COLUMNS = {"requisitions": ("owner_id",)}


Locate = Callable[[str | None], tuple[int, str | None]]


def _attempt(b: Batch, locate: Locate, call: Callable[[], object]) -> bool:
    """Run one service call in a savepoint; on a refusal report each of its fields against the file."""
    try:
        with b.s.begin_nested():
            call()
        return True
    except SuppliesError as exc:
        refused = isinstance(exc, PermissionDenied)
        errors = exc.errors if isinstance(exc, InvalidInput) else {exc.field or "_": [exc.reason]}
        for field, reasons in errors.items():
            i, key = locate(None if field == "_" else field)
            value = None if key is None or key in SECRET_COLUMNS.get(b.kind, ()) else b.records[i].get(key)
            for reason in reasons:
                b.problem(i, key, reason, value, refused=refused)
        return False


def _groups(b: Batch, key: str) -> list[list[int]]:
    """Row indexes grouped by ``key`` (in the order each value first appears); an empty key is a group alone."""
    groups: dict[Any, list[int]] = {}
    for i, rec in enumerate(b.records):
        k = rec.get(key)
        groups.setdefault(("row", i) if k is None else k, []).append(i)
    return list(groups.values())


def _agree(b: Batch, rows: list[int], keys: tuple[str, ...], what: str) -> bool:
    """Whether the rows of one record agree on its shared columns; each disagreement is reported."""
    first = b.records[rows[0]]
    ok = True
    for i in rows[1:]:
        for key in keys:
            if b.records[i].get(key) != first.get(key):
                value = None if key in SECRET_COLUMNS.get(b.kind, ()) else b.records[i].get(key)
                b.problem(
                    i,
                    key,
                    t("differs from row {row}: the rows of one {what} share it", row=b.rows[rows[0]], what=what),
                    value,
                )
                ok = False
    return ok


def _line_locator(b: Batch, rows: list[int], line_columns: dict[str, str]) -> Locate:
    """Where a service's field (``items.2.quantity``, ``point``) is in the file: its row and column."""

    def locate(field: str | None) -> tuple[int, str | None]:
        if field is None:
            return rows[0], None
        parts = field.split(".")
        if parts[0] == "items":
            n = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            sub = parts[2] if len(parts) > 2 else "item"
            return rows[min(n, len(rows) - 1)], line_columns.get(sub, "item")
        key = parts[0]
        return rows[0], key if key in b.present or key in b.records[rows[0]] else None

    return locate


# -- contracts ---------------------------------------------------------------------------------

_CONTRACT_TERMS = ("company", "credit_code", "contact", "point", "valid_from", "valid_to", "lead_time_hours", "mode")


def contracts(inv: Inventory, b: Batch) -> Counts:
    from .exports import without_phones

    counts = Counts()
    for rows in _groups(b, "code"):
        first = b.records[rows[0]]
        if not _agree(b, rows, _CONTRACT_TERMS, t("contract")):
            continue
        lines = [(b.records[i]["item"], b.records[i]["quantity"], b.records[i]["unit_price"]) for i in rows]
        old = b.s.exec(
            select(Contract).where(Contract.code == first["code"], Contract.status == ContractStatus.ACTIVE.value)
        ).first()
        if old is not None:
            point = b.s.get_one(StoragePoint, old.point_id)
            held = b.s.exec(
                select(Item.code, ContractLine.quantity, col(ContractLine.unit_price))
                .join(Item, col(Item.id) == ContractLine.item_id)
                .where(ContractLine.contract_id == old.id)
            ).all()
            same = (
                (old.company, old.credit_code, point.code, old.valid_from, old.valid_to, old.mode)
                == (
                    first["company"],
                    first["credit_code"],
                    first["point"],
                    first["valid_from"],
                    first["valid_to"],
                    first["mode"],
                )
                and float(old.lead_time_hours) == float(first["lead_time_hours"])
                and first["contact"] in (old.contact, without_phones(old.contact))
                and sorted((c, q, _money(p)) for c, q, p in held) == sorted((c, q, _money(p)) for c, q, p in lines)
            )
            if same:
                counts.unchanged += 1
            else:
                b.problem(
                    rows[0],
                    "code",
                    t(
                        "contract {code} exists already with other terms: an import signs new contracts only; renew it to change it",
                        code=first["code"],
                    ),
                    first["code"],
                )
            continue
        signed = _attempt(
            b,
            _line_locator(b, rows, {"item": "item", "quantity": "quantity", "unit_price": "unit_price"}),
            partial(
                inv.contracts.add,
                first["code"],
                company=first["company"],
                point=first["point"],
                items=lines,
                valid_from=first["valid_from"],
                valid_to=first["valid_to"],
                lead_time_hours=first["lead_time_hours"],
                mode=first["mode"],
                credit_code=first["credit_code"],
                contact=first["contact"],
            ),
        )
        counts.added += signed
    return counts


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


# -- donors ------------------------------------------------------------------------------------


def donors(inv: Inventory, b: Batch) -> Counts:
    counts = Counts()
    existing = {d.code: d for d in b.s.exec(select(Donor).where(col(Donor.code).in_([r["code"] for r in b.records])))}
    for i, rec in enumerate(b.records):
        old = existing.get(rec["code"])
        if old is not None:
            same = (old.name, old.kind, old.anonymous) == (rec["name"], rec["kind"], rec["anonymous"]) and (
                rec["contact"] is None or rec["contact"] == old.contact
            )
            if same:
                counts.unchanged += 1
            else:
                b.problem(
                    i,
                    "code",
                    t(
                        "donor {code} exists already with other details: an import adds new donors only",
                        code=rec["code"],
                    ),
                    rec["code"],
                )
            continue

        def locate(field: str | None, i: int = i) -> tuple[int, str | None]:
            return i, field if field in b.records[i] else None

        counts.added += _attempt(
            b,
            locate,
            partial(
                inv.donors.add,
                rec["code"],
                rec["name"],
                kind=rec["kind"],
                anonymous=rec["anonymous"],
                contact=rec["contact"],
            ),
        )
    return counts


# -- donations ---------------------------------------------------------------------------------

_RESTRICTIONS = {"incident": "incident", "事件": "incident", "region": "region", "区域": "region", "地区": "region"}
_RESTRICTIONS |= {"purpose": "purpose", "用途": "purpose"}


def _restriction(text: str | None) -> tuple[dict[str, Any], str | None]:
    """``incident:3``, ``region:522731`` or ``purpose:flood`` as the service's keyword, or a reason."""
    if not text:
        return {}, None
    head, sep, value = text.replace("：", ":").partition(":")
    what = _RESTRICTIONS.get(head.strip().lower())
    value = value.strip()
    if not sep or what is None or not value:
        return {}, t("must be incident:ID, region:CODE or purpose:TYPE")
    if what == "incident":
        if not value.isdigit():
            return {}, t("must be incident:ID, region:CODE or purpose:TYPE")
        return {"incident": int(value)}, None
    if what == "purpose" and value not in {p.value for p in IncidentType}:
        return {}, t("must be one of: {choices}", choices=", ".join(p.value for p in IncidentType))
    return {what: value}, None


def donations(inv: Inventory, b: Batch) -> Counts:
    counts = Counts()
    certificates = [r["certificate"] for r in b.records if r.get("certificate")]
    recorded = {
        (donor, cert): rid
        for rid, donor, cert in b.s.exec(
            select(Donation.id, Donor.code, Donation.certificate)
            .join(Donor, col(Donor.id) == Donation.donor_id)
            .where(col(Donation.certificate).in_(certificates))
        )
    }
    seen: dict[tuple[str, str], int] = {}
    fields_to_columns: dict[str, str | None] = {
        "incident": "restriction",
        "region": "restriction",
        "purpose": "restriction",
    }
    fields_to_columns |= {"new_item_name": "item", "unit": "item", "pledge": None}
    for i, rec in enumerate(b.records):
        restriction, problem = _restriction(rec.get("restriction"))
        if problem is not None:
            b.problem(i, "restriction", problem, rec.get("restriction"))
            continue
        cert = rec.get("certificate")
        if cert:
            key = (rec["donor"], cert)
            if key in recorded:
                b.problem(
                    i,
                    "certificate",
                    t(
                        "a receipt of {donor} with certificate {certificate} is recorded already (donation #{id}): it is not received twice",
                        donor=rec["donor"],
                        certificate=cert,
                        id=recorded[key],
                    ),
                    cert,
                )
                continue
            if key in seen:
                b.problem(i, "certificate", t("repeats row {first}", first=b.rows[seen[key]]), cert)
                continue
            seen[key] = i

        def locate(field: str | None, i: int = i) -> tuple[int, str | None]:
            if field is None:
                return i, None
            return i, fields_to_columns.get(field, field if field in b.records[i] else None)

        counts.added += _attempt(
            b,
            locate,
            partial(
                inv.donations.receive,
                rec["donor"],
                rec["point"],
                rec["item"],
                rec["qty"],
                batch=rec["batch"],
                expires_on=rec["expires_on"],
                certificate=rec["certificate"],
                triage=rec["triage"],
                reason=rec["reason"],
                **restriction,
            ),
        )
    return counts


# -- requisitions ------------------------------------------------------------------------------

_ORDER_TERMS = ("authority", "basis", "owner", "owner_kind", "owner_id", "point", "started_at", "status")


def requisitions(inv: Inventory, b: Batch) -> Counts:
    counts = Counts()
    for rows in _groups(b, "id"):
        first = b.records[rows[0]]
        ok = _agree(b, rows, _ORDER_TERMS, t("requisition"))
        for i in rows:
            rec = b.records[i]
            status = kind_value("requisitions", "status", rec["status"]) if rec.get("status") else "open"
            if status != "open":
                b.problem(
                    i,
                    "status",
                    t(
                        "only open requisitions are imported: record the returns and the compensation with their own steps"
                    ),
                    rec["status"],
                )
                ok = False
            for key in ("compensation_status", "compensation_total"):
                if rec.get(key):
                    b.problem(i, key, t("leave it empty: the compensation is assessed after the returns"), rec[key])
                    ok = False
        if not ok:
            continue
        lines = [
            (b.records[i]["item"], b.records[i]["qty"], b.records[i]["unit_value"], b.records[i]["daily_rate"])
            for i in rows
        ]
        started = first["started_at"]
        if started is not None:
            started = started.replace(tzinfo=UTC) if started.tzinfo is None else started.astimezone(UTC)
            if _recorded(b, rows, first, started, lines, counts):
                continue
        counts.added += _attempt(
            b,
            _line_locator(
                b, rows, {"item": "item", "quantity": "qty", "unit_value": "unit_value", "daily_rate": "daily_rate"}
            ),
            partial(
                inv.requisitions.add,
                owner=first["owner"],
                authority=first["authority"],
                basis=first["basis"],
                point=first["point"],
                items=lines,
                owner_id=first["owner_id"],
                owner_kind=first["owner_kind"],
                started_at=started,
            ),
        )
    return counts


def _recorded(
    b: Batch,
    rows: list[int],
    first: dict[str, Any],
    started: datetime,
    lines: list[tuple[Any, ...]],
    counts: Counts,
) -> bool:
    """Whether this requisition is recorded already (counted unchanged, or reported when its lines differ)."""
    second = started.astimezone(UTC).replace(microsecond=0)
    candidates = b.s.exec(
        select(Requisition)
        .join(StoragePoint, col(StoragePoint.id) == Requisition.point_id)
        .where(
            StoragePoint.code == first["point"],
            Requisition.owner == first["owner"],
            Requisition.authority == first["authority"],
            Requisition.basis == first["basis"],
            # Within the second: an export writes whole seconds.
            col(Requisition.started_at) >= second,
            col(Requisition.started_at) < second + timedelta(seconds=1),
        )
    ).all()
    for old in candidates:
        held = b.s.exec(
            select_columns(Item.code, RequisitionLine.quantity, RequisitionLine.unit_value, RequisitionLine.daily_rate)
            .join(Item, col(Item.id) == RequisitionLine.item_id)
            .where(RequisitionLine.requisition_id == old.id)
        ).all()
        if sorted((c, q, _money(v), _money(d)) for c, q, v, d in held) == sorted(
            (c, q, _money(v), _money(d)) for c, q, v, d in lines
        ):
            counts.unchanged += 1
        else:
            b.problem(
                rows[0],
                "started_at",
                t(
                    "requisition #{id} of this owner at this point, started at this time, is recorded already with other lines",
                    id=old.id,
                ),
            )
        return True
    return False


CHANNELS: dict[str, Callable[[Inventory, Batch], Counts]] = {
    "contracts": contracts,
    "donors": donors,
    "donations": donations,
    "requisitions": requisitions,
}
