"""Allocation of one request: which lots the earliest-first policy picks, and what reserving does to stock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

import supplies
from supplies import InvalidInput, InvalidTransition
from supplies.allocation.arrival import ArrivalModel, arrival_from_env
from supplies.config import local_today

from .helpers import NEAR_TS01, reserved_total, taken

TODAY = local_today()  # the department's day, as allocation counts it


def test_nearest_point_first(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 50, batch="C")
    staff.stock.receive("TS-01", "TENT12", 50, batch="T")
    staff.stock.receive("TS-02", "TENT12", 50, batch="F")
    rid = approved({"TENT12": 20}).id
    plan = staff.as_user("disp").requests.allocate(rid)
    assert taken(plan) == {("TS-01", "T"): 20}
    assert plan.shortfalls == [] and plan.status == "allocated"
    row = plan.rows[0]
    assert (row.agency, row.item, row.status) == ("CIV", "TENT12", "reserved")
    # ~1.4 km by air × 1.4 road factor / 40 km/h + 1 h handling
    assert row.eta_hours == pytest.approx(1.05, abs=0.02)
    far = approved({"TENT12": 20}, dest_point="TS-02").id
    assert taken(staff.as_user("disp").requests.allocate(far)) == {("TS-02", "F"): 20}


def test_earliest_expiry_first_among_equal_arrivals(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "QUILT", 10, batch="LATE", expires_on=TODAY + timedelta(days=900))
    staff.stock.receive("TS-01", "QUILT", 10, batch="NONE")
    staff.stock.receive("TS-01", "QUILT", 10, batch="SOON", expires_on=TODAY + timedelta(days=100))
    # Two points at the same distance from the destination: the sooner-expiring lot goes first.
    staff.points.add("E-1", "east", level="township", lat=26.0, lon=107.01)
    staff.points.add("W-1", "west", level="township", lat=26.0, lon=106.99)
    staff.stock.receive("E-1", "TENT12", 10, batch="E", expires_on=TODAY + timedelta(days=400))
    staff.stock.receive("W-1", "TENT12", 10, batch="W", expires_on=TODAY + timedelta(days=200))
    disp = staff.as_user("disp")
    assert taken(disp.requests.allocate(approved({"QUILT": 15}).id)) == {("TS-01", "SOON"): 10, ("TS-01", "LATE"): 5}
    assert taken(disp.requests.allocate(approved({"QUILT": 10}).id)) == {("TS-01", "LATE"): 5, ("TS-01", "NONE"): 5}
    plan = disp.requests.allocate(approved({"TENT12": 5}, dest_lat=26.0, dest_lon=107.0).id)
    assert taken(plan) == {("W-1", "W"): 5}


def test_stock_expired_by_the_needed_by_time_is_not_used(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "QUILT", 50, batch="EXP", expires_on=TODAY + timedelta(days=10))
    staff.stock.receive("CK-01", "QUILT", 50, batch="OK", expires_on=TODAY + timedelta(days=365))
    staff.stock.receive("TS-02", "QUILT", 50, batch="GONE", expires_on=TODAY - timedelta(days=1), historical=True)
    disp = staff.as_user("disp")
    late = datetime.combine(TODAY + timedelta(days=20), datetime.min.time(), UTC)
    assert taken(disp.requests.allocate(approved({"QUILT": 5}, needed_by=late).id)) == {("CK-01", "OK"): 5}
    soon = datetime.combine(TODAY + timedelta(days=3), datetime.min.time())  # naive = UTC
    assert taken(disp.requests.allocate(approved({"QUILT": 5}, needed_by=soon).id)) == {("TS-01", "EXP"): 5}
    # Stock that has already expired is never a candidate, whatever the request says.
    plan = disp.requests.allocate(approved({"QUILT": 200}, dest_point="TS-02").id)
    assert ("TS-02", "GONE") not in taken(plan) and plan.shortfalls[0].short == 200 - 45 - 45


def test_the_needed_by_day_is_the_departments(staff: supplies.Inventory, approved, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Needed by 18:00 UTC, which is 02:00 the next day in Shanghai: stock expiring on the UTC date
    # has expired by the time it is needed there, so the lot further away is taken.
    monkeypatch.setenv("SUPPLIES_TIMEZONE", "Asia/Shanghai")
    staff.stock.receive("TS-01", "QUILT", 50, batch="EVE", expires_on=TODAY + timedelta(days=10))
    staff.stock.receive("CK-01", "QUILT", 50, batch="OK", expires_on=TODAY + timedelta(days=365))
    disp = staff.as_user("disp")
    evening = datetime.combine(TODAY + timedelta(days=10), time(18, 0), UTC)
    assert taken(disp.requests.allocate(approved({"QUILT": 5}, needed_by=evening).id)) == {("CK-01", "OK"): 5}
    morning = datetime.combine(TODAY + timedelta(days=10), time(2, 0), UTC)  # 10:00 the same day there
    assert taken(disp.requests.allocate(approved({"QUILT": 5}, needed_by=morning).id)) == {("TS-01", "EVE"): 5}


def test_lead_time_of_agreement_reserves_counts(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "TENT12", 100, batch="AGR", mode="agreement", lead_time_hours=24)
    staff.stock.receive("TS-02", "TENT12", 100, batch="PHY")
    disp = staff.as_user("disp")
    plan = disp.requests.allocate(approved({"TENT12": 30}).id)
    assert taken(plan) == {("TS-02", "PHY"): 30}
    plan = disp.requests.allocate(approved({"TENT12": 150}).id)
    assert taken(plan) == {("TS-02", "PHY"): 70, ("TS-01", "AGR"): 80}
    agr = next(r for r in plan.rows if r.batch == "AGR")
    assert 25 < agr.eta_hours < 25.2


def test_class_line_is_served_by_any_item_of_the_class_and_its_subclasses(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.classes.add("BEDDING", "床上用品", agency="CIV", parent="LIVING")
    staff.items.add("COT", "折叠床", supply_class="BEDDING", unit="张")
    staff.stock.receive("TS-01", "COT", 10, batch="C")
    staff.stock.receive("CK-01", "QUILT", 10, batch="Q")
    staff.stock.receive("TS-02", "TENT12", 10, batch="T")
    staff.stock.receive("TS-01", "SANDBAG", 100, batch="S")
    disp = staff.as_user("disp")
    plan = disp.requests.allocate(approved({"LIVING": 25}).id)
    assert taken(plan) == {("TS-01", "C"): 10, ("CK-01", "Q"): 10, ("TS-02", "T"): 5}
    assert {r.agency for r in plan.rows} == {"CIV"}
    line = disp.requests.show(plan.request_id).lines[0]
    assert (line.kind, line.code, line.allocated) == ("class", "LIVING", 25)
    # Item lines of the same request are served before its class lines.
    plan = disp.requests.allocate(approved([("BEDDING", 5), ("TENT12", 5)]).id)
    assert sorted((r.item, r.quantity) for r in plan.rows) == [("TENT12", 5)] and plan.short == 5


def test_partial_fulfilment_reports_the_shortfall(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 30, batch="T")
    disp = staff.as_user("disp")
    rid = approved({"TENT12": 100, "SANDBAG": 40}).id
    plan = disp.requests.allocate(rid)
    assert plan.status == "allocated" and plan.allocated == 30
    assert [(s.code, s.requested, s.allocated, s.short) for s in plan.shortfalls] == [
        ("TENT12", 100, 30, 70),
        ("SANDBAG", 40, 0, 40),
    ]
    detail = disp.requests.show(rid)
    assert [(s.code, s.short) for s in detail.shortfalls] == [("TENT12", 70), ("SANDBAG", 40)]
    assert "short TENT12 70, SANDBAG 40" in (detail.events[-1].note or "")
    # When more stock arrives, allocating again tops the request up.
    staff.stock.receive("TS-01", "SANDBAG", 25, batch="S")
    more = disp.requests.allocate(rid)
    assert taken(more) == {("TS-01", "S"): 25}
    assert [(s.code, s.allocated, s.short) for s in more.shortfalls] == [("TENT12", 30, 70), ("SANDBAG", 25, 15)]
    assert reserved_total(staff) == 55 and staff.stock.verify().ok


def test_nothing_available_leaves_the_request_approved(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    disp = staff.as_user("disp")
    rid = approved({"SANDBAG": 40}).id
    plan = disp.requests.allocate(rid)
    assert (plan.status, plan.rows, plan.short) == ("approved", [], 40)
    detail = disp.requests.show(rid)
    assert detail.status == "approved" and "short SANDBAG 40" in (detail.events[-1].note or "")
    with pytest.raises(InvalidTransition):
        disp.requests.dispatch(rid)


def test_no_needless_split_across_points(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "TENT12", 10, batch="SMALL")
    staff.stock.receive("CK-01", "TENT12", 100, batch="BIG")
    disp = staff.as_user("disp")
    # 10 from TS-01 and 30 from CK-01 would complete no sooner than 40 from CK-01 alone.
    assert taken(disp.requests.allocate(approved({"TENT12": 40}).id)) == {("CK-01", "BIG"): 40}
    # When no single point has enough, the line is split, nearest first.
    assert taken(disp.requests.allocate(approved({"TENT12": 65}).id)) == {("TS-01", "SMALL"): 10, ("CK-01", "BIG"): 55}


def test_travel_time_table_replaces_the_straight_line(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "TENT12", 100, batch="T1")
    staff.stock.receive("CK-01", "TENT12", 100, batch="C1")
    disp = staff.as_user("disp")
    # The bridge from TS-01 is down: 9 hours round by road to the whole township region.
    disp.travel_times.set("TS-01", 9, to_region="520102")
    plan = disp.requests.allocate(approved({"TENT12": 10}).id)  # destination region: the incident's 520102001
    assert taken(plan) == {("CK-01", "C1"): 10}
    # An entry for the destination point itself wins over the region entry.
    assert (
        disp.travel_times.load(
            [
                {"from_point": "TS-01", "to_point": "TS-02", "hours": 0.5},
                {"from_point": "CK-01", "to_point": "TS-02", "hours": 3},
            ]
        )
        == 2
    )
    plan = disp.requests.allocate(approved({"TENT12": 10}, dest_point="TS-02").id)
    assert taken(plan) == {("TS-01", "T1"): 10} and plan.rows[0].eta_hours == pytest.approx(1.5)
    assert len(disp.travel_times.list()) == 3
    assert disp.travel_times.remove("TS-01", to_region="520102") == 1
    assert taken(disp.requests.allocate(approved({"TENT12": 10}).id)) == {("TS-01", "T1"): 10}
    with pytest.raises(InvalidInput) as err:
        disp.travel_times.load(
            [
                {"from_point": "TS-01", "to_region": "52", "hours": 1},
                {"from_point": "TS-01", "to_point": "NOPE", "hours": 1},
            ]
        )
    assert err.value.field == "rows.1.to_point"
    with pytest.raises(InvalidInput) as err:
        disp.travel_times.set("TS-01", -1, to_point="TS-02")
    assert err.value.field == "hours"
    with pytest.raises(InvalidInput) as err:
        disp.travel_times.set("TS-01", 1, to_point="TS-02", to_region="52")
    assert err.value.field == "to_point"


def test_arrival_parameters_are_configurable(
    staff: supplies.Inventory, approved, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-02", "TENT12", 100, batch="F")
    disp = staff.as_user("disp")
    default = disp.requests.allocate(approved({"TENT12": 1}).id, dry_run=True).rows[0].eta_hours
    slow = (
        disp.requests.allocate(
            approved({"TENT12": 1}).id, dry_run=True, arrival=ArrivalModel(speed_kmh=20, handling_hours=2)
        )
        .rows[0]
        .eta_hours
    )
    assert slow == pytest.approx((default - 1.0) * 2 + 2, abs=0.01)
    monkeypatch.setenv("SUPPLIES_ROAD_SPEED_KMH", "20")
    monkeypatch.setenv("SUPPLIES_HANDLING_HOURS", "2")
    assert disp.requests.allocate(approved({"TENT12": 1}).id, dry_run=True).rows[0].eta_hours == pytest.approx(
        slow, abs=0.01
    )
    monkeypatch.setenv("SUPPLIES_ROAD_FACTOR", "0.5")
    with pytest.raises(InvalidInput) as err:
        arrival_from_env()
    assert err.value.field == "SUPPLIES_ROAD_FACTOR"
    monkeypatch.setenv("SUPPLIES_ROAD_FACTOR", "fast")
    with pytest.raises(InvalidInput) as err:
        disp.requests.allocate(1, dry_run=True)
    assert err.value.field == "SUPPLIES_ROAD_FACTOR"


def test_dry_run_writes_nothing(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 30, batch="T")
    disp = staff.as_user("disp")
    rid = approved({"TENT12": 50}).id
    ledger = staff.stock.ledger()
    events = disp.requests.show(rid).events
    plan = disp.requests.allocate(rid, dry_run=True)
    assert plan.dry_run and taken(plan) == {("CK-01", "T"): 30} and plan.short == 20
    assert {r.status for r in plan.rows} == {"planned"} and plan.status == "approved"
    assert staff.stock.ledger() == ledger and reserved_total(staff) == 0
    detail = disp.requests.show(rid)
    assert (detail.status, detail.events, detail.allocations) == ("approved", events, [])
    # A submitted request can be previewed too, to help decide its approval.
    pending = disp.requests.create(detail.incident_id, lines={"TENT12": 5}, **NEAR_TS01).id
    disp.requests.submit(pending)
    assert disp.requests.allocate(pending, dry_run=True).allocated == 5


def test_closed_points_are_not_used(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "TENT12", 100, batch="T1")
    staff.stock.receive("CK-01", "TENT12", 100, batch="C1")
    staff.points.close("TS-01")
    assert taken(staff.as_user("disp").requests.allocate(approved({"TENT12": 10}).id)) == {("CK-01", "C1"): 10}


def test_cancel_releases_every_reservation(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("TS-01", "TENT12", 10, batch="T1")
    staff.stock.receive("CK-01", "TENT12", 100, batch="C1")
    staff.stock.receive("CK-01", "SANDBAG", 100, batch="S1")
    disp = staff.as_user("disp")
    keep = approved({"TENT12": 5}).id
    disp.requests.allocate(keep)
    rid = approved({"TENT12": 80, "SANDBAG": 60, "QUILT": 3}).id
    disp.requests.allocate(rid)
    assert reserved_total(staff) == 145
    disp.requests.cancel(rid, reason="the river went down")
    assert reserved_total(staff) == 5
    detail = disp.requests.show(rid)
    assert detail.status == "cancelled" and {a.status for a in detail.allocations} == {"released"}
    assert [ln.allocated for ln in detail.lines] == [0, 0, 0]
    assert "released 140 reserved units" in (detail.events[-1].note or "")
    releases = staff.stock.ledger(kinds=("release",))
    assert sum(-m.reserved_delta for m in releases) == 140
    assert {m.reference for m in releases} == {f"request:{rid}"}
    assert disp.requests.pick_lists(rid) == []
    assert staff.stock.verify().ok


def test_reallocate_releases_and_allocates_again(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 100, batch="C1")
    disp = staff.as_user("disp")
    rid = approved({"TENT12": 20}).id
    disp.requests.allocate(rid)
    staff.stock.receive("TS-01", "TENT12", 50, batch="T1")  # nearer stock arrives
    plan = disp.requests.reallocate(rid)
    assert taken(plan) == {("TS-01", "T1"): 20} and plan.status == "allocated"
    lots = {lot.batch: lot for lot in staff.stock.lots()}
    assert (lots["C1"].reserved, lots["T1"].reserved) == (0, 20)
    detail = disp.requests.show(rid)
    assert [a.status for a in detail.allocations] == ["reserved", "released"]
    assert "released 20 units" in (detail.events[-1].note or "")
    assert staff.stock.verify().ok


def test_receive_records_differences(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 100, batch="C1")
    staff.stock.receive("CK-01", "QUILT", 100, batch="Q1")
    disp = staff.as_user("disp")
    rid = approved({"TENT12": 20, "QUILT": 30}).id
    disp.requests.allocate(rid)
    disp.requests.dispatch(rid)
    for bad, field in [
        ({"TENT12": 21}, "received.TENT12"),
        ({"SANDBAG": 1}, "received.SANDBAG"),
        ({"TENT12": -1}, "received.TENT12"),
    ]:
        with pytest.raises(InvalidInput) as err:
            disp.requests.receive(rid, received=bad)
        assert (err.value.field or "").startswith(field.split(".")[0]), err.value
    detail = disp.requests.receive(rid, received={"TENT12": 18})
    assert [(ln.code, ln.dispatched, ln.received) for ln in detail.lines] == [("TENT12", 20, 18), ("QUILT", 30, 30)]
    assert detail.events[-1].note == "handed over on site; TENT12: 18 of 20 received"  # coordinates only
    assert detail.as_dict()["events"][-1]["at"].endswith("+00:00")
