"""Backup and restore: the round trip loses nothing, on SQLite and PostgreSQL, and refuses what it must."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import supplies
from supplies.config import local_today

from .conftest import BACKEND, snapshot


@pytest.fixture
def full(busy: supplies.Inventory) -> supplies.Inventory:
    """Every table with rows: a handover, travel times, norms, users with scopes, a received request, a submission,
    a household served, a tent lent and returned, a contract called up, donations received and an API token."""
    inv = busy
    inv.agencies.add("RED", "红十字会", contact="赵敏", phone="0858-1111111")
    inv.classes.add("DONATED", "捐赠物资", agency="CIV", parent="LIVING")
    inv.classes.handover("DONATED", to_agency="RED", reason="捐赠物资由红十字会管理")
    inv.classes.update("FLOOD", parent="LIVING")  # a parent created after its child
    inv.travel_times.set("CK-01", 1.5, to_point="TS-02")
    inv.travel_times.set("CK-01", 2.0, to_region="520102")
    inv.catalog.load_norms()
    inv.readiness.set_need("shelter", amount_per_person=4.5, unit="m2", hazard="earthquake")
    disp = inv.as_user("disp")
    req = disp.requests.list()[0]
    disp.requests.receive(req.id)
    inv.submissions.submit("2026-Q4")  # a frozen ledger submission (报送)
    incident = inv.incidents.list()[0].id  # the last mile: a household, a rule, a distribution
    inv.households.add("H-1", head="张三", members=3, village="新村", phone="13812345678", incident=incident)
    inv.entitlements.set("QUILT", per_person=1, incident=incident)
    inv.stock.receive("CK-01", "QUILT", 5, batch="relief")
    inv.distribution.distribute("CK-01", "H-1", incident=incident)
    inv.items.update("TENT12", reusable=True)  # a tent lent to the household, and returned (回收)
    inv.stock.receive("CK-01", "TENT12", 2, batch="lent")
    inv.distribution.distribute("CK-01", "H-1", {"TENT12": 1}, incident=incident, override="a tent lent")
    inv.returns.record("CK-01", "TENT12", 1, "good", household="H-1", incident=incident)
    # An agreement reserve (协议储备) with a call-up order.
    inv.points.add("AG-01", "协议储备仓库", level="county", lat=26.5, lon=106.7, region_code="520102", kind="agreement")
    today = local_today()
    inv.contracts.add(
        "HT-1", company="商贸公司", point="AG-01", items={"TENT12": 20}, valid_from=today,
        valid_to=today + timedelta(days=30), lead_time_hours=6,
    )  # fmt: skip
    called = disp.requests.create(incident, lines={"TENT12": 5}, dest_lat=26.61, dest_lon=106.81).id
    disp.requests.submit(called)
    disp.requests.approve(called)
    disp.contracts.call_up("HT-1", request=called, items={"TENT12": 5})
    # Donations (社会捐赠): a donor, a pledge, a receipt restricted to the incident, one disposed of.
    inv.donors.add("D-1", "某爱心企业", kind="company", contact="13900000000")
    pledge = inv.donations.pledge("D-1", "QUILT", 50)
    inv.donations.receive("D-1", "CK-01", "QUILT", 20, certificate="JZ-1", incident=incident, pledge=pledge.id)
    inv.donations.receive("D-1", "CK-01", "QUILT", 2, triage="unusable", reason="受潮")
    # A requisition (征用) given back in part, its compensation assessed for the rest.
    zy = disp.requisitions.add(
        owner="李四", owner_id="52010219800101123X", authority="县人民政府", basis="《突发事件应对法》",
        point="CK-01", items=[("QUILT", 4, "80.00", "2.00")],
    ).id  # fmt: skip
    disp.requisitions.record_return(zy, {"QUILT": 3}, "damaged", damage={"QUILT": "10.00"})
    disp.requisitions.record_return(zy, {"QUILT": 1}, "lost")
    disp.requisitions.assess(zy)
    disp.tokens.create(expires_days=30, label="mirror")  # an API token (kept as its digest)
    # Equipment tracked by unit (装备): units, a maintenance plan and a service record.
    inv.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)
    inv.units.receive("CK-01", "PUMP", ["P-1", "P-2"], model="QW100", year=2024)
    inv.maintenance.plan("PUMP", every_days=90, tasks=["run the engine"], grace_days=7)
    inv.maintenance.record("P-1", result="defect", note="oil leak")
    inv.login_limit.failed("keeper", "10.0.0.1")  # a failed log-in counted for the web's log-in limit
    assert all(rows for rows in snapshot(inv).values())
    return inv


def _formats() -> list[str]:
    return ["sqlite", "json", "json.gz"] if BACKEND == "sqlite" else ["json", "json.gz"]


@pytest.mark.parametrize("fmt", _formats())
def test_a_restored_database_equals_the_original(full: supplies.Inventory, databases, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / {"sqlite": "county.db", "json": "county.jsonl", "json.gz": "county.jsonl.gz"}[fmt]
    before = snapshot(full)
    made = full.backup(str(path))
    assert made.format == fmt.split(".")[0] and made.total == sum(len(rows) for rows in before.values())
    full.close()

    target = supplies.open(databases.fresh_url())
    restored = target.restore(str(path))
    assert restored.rows == made.rows
    assert snapshot(target) == before
    # New records continue after the restored ones (PostgreSQL sequences were moved on).
    admin = target.as_user("admin")
    admin.stock.receive("TS-02", "QUILT", 1, batch="after-restore")
    admin.agencies.add("NEW", "新单位")
    assert admin.stock.verify().ok
    target.close()


def test_a_county_file_moves_to_the_database_under_test(full: supplies.Inventory, databases, tmp_path: Path) -> None:
    county_file = supplies.open(f"sqlite:///{tmp_path / 'county.db'}", upgrade=True)
    county_file.restore(str(_json_backup(full, tmp_path)))
    before = snapshot(county_file)
    county_file.as_user("admin").backup(str(tmp_path / "copy.db"), format="sqlite")
    county_file.close()
    full.close()
    target = supplies.open(databases.fresh_url())
    assert target.restore(str(tmp_path / "copy.db")).format == "sqlite"
    assert snapshot(target) == before
    target.close()


def _json_backup(inv: supplies.Inventory, tmp_path: Path) -> Path:
    path = tmp_path / "b.jsonl"
    inv.backup(str(path), format="json")
    return path


def test_restore_needs_an_empty_database_at_the_same_schema(full: supplies.Inventory, tmp_path: Path) -> None:
    path = _json_backup(full, tmp_path)
    with pytest.raises(supplies.RuleViolation) as err:
        full.restore(str(path))
    assert "empty" in err.value.reason
    lines = path.read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0]) | {"revision": "9999"}
    path.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n", encoding="utf-8")
    empty = supplies.open(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(supplies.RuleViolation) as err:
        empty.restore(str(path))
    assert "9999" in err.value.reason
    (tmp_path / "notes.txt").write_text("not a backup", encoding="utf-8")
    with pytest.raises(supplies.InvalidInput) as err:
        empty.restore(str(tmp_path / "notes.txt"))
    assert err.value.field == "file"
    empty.close()


def test_only_an_admin_takes_a_backup(full: supplies.Inventory, tmp_path: Path) -> None:
    with pytest.raises(supplies.PermissionDenied):
        full.as_user("disp").backup(str(tmp_path / "x.jsonl"))
    assert not (tmp_path / "x.jsonl").exists()
    if BACKEND == "postgresql":
        with pytest.raises(supplies.InvalidInput) as err:
            full.backup(str(tmp_path / "x.db"), format="sqlite")
        assert err.value.field == "format"
