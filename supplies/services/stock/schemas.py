"""Input schemas of stock operations, targets and the filters of stock reads."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ... import schemas
from ...i18n import t
from ...models import (
    AdminLevel,
)
from ...models.enums import ReserveMode
from ...schemas import (
    Batch,
    Code,
    Count,
    Day,
    Input,
    Qty,
    RegionCode,
    Str,
    Text,
)


class LotOperation(Input):
    point = Code(required=True)
    item = Code(required=True)
    batch = Batch(allow_none=True)
    reference = Text(100)
    reason = Text(500)


class ReceiveIn(LotOperation):
    qty = Qty(required=True)
    expires_on = Day(allow_none=True)
    historical = fields.Boolean(load_default=False)
    # Repair lots (待修) are opened by returns only, requisition lots (征用) by requisitions only.
    mode = Str(
        validate=validate.OneOf(
            [m.value for m in ReserveMode if m not in (ReserveMode.REPAIR, ReserveMode.REQUISITION)],
            error=t("must be one of: {choices}"),
        ),
        load_default=ReserveMode.PHYSICAL.value,
    )
    lead_time_hours = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=24 * 365))
    unit_cost = fields.Decimal(allow_none=True, places=2, validate=validate.Range(min=0, max=999_999_999_999))
    agency = Code(allow_none=True)


class IssueIn(LotOperation):
    qty = Qty(required=True)


class WriteOffIn(LotOperation):
    qty = Qty(required=True)
    reason = Str(
        required=True,
        multiline=True,
        validate=validate.Length(min=1, max=500, error=t("say why the stock is written off")),
    )


class AdjustIn(LotOperation):
    counted = Count(required=True)


class TransferIn(LotOperation):
    to_point = Code(required=True)
    qty = Qty(required=True)
    to_batch = Batch(allow_none=True)


class RotateIn(LotOperation):
    qty = Qty(required=True)
    new_batch = Str(required=True, validate=validate.Length(min=1, max=60))
    new_expires_on = Day(allow_none=True)
    historical = fields.Boolean(load_default=False)


class TargetIn(Input):
    item = Code(required=True)
    point = Code(allow_none=True)
    region_code = RegionCode()
    quantity = Count(required=True)

    @validates_schema
    def _scope(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("point") and not data.get("region_code"):
            raise ValidationError(t("give a storage point or a region code"), "point")


class LotFilterIn(schemas.Input):
    point = schemas.Code(allow_none=True)
    item = schemas.Code(allow_none=True)
    supply_class = schemas.Code(allow_none=True)
    agency = schemas.Code(allow_none=True)
    region_code = schemas.RegionPrefix()
    level = schemas.Choice(AdminLevel, allow_none=True)
