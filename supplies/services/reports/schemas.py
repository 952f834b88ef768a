"""Input schema of the reports: period, filters, grouping and time zone."""

from __future__ import annotations

from marshmallow import validate

from ... import schemas
from ...models import (
    AdminLevel,
)


class ReportIn(schemas.Input):
    since = schemas.Day(allow_none=True)
    until = schemas.Day(allow_none=True)
    point = schemas.Code(allow_none=True)
    item = schemas.Code(allow_none=True)
    supply_class = schemas.Code(allow_none=True)
    agency = schemas.Code(allow_none=True)
    region_code = schemas.RegionPrefix()
    level = schemas.Choice(AdminLevel, allow_none=True)
    days = schemas.Days(load_default=90)
    valid_for_days = schemas.Days(load_default=0)
    tz = schemas.Str(allow_none=True, validate=validate.Length(max=60))
