"""Input schemas of the catalog: agencies, supply classes, items and handovers."""

from __future__ import annotations

from marshmallow import fields, validate

from ...i18n import t
from ...models.enums import AdminLevel
from ...schemas import (
    Choice,
    Code,
    Days,
    Input,
    Name,
    RegionCode,
    Str,
    Text,
)


class AgencyIn(Input):
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


class SupplyClassIn(Input):
    code = Code(required=True)
    name = Name(required=True)
    name_en = Text(200)
    agency = Code(required=True)
    parent = Code(allow_none=True)


class SupplyClassUpdate(Input):
    name = Name()
    name_en = Text(200)
    parent = Str(allow_none=True, validate=validate.Length(max=40))  # "" moves the class to the top


class ItemIn(Input):
    code = Code(required=True)
    name = Name(required=True)
    name_en = Text(200)
    supply_class = Code(required=True)
    unit = Name(20, required=True)
    spec = Text(200)
    shelf_life_days = Days(allow_none=True)
    unit_weight_kg = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    unit_volume_m3 = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    # Lent and returned (tents, folding beds, pumps, generators): see supplies.services.relief.returns.
    reusable = fields.Boolean(load_default=False)
    # Tracked by unit (serial numbers, service history): see supplies.services.equipment.
    tracked = fields.Boolean(load_default=False)


class ItemUpdate(ItemIn):
    code = Code()
    name = Name()
    supply_class = Code()
    unit = Name(20)
    reusable = fields.Boolean()
    tracked = fields.Boolean()


class HandoverIn(Input):
    supply_class = Code(required=True)
    to_agency = Code(required=True)
    reason = Text(500)
