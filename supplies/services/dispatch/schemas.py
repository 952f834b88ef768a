"""Marshmallow schemas that validate the input of incidents, dispatch requests and travel times."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import (
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from ...errors import InvalidInput
from ...i18n import t
from ...limits import MAX_BALANCE, MAX_ID, MAX_POPULATION
from ...models.enums import IncidentLevel, IncidentType
from ...schemas import (
    Choice,
    Code,
    Id,
    Input,
    Moment,
    Name,
    Qty,
    RegionCode,
    Str,
    Text,
    Whole,
)

STRATEGIES = ("earliest", "optimal")


def as_utc(value: datetime | None) -> datetime | None:
    """An aware datetime in UTC; a naive one is taken as UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _UtcTimes(Input):
    """Turns every loaded datetime into aware UTC, as the database stores them."""

    @post_load
    def _utc(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {k: as_utc(v) if isinstance(v, datetime) else v for k, v in data.items()}


def Lat(**kw: Any) -> fields.Float:
    return fields.Float(validate=validate.Range(min=-90, max=90), **kw)


def Lon(**kw: Any) -> fields.Float:
    return fields.Float(validate=validate.Range(min=-180, max=180), **kw)


class IncidentIn(_UtcTimes):
    name = Name(required=True)
    type = Choice(IncidentType, required=True)
    level = Choice(IncidentLevel, required=True)
    lat = Lat(required=True)
    lon = Lon(required=True)
    population = Whole(min=0, max=MAX_POPULATION, load_default=0)
    region_code = RegionCode()
    started_at = Moment(allow_none=True)


class LineIn(Input):
    code = Code(required=True)
    quantity = Qty(required=True)


class RequestIn(_UtcTimes):
    incident_id = Id(required=True)
    lines = fields.List(
        fields.Nested(LineIn), required=True, validate=validate.Length(min=1, error=t("give at least one line"))
    )
    dest_point = Code(allow_none=True)
    dest_lat = Lat(allow_none=True)
    dest_lon = Lon(allow_none=True)
    dest_region_code = RegionCode()
    needed_by = Moment(allow_none=True)
    priority = Whole(load_default=3, min=1, max=5, error=t("must be 1 (most urgent) to 5"))
    requesting_unit = Text(200)
    note = Text(500)

    @pre_load
    def _lines(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "lines" in data:
            data = {**data, "lines": normalise_lines(data["lines"])}
        return data

    @validates_schema
    def _destination(self, data: dict[str, Any], **_: Any) -> None:
        has_point = bool(data.get("dest_point"))
        lat, lon = data.get("dest_lat"), data.get("dest_lon")
        if has_point and (lat is not None or lon is not None):
            raise ValidationError(t("give a destination point or coordinates, not both"), "dest_point")
        if not has_point:
            if lat is None and lon is None:
                raise ValidationError(
                    t("give a destination: a storage point or shelter code, or dest_lat and dest_lon"), "dest_point"
                )
            if lat is None:
                raise ValidationError(t("is required with dest_lon"), "dest_lat")
            if lon is None:
                raise ValidationError(t("is required with dest_lat"), "dest_lon")
        seen: set[str] = set()
        for i, line in enumerate(data.get("lines") or []):
            if line["code"] in seen:
                raise ValidationError({i: {"code": [t("{code} appears more than once", code=line["code"])]}}, "lines")
            seen.add(line["code"])


def normalise_lines(lines: Any) -> Any:
    """Accept ``{code: qty}``, ``[(code, qty), ...]`` or ``[{"code": .., "quantity": ..}, ...]``."""
    if isinstance(lines, Mapping):
        return [{"code": k, "quantity": v} for k, v in lines.items()]
    if isinstance(lines, (str, bytes)) or not isinstance(lines, Iterable):
        return lines  # the List field reports "Not a valid list."
    out: list[Any] = []
    for line in lines:
        if isinstance(line, (tuple, list)) and len(line) == 2:
            out.append({"code": line[0], "quantity": line[1]})
        else:
            out.append(line)
    return out


class ReasonIn(Input):
    reason = Str(
        required=True,
        multiline=True,
        validate=validate.Length(min=1, max=500, error=t("say why, in 1 to 500 characters")),
    )


class OptionalReasonIn(Input):
    reason = Text(500)


class AllocateIn(Input):
    strategy = Str(load_default="earliest", validate=validate.OneOf(STRATEGIES, error=t("must be one of: {choices}")))
    dry_run = fields.Boolean(load_default=False)


class ReceivedIn(Input):
    received = fields.Dict(keys=Code(), values=Whole(min=0, max=MAX_BALANCE), allow_none=True, load_default=None)


def request_id(value: Any, field: str = "id") -> int:
    """A request or incident id given by a caller: a positive whole number."""
    if isinstance(value, bool) or not isinstance(value, int):
        digits = value.strip().lstrip("#") if isinstance(value, str) else ""
        if digits.isascii() and digits.isdigit() and len(digits) <= 10:
            return request_id(int(digits), field)
        raise InvalidInput(t("must be a whole number"), field)
    if value < 1:
        raise InvalidInput(t("must be 1 or more"), field)
    if value > MAX_ID:
        raise InvalidInput(t("must be at most {max_id:,}", max_id=MAX_ID), field)
    return value
