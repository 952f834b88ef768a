"""Roles and scopes are checked in the core, and every movement records its actor."""

import pytest

import supplies
from supplies import InvalidInput, PermissionDenied


@pytest.fixture
def staff(county: supplies.Inventory) -> supplies.Inventory:
    county.users.add("viewer", role="viewer", web_login=False)
    county.users.add("dispatcher", role="dispatcher", web_login=False)
    county.users.add("wat-officer", role="agency_officer", agency="WAT", web_login=False)
    county.stock.receive("CK-01", "TENT12", 10)
    county.stock.receive("TS-01", "SANDBAG", 100)
    return county


def test_unknown_or_missing_user_is_refused(county: supplies.Inventory) -> None:
    with pytest.raises(PermissionDenied) as err:
        county.as_user("ghost").stock.lots()
    assert err.value.field == "user"
    anonymous = supplies.Inventory(county.engine, None)
    with pytest.raises(PermissionDenied):
        anonymous.stock.lots()


def test_viewer_reads_but_changes_nothing(staff: supplies.Inventory) -> None:
    viewer = staff.as_user("viewer")
    assert len(viewer.stock.lots()) == 2
    with pytest.raises(PermissionDenied):
        viewer.stock.receive("CK-01", "TENT12", 1)
    with pytest.raises(PermissionDenied):
        viewer.items.add("X", "x", supply_class="LIVING", unit="个")


def test_warehouse_staff_work_only_at_their_points(staff: supplies.Inventory) -> None:
    keeper = staff.as_user("keeper")
    keeper.stock.receive("CK-01", "QUILT", 5)
    with pytest.raises(PermissionDenied):
        keeper.stock.receive("TS-01", "QUILT", 5)
    with pytest.raises(PermissionDenied):
        keeper.stock.issue("TS-01", "SANDBAG", 1)
    assert {x.point for x in keeper.stock.lots()} == {"CK-01"}
    assert {m.point for m in keeper.stock.ledger()} == {"CK-01"}
    assert [m.actor for m in staff.stock.ledger(item="QUILT")] == ["keeper"]


def test_agency_officer_works_only_on_their_agency_stock(staff: supplies.Inventory) -> None:
    officer = staff.as_user("wat-officer")
    officer.stock.issue("TS-01", "SANDBAG", 10, reason="堤防抢险")
    with pytest.raises(PermissionDenied):
        officer.stock.issue("CK-01", "TENT12", 1)
    assert {x.item for x in officer.stock.lots()} == {"SANDBAG"}


def test_dispatcher_cannot_change_stock_directly(staff: supplies.Inventory) -> None:
    with pytest.raises(PermissionDenied):
        staff.as_user("dispatcher").stock.write_off("CK-01", "TENT12", 1, reason="x")


def test_only_admins_manage_users(staff: supplies.Inventory) -> None:
    with pytest.raises(PermissionDenied):
        staff.as_user("dispatcher").users.add("eve", role="admin", web_login=False)
    with pytest.raises(InvalidInput) as err:
        staff.users.add("w2", role="warehouse", web_login=False)
    assert err.value.field == "points"
    with pytest.raises(InvalidInput) as err:
        staff.users.add("o2", role="agency_officer", web_login=False)
    assert err.value.field == "agency"
    with pytest.raises(InvalidInput) as err:
        staff.users.add("r2", role="superhero", web_login=False)
    assert err.value.field == "role"


def test_passwords_are_hashed_and_checked(staff: supplies.Inventory) -> None:
    assert staff.users.authenticate("keeper", "keeper-pass-1") is not None
    assert staff.users.authenticate("keeper", "wrong-password") is None
    assert staff.users.authenticate("nobody", "keeper-pass-1") is None
    staff.as_user("keeper").users.set_password("keeper", "a-new-password")
    assert staff.users.authenticate("keeper", "a-new-password") is not None
    with pytest.raises(PermissionDenied):
        staff.as_user("keeper").users.set_password("viewer", "hijacked-password")
    staff.users.deactivate("keeper")
    assert staff.users.authenticate("keeper", "a-new-password") is None
    with pytest.raises(PermissionDenied):
        staff.as_user("keeper").stock.lots()


def test_first_admin_only_on_an_empty_database(db_url: str) -> None:
    inv = supplies.open(db_url)
    made = inv.users.bootstrap_admin("wang")
    assert made is not None and len(made[1]) >= 12
    assert inv.users.bootstrap_admin("li", "whatever-pass") is None
    assert [u.name for u in inv.as_user("wang").users.list()] == ["wang"]
    inv.close()


def test_changing_a_scope_keeps_the_scope_rules(staff: supplies.Inventory) -> None:
    with pytest.raises(InvalidInput) as err:
        staff.users.set_scope("keeper", points=[])
    assert err.value.field == "points"
    assert staff.users.get("keeper").points == ("CK-01",)
    with pytest.raises(InvalidInput) as err:
        staff.users.set_scope("viewer", role="agency_officer")
    assert err.value.field == "agency"
    info = staff.users.set_scope("viewer", role="warehouse", points=["TS-01", "TS-02"])
    assert (info.role, info.points) == ("warehouse", ("TS-01", "TS-02"))
    assert {x.point for x in staff.as_user("viewer").stock.lots()} == {"TS-01"}
