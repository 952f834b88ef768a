"""Agencies, the class tree and items: validation, look-ups and Chinese text round-trips."""

import pytest

import supplies
from supplies import InvalidInput, NotFound, PermissionDenied


def test_chinese_names_and_codes_round_trip(inv: supplies.Inventory) -> None:
    inv.agencies.add("民政", "民政局 Civil Affairs Bureau", contact="王丽", phone="0858-1234567")
    inv.classes.add("生活类", "受灾人员基本生活保障物资", agency="民政")
    inv.items.add("帐篷-12", "单帐篷（12平方米）", supply_class="生活类", unit="顶", spec="3×4米 双层")
    item = inv.items.get("帐篷-12")
    assert (item.name, item.unit, item.spec) == ("单帐篷（12平方米）", "顶", "3×4米 双层")
    assert inv.agencies.get("民政").contact == "王丽"
    assert [c.code for c in inv.classes.list(agency="民政")] == ["生活类"]


def test_agency_validation_names_the_field_and_writes_nothing(inv: supplies.Inventory) -> None:
    with pytest.raises(InvalidInput) as err:
        inv.agencies.add("CIV", "民政局", phone="call Wang")
    assert err.value.field == "phone"
    with pytest.raises(InvalidInput) as err:
        inv.agencies.add("C IV", "民政局")
    assert err.value.field == "code" and "spaces" in err.value.reason
    with pytest.raises(InvalidInput) as err:
        inv.agencies.add("CIV", "")
    assert err.value.field == "name"
    assert inv.agencies.list() == []


def test_duplicate_code_is_refused(inv: supplies.Inventory) -> None:
    inv.agencies.add("CIV", "民政局")
    with pytest.raises(InvalidInput) as err:
        inv.agencies.add("CIV", "另一个民政局")
    assert err.value.field == "code" and "already exists" in err.value.reason
    assert [a.name for a in inv.agencies.list()] == ["民政局"]


def test_class_tree_and_items_by_class(county: supplies.Inventory) -> None:
    county.classes.add("TENTS", "帐篷类", agency="CIV", parent="LIVING")
    county.items.add("TENT36", "帐篷(36平方米)", supply_class="TENTS", unit="顶")
    tree = county.classes.tree()
    assert [(n.code, n.depth, n.parent) for n in tree] == [
        ("FLOOD", 0, None),
        ("LIVING", 0, None),
        ("TENTS", 1, "LIVING"),
    ]
    # Items of a class include those of its sub-classes.
    assert [i.code for i in county.items.list(supply_class="LIVING")] == ["QUILT", "TENT12", "TENT36"]
    assert [i.code for i in county.items.list(supply_class="TENTS")] == ["TENT36"]


def test_a_class_cannot_move_under_its_own_descendant(county: supplies.Inventory) -> None:
    county.classes.add("TENTS", "帐篷类", agency="CIV", parent="LIVING")
    with pytest.raises(InvalidInput) as err:
        county.classes.update("LIVING", parent="TENTS")
    assert err.value.field == "parent"


def test_unknown_codes_are_reported_by_field(county: supplies.Inventory) -> None:
    with pytest.raises(NotFound) as err:
        county.items.add("X", "x", supply_class="NOPE", unit="个")
    assert err.value.field == "supply_class"
    with pytest.raises(NotFound) as err:
        county.classes.add("X", "x", agency="NOPE")
    assert err.value.field == "agency"


def test_item_with_stock_cannot_change_class(county: supplies.Inventory) -> None:
    county.stock.receive("CK-01", "TENT12", 5)
    with pytest.raises(supplies.RuleViolation) as err:
        county.items.update("TENT12", supply_class="FLOOD")
    assert err.value.field == "supply_class"
    county.items.update("QUILT", supply_class="FLOOD", spec="2kg")
    assert county.items.get("QUILT").spec == "2kg"


def test_numbers_of_items_are_validated(county: supplies.Inventory) -> None:
    with pytest.raises(InvalidInput) as err:
        county.items.add("BED", "折叠床", supply_class="LIVING", unit="张", shelf_life_days=-1)
    assert err.value.field == "shelf_life_days"
    with pytest.raises(InvalidInput) as err:
        county.items.add("BED", "折叠床", supply_class="LIVING", unit="张", unit_weight_kg="heavy")
    assert err.value.field == "unit_weight_kg"


def test_only_admins_and_the_agency_change_the_catalog(county: supplies.Inventory) -> None:
    county.users.add("viewer", role="viewer", web_login=False)
    county.users.add("civ-officer", role="agency_officer", agency="CIV", web_login=False)
    with pytest.raises(PermissionDenied):
        county.as_user("viewer").agencies.add("X", "x")
    with pytest.raises(PermissionDenied):
        county.as_user("civ-officer").classes.add("SAND", "沙袋", agency="WAT")
    county.as_user("civ-officer").classes.add("TENTS", "帐篷类", agency="CIV", parent="LIVING")
    assert county.classes.get("TENTS").name == "帐篷类"


def test_a_class_moves_back_to_the_top_of_the_tree(county: supplies.Inventory) -> None:
    county.classes.add("TENTS", "帐篷类", agency="CIV", parent="LIVING")
    county.classes.update("TENTS", parent="")
    assert [(n.code, n.depth) for n in county.classes.tree()] == [("FLOOD", 0), ("LIVING", 0), ("TENTS", 0)]
