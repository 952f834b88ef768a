"""Catalog pages: responsible agencies, the supply-class tree, and items (writes through inv.agencies/classes/items)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

import supplies
from supplies.errors import SuppliesError
from supplies.models import Agency, Item, Role, SupplyClass
from supplies.permissions import can_write_catalog, can_write_item, scoped_to_jurisdiction

from .. import labels
from ..auth import acting
from ..validators import Range
from .base import SecureForm, SecureModelView, SecureView, changed, flash_form_errors, show_error
from .rows import (
    RowBase,
    agency_options,
    class_options,
    code_filters,
    row_table,
    session,
)

ADMIN, OFFICER, WAREHOUSE = Role.ADMIN.value, Role.AGENCY_OFFICER.value, Role.WAREHOUSE.value

COMMON_LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "name_en": _l("English name"),
    "contact": _l("Contact person"),
    "phone": _l("Phone"),
    "level": _l("Level"),
    "region_code": _l("Region code"),
    "agency": _l("Agency"),
    "agency_name": _l("Agency name"),
    "parent": _l("Parent class"),
    "supply_class": _l("Supply class"),
    "spec": _l("Specification"),
    "unit": _l("Unit"),
    "shelf_life_days": _l("Shelf life (days)"),
    "unit_weight_kg": _l("Unit weight (kg)"),
    "unit_volume_m3": _l("Unit volume (m³)"),
    "reusable": _l("Reusable"),
    "tracked": _l("Tracked by unit"),
    "created_at": _l("Created"),
}


# -- agencies ----------------------------------------------------------------------------------
class AgencyView(SecureModelView):
    """Responsible agencies with their contact; admins add them, an agency's officer corrects its own."""

    column_list = ("code", "name", "contact", "phone", "level", "region_code")
    column_searchable_list = ("code", "name", "contact", "phone")
    column_filters = ("level", "region_code")
    column_default_sort = "code"
    column_labels = COMMON_LABELS
    column_formatters = {"level": labels.formatter(labels.LEVELS)}
    column_choices = {"level": labels.choices(labels.LEVELS)}
    form_columns = ("code", "name", "contact", "phone", "level", "region_code")
    form_overrides, form_args = labels.select_fields(blank=("level",), level=labels.LEVELS)
    create_roles = (ADMIN,)
    edit_roles = (ADMIN, OFFICER)

    def scope(self, query: Any) -> Any:
        return scoped_to_jurisdiction(query, current_user.actor, Agency.jurisdiction_code)

    def edit_refusal(self, row: Any) -> str | None:
        if can_write_catalog(current_user.actor, row.id):
            return None
        return _("Agency %(code)s: only an administrator or its own officers may change it.", code=row.code)

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        return inv.agencies.add(
            d["code"], d["name"], contact=d["contact"], phone=d["phone"], level=d["level"], region_code=d["region_code"]
        )

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        return inv.agencies.update(model.code, **changed(form, model, self.form_columns))


# -- supply classes ----------------------------------------------------------------------------
_parent = aliased(SupplyClass)
_class_rows = row_table(
    select(
        SupplyClass.id,
        SupplyClass.code,
        SupplyClass.name,
        SupplyClass.name_en,
        _parent.code.label("parent"),
        SupplyClass.agency_id,
        Agency.code.label("agency"),
        Agency.name.label("agency_name"),
    )
    .join(Agency, Agency.id == SupplyClass.agency_id)
    .outerjoin(_parent, _parent.id == SupplyClass.parent_id),
    "class_rows",
)


class ClassRow(RowBase):
    __table__ = _class_rows


