"""Donations of goods (社会捐赠) on the web: receive (triaged on arrival), donors, and the public disclosure.

The receive form keeps what was typed when the core refuses it, with the message on the field it
names. The disclosure (捐赠公示) opens as a print-ready page or downloads as XLSX; it comes from the
core (``inv.donations.disclosure``), which applies the user's scope and never holds a donor's
contact, and shows anonymous donors as 匿名.
"""

from __future__ import annotations

import io
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_admin import expose
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from supplies.errors import NotFound, SuppliesError
from supplies.models import Role
from supplies.services.donations.service import letter_html

from .. import labels
from ..auth import acting
from ..i18n import said
from ..validators import Range
from .base import SecureForm, SecureView, flash_form_errors, show_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTRARS = (Role.ADMIN.value, Role.DISPATCHER.value, Role.WAREHOUSE.value)
RECEIVERS = (Role.ADMIN.value, Role.WAREHOUSE.value, Role.AGENCY_OFFICER.value)


class DonationForm(SecureForm):
    donor = StringField(_l("Donor code"), validators=[InputRequired(), Length(max=40)])
    point = StringField(_l("Storage point"), validators=[InputRequired(), Length(max=40)])
    item = StringField(_l("Item"), validators=[InputRequired(), Length(max=40)])
    qty = IntegerField(_l("Quantity"), validators=[InputRequired(), Range(min=1, max=1_000_000_000)])
    triage = SelectField(
        _l("Triage on arrival"),
        choices=labels.select_choices(
            {
                "urgent": _l("usable, needed now"),
                "later": _l("usable later"),
                "unusable": _l("unusable or unknown"),
            }
        ),
        default="urgent",
    )
    reason = StringField(_l("Reason (unusable or unknown goods)"), validators=[Optional(), Length(max=500)])
    certificate = StringField(_l("Donation receipt certificate No."), validators=[Optional(), Length(max=60)])
    batch = StringField(_l("Batch"), validators=[Optional(), Length(max=60)])
    expires_on = DateField(_l("Expires"), validators=[Optional()])
    incident = IntegerField(_l("Only for incident (id)"), validators=[Optional(), Range(min=1, max=2_147_483_647)])
    region = StringField(_l("Only for region (code)"), validators=[Optional(), Length(max=12)])
    purpose = SelectField(
        _l("Only for incidents of type"),
        choices=[("", ""), *labels.select_choices(labels.INCIDENT_TYPES)],
        default="",
    )


class DonorForm(SecureForm):
    code = StringField(_l("Donor code"), validators=[InputRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=labels.select_choices(
            {"person": _l("person"), "company": _l("company"), "organisation": _l("organisation")}
        ),
        default="person",
    )
    anonymous = BooleanField(_l("Anonymous (shown as 匿名 in public)"))
    contact = StringField(_l("Contact (never disclosed)"), validators=[Optional(), Length(max=200)])


def _lang() -> str:
    return "zh" if str(get_locale()).startswith("zh") else "en"


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class DonationsView(SecureView):
    """Donations received at the user's points, receiving one, donors, the disclosure."""

    @expose("/")
    def index(self) -> Any:
        rows = acting().donations.list()
        return self.render(
            "supplies/donations.html",
            rows=rows,
            may_receive=current_user.role in RECEIVERS,
            may_register=current_user.role in REGISTRARS,
        )

    @expose("/receive", methods=("GET", "POST"))
    def receive(self) -> Any:
        form = DonationForm(request.form if request.method == "POST" else None)
        if request.method == "POST":
            if form.validate():
                try:
                    done = acting().donations.receive(
                        form.donor.data,
                        form.point.data,
                        form.item.data,
                        form.qty.data,
                        batch=form.batch.data or None,
                        expires_on=form.expires_on.data,
                        certificate=form.certificate.data or None,
                        triage=form.triage.data,
                        reason=form.reason.data or None,
                        incident=form.incident.data,
                        region=form.region.data or None,
                        purpose=form.purpose.data or None,
                    )
                except SuppliesError as exc:
                    show_error(form, exc, {"expires_on": "expires_on", "qty": "qty"})
                else:
                    flash(_("Donation #%(id)s received.", id=done.id), "success")
                    return redirect(url_for(".index"))
            else:
                flash_form_errors(form)
        return self.render(
            "supplies/record_form.html",
            form=form,
            title=_("Receive a donation"),
            form_id="donation-form",
            submit=_("Receive"),
        )

    @expose("/letter/<int:donation_id>")
    def letter(self, donation_id: int) -> Any:
        try:
            done = acting().donations.get(donation_id)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        return Markup(letter_html(done))

    @expose("/donors", methods=("GET", "POST"))
    def donors(self) -> Any:
        form = DonorForm(request.form if request.method == "POST" else None)
        if request.method == "POST":
            if current_user.role not in REGISTRARS:
                flash(_("Only admins, dispatchers and warehouse staff register donors."), "danger")
            elif form.validate():
                try:
                    done = acting().donors.add(
                        form.code.data,
                        form.name.data,
                        kind=form.kind.data,
                        anonymous=bool(form.anonymous.data),
                        contact=form.contact.data or None,
                    )
                except SuppliesError as exc:
                    show_error(form, exc)
                else:
                    flash(_("Donor %(code)s registered.", code=done.code), "success")
                    return redirect(url_for(".donors"))
            else:
                flash_form_errors(form)
        return self.render(
            "supplies/donors.html",
            form=form,
            rows=acting().donors.list(),
            may_register=current_user.role in REGISTRARS,
        )

    @expose("/disclosure")
    def disclosure(self) -> Any:
        """The public disclosure (``format=xlsx`` downloads it); ``incident``, ``since``, ``until`` filter it."""
        args = request.args
        incident = _number(args.get("incident"))
        try:
            rep = acting().donations.disclosure(
                incident=incident,
                since=(args.get("since") or "").strip() or None,
                until=(args.get("until") or "").strip() or None,
            )
        except SuppliesError as exc:
            show_error(None, exc)
            return redirect(url_for(".index"))
        if args.get("format") == "xlsx":
            buf = io.BytesIO()
            rep.save(buf, format="xlsx", lang=_lang())
            buf.seek(0)
            return send_file(buf, as_attachment=True, download_name="donations-disclosure.xlsx", mimetype=XLSX)
        return render_template(
            "supplies/donation_disclosure.html",
            rep=rep,
            totals=rep.totals(),
            params=rep.params,
            back_url=url_for(".index"),
            xlsx_url=url_for(".disclosure", format="xlsx", **{k: v for k, v in args.items() if k != "format"}),
        )
