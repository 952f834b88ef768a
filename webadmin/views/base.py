"""What every admin view shares: log-in and role checks, CSRF forms, scoped queries, and writes through the core."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import BaseView
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.typefmt import DEFAULT_FORMATTERS
from flask_admin.helpers import is_form_submitted
from flask_admin.model.template import BaseListRowAction, EditRowAction, ViewRowAction
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import joinedload
from wtforms import Form

import supplies
from supplies.errors import SuppliesError
from supplies.limits import MAX_ID
from supplies.models import Role

from ..auth import acting, login_manager
from ..converters import FilterConverter, ModelConverter, to_local
from ..i18n import said

ALL_ROLES: tuple[str, ...] = tuple(r.value for r in Role)


class SecureForm(FlaskForm):
    """The base of every form: Flask-WTF's CSRF token (checked app-wide by CSRFProtect) and
    WTForms' messages in the user's language."""

    def __init__(self, formdata: Any = None, obj: Any = None, prefix: str = "", **kwargs: Any) -> None:
        self._obj = obj  # Flask-Admin's Unique validator skips the record being edited
        if formdata is None:
            super().__init__(obj=obj, prefix=prefix, **kwargs)
        else:
            super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)


def role_in(*roles: str) -> bool:
    return has_request_context() and current_user.is_authenticated and current_user.role in roles


def flash_form_errors(form: Form) -> None:
    """One message per bad field, naming the field and the reason."""
    for field in form:
        for error in field.errors:
            if isinstance(error, str):
                flash(_("%(field)s: %(reason)s", field=field.label.text, reason=error), "danger")


def show_error(form: Form | None, exc: SuppliesError, fields: dict[str, str] | None = None) -> None:
    """Show a refusal of the core on the form field it names (and as a message)."""
    name = (fields or {}).get(exc.field or "", exc.field)
    field = form._fields.get(name) if form is not None and name else None  # type: ignore[attr-defined]
    if field is not None:
        field.errors = [*field.errors, said(exc)]
        flash(_("%(field)s: %(reason)s", field=field.label.text, reason=said(exc)), "danger")
    elif exc.field:
        flash(_("%(field)s: %(reason)s", field=exc.field, reason=said(exc)), "danger")
    else:
        flash(said(exc), "danger")


def _datetime(view: Any, value: datetime, name: str) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M")


def _date(view: Any, value: date, name: str) -> str:
    return value.isoformat()


class Guarded:
    """Log-in and role checks shared by model views and plain views."""

    #: Roles that may open the view at all.
    roles: tuple[str, ...] = ALL_ROLES

    def is_accessible(self) -> bool:
        return role_in(*self.roles)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)


class SecureView(Guarded, BaseView):
    """A plain page of the admin (forms, dashboard) that needs log-in and a role."""


_MAX_PAGE = 100_000
# What a person types into a search box or a filter; a longer term turned into a LIKE pattern
# made SQLite refuse the query ("LIKE or GLOB pattern too complex") and the page answer 500.
MAX_SEARCH = 200


#: How far past the page shown a list counts its rows (see :meth:`SecureModelView.get_list`).
COUNT_AHEAD = 1_000


class AtLeast(int):
    """A row count that stopped at a cap: shown as "1,050+"."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class SecureModelView(Guarded, ModelView):
    """A list (and maybe form) over a table or a read-only row mapping.

    Reads use the request's session, filtered to the user's scope by :meth:`scope`; writes
    call the core services as the logged-in user (:meth:`create` / :meth:`update`), so the
    core checks permissions and validates input once for the CLI, the library and the web.
    The web only hides what the core would refuse. Nothing is ever deleted from the web:
    points are closed, users deactivated, and the ledger is append-only.
    """

    form_base_class = SecureForm
    model_form_converter = ModelConverter
    filter_converter = FilterConverter()
    column_type_formatters = {**DEFAULT_FORMATTERS, datetime: _datetime, date: _date}
    column_type_formatters_export = {type(None): lambda view, value, name: "", datetime: _datetime, date: _date}
    page_size = 50
    can_delete = False
    column_display_pk = False

    #: Roles shown the create and edit buttons (the core decides in the end).
    create_roles: tuple[str, ...] = ()
    edit_roles: tuple[str, ...] = ()
    #: Core error field name -> form field name, where they differ.
    error_fields: dict[str, str] = {}

    @property  # type: ignore[override]
    def can_create(self) -> bool:
        return role_in(*self.create_roles)

    @property  # type: ignore[override]
    def can_edit(self) -> bool:
        return role_in(*self.edit_roles)

    # -- reads ---------------------------------------------------------------------------------
    def _refresh_filters_cache(self) -> None:
        super()._refresh_filters_cache()
        # A row mapping's columns live in its own subquery, which SQLAlchemy reports apart from
        # the tables it selects from; Flask-Admin would then try to join the subquery to itself.
        own = getattr(self.model, "__table__", None)
        self._filter_joins = {
            key: path for key, path in self._filter_joins.items() if not all(step is own for step in path)
        }

    def scope(self, query: Any) -> Any:
        """Restrict a query to what the logged-in user may see (override per view)."""
        return query

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        refused = super()._handle_view(name, **kwargs)
        if refused is None and name == "index_view" and "export_type" in request.args:
            # Flask-Admin's export links repeat every query argument after their own export_type.
            args = request.args.to_dict(flat=False)
            del args["export_type"]
            return redirect(url_for(".index_view", **args))
        if refused is None and name == "edit_view" and self.can_edit:
            row = self._any_one(request.args.get("id"))
            why = self.edit_refusal(row) if row is not None else None
            if why:
                abort(403, description=why)  # the error page says why, with the way back
        if refused is None and name in ("edit_view", "details_view") and request.args.get("id"):
            # A record outside the user's scope (another county's) is not theirs to open: 404, as for
            # a lot; a record that does not exist at all keeps Flask-Admin's message and way back.
            key = request.args.get("id")
            if self._any_one(key) is not None and self.get_one(key) is None:
                abort(404)
        return refused

    def edit_refusal(self, row: Any) -> str | None:
        """Why the logged-in user may not change ``row`` (``None``: they may). Such a row shows no edit
        button and its edit URL answers 403 with this reason; the core checks again on saving."""
        return None

    def get_list_row_actions(self) -> Any:
        swap = {EditRowAction: _EditIfAllowed, ViewRowAction: _ViewRow}
        return [swap[type(a)]() if type(a) in swap else a for a in super().get_list_row_actions()]

    def render(self, template: str, **kwargs: Any) -> Any:
        # Column names are lazy strings: translated once here rather than once per cell (a phone's
        # card labels every cell with its column's name: 550 translations for a page of lots).
        if "list_columns" in kwargs:
            kwargs["list_columns"] = [(c, str(name)) for c, name in kwargs["list_columns"]]
        return super().render(template, **kwargs)

    def _any_one(self, id: Any) -> Any:
        """The record ``id`` whether or not it is in the user's scope (to say why it may not be changed)."""
        try:
            key = int(id)
        except (TypeError, ValueError):
            return None
        if not 1 <= key <= MAX_ID:
            return None
        pk = getattr(self.model, self._primary_key)
        return self.session.execute(select(self.model).where(pk == key)).scalar_one_or_none()

    def _get_list_extra_args(self) -> Any:
        # A page, size or sort column typed into the URL is clamped, not passed to the database
        # (page=9223372036854775807 overflowed SQLite's integers); the export's own argument is
        # not carried into the list's links, where the template passes it again.
        args = super()._get_list_extra_args()
        args.page = min(max(args.page or 0, 0), _MAX_PAGE)
        args.page_size = min(max(args.page_size or 0, 0), max(self.page_size_options or (self.page_size,)))
        if args.sort is not None and not 0 <= args.sort < len(self._list_columns or ()):
            args.sort = None
        args.extra_args = {k: v for k, v in (args.extra_args or {}).items() if k != "export_type"}
        too_long = bool(args.search and len(args.search) > MAX_SEARCH)
        if too_long:
            args.search = args.search[:MAX_SEARCH]
        clamped = []
        for flt in args.filters or []:
            if isinstance(flt[-1], str) and len(flt[-1]) > MAX_SEARCH:
                too_long = True
                flt = (*flt[:-1], flt[-1][:MAX_SEARCH])
            clamped.append(flt)
        args.filters = clamped
        if too_long:
            flash(_("A search or filter keeps its first %(n)d characters.", n=MAX_SEARCH), "warning")
        return args

    def get_list(  # type: ignore[override]
        self,
        page: int | None,
        sort_column: Any,
        sort_desc: bool,
        search: str | None,
        filters: Any,
        execute: bool = True,
        page_size: int | None = None,
    ) -> tuple[int | None, Any]:
        """A page of rows and how many there are, in one statement.

        Flask-Admin counts every matching row, then reads the page: two statements, and a count of
        a province's 200,000 lots cost more than the page itself. Here the count rides along with the
        page as a scalar subquery, and stops :data:`COUNT_AHEAD` rows past the page shown: the tab then
        says "1,050+" and the pager reaches that far (each next page counts further). A list shorter
        than that is counted exactly, as before.
        """
        if not execute or self.simple_list_pager:
            return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        joins: dict[Any, Any] = {}
        count_joins: dict[Any, Any] = {}
        query, count_query = self.get_query(), self.get_count_query()
        if self._search_supported and search:
            query, count_query, joins, count_joins = self._apply_search(query, count_query, joins, count_joins, search)
        if filters and self._filters:
            query, count_query, joins, count_joins = self._apply_filters(
                query, count_query, joins, count_joins, filters
            )
        size = page_size if page_size is not None else self.page_size
        cap = (page or 0) * (size or 0) + (size or 0) + COUNT_AHEAD
        matching = count_query.with_entities(literal_column("1")).limit(cap + 1).subquery()
        total = select(func.count()).select_from(matching).scalar_subquery().label("_total")
        for j in self._auto_joins:
            query = query.options(joinedload(j))
        query = query.add_columns(total)
        query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
        query = self._apply_pagination(query, page, size)
        rows = query.all()
        if rows:
            count = int(rows[0][-1])
        elif not page:
            count = 0
        else:  # a page past the end: count as far as the cap on its own
            count = int(self.session.execute(select(func.count()).select_from(matching)).scalar_one())
        return (AtLeast(cap) if count > cap else count), [row[0] for row in rows]

    def get_query(self) -> Any:
        return self.scope(super().get_query())

    def get_count_query(self) -> Any:
        return self.scope(super().get_count_query())

    def get_one(self, id: Any) -> Any:
        pk = getattr(self.model, self._primary_key)
        try:
            key = int(id)
        except (TypeError, ValueError):
            return None
        if not 1 <= key <= MAX_ID:  # no row has such an id, and the database could not compare it
            return None
        return self.get_query().filter(pk == key).one_or_none()

    # -- writes --------------------------------------------------------------------------------
    def validate_form(self, form: Form) -> bool:
        ok = super().validate_form(form)
        if not ok and is_form_submitted():
            flash_form_errors(form)
        return ok

    def create(self, inv: supplies.Inventory, form: Form) -> Any:
        raise NotImplementedError

    def update(self, inv: supplies.Inventory, form: Form, model: Any) -> Any:
        raise NotImplementedError

    def create_model(self, form: Form) -> Any:
        try:
            return self.create(acting(), form) or True
        except SuppliesError as exc:
            show_error(form, exc, self.error_fields)
            return False

    def update_model(self, form: Form, model: Any) -> bool:
        try:
            self.update(acting(), form, model)
        except SuppliesError as exc:
            show_error(form, exc, self.error_fields)
            return False
        return True

    def delete_model(self, model: Any) -> bool:
        abort(403)


