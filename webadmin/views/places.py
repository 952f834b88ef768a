"""Storage points: depots, pre-positioned points, shelters, agreement warehouses and factories (writes via inv.points)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField

import supplies
from supplies.errors import InvalidInput
from supplies.models import PointStatus, Role
from supplies.permissions import scoped_points

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
        "code": _l("Code"),
        "name": _l("Name"),
        "kind": _l("Kind"),
        "level": _l("Level"),
        "region_code": _l("Region code"),
        "address": _l("Address"),
        "lat": _l("Latitude"),
        "lon": _l("Longitude"),
        "capacity_m3": _l("Capacity (m³)"),
        "status": _l("Status"),
    }
    column_formatters = {
        "kind": labels.formatter(labels.POINT_KINDS),
        "level": labels.formatter(labels.LEVELS),
        "status": labels.badge(labels.POINT_STATUS, {"active": "success", "closed": "secondary"}),
    }
    column_choices = {
        "kind": labels.choices(labels.POINT_KINDS),
        "level": labels.choices(labels.LEVELS),
        "status": labels.choices(labels.POINT_STATUS),
    }
    form_columns = (*_FIELDS, "confirm_close")
    form_overrides, form_args = labels.select_fields(
        kind=labels.POINT_KINDS, level=labels.LEVELS, status=labels.POINT_STATUS
    )
    form_args["status"]["description"] = _l("A closed point keeps its stock on the books but is never allocated from.")
    form_extra_fields = {
        "confirm_close": BooleanField(
            _l("Yes, close this point"),
            description=_l(
                "Nothing is allocated from a closed point; its stock stays on the books. It can be reopened."
            ),
        )
    }
    create_roles = (Role.ADMIN.value,)
    edit_roles = (Role.ADMIN.value, Role.WAREHOUSE.value)

    def scope(self, query: Any) -> Any:
        return scoped_points(query, current_user.actor)

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = {k: form[k].data for k in _FIELDS}
        return inv.points.add(
            d.pop("code"), d.pop("name"), level=d.pop("level"), lat=d.pop("lat"), lon=d.pop("lon"), **d
        )

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        del form.confirm_close
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        # The confirmation is asked only once someone has chosen to close an open point.
        closing = request.method == "POST" and request.form.get("status") == PointStatus.CLOSED.value
        if not (closing and obj is not None and obj.status == PointStatus.ACTIVE.value):
            del form.confirm_close
        return form

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        changes = changed(form, model, _FIELDS)
        confirmed = "confirm_close" in form and form.confirm_close.data
        if changes.get("status") == PointStatus.CLOSED.value and not confirmed:
            raise InvalidInput(_closing_words(inv, model.code), "status")
        return inv.points.update(model.code, **changes)


def _closing_words(inv: supplies.Inventory, code: str) -> str:
    """What closing the point means, with what it holds, for the user to confirm."""
    held = inv.stock.summary(by=("point",), point=code)
    lots = sum(r.lots for r in held)
    on_hand = sum(r.on_hand for r in held)
    reserved = sum(r.reserved for r in held)
    return _(
        "Closing %(code)s stops allocation from it; what it holds (%(lots)d lots, %(on_hand)s on hand, "
        "%(reserved)s reserved for requests) stays on the books. Tick “Yes, close this point” and save again.",
        code=code,
        lots=lots,
        on_hand=f"{on_hand:,}",
        reserved=f"{reserved:,}",
    )
