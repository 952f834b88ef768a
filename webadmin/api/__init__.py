"""The HTTP API under /api/v1 (flask-smorest): bearer tokens, problem documents, the OpenAPI document and its page.

The document is generated from the marshmallow schemas (the core's input schemas, the API's output
ones) and served at /api/v1/openapi.json; Swagger UI at /api/v1/docs uses the copy shipped in the
``swagger-ui-bundle`` package, so the page works without internet.
"""

from __future__ import annotations

import os
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from flask_wtf.csrf import CSRFProtect

from . import channels, dispatch, equipment, places, readiness, stock
from .problems import PROBLEM_TYPE, ProblemSchema
from .rate import RateLimit

PREFIX = "/api/v1"
DOCS = f"{PREFIX}/docs"
BLUEPRINTS = (places.blp, stock.blp, dispatch.blp, channels.blp, equipment.blp, readiness.blp)


def is_api_request() -> bool:
    """Whether the request is for the API (answered with JSON and problems, never pages or log-in redirects)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


class SuppliesApi(Api):  # type: ignore[misc]  # flask-smorest ships no type hints
    """flask-smorest's Api whose errors are problem documents, answered by the app's own error handler."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        # The app's handler (webadmin.errors) answers API paths with problems and pages with pages;
        # flask-smorest's own would answer every page of the web admin with JSON.
        pass

    def _register_responses(self) -> None:
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "A problem document (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def settings() -> dict[str, Any]:
    """The API's configuration (``create_app`` keyword arguments override it)."""
    import swagger_ui_bundle  # type: ignore[import-untyped]  # ships no type hints

    rate = os.environ.get("SUPPLIES_API_RATE", "")
    return {
        "API_TITLE": "Emergency supplies",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": f"{DOCS}/static/",
        "SWAGGER_UI_DIR": swagger_ui_bundle.swagger_ui_path,
        "API_SPEC_OPTIONS": {
            "servers": [{"url": "/"}],
            "security": [{"bearer": []}],
            "components": {
                "securitySchemes": {
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API token: supplies token create",
                    }
                }
            },
        },
        # Requests a minute per token (SUPPLIES_API_RATE; 0: no limit).
        "API_RATE_PER_MINUTE": int(rate) if rate.strip().isdigit() else 600,
    }


def register(app: Flask, csrf: CSRFProtect) -> Api:
    """Serve the API on ``app`` beside the web admin."""
    for key, value in settings().items():
        app.config.setdefault(key, value)
    app.extensions["supplies_api_rate"] = RateLimit(app.config["API_RATE_PER_MINUTE"])
    api = SuppliesApi(app)
    for blp in BLUEPRINTS:
        csrf.exempt(blp)  # no cookies, so no cross-site request to forge: the token is the credential
        api.register_blueprint(blp, url_prefix=PREFIX)
    static = Blueprint(
        "api_docs_static",
        __name__,
        static_folder=app.config["SWAGGER_UI_DIR"],
        static_url_path="/static",
        url_prefix=DOCS,
    )
    app.register_blueprint(static)
    return api
