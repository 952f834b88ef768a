"""Chinese and English: the locale of each request (the user's choice, else the browser's) and the switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, session, url_for

bp = Blueprint("i18n", __name__)

# Flask-Admin ships its Chinese catalog as zh_Hans_CN; ours lives under the same name.
LOCALES = {"en": "English", "zh_Hans_CN": "中文"}
_BROWSER = {"en": "en", "zh": "zh_Hans_CN"}


def said(value: Any) -> str:
    """A core message (or a core error's reason, or a stored English note) in this request's language."""
    from supplies.errors import SuppliesError
    from supplies.i18n import translate

    return translate(value.reason if isinstance(value, SuppliesError) else value)


def speak_the_users_language() -> None:
    """Before each request: the core says its messages in the language the page is shown in."""
    from flask_babel import get_locale

    from supplies.i18n import set_language

    set_language(str(get_locale() or "en"))


def select_locale() -> str:
    """The chosen language (kept in the session), else the best match of Accept-Language."""
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(list(_BROWSER), default="en")
    return _BROWSER.get(best, "en")


@bp.route("/language/<code>")
def set_language(code: str) -> Any:
    """Switch the interface language and go back to the page the user was on."""
    if code in LOCALES:
        session["locale"] = code
    parts = urlsplit(request.referrer or "")
    if parts.path.startswith("/") and parts.netloc in ("", request.host):
        return redirect(parts.path + (f"?{parts.query}" if parts.query else ""))
    return redirect(url_for("admin.index"))
