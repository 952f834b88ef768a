"""Equipment tracked by unit: received by serial number, counted by lots, serviced, overdue, dispatched."""

from __future__ import annotations

from datetime import timedelta

import pytest

import supplies
from supplies.config import local_today
from supplies.errors import InvalidInput, RuleViolation, SuppliesError


def _lots(inv: supplies.Inventory) -> dict[tuple[str, str], tuple[int, int]]:
    return {(x.point, x.batch): (x.on_hand, x.reserved) for x in inv.stock.lots(item="PUMP", with_stock_only=False)}


def test_received_units_are_counted_by_a_lot_and_verify(pumps: supplies.Inventory) -> None:
    units = pumps.units.list(point="CK-01")
    assert [(u.serial, u.status, u.agency) for u in units] == [(s, "serviceable", "WAT") for s in ("P-1", "P-2", "P-3")]
    assert all(u.asset_no.startswith("ZB") for u in units)
    assert _lots(pumps) == {("CK-01", "UNITS"): (3, 0)}
    assert pumps.stock.verify().ok


def test_a_serial_is_unique_per_item_and_ambiguous_across_items(pumps: supplies.Inventory) -> None:
    with pytest.raises(InvalidInput, match="P-1"):
        pumps.units.receive("CK-01", "PUMP", ["P-1"])
    pumps.items.add("GEN", "发电机", supply_class="FLOOD", unit="台", tracked=True)
    pumps.units.receive("TS-01", "GEN", ["P-1"])
    with pytest.raises(InvalidInput, match="ambiguous"):
        pumps.units.show("P-1")
    assert pumps.units.show("P-1", item="GEN").unit.point == "TS-01"


def test_stock_of_a_tracked_item_changes_only_unit_by_unit(pumps: supplies.Inventory) -> None:
    with pytest.raises(RuleViolation, match="tracked by unit"):
        pumps.stock.receive("CK-01", "PUMP", 2)
    with pytest.raises(RuleViolation, match="tracked by unit"):
        pumps.stock.issue("CK-01", "PUMP", 1)


def test_a_defect_takes_a_unit_out_of_the_count_and_ok_brings_it_back(pumps: supplies.Inventory) -> None:
    done = pumps.maintenance.record("P-2", result="defect", note="oil leak")
    assert (done.status_before, done.status_after) == ("serviceable", "needs_maintenance")
    assert _lots(pumps) == {("CK-01", "UNITS"): (2, 0), ("CK-01", "UNITS-REPAIR"): (1, 0)}
    assert pumps.stock.verify().ok
    ok = pumps.maintenance.record("P-2", result="ok", note="seal replaced")
    assert ok.status_after == "serviceable" and ok.next_due == local_today() + timedelta(days=30)
    assert _lots(pumps)[("CK-01", "UNITS")] == (3, 0)
    history = pumps.units.show("P-2").history
    assert [(e.kind, e.result) for e in history[:2]] == [("service", "ok"), ("service", "defect")]
    assert pumps.stock.verify().ok


def test_overdue_past_grace_needs_maintenance_deterministically(pumps: supplies.Inventory) -> None:
    today = local_today()
    pumps.units.receive("TS-01", "PUMP", ["Q-1"], last_serviced=today - timedelta(days=36))  # 6 days over
    pumps.units.receive("TS-01", "PUMP", ["Q-2"], last_serviced=today - timedelta(days=34))  # within grace
    due = pumps.maintenance.due(point="TS-01", today=today)
    assert [(d.serial, d.status, d.overdue, d.days_left) for d in due] == [
        ("Q-1", "needs_maintenance", True, -6),
        ("Q-2", "serviceable", True, -4),
    ]
    assert pumps.maintenance.refresh_overdue(today=today) == []  # idempotent
    assert _lots(pumps)[("TS-01", "UNITS")] == (1, 0)
    assert _lots(pumps)[("TS-01", "UNITS-REPAIR")] == (1, 0)
    # 40 days on, every unit at CK-01 (received today, never serviced) is past its grace too.
    assert len(pumps.maintenance.refresh_overdue(today=today + timedelta(days=36))) == 4
    assert pumps.stock.verify().ok


def test_verify_finds_units_and_lots_that_disagree(pumps: supplies.Inventory) -> None:
    from sqlalchemy import text

    with pumps.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM unit_event WHERE unit_id = (SELECT id FROM equipment_unit WHERE serial = 'P-3')")
        )
        conn.execute(text("DELETE FROM equipment_unit WHERE serial = 'P-3'"))
    report = pumps.stock.verify()
    assert not report.ok
    assert any("units of equipment" in str(d["problem"]) for d in report.differences)


def test_files_carry_the_tracked_flag_and_never_receive_equipment_by_number(
    pumps: supplies.Inventory,
) -> None:
    heads, rows = pumps.exports.rows("items")
    assert dict(zip(heads, rows[[r[0] for r in rows].index("PUMP")]))["tracked"] is True
    with pytest.raises(SuppliesError, match="tracked by unit"):
        pumps.imports.rows("stock", [{"point": "CK-01", "item": "PUMP", "qty": 2}])
    assert _lots(pumps) == {("CK-01", "UNITS"): (3, 0)}


def test_readiness_by_class_counts_serviceable_units(pumps: supplies.Inventory) -> None:
    pumps.maintenance.record("P-1", result="defect", note="does not start")
    ready = pumps.units.readiness()
    assert [(c.code, c.serviceable, c.total) for c in ready.classes] == [("FLOOD", 2, 3)]
    assert ready.overdue == 0
    assert pumps.units.readiness(today=local_today() + timedelta(days=31)).overdue == 3
    keeper = pumps.as_user("keeper")
    assert [(c.serviceable, c.total) for c in keeper.units.readiness().classes] == [(2, 3)]  # keeper of CK-01