_ID = "0000000000"  # stands for the row's id in a link made once per page


def _per_page(key: Any, make: Any) -> Any:
    """``make()`` once per request under ``key``: what every row of a page shares."""
    cache = g.setdefault("_row_actions", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


class RowLink(BaseListRowAction):
    """A link on each row to ``endpoint`` with the row's id as ``arg``, shown to ``roles`` (everyone: None).

    Flask-Admin's :class:`LinkRowAction` builds each link with ``url_for`` and a template macro
    and translates its title again on every row; a page of 50 lots with six links did that 300
    times. This builds the link and the title once per page and puts each row's id in: the same
    HTML as the macro's.
    """

    def __init__(self, icon_class: str, endpoint: str, title: Any, arg: str, roles: tuple[str, ...] | None = None):
        super().__init__(title=title)
        self.icon_class, self.endpoint, self.arg, self.roles = icon_class, endpoint, arg, roles

    def _parts(self, **extra: Any) -> tuple[str, str] | None:
        if self.roles is not None and not role_in(*self.roles):
            return None
        head, _sep, tail = url_for(self.endpoint, **{self.arg: _ID}, **extra).partition(_ID)
        return (
            Markup('\n<a class="icon" href="{}').format(head),
            Markup('{}" title="{}">\n  <span class="{}"></span>\n</a>\n').format(
                tail, str(self.title or ""), self.icon_class
            ),
        )

    def render(self, context: Any, row_id: Any, row: Any) -> Any:
        parts = _per_page(id(self), self._parts)
        if parts is None:
            return ""
        return parts[0] + quote(str(row_id), safe="") + parts[1]


class _ViewRow(RowLink):
    """The eye button to the record's own page (Flask-Admin's view_row, built once per page)."""

    def __init__(self) -> None:
        # Flask-Admin's own words, in its own catalog, as its ViewRowAction says them.
        super().__init__("fa fa-eye glyphicon glyphicon-eye-open", ".details_view", admin_gettext("View Record"), "id")

    def render(self, context: Any, row_id: Any, row: Any) -> Any:
        back = context.resolve("return_url")
        parts = _per_page((id(self), back), lambda: self._parts(url=back))
        return parts[0] + quote(str(row_id), safe="") + parts[1]


class _EditIfAllowed(EditRowAction):
    """The edit button, drawn only on the rows the user may change (:meth:`SecureModelView.edit_refusal`)."""

    def render(self, context: Any, row_id: Any, row: Any) -> Any:
        if context.resolve("admin_view").edit_refusal(row):
            return ""
        return super().render(context, row_id, row)


class ReadOnlyModelView(SecureModelView):
    """A list no form can change: it has no create or edit form at all, so no generic form
    could ever carry a quantity."""

    def scaffold_form(self) -> Any:
        return type(f"{self.model.__name__}NoForm", (self.form_base_class,), {})


def changed(form: Form, model: Any, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The form values that differ from the record's, for a core ``update(**changes)``."""
    out: dict[str, Any] = {}
    for name in names:
        value = form[name].data
        if isinstance(value, str):
            value = value.strip()
        if (value if value != "" else None) != getattr(model, name, None):
            out[name] = value
    return out


def list_url(view: Any, column: str, value: str, operation: type) -> str:
    """The list URL of ``view`` with its ``operation`` filter on ``column`` set to ``value``."""
    for index, flt in enumerate(view._filters or []):
        if type(flt) is operation and getattr(getattr(flt, "column", None), "key", None) == column:
            return url_for(f"{view.endpoint}.index_view", **{f"flt0_{view.get_filter_arg(index, flt)}": value})
    return url_for(f"{view.endpoint}.index_view")
