"""Shared helpers of the dispatch tests."""

from __future__ import annotations

import supplies

# The county fixture's points: CK-01 (26.58, 106.71), TS-01 (26.60, 106.80), TS-02 (26.40, 106.60).
NEAR_TS01 = dict(dest_lat=26.61, dest_lon=106.81)


def reserved_total(inv: supplies.Inventory) -> int:
    """Units reserved over every lot, as the kept balances say."""
    return sum(lot.reserved for lot in inv.stock.lots(with_stock_only=False))


def taken(plan) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """{(point, lot): quantity} of a plan's rows."""
    out: dict[tuple[str, str], int] = {}
    for r in plan.rows:
        out[(r.point, r.lot)] = out.get((r.point, r.lot), 0) + r.quantity
    return out
