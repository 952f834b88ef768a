"""Storage points: coordinates, levels, kinds, closing and listing."""

import pytest

import supplies
from supplies import InvalidInput, RuleViolation


@pytest.mark.parametrize(("field", "value"), [("lat", 91), ("lat", -90.5), ("lon", 180.1), ("lon", "east")])
def test_coordinates_are_validated(inv: supplies.Inventory, field: str, value: object) -> None:
    args = dict(level="county", lat=26.5, lon=106.7)
    args[field] = value
    with pytest.raises(InvalidInput) as err:
        inv.points.add("P1", "储备库", **args)
    assert err.value.field == field
    assert inv.points.list() == []


def test_level_and_kind_are_closed_vocabularies(inv: supplies.Inventory) -> None:
    with pytest.raises(InvalidInput) as err:
        inv.points.add("P1", "储备库", level="galaxy", lat=1, lon=1)
    assert err.value.field == "level" and "county" in err.value.reason
    with pytest.raises(InvalidInput) as err:
        inv.points.add("P1", "储备库", level="county", lat=1, lon=1, kind="castle")
    assert err.value.field == "kind"


def test_list_by_level_and_region_prefix(county: supplies.Inventory) -> None:
    county.points.add(
        "SH-01",
        "城关镇避难场所",
        level="township",
        kind="shelter",
        lat=26.61,
        lon=106.81,
        region_code="520102001",
        address="城关镇文化广场",
    )
    assert [p.code for p in county.points.list(level="township")] == ["SH-01", "TS-01", "TS-02"]
    assert [p.code for p in county.points.list(region_code="520102001")] == ["SH-01", "TS-01"]
    assert [p.code for p in county.points.list(kind="shelter")] == ["SH-01"]


def test_a_closed_point_takes_no_stock(county: supplies.Inventory) -> None:
    county.points.close("TS-02")
    with pytest.raises(RuleViolation) as err:
        county.stock.receive("TS-02", "TENT12", 5)
    assert err.value.field == "point"
    county.stock.receive("CK-01", "TENT12", 5)
    with pytest.raises(RuleViolation) as err:
        county.stock.transfer("CK-01", "TS-02", "TENT12", 5)
    assert err.value.field == "to_point"
    county.points.reopen("TS-02")
    county.stock.transfer("CK-01", "TS-02", "TENT12", 5)
    assert [(lot.point, lot.on_hand) for lot in county.stock.lots()] == [("TS-02", 5)]


def test_warehouse_staff_edit_only_their_points(county: supplies.Inventory) -> None:
    keeper = county.as_user("keeper")
    keeper.points.update("CK-01", address="城南路1号", capacity_m3=1200)
    assert county.points.get("CK-01").address == "城南路1号"
    with pytest.raises(supplies.PermissionDenied):
        keeper.points.update("TS-01", address="x")
