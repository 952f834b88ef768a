"""Flask-Admin converters that know SQLModel's column types (AutoString, UTCDateTime), SQLAlchemy 2.1's Float,
and keep datetimes aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import wtforms
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField
from flask_admin.model import filters as base_filters
from flask_admin.model.form import converts
from flask_babel import get_timezone


def to_utc(value: datetime) -> datetime:
    """A datetime typed by a user, read in the interface's time zone, as an aware UTC datetime."""
    if value.tzinfo is None:
        zone = get_timezone()
        # pytz zones must localize (replace() would give the zone's 19th-century mean time).
        localize = getattr(zone, "localize", None)
        value = localize(value) if localize else value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    """A stored (UTC) datetime in the interface's time zone, for display."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(get_timezone())


class AwareDateTimeField(DateTimeField):
    """A date-time field shown in local time that hands the model an aware UTC datetime.

    SQLModel's UTCDateTime refuses naive datetimes, and the picker sends naive ones.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime):
            self.data = to_utc(self.data)

    def _value(self) -> str:
        if isinstance(self.data, datetime) and not self.raw_data:
            return to_local(self.data).strftime(self.format[0] if isinstance(self.format, list) else self.format)
        return super()._value()


class ModelConverter(AdminModelConverter):
    """Forms for SQLModel tables: AutoString is a string, UTCDateTime an aware date-time."""

    @converts("sqlmodel.sql.sqltypes.AutoString", "AutoString")
    def conv_auto_string(self, column: Any, field_args: dict[str, Any], **extra: Any) -> Any:
        return self.conv_String(column=column, field_args=field_args, **extra)

    @converts("sqlmodel.sql.sqltypes.UTCDateTime", "UTCDateTime")
    def conv_utc_datetime(self, field_args: dict[str, Any], **extra: Any) -> Any:
        return AwareDateTimeField(**field_args)

    # SQLAlchemy 2.1's Float no longer derives from Numeric, so Flask-Admin would drop it.
    @converts("sqlalchemy.sql.sqltypes.Float", "Float", "Double")
    def conv_float(self, field_args: dict[str, Any], **extra: Any) -> Any:
        return wtforms.FloatField(**field_args)


class _AwareClean:
    def clean(self, value: str) -> Any:
        cleaned = super().clean(value)  # type: ignore[misc]
        if isinstance(cleaned, list):
            return [to_utc(v) for v in cleaned]
        return to_utc(cleaned)


class AwareEqual(_AwareClean, sqla_filters.DateTimeEqualFilter):
    pass


class AwareNotEqual(_AwareClean, sqla_filters.DateTimeNotEqualFilter):
    pass


class AwareGreater(_AwareClean, sqla_filters.DateTimeGreaterFilter):
    pass


class AwareSmaller(_AwareClean, sqla_filters.DateTimeSmallerFilter):
    pass


class AwareBetween(_AwareClean, sqla_filters.DateTimeBetweenFilter):
    pass


class AwareNotBetween(_AwareClean, sqla_filters.DateTimeNotBetweenFilter):
    pass


class FilterConverter(sqla_filters.FilterConverter):
    """List filters for SQLModel tables: text filters on AutoString, aware date-time filters on UTCDateTime."""

    aware_datetime_filters = (
        AwareEqual,
        AwareNotEqual,
        AwareGreater,
        AwareSmaller,
        AwareBetween,
        AwareNotBetween,
        sqla_filters.FilterEmpty,
    )

    @base_filters.convert("AutoString")
    def conv_auto_string(self, column: Any, name: str, **kwargs: Any) -> list[Any]:
        return self.conv_string(column, name, **kwargs)

    @base_filters.convert("UTCDateTime")
    def conv_utc_datetime(self, column: Any, name: str, **kwargs: Any) -> list[Any]:
        return [f(column, name, **kwargs) for f in self.aware_datetime_filters]
