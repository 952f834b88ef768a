"""API resources of stock: lots (filters, paging by cursor), the ledger since a cursor, totals, targets and gaps."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from . import schemas as s
from .auth import acting
from .blueprints import api_blueprint

blp = api_blueprint("stock", "Stock lots with their balances, the ledger (台账), totals, reserve targets and gaps.")


@blp.route("/lots")
class Lots(MethodView):
    @blp.etag
    @blp.arguments(s.LotArgs, location="query", as_kwargs=True)
    @blp.response(200, s.page_of(s.LotOut, "LotPage"))
    def get(self, cursor: int | None = None, limit: int = s.DEFAULT_PAGE, **filters: Any) -> Any:
        """Lots the token user may read, in id order, one page after ``cursor``; filters as the library's."""
        rows = acting().stock.lots_after(cursor, limit=limit, **filters)
        return s.paged(rows, rows[-1].lot_id if len(rows) == limit else None)


@blp.route("/ledger")
class Ledger(MethodView):
    @blp.etag
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, s.page_of(s.LedgerOut, "LedgerPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Ledger lines after ``cursor`` (a line id), oldest first: to mirror the ledger, ask again with the
        last page's ``next_cursor`` (or the last id held) until it is null."""
        rows = acting().stock.ledger_after(args.get("cursor"), limit=args["limit"])
        return s.paged(rows, rows[-1].id if len(rows) == args["limit"] else None)


@blp.route("/stock/summary")
class Summary(MethodView):
    @blp.etag
    @blp.arguments(s.SummaryArgs, location="query", as_kwargs=True)
    @blp.response(200, s.SummaryOut(many=True))
    def get(self, by: list[str], **filters: Any) -> Any:
        """On-hand, reserved and free totals grouped by class, item, point, region, level, agency or mode."""
        rows = acting().stock.summary(tuple(by), **filters)
        return [{"key": {k: None if v is None else str(v) for k, v in r.key.items()}, **_totals(r)} for r in rows]


@blp.route("/targets")
class Targets(MethodView):
    @blp.etag
    @blp.arguments(s.TargetArgs, location="query")
    @blp.response(200, s.page_of(s.TargetOut, "TargetPage"))
    def get(self, args: dict[str, Any]) -> Any:
        """Reserve targets with what is held and the gap (short) of each."""
        return s.sliced(acting().targets.status(item=args.get("item")), args)


def _totals(row: Any) -> dict[str, int]:
    return {"lots": row.lots, "on_hand": row.on_hand, "reserved": row.reserved, "free": row.free}
