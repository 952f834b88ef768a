"""Incidents and dispatch requests: lists, a request's detail with its pick lists, and the life-cycle actions
(all through inv.incidents and inv.requests)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
)

import supplies
from supplies.errors import SuppliesError
from supplies.limits import MAX_ID
from supplies.models import DispatchRequest, Incident, Region, RequestLine, Role, StoragePoint
from supplies.permissions import scoped_to_jurisdiction
from supplies.services.catalog.search import lookup_codes
from supplies.services.dispatch.documents import dispatched_items
from supplies.services.dispatch.scope import visible_requests
from supplies.services.dispatch.states import actions_from

from .. import labels
from ..auth import acting
from ..converters import AwareDateTimeField
from ..i18n import said
from ..validators import Range
from .base import SecureForm, SecureModelView, flash_form_errors, role_in, show_error
from .request_lines import LineRowsField, Problem, describe, split_lines
from .request_pages import RequestPages, line_message
from .rows import RowBase, point_options, row_table, session

PLANNERS = (Role.ADMIN.value, Role.DISPATCHER.value)
_STATUS_STYLES = {
    "draft": "secondary",
    "submitted": "info",
    "approved": "primary",
    "allocated": "warning",
    "dispatched": "warning",
    "received": "success",
    "closed": "dark",
    "rejected": "danger",
    "cancelled": "light",
}


class IncidentView(SecureModelView):
    """Incidents that dispatch requests answer; dispatchers record and close them."""

    column_list = ("id", "name", "type", "level", "region_code", "population", "started_at", "status")
    column_searchable_list = ("name", "region_code")
    column_filters = ("type", "level", "status", "started_at", "region_code")
    column_choices = {
        "type": labels.choices(labels.INCIDENT_TYPES),
        "level": labels.choices(labels.INCIDENT_LEVELS),
        "status": labels.choices(labels.INCIDENT_STATUS),
    }
    column_default_sort = ("started_at", True)
    column_display_pk = True
    column_labels = {
        "id": "#",
        "name": _l("Name"),
        "type": _l("Type"),
        "level": _l("Level"),
        "region_code": _l("Region code"),
        "population": _l("Affected population"),
        "started_at": _l("Started"),
        "status": _l("Status"),
        "lat": _l("Latitude"),
        "lon": _l("Longitude"),
    }
    column_formatters = {
        "type": labels.formatter(labels.INCIDENT_TYPES),
        "status": labels.badge(labels.INCIDENT_STATUS, {"open": "danger", "closed": "secondary"}),
    }
    form_columns = ("name", "type", "level", "lat", "lon", "population", "region_code", "started_at")
    form_overrides, form_args = labels.select_fields(type=labels.INCIDENT_TYPES, level=labels.INCIDENT_LEVELS)
    form_args["started_at"] = {"description": _l("Local time; empty means now.")}
    create_roles = PLANNERS

    def scope(self, query: Any) -> Any:
        return scoped_to_jurisdiction(query, current_user.actor, Incident.jurisdiction_code)

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        return inv.incidents.add(
            d["name"],
            type=d["type"],
            level=d["level"],
            lat=d["lat"],
            lon=d["lon"],
            population=d["population"] or 0,
            region_code=d["region_code"] or None,
            started_at=d["started_at"],
        )

    def is_action_allowed(self, name: str) -> bool:
        return role_in(*PLANNERS) and super().is_action_allowed(name)

    @action("close", _l("Close"), _l("Close the selected incidents?"))
    def action_close(self, ids: list[str]) -> None:
        for id_ in ids:
            try:
                acting().incidents.close(int(id_))
            except SuppliesError as exc:
                flash(_("%(field)s: %(reason)s", field="#" + str(id_), reason=said(exc)), "danger")
            else:
                flash(_("Incident #%(id)s closed.", id=id_), "success")


_lines = (
    select(func.count())
    .where(RequestLine.request_id == DispatchRequest.id)
    .correlate(DispatchRequest)
    .scalar_subquery()
)
_request_rows = row_table(
    select(
        DispatchRequest.id,
        DispatchRequest.incident_id,
        Incident.name.label("incident"),
        DispatchRequest.status,
        DispatchRequest.priority,
        DispatchRequest.needed_by,
        StoragePoint.code.label("dest_point"),
        DispatchRequest.dest_region_code,
        DispatchRequest.requesting_unit,
        _lines.label("lines"),
        DispatchRequest.created_at,
        DispatchRequest.updated_at,
        DispatchRequest.jurisdiction_code,
        Region.name.label("jurisdiction"),
        DispatchRequest.escalated_from_id,
    )
    .join(Incident, Incident.id == DispatchRequest.incident_id)
    .outerjoin(Region, Region.code == DispatchRequest.jurisdiction_code)
    .outerjoin(StoragePoint, StoragePoint.id == DispatchRequest.dest_point_id),
    "request_rows",
)


class RequestRow(RowBase):
    __table__ = _request_rows


def _jurisdiction_cell(view: Any, context: Any, model: Any, name: str) -> Any:
    """The request's jurisdiction (name, code on hover), and the request below it serves, if any."""
    cell = Markup('<span title="{}">{}</span>').format(
        model.jurisdiction_code, model.jurisdiction or model.jurisdiction_code
    )
    if model.escalated_from_id:
        cell += Markup(' <small class="text-muted">← <a href="{}">#{}</a></small>').format(
            view.get_url(".details_view", id=model.escalated_from_id), model.escalated_from_id
        )
    return cell


