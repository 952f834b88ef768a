"""Marshmallow schemas that validate every input of the services, and output schemas for JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from .errors import InvalidInput
from .i18n import Message, t
from .limits import (
    FIRST_DAY,
    LAST_DAY,
    MAX_BALANCE,
    MAX_DAYS,
    MAX_ID,
    MAX_MOVEMENT_QTY,
    bad_character,
)
from .models.enums import AdminLevel, PointKind, PointStatus, ReserveMode, Role

# marshmallow's validators format their own messages: as Messages they keep their template, so
# the filled message still translates (supplies.i18n). Range builds its text when made; its
# messages are said in Chinese by matching the catalog's templates.
for _validator, _names in (
    (validate.Length, ("message_min", "message_max", "message_all", "message_equal")),
    (validate.OneOf, ("default_message",)),
    (validate.Regexp, ("default_message",)),
):
    for _name in _names:
        _text = getattr(_validator, _name, None)
        if isinstance(_text, str) and not isinstance(_text, Message):
            setattr(_validator, _name, Message(_text))

_CODE_RE = r"^\S+$"
REGION_CODE_RE = r"^(\d{6}|\d{9}|\d{12})$"


class Str(fields.String):
    """Text without control characters (NUL among them); ``multiline`` text may hold line breaks."""

    def __init__(self, *, multiline: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        problem = bad_character(text, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return text


class Whole(fields.Integer):
    """A whole number within ``min``..``max``; the message says whether the ends are allowed."""

    def __init__(
        self,
        *,
        min: int | None = None,
        max: int | None = None,
        strict: bool = True,
        error: str | None = None,
        **kw: Any,
    ) -> None:
        rules = list(kw.pop("validate", []) or [])
        if min is not None or max is not None:
            rules.insert(0, validate.Range(min=min, max=max, error=error or _range_words(min, max)))
        super().__init__(strict=strict, validate=rules, **kw)


class Day(fields.Date):
    """A calendar date between 1900-01-01 and 2999-12-31."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> Any:
        if isinstance(value, datetime):
            raise ValidationError(t("must be a date (YYYY-MM-DD), not a date and time"))
        day = value if isinstance(value, date) else super()._deserialize(value, attr, data, **kw)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(
                t("must be a date between {first_day} and {last_day}", first_day=FIRST_DAY, last_day=LAST_DAY)
            )
        return day


