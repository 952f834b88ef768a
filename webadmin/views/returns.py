"""The returns page (回收): record lent equipment coming back, and see what is still out on loan.

One form calls ``inv.returns.record`` as the logged-in user (the core checks who may record a
return at the point, that the item is reusable and that no more comes back than is out); the
table below lists ``inv.returns.loans`` for the incident chosen (all the user acts on, without
one). Households are shown by their number only.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from supplies.errors import SuppliesError
from supplies.limits import MAX_ID
from supplies.models import Item

from ..auth import acting
from ..validators import Range
from .base import SecureForm, SecureView, flash_form_errors, show_error
from .rows import session
from .stock_actions import _point_choices

CONDITIONS = {
    "good": _l("good: back into stock"),
    "repair": _l("needs repair: into a repair lot"),
    "unusable": _l("unusable: written off"),
}


class ReturnForm(SecureForm):
    point = SelectField(_l("Returned at"), choices=[], validate_choice=False, validators=[DataRequired()])
    household = StringField(
        _l("Household number"), validators=[Optional(), Length(max=40)], description=_l("Or a request below.")
    )
    request_id = IntegerField(
        _l("Request"),
        validators=[Optional(), Range(min=1, max=MAX_ID)],
        description=_l("A request delivered to a site given as coordinates."),
    )
    item = SelectField(_l("Item"), choices=[], validate_choice=False, validators=[DataRequired()])
    qty = IntegerField(_l("Quantity"), validators=[InputRequired(), Range(min=1)], render_kw={"inputmode": "numeric"})
    condition = SelectField(_l("Condition"), choices=list(CONDITIONS.items()), default="good")
    reason = StringField(
        _l("Reason"), validators=[Optional(), Length(max=500)], description=_l("Required when unusable.")
    )
    incident = IntegerField(
        _l("Incident"),
        validators=[Optional(), Range(min=1, max=MAX_ID)],
        description=_l("Leave empty for the only open incident."),
    )


# The core's field names as this form calls them.
_ERROR_FIELDS = {"request": "request_id"}


def _reusable_items() -> dict[str, str]:
    q = select(Item.code, Item.name, Item.unit).where(Item.reusable.is_(True)).order_by(Item.code)  # type: ignore[attr-defined]
    return {c: f"{c} {n} ({u})" for c, n, u in session().execute(q).all()}


def _incident_filter() -> int | None:
    value = request.args.get("incident", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_ID else None


class ReturnsView(SecureView):
    """Record a return and list the loans still out."""

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        form = ReturnForm()
        form.point.choices = list(_point_choices().items())
        form.item.choices = list(_reusable_items().items())
        if form.is_submitted():
            if form.validate():
                d = form.data
                try:
                    back = acting().returns.record(
                        d["point"],
                        d["item"],
                        d["qty"],
                        d["condition"],
                        household=(d.get("household") or "").strip() or None,
                        request=d.get("request_id"),
                        reason=(d.get("reason") or "").strip() or None,
                        incident=d.get("incident"),
                    )
                except SuppliesError as exc:
                    show_error(form, exc, _ERROR_FIELDS)
                else:
                    flash(
                        _(
                            "Return recorded: %(qty)d × %(item)s at %(point)s (%(condition)s); %(out)d still out on loan.",
                            qty=back.qty,
                            item=back.item,
                            point=back.point,
                            condition=CONDITIONS[back.condition],
                            out=back.still_out,
                        ),
                        "success",
                    )
                    return redirect(url_for(".index"))
            else:
                flash_form_errors(form)
        loans: list[Any] = []
        try:
            loans = acting().returns.loans(incident=_incident_filter())
        except SuppliesError as exc:
            show_error(None, exc)
        return self.render("supplies/returns.html", form=form, loans=loans, incident=_incident_filter())
