"""Errors of the HTTP API as RFC 9457 problem documents (application/problem+json) with the core's field and reason."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json, request
from flask_babel import gettext as _
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from supplies.errors import (
    ConcurrencyConflict,
    DatabaseNotReady,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    SuppliesError,
)
from supplies.i18n import translate

from ..errors import logged_reference

PROBLEM_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    """What every error of the API answers (RFC 9457), plus the core's field, reason and code."""

    type = fields.String(required=True, metadata={"description": "A URI naming the kind of problem."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    field = fields.String(allow_none=True, metadata={"description": "The input at fault, if one is."})
    reason = fields.String(metadata={"description": "What is wrong with it, in words a user can act on."})
    code = fields.String(metadata={"description": "A stable name of what went wrong, for scripts."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Every field at fault with its reasons."},
    )
    reference = fields.String(metadata={"description": "Ties a server error to the server's log."})


def problem(status: int, detail: str | None = None, *, kind: str = "about:blank", **extra: Any) -> Response:
    """A problem document answering with ``status``."""
    body: dict[str, Any] = {"type": kind, "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="supplies"'
    return response


def status_of(error: SuppliesError) -> int:
    """The HTTP status of a core error: refused 403, not found 404, bad input 422, a rule's conflict 409."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, NotFound):
        # A code in the path (or read with GET) names a resource; one sent in a body is bad input.
        if request.method == "GET" or error.field in (request.view_args or {}):
            return 404
        return 422
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, (RuleViolation, ConcurrencyConflict)):
        return 409
    if isinstance(error, DatabaseNotReady):
        return 503
    return 400


def from_core(error: SuppliesError) -> Response:
    """A core error as a problem: its translated reason, field, code and every field's reasons."""
    reason = translate(error.reason)
    errors = error.localized_errors() if isinstance(error, InvalidInput) else None
    return problem(
        status_of(error),
        error.localized(),
        kind=f"urn:supplies:problem:{type(error).__name__}",
        field=error.field,
        reason=reason,
        code=error.code,
        errors=errors,
    )


def from_http(exc: HTTPException) -> Response | HTTPException:
    """An HTTP error raised inside the API (routing, webargs' 422, 405 ...) as a problem."""
    code = exc.code or 500
    if code < 400:  # 304 Not Modified and redirects pass through
        return exc
    if code >= 500:
        return problem(
            code,
            _("The server could not finish this request; nothing was half-saved."),
            reference=logged_reference(exc, code),
        )
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if messages:  # webargs: {"query": {"limit": ["..."]}, "json": {...}}
        errors = _flatten(messages)
        field, reasons = next(iter(errors.items()))
        response = problem(
            code, f"{field}: {reasons[0]}", kind="urn:supplies:problem:InvalidInput", field=field, reason=reasons[0]
        )
        body = json.loads(response.get_data())
        body["errors"] = errors
        response.set_data(json.dumps(body, ensure_ascii=False))
    else:
        response = problem(code, exc.description if exc.description != type(exc).description else None)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if exc.response is not None:
        for name in ("Allow", "Retry-After"):
            if name in exc.response.headers:
                response.headers[name] = exc.response.headers[name]
    elif isinstance(exc, HTTPException) and code == 405:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _flatten(messages: Any) -> dict[str, list[str]]:
    """webargs' nested messages per location as one ``field -> reasons`` map."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list):
            for sub in value:
                if isinstance(sub, (dict, list)):
                    walk(prefix, sub)
                else:
                    flat.setdefault(prefix or "_", []).append(translate(sub) if isinstance(sub, str) else str(sub))
        else:
            flat.setdefault(prefix or "_", []).append(translate(value) if isinstance(value, str) else str(value))

    # The location (query, json) is not part of the field's name.
    if isinstance(messages, dict) and set(messages) <= {"query", "json", "form", "headers", "files", "view_args"}:
        for sub in messages.values():
            walk("", sub)
    else:
        walk("", messages)
    return flat or {"_": ["invalid input"]}
