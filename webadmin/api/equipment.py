"""API resources of equipment tracked by unit (装备), read only: units, one unit with its history, readiness."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from supplies import schemas as core

from . import schemas as s
from .auth import acting
from .blueprints import api_blueprint

blp = api_blueprint(
    "equipment",
    "Equipment tracked by unit: each unit with its serial and asset number, condition, place and service dates.",
)


class UnitArgs(s.PageArgs):
    point = core.Str(allow_none=True)
    item = core.Str(allow_none=True)
    status = core.Str(
        allow_none=True,
        metadata={"description": "serviceable, needs_maintenance, under_repair or out_of_service."},
    )


class UnitShowArgs(s.Query, core.Input):
    item = core.Str(allow_none=True, metadata={"description": "The item, when two items share the serial."})


class UnitOut(s.Output):
    serial = fields.String(required=True)
    asset_no = fields.String(required=True)
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    make = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    status = fields.String(required=True)
    point = fields.String(allow_none=True, metadata={"description": "Null while out on a dispatch request."})
    agency = fields.String(allow_none=True)
    request_id = fields.Integer(allow_none=True, metadata={"description": "The request the unit is out on."})
    reserved_for = fields.Integer(allow_none=True, metadata={"description": "The request it is reserved for."})
    last_serviced_on = fields.Date(allow_none=True)
    next_due = fields.Date(allow_none=True)
    hours_used = fields.Float(required=True)


class UnitEventOut(s.Output):
    kind = fields.String(required=True)
    on = fields.Date(required=True)
    result = fields.String(allow_none=True)
    status_after = fields.String(required=True)
    next_due = fields.Date(allow_none=True)
    hours = fields.Float(allow_none=True)
    note = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    at = fields.DateTime(required=True)


class UnitDetailOut(s.Output):
    unit = fields.Nested(UnitOut, required=True)
    tasks = fields.List(fields.String(), required=True)
    every_days = fields.Integer(allow_none=True)
    grace_days = fields.Integer(allow_none=True)
    history = fields.List(fields.Nested(UnitEventOut), required=True)


class ClassReadinessOut(s.Output):
    code = fields.String(required=True)
    name = fields.String(required=True)
    serviceable = fields.Integer(required=True)
    total = fields.Integer(required=True)


class EquipmentReadinessOut(s.Output):
    classes = fields.List(fields.Nested(ClassReadinessOut), required=True)
    overdue = fields.Integer(required=True, metadata={"description": "Units past their service due day."})


@blp.route("/units")
class Units(MethodView):
    @blp.etag
    @blp.arguments(UnitArgs, location="query")
    @blp.response(200, s.page_of(UnitOut, "UnitPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Units of equipment the token user reads (at their points, and out on their dispatch requests)."""
        page = {"cursor": args.pop("cursor", None), "limit": args.pop("limit")}
        return s.sliced(acting().units.list(**args), page)


@blp.route("/units/<serial>")
class Unit(MethodView):
    @blp.arguments(UnitShowArgs, location="query")
    @blp.response(200, UnitDetailOut)
    def get(self, args: dict[str, Any], serial: str) -> Any:
        """A unit by serial or asset number, with its maintenance plan and its history, newest first."""
        return acting().units.show(serial, item=args.get("item"))


@blp.route("/equipment/readiness")
class Readiness(MethodView):
    @blp.response(200, EquipmentReadinessOut)
    def get(self) -> Any:
        """Serviceable units of all units by supply class at the token user's points, and units overdue."""
        return acting().units.readiness()
