"""The map layers (inv.map): GeoJSON of points with stock per class, open incidents, township readiness and reach."""

from __future__ import annotations

import json

import pytest

import supplies
from supplies.errors import InvalidInput, NotFound
from tests.jurisdiction_city import HUISHUI, build_city


@pytest.fixture
def city(inv: supplies.Inventory) -> supplies.Inventory:
    return build_city(inv)


def codes(fc: dict) -> list[str]:  # type: ignore[type-arg]
    return [f["properties"]["code"] for f in fc["features"]]


def test_points_are_geojson_with_available_stock_per_class(city: supplies.Inventory) -> None:
    city.items.add("QUILT", "棉被", supply_class="LIVING", unit="床")
    city.stock.receive("HS-CK", "QUILT", 50, batch="Q1")
    fc = city.map.points()
    json.dumps(fc)  # plain JSON, ready to serve
    assert fc["type"] == "FeatureCollection"
    assert codes(fc) == ["CS-CK", "HS-CK", "HS-TS", "QN-CK"]
    hs = next(f for f in fc["features"] if f["id"] == "HS-CK")
    assert hs["geometry"] == {"type": "Point", "coordinates": [106.66, 26.13]}  # longitude first
    props = hs["properties"]
    assert (props["name"], props["kind"], props["region"], props["agency"]) == (
        "惠水县储备库",
        "depot",
        HUISHUI,
        "HS-MZ",
    )
    assert props["stock"] == {"LIVING": 80} and props["available"] == 80


def test_stock_per_class_equals_the_stock_summary(city: supplies.Inventory) -> None:
    city.classes.add("FLOOD", "防汛类", agency="QN-YJ")
    city.classes.assign("FLOOD", agency="HS-MZ")
    city.items.add("PUMP", "水泵", supply_class="FLOOD", unit="台")
    city.stock.receive("HS-TS", "PUMP", 4, batch="P1")
    disp = city.as_user("hs-disp")
    incident = disp.incidents.add("涟江洪水", type="flood", level="IV", lat=26.1, lon=106.6, population=500)
    rid = disp.requests.create(incident.id, lines={"TENT": 25}, dest_point="HS-TS").id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)  # reserves 25 tents: no longer available
    for user in ("admin", "hs-disp", "cs-keeper"):
        reader = city.as_user(user)
        summary = {
            (r.key["point"], r.key["class"]): r.free for r in reader.stock.summary(by=("point", "class")) if r.free
        }
        layer = {(f["id"], c): q for f in reader.map.points()["features"] for c, q in f["properties"]["stock"].items()}
        assert layer == summary, user
    assert sum(q for (p, _), q in layer.items()) == 200  # cs-keeper: CS-CK only


def test_a_county_user_sees_only_their_points_and_incidents(city: supplies.Inventory) -> None:
    city.as_user("hs-disp").incidents.add("好花红山洪", type="flood", level="IV", lat=26.06, lon=106.64)
    city.as_user("cs-disp").incidents.add("长顺山火", type="forest_fire", level="IV", lat=26.0, lon=106.4)
    assert codes(city.as_user("hs-disp").map.points()) == ["HS-CK", "HS-TS"]
    assert codes(city.as_user("cs-view").map.points()) == ["CS-CK"]
    assert codes(city.as_user("cs-keeper").map.points()) == ["CS-CK"]
    assert codes(city.as_user("city-disp").map.points()) == ["CS-CK", "HS-CK", "HS-TS", "QN-CK"]
    names = [f["properties"]["name"] for f in city.as_user("hs-disp").map.incidents()["features"]]
    assert names == ["好花红山洪"]
    assert len(city.as_user("city-admin").map.incidents()["features"]) == 2


def test_points_by_kind(city: supplies.Inventory) -> None:
    city.points.add(
        "HS-SH", "惠水县避难场所", level="county", kind="shelter", lat=26.14, lon=106.65, region_code=HUISHUI
    )
    shelters = city.map.points(kind="shelter")
    assert codes(shelters) == ["HS-SH"]
    assert shelters["features"][0]["properties"]["stock"] == {}
    with pytest.raises(InvalidInput) as bad:
        city.map.points(kind="castle")
    assert bad.value.field == "kind"


def test_closed_incidents_leave_the_map(city: supplies.Inventory) -> None:
    incident = city.incidents.add("旧灾", type="flood", level="IV", lat=26.1, lon=106.6)
    assert len(city.map.incidents()["features"]) == 1
    city.incidents.close(incident.id)
    assert city.map.incidents()["features"] == []


def test_reach_lists_the_points_that_arrive_in_time_nearest_first(city: supplies.Inventory) -> None:
    incident = city.incidents.add("涟江洪水", type="flood", level="IV", lat=26.1, lon=106.6, population=500)
    near = city.map.reach(incident.id, 3)
    assert codes(near) == ["HS-TS", "HS-CK", "CS-CK"]  # the city's depot, 90 km away, is not in 3 hours
    etas = [f["properties"]["eta_hours"] for f in near["features"]]
    assert etas == sorted(etas) and all(e <= 3 for e in etas)
    assert near["incident"]["id"] == incident.id and near["hours"] == 3
    assert near["features"][0]["properties"]["stock"] == {"LIVING": 10}
    assert "QN-CK" in codes(city.map.reach(incident.id, 12))
    # A known road time replaces the straight line: the township point is cut off by the flood.
    city.travel_times.set("HS-TS", 8, to_region=HUISHUI)
    city.incidents.close(incident.id)
    cut = city.incidents.add("涟江洪水二", type="flood", level="IV", lat=26.1, lon=106.6, region_code=HUISHUI)
    assert "HS-TS" not in codes(city.map.reach(cut.id, 3))


def test_reach_of_another_countys_incident_is_not_found(city: supplies.Inventory) -> None:
    other = city.as_user("cs-disp").incidents.add("长顺山火", type="forest_fire", level="IV", lat=26.0, lon=106.4)
    assert codes(city.as_user("cs-view").map.reach(other.id, 6)) == ["CS-CK"]
    with pytest.raises(NotFound) as missing:
        city.as_user("hs-disp").map.reach(other.id, 6)
    assert missing.value.field == "incident"
    with pytest.raises(InvalidInput) as bad:
        city.map.reach(other.id, -1)
    assert bad.value.field == "hours"


def test_townships_are_coloured_by_coverage(city: supplies.Inventory) -> None:
    city.points.add("HS-T2", "好花红镇二号点", level="township", lat=26.07, lon=106.60, region_code="522731101")
    city.points.add("HS-T3", "好花红镇三号点", level="township", lat=26.03, lon=106.58, region_code="522731101")
    city.readiness.load_default_norms()
    city.readiness.link("shelter", "TENT", amount_per_unit=12)  # a 12 m² tent
    fc = city.as_user("hs-disp").map.townships(population=100, hours=12)
    assert [f["id"] for f in fc["features"]] == ["522731101"]
    town = fc["features"][0]
    assert town["geometry"]["type"] == "Polygon"  # the hull of its three points: regions hold no boundaries
    ring = town["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 4
    props = town["properties"]
    assert props["name"] == "好花红镇" and props["points"] == ["HS-T2", "HS-T3", "HS-TS"]
    assert 0 < props["coverage"] < 1 and "shelter" not in props["short_needs"]  # tents reach; water does not
    assert fc["population"] == 100
    assert city.as_user("cs-view").map.townships()["features"] == []  # not 长顺县's township
