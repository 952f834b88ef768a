"""Equipment through the API: units, one unit with its history, readiness by class, as the library answers."""

from __future__ import annotations

import pytest

import supplies

from .conftest import ApiAs


@pytest.fixture
def pumps(town: supplies.Inventory) -> supplies.Inventory:
    town.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)
    town.units.receive("CK-01", "PUMP", ["P-1", "P-2"], model="QW100", year=2024)
    town.units.receive("TS-01", "PUMP", ["P-3"], model="QW50")
    town.maintenance.plan("PUMP", every_days=90, tasks=["run the engine 30 minutes"], grace_days=7)
    town.maintenance.record("P-1", result="defect", note="oil leak")
    return town


def test_units_and_their_history_as_the_library_gives_them(api_as: ApiAs, pumps: supplies.Inventory) -> None:
    client = api_as("admin")
    units = client.all("/api/v1/units?limit=2")
    assert [(u["serial"], u["status"], u["point"]) for u in units] == [
        (u.serial, u.status, u.point) for u in pumps.units.list()
    ]
    assert {u["serial"] for u in units} == {"P-1", "P-2", "P-3"}
    broken = client.all("/api/v1/units?status=needs_maintenance")
    assert [u["serial"] for u in broken] == ["P-1"]
    at_ts01 = client.all("/api/v1/units?point=TS-01")
    assert [u["serial"] for u in at_ts01] == ["P-3"]
    one = client.get("/api/v1/units/P-1").get_json()
    assert one["unit"]["asset_no"] == pumps.units.show("P-1").unit.asset_no
    assert one["tasks"] == ["run the engine 30 minutes"] and one["every_days"] == 90
    assert [e["kind"] for e in one["history"]] == [e.kind for e in pumps.units.show("P-1").history]
    ready = client.get("/api/v1/equipment/readiness").get_json()
    assert {(c["code"], c["serviceable"], c["total"]) for c in ready["classes"]} == {("FLOOD", 2, 3)}


def test_unknown_units_and_bad_filters_are_problems(api_as: ApiAs, pumps: supplies.Inventory) -> None:
    client = api_as("admin")
    missing = client.get("/api/v1/units/NO-SUCH")
    assert missing.status_code == 404 and missing.get_json(force=True)["field"]
    bad = client.get("/api/v1/units?status=broken")
    assert bad.status_code == 422 and bad.get_json(force=True)["field"] == "status"


def test_a_keeper_reads_the_units_of_their_points_only(api_as: ApiAs, pumps: supplies.Inventory) -> None:
    keeper = pumps.as_user("keeper")
    mine = {u.serial for u in keeper.units.list()}
    assert {u["serial"] for u in api_as("keeper").all("/api/v1/units")} == mine
    assert mine != {"P-1", "P-2", "P-3"}  # the keeper does not hold every point
