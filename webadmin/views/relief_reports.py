"""The last mile's papers on the web: the signing sheet of a village (发放登记表) and the public notice (发放公示).

The page asks for an incident, a village, a point and days; the two papers open as print-ready pages
(A4, the table's heading repeated on every printed page) or download as XLSX. Both come from the
core (``inv.relief_papers``), which applies the acting user's scope: what a user may read is what
the paper counts. The signing sheet shows ID numbers masked and never a phone; the notice holds no
personal data at all.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import redirect, render_template, request, send_file
from flask_admin import expose
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from supplies.errors import SuppliesError
from supplies.services.dispatch.incidents import IncidentResult

from ..auth import acting
from .base import SecureForm, SecureView, flash_form_errors, show_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PapersForm(SecureForm):
    incident = SelectField(_l("Incident"), choices=[], validators=[Optional()])
    village = StringField(_l("Village"), validators=[Optional(), Length(max=100)])
    point = StringField(_l("Distribution point"), validators=[Optional(), Length(max=40)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])


def _lang() -> str:
    return "zh" if str(get_locale()).startswith("zh") else "en"


def _xlsx(paper: Any, name: str) -> Any:
    buf = io.BytesIO()
    paper.save(buf, lang=_lang())
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=name, mimetype=XLSX)


class ReliefReportsView(SecureView):
    """Signing sheets and public notices of an incident, to print or download."""

    @expose("/")
    def index(self) -> Any:
        form = PapersForm(request.args if request.args else None, meta={"csrf": False})
        inv = acting()
        incidents: list[IncidentResult] = []
        villages: list[tuple[str, int]] = []
        try:
            incidents = inv.incidents.list()
            form.incident.choices = [(str(i.id), f"#{i.id} {i.name}") for i in incidents]
            chosen = _incident(form.incident.data) or (incidents[0].id if incidents else None)
            if chosen is not None:
                form.incident.data = str(chosen)
                villages = inv.relief_papers.villages(incident=chosen)
        except SuppliesError as exc:
            show_error(form, exc)
        if request.args and not form.validate():
            flash_form_errors(form)
        return self.render("supplies/relief_papers.html", form=form, incidents=incidents, villages=villages)

    @expose("/sheet")
    def sheet(self) -> Any:
        """The signing sheet of a village (``format=xlsx`` downloads it)."""
        args = request.args
        try:
            paper = acting().relief_papers.signing_sheet(
                (args.get("village") or "").strip(),
                incident=_incident(args.get("incident")),
                point=(args.get("point") or "").strip() or None,
                since=_day(args.get("since")),
                until=_day(args.get("until")),
            )
        except SuppliesError as exc:
            show_error(None, exc)
            return redirect(self.get_url(".index", **args))
        if args.get("format") == "xlsx":
            return _xlsx(paper, f"signing-sheet-{paper.incident_id}.xlsx")
        return render_template(
            "supplies/signing_sheet.html", paper=paper, back_url=self.get_url(".index", **_form_args(args))
        )

    @expose("/notice")
    def notice(self) -> Any:
        """The public notice of an incident (``format=xlsx`` downloads it)."""
        args = request.args
        try:
            paper = acting().relief_papers.notice(incident=_incident(args.get("incident")))
        except SuppliesError as exc:
            show_error(None, exc)
            return redirect(self.get_url(".index", **args))
        if args.get("format") == "xlsx":
            return _xlsx(paper, f"notice-{paper.incident_id}.xlsx")
        return render_template(
            "supplies/relief_notice.html", paper=paper, back_url=self.get_url(".index", **_form_args(args))
        )


def _incident(text: str | None) -> int | None:
    """An incident id from a query argument; anything else is left to the core (the only open one)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _day(text: str | None) -> date | str | None:
    """A day from a query argument, as the core reads it (it refuses what is not a day, naming the field)."""
    return (text or "").strip() or None


def _form_args(args: Any) -> dict[str, str]:
    return {k: args[k] for k in ("incident", "village", "point", "since", "until") if args.get(k)}
