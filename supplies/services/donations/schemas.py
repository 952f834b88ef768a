"""Input of donations: a donor, a receipt with its triage and restriction, a pledge, the lists and the disclosure."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ...i18n import t
from ...models.enums import DonorKind, IncidentType, Triage
from ...schemas import Batch, Choice, Code, Day, Id, Input, Moment, Name, Qty, RegionCode, Str, Text


class DonorIn(Input):
    code = Code(required=True)
    name = Name(required=True)
    kind = Choice(DonorKind, load_default=DonorKind.PERSON.value)
    anonymous = fields.Boolean(load_default=False)
    contact = Name(allow_none=True, load_default=None)


class DonationIn(Input):
    donor = Code(required=True)
    point = Code(required=True)
    item = Code(required=True)
    qty = Qty(required=True)
    batch = Batch(allow_none=True, load_default=None)
    expires_on = Day(allow_none=True, load_default=None)
    certificate = Str(validate=validate.Length(min=1, max=60), allow_none=True, load_default=None)
    triage = Choice(Triage, load_default=Triage.URGENT.value)
    reason = Text(500, load_default=None)
    incident = Id(allow_none=True, load_default=None)
    region = RegionCode(load_default=None)
    purpose = Choice(IncidentType, allow_none=True, load_default=None)
    pledge = Id(allow_none=True, load_default=None)
    new_item_name = Name(allow_none=True, load_default=None)
    unit = Name(20, allow_none=True, load_default=None)
    at = Moment(allow_none=True, load_default=None)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("triage") == Triage.UNUSABLE and not (data.get("reason") or "").strip():
            raise ValidationError({"reason": [t("is required when the goods are unusable or unknown")]})
        given = [k for k in ("incident", "region", "purpose") if data.get(k) is not None]
        if len(given) > 1:
            raise ValidationError({given[1]: [t("a donation is restricted to one incident, region or purpose")]})
        if data.get("new_item_name") and not data.get("unit"):
            raise ValidationError({"unit": [t("is required for an item new to the catalog")]})


class PledgeIn(Input):
    donor = Code(required=True)
    item = Code(required=True)
    qty = Qty(required=True)
    due = Day(allow_none=True, load_default=None)
    note = Text(500, load_default=None)


class ListIn(Input):
    donor = Code(allow_none=True, load_default=None)
    incident = Id(allow_none=True, load_default=None)
    since = Day(allow_none=True, load_default=None)
    until = Day(allow_none=True, load_default=None)

    @validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError({"until": [t("is before since")]})


class ClassifyIn(Input):
    item = Code(required=True)
    supply_class = Code(required=True)
    as_item = Code(allow_none=True, load_default=None)
