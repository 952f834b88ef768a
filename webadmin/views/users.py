"""Users, their roles and scopes (admins only; writes via inv.users)."""

from __future__ import annotations

from typing import Any

from flask import flash, g
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

import supplies
from supplies.errors import InvalidInput, SuppliesError
from supplies.models import Agency, Region, Role, StoragePoint, User, UserPoint
from supplies.permissions import scoped_to_jurisdiction

from .. import labels
from ..auth import acting
from ..i18n import said
from .base import SecureForm, SecureModelView
from .rows import (
    RowBase,
    agency_options,
    code_filters,
    point_options,
    row_table,
    session,
)

_user_rows = row_table(
    select(
        User.id,
        User.name,
        User.role,
        Agency.code.label("agency"),
        User.active,
        User.password_hash.is_not(None).label("web_login"),
        User.created_at,
        User.jurisdiction_code,
        Region.name.label("jurisdiction"),
    )
    .outerjoin(Agency, Agency.id == User.agency_id)
    .outerjoin(Region, Region.code == User.jurisdiction_code),
    "user_rows",
)


class UserRow(RowBase):
    __table__ = _user_rows


class UserForm(SecureForm):
    name = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=labels.select_choices(labels.ROLES))
    region = SelectField(
        _l("Jurisdiction"),
        choices=[],
        validate_choice=False,
        description=_l(
            "An administrator, dispatcher or viewer acts on this jurisdiction and everything below it. "
            "Empty: where the user's agency or first point is, else your own."
        ),
    )
    agency = SelectField(
        _l("Agency"), choices=[], validate_choice=False, description=_l("Agency officers act for this agency only.")
    )
    points = SelectMultipleField(
        _l("Storage points"),
        choices=[],
        validate_choice=False,
        description=_l("Warehouse staff see and change stock at these points only."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=8, max=200)],
        description=_l("At least 8 characters. Leave empty to keep the current one."),
    )
    no_web_password = BooleanField(
        _l("No web password"),
        description=_l(
            "For a user of the command line and the library only: they cannot log in here until a password is set."
        ),
    )


def _active(view: Any, context: Any, model: Any, name: str) -> Any:
    if model.active:
        return Markup('<span class="badge badge-success">{}</span>').format(_("active"))
    return Markup('<span class="badge badge-secondary">{}</span>').format(_("deactivated"))


def _web_login(view: Any, context: Any, model: Any, name: str) -> Any:
    return _("yes") if model.web_login else Markup('<span class="text-muted">{}</span>').format(_("no web password"))


