"""A lot's own page: its facts (item, point, agency, batch, mode, expiry, balances) and its ledger, newest first."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_admin.helpers import get_redirect_target

from supplies.errors import NotFound
from supplies.limits import MAX_ID

from .. import labels
from ..auth import acting
from .base import role_in
from .stock import STOCK_WRITERS
from .stock_actions import ACTIONS

#: The latest ledger lines shown on the page; the ledger page has them all.
LEDGER_LINES = 200


def lot_page(view: Any) -> Any:
    """Render the lot ``?id=N`` for the logged-in user; a lot they may not read is "not found" (404)."""
    lot_id = request.args.get("id", type=int)
    if lot_id is None or not 1 <= lot_id <= MAX_ID:
        abort(404)
    inv = acting()
    try:
        lot = inv.stock.lot(lot_id)
    except NotFound:
        abort(404)
    lines = inv.stock.ledger(lot_id=lot_id, newest_first=True, limit=LEDGER_LINES + 1)
    return view.render(
        "supplies/lot_detail.html",
        lot=lot,
        lines=lines[:LEDGER_LINES],
        more=len(lines) > LEDGER_LINES,
        actions=[a for a in ACTIONS if a.name != "receive"],
        may_change=role_in(*STOCK_WRITERS),
        modes=labels.RESERVE_MODES,
        levels=labels.LEVELS,
        kinds=labels.MOVEMENT_KINDS,
        return_url=get_redirect_target() or view.get_url(".index_view"),
    )
