"""Incidents and dispatch requests: lists, a request's detail with its pick lists, and the life-cycle actions
(all through inv.incidents and inv.requests)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

import supplies
from supplies.errors import SuppliesError
from supplies.limits import MAX_ID
from supplies.models import DispatchRequest, Incident, RequestLine, Role, StoragePoint
from supplies.services.dispatch_states import actions_from

from .. import labels
from ..auth import acting
from ..converters import AwareDateTimeField
from .base import SecureForm, SecureModelView, flash_form_errors, role_in, show_error
from .rows import RowBase, point_options, row_table, session

PLANNERS = (Role.ADMIN.value, Role.DISPATCHER.value)
_STATUS_STYLES = {"draft": "secondary", "submitted": "info", "approved": "primary", "allocated": "warning",
                  "dispatched": "warning", "received": "success", "closed": "dark", "rejected": "danger",
                  "cancelled": "light"}


class IncidentView(SecureModelView):
    """Incidents that dispatch requests answer; dispatchers record and close them."""

    column_list = ("id", "name", "type", "level", "region_code", "population", "started_at", "status")
    column_searchable_list = ("name", "region_code")
    column_filters = ("type", "level", "status", "started_at", "region_code")
    column_choices = {"type": labels.choices(labels.INCIDENT_TYPES), "level": labels.choices(labels.INCIDENT_LEVELS),
                      "status": labels.choices(labels.INCIDENT_STATUS)}
    column_default_sort = ("started_at", True)
    column_display_pk = True
    column_labels = {"id": "#", "name": _l("Name"), "type": _l("Type"), "level": _l("Level"),
                     "region_code": _l("Region code"), "population": _l("Affected population"),
                     "started_at": _l("Started"), "status": _l("Status"), "lat": _l("Latitude"),
                     "lon": _l("Longitude")}
    column_formatters = {"type": labels.formatter(labels.INCIDENT_TYPES),
                         "status": labels.badge(labels.INCIDENT_STATUS, {"open": "danger", "closed": "secondary"})}
    form_columns = ("name", "type", "level", "lat", "lon", "population", "region_code", "started_at")
    form_overrides, form_args = labels.select_fields(type=labels.INCIDENT_TYPES, level=labels.INCIDENT_LEVELS)
    form_args["started_at"] = {"description": _l("Local time; empty means now.")}
    create_roles = PLANNERS

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        return inv.incidents.add(d["name"], type=d["type"], level=d["level"], lat=d["lat"], lon=d["lon"],
                                 population=d["population"] or 0, region_code=d["region_code"] or None,
                                 started_at=d["started_at"])

    def is_action_allowed(self, name: str) -> bool:
        return role_in(*PLANNERS) and super().is_action_allowed(name)

    @action("close", _l("Close"), _l("Close the selected incidents?"))
    def action_close(self, ids: list[str]) -> None:
        for id_ in ids:
            try:
                acting().incidents.close(int(id_))
            except SuppliesError as exc:
                flash(_("%(field)s: %(reason)s", field=f"#{id_}", reason=exc.reason), "danger")
            else:
                flash(_("Incident #%(id)s closed.", id=id_), "success")


_lines = (select(func.count()).where(RequestLine.request_id == DispatchRequest.id)
          .correlate(DispatchRequest).scalar_subquery())
_request_rows = row_table(
    select(DispatchRequest.id, DispatchRequest.incident_id, Incident.name.label("incident"), DispatchRequest.status,
           DispatchRequest.priority, DispatchRequest.needed_by, StoragePoint.code.label("dest_point"),
           DispatchRequest.dest_region_code, DispatchRequest.requesting_unit, _lines.label("lines"),
           DispatchRequest.created_at, DispatchRequest.updated_at)
    .join(Incident, Incident.id == DispatchRequest.incident_id)
    .outerjoin(StoragePoint, StoragePoint.id == DispatchRequest.dest_point_id), "request_rows")


class RequestRow(RowBase):
    __table__ = _request_rows


class RequestForm(SecureForm):
    incident = SelectField(_l("Incident"), choices=[], validate_choice=False, validators=[DataRequired()])
    lines = TextAreaField(_l("Lines"), validators=[DataRequired()],
                          description=_l("One line per item or supply class: code and quantity, e.g. TENT12 200."),
                          render_kw={"rows": 5})
    dest_point = SelectField(_l("Destination point"), choices=[], validate_choice=False)
    dest_lat = FloatField(_l("Destination latitude"), validators=[Optional()])
    dest_lon = FloatField(_l("Destination longitude"), validators=[Optional()])
    needed_by = AwareDateTimeField(_l("Needed by"), validators=[Optional()],
                                   description=_l("Local time, e.g. 2026-07-01 18:00:00"))
    priority = IntegerField(_l("Priority"), default=3, validators=[InputRequired(), NumberRange(min=1, max=5)],
                            description=_l("1 is the most urgent, 5 the least."))
    requesting_unit = StringField(_l("Requesting unit"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class ReasonForm(SecureForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    agency = StringField(_l("Agency"), validators=[Optional(), Length(max=40)])
    strategy = SelectField(_l("Strategy"), choices=labels.select_choices({"earliest": _l("earliest arrival"), "optimal": _l("optimal")}),
                           default="earliest")


def parse_lines(text: str) -> list[tuple[str, int]]:
    """``CODE QTY`` per line (spaces, tabs, commas or a colon between) into (code, quantity) pairs."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.replace(",", " ").replace(":", " ").replace("\t", " ").strip()
        if not raw:
            continue
        parts = raw.split()
        if len(parts) != 2 or not parts[1].isdigit():
            raise supplies.InvalidInput(_("line %(n)d: write a code and a whole quantity, e.g. TENT12 200", n=number),
                                        "lines")
        out.append((parts[0], int(parts[1])))
    return out


