"""Each resource of the API answers what the library answers for the token's user, with problems for refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import supplies

from .conftest import ApiAs


def test_points_classes_and_items(api_as: ApiAs, town: supplies.Inventory) -> None:
    client = api_as("admin")
    assert [p["code"] for p in client.all("/api/v1/points?limit=2")] == ["CK-01", "TS-01", "TS-02"]
    point = client.get("/api/v1/points/TS-01").get_json()
    assert point["name"] == "城关镇储备点" and point["level"] == "township" and point["lat"] == 26.60
    assert client.get("/api/v1/points/NOPE").status_code == 404
    classes = client.all("/api/v1/classes")
    assert {(c["code"], c["agency"]) for c in classes} == {("LIVING", "CIV"), ("FLOOD", "WAT")}
    items = client.all("/api/v1/items?supply_class=LIVING")
    assert {(i["code"], i["supply_class"], i["unit"]) for i in items} == {
        ("TENT12", "LIVING", "顶"),
        ("QUILT", "LIVING", "床"),
    }


def test_the_points_layer_is_geojson_with_stock_per_class(api_as: ApiAs, town: supplies.Inventory) -> None:
    client = api_as("admin")
    layer = client.get("/api/v1/points.geojson").get_json()
    assert layer["type"] == "FeatureCollection"
    by_code = {f["properties"]["code"]: f for f in layer["features"]}
    assert set(by_code) == {"CK-01", "TS-01", "TS-02"}
    assert by_code["TS-01"]["geometry"]["type"] == "Point"
    assert by_code["CK-01"]["properties"]["stock"] == {"LIVING": 40}  # the town's 40 tents, free
    assert layer == town.map.points()
    shelters = client.get("/api/v1/points.geojson?kind=shelter").get_json()
    assert shelters == town.map.points("shelter") and shelters["features"] == []
    bad = client.get("/api/v1/points.geojson?kind=planet")
    assert bad.status_code == 422 and bad.get_json(force=True)["field"] == "kind"


def test_lots_page_by_cursor_and_filter(api_as: ApiAs, town: supplies.Inventory) -> None:
    for n in range(7):
        town.stock.receive("CK-01", "QUILT", n + 1, batch=f"P{n}")
    client = api_as("admin")
    first = client.get("/api/v1/lots?limit=4").get_json()
    assert len(first["items"]) == 4 and first["next_cursor"] == first["items"][-1]["lot_id"]
    rows = client.all("/api/v1/lots?limit=4")
    assert [r["lot_id"] for r in rows] == sorted(r["lot_id"] for r in rows)
    assert {(r["point"], r["item"], r["batch"], r["on_hand"], r["free"]) for r in rows} == {
        (x.point, x.item, x.batch, x.on_hand, x.free) for x in town.stock.lots()
    }
    quilts = client.all("/api/v1/lots?point=CK-01&item=QUILT")
    assert {r["batch"] for r in quilts} == {f"P{n}" for n in range(7)}
    bad = client.get("/api/v1/lots?point=NOPE")
    assert bad.status_code == 404 and bad.get_json(force=True)["field"] == "point"
    assert client.get("/api/v1/lots?level=planet").get_json(force=True)["field"] == "level"


def test_the_ledger_mirrors_by_cursor(api_as: ApiAs, town: supplies.Inventory) -> None:
    client = api_as("admin")
    held = client.all("/api/v1/ledger?limit=2")
    assert [r["id"] for r in held] == [x.id for x in town.stock.ledger()]
    town.stock.issue("CK-01", "TENT12", 5, batch="T1")
    newer = client.get(f"/api/v1/ledger?cursor={held[-1]['id']}").get_json()
    assert [(r["kind"], r["qty"], r["balance_after"]) for r in newer["items"]] == [("issue", -5, 35)]
    assert newer["next_cursor"] is None


def test_stock_summary_and_targets_with_gaps(api_as: ApiAs, town: supplies.Inventory) -> None:
    town.targets.set("TENT12", 100, point="CK-01")
    client = api_as("admin")
    summary = client.get("/api/v1/stock/summary?by=point&by=item").get_json()
    assert {(r["key"]["point"], r["key"]["item"], r["on_hand"], r["free"]) for r in summary} == {
        ("CK-01", "TENT12", 40, 40),
        ("TS-01", "SANDBAG", 500, 500),
        ("TS-02", "QUILT", 30, 30),
    }
    assert client.get("/api/v1/stock/summary?by=colour").status_code == 422
    targets = client.all("/api/v1/targets")
    assert [(t["item"], t["point"], t["quantity"], t["held"], t["short"]) for t in targets] == [
        ("TENT12", "CK-01", 100, 40, 60)
    ]


def test_a_dispatcher_creates_submits_approves_and_allocates_a_request(api_as: ApiAs, town: supplies.Inventory) -> None:
    incident = town.incidents.add("城关洪水", type="flood", level="IV", lat=26.6, lon=106.8, population=200).id
    client = api_as("dispatch")
    assert [i["name"] for i in client.all("/api/v1/incidents")] == ["城关洪水"]
    assert client.get(f"/api/v1/incidents/{incident}").get_json()["population"] == 200
    needed = (datetime.now(UTC) + timedelta(hours=12)).isoformat()
    created = client.post(
        "/api/v1/requests",
        json={
            "incident_id": incident,
            "lines": [{"code": "TENT12", "quantity": 10}],
            "dest_point": "TS-01",
            "needed_by": needed,
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    rid = created.get_json()["id"]
    assert created.get_json()["status"] == "draft" and created.get_json()["lines"][0]["quantity"] == 10
    assert client.post(f"/api/v1/requests/{rid}/submit").get_json()["status"] == "submitted"
    again = client.post(f"/api/v1/requests/{rid}/submit")
    assert again.status_code == 409 and again.get_json(force=True)["type"].endswith("InvalidTransition")
    assert client.post(f"/api/v1/requests/{rid}/approve").get_json()["status"] == "approved"
    before = len(town.stock.ledger())
    dry = client.post(f"/api/v1/requests/{rid}/allocate", json={"dry_run": True}).get_json()
    assert dry["dry_run"] and sum(r["quantity"] for r in dry["rows"]) == 10 and dry["status"] == "approved"
    assert len(town.stock.ledger()) == before
    real = client.post(f"/api/v1/requests/{rid}/allocate", json={}).get_json()
    assert real["status"] == "allocated" and real["rows"][0]["point"] == "CK-01"
    shown = client.get(f"/api/v1/requests/{rid}").get_json()
    assert shown["lines"][0]["allocated"] == 10 and [e["to_status"] for e in shown["events"]][-1] == "allocated"
    assert [r["id"] for r in client.all("/api/v1/requests?status=allocated")] == [rid]


def test_refusals_are_403_404_and_422_problems_with_the_cores_field(api_as: ApiAs, town: supplies.Inventory) -> None:
    incident = town.incidents.add("河口洪水", type="flood", level="IV", lat=26.4, lon=106.6, population=50).id
    viewer = api_as("viewer")
    refused = viewer.post(
        "/api/v1/requests", json={"incident_id": incident, "lines": {"TENT12": 1}, "dest_point": "TS-02"}
    )
    body = refused.get_json(force=True)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert body["title"] == "Forbidden" and body["reason"] and body["type"].endswith("PermissionDenied")
    assert viewer.get("/api/v1/requests/4242").status_code == 404
    dispatch = api_as("dispatch")
    missing = dispatch.post("/api/v1/requests", json={"incident_id": incident, "lines": [], "dest_point": "TS-02"})
    assert missing.status_code == 422 and missing.get_json(force=True)["field"] == "lines"
    unknown = dispatch.post(
        "/api/v1/requests", json={"incident_id": incident, "lines": {"NOPE": 1}, "dest_point": "TS-02"}
    )
    assert unknown.status_code == 422 and "NOPE" in unknown.get_json(force=True)["detail"]
    assert dispatch.post("/api/v1/requests", data="not json", content_type="application/json").status_code in (400, 422)
    chinese = dispatch.get("/api/v1/lots?limit=0", headers={"Accept-Language": "zh-CN"}).get_json(force=True)
    assert chinese["field"] == "limit" and any("\u4e00" <= ch <= "\u9fff" for ch in chinese["reason"])


def test_lists_answer_304_to_a_matching_if_none_match(api_as: ApiAs, town: supplies.Inventory) -> None:
    client = api_as("admin")
    first = client.get("/api/v1/lots")
    etag = first.headers["ETag"]
    assert client.get("/api/v1/lots", headers={"If-None-Match": etag}).status_code == 304
    town.stock.receive("TS-02", "QUILT", 1, batch="Q2")
    changed = client.get("/api/v1/lots", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_readiness_of_a_place(api_as: ApiAs, town: supplies.Inventory) -> None:
    town.readiness.load_default_norms()
    client = api_as("viewer")
    report = client.get("/api/v1/readiness?population=10&lat=26.6&lon=106.8&hours=12").get_json()
    library = town.as_user("viewer").readiness.check(26.6, 106.8, population=10, hours=12)
    assert report["ready"] == library.ready and [n["need"] for n in report["needs"]] == [n.need for n in library.needs]
    assert client.get("/api/v1/readiness?population=-1&lat=26&lon=106").get_json(force=True)["field"] == "population"
