"""Agreement reserves held by contract (协议储备): the list (with those ending soon), one contract, and signing one."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from supplies.errors import NotFound, SuppliesError
from supplies.models import Role

from .. import labels
from ..auth import acting
from ..i18n import said
from ..validators import Range
from .base import SecureForm, SecureView, flash_form_errors, show_error

MANAGERS = (Role.ADMIN.value, Role.DISPATCHER.value)


class ContractForm(SecureForm):
    code = StringField(_l("Contract code"), validators=[InputRequired(), Length(max=40)])
    company = StringField(_l("Company"), validators=[InputRequired(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"), validators=[Optional(), Length(max=18)])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=200)])
    point = StringField(_l("Storage point"), validators=[InputRequired(), Length(max=40)])
    items = TextAreaField(
        _l("Items (one ITEM=QTY or ITEM=QTY@PRICE a line)"), validators=[InputRequired(), Length(max=10_000)]
    )
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()])
    valid_to = DateField(_l("Valid to"), validators=[InputRequired()])
    lead_time_hours = FloatField(
        _l("Guaranteed lead time (hours)"), validators=[InputRequired(), Range(min=0, max=24 * 365)]
    )
    mode = SelectField(
        _l("Reserve mode"),
        choices=labels.select_choices({"agreement": _l("agreement stock"), "capacity": _l("production capacity")}),
        default="agreement",
    )


def parse_items(text: str) -> list[tuple[str, Any, Any]]:
    """The lines ``ITEM=QTY`` or ``ITEM=QTY@PRICE`` of a text box; a bad one is passed on as given, for the
    core to refuse with the line's field named."""
    out: list[tuple[str, Any, Any]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        code, _sep, rest = line.rpartition("=")
        qty, _at, price = rest.partition("@")
        quantity: Any = int(qty) if qty.strip().isdigit() else qty
        unit_price: Any = None
        if price.strip():
            try:
                unit_price = Decimal(price.strip())
            except InvalidOperation:
                unit_price = price
        out.append((code.strip() or line, quantity, unit_price))
    return out


class ContractsView(SecureView):
    """Contracts in the user's scope; dispatchers and admins sign new ones (calls-up and delivery: the CLI)."""

    roles = (Role.ADMIN.value, Role.DISPATCHER.value, Role.VIEWER.value, Role.WAREHOUSE.value)

    @expose("/")
    def index(self) -> Any:
        days = request.args.get("expiring", type=int)
        if days is not None and not 0 <= days <= 36_500:
            days = None
        rows = acting().contracts.list(expiring_days=days)
        return self.render(
            "supplies/contracts.html",
            rows=rows,
            expiring=days,
            may_add=current_user.role in MANAGERS,
        )

    @expose("/show/<code>")
    def show(self, code: str) -> Any:
        try:
            detail = acting().contracts.show(code)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        return self.render("supplies/contract_detail.html", detail=detail)

    @expose("/new", methods=("GET", "POST"))
    def new(self) -> Any:
        if current_user.role not in MANAGERS:
            flash(_("Only dispatchers and admins sign contracts."), "danger")
            return redirect(url_for(".index"))
        form = ContractForm(request.form if request.method == "POST" else None)
        if request.method == "POST":
            if form.validate():
                try:
                    done = acting().contracts.add(
                        form.code.data,
                        company=form.company.data,
                        credit_code=form.credit_code.data or None,
                        contact=form.contact.data or None,
                        point=form.point.data,
                        items=parse_items(form.items.data or ""),
                        valid_from=form.valid_from.data,
                        valid_to=form.valid_to.data,
                        lead_time_hours=form.lead_time_hours.data,
                        mode=form.mode.data,
                    )
                except SuppliesError as exc:
                    field = (exc.field or "").split(".")[0]
                    show_error(form, exc, {exc.field or "": field})
                else:
                    flash(_("Contract %(code)s signed.", code=done.code), "success")
                    return redirect(url_for(".show", code=done.code))
            else:
                flash_form_errors(form)
        return self.render("supplies/contract_form.html", form=form)