class Moment(fields.DateTime):
    """A date and time (or, for a query, a whole day) between 1900 and 2999."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> Any:
        moment = value if isinstance(value, date) else super()._deserialize(value, attr, data, **kw)
        if not FIRST_DAY.year <= moment.year <= LAST_DAY.year:
            raise ValidationError(
                t("must be a time between {first} and {last}", first=FIRST_DAY.year, last=LAST_DAY.year)
            )
        return moment


def _range_words(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return t("must be a whole number from {lo:,} to {hi:,}", lo=lo, hi=hi)
    if lo is not None:
        return t("must be a whole number of at least {lo:,}", lo=lo)
    return t("must be a whole number of at most {hi:,}", hi=hi)


def Code(**kw: Any) -> fields.String:
    """A code: 1-40 characters without white space (Chinese allowed)."""
    return Str(
        validate=[validate.Length(min=1, max=40), validate.Regexp(_CODE_RE, error=t("must not contain spaces"))],
        **kw,
    )


def Name(max_len: int = 200, **kw: Any) -> fields.String:
    return Str(validate=validate.Length(min=1, max=max_len), **kw)


def Text(max_len: int, **kw: Any) -> fields.String:
    """Optional free text (a reason, a note, an address): line breaks allowed."""
    return Str(validate=validate.Length(max=max_len), allow_none=True, multiline=True, **kw)


def Batch(**kw: Any) -> fields.String:
    """A batch code as printed on the goods: up to 60 characters on one line."""
    return Str(validate=validate.Length(max=60), **kw)


def RegionCode(**kw: Any) -> fields.String:
    """A GB/T 2260 code: 6 digits to county level, 9 for a township, 12 for a village."""
    return Str(
        validate=validate.Regexp(REGION_CODE_RE, error=t("must be a GB/T 2260 code: 6, 9 or 12 digits")),
        allow_none=True,
        **kw,
    )


def RegionPrefix(**kw: Any) -> fields.String:
    """The start of GB/T 2260 codes, to filter by (``52``, ``5227``, ``522731``)."""
    return Str(
        validate=validate.Regexp(r"^\d{1,12}$", error=t("must be the digits of a GB/T 2260 code")),
        allow_none=True,
        **kw,
    )


def Choice(enum: type, **kw: Any) -> fields.String:
    values = [e.value for e in enum]
    return Str(validate=validate.OneOf(values, error=t("must be one of: {choices}")), **kw)


def Qty(**kw: Any) -> fields.Integer:
    """Units moved by one operation: 1 to 1,000,000,000."""
    return Whole(min=1, max=MAX_MOVEMENT_QTY, **kw)


def Count(**kw: Any) -> fields.Integer:
    """A number of units held or wanted: 0 to 10^12."""
    return Whole(min=0, max=MAX_BALANCE, **kw)


def Id(**kw: Any) -> fields.Integer:
    """The id of a row: 1 to 2,147,483,647."""
    return Whole(min=1, max=MAX_ID, **kw)


def Days(**kw: Any) -> fields.Integer:
    """A span in days: 0 to 36,500."""
    return Whole(min=0, max=MAX_DAYS, **kw)


class _Strip(Schema):
    class Meta:
        unknown = RAISE

    def load(self, data: Any, **kw: Any) -> Any:  # type: ignore[override]
        if isinstance(data, dict):
            data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
            # An empty optional text means "not given", as forms and CSV cells send it.
            data = {k: (None if v == "" and k in self._nullable() else v) for k, v in data.items()}
        return super().load(data, **kw)

    def _nullable(self) -> set[str]:
        return {n for n, f in self.fields.items() if f.allow_none}


class AgencyIn(_Strip):
    code = Code(required=True)
    name = Name(required=True)
    contact = Text(100)
    phone = Str(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9+()\- ]{3,40}$", error=t("must be a phone number: digits, spaces, + ( ) -")),
    )
    level = Choice(AdminLevel, allow_none=True)
    region_code = RegionCode()


class AgencyUpdate(AgencyIn):
    code = Code()
    name = Name()


class SupplyClassIn(_Strip):
    code = Code(required=True)
    name = Name(required=True)
    name_en = Text(200)
    agency = Code(required=True)
    parent = Code(allow_none=True)


class SupplyClassUpdate(_Strip):
    name = Name()
    name_en = Text(200)
    parent = Str(allow_none=True, validate=validate.Length(max=40))  # "" moves the class to the top


class ItemIn(_Strip):
    code = Code(required=True)
    name = Name(required=True)
    name_en = Text(200)
    supply_class = Code(required=True)
    unit = Name(20, required=True)
    spec = Text(200)
    shelf_life_days = Days(allow_none=True)
    unit_weight_kg = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    unit_volume_m3 = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1_000_000))


class ItemUpdate(ItemIn):
    code = Code()
    name = Name()
    supply_class = Code()
    unit = Name(20)


class PointIn(_Strip):
    code = Code(required=True)
    name = Name(required=True)
    kind = Choice(PointKind, load_default=PointKind.DEPOT.value)
    level = Choice(AdminLevel, required=True)
    region_code = RegionCode()
    address = Text(300)
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    capacity_m3 = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1_000_000_000))
    status = Choice(PointStatus, load_default=PointStatus.ACTIVE.value)


class PointUpdate(PointIn):
    code = Code()
    name = Name()
    level = Choice(AdminLevel)
    lat = fields.Float(validate=validate.Range(min=-90, max=90))
    lon = fields.Float(validate=validate.Range(min=-180, max=180))
    kind = Choice(PointKind)
    status = Choice(PointStatus)


class UserIn(_Strip):
    name = Str(
        required=True,
        validate=[validate.Length(min=1, max=80), validate.Regexp(_CODE_RE, error=t("must not contain spaces"))],
    )
    role = Choice(Role, required=True)
    points = fields.List(Code(), load_default=list)
    agency = Code(allow_none=True)
    password = Str(allow_none=True, validate=validate.Length(min=8, max=200, error=t("must be 8 to 200 characters")))

    @validates_schema
    def _scope(self, data: dict, **_: Any) -> None:
        if data["role"] == Role.WAREHOUSE and not data.get("points"):
            raise ValidationError(t("warehouse staff need at least one storage point"), "points")
        if data["role"] == Role.AGENCY_OFFICER and not data.get("agency"):
            raise ValidationError(t("an agency officer needs an agency"), "agency")


class _LotOp(_Strip):
    point = Code(required=True)
    item = Code(required=True)
    batch = Batch(allow_none=True)
    reference = Text(100)
    reason = Text(500)


class ReceiveIn(_LotOp):
    qty = Qty(required=True)
    expires_on = Day(allow_none=True)
    historical = fields.Boolean(load_default=False)
    mode = Choice(ReserveMode, load_default=ReserveMode.PHYSICAL.value)
    lead_time_hours = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=24 * 365))
    unit_cost = fields.Decimal(allow_none=True, places=2, validate=validate.Range(min=0, max=999_999_999_999))
    agency = Code(allow_none=True)


class IssueIn(_LotOp):
    qty = Qty(required=True)


class WriteOffIn(_LotOp):
    qty = Qty(required=True)
    reason = Str(
        required=True,
        multiline=True,
        validate=validate.Length(min=1, max=500, error=t("say why the stock is written off")),
    )


class AdjustIn(_LotOp):
    counted = Count(required=True)


class TransferIn(_LotOp):
    to_point = Code(required=True)
    qty = Qty(required=True)
    to_batch = Batch(allow_none=True)


class RotateIn(_LotOp):
    qty = Qty(required=True)
    new_batch = Str(required=True, validate=validate.Length(min=1, max=60))
    new_expires_on = Day(allow_none=True)
    historical = fields.Boolean(load_default=False)


class TargetIn(_Strip):
    item = Code(required=True)
    point = Code(allow_none=True)
    region_code = RegionCode()
    quantity = Count(required=True)

    @validates_schema
    def _scope(self, data: dict, **_: Any) -> None:
        if not data.get("point") and not data.get("region_code"):
            raise ValidationError(t("give a storage point or a region code"), "point")


class HandoverIn(_Strip):
    supply_class = Code(required=True)
    to_agency = Code(required=True)
    reason = Text(500)


def bounded(field: fields.Field, value: Any, name: str) -> Any:
    """One value checked by ``field`` outside a schema (a query option); ``None`` passes when allowed."""
    if value is None and field.allow_none:
        return None
    try:
        return field.deserialize(value)
    except ValidationError as exc:
        reasons = exc.messages if isinstance(exc.messages, list) else [str(exc.messages)]
        raise InvalidInput(" ".join(str(r) for r in reasons), name) from None


def load(schema: type[Schema], data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate ``data`` with ``schema``; raise :class:`InvalidInput` naming every bad field."""
    try:
        return schema(partial=partial).load(data)
    except ValidationError as exc:
        raise InvalidInput.from_messages(exc.messages) from None


class LotOut(Schema):
    """The JSON shape of a lot in listings (``stock list --json``)."""

    class Meta:
        unknown = EXCLUDE

    lot_id = fields.Integer()
    item = fields.String()
    item_name = fields.String()
    unit = fields.String()
    supply_class = fields.String()
    agency = fields.String()
    point = fields.String()
    point_name = fields.String()
    level = fields.String()
    region_code = fields.String(allow_none=True)
    lot = fields.String()
    mode = fields.String()
    expires = fields.Date(allow_none=True)
    lead_time_hours = fields.Float()
    on_hand = fields.Integer()
    reserved = fields.Integer()
    free = fields.Integer()
