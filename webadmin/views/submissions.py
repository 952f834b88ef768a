"""The 报送 page: pick a period, see whether each child jurisdiction has submitted its ledger, download each
submission, and submit one's own jurisdiction's ledger for the period."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from supplies.config import local_today
from supplies.errors import NotFound, SuppliesError
from supplies.models import Role

from ..auth import acting
from ..i18n import said
from .base import SecureForm, SecureView, flash_form_errors, show_error

SUBMITTERS = (Role.ADMIN.value, Role.DISPATCHER.value)


def _period_field() -> StringField:
    return StringField(
        _l("Period"),
        validators=[DataRequired(), Length(max=10)],
        description=_l("A year (2026), a quarter (2026-Q4) or a month (2026-11)."),
    )


class PeriodForm(SecureForm):
    period = _period_field()


class SubmitForm(SecureForm):
    period = _period_field()


STATUS_LABELS = {"submitted": _l("submitted"), "late": _l("late"), "missing": _l("missing")}
STATUS_BADGES = {"submitted": "success", "late": "warning", "missing": "danger"}


class SubmissionsView(SecureView):
    """Reporting upward (报送) for admins, dispatchers and viewers of a jurisdiction."""

    roles = (Role.ADMIN.value, Role.DISPATCHER.value, Role.VIEWER.value)

    @expose("/")
    def index(self) -> Any:
        period = (request.args.get("period") or "").strip() or local_today().strftime("%Y-%m")
        form = PeriodForm(data={"period": period}, meta={"csrf": False})
        inv = acting()
        statuses: list[Any] = []
        own: list[Any] = []
        due_on = None
        try:
            statuses = inv.submissions.status(period)
            own = inv.submissions.versions(None, period)
            due_on = statuses[0].due_on if statuses else None
        except SuppliesError as exc:
            show_error(form, exc)
        if due_on is None and own:
            due_on = own[-1].due_on
        return self.render(
            "supplies/submissions.html",
            form=form,
            submit_form=SubmitForm(data={"period": period}),
            period=period,
            statuses=statuses,
            own=own,
            due_on=due_on,
            labels=STATUS_LABELS,
            badges=STATUS_BADGES,
            may_submit=current_user.role in SUBMITTERS,
        )

    @expose("/submit", methods=("POST",))
    def submit(self) -> Any:
        form = SubmitForm()
        period = form.period.data or ""
        if not form.validate_on_submit():
            flash_form_errors(form)
            return redirect(url_for(".index", period=period))
        try:
            done = acting().submissions.submit(period)
        except SuppliesError as exc:
            show_error(form, exc)
        else:
            flash(
                _(
                    "Submitted the ledger of %(jurisdiction)s for %(period)s as version %(version)s.",
                    jurisdiction=done.jurisdiction_name,
                    period=done.period,
                    version=done.version,
                ),
                "success",
            )
            period = done.period
        return redirect(url_for(".index", period=period))

    @expose("/download")
    def download(self) -> Any:
        code = request.args.get("jurisdiction") or None
        period = request.args.get("period") or ""
        version_text = request.args.get("version") or ""
        version = int(version_text) if version_text.isdigit() and len(version_text) < 8 else None
        try:
            content = acting().submissions.download(code, period, version)
            name = acting().submissions.get(code, period, version)
        except NotFound as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index", period=period))
        except SuppliesError as exc:
            flash(said(exc), "danger")
            return redirect(url_for(".index"))
        filename = f"ledger-{name.jurisdiction}-{name.period}-v{name.version}.json"
        return Response(
            content,
            mimetype="application/json",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )
