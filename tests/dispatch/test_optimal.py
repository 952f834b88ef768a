"""Planning all approved requests together: the transportation problem beats line-by-line choices."""

from __future__ import annotations

import pytest

import supplies

from .helpers import reserved_total, taken


@pytest.fixture
def crossing(staff: supplies.Inventory, incident: int) -> supplies.Inventory:
    """Two shelters A and B; depot X is 1 h from both, Y 2 h from A only, Z 10 h from B only."""
    for code, lat in (("X", 26.0), ("Y", 26.1), ("Z", 26.2), ("A", 26.3), ("B", 26.4)):
        staff.points.add(code, code, level="township", kind="shelter" if code in "AB" else "depot", lat=lat, lon=106.0)
    for code in "XYZ":
        staff.stock.receive(code, "TENT12", 10, batch=code)
    staff.travel_times.load(
        [
            dict(from_point="X", to_point="A", hours=1),
            dict(from_point="X", to_point="B", hours=1),
            dict(from_point="Y", to_point="A", hours=2),
            dict(from_point="Y", to_point="B", hours=50),
            dict(from_point="Z", to_point="A", hours=50),
            dict(from_point="Z", to_point="B", hours=10),
        ]
    )
    return staff


def approve(inv: supplies.Inventory, incident: int, lines: dict, **kw) -> int:  # type: ignore[no-untyped-def]
    disp = inv.as_user("disp")
    rid = disp.requests.create(incident, lines=lines, **kw).id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    return rid


def test_optimal_plan_beats_earliest_first_on_contention(crossing: supplies.Inventory, incident: int) -> None:
    a = approve(crossing, incident, {"TENT12": 10}, dest_point="A")
    b = approve(crossing, incident, {"TENT12": 10}, dest_point="B")
    disp = crossing.as_user("disp")
    earliest = disp.requests.plan(strategy="earliest", dry_run=True)
    # Earliest-first serves A from X (2 h with handling), leaving B the 11-hour trip from Z.
    assert [taken(p) for p in earliest.plans] == [{("X", "X"): 10}, {("Z", "Z"): 10}]
    assert earliest.total_weighted_eta == pytest.approx(4 * 10 * (2 + 11))
    optimal = disp.requests.plan(dry_run=True)
    assert [taken(p) for p in optimal.plans] == [{("Y", "Y"): 10}, {("X", "X"): 10}]
    assert optimal.total_weighted_eta == pytest.approx(4 * 10 * (3 + 2))
    assert reserved_total(crossing) == 0
    # Written for real, both requests are allocated at once.
    done = disp.requests.plan()
    assert [(p.request_id, p.status) for p in done.plans] == [(a, "allocated"), (b, "allocated")]
    assert {r.status for p in done.plans for r in p.rows} == {"reserved"}
    assert reserved_total(crossing) == 20 and crossing.stock.verify().ok
    assert disp.requests.plan().plans == []  # nothing approved is left


def test_one_request_can_be_allocated_optimally(crossing: supplies.Inventory, incident: int) -> None:
    rid = approve(crossing, incident, {"TENT12": 15}, dest_point="A")
    plan = crossing.as_user("disp").requests.allocate(rid, strategy="optimal")
    assert taken(plan) == {("X", "X"): 10, ("Y", "Y"): 5} and plan.strategy == "optimal"
    assert plan.weighted_eta == pytest.approx(4 * (10 * 2 + 5 * 3))


def test_higher_priority_is_served_first_when_short(crossing: supplies.Inventory, incident: int) -> None:
    low = approve(crossing, incident, {"TENT12": 25}, dest_point="A", priority=5)
    high = approve(crossing, incident, {"TENT12": 20}, dest_point="A", priority=1)
    result = crossing.as_user("disp").requests.plan()
    by_id = {p.request_id: p for p in result.plans}
    assert by_id[high].allocated == 20 and by_id[high].shortfalls == []
    assert by_id[low].allocated == 10
    assert [(s.request_id, s.short) for s in result.shortfalls] == [(low, 15)]
    # The urgent request gets the nearest stock.
    assert taken(by_id[high]) == {("X", "X"): 10, ("Y", "Y"): 10}


def test_optimal_does_not_strand_stock_another_request_needs(staff: supplies.Inventory, incident: int) -> None:
    staff.stock.receive("TS-01", "QUILT", 10, batch="Q")
    staff.stock.receive("TS-02", "TENT12", 10, batch="T")
    first = approve(staff, incident, {"LIVING": 10}, dest_point="TS-01", priority=2)
    second = approve(staff, incident, {"QUILT": 10}, dest_point="TS-01", priority=2)
    disp = staff.as_user("disp")
    earliest = disp.requests.plan(strategy="earliest", dry_run=True)
    assert [s.request_id for s in earliest.shortfalls] == [second]  # the class line took the quilts
    optimal = disp.requests.plan(dry_run=True)
    assert optimal.shortfalls == []
    assert {p.request_id: taken(p) for p in optimal.plans} == {
        first: {("TS-02", "T"): 10},
        second: {("TS-01", "Q"): 10},
    }


def test_plan_leaves_requests_that_are_not_approved(staff: supplies.Inventory, incident: int) -> None:
    staff.stock.receive("CK-01", "TENT12", 100, batch="T")
    disp = staff.as_user("disp")
    draft = disp.requests.create(incident, lines={"TENT12": 5}, dest_point="TS-01").id
    ready = approve(staff, incident, {"TENT12": 5}, dest_point="TS-01")
    result = disp.requests.plan()
    assert [p.request_id for p in result.plans] == [ready]
    assert disp.requests.show(draft).status == "draft" and reserved_total(staff) == 5
    assert result.as_dict()["plans"][0]["rows"][0]["point"] == "CK-01"
