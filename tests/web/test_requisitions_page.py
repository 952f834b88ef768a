"""The requisition pages: record one (bad input keeps the form), give back in part, assess, approve, pay, the dashboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

import supplies

from .helpers import text

PAGE = "/dispatch/requisitions/"
ID_NUMBER = "52010219800101123X"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "owner": "李四",
        "owner_kind": "person",
        "owner_id": ID_NUMBER,
        "authority": "惠水县人民政府",
        "basis": "《突发事件应对法》",
        "point": "CK-01",
        "items": "QUILT=20@80\nTENT12=2@600/15",
    }
    data.update(changes)
    return data


def test_a_requisition_recorded_given_back_in_part_and_compensated_through_the_pages(
    town: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    client = client_as("dispatch")
    response = client.post(PAGE + "new", data=_form())
    assert response.status_code == 302, text(response)
    url = response.headers["Location"]
    page = text(client.get(url))
    assert 'id="requisition-lines"' in page and "5201**********123X" in page and ID_NUMBER not in page
    (zy,) = town.requisitions.list()
    home = text(client.get("/"))
    assert 'id="requisitions-panel"' in home and f'data-requisition="{zy.id}"' in home
    assert f'data-requisition="{zy.id}"' in text(client.get(PAGE + "?open=1"))

    back = client.post(
        url.replace("/show/", "/") + "/return", data={"items": "QUILT=15\nTENT12=2", "condition": "good"}
    )
    assert back.status_code == 302, text(back)
    refused = client.post(url.replace("/show/", "/") + "/return", data={"items": "QUILT=99", "condition": "good"})
    assert refused.status_code == 200 and "QUILT=99" in text(refused)  # the form is kept, the reason said
    held = client.post(url.replace("/show/", "/") + "/assess", data={"assess-damage": ""})
    assert held.status_code == 200 and "QUILT 5" in text(held)  # still held: no 500, the reason
    town.stock.issue("CK-01", "QUILT", 5, batch=f"ZY-{zy.id}", reason="发放")
    assessed = client.post(url.replace("/show/", "/") + "/assess", data={})
    assert assessed.status_code == 302, text(assessed)
    page = text(client.get(url))
    assert 'id="compensation-total"' in page and "430.00" in page  # 5 × 80 + 2 × 1 day × 15
    assert f'data-compensation="{zy.id}"' in text(client.get("/"))

    admin = client_as("admin")
    assert admin.post(url.replace("/show/", "/") + "/approve", data={}).status_code == 302
    paid = admin.post(url.replace("/show/", "/") + "/pay", data={"reference": "ZF-001"})
    assert paid.status_code == 302, text(paid)
    done = town.requisitions.compensation(zy.id)
    assert (done.status, done.approved_by, done.paid_by, done.reference) == ("paid", "admin", "admin", "ZF-001")
    assert f'data-compensation="{zy.id}"' not in text(client.get("/"))
    assert town.stock.verify().ok


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"owner_id": "12345"}, "ID number"),
        ({"items": "QUILT=abc@5"}, "QUILT"),
        ({"items": "QUILT=5"}, "QUILT"),
        ({"items": "NOPE=5@1"}, "NOPE"),
        ({"items": "QUILT=5@x"}, "QUILT"),
        ({"point": "NOPE"}, "NOPE"),
        ({"basis": ""}, "Legal basis"),
    ],
)
def test_bad_input_is_said_with_the_form_kept(
    town: supplies.Inventory, client_as: Callable[[str], FlaskClient], changes: dict[str, str], shown: str
) -> None:
    client = client_as("dispatch")
    response = client.post(PAGE + "new", data=_form(**changes))
    assert response.status_code == 200
    page = text(response)
    assert shown in page
    assert 'value="惠水县人民政府"' in page and ID_NUMBER not in page  # the form is kept, but for the ID number
    assert town.requisitions.list() == []


def test_viewers_read_but_do_not_record_and_a_missing_one_is_no_error_page(
    town: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    zy = town.as_user("dispatch").requisitions.add(
        owner="王五", authority="县政府", basis="法", point="CK-01", items=[("QUILT", 3, "10")]
    )
    viewer = client_as("viewer")
    assert f'data-requisition="{zy.id}"' in text(viewer.get(PAGE))
    assert "Record a requisition" not in text(viewer.get(PAGE))
    assert viewer.post(PAGE + "new", data=_form()).status_code == 302
    assert 'id="return-form"' not in text(viewer.get(PAGE + f"show/{zy.id}"))
    refused = viewer.post(PAGE + f"{zy.id}/return", data={"items": "QUILT=1", "condition": "good"})
    assert refused.status_code == 200
    assert len(town.requisitions.list()) == 1 and town.requisitions.show(zy.id).requisition.held == 3
    assert viewer.get(PAGE + "show/999").status_code == 302
    assert client_as("officer").get(PAGE).status_code == 403