class UserView(SecureModelView):
    """Who may log in, with which role and scope. Users are deactivated, never deleted: the
    ledger names them."""

    roles = create_roles = edit_roles = (Role.ADMIN.value,)
    column_list = ("name", "role", "jurisdiction", "agency", "points", "active", "web_login", "created_at")
    column_searchable_list = ("name", "agency")
    column_filters = (
        "role",
        "active",
        "jurisdiction_code",
        *code_filters(UserRow.agency, _l("Agency"), agency_options),
    )
    column_choices = {"role": labels.choices(labels.ROLES)}
    column_default_sort = "name"
    column_labels = {
        "name": _l("User name"),
        "role": _l("Role"),
        "jurisdiction": _l("Jurisdiction"),
        "jurisdiction_code": _l("Jurisdiction code"),
        "agency": _l("Agency"),
        "points": _l("Storage points"),
        "active": _l("Active"),
        "web_login": _l("Web log-in"),
        "created_at": _l("Created"),
    }
    column_formatters = {
        "role": labels.formatter(labels.ROLES),
        "active": _active,
        "web_login": _web_login,
        "points": lambda v, c, m, n: ", ".join(v.points_of(m.id)),
        "jurisdiction": lambda v, c, m, n: Markup('{} <small class="text-muted">{}</small>').format(
            m.jurisdiction or "", m.jurisdiction_code
        ),
    }
    column_sortable_list = ("name", "role", "agency", "active", "created_at")
    form = UserForm
    error_fields = {"points": "points", "agency": "agency", "role": "role", "password": "password", "region": "region"}

    def scope(self, query: Any) -> Any:
        return scoped_to_jurisdiction(query, current_user.actor, UserRow.jurisdiction_code)

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        # The points of every user on the page in one query (not one per row).
        ids = [r.id for r in rows]
        points: dict[int, list[str]] = {}
        if ids:
            q = (
                select(UserPoint.user_id, StoragePoint.code)
                .join(StoragePoint)
                .where(UserPoint.user_id.in_(ids))
                .order_by(StoragePoint.code)
            )
            for uid, code in session().execute(q).all():
                points.setdefault(uid, []).append(code)
        g.user_points = points
        return count, rows

    def points_of(self, user_id: int) -> list[str]:
        return g.get("user_points", {}).get(user_id, [])

    def _choices(self, form: Any) -> Any:
        form.agency.choices = {"": "—", **dict(agency_options)}
        form.points.choices = dict(point_options)
        return form

    def create_form(self, obj: Any = None) -> Any:
        form = self._choices(super().create_form(obj))
        try:
            # The jurisdictions the admin may place a user in: their own (narrowed) and below.
            regions = acting().regions.jurisdictions()
        except SuppliesError:
            regions = []
        form.region.choices = {"": "—", **{r.code: f"{r.code} {r.name}" for r in regions}}
        form.password.description = _l("At least 8 characters; the user changes it under My account.")
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = self._choices(super().edit_form(obj))
        form.name.render_kw = {"readonly": True}
        del form.region  # a user stays in their jurisdiction; a new one is added for another
        del form.no_web_password  # a new user's choice; later a password is set or kept
        return form

    def on_form_prefill(self, form: Any, id: Any) -> None:
        row = self.get_one(id)
        if row is not None:
            form.agency.data = row.agency or ""
            form.points.data = list(
                session()
                .execute(select(StoragePoint.code).join(UserPoint).where(UserPoint.user_id == row.id))
                .scalars()
            )

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        try:
            return inv.users.add(
                d["name"].strip(),
                role=d["role"],
                points=d["points"] or [],
                agency=d["agency"] or None,
                password=d["password"] or None,
                web_login=not d["no_web_password"],
                region=(d["region"] or "").strip() or None,
            )
        except InvalidInput as exc:
            if exc.field == "password" and not d["password"] and not d["no_web_password"]:
                # The core names its own switch (web_login=False); here it is the checkbox.
                raise InvalidInput(
                    _(
                        "Give a password of 8 characters or more, or tick “No web password” for "
                        "a user of the command line only."
                    ),
                    "password",
                ) from None
            raise

    def update(self, inv: supplies.Inventory, form: Any, model: Any) -> Any:
        d = form.data
        info = inv.users.set_scope(model.name, role=d["role"], points=d["points"] or [], agency=d["agency"] or "")
        if d["password"]:
            inv.users.set_password(model.name, d["password"])
        return info

    @action("deactivate", _l("Deactivate"), _l("Deactivate the selected users? They can no longer log in."))
    def action_deactivate(self, ids: list[str]) -> None:
        names = _names(ids)
        done = 0
        for name in names:
            try:
                acting().users.deactivate(name)
                done += 1
            except SuppliesError as exc:
                flash(_("%(field)s: %(reason)s", field=name, reason=said(exc)), "danger")
        if done:
            flash(_("%(count)d users deactivated.", count=done), "success")

    @action(
        "activate",
        _l("Reactivate"),
        _l(
            "Reactivate the selected users? They can log in and act again "
            "with their role, scope and password as before."
        ),
    )
    def action_activate(self, ids: list[str]) -> None:
        names = _names(ids)
        done = 0
        for name in names:
            try:
                acting().users.activate(name)
                done += 1
            except SuppliesError as exc:
                flash(_("%(field)s: %(reason)s", field=name, reason=exc.reason), "danger")
        if done:
            flash(_("%(count)d users reactivated.", count=done), "success")


def _names(ids: list[str]) -> list[str]:
    """The names of the users ticked in the list (ids that are not numbers name nobody)."""
    keys = [int(i) for i in ids if str(i).isdigit() and len(str(i)) < 12]
    return list(session().execute(select(User.name).where(User.id.in_(keys))).scalars().all())