class RequestForm(SecureForm):
    incident = SelectField(_l("Incident"), choices=[], validate_choice=False, validators=[DataRequired()])
    rows = LineRowsField(
        _l("Lines"),
        description=_l(
            "One row per item or supply class: type part of its code or name (e.g. PLAN14:3.05 or 棉被), "
            "choose it, and give the quantity."
        ),
    )
    lines = TextAreaField(
        _l("Paste lines"),
        validators=[Optional()],
        render_kw={"rows": 3},
        description=_l(
            "Or paste rows copied from a spreadsheet, a code and a quantity per "
            "line, e.g. PLAN14:3.05 300 (tab, space, comma, = or : between)."
        ),
    )
    dest_point = SelectField(_l("Destination point"), choices=[], validate_choice=False)
    dest_lat = FloatField(_l("Destination latitude"), validators=[Optional()])
    dest_lon = FloatField(_l("Destination longitude"), validators=[Optional()])
    needed_by = AwareDateTimeField(
        _l("Needed by"), validators=[Optional()], description=_l("Local time, e.g. 2026-07-01 18:00:00")
    )
    priority = IntegerField(
        _l("Priority"),
        default=3,
        validators=[InputRequired(), Range(min=1, max=5)],
        description=_l("1 is the most urgent, 5 the least."),
    )
    requesting_unit = StringField(_l("Requesting unit"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class ReasonForm(SecureForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    agency = StringField(_l("Agency"), validators=[Optional(), Length(max=40)])
    point = StringField(_l("Storage point"), validators=[Optional(), Length(max=40)])
    strategy = SelectField(
        _l("Strategy"),
        choices=labels.select_choices({"earliest": _l("earliest arrival"), "optimal": _l("optimal")}),
        default="earliest",
    )


def _region_names(codes: list[str]) -> dict[str, str]:
    """The names of these regions (codes the page already shows), for display."""
    rows = session().execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
    return {str(code): str(name) for code, name in rows}


def request_lines(form: RequestForm) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The lines of the rows and of the pasted text, and where each came from (field, line number).

    Raises InvalidInput naming every row or pasted line that cannot be read.
    """
    rows, row_problems = form.rows.lines()
    pasted, paste_problems = split_lines(form.lines.data or "")
    if row_problems:
        raise supplies.InvalidInput("; ".join(line_message(p) for p in row_problems), "rows")
    if paste_problems:
        raise supplies.InvalidInput("; ".join(line_message(p) for p in paste_problems), "lines")
    lines = [(ln.code, ln.quantity) for ln in rows] + [(ln.code, ln.quantity) for ln in pasted]
    sources = [("rows", ln.number) for ln in rows] + [("lines", ln.number) for ln in pasted]
    return lines, sources


def on_lines(exc: SuppliesError, sources: list[tuple[str, int]]) -> SuppliesError:
    """A refusal of the core about ``lines.<i>.<field>`` said of the row or pasted line it came from."""
    errors = getattr(exc, "errors", None) or {exc.field or "_": [exc.reason]}
    by_row: dict[str, list[str]] = {}
    for name, english in errors.items():
        reasons = [said(r) for r in english]
        parts = (name or "").split(".")
        if parts[0] != "lines":
            continue
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(sources):
            field, number = sources[int(parts[1])]
            by_row.setdefault(field, []).extend(line_message(Problem(number, "", r)) for r in reasons)
        else:
            by_row.setdefault("rows", []).extend(reasons)
    if not by_row:
        return exc
    field, messages = next(iter(by_row.items()))
    return supplies.InvalidInput("; ".join(messages), field)


# Which buttons a role sees on a request; the core refuses anything else anyway.
_ACTION_ROLES = {
    "submit": PLANNERS,
    "approve": (Role.DISPATCHER.value,),
    "reject": (Role.DISPATCHER.value,),
    "allocate": PLANNERS,
    "reallocate": PLANNERS,
    "dispatch": (*PLANNERS, Role.WAREHOUSE.value, Role.AGENCY_OFFICER.value),
    "receive": (),  # its own form, shown when the core allows (inv.requests.may_receive)
    "close": PLANNERS,
    "cancel": PLANNERS,
}
# What the dispatch button says to whom: warehouse staff issue their points' rows, an officer the agency's.
_SHARE_TITLES = {
    Role.WAREHOUSE.value: _l("Dispatch our point's share"),
    Role.AGENCY_OFFICER.value: _l("Dispatch our agency's share"),
}
ACTION_LABELS = {
    "submit": _l("Submit"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "allocate": _l("Allocate"),
    "reallocate": _l("Reallocate"),
    "dispatch": _l("Dispatch"),
    "receive": _l("Record receipt"),
    "close": _l("Close"),
    "cancel": _l("Cancel request"),
}


class RequestView(RequestPages, SecureModelView):
    """Dispatch requests (调拨申请): the list, the detail with allocations and pick lists, and the steps."""

    column_list = (
        "id",
        "incident",
        "jurisdiction",
        "status",
        "priority",
        "needed_by",
        "dest_point",
        "requesting_unit",
        "lines",
        "created_at",
    )
    column_searchable_list = ("incident", "requesting_unit", "dest_point")
    column_filters = ("status", "priority", "incident", "needed_by", "dest_point", "jurisdiction_code")
    column_choices = {"status": labels.choices(labels.REQUEST_STATUS)}
    column_sortable_list = ("id", "incident", "status", "priority", "needed_by", "created_at")
    column_default_sort = ("id", True)
    column_display_pk = True
    column_labels = {
        "id": "#",
        "incident": _l("Incident"),
        "jurisdiction": _l("Jurisdiction"),
        "jurisdiction_code": _l("Jurisdiction code"),
        "status": _l("Status"),
        "priority": _l("Priority"),
        "needed_by": _l("Needed by"),
        "dest_point": _l("Destination"),
        "requesting_unit": _l("Requesting unit"),
        "lines": _l("Lines"),
        "created_at": _l("Created"),
    }
    column_formatters = {
        "status": labels.badge(labels.REQUEST_STATUS, _STATUS_STYLES),
        "jurisdiction": _jurisdiction_cell,
    }
    can_view_details = True
    details_template = "supplies/request_detail.html"
    create_template = "supplies/request_create.html"
    form = RequestForm
    create_roles = PLANNERS

    def scope(self, query: Any) -> Any:
        seen = visible_requests(current_user.actor)
        if seen is None:
            return query
        return query.filter(RequestRow.id.in_(select(DispatchRequest.id).where(seen)))

    def _choices(self, form: Any) -> Any:
        q = select(Incident.id, Incident.name).where(Incident.status == "open").order_by(Incident.id.desc())
        rows = session().execute(scoped_to_jurisdiction(q, current_user.actor, Incident.jurisdiction_code)).all()
        form.incident.choices = {str(i): f"#{i} {n}" for i, n in rows}
        form.dest_point.choices = {"": "—", **dict(point_options)}
        if form.rows.rows:  # a form kept after a refusal shows the names of the codes it holds
            found = lookup_codes(acting(), [code for code, _qty in form.rows.rows])
            form.rows.labels = {code: describe(m) for code, m in found.items()}
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._choices(super().create_form(obj))

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        lines, sources = request_lines(form)
        try:
            return inv.requests.create(
                int(d["incident"]),
                lines=lines,
                dest_point=d["dest_point"] or None,
                dest_lat=d["dest_lat"],
                dest_lon=d["dest_lon"],
                needed_by=d["needed_by"],
                priority=d["priority"],
                requesting_unit=(d["requesting_unit"] or "").strip() or None,
                note=(d["note"] or "").strip() or None,
            )
        except SuppliesError as exc:
            raise on_lines(exc, sources) from None

    def get_save_return_url(self, model: Any, is_created: bool = False) -> str:
        return self.get_url(".details_view", id=model.id)

    @expose("/details/")
    def details_view(self) -> Any:
        id_ = request.args.get("id", type=int)
        if id_ is None or not 1 <= id_ <= MAX_ID:
            return redirect(self.get_url(".index_view"))
        return self.details_page(id_)

    def details_page(self, id_: int, *, receipt_values: dict[str, str] | None = None) -> Any:
        """The request with its lines, allocations, pick lists, the user's share to dispatch and the next steps."""
        inv = acting()
        try:
            detail = inv.requests.show(id_)
            picks = inv.requests.pick_lists(id_)
            share = (
                inv.requests.share(id_) if detail.status == "allocated" and role_in(*_ACTION_ROLES["dispatch"]) else []
            )
            receipt = (
                dispatched_items(inv, id_) if detail.status == "dispatched" and inv.requests.may_receive(id_) else []
            )
            escalatable = (
                inv.requests.escalatable(id_)
                if detail.status in ("approved", "allocated") and role_in(*PLANNERS)
                else 0
            )
            # Contracts of the user's scope that hold an item the request still asks (the core decides which).
            contracts = inv.contracts.for_request(id_) if role_in(*PLANNERS) else []
        except SuppliesError as exc:
            flash(said(exc), "danger")
            return redirect(self.get_url(".index_view"))
        # Dispatch and receipt have their own forms (the user's share, the received quantities).
        allowed = [
            a
            for a in actions_from(detail.status)
            if role_in(*_ACTION_ROLES.get(a, ())) and a not in ("dispatch", "receive")
        ]
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in share:
            groups.setdefault((row.agency, row.point), []).append(row)
        return self.render(
            self.details_template,
            detail=detail,
            picks=picks,
            actions=allowed,
            action_labels=ACTION_LABELS,
            form=ReasonForm(),
            status_labels=labels.REQUEST_STATUS,
            allocation_labels=labels.ALLOCATION_STATUS,
            status_styles=_STATUS_STYLES,
            share=share,
            share_groups=groups,
            share_title=_SHARE_TITLES.get(current_user.role, ACTION_LABELS["dispatch"]),
            receipt=receipt,
            receipt_values=receipt_values or {},
            call_up_contracts=contracts,
            dispatched=any(a.status == "dispatched" for a in detail.allocations),
            can_preview=role_in(*PLANNERS) and detail.status in ("submitted", "approved", "allocated"),
            received=detail.status in ("received", "closed"),
            escalatable=escalatable,
            reserve_modes=labels.RESERVE_MODES,
            region_names=_region_names([detail.jurisdiction]),
        )

    @expose("/act/<int:id_>/<step>", methods=("POST",))
    def act(self, id_: int, step: str) -> Any:
        name = step
        if name not in _ACTION_ROLES:
            abort(404)
        form = ReasonForm()
        if not form.validate():
            flash_form_errors(form)
            return redirect(self.get_url(".details_view", id=id_))
        reqs = acting().requests
        reason = (form.reason.data or "").strip() or None
        try:
            if name == "reject":
                reqs.reject(id_, reason=reason or "")
            elif name == "cancel":
                reqs.cancel(id_, reason=reason)
            elif name in ("allocate", "reallocate"):
                plan = getattr(reqs, name)(id_, strategy=form.strategy.data or "earliest")
                if plan.shortfalls:
                    flash(
                        _(
                            "Allocated %(done)d units; %(short)d units could not be reserved.",
                            done=plan.allocated,
                            short=plan.short,
                        ),
                        "warning",
                    )
            elif name == "dispatch":
                result = reqs.dispatch(
                    id_, agency=(form.agency.data or "").strip() or None, point=(form.point.data or "").strip() or None
                )
                if result.waiting:
                    flash(
                        _(
                            "Dispatched %(done)d units; %(waiting)d units wait for other agencies.",
                            done=result.dispatched,
                            waiting=result.waiting,
                        ),
                        "info",
                    )
                else:
                    flash(_("Dispatched %(done)d units.", done=result.dispatched), "info")
            else:
                getattr(reqs, name)(id_)
        except SuppliesError as exc:
            show_error(form, exc)
        else:
            flash(_("Request #%(id)s: %(action)s done.", id=id_, action=ACTION_LABELS[name]), "success")
        return redirect(self.get_url(".details_view", id=id_))
