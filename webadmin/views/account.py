"""The user's own account: change the password (the core checks the old one and hashes the new)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from supplies.errors import SuppliesError

from .. import labels
from ..auth import WebUser, acting, token_of
from ..i18n import said
from .base import SecureForm, SecureView, flash_form_errors


class PasswordForm(SecureForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=200)])
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )


class AccountView(SecureView):
    """Who you are, what you may do, and your password."""

    def is_visible(self) -> bool:
        return False  # reached from the user menu, not the main menu

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        form = PasswordForm()
        if form.validate_on_submit():
            users = current_app.extensions["supplies"].users
            if users.authenticate(current_user.name, form.current.data) is None:
                form.current.errors.append(_("is not your current password"))
                flash(
                    _("%(field)s: %(reason)s", field=form.current.label.text, reason=_("is not your current password")),
                    "danger",
                )
            else:
                try:
                    acting().users.set_password(current_user.name, form.new.data)
                except SuppliesError as exc:
                    flash(_("%(field)s: %(reason)s", field=form.new.label.text, reason=said(exc)), "danger")
                else:
                    # The session token follows the new password hash; other sessions end.
                    user = users.authenticate(current_user.name, form.new.data)
                    login_user(WebUser(current_user.actor, token_of(user.password_hash if user else None)))
                    flash(_("Your password is changed."), "success")
                    return redirect(url_for("admin.index"))
        elif form.is_submitted():
            flash_form_errors(form)
        return self.render("supplies/account.html", form=form, role_label=labels.ROLES.get(current_user.role))
