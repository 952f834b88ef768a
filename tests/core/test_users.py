"""Users: a deactivated user is reactivated, a name is never added twice, and nobody is left without a way in."""

from __future__ import annotations

import pytest

import supplies
from supplies import InvalidInput, PermissionDenied


@pytest.fixture
def staff(county: supplies.Inventory) -> supplies.Inventory:
    county.users.add("dispatcher", role="dispatcher", web_login=False)
    return county


def test_a_deactivated_user_is_reactivated_by_an_admin(staff: supplies.Inventory) -> None:
    staff.users.deactivate("keeper")
    assert staff.users.authenticate("keeper", "keeper-pass-1") is None
    with pytest.raises(PermissionDenied):
        staff.as_user("dispatcher").users.activate("keeper")
    info = staff.users.activate("keeper")
    assert info.active and info.points == ("CK-01",)
    assert staff.users.authenticate("keeper", "keeper-pass-1") is not None
    assert {x.point for x in staff.as_user("keeper").stock.lots(with_stock_only=False)} <= {"CK-01"}
    assert staff.users.activate("keeper").active  # activating an active user changes nothing
    with pytest.raises(InvalidInput) as err:
        staff.users.activate("ghost")
    assert err.value.field == "name"


def test_the_user_list_says_who_is_active_and_who_may_log_in(staff: supplies.Inventory) -> None:
    staff.users.deactivate("keeper")
    listed = {u.name: (u.active, u.web_login) for u in staff.users.list()}
    assert listed == {"admin": (True, True), "keeper": (False, True), "dispatcher": (True, False)}


def test_re_adding_a_deactivated_name_says_how_to_reactivate_it(staff: supplies.Inventory) -> None:
    staff.users.deactivate("keeper")
    for name in ("keeper", "KEEPER"):
        with pytest.raises(InvalidInput) as err:
            staff.users.add(name, role="viewer", password="another-pass-1")
        assert err.value.field == "name"
        assert "deactivated" in err.value.reason and "supplies user activate keeper" in err.value.reason
    with pytest.raises(InvalidInput) as err:
        staff.users.add("Dispatcher", role="viewer", web_login=False)
    assert err.value.field == "name" and "already exists" in err.value.reason
    assert "deactivated" not in err.value.reason


@pytest.mark.parametrize("password", [None, "", "   "])
def test_a_user_needs_a_web_password_unless_none_is_chosen(staff: supplies.Inventory, password: str | None) -> None:
    with pytest.raises(InvalidInput) as err:
        staff.users.add("wang", role="viewer", password=password)
    assert err.value.field == "password" and "web_login=False" in err.value.reason
    assert "wang" not in {u.name for u in staff.users.list()}


def test_a_user_without_web_log_in_acts_through_the_library_only(staff: supplies.Inventory) -> None:
    staff.users.add("script", role="viewer", web_login=False)
    assert staff.users.get("script").web_login is False
    assert staff.users.authenticate("script", "") is None
    assert len(staff.as_user("script").stock.lots()) == 0
    with pytest.raises(InvalidInput) as err:
        staff.users.add("both", role="viewer", password="some-password-1", web_login=False)
    assert err.value.field == "password"
    staff.users.set_password("script", "now-with-a-password")  # a web password can be given later
    assert staff.users.get("script").web_login is True
    assert staff.users.authenticate("script", "now-with-a-password") is not None


def test_a_password_is_kept_as_typed(staff: supplies.Inventory) -> None:
    staff.users.add("spaces", role="viewer", password="  padded pass  ")
    assert staff.users.authenticate("spaces", "  padded pass  ") is not None
    with pytest.raises(InvalidInput) as err:
        staff.users.add("short", role="viewer", password="1234567")
    assert err.value.field == "password"
