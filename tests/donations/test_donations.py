"""Donations of goods: donors, triage on arrival, restrictions honoured by allocation, pledges, the letter,
classification of goods not in the catalog, and the public disclosure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import col

import supplies
from supplies.config import local_today
from supplies.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from supplies.models.donations import Donation
from tests.examples import examples

NEAR_TS01 = dict(dest_lat=26.61, dest_lon=106.81)
# Near TS-02 (河口镇, 520102002): far from TS-01.
NEAR_TS02 = dict(dest_lat=26.41, dest_lon=106.61)


@pytest.fixture
def county_d(county: supplies.Inventory) -> supplies.Inventory:
    """The county with a dispatcher, a donor of each kind and an anonymous one."""
    county.users.add("disp", role="dispatcher", web_login=False)
    county.users.add("viewer", role="viewer", web_login=False)
    county.donors.add("D-ZHANG", "张三", kind="person", contact="13800000000")
    county.donors.add("D-CO", "贵州某商贸有限公司", kind="company")
    county.donors.add("D-ANON", "李四", kind="person", anonymous=True)
    return county


def incident(inv: supplies.Inventory, name: str = "河口镇洪涝", type: str = "flood", **kw: Any) -> int:
    return inv.as_user("disp").incidents.add(name, type=type, level="II", lat=26.61, lon=106.81, **kw).id


def request(inv: supplies.Inventory, inc: int, lines: Any, **where: Any) -> int:
    disp = inv.as_user("disp")
    rid = disp.requests.create(inc, lines=lines, **(where or NEAR_TS01)).id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    return rid


def test_a_usable_donation_enters_stock_through_the_ledger(county_d: supplies.Inventory) -> None:
    d = county_d.as_user("keeper").donations.receive("D-ZHANG", "CK-01", "QUILT", 40, certificate="JZ-2026-0001")
    assert (d.quantity, d.triage, d.batch, d.certificate, d.in_stock) == (
        40,
        "urgent",
        "JZ-2026-0001",
        "JZ-2026-0001",
        True,
    )
    lot = county_d.stock.lot(d.lot_id)
    assert (lot.mode, lot.on_hand, lot.batch, lot.agency) == ("donation", 40, "JZ-2026-0001", "CIV")
    lines = county_d.stock.ledger(point="CK-01")
    assert [(m.kind, m.qty, m.reference) for m in lines] == [("receive", 40, f"donation:{d.id}")]
    assert county_d.stock.verify().ok


def test_without_batch_or_certificate_the_lot_is_the_donations_own(county_d: supplies.Inventory) -> None:
    d = county_d.donations.receive("D-CO", "CK-01", "QUILT", 5, triage="later")
    assert d.batch == f"DON-{d.id}" and d.certificate == f"DON-{d.id}" and d.triage == "later"


def test_unusable_goods_are_recorded_and_disposed_of_never_stock(county_d: supplies.Inventory) -> None:
    with pytest.raises(InvalidInput) as err:
        county_d.donations.receive("D-ZHANG", "CK-01", "QUILT", 3, triage="unusable")
    assert err.value.field == "reason"
    d = county_d.donations.receive("D-ZHANG", "CK-01", "QUILT", 3, triage="unusable", reason="受潮发霉")
    assert d.lot_id is None and d.disposed_at is not None and d.reason == "受潮发霉"
    assert county_d.stock.lots(with_stock_only=False) == []
    assert county_d.stock.verify().ok
    assert "disposed of" in county_d.donations.letter(d.id)


def test_one_restriction_at_most_and_it_must_exist(county_d: supplies.Inventory) -> None:
    inc = incident(county_d)
    with pytest.raises(InvalidInput) as err:
        county_d.donations.receive("D-CO", "CK-01", "QUILT", 3, incident=inc, region="520102")
    assert err.value.field == "region"
    with pytest.raises(NotFound) as nf:
        county_d.donations.receive("D-CO", "CK-01", "QUILT", 3, incident=999)
    assert nf.value.field == "incident"
    with pytest.raises(InvalidInput) as bad:
        county_d.donations.receive("D-CO", "CK-01", "QUILT", 3, purpose="picnic")
    assert bad.value.field == "purpose"


def test_a_lot_is_topped_up_only_by_the_same_donor_under_the_same_restriction(county_d: supplies.Inventory) -> None:
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 3, batch="B1")
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 4, batch="B1")
    with pytest.raises(RuleViolation) as err:
        county_d.donations.receive("D-ZHANG", "CK-01", "QUILT", 1, batch="B1")
    assert err.value.field == "batch"
    county_d.stock.receive("CK-01", "QUILT", 5, batch="GOV")
    with pytest.raises(InvalidInput) as gov:  # a government lot: another reserve mode
        county_d.donations.receive("D-CO", "CK-01", "QUILT", 1, batch="GOV")
    assert gov.value.field == "batch"
    assert {x.batch: x.on_hand for x in county_d.stock.lots()} == {"B1": 7, "GOV": 5}


def test_only_those_who_may_receive_at_the_point_receive_donations(county_d: supplies.Inventory) -> None:
    with pytest.raises(PermissionDenied):
        county_d.as_user("keeper").donations.receive("D-CO", "TS-01", "QUILT", 1)
    with pytest.raises(PermissionDenied):
        county_d.as_user("viewer").donors.add("D-X", "某人")


def test_an_incident_restricted_donation_serves_only_that_incident(county_d: supplies.Inventory) -> None:
    flood = incident(county_d)
    other = incident(county_d, "城关镇火灾", type="forest_fire")
    county_d.donations.receive("D-CO", "TS-01", "QUILT", 10, incident=flood)
    rid = request(county_d, other, {"QUILT": 5})
    plan = county_d.as_user("disp").requests.allocate(rid, strategy="earliest")
    assert plan.allocated == 0
    rid2 = request(county_d, flood, {"QUILT": 5})
    plan2 = county_d.as_user("disp").requests.allocate(rid2, strategy="optimal")
    assert plan2.allocated == 5


def test_a_region_restricted_donation_serves_only_destinations_in_that_region(county_d: supplies.Inventory) -> None:
    flood = incident(county_d)
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 10, region="520102002")
    outside = request(county_d, flood, {"QUILT": 4}, dest_point="TS-01")
    assert county_d.as_user("disp").requests.allocate(outside).allocated == 0
    inside = request(county_d, flood, {"QUILT": 4}, dest_point="TS-02")
    assert county_d.as_user("disp").requests.allocate(inside, strategy="optimal").allocated == 4


def test_a_purpose_restricted_donation_serves_only_incidents_of_that_type(county_d: supplies.Inventory) -> None:
    fire = incident(county_d, "山火", type="forest_fire")
    flood = incident(county_d)
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 10, purpose="flood")
    assert county_d.as_user("disp").requests.allocate(request(county_d, fire, {"QUILT": 2})).allocated == 0
    assert county_d.as_user("disp").requests.allocate(request(county_d, flood, {"QUILT": 2})).allocated == 2


def test_readiness_counts_unrestricted_donations_only(county_d: supplies.Inventory) -> None:
    flood = incident(county_d)
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 10, incident=flood)
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 7)
    lots = {x.batch: x for x in county_d.stock.lots()}
    assert sum(x.on_hand for x in lots.values()) == 17
    from supplies.services.base import Service
    from supplies.services.readiness.check import _Stock

    with Service(county_d)._work(write=False) as (s, actor):
        stock = _Stock(s, actor, {"QUILT"}, local_today())
    assert int(stock.g_free.sum()) == 7


def test_a_transfer_carries_the_restriction(county_d: supplies.Inventory) -> None:
    flood = incident(county_d)
    fire = incident(county_d, "山火", type="forest_fire")
    d = county_d.donations.receive("D-CO", "CK-01", "QUILT", 10, incident=flood)
    county_d.stock.transfer("CK-01", "TS-01", "QUILT", 6, batch=d.batch)
    assert county_d.as_user("disp").requests.allocate(request(county_d, fire, {"QUILT": 2})).allocated == 0
    got = county_d.as_user("disp").requests.allocate(request(county_d, flood, {"QUILT": 10}))
    assert got.allocated == 10 and {r.point for r in got.rows} == {"CK-01", "TS-01"}


def test_pledges_and_their_fulfilment(county_d: supplies.Inventory) -> None:
    p = county_d.donations.pledge("D-CO", "QUILT", 100, due=local_today() + timedelta(days=10))
    assert (p.received, p.outstanding, p.status) == (0, 100, "open")
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 60, pledge=p.id)
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 5, pledge=p.id, triage="unusable", reason="破损")
    (p2,) = county_d.donations.pledges()
    assert (p2.received, p2.outstanding) == (60, 40)
    with pytest.raises(RuleViolation) as err:
        county_d.donations.receive("D-ZHANG", "CK-01", "QUILT", 1, pledge=p.id)
    assert err.value.field == "pledge"
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 40, pledge=p.id)
    assert county_d.donations.pledges(open_only=True) == []


def test_the_letter_names_the_donor_the_goods_and_the_certificate_never_the_contact(
    county_d: supplies.Inventory,
) -> None:
    flood = incident(county_d)
    d = county_d.donations.receive("D-ZHANG", "CK-01", "QUILT", 40, certificate="JZ-9", incident=flood)
    text = county_d.donations.letter(d.id)
    assert "张三" in text and "JZ-9" in text and "40" in text and f"#{flood}" in text
    assert "13800000000" not in text
    with pytest.raises(NotFound):
        county_d.donations.letter(9999)


def test_the_letter_dates_the_gift_on_the_departments_day(county_d: supplies.Inventory, monkeypatch: Any) -> None:
    # Received at 02:30 in China, which is 18:30 UTC the day before: the letter says the 3rd.
    monkeypatch.setenv("SUPPLIES_TIMEZONE", "Asia/Shanghai")
    d = county_d.donations.receive("D-ZHANG", "CK-01", "QUILT", 40)
    with county_d.engine.begin() as conn:
        conn.execute(
            update(Donation)
            .where(col(Donation.id) == d.id)
            .values(received_at=datetime(2025, 12, 2, 18, 30, tzinfo=UTC))
        )
    assert "2025-12-03" in county_d.donations.letter(d.id)


def test_goods_not_in_the_catalog_are_received_to_classify_then_classified(county_d: supplies.Inventory) -> None:
    with pytest.raises(RuleViolation) as err:
        county_d.donations.receive("D-CO", "CK-01", "X-STOVE", 3, new_item_name="小火炉", unit="台")
    assert err.value.field == "item"
    county_d.classes.add("TO-CLASSIFY", "待分类物资", agency="CIV")
    d = county_d.donations.receive("D-CO", "CK-01", "X-STOVE", 3, new_item_name="小火炉", unit="台", region="520102")
    assert d.item == "X-STOVE"
    with pytest.raises(InvalidInput) as need:
        county_d.donations.classify("X-STOVE", "LIVING")
    assert need.value.field == "as_item"
    moved = county_d.donations.classify("X-STOVE", "LIVING", as_item="STOVE")
    assert moved.code == "STOVE"
    lots = {x.item: x for x in county_d.stock.lots()}
    assert lots["STOVE"].on_hand == 3 and lots["STOVE"].mode == "donation" and "X-STOVE" not in lots
    assert county_d.stock.verify().ok
    rows = county_d.donations.disclosure().rows
    assert [(r["item"], r["received"], r["remaining"]) for r in rows] == [("STOVE", 3, 3)]
    # An item that never had stock moves itself.
    county_d.donations.receive(
        "D-CO", "CK-01", "X-LAMP", 1, new_item_name="灯", unit="个", triage="unusable", reason="坏"
    )
    assert county_d.donations.classify("X-LAMP", "LIVING").code == "X-LAMP"
    with pytest.raises(RuleViolation):
        county_d.donations.classify("QUILT", "LIVING")


def test_the_disclosure_per_donor_and_item(county_d: supplies.Inventory) -> None:
    flood = incident(county_d)
    county_d.donations.receive("D-CO", "TS-01", "QUILT", 30, incident=flood)
    county_d.donations.receive("D-ANON", "TS-01", "QUILT", 8)
    county_d.donations.receive("D-ZHANG", "CK-01", "TENT12", 2, triage="unusable", reason="破损")
    rid = request(county_d, flood, {"QUILT": 20})
    disp = county_d.as_user("disp")
    disp.requests.allocate(rid)
    disp.requests.dispatch(rid)
    rep = county_d.donations.disclosure()
    rows = {(r["donor"], r["item"]): r for r in rep.rows}
    co = rows[("贵州某商贸有限公司", "QUILT")]
    assert (co["received"], co["allocated"], co["distributed"], co["remaining"]) == (30, 20, 20, 10)
    assert rows[("匿名", "QUILT")]["received"] == 8
    assert all("李四" not in str(v) and "13800000000" not in str(v) for r in rep.rows for v in r.values())
    only = county_d.donations.disclosure(incident=flood).rows
    assert [(r["donor"], r["received"], r["distributed"]) for r in only] == [("贵州某商贸有限公司", 30, 20)]
    later = county_d.donations.disclosure(since=local_today() + timedelta(days=1)).rows
    assert later and all((r["received"], r["allocated"], r["distributed"]) == (0, 0, 0) for r in later)
    before = county_d.donations.disclosure(until=local_today() - timedelta(days=1)).rows
    assert before == []  # nothing had been received yet: nothing remained at that period's end
    assert county_d.stock.verify().ok


def test_lists_of_donors_and_donations(county_d: supplies.Inventory) -> None:
    assert [d.code for d in county_d.donors.list()] == ["D-ANON", "D-CO", "D-ZHANG"]
    assert county_d.donors.get("D-ANON").shown_as == "匿名"
    county_d.donations.receive("D-CO", "CK-01", "QUILT", 3)
    county_d.donations.receive("D-ZHANG", "TS-01", "QUILT", 3)
    assert [d.donor for d in county_d.donations.list()] == ["D-CO", "D-ZHANG"]
    assert [d.donor for d in county_d.donations.list(donor="D-ZHANG")] == ["D-ZHANG"]
    assert [d.point for d in county_d.as_user("keeper").donations.list()] == ["CK-01"]
    with pytest.raises(InvalidInput):
        county_d.donors.add("D-CO", "again")


# -- properties ----------------------------------------------------------------------------------

RESTRICTIONS = st.sampled_from(["none", "incident", "other_incident", "region_in", "region_out", "flood", "fire"])
donation = st.tuples(RESTRICTIONS, st.sampled_from(["CK-01", "TS-01", "TS-02"]), st.integers(1, 20))


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    donations=st.lists(donation, min_size=1, max_size=6),
    asked=st.integers(1, 60),
    strategy=st.sampled_from(["earliest", "optimal"]),
    unusable=st.integers(0, 5),
)
def test_restrictions_are_never_violated_by_either_strategy(
    databases: Any, donations: list[tuple[str, str, int]], asked: int, strategy: str, unusable: int
) -> None:
    inv = databases.fresh_inventory()
    try:
        inv.agencies.add("CIV", "民政局")
        inv.classes.add("LIVING", "生活类", agency="CIV")
        inv.items.add("QUILT", "棉被", supply_class="LIVING", unit="床")
        for code, lat, region in (
            ("CK-01", 26.58, "520102"),
            ("TS-01", 26.60, "520102001"),
            ("TS-02", 26.40, "520102002"),
        ):
            inv.points.add(code, code, level="county", lat=lat, lon=106.7, region_code=region)
        inv.users.add("disp", role="dispatcher", web_login=False)
        inv.donors.add("D", "捐赠人", kind="company")
        flood = incident(inv, "洪涝", type="flood", region_code="520102001")
        other = incident(inv, "地震", type="earthquake")
        kwargs = {
            "none": {},
            "incident": {"incident": flood},
            "other_incident": {"incident": other},
            "region_in": {"region": "520102001"},
            "region_out": {"region": "520102002"},
            "flood": {"purpose": "flood"},
            "fire": {"purpose": "forest_fire"},
        }
        allowed: dict[int, bool] = {}
        for kind, point, qty in donations:
            d = inv.donations.receive("D", point, "QUILT", qty, **kwargs[kind])
            allowed[d.lot_id] = kind in ("none", "incident", "region_in", "flood")
        if unusable:
            inv.donations.receive("D", "CK-01", "QUILT", unusable, triage="unusable", reason="坏")
        rid = request(inv, flood, {"QUILT": asked}, dest_point="TS-01")
        plan = inv.as_user("disp").requests.allocate(rid, strategy=strategy)
        assert all(allowed[r.lot_id] for r in plan.rows), plan.rows
        can = sum(lot.on_hand for lot in inv.stock.lots() if allowed.get(lot.lot_id, False))
        assert plan.allocated == min(asked, can)
        lots = inv.stock.lots(with_stock_only=False)
        assert sum(x.on_hand for x in lots) == sum(q for _k, _p, q in donations)
        assert all(0 <= x.reserved <= x.on_hand for x in lots)
        assert inv.stock.verify().ok
        rep = inv.donations.disclosure()
        assert sum(r["received"] for r in rep.rows) == sum(q for _k, _p, q in donations)
        assert sum(r["allocated"] for r in rep.rows) == plan.allocated
    finally:
        inv.close()
