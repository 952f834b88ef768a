"""The readiness page: a place, a population, a hazard and a deadline in; need by need, what is short out."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from wtforms import FloatField, IntegerField, SelectField
from wtforms.validators import InputRequired, Optional

from supplies.errors import SuppliesError

from .. import labels
from ..auth import acting
from ..validators import Range
from .base import SecureForm, SecureView, flash_form_errors, show_error


class ReadinessForm(SecureForm):
    lat = FloatField(_l("Latitude"), validators=[InputRequired(), Range(min=-90, max=90)])
    lon = FloatField(_l("Longitude"), validators=[InputRequired(), Range(min=-180, max=180)])
    population = IntegerField(_l("People affected"), validators=[InputRequired(), Range(min=0)])
    hazard = SelectField(
        _l("Hazard"),
        choices=labels.select_choices({"": "—", **labels.INCIDENT_TYPES}),
        default="",
        validators=[Optional()],
    )
    hours = FloatField(_l("Within (hours)"), default=12.0, validators=[InputRequired(), Range(min=0, max=720)])
    days = FloatField(_l("Days of water and food"), default=1.0, validators=[InputRequired(), Range(min=0.1, max=365)])


class ReadinessView(SecureView):
    """Can the stock within reach feed, clothe, water and shelter these people in time?

    A read-only check (GET, so a result can be bookmarked and shared); it runs through
    ``inv.readiness.check`` with the same arrival estimate as allocation.
    """

    @expose("/")
    def index(self) -> Any:
        form = ReadinessForm(request.args if request.args else None, meta={"csrf": False})
        report = None
        if request.args:
            if form.validate():
                try:
                    report = acting().readiness.check(
                        form.lat.data,
                        form.lon.data,
                        population=form.population.data,
                        hazard=form.hazard.data or None,
                        hours=form.hours.data,
                        days=form.days.data,
                    )
                except SuppliesError as exc:
                    show_error(form, exc)
            else:
                flash_form_errors(form)
        return self.render("supplies/readiness.html", form=form, report=report, hazards=labels.INCIDENT_TYPES)
