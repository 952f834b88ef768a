"""The returns page: a return recorded through the core, refusals shown on the kept form, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

import supplies

from .helpers import text

Client = Callable[[str], FlaskClient]


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_PII_KEY", "test-key-for-households")


@pytest.fixture
def lent(town: supplies.Inventory) -> supplies.Inventory:
    town.items.update("TENT12", reusable=True)
    town.incidents.add("河口洪涝", type="flood", level="IV", lat=26.5, lon=106.7)
    town.entitlements.set("TENT12", per_household=1, max_members=4)
    town.households.add("17", head="张三", members=5, village="新村")
    town.distribution.distribute("CK-01", "17", {"TENT12": 2})
    return town


def _post(client: FlaskClient, **fields: str) -> str:
    form = {"point": "CK-01", "household": "17", "item": "TENT12", "qty": "1", "condition": "good"} | fields
    response = client.post("/dispatch/returns/", data=form, follow_redirects=True)
    assert response.status_code == 200
    return text(response)


def test_record_a_return_and_see_the_loans(client_as: Client, lent: supplies.Inventory) -> None:
    client = client_as("keeper")
    page = text(client.get("/dispatch/returns/"))
    assert 'id="loans"' in page and "TENT12" in page and "张三" not in page
    done = _post(client)
    assert "Return recorded" in done and "1 still out on loan" in done
    assert [x.out for x in lent.returns.loans()] == [1]
    assert len(lent.stock.ledger(kinds=("return",))) == 1


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"qty": "5"}, "out on loan; asked to return 5"),
        ({"condition": "unusable"}, "say why the returned units are unusable"),
        ({"household": ""}, "give either a household or a request"),
        ({"household": "99"}, "no household 99"),
        ({"qty": "x"}, "Quantity"),
        ({"request_id": "123456789012345678901"}, "Request"),
        ({"item": "QUILT"}, "not reusable"),
    ],
)
def test_bad_input_keeps_the_form_and_says_why(
    client_as: Client, lent: supplies.Inventory, fields: dict[str, str], said: str
) -> None:
    page = _post(client_as("admin"), **fields)
    assert said in page and 'id="record-return"' in page
    assert lent.stock.ledger(kinds=("return",)) == []


def test_a_viewer_is_refused_by_the_core(client_as: Client, lent: supplies.Inventory) -> None:
    page = _post(client_as("viewer"))
    assert "may not record returns at CK-01" in page
    assert lent.stock.ledger(kinds=("return",)) == []


def test_the_page_in_chinese(client_as: Client, lent: supplies.Inventory) -> None:
    client = client_as("admin")
    page = text(client.get("/dispatch/returns/", headers={"Accept-Language": "zh-CN"}))
    assert "借出未还" in page or "借出" in page