# Which buttons a role sees on a request; the core refuses anything else anyway.
_ACTION_ROLES = {
    "submit": PLANNERS, "approve": (Role.DISPATCHER.value,), "reject": (Role.DISPATCHER.value,),
    "allocate": PLANNERS, "reallocate": PLANNERS, "dispatch": (*PLANNERS, Role.WAREHOUSE.value,
                                                               Role.AGENCY_OFFICER.value),
    "receive": PLANNERS, "close": PLANNERS, "cancel": PLANNERS,
}
ACTION_LABELS = {
    "submit": _l("Submit"), "approve": _l("Approve"), "reject": _l("Reject"), "allocate": _l("Allocate"),
    "reallocate": _l("Reallocate"), "dispatch": _l("Dispatch"), "receive": _l("Record receipt"),
    "close": _l("Close"), "cancel": _l("Cancel request"),
}


class RequestView(SecureModelView):
    """Dispatch requests (调拨申请): the list, the detail with allocations and pick lists, and the steps."""

    column_list = ("id", "incident", "status", "priority", "needed_by", "dest_point", "requesting_unit", "lines",
                   "created_at")
    column_searchable_list = ("incident", "requesting_unit", "dest_point")
    column_filters = ("status", "priority", "incident", "needed_by", "dest_point")
    column_choices = {"status": labels.choices(labels.REQUEST_STATUS)}
    column_sortable_list = ("id", "incident", "status", "priority", "needed_by", "created_at")
    column_default_sort = ("id", True)
    column_display_pk = True
    column_labels = {"id": "#", "incident": _l("Incident"), "status": _l("Status"), "priority": _l("Priority"),
                     "needed_by": _l("Needed by"), "dest_point": _l("Destination"),
                     "requesting_unit": _l("Requesting unit"), "lines": _l("Lines"), "created_at": _l("Created")}
    column_formatters = {"status": labels.badge(labels.REQUEST_STATUS, _STATUS_STYLES)}
    can_view_details = True
    details_template = "supplies/request_detail.html"
    form = RequestForm
    create_roles = PLANNERS

    def _choices(self, form: Any) -> Any:
        rows = session().execute(select(Incident.id, Incident.name).where(Incident.status == "open")
                                 .order_by(Incident.id.desc())).all()
        form.incident.choices = {str(i): f"#{i} {n}" for i, n in rows}
        form.dest_point.choices = {"": "—", **dict(point_options)}
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._choices(super().create_form(obj))

    def create(self, inv: supplies.Inventory, form: Any) -> Any:
        d = form.data
        return inv.requests.create(int(d["incident"]), lines=parse_lines(d["lines"] or ""),
                                   dest_point=d["dest_point"] or None, dest_lat=d["dest_lat"],
                                   dest_lon=d["dest_lon"], needed_by=d["needed_by"], priority=d["priority"],
                                   requesting_unit=(d["requesting_unit"] or "").strip() or None,
                                   note=(d["note"] or "").strip() or None)

    def get_save_return_url(self, model: Any, is_created: bool = False) -> str:
        return self.get_url(".details_view", id=model.id)

    @expose("/details/")
    def details_view(self) -> Any:
        id_ = request.args.get("id", type=int)
        if id_ is None or not 1 <= id_ <= MAX_ID:
            return redirect(self.get_url(".index_view"))
        inv = acting()
        try:
            detail = inv.requests.show(id_)
            picks = inv.requests.pick_lists(id_)
        except SuppliesError as exc:
            flash(exc.reason, "danger")
            return redirect(self.get_url(".index_view"))
        allowed = [a for a in actions_from(detail.status) if role_in(*_ACTION_ROLES.get(a, ()))]
        return self.render(self.details_template, detail=detail, picks=picks, actions=allowed,
                           action_labels=ACTION_LABELS, form=ReasonForm(), status_labels=labels.REQUEST_STATUS,
                           status_styles=_STATUS_STYLES)

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
                    flash(_("Allocated %(done)d units; %(short)d units could not be reserved.",
                            done=plan.allocated, short=plan.short), "warning")
            elif name == "dispatch":
                result = reqs.dispatch(id_, agency=(form.agency.data or "").strip() or None)
                if result.waiting:
                    flash(_("Dispatched %(done)d units; %(waiting)d units wait for other agencies.",
                            done=result.dispatched, waiting=result.waiting), "info")
            else:
                getattr(reqs, name)(id_)
        except SuppliesError as exc:
            show_error(form, exc)
        else:
            flash(_("Request #%(id)s: %(action)s done.", id=id_, action=ACTION_LABELS[name]), "success")
        return redirect(self.get_url(".details_view", id=id_))
