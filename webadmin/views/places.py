"""Storage points: depots, pre-positioned points, shelters, agreement warehouses and factories (writes via inv.points)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user

import supplies
from supplies.models import Role, StoragePoint

from .. import labels
from .base import SecureModelView, changed

_FIELDS = ("code", "name", "kind", "level", "region_code", "address", "lat", "lon", "capacity_m3", "status")


class StoragePointView(SecureModelView):
    """Storage points; warehouse staff see and correct only their own, admins add and close them."""

    column_list = ("code", "name", "kind", "level", "region_code", "address", "lat", "lon", "status")
    column_searchable_list = ("code", "name", "address", "region_code")
    column_filters = ("kind", "level", "region_code", "status")
    column_default_sort = "code"
    column_labels = {
        "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "level": _l("Level"),
        "region_code": _l("Region code"), "address": _l("Address"), "lat": _l("Latitude"),
        "lon": _l("Longitude"), "capacity_m3": _l("Capacity (m³)"), "status": _l("Status"),
    }
    column_formatters = {
        "kind": labels.formatter(labels.POINT_KINDS), "level": labels.formatter(labels.LEVELS),
        "status": labels.badge(labels.POINT_STATUS, {"active": "success", "closed": "secondary"}),
    }
    column_choices = {"kind": labels.choices(labels.POINT_KINDS), "level": labels.choices(labels.LEVELS),
                      "status": labels.choices(labels.POINT_STATUS)}
    form_columns = _FIELDS
    form_overrides, form_args = labels.select_fields(kind=labels.POINT_KINDS, level=labels.LEVELS,
                                                     status=labels.POINT_STATUS)
    form_args["status"]["description"] = _l("A closed point keeps its stock on the books but is never allocated from.")
    create_roles = (Role.ADMIN.value,)
    edit_roles = (Role.ADMIN.value, Role.WAREHOUSE.value)

    def scope(self, query: Any) -> Any:
        if current_user.role == Role.WAREHOUSE:
            return query.filter(StoragePoint.id.in_(current_user.actor.point_ids or {-1}))
        return query

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = {k: form[k].data for k in _FIELDS}
        return inv.points.add(d.pop("code"), d.pop("name"), level=d.pop("level"), lat=d.pop("lat"),
                              lon=d.pop("lon"), **d)

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        return inv.points.update(model.code, **changed(form, model, _FIELDS))
