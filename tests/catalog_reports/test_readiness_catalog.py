"""Readiness suggests only items of the catalog at hand, and the demo county's water counts toward drinking water."""

from __future__ import annotations

import supplies
from supplies import demo


def _need(report, name):  # type: ignore[no-untyped-def]
    return next(n for n in report.needs if n.need == name)


def test_only_items_in_the_catalog_are_suggested(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "QUILT", 10, batch="Q")
    county.readiness.load_default_norms()
    county.readiness.link("bedding", "QUILT", amount_per_unit=1)
    report = county.readiness.check(26.58, 106.71, population=100)
    bedding = _need(report, "bedding")
    assert bedding.short == 90 and bedding.to_close == {"QUILT": 90}  # not the standard PLAN14:3.05 / 3.08
    shelter = _need(report, "shelter")
    assert shelter.short == 350 and shelter.to_close == {}  # its standard tents are not in this catalog
    assert "catalog" in (shelter.note or "")


def test_the_demo_links_its_bottled_water_to_drinking_water(inv: supplies.Inventory) -> None:
    result = demo.load(inv)
    assert result.loaded
    report = inv.readiness.check(25.94, 106.56, population=3000)  # 羡塘镇
    water = _need(report, "water")
    assert "LOCAL:FOOD.01" in water.items and water.reachable > 0
    assert {s.item for s in water.sources} == {"LOCAL:FOOD.01"}
    catalog = {i.code for i in inv.items.list()}
    for need in report.needs:
        assert set(need.to_close) <= catalog, need.need
    assert demo.load(inv).loaded is False  # loading again adds nothing
