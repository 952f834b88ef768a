"""Jurisdictions: a city over two counties, each answering for its own reserves and escalating shortfalls up."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

import supplies
from supplies.errors import NotFound, OneAgencyRuleViolation, PermissionDenied, RuleViolation
from tests.jurisdiction_city import CHANGSHUN, CITY, HUISHUI, approved_request, build_city


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    return build_city(inv)


def lots_by_point(inv: supplies.Inventory) -> dict[str, tuple[str, int]]:
    return {lot.point: (lot.agency, lot.on_hand) for lot in inv.stock.lots()}


def test_each_lot_belongs_to_the_agency_answering_for_its_class_where_its_point_is(city: supplies.Inventory) -> None:
    assert lots_by_point(city) == {
        "QN-CK": ("QN-YJ", 100),
        "HS-CK": ("HS-MZ", 30),
        "HS-TS": ("HS-MZ", 10),  # a township point belongs to its county
        "CS-CK": ("CS-MZ", 200),
    }
    assert city.regions.jurisdiction_of("522731101").code == HUISHUI
    assert city.regions.jurisdiction_of("522731999888").code == HUISHUI  # a village not loaded: by its code
    assert city.stock.verify().ok


def test_a_class_without_an_agency_in_a_jurisdiction_cannot_be_stocked_there(city: supplies.Inventory) -> None:
    city.classes.add("FLOOD", "防汛类", agency="QN-YJ")
    city.items.add("BAG", "编织袋", supply_class="FLOOD", unit="条")
    with pytest.raises(OneAgencyRuleViolation, match="class assign FLOOD"):
        city.stock.receive("HS-CK", "BAG", 5)
    city.stock.receive("QN-CK", "BAG", 5)
    city.classes.assign("FLOOD", agency="HS-MZ")
    city.stock.receive("HS-CK", "BAG", 5)
    assert dict(city.classes.responsibilities("FLOOD")) == {CITY: "QN-YJ", HUISHUI: "HS-MZ"}


def test_the_database_holds_the_rule_per_jurisdiction(city: supplies.Inventory) -> None:
    with pytest.raises(IntegrityError), city.engine.begin() as conn:  # what a SQL shell with keys on would try
        conn.execute(
            text(
                "UPDATE stock_lot SET agency_id = (SELECT id FROM agency WHERE code = 'QN-YJ')"
                " WHERE point_id = (SELECT id FROM storage_point WHERE code = 'HS-CK')"
            )
        )


def test_a_handover_moves_one_jurisdictions_stock_only(city: supplies.Inventory) -> None:
    city.agencies.add("HS-YJ", "惠水县应急管理局", region_code=HUISHUI)
    city.classes.handover("LIVING", to_agency="HS-YJ")
    assert lots_by_point(city)["HS-CK"] == ("HS-YJ", 30) and lots_by_point(city)["CS-CK"] == ("CS-MZ", 200)
    assert city.stock.verify().ok


def test_scoped_roles_see_and_act_on_their_subtree_only(city: supplies.Inventory) -> None:
    county = city.as_user("hs-disp")
    assert {lot.point for lot in county.stock.lots()} == {"HS-CK", "HS-TS"}
    assert {p.code for p in county.points.list()} == {"HS-CK", "HS-TS"}
    assert {lot.point for lot in city.as_user("city-disp").stock.lots()} == {"QN-CK", "HS-CK", "HS-TS", "CS-CK"}
    assert {lot.point for lot in city.as_user("cs-view").stock.lots()} == {"CS-CK"}
    county_admin = city.as_user("hs-admin")
    county_admin.stock.receive("HS-CK", "TENT", 1, batch="B1")
    with pytest.raises(PermissionDenied):
        county_admin.stock.receive("CS-CK", "TENT", 1, batch="B1")
    with pytest.raises(PermissionDenied):
        county_admin.points.add("X", "x", level="county", lat=26, lon=106, region_code=CHANGSHUN)
    with pytest.raises(PermissionDenied):
        county_admin.users.add("spy", role="viewer", region=CITY, web_login=False)
    assert {u.name for u in county_admin.users.list()} == {"hs-disp", "hs-admin"}


def test_a_county_is_served_from_its_own_subtree_and_escalates_the_shortfall(city: supplies.Inventory) -> None:
    county = city.as_user("hs-disp")
    rid = approved_request(county, 100, "HS-CK")
    plan = county.requests.allocate(rid)
    assert {(r.point, r.quantity) for r in plan.rows} == {("HS-CK", 30), ("HS-TS", 10)}
    assert sum(s.short for s in plan.shortfalls) == 60

    above = county.requests.escalate(rid)
    assert (above.jurisdiction, above.escalated_from, above.status) == (CITY, rid, "submitted")
    assert [(ln.code, ln.quantity) for ln in city.requests.show(above.id).lines] == [("TENT", 60)]
    with pytest.raises(RuleViolation, match="no shortfall left"):
        county.requests.escalate(rid)  # asked once, not twice
    with pytest.raises(PermissionDenied):
        county.requests.approve(above.id)  # the city's to decide
    with pytest.raises(NotFound):
        city.as_user("cs-view").requests.show(rid)  # another county's request is not even there

    state = city.as_user("city-disp")
    state.requests.approve(above.id)
    served = state.requests.allocate(above.id)
    # The county's own stock is all reserved for its own request: the city serves the shortfall from
    # the nearest stock of its subtree, the other county's depot (tents moving between counties).
    assert {r.point for r in served.rows} == {"CS-CK"} and sum(r.quantity for r in served.rows) == 60
    assert not served.shortfalls
    detail = county.requests.show(rid)
    assert [e.id for e in detail.escalations] == [above.id]
    assert sum(r.quantity for r in detail.escalations[0].allocations) == 60

    # Tents arriving in the county later are not reserved a second time for what the city serves.
    city.stock.receive("HS-CK", "TENT", 50, batch="B2")
    county.requests.allocate(rid)
    assert sum(r.quantity for r in county.requests.show(rid).allocations) == 40
    assert sum(lot.reserved for lot in city.stock.lots()) == 100  # 40 for the county's request, 60 for the city's

    # The other county's clerk dispatches the city's rows at their depot.
    city.as_user("cs-keeper").requests.dispatch(above.id)
    assert city.requests.show(above.id).status == "dispatched"
    assert city.stock.verify().ok


def test_a_county_allocation_reads_the_county_subtree_once(city: supplies.Inventory) -> None:
    """The dispatcher's own subtree, read with the dispatcher, also bounds the request's points: one
    read of the region tree per allocation, not one for the user and another for the request."""
    county = city.as_user("hs-disp")
    rid = approved_request(county, 100, "HS-CK")
    subtree_reads = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "FROM region" in statement and "WHERE region.path" in statement:
            subtree_reads.append(statement)

    event.listen(county.engine, "before_cursor_execute", seen)
    try:
        plan = county.requests.allocate(rid, dry_run=True)
    finally:
        event.remove(county.engine, "before_cursor_execute", seen)
    assert {(r.point, r.quantity) for r in plan.rows} == {("HS-CK", 30), ("HS-TS", 10)}
    assert len(subtree_reads) == 1


def test_cancelling_the_county_request_cancels_what_it_asked_above(city: supplies.Inventory) -> None:
    county = city.as_user("hs-disp")
    rid = approved_request(county, 100, "HS-CK")
    county.requests.allocate(rid)
    above = county.requests.escalate(rid)
    state = city.as_user("city-disp")
    state.requests.approve(above.id)
    state.requests.allocate(above.id)
    free_before = {lot.point: lot.free for lot in city.stock.lots()}
    county.requests.cancel(rid, reason="water went down")
    assert city.requests.show(above.id).status == "cancelled"
    assert {lot.point: lot.free for lot in city.stock.lots()} == {lot.point: lot.on_hand for lot in city.stock.lots()}
    assert free_before != {lot.point: lot.free for lot in city.stock.lots()}
    assert city.stock.verify().ok


def test_cancelling_the_escalation_lets_the_county_ask_again(city: supplies.Inventory) -> None:
    county = city.as_user("hs-disp")
    rid = approved_request(county, 100, "HS-CK")
    county.requests.allocate(rid)
    above = county.requests.escalate(rid)
    city.as_user("city-disp").requests.cancel(above.id, reason="served by the province instead")
    again = county.requests.escalate(rid)
    assert again.id != above.id and [ln.quantity for ln in city.requests.show(again.id).lines] == [60]


def test_the_top_jurisdiction_has_no_one_to_ask(city: supplies.Inventory) -> None:
    city.users.add("top-disp", role="dispatcher", web_login=False)
    top = city.as_user("top-disp")
    incident = top.incidents.add("x", type="flood", level="IV", lat=26.1, lon=106.6, population=5)
    rid = top.requests.create(incident.id, lines={"TENT": 10_000}, dest_point="HS-CK").id
    top.requests.submit(rid)
    top.requests.approve(rid)
    assert sum(r.quantity for r in top.requests.allocate(rid).rows) == 340  # every point of the installation
    with pytest.raises(RuleViolation, match="no level above"):
        top.requests.escalate(rid)


def test_the_city_sees_each_county_beside_its_own_depot_and_the_total(city: supplies.Inventory) -> None:
    city.targets.set("TENT", 100, point="HS-CK")
    rows = city.as_user("city-disp").stock.rollup()
    table = {(r.jurisdiction, r.part): (r.on_hand, r.target, r.gap) for r in rows if r.item == "TENT"}
    assert table == {
        (CHANGSHUN, "child"): (200, 0, 0),
        (HUISHUI, "child"): (40, 100, 60),  # the township's 10 count with its county
        (CITY, "own"): (100, 0, 0),
        (CITY, "total"): (340, 100, 0),
    }
    county = {(r.jurisdiction, r.part) for r in city.as_user("hs-disp").stock.rollup()}
    assert county == {(HUISHUI, "own"), (HUISHUI, "total")}
    with pytest.raises(PermissionDenied):
        city.as_user("hs-disp").stock.rollup(jurisdiction=CITY)
