"""Fuzzing the web admin's forms and list filters: never a 500, a refused form writes nothing, the books stay true.

Each form's fields are read from the page itself, so a new field is fuzzed without editing this test.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web.helpers import login, make_app

import supplies
from tests.examples import examples

from .strategies import FORMULAS, huge_ints

FORMS = [
    "/stock/actions/receive",
    "/stock/actions/issue",
    "/stock/actions/transfer",
    "/stock/actions/count",
    "/stock/actions/rotate",
    "/stock/actions/write-off",
    "/catalog/items/new/",
    "/points/new/",
    "/catalog/targets/new/",
    "/dispatch/incidents/new/",
    "/dispatch/requests/new/",
    "/users/new/",
    "/catalog/agencies/new/",
    "/catalog/classes/new/",
]
LISTS = ["/stock/lots/", "/stock/ledger/", "/dispatch/requests/", "/catalog/items/", "/dispatch/readiness/"]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

value = st.one_of(
    st.sampled_from(
        [
            "",
            "CK-01",
            "TS-01",
            "TENT12",
            "QUILT",
            "LIVING",
            "1",
            "5",
            "2030-01-01",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "nan",
            "inf",
            "-1",
            "1e400",
            "y",
            "physical",
            "flood",
            "IV",
            "county",
            "warehouse",
            "长" * 100_000,
            "A\x00B",
            "\x1b[31m",
            *FORMULAS,
        ]
    ),
    huge_ints.map(str),
    st.text(max_size=20),
)


def state(inv: supplies.Inventory) -> tuple[object, ...]:
    lots = sorted((x.point, x.item, x.batch, x.on_hand, x.reserved) for x in inv.stock.lots(with_stock_only=False))
    return (
        lots,
        len(inv.stock.ledger()),
        len(inv.items.list()),
        len(inv.points.list()),
        len(inv.targets.list()),
        len(inv.incidents.list()),
        len(inv.requests.list()),
        len(inv.users.list()),
        len(inv.agencies.list()),
        len(inv.classes.list()),
    )


@pytest.fixture
def admin_client(county: supplies.Inventory) -> tuple[Flask, FlaskClient]:
    county.stock.receive("CK-01", "TENT12", 40, batch="T1")
    county.incidents.add("洪水", type="flood", level="IV", lat=26.5, lon=106.7)
    app = make_app(county)
    client = app.test_client()
    login(client, "admin")
    return app, client


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_form_answers_500_and_a_refused_form_writes_nothing(
    county: supplies.Inventory, admin_client: tuple[Flask, FlaskClient], data: st.DataObject
) -> None:
    _app, client = admin_client
    url = data.draw(st.sampled_from(FORMS), label="form")
    names = sorted(set(FIELD.findall(client.get(url).get_data(as_text=True))) - {"csrf_token"})
    form = {name: data.draw(value, label=name) for name in names if data.draw(st.booleans())}
    before = state(county)
    response = client.post(url, data=form)
    assert response.status_code < 500, (url, form, response.get_data(as_text=True)[-2000:])
    if response.status_code == 200:  # the form came back: refused, with its message
        assert state(county) == before, (url, form)
    assert county.stock.verify().ok


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_list_filter_or_page_answers_500(admin_client: tuple[Flask, FlaskClient], data: st.DataObject) -> None:
    _app, client = admin_client
    url = data.draw(st.sampled_from(LISTS), label="list")
    keys = st.sampled_from(
        [
            "search",
            "page",
            "page_size",
            "sort",
            "desc",
            "flt0_0",
            "flt1_3",
            "lat",
            "lon",
            "population",
            "hours",
            "days",
            "hazard",
            "point",
            "export_type",
        ]
    )
    query = data.draw(st.dictionaries(keys, value, max_size=4), label="query")
    response = client.get(url, query_string=query)
    assert response.status_code < 500, (url, query, response.get_data(as_text=True)[-2000:])
