"""API resource of readiness: can a place's people get what they need within N hours (the 12-hour rule)?"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from . import schemas as s
from .auth import acting
from .blueprints import api_blueprint

blp = api_blueprint("readiness", "Readiness of a place for a population within a deadline, need by need.")


@blp.route("/readiness")
class Readiness(MethodView):
    @blp.arguments(s.ReadinessArgs, location="query", as_kwargs=True)
    @blp.response(200, s.ReadinessOut)
    def get(self, **args: Any) -> Any:
        """Needs of ``population`` people at (lat, lon) or at storage point ``point``, met within ``hours``."""
        report = acting().readiness.check(**args)
        return {**report.as_dict(), "ready": report.ready, "short_needs": report.short_needs}
