"""API resources of the supply channels, read only: contracts (协议储备), donations (社会捐赠), requisitions (征用)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from . import channel_schemas as c
from . import schemas as s
from .auth import acting
from .blueprints import api_blueprint

blp = api_blueprint(
    "channels",
    "The supply channels beside the stock, read only: agreement-reserve contracts with their call-up orders, "
    "donations received with the public disclosure, requisitions with their returns and compensation.",
)


def _page(args: dict[str, Any]) -> dict[str, Any]:
    return {"cursor": args.pop("cursor", None), "limit": args.pop("limit")}


@blp.route("/contracts")
class Contracts(MethodView):
    @blp.etag
    @blp.arguments(c.ContractArgs, location="query")
    @blp.response(200, s.page_of(c.ContractOut, "ContractPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Contracts in force or ended (their current versions) of the token user's jurisdiction, by end of
        validity; ``expiring_days``: those ending within that many days."""
        page = _page(args)
        return s.sliced(acting().contracts.list(expiring_days=args.get("expiring_days")), page)


@blp.route("/contracts/<code>")
class Contract(MethodView):
    @blp.response(200, c.ContractDetailOut)
    def get(self, code: str) -> Any:
        """A contract as it stands with its lines, its earlier versions and its call-up orders (调用单)."""
        return acting().contracts.show(code)


@blp.route("/donations")
class Donations(MethodView):
    @blp.etag
    @blp.arguments(c.DonationArgs, location="query")
    @blp.response(200, s.page_of(c.DonationOut, "DonationPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Receipts of donated goods at the points the token user reads, oldest first: one donor's, those
        restricted to an incident, those received from ``since`` to ``until`` (days, both included)."""
        page = _page(args)
        return s.sliced(acting().donations.list(**args), page)


@blp.route("/donations/<int:id>")
class Donation(MethodView):
    @blp.response(200, c.DonationOut)
    def get(self, id: int) -> Any:
        """One receipt."""
        return acting().donations.get(id)


@blp.route("/donations/disclosure")
class Disclosure(MethodView):
    @blp.etag
    @blp.arguments(c.DisclosureArgs, location="query")
    @blp.response(200, c.DisclosureRowOut(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """The public disclosure (捐赠公示): per donor (anonymous ones as 匿名) and item, received, allocated,
        distributed and remaining, for an incident and a period. It names no contact."""
        return acting().donations.disclosure(**args).rows


@blp.route("/requisitions")
class Requisitions(MethodView):
    @blp.etag
    @blp.arguments(c.RequisitionArgs, location="query")
    @blp.response(200, s.page_of(c.RequisitionOut, "RequisitionPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Requisitions the token user reads, newest first; ``open_only``: those still holding goods."""
        page = _page(args)
        return s.sliced(acting().requisitions.list(open_only=args["open_only"]), page)


@blp.route("/requisitions/<int:id>")
class Requisition(MethodView):
    @blp.response(200, c.RequisitionDetailOut)
    def get(self, id: int) -> Any:
        """A requisition with its lines, its returns (归还) and its compensation (补偿) once assessed."""
        return acting().requisitions.show(id)
