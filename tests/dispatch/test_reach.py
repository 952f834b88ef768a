"""Earliest-first reads lots from the nearest points outward: its plans are exactly those made from every lot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

import supplies
from supplies.allocation import reach
from supplies.allocation.arrival import ArrivalModel
from supplies.allocation.candidates import build_problem
from supplies.allocation.earliest import plan_earliest
from supplies.allocation.optimal import plan_best
from supplies.config import local_today
from supplies.models import DispatchRequest, RequestStatus
from supplies.services.dispatch import allocation as alloc
from tests.examples import examples

from .helpers import ITEMS, two_agency_catalog

TODAY = local_today()  # the department's day, as allocation counts it
CODES = ["A1", "A2", "B1", "CA", "CB"]
GRID = st.integers(0, 9).map(lambda i: 26.0 + 0.07 * i)  # coarse, so arrivals tie to the minute

points_st = st.lists(
    st.tuples(
        GRID,
        GRID.map(lambda x: x + 80.0),
        st.sampled_from(["520100", "520200"]),
        st.sampled_from([True, True, True, False]),
    ),  # open?
    min_size=4,
    max_size=24,
)
lots_st = st.lists(
    st.tuples(
        st.integers(0, 23),
        st.sampled_from(sorted(ITEMS)),
        st.integers(1, 80),
        st.sampled_from([None, None, -5, 10, 100]),
        st.sampled_from([0.0, 0.0, 0.5, 3.0]),
    ),
    min_size=10,
    max_size=60,
)
table_st = st.lists(
    st.tuples(st.integers(0, 23), st.sampled_from([0, 1, "52", "5201"]), st.sampled_from([0.0, 0.2, 1.5, 9.0])),
    max_size=6,
)
request_st = st.tuples(
    st.one_of(st.integers(0, 23), st.tuples(GRID, GRID.map(lambda x: x + 80.0))),
    st.integers(1, 5),
    st.sampled_from([None, 5, 50]),
    st.dictionaries(st.sampled_from(CODES), st.integers(1, 50), min_size=1, max_size=3),
)
arrival_st = st.builds(
    ArrivalModel,
    road_factor=st.sampled_from([1.0, 1.4]),
    speed_kmh=st.sampled_from([20.0, 40.0, 40.0, 400.0]),
    handling_hours=st.sampled_from([0.0, 1.0]),
)


def province(databases, points, lots, table) -> supplies.Inventory:  # type: ignore[no-untyped-def]
    inv = two_agency_catalog(databases)
    for i, (lat, lon, region, _) in enumerate(points):
        inv.points.add(f"P{i}", f"point {i}", level="township", lat=lat, lon=lon, region_code=f"{region}0{i:02d}")
    for n, (point, item, qty, expiry, lead) in enumerate(lots):
        inv.stock.receive(
            f"P{point % len(points)}",
            item,
            qty,
            batch=f"L{n}",
            lead_time_hours=lead,
            mode="agreement" if lead else "physical",
            expires_on=TODAY + timedelta(days=expiry) if expiry is not None else None,
            historical=True,
        )  # some lots have expired already
    for origin, to, hours in table:
        where = dict(to_point=f"P{to % len(points)}") if isinstance(to, int) else dict(to_region=to)
        inv.travel_times.set(f"P{origin % len(points)}", hours, **where)
    for i, (*_, open_) in enumerate(points):
        if not open_:
            inv.points.close(f"P{i}")
    inv.users.add("disp", role="dispatcher", web_login=False)
    return inv


def every_lot_plan(inv: supplies.Inventory, arrival: ArrivalModel) -> list[tuple[int, int, int]]:
    """The earliest-first plan of every approved request made from every candidate lot, as before."""
    with Session(inv.engine) as s:
        requests = list(
            s.exec(
                select(DispatchRequest)
                .where(DispatchRequest.status == RequestStatus.APPROVED.value)
                .order_by(DispatchRequest.id)
            ).all()
        )
        lines = alloc.request_lines(s, [r.id for r in requests])  # type: ignore[misc]
        needs, dests = alloc.needs_for(s, requests, lines)
        problem = build_problem(s, needs, dests, arrival)
        solution = plan_earliest(problem)
        # Keeping each line's earliest options only (as the optimal planner does) changes no plan:
        # earliest-first takes the same lots, and the optimal plan scores the same.
        pruned = build_problem(s, needs, dests, arrival, prune=True)
        assert plan_earliest(pruned).takes == solution.takes
        best, best_pruned = plan_best(problem).score(problem), plan_best(pruned).score(pruned)
        assert best_pruned[0] == best[0] and best_pruned[1] == pytest.approx(best[1], rel=1e-9, abs=1e-9)
    return sorted((t.line_id, t.lot_id, t.quantity) for t in solution.takes)


def rows(result) -> list[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return sorted((r.line_id, r.lot_id, r.quantity) for p in result.plans for r in p.rows)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    points=points_st,
    lots=lots_st,
    table=table_st,
    requests=st.lists(request_st, min_size=1, max_size=3),
    arrival=arrival_st,
    first=st.integers(1, 3),
)
def test_reading_the_nearest_points_first_gives_the_plan_of_every_lot(  # type: ignore[no-untyped-def]
    databases, points, lots, table, requests, arrival, first
) -> None:
    inv = province(databases, points, lots, table)
    try:
        disp = inv.as_user("disp")
        incident = disp.incidents.add("storm", type="flood", level="III", lat=26.2, lon=106.2, region_code="520101").id
        for dest, prio, needed, lines in requests:
            where = (
                dict(dest_point=f"P{dest % len(points)}")
                if isinstance(dest, int)
                else dict(dest_lat=dest[0], dest_lon=dest[1])
            )
            needed_by = datetime.combine(TODAY + timedelta(days=needed), datetime.min.time(), UTC) if needed else None
            rid = disp.requests.create(incident, lines=lines, priority=prio, needed_by=needed_by, **where).id
            disp.requests.submit(rid)
            disp.requests.approve(rid)
        expected = every_lot_plan(inv, arrival)
        # Start from a circle of one to three points, so it has to widen in most examples.
        with mock.patch.object(reach, "FIRST_POINTS", first):
            assert rows(disp.requests.plan(strategy="earliest", dry_run=True, arrival=arrival)) == expected
            # Reserving for real locks and re-reads the circle's lots, and reserves the same plan.
            assert rows(disp.requests.plan(strategy="earliest", arrival=arrival)) == expected
    finally:
        inv.close()


@pytest.fixture
def line_of_points(databases) -> supplies.Inventory:  # type: ignore[no-untyped-def]
    """Points east of (26.0, 107.0): A 2 km with 10 tents, B 10 km with 10, C 13 km with 20, E 20 km
    with none, D 40 km with 40."""
    inv = databases.fresh_inventory()
    inv.agencies.add("CIV", "civil affairs")
    inv.classes.add("LIVING", "living", agency="CIV")
    inv.items.add("TENT", "tent", supply_class="LIVING", unit="pc")
    for code, east, tents in (("A", 0.02, 10), ("B", 0.10, 10), ("C", 0.13, 20), ("E", 0.20, 0), ("D", 0.40, 40)):
        inv.points.add(code, code, level="township", lat=26.0, lon=107.0 + east)
        if tents:
            inv.stock.receive(code, "TENT", tents, batch=code)
    inv.users.add("disp", role="dispatcher", web_login=False)
    yield inv
    inv.close()


def approve(inv: supplies.Inventory, tents: int) -> int:
    incident = inv.incidents.add("flood", type="flood", level="III", lat=26.0, lon=107.0).id
    rid = inv.requests.create(incident, lines={"TENT": tents}, dest_lat=26.0, dest_lon=107.0).id
    inv.requests.submit(rid)
    inv.requests.approve(rid)
    return rid


def test_a_whole_point_just_beyond_the_first_circle_still_wins_over_a_split(line_of_points) -> None:  # type: ignore[no-untyped-def]
    disp = line_of_points.as_user("disp")
    rid = approve(disp, 20)
    # A and B would need two trucks; C sends all 20 in one, arriving ~6 minutes after B's.
    with mock.patch.object(reach, "FIRST_POINTS", 2):
        plan = disp.requests.allocate(rid, dry_run=True)
    assert [(r.point, r.quantity) for r in plan.rows] == [("C", 20)]


def test_stock_taken_nearby_while_planning_is_replanned_from_farther_points(  # type: ignore[no-untyped-def]
    databases, line_of_points
) -> None:
    if databases.backend != "postgresql":
        pytest.skip("SQLite writers take the database lock first, so no one can take stock meanwhile")
    disp = line_of_points.as_user("disp")
    mine, theirs = approve(disp, 15), approve(disp, 40)
    url = disp.engine.url.render_as_string(hide_password=False)
    real = reach.build_problem
    raced = []

    def other_dispatcher_first(*args, **kw):  # type: ignore[no-untyped-def]
        if kw.get("lock") and not raced:  # between reading the circle and locking its lots
            raced.append(True)
            other = supplies.open(url, user="disp")
            try:
                assert {r.point for r in other.requests.allocate(theirs).rows} == {"A", "B", "C"}
            finally:
                other.close()
        return real(*args, **kw)

    with mock.patch.object(reach, "FIRST_POINTS", 2), mock.patch.object(reach, "build_problem", other_dispatcher_first):
        plan = disp.requests.allocate(mine)
    assert raced and [(r.point, r.quantity) for r in plan.rows] == [("D", 15)]
    assert {lot.point: lot.reserved for lot in disp.stock.lots()} == {"A": 10, "B": 10, "C": 20, "D": 15}
