"""Input schemas of readiness: the check's question and the needs norms."""

from __future__ import annotations

from marshmallow import fields, validate

from ... import schemas
from ...i18n import t
from ...models import (
    IncidentType,
)

BASES = ("once", "per_day")  # a need is met once (a tent) or every day (water)


class CheckIn(schemas.Input):
    lat = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))
    population = schemas.Whole(required=True, min=0, max=100_000_000)
    hazard = schemas.Str(
        allow_none=True, validate=validate.OneOf([h.value for h in IncidentType], error=t("must be one of: {choices}"))
    )
    hours = fields.Float(load_default=12.0, validate=validate.Range(min=0, max=24 * 30))
    days = fields.Float(load_default=1.0, validate=validate.Range(min=0, min_inclusive=False, max=365))
    point = schemas.Code(allow_none=True)
    region_code = schemas.RegionPrefix()


class NormIn(schemas.Input):
    need = schemas.Str(
        required=True,
        validate=[
            validate.Length(min=1, max=40),
            validate.Regexp(r"^[a-z0-9_]+$", error=t("use lower-case letters, digits and _ (e.g. shelter, water)")),
        ],
    )
    amount_per_person = fields.Float(required=True, validate=validate.Range(min=0))
    unit = schemas.Str(required=True, validate=validate.Length(min=1, max=20))
    basis = schemas.Str(load_default="once", validate=validate.OneOf(BASES, error=t("must be one of: {choices}")))
    name_zh = schemas.Text(100)
    name_en = schemas.Text(100)
    hazard = schemas.Str(
        allow_none=True, validate=validate.OneOf([h.value for h in IncidentType], error=t("must be one of: {choices}"))
    )
    source = schemas.Text(1000)


class LinkIn(schemas.Input):
    need = schemas.Str(required=True, validate=validate.Length(min=1, max=40))
    item = schemas.Code(required=True)
    amount_per_unit = fields.Float(
        load_default=1.0, validate=validate.Range(min=0, min_inclusive=False, error=t("must be more than 0"))
    )
    hazard = schemas.Str(
        allow_none=True, validate=validate.OneOf([h.value for h in IncidentType], error=t("must be one of: {choices}"))
    )
