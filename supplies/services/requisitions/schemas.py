"""Input of requisitions: the order with its items, returns, the assessment, approval and payment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ...errors import InvalidInput
from ...i18n import t
from ...models.enums import RequisitionCondition
from ...schemas import Choice, Code, Id, Input, Moment, Name, Qty, Str, Text
from ..contracts.credit_code import credit_code_problem
from ..relief.schemas import ID_NUMBER_RE

MAX_LINES = 200
MAX_MONEY = 999_999_999_999
OWNER_KINDS = ("person", "company")
# The masked form of an ID number (``5201**********1234``, as an export writes it): the first four and
# last four characters, a star for each one between, 15 or 18 in all. It is what the record keeps.
MASKED_ID_RE = re.compile(r"^(?=.{15}$|.{18}$)\d{4}\*+\d{3}[\dX]$")


def Money(**kw: Any) -> fields.Decimal:
    """An amount in yuan: 0 to 999,999,999,999.99, two places."""
    return fields.Decimal(places=2, validate=validate.Range(min=0, max=MAX_MONEY), **kw)


class ItemValueIn(Input):
    item = Code(required=True)
    quantity = Qty(required=True)
    unit_value = Money(required=True)
    daily_rate = Money(allow_none=True, load_default=None)


class ItemQtyIn(Input):
    item = Code(required=True)
    quantity = Qty(required=True)


class DamageIn(Input):
    item = Code(required=True)
    amount = Money(required=True)


def _lines(value: Any, keys: tuple[str, ...], field: str) -> list[dict[str, Any]]:
    """``{"PUMP": 2}``, ``[("PUMP", 2, "3000", "50")]`` or dicts, as dicts with ``keys``."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [{keys[0]: k, keys[1]: v} for k, v in value.items()]
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidInput(t("must be item codes with quantities"), field)
    out: list[dict[str, Any]] = []
    for entry in value:
        if isinstance(entry, Mapping):
            out.append(dict(entry))
        elif isinstance(entry, (tuple, list)) and 2 <= len(entry) <= len(keys):
            out.append(dict(zip(keys, entry, strict=False)))
        else:
            raise InvalidInput(t("must be item codes with quantities"), field)
    return out


def _no_repeats(lines: list[dict[str, Any]], name: str) -> None:
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if line["item"] in seen:
            raise ValidationError({name: {i: {"item": [t("is named twice")]}}})
        seen.add(line["item"])


class RequisitionIn(Input):
    owner = Name(required=True)
    owner_kind = Str(validate=validate.OneOf(OWNER_KINDS, error=t("must be one of: {choices}")), load_default="person")
    # Never repeated in a message: a person's ID number is personal data.
    owner_id = Str(allow_none=True, load_default=None, validate=validate.Length(max=40))
    authority = Name(required=True)
    basis = Name(500, required=True)
    point = Code(required=True)
    items = fields.List(fields.Nested(ItemValueIn), required=True, validate=validate.Length(min=1, max=MAX_LINES))
    started_at = Moment(allow_none=True, load_default=None)

    @pre_load
    def _items(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("items") is not None:
            data = {**data, "items": _lines(data["items"], ("item", "quantity", "unit_value", "daily_rate"), "items")}
        return data

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        _no_repeats(data.get("items") or [], "items")
        owner_id = data.get("owner_id")
        if owner_id is None:
            return
        if data.get("owner_kind") == "company":
            problem = credit_code_problem(owner_id)
            if problem is not None:
                raise ValidationError({"owner_id": [problem]})
        elif not (
            ID_NUMBER_RE.match("".join(owner_id.split()).upper())
            or MASKED_ID_RE.match("".join(owner_id.split()).upper())
        ):
            raise ValidationError(
                {"owner_id": [t("must be an ID number of 15 or 18 characters (digits; the last may be X)")]}
            )


class ReturnIn(Input):
    id = Id(required=True)
    items = fields.List(fields.Nested(ItemQtyIn), required=True, validate=validate.Length(min=1, max=MAX_LINES))
    condition = Choice(RequisitionCondition, required=True)
    damage = fields.List(fields.Nested(DamageIn), allow_none=True, load_default=None)
    note = Text(500)

    @pre_load
    def _items(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("items") is not None:
            data = {**data, "items": _lines(data["items"], ("item", "quantity"), "items")}
        if data.get("damage") is not None:
            data = {**data, "damage": _lines(data["damage"], ("item", "amount"), "damage")}
        return data

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        _no_repeats(data.get("items") or [], "items")
        _no_repeats(data.get("damage") or [], "damage")
        if data.get("damage") and data.get("condition") != RequisitionCondition.DAMAGED:
            raise ValidationError({"damage": [t("is assessed for damaged units only")]})
        returned = {ln["item"] for ln in data.get("items") or []}
        for i, d in enumerate(data.get("damage") or []):
            if d["item"] not in returned:
                raise ValidationError({"damage": {i: {"item": [t("is not among the items returned")]}}})


class AssessIn(Input):
    id = Id(required=True)
    damage = fields.List(fields.Nested(DamageIn), allow_none=True, load_default=None)

    @pre_load
    def _items(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("damage") is not None:
            data = {**data, "damage": _lines(data["damage"], ("item", "amount"), "damage")}
        return data

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        _no_repeats(data.get("damage") or [], "damage")


class IdIn(Input):
    id = Id(required=True)


class PayIn(Input):
    id = Id(required=True)
    reference = Name(100, required=True)


class ListIn(Input):
    open_only = fields.Boolean(load_default=False)
