"""Requisitions (征用) and their compensation (补偿): the list, one requisition with its return and compensation
forms, and recording one (bad input keeps the form and says why)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from supplies.errors import NotFound, SuppliesError
from supplies.models import Role

from .. import labels
from ..auth import acting
from ..i18n import said
from .base import SecureForm, SecureView, flash_form_errors, show_error

MANAGERS = (Role.ADMIN.value, Role.DISPATCHER.value)
RETURNERS = (Role.ADMIN.value, Role.DISPATCHER.value, Role.WAREHOUSE.value)


class RequisitionForm(SecureForm):
    owner = StringField(_l("Owner (person or company)"), validators=[InputRequired(), Length(max=200)])
    owner_kind = SelectField(
        _l("Owner is"),
        choices=labels.select_choices({"person": _l("a person"), "company": _l("a company")}),
        default="person",
    )
    owner_id = StringField(
        _l("ID number or unified social credit code"),
        description=_l("A person's ID number is kept masked only."),
        validators=[Optional(), Length(max=40)],
    )
    authority = StringField(_l("Issuing authority"), validators=[InputRequired(), Length(max=200)])
    basis = StringField(_l("Legal basis"), validators=[InputRequired(), Length(max=500)])
    point = StringField(_l("Storage point"), validators=[InputRequired(), Length(max=40)])
    items = TextAreaField(
        _l("Items (one ITEM=QTY@VALUE or ITEM=QTY@VALUE/DAILY a line)"),
        validators=[InputRequired(), Length(max=10_000)],
    )


class ReturnForm(SecureForm):
    items = TextAreaField(
        _l("Items given back (one ITEM=QTY a line)"), validators=[InputRequired(), Length(max=10_000)]
    )
    condition = SelectField(_l("Condition"), choices=labels.select_choices(labels.REQUISITION_CONDITIONS))
    damage = TextAreaField(_l("Damage (one ITEM=YUAN a line)"), validators=[Optional(), Length(max=10_000)])


class AssessForm(SecureForm):
    damage = TextAreaField(_l("Damage (one ITEM=YUAN a line)"), validators=[Optional(), Length(max=10_000)])


class PayForm(SecureForm):
    reference = StringField(_l("Payment reference"), validators=[InputRequired(), Length(max=100)])


def _amount(text: str) -> Any:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return text.strip()  # the core refuses it, naming the line
    return value if value.is_finite() else text.strip()


def parse_lines(text: str, *, money: bool = False) -> list[tuple[Any, ...]]:
    """The lines ``ITEM=QTY`` (``ITEM=YUAN`` with ``money``) of a text box; a bad one is passed on as given,
    for the core to refuse with the line's field named."""
    out: list[tuple[Any, ...]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        code, _sep, rest = line.rpartition("=")
        if money:
            out.append((code.strip() or line, _amount(rest)))
        else:
            out.append((code.strip() or line, int(rest) if rest.strip().isdigit() else rest.strip()))
    return out


def parse_items(text: str) -> list[tuple[Any, ...]]:
    """``ITEM=QTY@VALUE`` or ``ITEM=QTY@VALUE/DAILY`` lines, as (item, quantity, value[, daily])."""
    out: list[tuple[Any, ...]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        code, _sep, rest = line.rpartition("=")
        qty, _at, money = rest.partition("@")
        value, slash, daily = money.partition("/")
        quantity: Any = int(qty) if qty.strip().isdigit() else qty.strip()
        entry: tuple[Any, ...] = (code.strip() or line, quantity, _amount(value) if value.strip() else None)
        out.append((*entry, _amount(daily)) if slash else entry)
    return out


class RequisitionsView(SecureView):
    """Requisitions in the user's scope; dispatchers and admins record and assess, admins approve and pay."""

    roles = (Role.ADMIN.value, Role.DISPATCHER.value, Role.VIEWER.value, Role.WAREHOUSE.value)

    @expose("/")
    def index(self) -> Any:
        open_only = request.args.get("open") == "1"
        inv = acting()
        return self.render(
            "supplies/requisitions.html",
            rows=inv.requisitions.list(open_only=open_only),
            unpaid=inv.requisitions.unpaid(),
            open_only=open_only,
            may_add=current_user.role in MANAGERS,
            status_labels={**labels.REQUISITION_STATUS, **labels.COMPENSATION_STATUS},
        )

    def _detail(self, id: int, **forms: Any) -> Any:
        try:
            detail = acting().requisitions.show(id)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        role = current_user.role
        return self.render(
            "supplies/requisition_detail.html",
            detail=detail,
            return_form=forms.get("return_form") or ReturnForm(),
            assess_form=forms.get("assess_form") or AssessForm(prefix="assess"),
            pay_form=forms.get("pay_form") or PayForm(),
            may_return=role in RETURNERS,
            may_assess=role in MANAGERS,
            may_approve=role == Role.ADMIN.value,
            condition_labels=labels.REQUISITION_CONDITIONS,
            status_labels={**labels.REQUISITION_STATUS, **labels.COMPENSATION_STATUS},
            kind_labels={"consumed": _("consumed"), "lost": _("lost"), "use": _("days of use"), "damage": _("damage")},
        )

    @expose("/show/<int:id>")
    def show(self, id: int) -> Any:
        return self._detail(id)

    @expose("/<int:id>/return", methods=("POST",))
    def give_back(self, id: int) -> Any:
        form = ReturnForm(request.form)
        if form.validate():
            try:
                rows = acting().requisitions.record_return(
                    id,
                    parse_lines(form.items.data or ""),
                    form.condition.data,
                    damage=parse_lines(form.damage.data or "", money=True) or None,
                )
            except SuppliesError as exc:
                show_error(form, exc, {exc.field or "": (exc.field or "").split(".")[0]})
            else:
                flash(_("%(n)s units recorded.", n=sum(r.qty for r in rows)), "success")
                return redirect(url_for(".show", id=id))
        else:
            flash_form_errors(form)
        return self._detail(id, return_form=form)

    @expose("/<int:id>/assess", methods=("POST",))
    def assess(self, id: int) -> Any:
        form = AssessForm(request.form, prefix="assess")
        if form.validate():
            try:
                comp = acting().requisitions.assess(id, damage=parse_lines(form.damage.data or "", money=True) or None)
            except SuppliesError as exc:
                show_error(form, exc, {exc.field or "": (exc.field or "").split(".")[0]})
            else:
                flash(_("Compensation assessed: %(total)s yuan.", total=comp.total), "success")
                return redirect(url_for(".show", id=id))
        else:
            flash_form_errors(form)
        return self._detail(id, assess_form=form)

    @expose("/<int:id>/approve", methods=("POST",))
    def approve(self, id: int) -> Any:
        form = SecureForm(request.form)
        if form.validate():
            try:
                acting().requisitions.approve(id)
            except SuppliesError as exc:
                show_error(None, exc)
            else:
                flash(_("Compensation approved."), "success")
        else:
            flash_form_errors(form)
        return redirect(url_for(".show", id=id))

    @expose("/<int:id>/pay", methods=("POST",))
    def pay(self, id: int) -> Any:
        form = PayForm(request.form)
        if form.validate():
            try:
                acting().requisitions.pay(id, reference=form.reference.data)
            except SuppliesError as exc:
                show_error(form, exc)
            else:
                flash(_("Compensation paid."), "success")
                return redirect(url_for(".show", id=id))
        else:
            flash_form_errors(form)
        return self._detail(id, pay_form=form)

    @expose("/new", methods=("GET", "POST"))
    def new(self) -> Any:
        if current_user.role not in MANAGERS:
            flash(_("Only dispatchers and admins record requisitions."), "danger")
            return redirect(url_for(".index"))
        form = RequisitionForm(request.form if request.method == "POST" else None)
        if request.method == "POST":
            if form.validate():
                try:
                    done = acting().requisitions.add(
                        owner=form.owner.data,
                        owner_kind=form.owner_kind.data,
                        owner_id=form.owner_id.data or None,
                        authority=form.authority.data,
                        basis=form.basis.data,
                        point=form.point.data,
                        items=parse_items(form.items.data or ""),
                    )
                except SuppliesError as exc:
                    show_error(form, exc, {exc.field or "": (exc.field or "").split(".")[0]})
                else:
                    flash(_("Requisition #%(id)s recorded.", id=done.id), "success")
                    return redirect(url_for(".show", id=done.id))
            else:
                flash_form_errors(form)
            form.owner_id.data = ""  # an ID number is not sent back in a page: typed again
        return self.render(
            "supplies/record_form.html",
            form=form,
            title=_("Record a requisition"),
            form_id="requisition-form",
            submit=_("Record"),
        )
