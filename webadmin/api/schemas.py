"""The API's output schemas (marshmallow, documented in OpenAPI) and its paging arguments.

Input schemas are the core's own (``LotFilterIn``, ``RequestIn``, ``CheckIn``, ``AllocateIn``): the core
checks every input once, and the document says what it checks.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from supplies import schemas as core
from supplies.services.readiness.schemas import CheckIn
from supplies.services.stock.queries import MAX_PAGE
from supplies.services.stock.schemas import LotFilterIn

DEFAULT_PAGE = 100


class Output(Schema):
    """Output only: documented, never loaded."""


class Query:
    """A query-string schema: whole numbers arrive as text there (the core's are strict for JSON and Python)."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        if isinstance(field_obj, fields.Integer):
            field_obj.strict = False
        super().on_bind_field(field_name, field_obj)  # type: ignore[misc]


class ReadinessArgs(Query, CheckIn):
    pass


# -- paging --------------------------------------------------------------------------------------------------------
class PageArgs(Query, core.Input):
    cursor = core.Whole(
        min=0, allow_none=True, metadata={"description": "The next_cursor of the page before; none: the first page."}
    )
    limit = core.Whole(min=1, max=MAX_PAGE, load_default=DEFAULT_PAGE, metadata={"description": "Rows per page."})


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of ``item`` rows with the cursor of the next page (null on the last one)."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.Integer(
                required=True, allow_none=True, metadata={"description": "Pass as cursor for the next page."}
            ),
        },
        name=name,
    )


def paged(rows: list[Any], next_cursor: int | None) -> dict[str, Any]:
    return {"items": rows, "next_cursor": next_cursor}


def sliced(rows: list[Any], args: dict[str, Any]) -> dict[str, Any]:
    """A page of a list the core returns whole (points, items, requests ...): the cursor is an offset."""
    start, limit = args.get("cursor") or 0, args["limit"]
    page = rows[start : start + limit]
    return paged(page, start + limit if start + limit < len(rows) else None)


# -- places and catalog ----------------------------------------------------------------------------------------------
class PointArgs(PageArgs):
    level = core.Str(allow_none=True)
    region_code = core.RegionPrefix()
    kind = core.Str(allow_none=True)
    active_only = fields.Boolean(load_default=False)


class PointLayerArgs(Query, core.Input):
    kind = core.Str(
        allow_none=True, metadata={"description": "Only the points of this kind (reserve_depot, township, ...)."}
    )


class FeatureOut(Output):
    type = fields.String(required=True, metadata={"description": "Feature"})
    id = fields.String(metadata={"description": "The point's code."})
    geometry = fields.Dict(required=True, metadata={"description": "A GeoJSON Point: [longitude, latitude]."})
    properties = fields.Dict(required=True)


class FeatureCollectionOut(Output):
    type = fields.String(required=True, metadata={"description": "FeatureCollection"})
    features = fields.List(fields.Nested(FeatureOut), required=True)


class PointOut(Output):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    level = fields.String(required=True)
    region_code = fields.String(allow_none=True)
    jurisdiction_code = fields.String(required=True)
    address = fields.String(allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    capacity_m3 = fields.Float(allow_none=True)
    status = fields.String(required=True)


class ClassOut(Output):
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    agency = fields.String(required=True, metadata={"description": "The responsible agency (责任单位)."})
    parent = fields.String(allow_none=True)
    depth = fields.Integer(required=True)


class ItemArgs(PageArgs):
    supply_class = core.Code(allow_none=True)


class ItemOut(Output):
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    spec = fields.String(allow_none=True)
    unit = fields.String(required=True)
    supply_class = fields.String(required=True)
    shelf_life_days = fields.Integer(allow_none=True)
    unit_weight_kg = fields.Float(allow_none=True)
    unit_volume_m3 = fields.Float(allow_none=True)
    reusable = fields.Boolean(required=True)


# -- stock -----------------------------------------------------------------------------------------------------------
class LotArgs(PageArgs, LotFilterIn):
    with_stock_only = fields.Boolean(load_default=True, metadata={"description": "Leave out lots with none on hand."})


class LotOut(Output):
    lot_id = fields.Integer(required=True)
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    supply_class = fields.String(required=True)
    agency = fields.String(required=True)
    point = fields.String(required=True)
    point_name = fields.String(required=True)
    level = fields.String(required=True)
    region_code = fields.String(allow_none=True)
    batch = fields.String(required=True)
    mode = fields.String(required=True)
    expires = fields.Date(allow_none=True)
    lead_time_hours = fields.Float(required=True)
    on_hand = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    free = fields.Integer(required=True)


class LedgerOut(Output):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    item = fields.String(required=True)
    point = fields.String(required=True)
    batch = fields.String(required=True)
    agency = fields.String(required=True)
    qty = fields.Integer(required=True)
    reserved_delta = fields.Integer(required=True)
    balance_after = fields.Integer(required=True)
    actor = fields.String(allow_none=True)
    reference = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


GROUPS = ("class", "item", "point", "region", "level", "agency", "mode")


class SummaryArgs(Query, LotFilterIn):
    by = fields.List(
        core.Str(validate=validate.OneOf(GROUPS)),
        load_default=lambda: ["class"],
        validate=validate.Length(min=1, max=len(GROUPS)),
        metadata={"description": "Group by these (repeat the parameter)."},
    )


class SummaryOut(Output):
    key = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True), required=True)
    lots = fields.Integer(required=True)
    on_hand = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    free = fields.Integer(required=True)


