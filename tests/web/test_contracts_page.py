"""The agreement-reserves pages: the list, a contract, signing one (bad input keeps the form), the dashboard panel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

import supplies
from supplies.config import local_today

from .helpers import text

PAGE = "/dispatch/contracts/"


@pytest.fixture
def ag(town: supplies.Inventory) -> supplies.Inventory:
    town.points.add(
        "AG-01", "协议储备仓库", level="county", lat=26.5, lon=106.7, region_code="520102", kind="agreement"
    )
    return town


def _form(**changes: str) -> dict[str, str]:
    today = local_today()
    data = {
        "code": "HT-W1",
        "company": "某商贸公司",
        "credit_code": "91350100M000100Y43",
        "contact": "张经理",
        "point": "AG-01",
        "items": "TENT12=100@350\nQUILT=20",
        "valid_from": str(today),
        "valid_to": str(today + timedelta(days=20)),
        "lead_time_hours": "12",
        "mode": "agreement",
    }
    data.update(changes)
    return data


def test_a_dispatcher_signs_a_contract_and_sees_it_listed_and_on_the_dashboard(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("dispatch")
    response = client.post(PAGE + "new", data=_form())
    assert response.status_code == 302, text(response)
    page = text(client.get(response.headers["Location"]))
    assert "HT-W1" in page and 'id="contract-lines"' in page and "TENT12" in page
    listed = text(client.get(PAGE))
    assert 'data-contract="HT-W1"' in listed
    assert 'data-contract="HT-W1"' in text(client.get(PAGE + "?expiring=60"))
    assert 'data-contract="HT-W1"' not in text(client.get(PAGE + "?expiring=5"))
    home = text(client.get("/"))
    assert 'id="expiring-contracts"' in home and "HT-W1" in home
    assert ag.stock.verify().ok


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"credit_code": "91350100M000100Y44"}, "check character"),
        ({"items": "TENT12=abc"}, "TENT12"),
        ({"items": "NOPE=5"}, "NOPE"),
        ({"point": "CK-01"}, "agreement warehouse"),
        ({"valid_to": "not a date"}, "Valid to"),
    ],
)
def test_bad_input_is_said_with_the_form_kept(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient], changes: dict[str, str], shown: str
) -> None:
    client = client_as("dispatch")
    response = client.post(PAGE + "new", data=_form(**changes))
    assert response.status_code == 200
    page = text(response)
    assert shown in page
    assert 'value="某商贸公司"' in page  # the form is kept
    assert ag.contracts.list() == []


def test_viewers_read_but_do_not_sign_and_a_missing_contract_is_no_error_page(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    ag.as_user("dispatch").contracts.add(
        "HT-V", company="厂", point="AG-01", items={"TENT12": 5}, valid_from=local_today(),
        valid_to=local_today() + timedelta(days=200), lead_time_hours=1,
    )  # fmt: skip
    viewer = client_as("viewer")
    assert 'data-contract="HT-V"' in text(viewer.get(PAGE))
    assert "Sign a contract" not in text(viewer.get(PAGE))
    assert viewer.post(PAGE + "new", data=_form()).status_code == 302
    assert len(ag.contracts.list()) == 1
    assert viewer.get(PAGE + "show/NOPE").status_code == 302
    assert client_as("officer").get(PAGE).status_code == 403
