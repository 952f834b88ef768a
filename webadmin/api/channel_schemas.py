"""Output schemas and query arguments of the supply channels' resources: contracts, donations, requisitions.

Each schema mirrors a result dataclass of the core field by field (``| None`` there is nullable here);
money (``Decimal``) is a decimal string, as exact as the core keeps it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from supplies.services.contracts.schemas import ListIn as ContractListIn
from supplies.services.donations.schemas import ListIn as DonationListIn
from supplies.services.io.exports import without_phones
from supplies.services.requisitions.schemas import ListIn as RequisitionListIn

from .schemas import Output, PageArgs, Query


def money(**kw: Any) -> fields.Decimal:
    """A Decimal of the core as a string (``"80.00"``): JSON numbers would round it."""
    return fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"}, **kw)


class Masked(fields.String):
    """A contact as the exports give it: any phone number in it masked (``张经理 139****1111``)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return without_phones(super()._serialize(value, attr, obj, **kwargs))


# -- contracts (协议储备) ----------------------------------------------------------------------------------------------
class ContractArgs(PageArgs, ContractListIn):
    pass


class ContractLineOut(Output):
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_price = money(allow_none=True)
    called_up = fields.Integer(required=True)
    remaining = fields.Integer(required=True, metadata={"description": "Left to call up: the lot's free stock."})
    lot_id = fields.Integer(required=True)
    batch = fields.String(required=True)


class ContractOut(Output):
    code = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    company = fields.String(required=True)
    credit_code = fields.String(allow_none=True)
    contact = Masked(allow_none=True, metadata={"description": "Phone numbers in it are masked."})
    point = fields.String(required=True)
    point_name = fields.String(required=True)
    mode = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)
    lead_time_hours = fields.Float(required=True)
    in_force = fields.Boolean(required=True)
    days_left = fields.Integer(required=True)
    lines = fields.List(fields.Nested(ContractLineOut), required=True)
    late_deliveries = fields.Integer(required=True)
    short_units = fields.Integer(required=True)


class CallUpLineOut(Output):
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Integer(required=True)
    delivered = fields.Integer(allow_none=True)


class CallUpOut(Output):
    id = fields.Integer(required=True)
    contract = fields.String(required=True)
    version = fields.Integer(required=True)
    company = fields.String(required=True)
    contact = Masked(allow_none=True, metadata={"description": "Phone numbers in it are masked."})
    point = fields.String(required=True)
    request_id = fields.Integer(required=True)
    destination = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    deadline = fields.DateTime(required=True)
    status = fields.String(required=True)
    delivered_at = fields.DateTime(allow_none=True)
    late = fields.Boolean(required=True)
    short = fields.Integer(required=True)
    lines = fields.List(fields.Nested(CallUpLineOut), required=True)


class ContractDetailOut(Output):
    contract = fields.Nested(ContractOut, required=True)
    history = fields.List(fields.Nested(ContractOut), required=True, metadata={"description": "Oldest first."})
    call_ups = fields.List(fields.Nested(CallUpOut), required=True)


# -- donations (社会捐赠) ----------------------------------------------------------------------------------------------
class DonationArgs(PageArgs, DonationListIn):
    pass


class DisclosureArgs(Query, DonationListIn):
    class Meta:
        exclude = ("donor",)  # the disclosure is per donor already


class DonationOut(Output):
    id = fields.Integer(required=True)
    donor = fields.String(required=True)
    donor_name = fields.String(required=True)
    donor_shown_as = fields.String(required=True, metadata={"description": "The public name: 匿名 if anonymous."})
    point = fields.String(required=True)
    point_name = fields.String(required=True)
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Integer(required=True)
    triage = fields.String(required=True)
    reason = fields.String(allow_none=True)
    certificate = fields.String(required=True)
    batch = fields.String(allow_none=True)
    lot_id = fields.Integer(allow_none=True)
    incident_id = fields.Integer(allow_none=True)
    region_code = fields.String(allow_none=True)
    purpose = fields.String(allow_none=True)
    pledge_id = fields.Integer(allow_none=True)
    received_at = fields.DateTime(required=True)
    disposed_at = fields.DateTime(allow_none=True)


class DisclosureRowOut(Output):
    donor = fields.String(required=True, metadata={"description": "The public name: 匿名 if anonymous."})
    donor_kind = fields.String(required=True, metadata={"description": "Empty for an anonymous donor."})
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    received = fields.Integer(required=True)
    allocated = fields.Integer(required=True)
    distributed = fields.Integer(required=True)
    remaining = fields.Integer(required=True)


# -- requisitions (征用) -----------------------------------------------------------------------------------------------
class RequisitionArgs(PageArgs, RequisitionListIn):
    pass


class RequisitionLineOut(Output):
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Integer(required=True)
    unit_value = money(required=True)
    daily_rate = money(allow_none=True)
    held = fields.Integer(required=True)
    returned_good = fields.Integer(required=True)
    returned_damaged = fields.Integer(required=True)
    lost = fields.Integer(required=True)
    consumed = fields.Integer(required=True)
    damage = money(required=True)
    batch = fields.String(required=True)


class RequisitionOut(Output):
    id = fields.Integer(required=True)
    authority = fields.String(required=True)
    basis = fields.String(required=True)
    owner = fields.String(required=True)
    owner_kind = fields.String(required=True)
    owner_id = fields.String(
        allow_none=True, metadata={"description": "A person's ID number masked, or a company's credit code."}
    )
    point = fields.String(required=True)
    point_name = fields.String(required=True)
    status = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    lines = fields.List(fields.Nested(RequisitionLineOut), required=True)
    compensation_status = fields.String(allow_none=True)
    compensation_total = money(allow_none=True)


class ReturnOut(Output):
    id = fields.Integer(required=True)
    item = fields.String(required=True)
    qty = fields.Integer(required=True)
    condition = fields.String(required=True)
    damage = money(required=True)
    movement_id = fields.Integer(allow_none=True)
    at = fields.DateTime(required=True)


class CompensationLineOut(Output):
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    kind = fields.String(required=True)
    quantity = fields.Integer(required=True)
    days = fields.Integer(allow_none=True)
    rate = money(allow_none=True)
    amount = money(required=True)


class CompensationOut(Output):
    requisition_id = fields.Integer(required=True)
    owner = fields.String(required=True)
    status = fields.String(required=True)
    total = money(required=True)
    lines = fields.List(fields.Nested(CompensationLineOut), required=True)
    assessed_by = fields.String(allow_none=True)
    assessed_at = fields.DateTime(required=True)
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    paid_by = fields.String(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    reference = fields.String(allow_none=True)


class RequisitionDetailOut(Output):
    requisition = fields.Nested(RequisitionOut, required=True)
    returns = fields.List(fields.Nested(ReturnOut), required=True)
    compensation = fields.Nested(CompensationOut, allow_none=True, metadata={"description": "Null until assessed."})
