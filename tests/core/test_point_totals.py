"""Stock per point and class (the map's points layer) stays equal to the lots through every kind of change."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import supplies
from supplies.errors import SuppliesError


def layer(inv: supplies.Inventory) -> dict[tuple[str, str], int]:
    """(point, class) -> available, as the map's points layer shows it."""
    return {(f["id"], c): q for f in inv.map.points()["features"] for c, q in f["properties"]["stock"].items()}


def summed(inv: supplies.Inventory) -> dict[tuple[str, str], int]:
    """(point, class) -> available, summed from the lots by the stock summary (grouped by item too, so
    that it adds up the lots themselves rather than the kept totals)."""
    out: dict[tuple[str, str], int] = {}
    for r in inv.stock.summary(by=("point", "class", "item")):
        if r.free:
            key = (r.key["point"], r.key["class"])
            out[key] = out.get(key, 0) + r.free
    return out


def folded(inv: supplies.Inventory, by: tuple[str, ...], **filters: str) -> dict[tuple[object, ...], tuple[int, ...]]:
    """The summary ``by``, added up from a summary also grouped by item (which the lots alone answer)."""
    out: dict[tuple[object, ...], tuple[int, ...]] = {}
    for r in inv.stock.summary(by=(*by, "item"), **filters):
        key = tuple(r.key[g] for g in by)
        lots, on_hand, reserved = out.get(key, (0, 0, 0))
        out[key] = (lots + r.lots, on_hand + r.on_hand, reserved + r.reserved)
    return out


def agree(inv: supplies.Inventory) -> dict[tuple[str, str], int]:
    report = inv.stock.verify()
    assert report.ok, report.differences
    shown = layer(inv)
    assert shown == summed(inv)
    return shown


def test_receipts_issues_transfers_imports_and_allocation_keep_the_layer_equal_to_the_lots(
    county: supplies.Inventory,
) -> None:
    county.stock.receive("CK-01", "TENT12", 40, batch="T1")
    county.stock.receive("CK-01", "QUILT", 10)
    county.stock.receive("TS-01", "SANDBAG", 500)
    assert agree(county) == {("CK-01", "LIVING"): 50, ("TS-01", "FLOOD"): 500}
    county.stock.issue("CK-01", "QUILT", 4)
    county.stock.transfer("CK-01", "TS-02", "TENT12", 15, batch="T1")
    county.imports.rows(
        "stock",
        [
            {"point": "TS-02", "item": "SANDBAG", "qty": 300, "batch": "S9"},
            {"point": "CK-01", "item": "QUILT", "qty": 2},
        ],
    )
    assert agree(county) == {
        ("CK-01", "LIVING"): 33,
        ("TS-01", "FLOOD"): 500,
        ("TS-02", "LIVING"): 15,
        ("TS-02", "FLOOD"): 300,
    }
    county.users.add("disp", role="dispatcher", password="dispatcher-pass-1")
    disp = county.as_user("disp")
    incident = disp.incidents.add("河口镇洪水", type="flood", level="IV", lat=26.4, lon=106.6, population=800)
    rid = disp.requests.create(incident.id, lines={"SANDBAG": 450}, dest_point="TS-02").id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)  # reserved units are no longer available
    after = agree(county)
    assert sum(q for (_, c), q in after.items() if c == "FLOOD") == 800 - 450
    disp.requests.cancel(rid, reason="水位回落")
    assert sum(q for (_, c), q in agree(county).items() if c == "FLOOD") == 800


def test_a_refused_import_changes_nothing_in_the_layer(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 40)
    before = agree(county)
    with pytest.raises(SuppliesError):
        county.imports.rows("stock", [{"point": "CK-01", "item": "TENT12", "qty": 5}, {"point": "NOPE", "item": "X"}])
    assert agree(county) == before


def test_a_class_handed_over_shows_under_the_new_agency(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "SANDBAG", 70)
    county.users.add("civ-officer", role="agency_officer", agency="CIV", password="officer-pass-1")
    officer = county.as_user("civ-officer")
    assert layer(officer) == {}
    county.classes.handover("FLOOD", to_agency="CIV", reason="机构改革")
    assert layer(officer) == {("CK-01", "FLOOD"): 70}
    point = next(f for f in county.map.points()["features"] if f["id"] == "CK-01")
    assert point["properties"]["agency"] == "CIV"
    agree(county)