class TargetArgs(PageArgs):
    item = core.Code(allow_none=True)


class TargetOut(Output):
    id = fields.Integer(required=True)
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    point = fields.String(allow_none=True)
    region_code = fields.String(allow_none=True)
    quantity = fields.Integer(required=True, metadata={"description": "The reserve target."})
    held = fields.Integer(required=True)
    short = fields.Integer(required=True, metadata={"description": "The gap: target less held (0 when met)."})


# -- dispatch --------------------------------------------------------------------------------------------------------
class IncidentArgs(PageArgs):
    status = core.Str(allow_none=True, validate=validate.OneOf(["open", "closed"]))


class IncidentOut(Output):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    level = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    population = fields.Integer(required=True)
    region_code = fields.String(allow_none=True)
    started_at = fields.DateTime(required=True)
    status = fields.String(required=True)


class RequestArgs(PageArgs):
    status = core.Str(allow_none=True)
    incident_id = core.Id(allow_none=True)


class RequestOut(Output):
    id = fields.Integer(required=True)
    incident_id = fields.Integer(required=True)
    status = fields.String(required=True)
    priority = fields.Integer(required=True)
    needed_by = fields.DateTime(allow_none=True)
    dest_lat = fields.Float(required=True)
    dest_lon = fields.Float(required=True)
    dest_point = fields.String(allow_none=True)
    dest_region_code = fields.String(allow_none=True)
    requesting_unit = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    jurisdiction = fields.String(required=True)
    escalated_from = fields.Integer(allow_none=True)


class LineOut(Output):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    allocated = fields.Integer(required=True)
    dispatched = fields.Integer(required=True)
    received = fields.Integer(required=True)
    unit = fields.String(allow_none=True)


class AllocationOut(Output):
    line_id = fields.Integer(required=True)
    item = fields.String(required=True)
    point = fields.String(required=True)
    point_name = fields.String(required=True)
    lot_id = fields.Integer(required=True)
    batch = fields.String(required=True)
    quantity = fields.Integer(required=True)
    agency = fields.String(required=True)
    eta_hours = fields.Float(required=True)
    expires = fields.Date(allow_none=True)
    status = fields.String(required=True)


class ShortfallOut(Output):
    line_id = fields.Integer(required=True)
    code = fields.String(required=True)
    requested = fields.Integer(required=True)
    allocated = fields.Integer(required=True)
    short = fields.Integer(required=True)


class EventOut(Output):
    at = fields.DateTime(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    actor = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class RequestDetailOut(RequestOut):
    incident = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
    lines = fields.List(fields.Nested(LineOut), required=True)
    allocations = fields.List(fields.Nested(AllocationOut), required=True)
    events = fields.List(fields.Nested(EventOut), required=True)
    shortfalls = fields.List(fields.Nested(ShortfallOut), required=True)


class PlanOut(Output):
    request_id = fields.Integer(required=True)
    strategy = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"description": "The request's state after this allocation."})
    rows = fields.List(fields.Nested(AllocationOut), required=True)
    shortfalls = fields.List(fields.Nested(ShortfallOut), required=True)
    weighted_eta = fields.Float(required=True)


# -- readiness -------------------------------------------------------------------------------------------------------
class SourceOut(Output):
    point = fields.String(required=True)
    point_name = fields.String(required=True)
    item = fields.String(required=True)
    quantity = fields.Integer(required=True)
    amount = fields.Float(required=True)
    eta_hours = fields.Float(required=True)
    mode = fields.String(required=True)


class NeedOut(Output):
    need = fields.String(required=True)
    name_zh = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)
    unit = fields.String(required=True)
    basis = fields.String(required=True)
    status = fields.String(required=True)
    required = fields.Float(required=True)
    reachable = fields.Float(required=True)
    short = fields.Float(required=True)
    coverage = fields.Float(required=True)
    items = fields.List(fields.String(), required=True)
    to_close = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    sources = fields.List(fields.Nested(SourceOut), required=True)
    note = fields.String(allow_none=True)


class ReadinessOut(Output):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    population = fields.Integer(required=True)
    hazard = fields.String(allow_none=True)
    hours = fields.Float(required=True)
    days = fields.Float(required=True)
    norms = fields.String(required=True)
    ready = fields.Boolean(required=True)
    short_needs = fields.List(fields.String(), required=True)
    needs = fields.List(fields.Nested(NeedOut), required=True)