class ClassForm(SecureForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    parent = SelectField(_l("Parent class"), choices=[], validate_choice=False)
    agency = SelectField(
        _l("Agency"),
        choices=[],
        validate_choice=False,
        description=_l("The one agency that stockpiles this class; it changes only by a handover."),
    )


class ClassView(SecureModelView):
    """Supply classes: code, parent and the one responsible agency (also drawn as a tree)."""

    column_list = ("code", "name", "name_en", "parent", "agency", "agency_name")
    column_searchable_list = ("code", "name", "name_en", "parent", "agency")
    column_filters = (
        *code_filters(ClassRow.agency, _l("Agency"), agency_options),
        *code_filters(ClassRow.parent, _l("Parent class"), class_options),
    )
    column_default_sort = "code"
    column_labels = COMMON_LABELS
    form = ClassForm
    create_roles = edit_roles = (ADMIN, OFFICER)
    error_fields = {"user": "agency"}

    def scope(self, query: Any) -> Any:
        if current_user.role == OFFICER:
            return query.filter(ClassRow.agency_id == (current_user.actor.agency_id or -1))
        return query

    def edit_refusal(self, row: Any) -> str | None:
        if can_write_catalog(current_user.actor, row.agency_id):
            return None
        return _(
            "Class %(code)s is held by %(agency)s: only an administrator or its own officers may change it.",
            code=row.code,
            agency=row.agency,
        )

    def _choices(self, form: Any, *, creating: bool) -> Any:
        form.parent.choices = {"": "—", **dict(class_options)}
        agencies = dict(agency_options)
        if current_user.role == OFFICER:
            own = self.session.get(Agency, current_user.actor.agency_id)
            agencies = {code: label for code, label in agencies.items() if own is not None and code == own.code}
        form.agency.choices = agencies
        if not creating:
            form.agency.render_kw = {"disabled": True}
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._choices(super().create_form(obj), creating=True)

    def edit_form(self, obj: Any = None) -> Any:
        return self._choices(super().edit_form(obj), creating=False)

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        return inv.classes.add(
            d["code"].strip(), d["name"], agency=d["agency"], parent=d["parent"] or None, name_en=d["name_en"] or None
        )

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        # A class keeps its code (lots and requests name it); the code field is read-only here.
        d = form.data
        return inv.classes.update(
            model.code,
            name=d["name"],
            name_en=d["name_en"] or "",
            parent=d["parent"] if d["parent"] and d["parent"] != model.parent else None,
        )

    def on_form_prefill(self, form: Any, id: Any) -> None:
        form.code.render_kw = {"readonly": True}


class AssignForm(SecureForm):
    """Make an agency the responsible agency of a class in the agency's own jurisdiction (classes.assign)."""

    supply_class = SelectField(_l("Supply class"), choices=[], validate_choice=False, validators=[DataRequired()])
    agency = SelectField(
        _l("Agency"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired()],
        description=_l(
            "It answers for the class (and its sub-classes without an agency there) in its own jurisdiction; "
            "where another agency answered for it, that jurisdiction's stock is handed over."
        ),
    )
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ClassTreeView(SecureView):
    """The supply-class tree, indented, with each class's responsible agency; admins assign a class to an
    agency of a jurisdiction."""

    @expose("/")
    def index(self) -> Any:
        return self._page(self._assign_form() if current_user.role == ADMIN else None)

    def _page(self, form: AssignForm | None, status: int = 200) -> Any:
        nodes = acting().classes.tree()
        if current_user.role == OFFICER:
            own = self._own_agency_code()
            nodes = [n for n in nodes if n.agency == own]
        return self.render("supplies/class_tree.html", nodes=nodes, assign_form=form), status

    @staticmethod
    def _assign_form(formdata: Any = None) -> AssignForm:
        form = AssignForm(formdata) if formdata is not None else AssignForm()
        form.supply_class.choices = {"": "—", **dict(class_options)}
        form.agency.choices = {"": "—", **dict(agency_options)}
        return form

    @expose("/assign", methods=("POST",))
    def assign(self) -> Any:
        if current_user.role != ADMIN:
            abort(403)
        form = self._assign_form(request.form)
        if not form.validate():
            flash_form_errors(form)
            return self._page(form, 400)
        try:
            acting().classes.assign(
                form.supply_class.data, agency=form.agency.data, reason=(form.reason.data or "").strip() or None
            )
        except SuppliesError as exc:
            show_error(form, exc, {"supply_class": "supply_class", "agency": "agency", "reason": "reason"})
            return self._page(form, 400)
        flash(
            _(
                "%(agency)s now answers for class %(supply_class)s in its jurisdiction.",
                agency=form.agency.data,
                supply_class=form.supply_class.data,
            ),
            "success",
        )
        return redirect(self.get_url(".index"))

    def _own_agency_code(self) -> str | None:
        return session().execute(select(Agency.code).where(Agency.id == current_user.actor.agency_id)).scalar()


# -- items -------------------------------------------------------------------------------------
_item_rows = row_table(
    select(
        Item.id,
        Item.code,
        Item.name,
        Item.name_en,
        Item.spec,
        Item.unit,
        Item.class_id,
        SupplyClass.code.label("supply_class"),
        SupplyClass.agency_id,
        Agency.code.label("agency"),
        Item.shelf_life_days,
        Item.unit_weight_kg,
        Item.unit_volume_m3,
        Item.reusable,
        Item.tracked,
    )
    .join(SupplyClass, SupplyClass.id == Item.class_id)
    .join(Agency, Agency.id == SupplyClass.agency_id),
    "item_rows",
)


class ItemRow(RowBase):
    __table__ = _item_rows


class ItemForm(SecureForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("English name"), validators=[Optional(), Length(max=200)])
    supply_class = SelectField(_l("Supply class"), choices=[], validate_choice=False)
    spec = StringField(_l("Specification"), validators=[Optional(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=20)])
    shelf_life_days = IntegerField(_l("Shelf life (days)"), validators=[Optional(), Range(min=0)])
    unit_weight_kg = StringField(_l("Unit weight (kg)"), validators=[Optional()])
    unit_volume_m3 = StringField(_l("Unit volume (m³)"), validators=[Optional()])
    reusable = BooleanField(
        _l("Reusable"), description=_l("Lent and returned: tents, folding beds, pumps, generators.")
    )
    tracked = BooleanField(
        _l("Tracked by unit"),
        description=_l("Equipment with serial numbers and maintenance, received unit by unit."),
    )


_ITEM_FIELDS = (
    "code",
    "name",
    "name_en",
    "spec",
    "unit",
    "shelf_life_days",
    "unit_weight_kg",
    "unit_volume_m3",
    "reusable",
    "tracked",
)


class ItemView(SecureModelView):
    """Items under the classes; warehouse staff correct them in their daily work."""

    column_list = ("code", "name", "spec", "unit", "supply_class", "agency", "shelf_life_days", "reusable")
    column_searchable_list = ("code", "name", "name_en", "spec", "supply_class")
    column_filters = (
        *code_filters(ItemRow.supply_class, _l("Supply class"), class_options),
        *code_filters(ItemRow.agency, _l("Agency"), agency_options),
        "unit",
    )
    column_default_sort = "code"
    column_labels = COMMON_LABELS
    form = ItemForm
    create_roles = edit_roles = (ADMIN, WAREHOUSE, OFFICER)

    def scope(self, query: Any) -> Any:
        if current_user.role == OFFICER:
            return query.filter(ItemRow.agency_id == (current_user.actor.agency_id or -1))
        return query

    def edit_refusal(self, row: Any) -> str | None:
        if can_write_item(current_user.actor, row.agency_id):
            return None
        return _(
            "Item %(code)s is of class %(supply_class)s, held by %(agency)s: only an administrator, "
            "warehouse staff or the officers of %(agency)s may change it.",
            code=row.code,
            supply_class=row.supply_class,
            agency=row.agency,
        )

    def _choices(self, form: Any) -> Any:
        if current_user.role == OFFICER:
            form.supply_class.choices = class_options_for_agency(current_user.actor.agency_id)
        else:
            form.supply_class.choices = dict(class_options)
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._choices(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._choices(super().edit_form(obj))

    @staticmethod
    def _values(form: Any) -> dict[str, Any]:
        d = {k: (v.strip() if isinstance(v, str) else v) for k, v in form.data.items() if k in _ITEM_FIELDS}
        for key in ("unit_weight_kg", "unit_volume_m3"):
            d[key] = _number(d[key], key)
        return {k: (None if v == "" else v) for k, v in d.items()}

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = self._values(form)
        return inv.items.add(d.pop("code"), d.pop("name"), supply_class=form.supply_class.data, unit=d.pop("unit"), **d)

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        d = self._values(form)
        changes = {k: v for k, v in d.items() if v != getattr(model, k)}
        if form.supply_class.data and form.supply_class.data != model.supply_class:
            changes["supply_class"] = form.supply_class.data
        return inv.items.update(model.code, **changes) if changes else None


def class_options_for_agency(agency_id: int | None) -> dict[str, str]:
    return class_options_where(SupplyClass.agency_id == (agency_id or -1))


def class_options_where(condition: Any) -> dict[str, str]:
    rows = (
        session().execute(select(SupplyClass.code, SupplyClass.name).where(condition).order_by(SupplyClass.code)).all()
    )
    return {c: f"{c} {n}" for c, n in rows}


def _number(value: Any, field: str) -> Any:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise supplies.InvalidInput("must be a number", field) from None
