"""Stock summaries: every grouping adds up exactly what the lots hold, in the order of the group values."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

import supplies

BY = [
    ("class",),
    ("item",),
    ("point",),
    ("region",),
    ("level",),
    ("agency",),
    ("mode",),
    ("class", "level", "region"),
    ("region", "class", "level"),
    ("item", "point"),
    ("agency", "mode", "class"),
    ("level", "level"),
]
LOT_FIELD = {
    "class": "supply_class",
    "item": "item",
    "point": "point",
    "region": "region_code",
    "level": "level",
    "agency": "agency",
    "mode": "mode",
}


@pytest.fixture
def stocked(county: supplies.Inventory) -> supplies.Inventory:
    """The county plus two villages in one region, a point with no region, and lots in every mode."""
    county.points.add("VL-01", "村一", level="village", lat=26.61, lon=106.82, region_code="520102001201")
    county.points.add("VL-02", "村二", level="village", lat=26.62, lon=106.83, region_code="520102001201")
    county.points.add("NR-01", "无区划点", level="township", lat=26.5, lon=106.7)
    for point, item, qty, mode in (
        ("CK-01", "TENT12", 10, "physical"),
        ("CK-01", "TENT12", 5, "agreement"),
        ("TS-01", "QUILT", 7, "physical"),
        ("TS-02", "SANDBAG", 300, "capacity"),
        ("VL-01", "QUILT", 3, "physical"),
        ("VL-02", "QUILT", 4, "physical"),
        ("VL-02", "TENT12", 2, "physical"),
        ("NR-01", "SANDBAG", 50, "physical"),
        ("NR-01", "QUILT", 1, "physical"),
    ):
        county.stock.receive(
            point, item, qty, batch=f"{point}-{item}-{mode}", mode=mode, lead_time_hours=6 if mode != "physical" else 0
        )
    county.stock.issue("NR-01", "QUILT", 1)  # a lot with nothing left still counts as a lot
    county.stock.receive("TS-01", "TENT12", 8, batch="EXP", expires_on=date(2031, 1, 1))
    county.users.add("disp", role="dispatcher", web_login=False)
    rid = county.as_user("disp").incidents.add("flood", type="flood", level="IV", lat=26.6, lon=106.8).id
    req = county.as_user("disp").requests.create(rid, lines={"QUILT": 5}, dest_point="TS-01")
    county.as_user("disp").requests.submit(req.id)
    county.as_user("disp").requests.approve(req.id)
    county.as_user("disp").requests.allocate(req.id)  # some stock reserved
    return county


def expected(inv: supplies.Inventory, by: tuple[str, ...], **filters: str) -> list[tuple]:  # type: ignore[type-arg]
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])  # type: ignore[type-arg]
    for lot in inv.stock.lots(with_stock_only=False, **filters):
        t = totals[tuple(getattr(lot, LOT_FIELD[g]) for g in by)]
        t[0] += 1
        t[1] += lot.on_hand
        t[2] += lot.reserved
    # Code-point order, a missing value (a point without region) first.
    order = sorted(totals, key=lambda key: [(v is not None, v or "") for v in key])
    return [(dict(zip(by, key)), *totals[key]) for key in order]


@pytest.mark.parametrize("by", BY, ids=",".join)
def test_summary_adds_up_the_lots_of_every_group(stocked: supplies.Inventory, by: tuple[str, ...]) -> None:
    rows = stocked.stock.summary(by=by)
    assert [(r.key, r.lots, r.on_hand, r.reserved) for r in rows] == expected(stocked, by)
    assert all(r.free == r.on_hand - r.reserved for r in rows)


def test_points_of_one_region_and_level_make_one_group(stocked: supplies.Inventory) -> None:
    rows = stocked.stock.summary(by=("class", "level", "region"))
    villages = [(r.key, r.lots, r.on_hand) for r in rows if r.key["level"] == "village"]
    assert villages == [({"class": "LIVING", "level": "village", "region": "520102001201"}, 3, 9)]
    # A point without a region comes first among its class and level, on every database.
    assert [r.key for r in rows[:2]] == [
        {"class": "FLOOD", "level": "township", "region": None},
        {"class": "FLOOD", "level": "township", "region": "520102002"},
    ]


def test_summary_filters_and_scopes_like_the_lot_list(stocked: supplies.Inventory) -> None:
    by = ("class", "level", "region")
    for filters in (
        {"region_code": "520102001"},
        {"level": "township"},
        {"point": "NR-01"},
        {"item": "QUILT"},
        {"supply_class": "LIVING"},
        {"agency": "WAT"},
        {"region_code": "520102001", "level": "village"},
    ):
        got = stocked.stock.summary(by=by, **filters)
        assert [(r.key, r.lots, r.on_hand, r.reserved) for r in got] == expected(stocked, by, **filters), filters
    keeper = stocked.as_user("keeper")  # warehouse staff of CK-01 see CK-01 only
    assert [(r.key, r.lots, r.on_hand) for r in keeper.stock.summary(by=("point", "mode"))] == [
        ({"point": "CK-01", "mode": "agreement"}, 1, 5),
        ({"point": "CK-01", "mode": "physical"}, 1, 10),
    ]
    assert stocked.stock.summary(by=("class",), item="SANDBAG", level="village") == []
