"""The 报送 page: each county's status for a period, downloads, and submitting one's own ledger."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

import supplies
from supplies.config import local_today
from tests.catalog_reports.submission_city import HUISHUI, LIBO, PASSWORDS, SANDU, build_city

from .helpers import login, make_app, text

PAGE = "/stock/submissions/"


@pytest.fixture
def city_app(inv: supplies.Inventory) -> Iterator[Flask]:
    build_city(inv)
    application = make_app(inv)
    yield application
    application.extensions["supplies"].close()


@pytest.fixture
def city_client(city_app: Flask) -> Callable[[str], FlaskClient]:
    def make(name: str) -> FlaskClient:
        client = city_app.test_client()
        login(client, name, PASSWORDS[name])
        return client

    return make


def test_a_county_submits_and_the_city_sees_it_and_downloads_it(
    city_client: Callable[[str], FlaskClient], city_app: Flask
) -> None:
    period = local_today().strftime("%Y-%m")
    county = city_client("hs")
    assert "Not submitted yet." in text(county.get(PAGE))
    response = county.post(PAGE + "submit", data={"period": period})
    assert response.status_code == 302
    page = text(county.get(response.headers["Location"]))
    assert "version 1" in page and 'id="own-submissions"' in page

    viewer = city_client("cityview")
    page = text(viewer.get(PAGE, query_string={"period": period}))
    assert f'data-jurisdiction="{HUISHUI}" data-status="submitted"' in page
    assert f'data-jurisdiction="{SANDU}" data-status="missing"' in page
    assert f'data-jurisdiction="{LIBO}" data-status="missing"' in page
    assert 'id="submit-form"' not in page  # viewers read only
    assert viewer.post(PAGE + "submit", data={"period": period}).status_code == 302
    assert city_app.extensions["supplies"].as_user("city").submissions.status(period)[1].version == 1  # unchanged

    download = viewer.get(PAGE + "download", query_string={"jurisdiction": HUISHUI, "period": period, "version": 1})
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert f"ledger-{HUISHUI}-{period}-v1.json" in download.headers["Content-Disposition"]
    body = download.get_data()
    assert json.loads(body)["jurisdiction"] == HUISHUI
    status = city_app.extensions["supplies"].as_user("city").submissions.get(HUISHUI, period)
    assert hashlib.sha256(body).hexdigest() == status.sha256

    # A county cannot read its sibling's submissions; a bad period says so on the page.
    assert county.get(PAGE + "download", query_string={"jurisdiction": SANDU, "period": period}).status_code == 302
    bad = text(viewer.get(PAGE, query_string={"period": "2026-Q9"}))
    assert "is not a period" in bad

    chinese = text(viewer.get(PAGE, query_string={"period": period}, headers={"Accept-Language": "zh-CN"}))
    assert "报送" in chinese and "未报送" in chinese


def test_who_opens_the_page(city_client: Callable[[str], FlaskClient], city_app: Flask) -> None:
    city_app.extensions["supplies"].as_user("admin").users.add(
        "keeper", role="warehouse", points=["HS-CK01"], password="keeper-pass-1"
    )
    for name in ("city", "citydesk", "cityview", "hs"):
        assert city_client(name).get(PAGE).status_code == 200, name
    keeper = city_app.test_client()
    login(keeper, "keeper", "keeper-pass-1")
    assert keeper.get(PAGE).status_code == 403
