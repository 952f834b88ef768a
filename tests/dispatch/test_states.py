"""The request life cycle: every action from every state, who may take it, and the recorded history."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import supplies
from supplies import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RuleViolation,
)

from .helpers import NEAR_TS01, reserved_total

STATES = ["draft", "submitted", "approved", "allocated", "dispatched", "received", "closed", "rejected", "cancelled"]
ALLOWED = {
    "draft": {"submit": "submitted", "cancel": "cancelled"},
    "submitted": {"approve": "approved", "reject": "rejected", "cancel": "cancelled"},
    "approved": {"allocate": "allocated", "reallocate": "allocated", "cancel": "cancelled"},
    "allocated": {"allocate": "allocated", "reallocate": "allocated", "dispatch": "dispatched", "cancel": "cancelled"},
    "dispatched": {"receive": "received"},
    "received": {"close": "closed"},
    "closed": {},
    "rejected": {},
    "cancelled": {},
}
ACTIONS = ["submit", "approve", "reject", "allocate", "reallocate", "dispatch", "receive", "close", "cancel"]
# The path to each state, as the actions that lead there from draft.
PATH = {
    "draft": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "allocated": ["submit", "approve", "allocate"],
    "dispatched": ["submit", "approve", "allocate", "dispatch"],
    "received": ["submit", "approve", "allocate", "dispatch", "receive"],
    "closed": ["submit", "approve", "allocate", "dispatch", "receive", "close"],
    "rejected": ["submit", "reject"],
    "cancelled": ["cancel"],
}


def act(inv: supplies.Inventory, action: str, rid: int) -> object:
    r = inv.requests
    calls: dict[str, Callable[[], object]] = {
        "submit": lambda: r.submit(rid),
        "approve": lambda: r.approve(rid),
        "reject": lambda: r.reject(rid, reason="not needed"),
        "allocate": lambda: r.allocate(rid),
        "reallocate": lambda: r.reallocate(rid),
        "dispatch": lambda: r.dispatch(rid),
        "receive": lambda: r.receive(rid),
        "close": lambda: r.close(rid),
        "cancel": lambda: r.cancel(rid, reason="duplicate"),
    }
    return calls[action]()


def in_state(disp: supplies.Inventory, incident: int, state: str) -> int:
    rid = disp.requests.create(incident, lines={"TENT12": 5}, **NEAR_TS01).id
    for action in PATH[state]:
        act(disp, action, rid)
    assert disp.requests.show(rid).status == state
    return rid


@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state(disp: supplies.Inventory, incident: int, state: str) -> None:
    disp.as_user("admin").stock.receive("CK-01", "TENT12", 200, batch="B1")
    for action in ACTIONS:
        rid = in_state(disp, incident, state)
        before = disp.requests.show(rid)
        if action in ALLOWED[state]:
            act(disp, action, rid)
            after = disp.requests.show(rid)
            assert after.status == ALLOWED[state][action], action
            assert len(after.events) == len(before.events) + 1
            assert (after.events[-1].from_status, after.events[-1].to_status) == (state, after.status)
            assert after.events[-1].actor == "disp"
        else:
            with pytest.raises(InvalidTransition) as err:
                act(disp, action, rid)
            assert err.value.exit_code == 3
            assert f"is {state}" in str(err.value) and action in str(err.value)
            for allowed in ALLOWED[state]:
                assert allowed in str(err.value)
            after = disp.requests.show(rid)
            assert (after.status, len(after.events)) == (state, len(before.events))
    assert disp.stock.verify().ok


def test_history_records_actor_and_time_of_every_step(staff: supplies.Inventory, incident: int) -> None:
    staff.stock.receive("CK-01", "TENT12", 20, batch="B1")
    disp = staff.as_user("disp")
    rid = disp.requests.create(incident, lines={"TENT12": 5}, dest_point="TS-01").id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)
    staff.as_user("civ").requests.dispatch(rid)
    disp.requests.receive(rid, received={"TENT12": 4})
    staff.requests.close(rid)  # an admin may close
    events = disp.requests.show(rid).events
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (None, "draft", "disp"),
        ("draft", "submitted", "disp"),
        ("submitted", "approved", "disp"),
        ("approved", "allocated", "disp"),
        ("allocated", "dispatched", "civ"),
        ("dispatched", "received", "disp"),
        ("received", "closed", "admin"),
    ]
    times = [e.at for e in events]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert "TENT12: 4 of 5 received" in (events[5].note or "")


def test_refusal_says_the_state_and_what_is_allowed(disp: supplies.Inventory, incident: int) -> None:
    rid = in_state(disp, incident, "draft")
    with pytest.raises(InvalidTransition, match=r"is draft; approve needs it submitted .*submit, cancel"):
        disp.requests.approve(rid)
    rid = in_state(disp, incident, "rejected")
    with pytest.raises(InvalidTransition, match="rejected is final"):
        disp.requests.submit(rid)


def test_only_a_dispatcher_approves_or_rejects(staff: supplies.Inventory, incident: int) -> None:
    disp = staff.as_user("disp")
    rid = in_state(disp, incident, "submitted")
    for who in ("admin", "civ", "keeper", "viewer"):
        for action in ("approve", "reject"):
            with pytest.raises(PermissionDenied):
                act(staff.as_user(who), action, rid)
    assert disp.requests.show(rid).status == "submitted"
    disp.requests.reject(rid, reason="covered by the township's own stock")
    detail = disp.requests.show(rid)
    assert detail.status == "rejected" and detail.events[-1].note == "covered by the township's own stock"


def test_who_may_create_allocate_and_cancel(staff: supplies.Inventory, incident: int) -> None:
    staff.stock.receive("CK-01", "TENT12", 20, batch="B1")
    for who in ("keeper", "viewer", "civ"):
        with pytest.raises(PermissionDenied):
            staff.as_user(who).requests.create(incident, lines={"TENT12": 1}, **NEAR_TS01)
        with pytest.raises(PermissionDenied):
            staff.as_user(who).incidents.add("x", type="flood", level="IV", lat=26.0, lon=106.0)
    rid = staff.requests.create(incident, lines={"TENT12": 5}, **NEAR_TS01).id  # an admin may create
    staff.requests.submit(rid)
    staff.as_user("disp").requests.approve(rid)
    for who in ("keeper", "viewer", "civ"):
        with pytest.raises(PermissionDenied):
            staff.as_user(who).requests.allocate(rid)
        with pytest.raises(PermissionDenied):
            staff.as_user(who).requests.plan()
    staff.requests.allocate(rid)
    for who in ("keeper", "viewer", "civ"):
        with pytest.raises(PermissionDenied):
            staff.as_user(who).requests.cancel(rid)
    assert reserved_total(staff) == 5
    # Everyone with an account may read it.
    assert staff.as_user("viewer").requests.show(rid).status == "allocated"
    assert [p.agency for p in staff.as_user("viewer").requests.pick_lists(rid)] == ["CIV"]


def test_each_agency_dispatches_its_own_share(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 20, batch="T1")
    staff.stock.receive("CK-01", "SANDBAG", 500, batch="S1")
    rid = approved({"TENT12": 10, "SANDBAG": 200}).id
    disp = staff.as_user("disp")
    disp.requests.allocate(rid)
    assert {(p.agency, p.point) for p in disp.requests.pick_lists(rid)} == {("CIV", "CK-01"), ("WAT", "CK-01")}
    with pytest.raises(PermissionDenied):
        staff.as_user("wat").requests.dispatch(rid, agency="CIV")
    with pytest.raises(PermissionDenied):
        staff.as_user("viewer").requests.dispatch(rid)
    staff.users.add("keeper2", role="warehouse", points=["TS-02"], password="keeper-pass-2")
    with pytest.raises(PermissionDenied):  # warehouse staff of another point
        staff.as_user("keeper2").requests.dispatch(rid, agency="WAT")
    first = staff.as_user("wat").requests.dispatch(rid)  # an officer dispatches its own agency's share
    assert (first.agency, first.dispatched, first.waiting, first.status) == ("WAT", 200, 10, "allocated")
    assert [p.agency for p in disp.requests.pick_lists(rid)] == ["CIV"]
    with pytest.raises(RuleViolation, match="nothing reserved for WAT"):
        disp.requests.dispatch(rid, agency="WAT")
    last = staff.as_user("civ").requests.dispatch(rid)
    assert (last.dispatched, last.waiting, last.status) == (10, 0, "dispatched")
    lots = {lot.item: lot for lot in staff.stock.lots()}
    assert (lots["TENT12"].on_hand, lots["TENT12"].reserved) == (10, 0)
    assert (lots["SANDBAG"].on_hand, lots["SANDBAG"].reserved) == (300, 0)
    kinds = [line.kind for line in staff.stock.ledger(item="SANDBAG")]
    assert kinds == ["receive", "reserve", "dispatch"]
    assert staff.stock.verify().ok


def test_a_partly_dispatched_request_cannot_be_cancelled(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 20, batch="T1")
    staff.stock.receive("CK-01", "SANDBAG", 500, batch="S1")
    rid = approved({"TENT12": 10, "SANDBAG": 200}).id
    disp = staff.as_user("disp")
    disp.requests.allocate(rid)
    disp.requests.dispatch(rid, agency="WAT")
    with pytest.raises(InvalidTransition, match="partly dispatched"):
        disp.requests.cancel(rid)
    assert reserved_total(staff) == 10


def test_bad_input_names_the_field(disp: supplies.Inventory, incident: int) -> None:
    cases = [
        (dict(lines={"TENT12": 0}, **NEAR_TS01), "lines.0.quantity"),
        (dict(lines={"TENT12": 2.5}, **NEAR_TS01), "lines.0.quantity"),
        (dict(lines={}, **NEAR_TS01), "lines"),
        (dict(lines="TENT12", **NEAR_TS01), "lines"),
        (dict(lines=[("TENT12", 1), ("TENT12", 2)], **NEAR_TS01), "lines.1.code"),
        (dict(lines={"NOPE": 1}, **NEAR_TS01), "lines.0.code"),
        (dict(lines={"TENT12": 1}), "dest_point"),
        (dict(lines={"TENT12": 1}, dest_lat=26.6), "dest_lon"),
        (dict(lines={"TENT12": 1}, dest_lat=95.0, dest_lon=106.0), "dest_lat"),
        (dict(lines={"TENT12": 1}, dest_point="TS-01", dest_lat=26.6, dest_lon=106.8), "dest_point"),
        (dict(lines={"TENT12": 1}, dest_point="NOWHERE"), "dest_point"),
        (dict(lines={"TENT12": 1}, priority=0, **NEAR_TS01), "priority"),
        (dict(lines={"TENT12": 1}, priority=6, **NEAR_TS01), "priority"),
        (dict(lines={"TENT12": 1}, needed_by="tomorrow", **NEAR_TS01), "needed_by"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as err:
            disp.requests.create(incident, **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field, (kwargs, err.value)
    with pytest.raises(NotFound) as err:
        disp.requests.create(999, lines={"TENT12": 1}, **NEAR_TS01)
    assert err.value.field == "incident_id"
    with pytest.raises(InvalidInput) as err:
        disp.requests.reject(1, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        disp.requests.allocate(1, strategy="fastest")
    assert err.value.field == "strategy"
    with pytest.raises(NotFound) as err:
        disp.requests.show(12345)
    assert err.value.field == "id"
    with pytest.raises(InvalidInput) as err:
        disp.requests.list(status="lost")
    assert err.value.field == "status"
    assert disp.requests.list() == []


def test_incidents(disp: supplies.Inventory) -> None:
    inc = disp.incidents.add("山体滑坡", type="landslide", level="III", lat=26.5, lon=106.7, population=120)
    assert disp.incidents.get(inc.id).as_dict()["type"] == "landslide"
    for bad, field in [
        (dict(type="tsunami"), "type"),
        (dict(level="V"), "level"),
        (dict(lat=-91.0), "lat"),
        (dict(population=-1), "population"),
    ]:
        args = dict(type="flood", level="I", lat=26.0, lon=106.0) | bad
        with pytest.raises(InvalidInput) as err:
            disp.incidents.add("x", **args)  # type: ignore[arg-type]
        assert err.value.field == field
    rid = disp.requests.create(inc.id, lines={"TENT12": 1}, dest_point="TS-02").id
    with pytest.raises(RuleViolation, match=f"#{rid} \\(draft\\)"):
        disp.incidents.close(inc.id)
    disp.requests.cancel(rid)
    assert disp.incidents.close(inc.id).status == "closed"
    assert [i.id for i in disp.incidents.list(status="open")] == []
    with pytest.raises(RuleViolation, match="closed"):
        disp.requests.create(inc.id, lines={"TENT12": 1}, dest_point="TS-02")


def test_a_class_handed_over_after_allocation_is_dispatched_by_its_new_agency(
    staff: supplies.Inventory, approved
) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "TENT12", 20, batch="T1")
    rid = approved({"TENT12": 10}).id
    disp = staff.as_user("disp")
    disp.requests.allocate(rid)
    staff.classes.handover("LIVING", to_agency="WAT", reason="reorganisation")
    assert [p.agency for p in disp.requests.pick_lists(rid)] == ["WAT"]
    assert [a.agency for a in disp.requests.show(rid).allocations] == ["WAT"]
    with pytest.raises(RuleViolation, match="nothing reserved for CIV"):
        staff.as_user("civ").requests.dispatch(rid)
    with pytest.raises(PermissionDenied):
        staff.as_user("civ").requests.dispatch(rid, agency="WAT")
    result = staff.as_user("wat").requests.dispatch(rid)
    assert (result.agency, result.dispatched, result.status) == ("WAT", 10, "dispatched")
    assert staff.stock.verify().ok


def test_warehouse_staff_dispatch_the_rows_at_their_own_points(staff: supplies.Inventory, approved) -> None:  # type: ignore[no-untyped-def]
    staff.stock.receive("CK-01", "QUILT", 6, batch="Q1")
    staff.stock.receive("TS-01", "QUILT", 5, batch="Q2")
    staff.stock.receive("TS-02", "QUILT", 5, batch="Q3")
    rid = approved({"QUILT": 16}).id
    disp = staff.as_user("disp")
    disp.requests.allocate(rid)
    assert {p.point for p in disp.requests.pick_lists(rid)} == {"CK-01", "TS-01", "TS-02"}
    keeper = staff.as_user("keeper")  # warehouse staff of CK-01 only
    assert [(r.point, r.quantity) for r in keeper.requests.share(rid)] == [("CK-01", 6)]
    mine = keeper.requests.dispatch(rid)
    assert [(r.point, r.quantity) for r in mine.rows] == [("CK-01", 6)]
    assert (mine.dispatched, mine.waiting, mine.status) == (6, 10, "allocated")
    with pytest.raises(PermissionDenied) as err:  # nothing left that is theirs: it says whose the rest is
        keeper.requests.dispatch(rid)
    assert "TS-01 (CIV): 1 row" in err.value.reason and "TS-02 (CIV): 1 row" in err.value.reason
    assert keeper.requests.share(rid) == []
    assert disp.requests.dispatch(rid, point="TS-01").dispatched == 5
    assert disp.requests.dispatch(rid).status == "dispatched"
    assert [x.on_hand for x in staff.stock.lots(item="QUILT")] == []
    assert staff.stock.verify().ok
