"""Input of the last mile: a household, an entitlement rule, a distribution, a return, the loans filter, a signing sheet."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from ...i18n import t
from ...models.enums import ReturnCondition
from ...schemas import Choice, Code, Day, Id, Input, Name, Qty, Str, Text, Whole

ID_NUMBER_RE = re.compile(r"^(\d{15}|\d{17}[\dX])$")
PHONE_RE = re.compile(r"^\+?[\d -]{5,20}$")
MAX_MEMBERS = 99


def _id_number(value: str) -> None:
    # The message never repeats the value: an ID number is personal data.
    if not ID_NUMBER_RE.match("".join(value.split()).upper()):
        raise ValidationError(t("must be an ID number of 15 or 18 characters (digits; the last may be X)"))


def _phone(value: str) -> None:
    if not PHONE_RE.match(value):
        raise ValidationError(t("must be a phone number: 5 to 20 digits"))


class HouseholdIn(Input):
    number = Code(required=True)
    head = Name(100, required=True)
    members = Whole(min=1, max=MAX_MEMBERS, required=True)
    under_5 = Whole(min=0, max=MAX_MEMBERS, load_default=0)
    age_60_plus = Whole(min=0, max=MAX_MEMBERS, load_default=0)
    village = Name(100, required=True)
    phone = Str(validate=[_phone], allow_none=True, load_default=None)
    id_number = Str(validate=[_id_number], allow_none=True, load_default=None)

    @validates_schema
    def _groups(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("under_5") or 0) + (data.get("age_60_plus") or 0) > data.get("members", MAX_MEMBERS):
            raise ValidationError(t("members under 5 and aged 60 or more are more than all members"), "members")


class HouseholdChange(Input):
    head = Name(100, allow_none=True)
    members = Whole(min=1, max=MAX_MEMBERS, allow_none=True)
    under_5 = Whole(min=0, max=MAX_MEMBERS, allow_none=True)
    age_60_plus = Whole(min=0, max=MAX_MEMBERS, allow_none=True)
    village = Name(100, allow_none=True)
    phone = Str(validate=[_phone], allow_none=True)
    id_number = Str(validate=[_id_number], allow_none=True)


class EntitlementIn(Input):
    item = Code(required=True)
    per_person = Whole(min=0, max=1000, allow_none=True, load_default=None)
    per_household = Whole(min=0, max=1000, allow_none=True, load_default=None)
    max_members = Whole(min=1, max=MAX_MEMBERS, allow_none=True, load_default=None)
    incident = Id(allow_none=True, load_default=None)

    @validates_schema
    def _one_basis(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("per_person") is None) == (data.get("per_household") is None):
            raise ValidationError(t("give either a quantity per person or one per household"), "per_person")
        if data.get("max_members") is not None and data.get("per_household") is None:
            raise ValidationError(t("applies to a quantity per household only"), "max_members")


class DistributeIn(Input):
    point = Code(required=True)
    household = Code(required=True)
    incident = Id(allow_none=True, load_default=None)
    collector = Str(validate=validate.Length(min=1, max=100), allow_none=True, load_default=None)
    override = Text(500, load_default=None)


class ReturnIn(Input):
    point = Code(required=True)
    item = Code(required=True)
    qty = Qty(required=True)
    condition = Choice(ReturnCondition, required=True)
    household = Code(allow_none=True, load_default=None)
    request = Id(allow_none=True, load_default=None)
    reason = Text(500, load_default=None)
    incident = Id(allow_none=True, load_default=None)

    @validates_schema
    def _one_borrower(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("household") is None) == (data.get("request") is None):
            raise ValidationError(t("give either a household or a request"), "household")
        if data.get("condition") == ReturnCondition.UNUSABLE and not data.get("reason"):
            raise ValidationError(t("say why the returned units are unusable"), "reason")


class LoansIn(Input):
    incident = Id(allow_none=True, load_default=None)
    point = Code(allow_none=True, load_default=None)
    household = Code(allow_none=True, load_default=None)


class RepairedIn(Input):
    point = Code(required=True)
    item = Code(required=True)
    qty = Qty(required=True)
    batch = Str(validate=validate.Length(min=1, max=60), allow_none=True, load_default=None)


class SigningSheetIn(Input):
    village = Name(100, required=True)
    incident = Id(allow_none=True, load_default=None)
    point = Code(allow_none=True, load_default=None)
    since = Day(allow_none=True, load_default=None)
    until = Day(allow_none=True, load_default=None)
    tz = Str(allow_none=True, load_default=None, validate=validate.Length(max=60))

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError(t("must be on or after since"), "until")
