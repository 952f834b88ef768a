"""The equipment pages: units list, a unit's page and its service form, the due list, the label's QR code, the dashboard."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

import supplies


def _pumps(town: supplies.Inventory) -> str:
    town.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)
    got = town.units.receive("CK-01", "PUMP", ["P-1", "P-2"])
    town.maintenance.plan("PUMP", every_days=30, tasks=["试运行30分钟"], grace_days=5)
    town.maintenance.record("P-1", result="defect", note="漏油")
    return got.units[0].asset_no


def test_a_service_recorded_on_the_unit_page_makes_it_serviceable(
    town: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    asset = _pumps(town)
    keeper = client_as("keeper")
    page = keeper.get(f"/stock/equipment/unit/{asset}").get_data(as_text=True)
    assert "P-1" in page and 'id="service-ok"' in page
    done = keeper.post(f"/stock/equipment/unit/{asset}", data={"result": "ok", "note": "换密封圈"})
    assert done.status_code == 302
    assert town.units.show("P-1").unit.status == "serviceable"
    home = client_as("admin").get("/").get_data(as_text=True)
    assert 'id="equipment-readiness"' in home and "2 / 2" in home


def test_units_due_list_and_label(town: supplies.Inventory, client_as: Callable[[str], FlaskClient]) -> None:
    asset = _pumps(town)
    admin = client_as("admin")
    units = admin.get("/stock/equipment/").get_data(as_text=True)
    assert "P-1" in units and "P-2" in units
    assert admin.get("/stock/equipment/due").status_code == 200
    label = admin.get(f"/stock/equipment/label/{asset}").get_data(as_text=True)
    assert "<svg" in label and asset in label
    assert admin.get("/stock/equipment/unit/NO-SUCH").status_code == 404


def test_a_defect_without_a_note_is_refused_with_the_form_kept(
    town: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    asset = _pumps(town)
    page = client_as("keeper").post(f"/stock/equipment/unit/{asset}", data={"result": "defect", "note": ""})
    assert page.status_code == 200
    assert town.units.show("P-2").unit.status == "serviceable"
