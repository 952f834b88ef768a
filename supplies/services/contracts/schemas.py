"""Input of contracts: signing one, calling it up for a request, recording delivery, renewing it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ...errors import InvalidInput
from ...i18n import t
from ...models.enums import ReserveMode
from ...schemas import Code, Day, Id, Input, Moment, Name, Qty, Str, Text, Whole
from .credit_code import credit_code_problem

MAX_LEAD_TIME_HOURS = 24 * 365
MAX_LINES = 200


def check_credit_code(value: str) -> None:
    """A field validator: a unified social credit code (GB 32100-2015), check character included."""
    problem = credit_code_problem(value)
    if problem is not None:
        raise ValidationError(problem)


def check_contract_mode(value: str) -> None:
    """A field validator: a contract holds agreement or capacity reserves."""
    if value not in (ReserveMode.AGREEMENT, ReserveMode.CAPACITY):
        raise ValidationError(t("must be one of: {choices}", choices="agreement, capacity"))


class ItemLineIn(Input):
    item = Code(required=True)
    quantity = Qty(required=True)
    unit_price = fields.Decimal(
        allow_none=True, load_default=None, places=2, validate=validate.Range(min=0, max=999_999_999_999)
    )


class ItemQtyIn(Input):
    item = Code(required=True)
    quantity = Whole(min=0, max=1_000_000_000, required=True)


def item_lines(value: Any, field: str = "items") -> list[dict[str, Any]]:
    """``{"TENT12": 100}``, ``[("TENT12", 100)]``, ``[("TENT12", 100, "350.00")]`` or dicts, as dicts."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [{"item": k, "quantity": v} for k, v in value.items()]
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidInput(t("must be item codes with quantities"), field)
    out: list[dict[str, Any]] = []
    for entry in value:
        if isinstance(entry, Mapping):
            out.append(dict(entry))
        elif isinstance(entry, (tuple, list)) and len(entry) in (2, 3):
            out.append(dict(zip(("item", "quantity", "unit_price"), entry, strict=False)))
        else:
            raise InvalidInput(t("must be item codes with quantities"), field)
    return out


class _Lines(Input):
    @pre_load
    def _lines(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "items" in data and data["items"] is not None:
            data = {**data, "items": item_lines(data["items"])}
        return data

    @staticmethod
    def _no_repeats(lines: list[dict[str, Any]]) -> None:
        seen: set[str] = set()
        for i, line in enumerate(lines):
            if line["item"] in seen:
                raise ValidationError({"items": {i: {"item": [t("is named twice")]}}})
            seen.add(line["item"])


class ContractIn(_Lines):
    code = Code(required=True)
    company = Name(required=True)
    credit_code = Str(validate=[check_credit_code], allow_none=True, load_default=None)
    contact = Name(allow_none=True, load_default=None)
    point = Code(required=True)
    items = fields.List(fields.Nested(ItemLineIn), required=True, validate=validate.Length(min=1, max=MAX_LINES))
    valid_from = Day(required=True)
    valid_to = Day(required=True)
    lead_time_hours = fields.Float(required=True, validate=validate.Range(min=0, max=MAX_LEAD_TIME_HOURS))
    mode = Str(validate=[check_contract_mode], load_default=ReserveMode.AGREEMENT.value)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("valid_from") and data.get("valid_to") and data["valid_to"] < data["valid_from"]:
            raise ValidationError({"valid_to": [t("is before valid_from")]})
        self._no_repeats(data.get("items") or [])


class RenewIn(_Lines):
    code = Code(required=True)
    valid_to = Day(required=True)
    valid_from = Day(allow_none=True, load_default=None)
    lead_time_hours = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(min=0, max=MAX_LEAD_TIME_HOURS)
    )
    items = fields.List(
        fields.Nested(ItemLineIn), allow_none=True, load_default=None, validate=validate.Length(max=MAX_LINES)
    )

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            raise ValidationError({"valid_to": [t("is before valid_from")]})
        self._no_repeats(data.get("items") or [])


class CallUpIn(_Lines):
    code = Code(required=True)
    request = Id(required=True)
    items = fields.List(fields.Nested(ItemLineIn), required=True, validate=validate.Length(min=1, max=MAX_LINES))
    note = Text(500)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        self._no_repeats(data.get("items") or [])


class DeliverIn(_Lines):
    order = Id(required=True)
    items = fields.List(fields.Nested(ItemQtyIn), allow_none=True, load_default=None)
    at = Moment(allow_none=True, load_default=None)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        self._no_repeats(data.get("items") or [])


class ListIn(Input):
    expiring_days = Whole(min=0, max=36_500, allow_none=True, load_default=None)
