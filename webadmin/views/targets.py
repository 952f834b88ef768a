"""Reserve targets: how much of an item a storage point or a region should hold (writes via inv.targets)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

import supplies
from supplies.models import Item, ReserveTarget, Role, StoragePoint, SupplyClass
from supplies.permissions import scoped_targets

from ..auth import acting
from ..validators import Range
from .base import SecureForm, SecureModelView
from .rows import (
    RowBase,
    code_filters,
    item_options,
    own_point_options,
    point_options,
    row_table,
)

_target_rows = row_table(
    select(
        ReserveTarget.id,
        Item.code.label("item"),
        Item.name.label("item_name"),
        Item.unit,
        ReserveTarget.point_id,
        StoragePoint.code.label("point"),
        ReserveTarget.region_code,
        ReserveTarget.quantity,
        ReserveTarget.jurisdiction_code,
        SupplyClass.agency_id,
        ReserveTarget.updated_at,
    )
    .join(Item, Item.id == ReserveTarget.item_id)
    .join(SupplyClass, SupplyClass.id == Item.class_id)
    .outerjoin(StoragePoint, StoragePoint.id == ReserveTarget.point_id),
    "target_rows",
)


class TargetRow(RowBase):
    __table__ = _target_rows


class TargetForm(SecureForm):
    item = SelectField(_l("Item"), choices=[], validate_choice=False)
    point = SelectField(_l("Storage point"), choices=[], validate_choice=False)
    region_code = StringField(
        _l("Region code"),
        validators=[Optional(), Length(max=20)],
        description=_l("For a target over a whole region instead of one point."),
    )
    quantity = IntegerField(_l("Target quantity"), validators=[InputRequired(), Range(min=0)])


class TargetView(SecureModelView):
    """Targets per item and point (with what the point holds now) or per region."""

    column_list = ("item", "item_name", "point", "region_code", "quantity", "held", "short", "unit", "updated_at")
    column_searchable_list = ("item", "item_name", "point", "region_code")
    column_filters = (
        *code_filters(TargetRow.item, _l("Item"), item_options),
        *code_filters(TargetRow.point, _l("Storage point"), own_point_options),
        "region_code",
    )
    column_default_sort = ("item", False)
    column_labels = {
        "item": _l("Item"),
        "item_name": _l("Item name"),
        "point": _l("Storage point"),
        "region_code": _l("Region code"),
        "quantity": _l("Target"),
        "held": _l("On hand"),
        "short": _l("Short"),
        "unit": _l("Unit"),
        "updated_at": _l("Updated"),
    }
    column_descriptions = {
        "held": _l("What the point holds now, or for a region target every point in the region (what you may see)."),
        "short": _l("What the target lacks."),
    }
    column_formatters = {
        "quantity": lambda v, c, m, n: f"{m.quantity:,}",
        "held": lambda v, c, m, n: v.held_of(m.id, "held"),
        "short": lambda v, c, m, n: v.held_of(m.id, "short"),
    }
    column_sortable_list = ("item", "item_name", "point", "region_code", "quantity", "updated_at")
    form = TargetForm
    create_roles = edit_roles = (Role.ADMIN.value, Role.DISPATCHER.value)

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        # What each target on the page holds, from the core in one query (a region's: all its points).
        ids = [r.id for r in rows]
        g.target_status = {t.id: t for t in acting().targets.status(ids=ids)}
        return count, rows

    def held_of(self, target_id: int, name: str) -> str:
        status = g.get("target_status", {}).get(target_id)
        return f"{getattr(status, name):,}" if status is not None else ""

    def scope(self, query: Any) -> Any:
        return scoped_targets(
            query, current_user.actor, TargetRow.point_id, TargetRow.agency_id, TargetRow.jurisdiction_code
        )

    def _choices(self, form: Any) -> Any:
        form.item.choices = dict(item_options)
        form.point.choices = {"": "—", **dict(point_options)}
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._choices(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        form = self._choices(super().edit_form(obj))
        # A target's item and place are its identity: edit the quantity, or add another target.
        for name in ("item", "point", "region_code"):
            form[name].render_kw = {"disabled": True}
        return form

    def on_form_prefill(self, form: Any, id: Any) -> None:
        row = self.get_one(id)
        if row is not None:
            form.point.data = row.point or ""

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        return inv.targets.set(
            d["item"], d["quantity"], point=d["point"] or None, region_code=(d["region_code"] or "").strip() or None
        )

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        return inv.targets.set(
            model.item, form.quantity.data, point=model.point, region_code=None if model.point else model.region_code
        )
