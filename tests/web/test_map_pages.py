"""The map page and its GeoJSON layer routes: what each user's map shows, Leaflet served locally, tiles allowed by CSP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

import supplies
from webadmin.maps import tile_origins

from .helpers import make_app, text

Client = Callable[[str], FlaskClient]


def ids(response: object) -> list[str]:
    return [f["id"] for f in response.get_json()["features"]]  # type: ignore[attr-defined]


def test_the_layers_are_geojson_in_the_users_scope(client_as: Client, town: supplies.Inventory) -> None:
    incident = town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.4, lon=106.6, population=1200)
    admin = client_as("admin")
    points = admin.get("/map/layers/points.geojson")
    assert points.status_code == 200 and points.mimetype == "application/geo+json"
    assert ids(points) == ["CK-01", "TS-01", "TS-02"]
    ck = points.get_json()["features"][0]["properties"]
    assert ck["stock"] == {"LIVING": 40} and ck["available"] == 40
    assert ids(client_as("keeper").get("/map/layers/points.geojson")) == ["CK-01"]
    # The CIV officer reads every point of the county, with CIV's stock only (no sandbags).
    officer = client_as("officer").get("/map/layers/points.geojson").get_json()
    assert {f["id"]: f["properties"]["stock"] for f in officer["features"]} == {
        "CK-01": {"LIVING": 40},
        "TS-01": {},
        "TS-02": {"LIVING": 30},
    }
    assert ids(admin.get("/map/layers/incidents.geojson")) == [incident.id]
    reach = admin.get(f"/map/layers/reach.geojson?incident={incident.id}&hours=2").get_json()
    assert [f["id"] for f in reach["features"]] == ["TS-02", "CK-01"] and reach["hours"] == 2
    assert admin.get("/map/layers/townships.geojson").status_code == 200


def test_bad_questions_get_the_cores_reason_not_a_500(client_as: Client, town: supplies.Inventory) -> None:
    admin = client_as("admin")
    bad = admin.get("/map/layers/points.geojson?kind=castle")
    assert bad.status_code == 400 and bad.get_json()["field"] == "kind"
    assert admin.get("/map/layers/reach.geojson?incident=abc").get_json()["field"] == "incident"
    missing = admin.get("/map/layers/reach.geojson?incident=999&hours=3")
    assert missing.status_code == 404 and missing.get_json()["field"] == "incident"
    assert admin.get("/map/layers/reach.geojson?incident=1&hours=-2").status_code in (400, 404)


def test_the_layers_need_a_log_in(app: object) -> None:
    response = app.test_client().get("/map/layers/points.geojson")  # type: ignore[attr-defined]
    assert response.status_code in (302, 401)


def test_the_map_page_loads_leaflet_from_this_server(client_as: Client, town: supplies.Inventory) -> None:
    town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.4, lon=106.6)
    admin = client_as("admin")
    page = text(admin.get("/map/"))
    assert 'id="supply-map"' in page and 'id="reach-form"' in page and "河口镇洪涝" in page
    assert "/vendor/leaflet/leaflet.js" in page and "unpkg" not in page and "cdn" not in page.lower()
    settings = json.loads(re.search(r"data-map='([^']+)'", page).group(1))  # type: ignore[union-attr]
    assert settings["tiles"] == [] and settings["urls"]["points"] == "/map/layers/points.geojson"
    js = admin.get("/vendor/leaflet/leaflet.js")
    assert js.status_code == 200 and b"Leaflet" in js.data
    assert admin.get("/vendor/leaflet/leaflet.css").status_code == 200
    assert admin.get("/vendor/leaflet/../../__init__.py").status_code == 404
    assert "Map" in text(admin.get("/"))  # the menu entry
    assert "img-src 'self' data:;" in admin.get("/map/").headers["Content-Security-Policy"]


def test_the_chinese_map_page_names_everything_in_chinese(client_as: Client) -> None:
    admin = client_as("admin")
    admin.get("/language/zh_Hans_CN")
    settings = json.loads(re.search(r"data-map='([^']+)'", text(admin.get("/map/"))).group(1))  # type: ignore[union-attr]
    words = [settings["prefix"], *settings["words"]["kinds"].values()]
    words += [w for w in settings["words"].values() if isinstance(w, str)]
    words += list(settings["words"]["needs"].values())
    shown = [re.sub(r"<[^>]+>|%\(\w+\)s", "", w) for w in words]  # the text, not the markup or placeholders
    english = [w for w in shown if re.search(r"[A-Za-z]{3,}", w)]
    assert not english


def test_configured_tiles_reach_the_page_and_the_security_policy(
    town: supplies.Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    tianditu = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"
    monkeypatch.setenv("SUPPLIES_MAP_TILES", f"{tianditu} http://127.0.0.1:8099/{{z}}/{{x}}/{{y}}.png")
    monkeypatch.setenv("SUPPLIES_MAP_SUBDOMAINS", "01234567")
    app = make_app(town)
    try:
        client = app.test_client()
        client.post("/login", data={"name": "admin", "password": "correct-horse-battery"})
        response = client.get("/map/")
        settings = json.loads(re.search(r"data-map='([^']+)'", text(response)).group(1))  # type: ignore[union-attr]
        assert settings["tiles"][0] == tianditu and settings["subdomains"] == "01234567"
        policy = response.headers["Content-Security-Policy"]
        assert "img-src 'self' data: https://*.tianditu.gov.cn http://127.0.0.1:8099;" in policy
    finally:
        app.extensions["supplies"].close()


def test_tile_origins() -> None:
    assert tile_origins(["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]) == ["https://tile.openstreetmap.org"]
    assert tile_origins(["https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://a.{s}.example.org/x"]) == [
        "https://*.tile.example.org"
    ]
    assert tile_origins(["javascript:alert(1)", "/tiles/{z}/{x}/{y}.png"]) == []
