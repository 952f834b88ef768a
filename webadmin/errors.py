"""Error pages (400, 403, 404, 429, 500 ...) in the admin's layout, translated, with a way back and never a traceback."""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, make_response, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Answer every HTTP error, and any exception the views did not handle, with :func:`error_page`."""
    app.register_error_handler(HTTPException, error_page)


def logged_reference(exc: HTTPException, code: int) -> str:
    """A short reference for a server error, logged with the request and the error's kind: it ties the
    user's report to the traceback Flask logged, and tells them nothing of the inside."""
    reference = secrets.token_hex(4)
    cause = getattr(exc, "original_exception", None)
    log.error(
        "error reference %s: %s %s answered %d (%s)",
        reference,
        request.method,
        request.path,
        code,
        type(cause).__name__ if cause is not None else type(exc).__name__,
    )
    return reference


def error_page(exc: HTTPException) -> Any:
    """The page for ``exc``: what happened in words a user can act on, a link back and one to the dashboard."""
    from .api import is_api_request
    from .api.problems import from_http

    if is_api_request():
        return from_http(exc)
    code = exc.code or 500
    if code < 400:  # routing redirects (a missing trailing slash) are HTTPExceptions too
        return exc
    reference = logged_reference(exc, code) if code >= 500 else None
    title, explanation = _words(exc, code)
    context = {"code": code, "title": title, "explanation": explanation, "reference": reference, "back": _back()}
    try:
        html = current_app.extensions["admin"][0].index_view.render("supplies/error.html", **context)
    except Exception:  # the layout itself failed (the database is down ...): a page without the menu
        log.exception("the error page could not draw the layout")
        html = _plain(**context)
    response: Response = make_response(html, code)
    if code == 429 and exc.response is None:
        response.headers.setdefault("Retry-After", "60")
    return response


def _words(exc: HTTPException, code: int) -> tuple[str, str]:
    if isinstance(exc, CSRFError):
        return _("Bad request"), _(
            "The form had expired or was sent from another page. Go back, reload the page and send the form again."
        )
    own = exc.description if exc.description != type(exc).description else None  # a refusal that says why
    if code == 400:
        return _("Bad request"), own or _("The page could not understand what was sent. Go back and try again.")
    if code == 403:
        return _("Not allowed"), own or _(
            "Your role does not allow this page or action. If you need it, ask an administrator."
        )
    if code == 404:
        return _("Page not found"), _(
            "There is no page at this address, or the record is not there or outside what you may see."
        )
    if code == 405:
        return _("Bad request"), _("This page cannot be used that way. Go back and use its buttons.")
    if code == 413:
        return _("Bad request"), _("What was sent is too large.")
    if code == 429:
        return _("Too many requests"), _("Too many requests in a short time: wait a minute and try again.")
    if code >= 500:
        return _("Something went wrong"), _(
            "The server could not finish this request; nothing was half-saved, "
            "since every change is saved whole or not at all. Try again; if it "
            "happens again, give the administrator the reference below."
        )
    return _("Bad request"), own or _("The request could not be answered.")


def _back() -> str | None:
    """The page the user came from, when it is a page of this site other than this one."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if target == request.full_path.rstrip("?") else target


def _plain(*, code: int, title: str, explanation: str, reference: str | None, back: str | None) -> str:
    back_link = escape(back) if back else "javascript:history.back()"
    ref = (
        f'<p>{escape(_("Error reference"))}: <code id="error-reference">{escape(reference)}</code></p>'
        if reference
        else ""
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="UTF-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f'<title>{escape(title)}</title></head><body style="font-family: sans-serif; margin: 2rem">'
        f"<h1>{code} · {escape(title)}</h1><p>{escape(explanation)}</p>{ref}"
        f'<p><a id="error-back" href="{back_link}">{escape(_("Back to the previous page"))}</a> · '
        f'<a id="error-home" href="/">{escape(_("Go to the dashboard"))}</a></p></body></html>'
    )
