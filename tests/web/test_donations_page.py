"""The donations pages: receiving (triage, the form kept on bad input), donors, the letter and the disclosure."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

import supplies

from .helpers import text

PAGE = "/stock/donations/"


@pytest.fixture
def donors(town: supplies.Inventory) -> supplies.Inventory:
    town.donors.add("D-CO", "贵州某商贸有限公司", kind="company")
    town.donors.add("D-ANON", "王五", anonymous=True, contact="13900000000")
    return town


def _form(**changes: str) -> dict[str, str]:
    data = {
        "donor": "D-CO",
        "point": "CK-01",
        "item": "QUILT",
        "qty": "25",
        "triage": "urgent",
        "reason": "",
        "certificate": "JZ-W1",
        "batch": "",
        "expires_on": "",
        "incident": "",
        "region": "",
        "purpose": "",
    }
    data.update(changes)
    return data


def test_a_keeper_receives_a_donation_and_it_is_disclosed(
    donors: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("keeper")
    response = client.post(PAGE + "receive", data=_form())
    assert response.status_code == 302, text(response)
    listed = text(client.get(PAGE))
    assert "JZ-W1" in listed and "贵州某商贸有限公司" in listed
    (d,) = donors.donations.list()
    assert d.quantity == 25 and d.batch == "JZ-W1"
    letter = text(client.get(PAGE + f"letter/{d.id}"))
    assert "JZ-W1" in letter and "贵州某商贸有限公司" in letter
    page = text(client.get(PAGE + "disclosure"))
    assert 'id="disclosure-rows"' in page and 'data-donor="贵州某商贸有限公司"' in page
    xlsx = client.get(PAGE + "disclosure?format=xlsx")
    assert xlsx.status_code == 200
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(xlsx.data)).worksheets for r in ws.iter_rows() for c in r]
    assert "贵州某商贸有限公司" in cells and "25" in cells
    assert donors.stock.verify().ok


def test_unusable_goods_are_recorded_without_stock(
    donors: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("keeper")
    response = client.post(PAGE + "receive", data=_form(donor="D-ANON", triage="unusable", reason="发霉"))
    assert response.status_code == 302, text(response)
    (d,) = donors.donations.list()
    assert d.lot_id is None
    page = text(client.get(PAGE + "disclosure"))
    assert "13900000000" not in page and "王五" not in page


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"donor": "NOPE"}, "NOPE"),
        ({"item": "NOPE"}, "NOPE"),
        ({"qty": "0"}, "Quantity"),
        ({"qty": "many"}, "Quantity"),
        ({"triage": "unusable"}, "Reason"),
        ({"region": "52"}, "region"),
        ({"incident": "999"}, "999"),
        ({"expires_on": "not a date"}, "Expires"),
        ({"point": "TS-01"}, "may not"),
    ],
)
def test_bad_input_is_said_with_the_form_kept(
    donors: supplies.Inventory, client_as: Callable[[str], FlaskClient], changes: dict[str, str], shown: str
) -> None:
    client = client_as("keeper")
    response = client.post(PAGE + "receive", data=_form(**changes))
    assert response.status_code == 200
    page = text(response)
    assert shown in page
    assert 'value="JZ-W1"' in page  # the form is kept
    assert donors.donations.list() == []


def test_donors_are_registered_on_the_web_and_viewers_only_read(
    donors: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    admin = client_as("admin")
    response = admin.post(PAGE + "donors", data={"code": "D-NEW", "name": "某基金会", "kind": "organisation"})
    assert response.status_code == 302, text(response)
    assert 'data-donor="D-NEW"' in text(admin.get(PAGE + "donors"))
    again = admin.post(PAGE + "donors", data={"code": "D-NEW", "name": "x", "kind": "person"})
    assert again.status_code == 200 and "D-NEW" in text(again)
    viewer = client_as("viewer")
    viewer.post(PAGE + "donors", data={"code": "D-V", "name": "x", "kind": "person"})
    assert [d.code for d in donors.donors.list()] == ["D-ANON", "D-CO", "D-NEW"]
    assert viewer.get(PAGE + "letter/999").status_code == 302
    assert viewer.get(PAGE + "disclosure?since=nonsense").status_code == 302
