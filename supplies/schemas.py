"""Marshmallow schemas that validate every input of the services, and output schemas for JSON."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from .errors import InvalidInput
from .models.enums import AdminLevel, PointKind, PointStatus, ReserveMode, Role

_CODE_RE = r"^\S+$"


def Code(**kw: Any) -> fields.String:
    """A code: 1-40 characters without white space (Chinese allowed)."""
    return fields.String(
        validate=[validate.Length(min=1, max=40), validate.Regexp(_CODE_RE, error="must not contain spaces")],
        **kw,
    )


def Name(max_len: int = 200, **kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)


def Text(max_len: int, **kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_len), allow_none=True, **kw)


def Choice(enum: type, **kw: Any) -> fields.String:
    values = [e.value for e in enum]
    return fields.String(validate=validate.OneOf(values, error="must be one of: {choices}"), **kw)


def Qty(**kw: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, error="must be a whole number of at least 1"), **kw)


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
    phone = fields.String(allow_none=True, validate=validate.Regexp(
        r"^[0-9+()\- ]{3,40}$", error="must be a phone number: digits, spaces, + ( ) -"))
    level = Choice(AdminLevel, allow_none=True)
    region_code = Text(20)


class AgencyUpdate(AgencyIn):
    code = Code()
    name = Name()


class SupplyClassIn(_Strip):
    code = Code(required=True)
    name = Name(required=True)
    name_en = Text(200)
    agency = Code(required=True)
    parent = Code(allow_none=True)


class ItemIn(_Strip):
    code = Code(required=True)
    name = Name(required=True)
    name_en = Text(200)
    supply_class = Code(required=True)
    unit = Name(20, required=True)
    spec = Text(200)
    shelf_life_days = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0))
    unit_weight_kg = fields.Float(allow_none=True, validate=validate.Range(min=0))
    unit_volume_m3 = fields.Float(allow_none=True, validate=validate.Range(min=0))


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
    region_code = Text(20)
    address = Text(300)
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    capacity_m3 = fields.Float(allow_none=True, validate=validate.Range(min=0))
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
    name = fields.String(required=True, validate=[validate.Length(min=1, max=80),
                                                 validate.Regexp(_CODE_RE, error="must not contain spaces")])
    role = Choice(Role, required=True)
    points = fields.List(Code(), load_default=list)
    agency = Code(allow_none=True)
    password = fields.String(allow_none=True, validate=validate.Length(min=8, max=200,
                             error="must be 8 to 200 characters"))

    @validates_schema
    def _scope(self, data: dict, **_: Any) -> None:
        if data["role"] == Role.WAREHOUSE and not data.get("points"):
            raise ValidationError("warehouse staff need at least one storage point", "points")
        if data["role"] == Role.AGENCY_OFFICER and not data.get("agency"):
            raise ValidationError("an agency officer needs an agency", "agency")


class _LotOp(_Strip):
    point = Code(required=True)
    item = Code(required=True)
    batch = fields.String(allow_none=True, validate=validate.Length(max=60))
    reference = Text(100)
    reason = Text(500)


class ReceiveIn(_LotOp):
    qty = Qty(required=True)
    expires_on = fields.Date(allow_none=True)
    mode = Choice(ReserveMode, load_default=ReserveMode.PHYSICAL.value)
    lead_time_hours = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=24 * 365))
    unit_cost = fields.Decimal(allow_none=True, places=2, validate=validate.Range(min=0))
    agency = Code(allow_none=True)


class IssueIn(_LotOp):
    qty = Qty(required=True)


class WriteOffIn(_LotOp):
    qty = Qty(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500,
                           error="say why the stock is written off"))


class AdjustIn(_LotOp):
    counted = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, error="must be 0 or more"))


class TransferIn(_LotOp):
    to_point = Code(required=True)
    qty = Qty(required=True)


class RotateIn(_LotOp):
    qty = Qty(required=True)
    new_batch = fields.String(required=True, validate=validate.Length(min=1, max=60))
    new_expires_on = fields.Date(allow_none=True)


class TargetIn(_Strip):
    item = Code(required=True)
    point = Code(allow_none=True)
    region_code = Text(20)
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))

    @validates_schema
    def _scope(self, data: dict, **_: Any) -> None:
        if not data.get("point") and not data.get("region_code"):
            raise ValidationError("give a storage point or a region code", "point")


class HandoverIn(_Strip):
    supply_class = Code(required=True)
    to_agency = Code(required=True)
    reason = Text(500)


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
