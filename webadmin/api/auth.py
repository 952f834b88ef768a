"""Who an API call acts as: the bearer token's user (no cookies), within the rate limit, logged without personal data."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Response, current_app, g, request
from flask_babel import gettext as _

import supplies

from .problems import problem
from .rate import RateLimit

log = logging.getLogger("supplies.api")

# Reachable without a token: the OpenAPI document and its page (they hold no data).
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "api_docs_static.static"}


def acting() -> supplies.Inventory:
    """The inventory acting as the token's user: every call reads and writes through it."""
    inv: supplies.Inventory = g.api_inventory
    return inv


def authenticate() -> Response | None:
    """Before every API request: a valid bearer token, within its rate; else a 401 or 429 problem."""
    g.api_started = time.perf_counter()
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return problem(401, _("Send an API token: Authorization: Bearer TOKEN (supplies token create)."))
    inv: supplies.Inventory = current_app.extensions["supplies"]
    use = inv.tokens.authenticate(token.strip())
    if use is None:
        return problem(401, _("The API token is unknown, revoked or expired, or its user is deactivated."))
    g.api_token_id = use.token_id
    wait = rate_limit().wait(use.token_id)
    if wait:
        response = problem(429, _("Too many requests with this token: try again in %(seconds)d seconds.", seconds=wait))
        response.headers["Retry-After"] = str(wait)
        return response
    g.api_inventory = inv.as_user(use.user)
    return None


def rate_limit() -> RateLimit:
    limit: RateLimit = current_app.extensions["supplies_api_rate"]
    return limit


def log_request(response: Response) -> Response:
    """One line per call: method, path, status, token id and duration; never a query string or a body,
    which may hold names or phone numbers."""
    started = g.get("api_started")
    took = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    log.info(
        "%s %s %d token=%s %.1fms",
        request.method,
        request.path,
        response.status_code,
        g.get("api_token_id", "-"),
        took,
    )
    return response


def revalidate(response: Response) -> Any:
    """Answers hold one user's view: caches keep them private and ask again (ETag) before reuse."""
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response
