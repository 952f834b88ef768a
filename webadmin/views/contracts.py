"""Agreement reserves held by contract (协议储备): the list (with those ending soon), one contract, signing and
renewing one, calling it up for a request, the call-up order (printable) and recording its delivery."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from supplies.errors import NotFound, SuppliesError
from supplies.models import Role
from supplies.services.contracts.service import printed_order

from .. import labels
from ..auth import acting
from ..converters import AwareDateTimeField, to_local
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


class RenewForm(SecureForm):
    valid_to = DateField(_l("New valid to"), validators=[InputRequired()])
    items = TextAreaField(
        _l("New quantities (optional: one ITEM=QTY or ITEM=QTY@PRICE a line; items not named keep what is left)"),
        validators=[Optional(), Length(max=10_000)],
    )


class CallUpForm(SecureForm):
    # Any id is passed on: the core says whether the request may be called up for (its state, the user's scope).
    request_id = SelectField(_l("Request"), coerce=int, choices=[], validate_choice=False)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class DeliverForm(SecureForm):
    arrived_at = AwareDateTimeField(_l("Arrived at"), validators=[Optional()], description=_l("Local time; empty: now"))


#: A call-up order's state as the pages show it: open, delivered (late, short), cancelled (its units released).
ORDER_STATES = {
    "open": _l("open"),
    "delivered": _l("delivered"),
    "late": _l("delivered late"),
    "short": _l("delivered short"),
    "late_short": _l("delivered late and short"),
    "cancelled": _l("cancelled"),
}


def order_state(order: Any) -> str:
    """The key in :data:`ORDER_STATES` of a call-up order (a ``CallUpResult``)."""
    if order.status != "delivered":
        return str(order.status)
    return {(True, True): "late_short", (True, False): "late", (False, True): "short"}.get(
        (bool(order.late), bool(order.short)), "delivered"
    )


def typed_quantities(prefix: str, codes: list[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """The quantities typed per item (inputs named ``prefix + code``): as typed (to keep the form) and as
    passed to the core (whole numbers as ints, anything else as given, for the core to refuse)."""
    typed = {code: (request.form.get(prefix + code) or "").strip()[:20] for code in codes}
    given: dict[str, Any] = {code: int(v) if v.isascii() and v.isdigit() else v for code, v in typed.items()}
    return typed, given


def printed_lines(order: Any) -> list[str]:
    """The printed call-up order, line by line in the page's language."""
    return [said(line) for line in printed_order(order).split("\n")]


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
    """Contracts in the user's scope; dispatchers and admins of the jurisdiction sign, renew, call up and record
    delivery (the core decides who may: the forms show its refusals)."""

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
        return self.contract_page(code, RenewForm())

    def contract_page(self, code: str, renew: RenewForm) -> Any:
        """A contract with its lines, versions and call-up orders; for dispatchers and admins the renew form
        and the way to call it up."""
        try:
            detail = acting().contracts.show(code)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        if renew.valid_to.data is None and not renew.valid_to.raw_data:
            renew.valid_to.data = detail.contract.valid_to
        may_act = current_user.role in MANAGERS
        return self.render(
            "supplies/contract_detail.html",
            detail=detail,
            renew=renew if may_act else None,
            may_call_up=may_act and detail.contract.in_force,
            order_state=order_state,
            order_states=ORDER_STATES,
        )

    @expose("/renew/<code>", methods=("POST",))
    def renew(self, code: str) -> Any:
        """Renew a contract: a new valid-to, optionally new quantities; a refusal keeps what was typed."""
        form = RenewForm(request.form)
        if not form.validate():
            flash_form_errors(form)
            return self.contract_page(code, form)
        try:
            done = acting().contracts.renew(
                code, valid_to=form.valid_to.data, items=parse_items(form.items.data or "") or None
            )
        except SuppliesError as exc:
            show_error(form, exc, {exc.field or "": (exc.field or "").split(".")[0]})
            return self.contract_page(code, form)
        flash(_("Contract %(code)s renewed as version %(version)s.", code=done.code, version=done.version), "success")
        return redirect(url_for(".show", code=done.code))

    # -- calling up a contract for a request, and the order it makes --------------------------------

    @expose("/call-up/<code>", methods=("GET", "POST"))
    def call_up(self, code: str) -> Any:
        """The call-up form: a request of the user's scope and the units of each item (pre-filled from
        ``?request=``); a refusal of the core is shown with what was typed."""
        inv = acting()
        try:
            contract = inv.contracts.show(code).contract
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        if current_user.role not in MANAGERS:
            flash(_("Only dispatchers and admins call up contracts."), "danger")
            return redirect(url_for(".show", code=code))
        form = CallUpForm(request.form if request.method == "POST" else None)
        requests = [r for status in ("approved", "allocated") for r in inv.requests.list(status=status)]
        form.request_id.choices = [
            (r.id, " ".join(x for x in (f"#{r.id}", r.dest_point, r.requesting_unit) if x)) for r in requests
        ]
        codes = [ln.item for ln in contract.lines]
        if request.method == "GET":
            chosen = request.args.get("request", type=int)
            typed: dict[str, str] = {}
            if chosen is not None:
                form.request_id.data = chosen
                typed = _suggested(inv, chosen, contract)
            return self._call_up_page(contract, form, typed, {})
        typed, given = typed_quantities("qty-", codes)
        if not form.validate():
            flash_form_errors(form)
            return self._call_up_page(contract, form, typed, {})
        items = [(c, q) for c, q in given.items() if q not in ("", 0)]
        try:
            order = inv.contracts.call_up(code, request=form.request_id.data, items=items, note=form.note.data or None)
        except SuppliesError as exc:
            errors: dict[str, str] = {}
            parts = (exc.field or "").split(".")
            if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(items):
                errors[items[int(parts[1])][0]] = said(exc)
            show_error(form, exc, {"request": "request_id", "id": "request_id"})
            return self._call_up_page(contract, form, typed, errors)
        flash(_("Call-up order #%(id)s made: print it for the company.", id=order.id), "success")
        return redirect(url_for(".order", id_=order.id))

    def _call_up_page(self, contract: Any, form: CallUpForm, typed: dict[str, str], errors: dict[str, str]) -> Any:
        return self.render("supplies/contract_call_up.html", contract=contract, form=form, typed=typed, errors=errors)

    @expose("/order/<int:id_>")
    def order(self, id_: int) -> Any:
        return self.order_page(id_, DeliverForm(), {})

    def order_page(self, id_: int, form: DeliverForm, typed: dict[str, str]) -> Any:
        """A call-up order: its state, lines, the printed order and, while open, the delivery form."""
        try:
            order = acting().contracts.order(id_)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        return self.render(
            "supplies/contract_order.html",
            order=order,
            form=form,
            typed=typed,
            may_deliver=current_user.role in MANAGERS and order.status == "open",
            state=order_state(order),
            order_states=ORDER_STATES,
            printed=printed_lines(order),
        )

    @expose("/order/<int:id_>/print")
    def print_order(self, id_: int) -> Any:
        """The call-up order (调用单) alone on a page, to print and hand to the company."""
        try:
            order = acting().contracts.order(id_)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        lang = "zh-CN" if str(get_locale()).startswith("zh") else "en"
        return self.render("supplies/contract_order_print.html", order=order, printed=printed_lines(order), lang=lang)

    @expose("/order/<int:id_>/deliver", methods=("POST",))
    def deliver(self, id_: int) -> Any:
        """Record the company's delivery: units per item (default all that was called up) and when it arrived."""
        form = DeliverForm(request.form)
        typed, given = typed_quantities("got-", request.form.getlist("item")[:1000])
        if not form.validate():
            flash_form_errors(form)
            return self.order_page(id_, form, typed)
        try:
            done = acting().contracts.deliver(
                id_, items={c: q for c, q in given.items() if q != ""} or None, at=form.arrived_at.data
            )
        except SuppliesError as exc:
            show_error(form, exc, {"at": "arrived_at"})
            return self.order_page(id_, form, typed)
        flash(_("Delivery of call-up order #%(id)s recorded.", id=done.id), "success")
        if done.late:
            due = to_local(done.deadline).strftime("%Y-%m-%d %H:%M")
            flash(_("Delivered late: it was due by %(deadline)s.", deadline=due), "warning")
        if done.short:
            flash(_("Delivered short by %(units)s units.", units=done.short), "warning")
        return redirect(url_for(".order", id_=done.id))

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
        return self.render(
            "supplies/record_form.html",
            form=form,
            title=_("Sign a contract"),
            form_id="contract-form",
            submit=_("Sign"),
        )


def _suggested(inv: Any, request_id: int, contract: Any) -> dict[str, str]:
    """Quantities to start the call-up form from: what the request still asks of each item (its item lines),
    up to what is left to call up."""
    try:
        lines = inv.requests.show(request_id).lines
    except SuppliesError:
        return {}
    asked = {ln.code: ln.quantity - ln.allocated for ln in lines if ln.kind != "class"}
    return {ln.item: str(min(ln.remaining, asked[ln.item])) for ln in contract.lines if asked.get(ln.item, 0) > 0}
