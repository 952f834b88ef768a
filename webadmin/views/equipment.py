"""Equipment pages (装备): the units list, a unit's page (the one its label's QR code opens), the due list, labels.

A unit's page is made for a phone at the pump: its condition in large type and two big buttons
to record a service (ok, or a defect with a note), which call ``inv.maintenance.record`` as the
logged-in user. Every number and rule comes from the core (``inv.units``, ``inv.maintenance``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import Length, Optional

from supplies.errors import NotFound, SuppliesError
from supplies.services.dispatch.documents import qr_svg

from ..auth import acting
from .base import SecureForm, SecureView, show_error

STATUS = {
    "serviceable": _l("Serviceable"),
    "needs_maintenance": _l("Needs maintenance"),
    "under_repair": _l("Under repair"),
    "out_of_service": _l("Out of service"),
}
EVENTS = {
    "received": _l("Received"),
    "service": _l("Service"),
    "overdue": _l("Service overdue"),
    "status": _l("Condition changed"),
    "dispatched": _l("Dispatched"),
    "arrived": _l("Arrived"),
    "returned": _l("Returned after use"),
}
RESULTS = {"ok": _l("OK"), "defect": _l("Defect found")}


class ServiceForm(SecureForm):
    note = StringField(
        _l("Note"), validators=[Optional(), Length(max=500)], description=_l("What was done, or the defect found.")
    )


class EquipmentView(SecureView):
    """Units, their service and their labels."""

    @expose("/")
    def index(self) -> Any:
        status = request.args.get("status") or None
        if status not in STATUS:
            status = None
        units: list[Any] = []
        try:
            units = acting().units.list(status=status)
        except SuppliesError as exc:
            show_error(None, exc)
        return self.render("supplies/equipment_units.html", units=units, status=status, status_labels=STATUS)

    @expose("/due")
    def due(self) -> Any:
        rows: list[Any] = []
        try:
            rows = acting().maintenance.due()
        except SuppliesError as exc:
            show_error(None, exc)
        return self.render("supplies/equipment_due.html", rows=rows, status_labels=STATUS)

    @expose("/unit/<asset>", methods=("GET", "POST"))
    def unit(self, asset: str) -> Any:
        inv = acting()
        form = ServiceForm()
        if form.is_submitted():
            result = request.form.get("result")
            if result in RESULTS and form.validate():
                try:
                    done = inv.maintenance.record(asset, result=result, note=(form.note.data or "").strip() or None)
                except SuppliesError as exc:
                    show_error(form, exc)
                else:
                    flash(
                        _(
                            "Service recorded: %(serial)s is now %(status)s.",
                            serial=done.serial,
                            status=STATUS[done.status_after],
                        ),
                        "success",
                    )
                    return redirect(url_for(".unit", asset=done.asset_no))
        try:
            detail = inv.units.show(asset)
        except NotFound:
            abort(404)
        except SuppliesError as exc:
            show_error(None, exc)
            return redirect(url_for(".index"))
        return self.render(
            "supplies/equipment_unit.html",
            d=detail,
            u=detail.unit,
            form=form,
            status_labels=STATUS,
            event_labels=EVENTS,
            result_labels=RESULTS,
        )

    @expose("/label/<asset>")
    def label(self, asset: str) -> Any:
        try:
            u = acting().units.show(asset).unit
        except NotFound:
            abort(404)
        link = url_for(".unit", asset=u.asset_no, _external=True)
        lang = "zh-CN" if str(get_locale()).startswith("zh") else "en"
        return self.render("supplies/equipment_label.html", u=u, qr=Markup(qr_svg(link, scale=4)), link=link, lang=lang)
