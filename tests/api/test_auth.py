"""Who may call the API: a bearer token only (no cookies, no CSRF), 401 problems otherwise, a rate limit, a clean log."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import text

import supplies
from tests.web.helpers import login, make_app

from .conftest import ApiAs


def _problem(reply, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert reply.status_code == status, reply.get_data(as_text=True)
    assert reply.mimetype == "application/problem+json"
    body = reply.get_json(force=True)
    assert body["status"] == status and body["title"] and body["type"]
    return body


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic YWRtaW46eA==", "Bearer sup_unknown", "Token abc", "Bearer " + "x" * 500],
)
def test_a_call_without_a_valid_token_is_401_with_a_problem(app: Flask, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    reply = app.test_client().get("/api/v1/lots", headers=headers)
    _problem(reply, 401)
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_are_401(app: Flask, town: supplies.Inventory) -> None:
    client = app.test_client()
    revoked = town.tokens.create(user="viewer")
    expired = town.tokens.create(user="viewer", expires_days=1)
    town.tokens.revoke(revoked.id)
    with town.engine.begin() as conn:
        conn.execute(
            text("UPDATE api_token SET expires_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(minutes=1), "id": expired.id},
        )
    for made in (revoked, expired):
        _problem(client.get("/api/v1/points", headers={"Authorization": f"Bearer {made.token}"}), 401)


def test_a_web_session_cookie_opens_nothing_in_the_api(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")
    assert client.get("/").status_code == 200  # the web admin knows the cookie
    _problem(client.get("/api/v1/lots"), 401)  # the API does not


def test_writes_need_no_csrf_token_and_set_no_cookie(town: supplies.Inventory) -> None:
    app = make_app(town, WTF_CSRF_ENABLED=True, API_RATE_PER_MINUTE=0)  # CSRF on, as served
    token = town.tokens.create(user="dispatch").token
    incident = town.incidents.add("洪水", type="flood", level="IV", lat=26.6, lon=106.8, population=100).id
    reply = app.test_client().post(
        "/api/v1/requests",
        json={"incident_id": incident, "lines": [{"code": "TENT12", "quantity": 2}], "dest_point": "TS-01"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert "Set-Cookie" not in reply.headers
    app.extensions["supplies"].close()


def test_the_document_and_its_page_need_no_token_and_work_offline(app: Flask) -> None:
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200 and doc.get_json()["openapi"].startswith("3.")
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/openapi.json" in page and "/api/v1/docs/static/swagger-ui-bundle.js" in page
    assert "http" not in page.split("<body>")[0]  # nothing fetched from another host
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert client.get(f"/api/v1/docs/static/{asset}").status_code == 200


def test_too_many_requests_with_one_token_are_429_with_retry_after(town: supplies.Inventory) -> None:
    app = make_app(town, API_RATE_PER_MINUTE=3)
    client = app.test_client()
    one, other = (town.tokens.create(user=u).token for u in ("viewer", "dispatch"))
    codes = [client.get("/api/v1/points", headers={"Authorization": f"Bearer {one}"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    reply = client.get("/api/v1/points", headers={"Authorization": f"Bearer {one}"})
    _problem(reply, 429)
    assert int(reply.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/points", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    app.extensions["supplies"].close()


def test_each_call_is_logged_without_personal_data(api_as: ApiAs, caplog: pytest.LogCaptureFixture) -> None:
    client = api_as("viewer")
    caplog.set_level(logging.INFO, logger="supplies.api")
    client.get("/api/v1/lots?point=CK-01&item=TENT12")
    client.get("/api/v1/requests/999")
    lines = [r.getMessage() for r in caplog.records if r.name == "supplies.api"]
    token_id = client.token and lines[0].split("token=")[1].split()[0]
    assert token_id.isdigit()
    assert lines[0].startswith("GET /api/v1/lots 200 token=") and lines[0].endswith("ms")
    assert lines[1].startswith("GET /api/v1/requests/999 404 token=")
    assert all(client.token not in line and "TENT12" not in line for line in lines)  # no token, no query string


def test_problems_speak_the_callers_language(app: Flask) -> None:
    reply = app.test_client().get("/api/v1/lots", headers={"Accept-Language": "zh-CN"})
    assert "接口令牌" in _problem(reply, 401)["detail"]
