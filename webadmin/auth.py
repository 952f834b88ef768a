"""Log-in, log-out and password change with Flask-Login; the acting user is checked by the core on every request."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

import supplies
from supplies.errors import PermissionDenied
from supplies.models import Role, User
from supplies.permissions import Actor, actor_of, load_actor, narrowed

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"
# A stolen cookie replayed from elsewhere is cut off when the address or browser changes.
login_manager.session_protection = "strong"

# The session key of the jurisdiction a user above county level narrowed the view to ("all": absent).
JURISDICTION_KEY = "jurisdiction"

# Endpoints anyone may reach; every other page and action needs a logged-in user.
PUBLIC_ENDPOINTS = {"auth.login", "static", "admin.static", "i18n.set_language"}


class WebUser(UserMixin):
    """The logged-in user: the core's :class:`~supplies.permissions.Actor` plus a session token.

    The token is derived from the password hash, so changing a password ends every other
    session of that user.
    """

    def __init__(self, actor: Actor, token: str, home: Actor | None = None) -> None:
        #: What the pages read and act on: the user's scope, narrowed to the chosen jurisdiction.
        self.actor = actor
        #: The user's whole scope (their own jurisdiction and below), whatever they narrowed to.
        self.home = home or actor
        self.token = token

    @property
    def narrowed_to(self) -> str | None:
        """The jurisdiction the user narrowed the view to, or None when they see their whole scope."""
        return self.actor.jurisdiction if self.actor.jurisdiction != self.home.jurisdiction else None

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def role(self) -> str:
        return self.actor.role

    def get_id(self) -> str:
        return f"{self.actor.name}:{self.token}"

    def has_role(self, *roles: str) -> bool:
        return self.actor.role in roles

    @property
    def is_admin(self) -> bool:
        return self.actor.role == Role.ADMIN


def token_of(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    name, _sep, token = user_id.rpartition(":")
    db = current_app.extensions["supplies_db"]()
    # One read of the user's row: its password hash (the session's token) and the core's actor from it.
    user = db.exec(select(User).where(User.name == name)).one_or_none()
    if user is None or token_of(user.password_hash) != token:
        return None
    try:
        actor = actor_of(db, user, name)
    except PermissionDenied:  # deactivated since logging in
        return None
    return WebUser(narrowed_actor(actor), token, home=actor)


def narrowed_actor(actor: Actor) -> Actor:
    """``actor`` narrowed by the core to the jurisdiction chosen in the switcher, if any.

    A choice the user may no longer make (moved to another jurisdiction since) is forgotten.
    """
    code = session.get(JURISDICTION_KEY)
    if not code:
        return actor
    try:
        return narrowed(actor, current_app.extensions["supplies_db"](), code)
    except PermissionDenied:
        session.pop(JURISDICTION_KEY, None)
        return actor


def acting() -> supplies.Inventory:
    """The inventory acting as the logged-in user: every write of the web goes through it."""
    return current_app.extensions["supplies"].as_user(current_user.name, jurisdiction=current_user.narrowed_to)


def require_login() -> Any:
    """Before every request: anything but the log-in page and static files needs a user."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    from .api import is_api_request

    if is_api_request():  # a bearer token, not a log-in session (webadmin.api.auth)
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


class LoginForm(FlaskForm):
    name = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _locked_for(name: str, address: str) -> float:
    # The limit lives in the database (the primary): every `supplies serve` process behind a proxy shares it.
    inv = current_app.extensions["supplies"]
    return float(inv.login_limit.locked_for(name, address, window=current_app.config["LOGIN_LOCKOUT"]))


def _failed(name: str, address: str) -> None:
    inv, config = current_app.extensions["supplies"], current_app.config
    inv.login_limit.failed(name, address, max_failures=config["LOGIN_MAX_FAILURES"], window=config["LOGIN_LOCKOUT"])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect to another host would help phishing."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("admin.index")


def load_actor_for(name: str) -> Actor:
    """The core's view of the named user (role and scope), read in the request's session."""
    return load_actor(current_app.extensions["supplies_db"](), name)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.name.data.strip(), request.remote_addr or "-"
        wait = _locked_for(name, address)
        if wait:
            minutes = int(wait // 60) + 1
            flash(_("Too many failed log-ins. Try again in %(minutes)d minutes.", minutes=minutes), "danger")
            return render_template("supplies/login.html", form=form), 429
        user = current_app.extensions["supplies"].users.authenticate(name, form.password.data)
        if user is None:
            _failed(name, address)
            flash(_("Wrong user name or password."), "danger")
            return render_template("supplies/login.html", form=form), 401
        current_app.extensions["supplies"].login_limit.succeeded(name, address)
        locale = session.get("locale")
        session.clear()  # a fresh session at log-in: no fixation of a session planted before
        if locale:
            session["locale"] = locale
        session.permanent = True
        login_user(WebUser(load_actor_for(user.name), token_of(user.password_hash)))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("supplies/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
