"""Reserve targets beside what is held: a point's stock, or a region's (every point whose code starts with it), in scope."""

from __future__ import annotations

import pytest

import supplies


@pytest.fixture
def stocked(county: supplies.Inventory) -> supplies.Inventory:
    county.users.add("civ", role="agency_officer", agency="CIV", web_login=False)
    county.stock.receive("CK-01", "QUILT", 100, batch="Q0")  # region 520102
    county.stock.receive("TS-01", "QUILT", 20, batch="Q1")  # region 520102001
    county.stock.receive("TS-02", "QUILT", 30, batch="Q2")  # region 520102002
    county.stock.receive("TS-02", "QUILT", 5, batch="Q3")
    county.stock.receive("TS-02", "SANDBAG", 999, batch="S1")  # another item: never counted for quilts
    county.targets.set("QUILT", 500, region_code="520102")  # the whole county
    county.targets.set("QUILT", 40, region_code="520102002")  # one township
    county.targets.set("QUILT", 10, region_code="530000")  # nowhere we hold anything
    county.targets.set("QUILT", 150, point="CK-01")
    county.targets.set("SANDBAG", 1000, point="TS-02")
    return county


def _by_place(rows: list) -> dict[tuple[str, str | None], tuple[int, int, int]]:  # type: ignore[type-arg]
    return {(r.item, r.point or r.region_code): (r.quantity, r.held, r.short) for r in rows}


def test_a_region_target_counts_every_point_in_the_region(stocked: supplies.Inventory) -> None:
    rows = _by_place(stocked.targets.status())
    assert rows == {
        ("QUILT", "520102"): (500, 155, 345),
        ("QUILT", "520102002"): (40, 35, 5),
        ("QUILT", "530000"): (10, 0, 10),
        ("QUILT", "CK-01"): (150, 100, 50),
        ("SANDBAG", "TS-02"): (1000, 999, 1),
    }
    assert _by_place(stocked.targets.status(item="SANDBAG")) == {("SANDBAG", "TS-02"): (1000, 999, 1)}
    one = stocked.targets.status()[0]
    assert _by_place(stocked.targets.status(ids=[one.id])) == _by_place([one])
    assert one.as_dict()["held"] == one.held


def test_only_stock_the_user_may_read_is_counted(stocked: supplies.Inventory) -> None:
    keeper = _by_place(stocked.as_user("keeper").targets.status())
    assert keeper == {("QUILT", "CK-01"): (150, 100, 50)}  # a keeper sees the targets of their own points
    officer = _by_place(stocked.as_user("civ").targets.status())
    assert set(officer) == {("QUILT", "520102"), ("QUILT", "520102002"), ("QUILT", "530000"), ("QUILT", "CK-01")}
    assert officer[("QUILT", "520102")] == (500, 155, 345)


def test_bad_ids_are_refused(stocked: supplies.Inventory) -> None:
    with pytest.raises(supplies.InvalidInput) as err:
        stocked.targets.status(ids=["x"])  # type: ignore[list-item]
    assert err.value.field == "ids"
