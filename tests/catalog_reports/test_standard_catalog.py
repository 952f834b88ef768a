"""Loading the national standard catalog shipped with the package."""

from __future__ import annotations

import pytest

import supplies
from supplies.data import READINESS_NORMS, SUPPLY_CATALOG, read_csv

from .conftest import snapshot


def test_the_file_becomes_classes_and_items_with_its_own_codes(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    rows = read_csv(SUPPLY_CATALOG)
    result = inv.catalog.load_standard("CIV")
    assert result.classes_added == sum(1 for r in rows if not r["unit_zh"])
    assert result.items_added == sum(1 for r in rows if r["unit_zh"])
    tent = inv.items.get("PLAN14:3.01")
    assert (tent.name, tent.unit, tent.name_en) == ("单帐篷(12平方米)", "顶", "Single-layer tent (12 m2)")
    assert inv.classes.get("PLAN14:3").id == tent.class_id
    assert inv.classes.get("PLAN14:1.2").parent_id == inv.classes.get("PLAN14:1").id
    nodes = inv.classes.tree()
    assert {n.code for n in nodes} == {r["code"] for r in rows if not r["unit_zh"]}
    assert {n.agency for n in nodes} == {"CIV"}


def test_loading_twice_changes_nothing(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    inv.catalog.load_standard("CIV")
    before = snapshot(inv)
    again = inv.catalog.load_standard("CIV")
    assert (again.classes_added, again.items_added, again.norms_added) == (0, 0, 0)
    assert again.already_present == len(read_csv(SUPPLY_CATALOG))
    assert snapshot(inv) == before


def test_a_reload_keeps_handovers_and_renames(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    inv.agencies.add("WAT", "水利局")
    inv.catalog.load_standard("CIV")
    inv.classes.handover("PLAN14:1.2", to_agency="WAT")
    inv.classes.update("PLAN14:3", name="生活类物资")
    inv.catalog.load_standard("CIV")
    assert inv.classes.get("PLAN14:1.2").agency_id == inv.agencies.get("WAT").id
    assert inv.classes.get("PLAN14:3").name == "生活类物资"


def test_an_unknown_agency_is_refused_and_nothing_is_loaded(inv: supplies.Inventory) -> None:
    with pytest.raises(supplies.NotFound) as err:
        inv.catalog.load_standard("NOPE")
    assert err.value.field == "agency"
    assert inv.classes.list() == []


def test_the_readiness_norms_come_with_their_sources(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    inv.catalog.load_standard("CIV")
    shipped = read_csv(READINESS_NORMS)
    norms = inv.readiness.norms()
    assert len(norms) == len(shipped)
    assert all(n.source for n in norms)
    assert {(n.need, n.item, n.status) for n in norms} == {
        (r["need"], r["met_by"] or None, r["status"]) for r in shipped
    }
    assert "Sphere" in inv.catalog.sources()
