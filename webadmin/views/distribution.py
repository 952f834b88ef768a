"""The distribution page for a tablet at a shelter (发放): find a household, see what it is due, give it in one tap.

The point and the incident are chosen once and kept in the session. A household is found by its
number (typed, or read by a barcode scanner that types it and presses Enter) or by part of its
head's name or village. Its card shows what the core shows of it (ID number masked, phone masked
unless the core shows it in full), what it is due item by item and what it has received. One tap
gives everything due through ``inv.distribution.distribute``; quantities may be changed, a proxy
collector (代领) named, and a supervisor's override reason given. The core decides who may give what
and says why not; the page only shows it.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, session, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from supplies.errors import SuppliesError
from supplies.models import Incident, PointStatus, StoragePoint
from supplies.permissions import scoped_points, scoped_to_jurisdiction
from supplies.services.relief.distribution import DistributionResult, DueLine

from ..auth import acting
from ..i18n import said
from .base import SecureForm, SecureView, flash_form_errors, show_error
from .rows import session as db_session

POINT_KEY = "distribution_point"
INCIDENT_KEY = "distribution_incident"
MAX_TEXT = 100  # a search or a household number longer than this matches nothing the core keeps
MAX_ITEMS = 200
ON_FORM = ("collector", "override")  # the core's refusals said on a field of the form; the rest on the card


class PlaceForm(SecureForm):
    point = SelectField(_l("Distribution point"), choices=[], validate_choice=False)
    incident = SelectField(_l("Incident"), choices=[], validate_choice=False)


class GiveForm(SecureForm):
    household = HiddenField()
    collector = StringField(
        _l("Collected by (代领)"),
        description=_l("Only when someone collects for the household: their name."),
        render_kw={"autocomplete": "off"},
    )
    override = TextAreaField(
        _l("Supervisor override: reason"),
        description=_l("Only to give more than is due, or again: the reason is recorded with the distribution."),
        render_kw={"rows": 2},
    )


def _points() -> dict[str, str]:
    """The open storage points the user reads (warehouse staff their own), code -> label."""
    q = select(StoragePoint.code, StoragePoint.name).where(StoragePoint.status == PointStatus.ACTIVE.value)
    q = scoped_points(q, current_user.actor)
    return {c: f"{c} {n}" for c, n in db_session().execute(q.order_by(StoragePoint.code)).all()}


def _incidents() -> dict[str, str]:
    """The open incidents of the user's jurisdiction and below, newest first, id -> label."""
    q = select(Incident.id, Incident.name).where(Incident.status == "open").order_by(Incident.id.desc())
    rows = db_session().execute(scoped_to_jurisdiction(q, current_user.actor, Incident.jurisdiction_code)).all()
    return {str(i): f"#{i} {n}" for i, n in rows}


def _chosen(key: str, choices: dict[str, str]) -> str | None:
    """The session's choice if it is still offered; the only choice when there is one."""
    value = session.get(key)
    if value in choices:
        return str(value)
    return next(iter(choices)) if len(choices) == 1 else None


def _given(result: DistributionResult, due: list[DueLine]) -> str:
    """What was given, item by item with the batches it came from, in words for the success banner."""
    names = {d.item: (d.item_name, d.unit) for d in due}
    per_item: dict[str, list[tuple[str, int]]] = {}
    for line in result.lines:
        per_item.setdefault(line.item, []).append((line.batch, line.qty))
    parts = []
    for code, lots in per_item.items():
        name, unit = names.get(code, (code, ""))
        batches = ", ".join(batch or "—" for batch, _qty in lots)
        parts.append(
            _(
                "%(name)s %(qty)d %(unit)s (batch %(batches)s)",
                name=name,
                qty=sum(q for _b, q in lots),
                unit=unit,
                batches=batches,
            )
        )
    return "; ".join(parts)


def _quantity(text: str) -> int | None:
    """A typed quantity as a whole number (a sign allowed: the core says why a negative is refused)."""
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        return None
    return int(text)


