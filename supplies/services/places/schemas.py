"""Input schemas of places: storage points and travel times."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from ...i18n import t
from ...models.enums import AdminLevel, PointKind, PointStatus
from ...schemas import (
    Choice,
    Code,
    Input,
    Name,
    RegionCode,
    RegionPrefix,
    Text,
    Whole,
)


class PointIn(Input):
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


class RegionIn(Input):
    code = RegionCode(required=True)
    name = Name(required=True)
    level = fields.String(required=True, validate=validate.OneOf(("province", "city", "county", "township", "village")))
    parent = RegionCode()


class TravelTimeIn(Input):
    from_point = Code(required=True)
    to_point = Code(allow_none=True)
    to_region = RegionPrefix()
    hours = fields.Float(
        required=True, validate=validate.Range(min=0, max=24 * 30, error=t("must be between 0 and 720 hours"))
    )

    @validates_schema
    def _target(self, data: dict[str, Any], **_: Any) -> None:
        if bool(data.get("to_point")) == bool(data.get("to_region")):
            raise ValidationError(t("give exactly one of to_point or to_region"), "to_point")


class MapLayerIn(Input):
    """The questions the map layers take: a kind of point, an incident and hours of reach, a planning population."""

    kind = Choice(PointKind, allow_none=True)
    hours = fields.Float(load_default=12.0, validate=validate.Range(min=0, max=24 * 30))
    population = Whole(min=0, max=100_000_000, load_default=5000)
