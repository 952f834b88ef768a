"""A request's dispatch-day pages: code search, pasted lines, allocation preview, pick lists and receipt."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Response, abort, flash, jsonify, redirect, request, send_file
from flask_admin import expose
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from supplies.errors import SuppliesError
from supplies.models import Role
from supplies.services.catalog.search import find_codes, lookup_codes
from supplies.services.dispatch.documents import (
    KINDS,
    pick_documents,
    write_documents_xlsx,
)
from supplies.services.dispatch.printed import render_documents

from ..auth import acting
from ..converters import to_local
from .base import SecureForm, flash_form_errors, role_in, show_error
from .request_lines import Problem, describe, split_lines

PLANNERS = (Role.ADMIN.value, Role.DISPATCHER.value)
STRATEGIES = ("earliest", "optimal")
MAX_PASTE = 100_000

#: The words of a printed pick list or delivery note in the user's language (see supplies.services.pick_documents).
DOC_LABELS = {
    "pick": _l("Pick list"),
    "delivery": _l("Delivery note"),
    "request": _l("Dispatch request"),
    "incident": _l("Incident"),
    "destination": _l("Destination"),
    "requesting_unit": _l("Requesting unit"),
    "needed_by": _l("Needed by"),
    "priority": _l("Priority"),
    "agency": _l("Agency"),
    "contact": _l("Contact"),
    "point": _l("Storage point"),
    "code": _l("Code"),
    "name": _l("Name"),
    "spec": _l("Specification"),
    "batch": _l("Batch"),
    "expires": _l("Expires"),
    "quantity": _l("Quantity"),
    "unit": _l("Unit"),
    "total": _l("Total"),
    "shipper": _l("Shipped by"),
    "carrier": _l("Carrier"),
    "receiver": _l("Received by"),
    "signature": _l("Signature and date"),
    "printed": _l("Printed"),
    "print": _l("Print"),
    "back": _l("Back to the request"),
    "empty": _l("Nothing to print: no rows of this kind."),
    "address": _l("Address"),
}


class EscalateForm(SecureForm):
    CONFIRM = _l("Yes, ask the level above for the shortfall")

    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    confirm = BooleanField(CONFIRM)


def local_minutes(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def line_message(problem: Problem) -> str:
    return _("line %(n)d: %(reason)s", n=problem.number, reason=problem.reason)


class RequestPages:
    """Pages and JSON endpoints of :class:`~webadmin.views.dispatch.RequestView` beyond the list and form."""

    get_url: Callable[..., str]
    render: Callable[..., Any]

    # -- the create form's helpers -----------------------------------------------------------------

    @expose("/codes")
    def codes(self) -> Any:
        """Items and classes whose code or name contains ``q``, for the code fields (Select2)."""
        if not role_in(*PLANNERS):  # the request form's helper: only those who create requests
            abort(403)
        text = request.args.get("q", "", type=str)[:100]
        matches = find_codes(acting(), text, limit=20)
        return jsonify(
            results=[
                {"code": m.code, "name": m.name, "unit": m.unit, "kind": m.kind, "spec": m.spec, "text": describe(m)}
                for m in matches
            ]
        )

    @expose("/parse-lines", methods=("POST",))
    def parse_lines_json(self) -> Any:
        """Text pasted from a spreadsheet as rows (code, quantity, name) and the lines that could not be read."""
        if not role_in(*PLANNERS):
            abort(403)
        text = (request.form.get("text") or "")[:MAX_PASTE]
        lines, problems = split_lines(text)
        known = lookup_codes(acting(), [ln.code for ln in lines])
        rows = []
        for ln in lines:
            match = known.get(ln.code)
            if match is None:
                problems.append(
                    Problem(
                        ln.number,
                        f"{ln.code} {ln.quantity}",
                        _("no item or supply class with code %(code)s", code=ln.code),
                    )
                )
            else:
                rows.append({"line": ln.number, "code": ln.code, "quantity": ln.quantity, "text": describe(match)})
        problems.sort(key=lambda p: p.number)
        return jsonify(
            rows=rows,
            problems=[
                {"line": p.number, "text": p.text, "reason": p.reason, "message": line_message(p)} for p in problems
            ],
        )

    # -- before allocating: the preview --------------------------------------------------------------

    @expose("/preview/<int:id_>")
    def preview(self, id_: int) -> Any:
        """What allocating would reserve now (a dry run: nothing is written)."""
        strategy = request.args.get("strategy", "earliest")
        strategy = strategy if strategy in STRATEGIES else "earliest"
        inv = acting()
        try:
            detail = inv.requests.show(id_)
            plan = inv.requests.allocate(id_, strategy=strategy, dry_run=True)
        except SuppliesError as exc:
            show_error(None, exc)
            return redirect(self.get_url(".details_view", id=id_))
        return self.render(
            "supplies/request_preview.html",
            detail=detail,
            plan=plan,
            strategy=strategy,
            can_allocate=detail.status in ("approved", "allocated"),
        )

    # -- a shortfall asked of the level above -------------------------------------------------------

    @expose("/escalate/<int:id_>", methods=("POST",))
    def escalate(self, id_: int) -> Any:
        """Ask the jurisdiction above for what this request is short of (上报上级), once confirmed."""
        form = EscalateForm()
        if not form.validate():
            flash_form_errors(form)
            return redirect(self.get_url(".details_view", id=id_))
        if not form.confirm.data:
            flash(
                _("Tick “%(confirm)s” to escalate the shortfall.", confirm=EscalateForm.CONFIRM),
                "warning",
            )
            return redirect(self.get_url(".details_view", id=id_))
        try:
            above = acting().requests.escalate(id_, note=(form.note.data or "").strip() or None)
        except SuppliesError as exc:
            show_error(form, exc)
            return redirect(self.get_url(".details_view", id=id_))
        link = Markup('<a href="{}" id="escalated-link">#{}</a>').format(
            self.get_url(".details_view", id=above.id), above.id
        )
        flash(
            Markup(_("The shortfall of request #%(id)s was escalated to the level above as request %(link)s."))
            % {"id": id_, "link": link},
            "success",
        )
        return redirect(self.get_url(".details_view", id=id_))

    # -- pick lists and delivery notes ---------------------------------------------------------------

    @expose("/documents/<int:id_>")
    def documents(self, id_: int) -> Any:
        """Pick lists (kind=pick) or delivery notes (kind=delivery) per agency and point, to print or as XLSX."""
        kind = request.args.get("kind", "pick")
        if kind not in KINDS:
            kind = "pick"
        agency = (request.args.get("agency") or "").strip() or None
        point = (request.args.get("point") or "").strip() or None
        try:
            docs = pick_documents(acting(), id_, kind=kind, agency=agency, point=point)
        except SuppliesError as exc:
            show_error(None, exc)
            return redirect(self.get_url(".details_view", id=id_))
        labels = {key: str(value) for key, value in DOC_LABELS.items()}
        if request.args.get("format") == "xlsx":
            buf = io.BytesIO()
            write_documents_xlsx(docs, buf, labels=labels, when=local_minutes)
            buf.seek(0)
            name = f"request-{id_}-{kind}" + (f"-{agency}" if agency else "") + (f"-{point}" if point else "")
            return send_file(
                buf,
                as_attachment=True,
                download_name=f"{_safe(name)}.xlsx",
                mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        lang = "zh-CN" if str(get_locale()).startswith("zh") else "en"
        page = render_documents(
            docs, labels=labels, when=local_minutes, lang=lang, back_url=self.get_url(".details_view", id=id_)
        )
        return Response(page, mimetype="text/html")

    # -- at the destination --------------------------------------------------------------------------

    @expose("/receive/<int:id_>", methods=("POST",))
    def receive(self, id_: int) -> Any:
        """Record what arrived, item by item; a refusal keeps what was typed."""
        codes = request.form.getlist("recv-code")[:1000]
        typed = request.form.getlist("recv-qty")[:1000]
        values = dict(zip(codes, typed))
        received: dict[str, int] = {}
        bad = False
        for code, qty in values.items():
            qty = qty.strip()
            if not (qty.isascii() and qty.isdigit()) or len(qty) > 12:
                flash(
                    _(
                        "%(field)s: %(reason)s",
                        field=code,
                        reason=_("the received quantity must be a whole number, 0 or more"),
                    ),
                    "danger",
                )
                bad = True
            else:
                received[code] = int(qty)
        if not bad:
            try:
                detail = acting().requests.receive(id_, received=received)
            except SuppliesError as exc:
                show_error(None, exc)
            else:
                flash(_("Request #%(id)s: receipt recorded.", id=id_), "success")
                if detail.arrivals:
                    flash(
                        _(
                            "%(units)d units booked into the stock of %(point)s: see “Booked into stock at the destination”.",
                            units=sum(a.quantity for a in detail.arrivals),
                            point=detail.dest_point,
                        ),
                        "info",
                    )
                for line in detail.lines:
                    if line.received != line.dispatched:
                        flash(
                            _(
                                "%(code)s: %(received)d of %(dispatched)d received",
                                code=line.code,
                                received=line.received,
                                dispatched=line.dispatched,
                            ),
                            "warning",
                        )
                return redirect(self.get_url(".details_view", id=id_))
        return self.details_page(id_, receipt_values=values)

    def details_page(self, id_: int, **extra: Any) -> Any:  # pragma: no cover - defined by the view
        raise NotImplementedError


def _safe(name: str) -> str:
    """A download file name of letters, digits, ``-`` and ``_`` (codes may hold ``:``)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