class DistributionView(SecureView):
    """Distribution at a point, built for a tablet: everyone may open it, the core decides who gives."""

    @expose("/")
    def index(self) -> Any:
        query = (request.args.get("q") or "").strip()[:MAX_TEXT]
        number = (request.args.get("household") or "").strip()[:MAX_TEXT]
        return self._page(query=query, number=number)

    @expose("/place", methods=("POST",))
    def place(self) -> Any:
        """Remember the point and incident chosen (in the session) for the next households."""
        form = PlaceForm()
        points, incidents = _points(), _incidents()
        if form.validate():
            if form.point.data in points:
                session[POINT_KEY] = form.point.data
            if form.incident.data in incidents:
                session[INCIDENT_KEY] = form.incident.data
        else:
            flash_form_errors(form)
        return redirect(url_for(".index"))

    @expose("/give", methods=("POST",))
    def give(self) -> Any:
        """Give the household what it is due (or the quantities typed): one tap, the core decides."""
        form = GiveForm()
        number = (form.household.data or "").strip()[:MAX_TEXT]
        codes = request.form.getlist("item-code")[:MAX_ITEMS]
        typed = [v.strip() for v in request.form.getlist("item-qty")[:MAX_ITEMS]]
        values = dict(zip(codes, typed))
        if not form.validate():
            flash_form_errors(form)
            return self._page(number=number, form=form, typed=values)
        point, incident = _chosen(POINT_KEY, _points()), _chosen(INCIDENT_KEY, _incidents())
        if point is None or incident is None:
            flash(_("Choose the distribution point and the incident first."), "danger")
            return self._page(number=number, form=form, typed=values)
        asked: dict[str, int] = {}
        bad = False
        for code, text in values.items():
            if not text:
                continue  # an item left empty is not given
            qty = _quantity(text)
            if qty is None:
                flash(_("%(field)s: %(reason)s", field=code, reason=_("the quantity must be a whole number")), "danger")
                bad = True
            else:
                asked[code] = qty
        if bad:
            return self._page(number=number, form=form, typed=values)
        inv = acting()
        try:
            due = inv.distribution.due(number, incident=int(incident))
            due_now = {d.item: d.due for d in due if d.due > 0}
            if not asked and due_now:
                flash(_("Nothing to give: type a quantity for at least one item."), "danger")
                return self._page(number=number, form=form, typed=values)
            # Exactly what is due: the core gives what is due as it locks the household (never twice).
            result = inv.distribution.distribute(
                point,
                number,
                None if asked == due_now else asked,
                incident=int(incident),
                collector=(form.collector.data or "").strip() or None,
                override=(form.override.data or "").strip() or None,
            )
        except SuppliesError as exc:
            if exc.field in ON_FORM:
                show_error(form, exc)
                return self._page(number=number, form=form, typed=values)
            field = exc.field or ""
            reason = said(exc)
            if field.startswith("items."):  # a quantity the core refused: say of which item
                reason = _("%(field)s: %(reason)s", field=field.removeprefix("items."), reason=reason)
            return self._page(number=number, form=form, typed=values, refusal=reason)
        flash(
            Markup('<span id="given">{}</span>').format(
                _(
                    "Household %(number)s: given %(given)s.",
                    number=result.household,
                    given=_given(result, due),
                )
            ),
            "success",
        )
        if result.override_reason:
            flash(_("Override recorded: %(reason)s", reason=result.override_reason), "warning")
        return redirect(url_for(".index"))

    # -------------------------------------------------------------------------------------------
    def _page(
        self,
        *,
        query: str = "",
        number: str = "",
        form: GiveForm | None = None,
        typed: dict[str, str] | None = None,
        refusal: str | None = None,
    ) -> Any:
        points, incidents = _points(), _incidents()
        point, incident = _chosen(POINT_KEY, points), _chosen(INCIDENT_KEY, incidents)
        place = PlaceForm()
        place.point.choices = {"": "—", **points} if point is None else points
        place.incident.choices = {"": "—", **incidents} if incident is None else incidents
        place.point.data, place.incident.data = point or "", incident or ""
        found: list[Any] = []
        household = None
        due: list[DueLine] = []
        history: list[DistributionResult] = []
        if incident is not None and (query or number):
            inv = acting()
            try:
                if query and not number:
                    found = inv.households.search(query, incident=int(incident))
                    exact = [h for h in found if h.number.lower() == query.lower()]
                    if len(exact) == 1:
                        return redirect(url_for(".index", household=exact[0].number))
                    if not found:
                        flash(_("No household matches “%(text)s”.", text=query), "warning")
                if number:
                    household = inv.households.get(number, incident=int(incident))
                    due = inv.distribution.due(number, incident=int(incident))
                    history = inv.distribution.history(number, incident=int(incident))
            except SuppliesError as exc:
                show_error(None, exc)
                household = None
                query = query or number
        if household is not None and form is None:
            form = GiveForm(household=household.number)
        return self.render(
            "supplies/distribution.html",
            place=place,
            point=point,
            point_label=points.get(point or "", ""),
            incident=incident,
            incident_label=incidents.get(incident or "", ""),
            query=query,
            found=found,
            household=household,
            due=due,
            history=history,
            names={d.item: (d.item_name, d.unit) for d in due},
            form=form,
            typed=typed or {},
            refusal=refusal,
            giving=any(d.due > 0 for d in due),
        )
