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
        out[(r.point, r.batch)] = out.get((r.point, r.batch), 0) + r.quantity
    return out


# Item -> class for the property tests: CB is a sub-class of CA, held by another agency.
ITEMS = {"A1": "CA", "A2": "CA", "B1": "CB"}


def two_agency_catalog(databases) -> supplies.Inventory:  # type: ignore[no-untyped-def]
    """A fresh inventory with agencies G1/G2, classes CA (G1) > CB (G2) and the ITEMS."""
    inv = databases.fresh_inventory()
    inv.agencies.add("G1", "agency one")
    inv.agencies.add("G2", "agency two")
    inv.classes.add("CA", "class a", agency="G1")
    inv.classes.add("CB", "class b", agency="G2", parent="CA")
    for code, cls in ITEMS.items():
        inv.items.add(code, code, supply_class=cls, unit="pc")
    return inv