def test_verify_names_a_kept_total_changed_behind_the_lots_and_the_next_change_puts_it_right(
    county: supplies.Inventory,
) -> None:
    county.stock.receive("CK-01", "TENT12", 40)
    with county.engine.begin() as conn:
        conn.execute(text("UPDATE point_class_stock SET on_hand = on_hand + 5"))
    (problem,) = county.stock.verify().differences
    assert problem["lot_id"] == 1
    assert "(45 on hand, 0 reserved in 1 lots) differs from its lots (40 on hand, 0 reserved in 1 lots)" in str(
        problem["problem"]
    )
    county.stock.receive("CK-01", "QUILT", 1)  # any change to the pair recounts it
    assert agree(county) == {("CK-01", "LIVING"): 41}


def test_verify_names_a_total_kept_for_no_lots_and_lots_whose_total_is_missing(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 40)
    county.stock.receive("TS-01", "SANDBAG", 500)
    with county.engine.begin() as conn:  # CK-01's total removed; TS-01's copied to TS-02, which holds no lot
        conn.execute(
            text("DELETE FROM point_class_stock WHERE point_id = (SELECT id FROM storage_point WHERE code = 'CK-01')")
        )
        conn.execute(
            text(
                "INSERT INTO point_class_stock (point_id, class_id, agency_id, lots, on_hand, reserved) "
                "SELECT (SELECT id FROM storage_point WHERE code = 'TS-02'), class_id, agency_id, lots, on_hand, reserved "
                "FROM point_class_stock WHERE point_id = (SELECT id FROM storage_point WHERE code = 'TS-01')"
            )
        )
    kept_alone, lots_alone = county.stock.verify().differences
    assert kept_alone["lot_id"] == 0 and "(500 on hand, 0 reserved in 1 lots) differs from its lots (0 on hand" in str(
        kept_alone["problem"]
    )
    assert lots_alone["lot_id"] == 1 and "differs from its lots (40 on hand, 0 reserved in 1 lots)" in str(
        lots_alone["problem"]
    )


def test_a_lot_changed_behind_the_ledger_is_named_once_not_again_as_its_total(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 10)
    with county.engine.begin() as conn:
        conn.execute(text("UPDATE stock_lot SET on_hand = on_hand + 1 WHERE id = 1"))
    (problem,) = county.stock.verify().differences
    assert problem["problem"] == "on hand is 11 but the ledger says 10"


def test_summaries_by_class_point_region_and_level_equal_the_sums_of_the_lots(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 40, batch="T1")
    county.stock.receive("CK-01", "QUILT", 10)
    county.stock.receive("TS-01", "SANDBAG", 500)
    county.stock.receive("TS-02", "SANDBAG", 20, batch="S2")
    county.stock.issue("TS-02", "SANDBAG", 20, batch="S2")  # an empty lot still counts as a lot
    county.stock.transfer("CK-01", "TS-02", "TENT12", 15, batch="T1")
    for by in (("class", "level", "region"), ("point",), ("class",), ("region", "point")):
        rows = county.stock.summary(by=by)
        assert {tuple(r.key[g] for g in by): (r.lots, r.on_hand, r.reserved) for r in rows} == folded(county, by)
    for filters in ({"point": "TS-02"}, {"supply_class": "FLOOD"}, {"level": "township"}):
        rows = county.stock.summary(by=("class", "point"), **filters)
        shown = {(r.key["class"], r.key["point"]): (r.lots, r.on_hand, r.reserved) for r in rows}
        assert shown == folded(county, ("class", "point"), **filters) and shown
    assert folded(county, ("point",))[("TS-02",)] == (2, 15, 0)


def test_the_summary_by_class_from_the_kept_totals_equals_the_lots_in_each_scope(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 40, batch="T1")
    county.stock.receive("CK-01", "QUILT", 10)
    county.stock.receive("TS-01", "SANDBAG", 500)
    county.stock.receive("TS-02", "QUILT", 7)
    county.stock.issue("CK-01", "QUILT", 4)
    county.users.add("keeper2", role="warehouse", points=["CK-01"], password="keeper2-pass-1")
    for inv in (county, county.as_user("keeper2")):
        by_point: dict[str, list[int]] = {}
        for r in inv.stock.summary(by=("point", "class", "item")):  # by item too: added up from the lots
            totals = by_point.setdefault(r.key["class"], [0, 0, 0])
            for i, v in enumerate((r.lots, r.on_hand, r.reserved)):
                totals[i] += v
        by_class = {r.key["class"]: [r.lots, r.on_hand, r.reserved] for r in inv.stock.summary(by=("class",))}
        assert by_class == by_point and by_class
    assert set(by_class) == {"LIVING"}  # the keeper of CK-01: tents and quilts there only
