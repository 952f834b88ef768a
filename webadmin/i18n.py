"""Chinese and English: the locale of each request (the user's choice, else the browser's) and the switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, session, url_for

bp = Blueprint("i18n", __name__)

# Flask-Admin ships its Chinese catalog as zh_Hans_CN; ours lives under the same name.
LOCALES = {"en": "English", "zh_Hans_CN": "中文"}
_BROWSER = {"en": "en", "zh": "zh_Hans_CN"}


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
