"""API resources of dispatch: incidents and dispatch requests (create, submit, show; approve and allocate)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from supplies.services.dispatch.schemas import AllocateIn, RequestIn

from . import schemas as s
from .auth import acting
from .blueprints import api_blueprint

blp = api_blueprint("dispatch", "Incidents and dispatch requests (调拨申请), as the token user may see and act.")


@blp.route("/incidents")
class Incidents(MethodView):
    @blp.etag
    @blp.arguments(s.IncidentArgs, location="query")
    @blp.response(200, s.page_of(s.IncidentOut, "IncidentPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Incidents of the token user's jurisdiction and below, newest first."""
        return s.sliced(acting().incidents.list(status=args.get("status")), args)


@blp.route("/incidents/<int:id>")
class Incident(MethodView):
    @blp.response(200, s.IncidentOut)
    def get(self, id: int) -> Any:
        """One incident."""
        return acting().incidents.get(id)


@blp.route("/requests")
class Requests(MethodView):
    @blp.etag
    @blp.arguments(s.RequestArgs, location="query")
    @blp.response(200, s.page_of(s.RequestOut, "RequestPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Dispatch requests the token user may see, newest first."""
        rows = acting().requests.list(status=args.get("status"), incident_id=args.get("incident_id"))
        return s.sliced(rows, args)

    @blp.arguments(RequestIn)
    @blp.response(201, s.RequestDetailOut)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a draft request: lines of item or class codes with quantities, and a destination point or
        coordinates (the core's rules and the dispatcher's role apply)."""
        inv = acting()
        incident_id = body.pop("incident_id")
        created = inv.requests.create(incident_id, **body)
        return inv.requests.show(created.id)


@blp.route("/requests/<int:id>")
class Request(MethodView):
    @blp.response(200, s.RequestDetailOut)
    def get(self, id: int) -> Any:
        """A request with its lines, allocations, history and shortfalls."""
        return acting().requests.show(id)


@blp.route("/requests/<int:id>/submit")
class Submit(MethodView):
    @blp.response(200, s.RequestDetailOut)
    def post(self, id: int) -> Any:
        """Send a draft for approval."""
        inv = acting()
        inv.requests.submit(id)
        return inv.requests.show(id)


@blp.route("/requests/<int:id>/approve")
class Approve(MethodView):
    @blp.response(200, s.RequestDetailOut)
    def post(self, id: int) -> Any:
        """Approve a submitted request (dispatchers and admins of its jurisdiction)."""
        inv = acting()
        inv.requests.approve(id)
        return inv.requests.show(id)


@blp.route("/requests/<int:id>/allocate")
class Allocate(MethodView):
    @blp.arguments(AllocateIn)
    @blp.response(200, s.PlanOut)
    def post(self, body: dict[str, Any], id: int) -> Any:
        """Reserve stock for an approved request; ``dry_run`` computes the plan and writes nothing."""
        return acting().requests.allocate(id, strategy=body["strategy"], dry_run=body["dry_run"])
