"""The jurisdiction in the navbar, and the switcher that narrows the view of a user above county level.

The web keeps only the choice (in the session); the core narrows the user's scope
(:func:`supplies.permissions.narrowed`), and every list, page and service call then reads
through that narrowed scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from supplies.errors import PermissionDenied, SuppliesError
from supplies.models import ROOT_REGION
from supplies.permissions import narrowed

from .auth import JURISDICTION_KEY, _safe_next
from .i18n import said
from .lookups import lookups

bp = Blueprint("jurisdiction", __name__)


@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    depth: int  # below the user's own jurisdiction, for indentation


@dataclass(frozen=True)
class JurisdictionBar:
    """What the navbar shows: the jurisdiction the pages are about, and the ones the user may narrow to."""

    code: str
    name: str
    home_code: str
    home_name: str
    choices: list[Choice]

    @property
    def switchable(self) -> bool:
        return len(self.choices) > 1

    @property
    def narrowed(self) -> bool:
        return self.code != self.home_code


def jurisdiction_bar() -> JurisdictionBar | None:
    """The navbar's jurisdiction for the logged-in user (read once per request), or None."""
    if not current_user.is_authenticated:
        return None
    if "_jurisdiction_bar" in g:
        return g._jurisdiction_bar  # type: ignore[no-any-return]
    bar = None
    home = current_user.home.jurisdiction
    try:
        # The user's whole scope (not the narrowed one): every jurisdiction they may choose. The same
        # for everyone of that jurisdiction, so the process keeps it a few seconds (webadmin.lookups).
        regions = lookups().get(("jurisdictions", home), _jurisdictions)
    except SuppliesError:
        regions = []
    except Exception:  # the navbar never breaks a page (an error page during an outage included)
        current_app.logger.exception("the jurisdiction bar could not be read")
        regions = []
    if regions and not (len(regions) == 1 and regions[0][0] == ROOT_REGION):  # a lone installation: no levels
        top = regions[0][2].count("/")
        names = {r_code: r_name for r_code, r_name, _path in regions}
        code = current_user.actor.jurisdiction
        bar = JurisdictionBar(
            code,
            names.get(code, code),
            home,
            names.get(home, home),
            [Choice(r_code, r_name, path.count("/") - top) for r_code, r_name, path in regions],
        )
    g._jurisdiction_bar = bar
    return bar


def _jurisdictions() -> list[tuple[str, str, str]]:
    """(code, name, path) of the logged-in user's jurisdiction and every one below it, in tree order."""
    regions = current_app.extensions["supplies"].as_user(current_user.name).regions.jurisdictions()
    return [(r.code, r.name, r.path) for r in regions]


class JurisdictionForm(FlaskForm):
    code = StringField(validators=[Optional(), Length(max=12)])
    next = HiddenField(validators=[Optional(), Length(max=2000)])


@bp.route("/jurisdiction", methods=["POST"])
def switch() -> Any:
    """Narrow the view to one jurisdiction and below (the core refuses one outside the user's own), or
    return to the whole scope (an empty code, or the user's own jurisdiction)."""
    form = JurisdictionForm()
    back = _safe_next(form.next.data)
    if not form.validate():
        flash(_("The jurisdiction could not be changed; please try again."), "danger")
        return redirect(back)
    code = (form.code.data or "").strip()
    home = current_user.home
    if not code or code == home.jurisdiction:
        session.pop(JURISDICTION_KEY, None)
        return redirect(back)
    try:
        narrowed(home, current_app.extensions["supplies_db"](), code)
    except PermissionDenied as exc:
        flash(said(exc), "danger")
        return redirect(back)
    session[JURISDICTION_KEY] = code
    return redirect(back)
