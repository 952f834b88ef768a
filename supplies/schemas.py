"""Marshmallow schemas that validate every input of the services, and output schemas for JSON."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
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

CODE_RE = r"^\S+$"
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
        validate=[validate.Length(min=1, max=40), validate.Regexp(CODE_RE, error=t("must not contain spaces"))],
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


def Choice(enum: type[Enum], **kw: Any) -> fields.String:
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


class Input(Schema):
    class Meta:
        unknown = RAISE

    def load(self, data: Any, **kw: Any) -> Any:
        if isinstance(data, dict):
            data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
            # An empty optional text means "not given", as forms and CSV cells send it.
            data = {k: (None if v == "" and k in self._nullable() else v) for k, v in data.items()}
        return super().load(data, **kw)

    def _nullable(self) -> set[str]:
        return {n for n, f in self.fields.items() if f.allow_none}


def bounded(field: fields.Field[Any], value: Any, name: str) -> Any:
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
        loaded: dict[str, Any] = schema(partial=partial).load(data)
        return loaded
    except ValidationError as exc:
        raise InvalidInput.from_messages(exc.messages) from None
