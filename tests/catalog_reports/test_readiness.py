"""Readiness: a hand-computed case, the norms as editable data, township ranking, and monotonic coverage."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies.allocation.arrival import haversine_km
from tests.examples import examples

# The default arrival estimate: straight line x 1.4 at 40 km/h, plus an hour of handling.
ONE_DEGREE_HOURS = haversine_km(30.0, 110.0, 31.0, 110.0) * 1.4 / 40 + 1.0  # 4.89 h


@pytest.fixture
def region(inv: supplies.Inventory) -> supplies.Inventory:
    """The standard catalog and norms, and stock around a place at (30.0, 110.0)."""
    inv.agencies.add("CIV", "民政局")
    inv.catalog.load_standard("CIV")
    inv.points.add("A", "就地储备点", level="township", lat=30.0, lon=110.0, region_code="420102001")
    inv.points.add("B", "一度之外", level="county", lat=31.0, lon=110.0, region_code="420102")
    inv.points.add("C", "五度之外", level="city", lat=35.0, lon=110.0, region_code="420100")
    inv.stock.receive("A", "PLAN14:3.01", 20, batch="a")  # 20 x 12 m2 at the place itself
    inv.stock.receive("A", "PLAN14:3.05", 50, batch="a")  # 50 quilts
    inv.stock.receive(
        "A",
        "PLAN14:3.05",
        500,
        batch="old",
        expires_on="2020-01-01",  # expired: never counts
        historical=True,
    )
    inv.stock.receive("B", "PLAN14:3.02", 10, batch="b")  # 10 x 36 m2, 4.89 h away
    inv.stock.receive("C", "PLAN14:3.01", 100, batch="c")  # 20.5 h away
    inv.stock.receive("A", "PLAN14:3.08", 80, batch="deal", mode="agreement", lead_time_hours=12)  # 13 h
    return inv


def _need(report, name):  # type: ignore[no-untyped-def]
    return next(n for n in report.needs if n.need == name)


def test_a_hand_computed_place(region: supplies.Inventory) -> None:
    report = region.readiness.check(30.0, 110.0, population=100)
    assert (report.hours, report.norms, report.ready) == (12.0, "database", False)
    shelter = _need(report, "shelter")
    assert (shelter.required, shelter.reachable, shelter.short, shelter.coverage) == (350.0, 600.0, 0.0, 1.0)
    assert [(s.point, s.item, s.quantity, s.amount) for s in shelter.sources] == [
        ("A", "PLAN14:3.01", 20, 240.0),
        ("B", "PLAN14:3.02", 4, 144.0),
    ]  # 110 m2 left: 4 tents of 36
    assert shelter.sources[0].eta_hours == 1.0
    assert shelter.sources[1].eta_hours == pytest.approx(ONE_DEGREE_HOURS, abs=1e-3)
    bedding = _need(report, "bedding")
    assert (bedding.required, bedding.reachable, bedding.short, bedding.status) == (100.0, 50.0, 50.0, "assumed")
    assert bedding.to_close == {"PLAN14:3.05": 50, "PLAN14:3.08": 50}
    sanitation = _need(report, "sanitation")
    assert (sanitation.required, sanitation.short) == (2.0, 2.0)
    water = _need(report, "water")
    assert (water.required, water.reachable, water.items) == (1500.0, 0.0, ())
    assert "link" in water.note
    assert set(report.short_needs) == {"bedding", "clothing", "sanitation", "water", "food"}


def test_more_people_more_hours_and_travel_tables(region: supplies.Inventory) -> None:
    shelter = _need(region.readiness.check(30.0, 110.0, population=200), "shelter")
    assert (shelter.required, shelter.short) == (700.0, 100.0)
    assert shelter.to_close == {"PLAN14:3.01": 9, "PLAN14:3.02": 3, "PLAN14:3.03": 9}
    assert _need(region.readiness.check(30.0, 110.0, population=200, hours=24), "shelter").reachable == 1800.0
    bedding = _need(region.readiness.check(30.0, 110.0, population=100, hours=13), "bedding")
    assert bedding.reachable == 130.0  # the agreement reserve arrives after its 12 h lead time
    region.travel_times.set("C", 5.0, to_region="4201")  # a known road: 5 h from C to anywhere in 4201
    assert (
        _need(region.readiness.check(30.0, 110.0, population=200, region_code="420102001"), "shelter").reachable
        == 1800.0
    )
    at_point = region.readiness.check(population=100, point="A")
    assert (at_point.lat, at_point.lon) == (30.0, 110.0)


def test_reserved_stock_and_closed_points_do_not_count(region: supplies.Inventory) -> None:
    region.users.add("disp", role="dispatcher", web_login=False)
    disp = region.as_user("disp")
    incident = disp.incidents.add("演练", type="flood", level="IV", lat=30.0, lon=110.0)
    req = disp.requests.create(incident.id, lines={"PLAN14:3.05": 30}, dest_lat=30.0, dest_lon=110.0)
    disp.requests.submit(req.id)
    disp.requests.approve(req.id)
    disp.requests.allocate(req.id)
    assert _need(region.readiness.check(30.0, 110.0, population=100), "bedding").reachable == 20.0
    region.points.close("B")
    assert _need(region.readiness.check(30.0, 110.0, population=100), "shelter").reachable == 240.0


def test_departments_edit_the_norms_and_link_their_own_items(region: supplies.Inventory) -> None:
    region.items.add("WATER5", "桶装饮用水(5升)", supply_class="PLAN14:3", unit="桶")
    region.stock.receive("A", "WATER5", 100)
    region.readiness.link("water", "WATER5", amount_per_unit=5)
    water = _need(region.readiness.check(30.0, 110.0, population=100, days=2), "water")
    assert (water.required, water.reachable, water.short, water.status) == (3000.0, 500.0, 2500.0, "local")
    assert water.to_close == {"WATER5": 500}
    region.readiness.set_need(
        "shelter", amount_per_person=4.5, unit="m2", hazard="earthquake", source="寒冷季节 4.5-5.5 m2 (UNHCR)"
    )
    assert _need(region.readiness.check(30.0, 110.0, population=100, hazard="earthquake"), "shelter").required == 450.0
    assert _need(region.readiness.check(30.0, 110.0, population=100, hazard="flood"), "shelter").required == 350.0
    region.readiness.set_need("bedding", amount_per_person=2, unit="piece")
    assert _need(region.readiness.check(30.0, 110.0, population=100), "bedding").required == 200.0
    assert region.readiness.unlink("water", "WATER5") == 1
    assert _need(region.readiness.check(30.0, 110.0, population=100), "water").items == ()
    with pytest.raises(supplies.NotFound) as err:
        region.readiness.link("warmth", "WATER5")
    assert err.value.field == "need"
    region.users.add("viewer", role="viewer", web_login=False)
    with pytest.raises(supplies.PermissionDenied):
        region.as_user("viewer").readiness.set_need("food", amount_per_person=1, unit="kg", basis="per_day")


def test_the_shipped_norms_apply_until_a_department_has_its_own(inv: supplies.Inventory) -> None:
    report = inv.readiness.check(30.0, 110.0, population=10)
    assert report.norms == "shipped defaults"
    assert _need(report, "shelter").required == 35.0


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (dict(lat=91.0, lon=110.0, population=1), "lat"),
        (dict(lat=30.0, lon=110.0, population=-1), "population"),
        (dict(lat=30.0, lon=110.0, population=1, hazard="meteor"), "hazard"),
        (dict(lat=30.0, lon=110.0, population=1, hours=-2), "hours"),
        (dict(population=1), "lat"),
        (dict(population=1, point="NOPE"), "point"),
    ],
)
def test_bad_input_names_the_field(inv: supplies.Inventory, args: dict, field: str) -> None:
    with pytest.raises(supplies.InvalidInput) as err:
        inv.readiness.check(**args)
    assert err.value.field == field


def test_townships_are_ranked_worst_first(region: supplies.Inventory) -> None:
    region.points.add("T-NEAR", "近镇", level="township", lat=30.01, lon=110.0, region_code="420102002")
    region.points.add("T-FAR", "远镇", level="township", lat=33.0, lon=110.0, region_code="420102003")
    region.points.add("T-FAR2", "远镇二号点", level="township", lat=33.0, lon=110.02, region_code="420102003")
    ranking = region.readiness.rank_townships(population=100)
    # The far township first; the two near ones are as ready as each other and follow in code order.
    assert [t.township for t in ranking] == ["420102003", "420102001", "420102002"]
    assert ranking[0].points == ("T-FAR", "T-FAR2") and ranking[0].rank == 1
    assert ranking[0].uncovered > ranking[1].uncovered == ranking[2].uncovered
    bedding = [{n.need: n for n in t.needs}["bedding"].reachable for t in ranking]
    assert bedding == [0.0, 50.0, 50.0]  # the quilts at A are 12.7 h from the far township
    single = region.readiness.check(30.01, 110.0, population=100, region_code="420102002")
    assert {n.need: n.short for n in ranking[2].needs} == {n.need: n.short for n in single.needs}
    people = {"420102001": 10, "420102002": 10_000, "420102003": 10}
    assert region.readiness.rank_townships(population=people)[0].township == "420102002"
    with pytest.raises(supplies.InvalidInput) as err:
        region.readiness.rank_townships(population={"420102001": 10})
    assert err.value.field == "population"


places = st.lists(
    st.tuples(st.floats(-2, 2), st.floats(-2, 2), st.integers(1, 50), st.sampled_from([0.0, 4.0, 20.0])),
    min_size=1,
    max_size=5,
)


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stock=places,
    hours=st.lists(st.floats(0, 48), min_size=2, max_size=4),
    extra=st.integers(1, 40),
    population=st.integers(1, 2000),
)
def test_more_stock_or_more_hours_never_lowers_coverage(databases, stock, hours, extra, population) -> None:
    inv = databases.fresh_inventory()
    try:
        inv.agencies.add("CIV", "民政局")
        inv.classes.add("LIVING", "生活类", agency="CIV")
        inv.items.add("TENT", "帐篷", supply_class="LIVING", unit="顶")
        inv.readiness.set_need("shelter", amount_per_person=3.5, unit="m2")
        inv.readiness.link("shelter", "TENT", amount_per_unit=12)
        for n, (dlat, dlon, qty, lead) in enumerate(stock):
            inv.points.add(f"P{n}", f"点{n}", level="county", lat=30 + dlat, lon=110 + dlon)
            inv.stock.receive(f"P{n}", "TENT", qty, mode="agreement" if lead else "physical", lead_time_hours=lead)

        def covered(h: float) -> float:
            need = inv.readiness.check(30.0, 110.0, population=population, hours=h).needs[0]
            assert math.isclose(need.required - need.short, min(need.required, need.reachable), abs_tol=1e-6)
            return need.reachable

        ordered = sorted(hours)
        seen = [covered(h) for h in ordered]
        assert seen == sorted(seen)
        inv.stock.receive("P0", "TENT", extra, batch="more")
        assert all(covered(h) >= before for h, before in zip(ordered, seen))
    finally:
        inv.close()


def test_arrival_times_are_the_ones_allocation_uses(region: supplies.Inventory) -> None:
    region.travel_times.set("C", 3.0, to_point="A")
    region.users.add("disp", role="dispatcher", web_login=False)
    disp = region.as_user("disp")
    incident = disp.incidents.add("演练", type="earthquake", level="IV", lat=30.0, lon=110.0)
    req = disp.requests.create(incident.id, lines={"PLAN14:3.02": 1, "PLAN14:3.01": 120}, dest_point="A")
    disp.requests.submit(req.id)
    disp.requests.approve(req.id)
    plan = disp.requests.allocate(req.id, dry_run=True)
    allocated = {row.point: row.eta_hours for row in plan.rows}
    shelter = _need(region.readiness.check(population=1000, point="A", hours=24), "shelter")
    assert {s.point: s.eta_hours for s in shelter.sources} == pytest.approx(allocated, abs=1e-3)
    assert allocated["C"] == pytest.approx(4.0)  # the table's 3 h plus an hour of handling
