"""A blueprint of the API: flask-smorest's, behind the bearer token, answering the core's errors with problem documents."""

from __future__ import annotations

from flask_smorest import Blueprint

from supplies.errors import SuppliesError

from . import auth
from .problems import from_core


def api_blueprint(name: str, description: str) -> Blueprint:
    """A blueprint named ``name`` (the document's tag) whose core errors become 403/404/409/422 problems."""
    blp = Blueprint(f"api_{name}", __name__, description=description)
    blp.register_error_handler(SuppliesError, from_core)
    blp.before_request(auth.authenticate)
    blp.after_request(auth.revalidate)
    blp.after_request(auth.log_request)
    return blp
