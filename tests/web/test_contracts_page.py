"""The agreement-reserves pages: the list, a contract, signing (bad input keeps the form), renewing, calling up
for a request (with the printed order), recording delivery, the dashboard panel, and who sees and acts."""

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


# -- the rest of a contract's life on the web: renewal, call-up, the order, delivery --------------------


def _sign(inv: supplies.Inventory, code: str = "HT-L", lead_time_hours: float = 6) -> None:
    inv.as_user("dispatch").contracts.add(
        code, company="某商贸公司", point="AG-01", items={"TENT12": 100, "QUILT": 20}, valid_from=local_today(),
        valid_to=local_today() + timedelta(days=90), lead_time_hours=lead_time_hours,
    )  # fmt: skip


def _approved(inv: supplies.Inventory, tents: int = 60) -> int:
    disp = inv.as_user("dispatch")
    incident = disp.incidents.add("河口镇洪涝", type="flood", level="II", lat=26.41, lon=106.61, population=800)
    rid = disp.requests.create(incident.id, lines={"TENT12": tents}, dest_point="TS-02").id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    return rid


def test_a_dispatcher_renews_a_contract_from_its_page(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    _sign(ag)
    client = client_as("dispatch")
    page = text(client.get(PAGE + "show/HT-L"))
    assert 'id="renew-form"' in page
    new_end = local_today() + timedelta(days=400)
    response = client.post(PAGE + "renew/HT-L", data={"valid_to": str(new_end), "items": "QUILT=50"})
    assert response.status_code == 302, text(response)
    page = text(client.get(response.headers["Location"]))
    assert "HT-L v2" in page and "renewed as version 2" in page
    renewed = ag.contracts.list()[0]
    assert (renewed.version, renewed.valid_to) == (2, new_end)
    assert [(ln.item, ln.quantity) for ln in renewed.lines] == [("TENT12", 100), ("QUILT", 50)]
    # A refusal (the new end before today) keeps the form and writes nothing.
    response = client.post(PAGE + "renew/HT-L", data={"valid_to": str(local_today() - timedelta(days=1))})
    assert response.status_code == 200
    assert "the contract has ended" in text(response) and str(local_today() - timedelta(days=1)) in text(response)
    assert ag.contracts.list()[0].version == 2
    assert ag.stock.verify().ok


def test_a_call_up_from_the_request_page_beyond_the_remainder_is_refused_with_the_form_kept(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    _sign(ag)
    rid = _approved(ag, tents=150)
    client = client_as("dispatch")
    request_page = text(client.get(f"/dispatch/requests/details/?id={rid}"))
    assert 'id="agreement-reserves"' in request_page and 'data-contract="HT-L"' in request_page
    form_url = f"{PAGE}call-up/HT-L?request={rid}"
    assert form_url in request_page.replace("&amp;", "&")
    form = text(client.get(form_url))
    assert 'name="qty-TENT12"' in form and 'value="100"' in form  # what the request asks, up to what is left
    lines_before = len(ag.stock.ledger())
    response = client.post(PAGE + "call-up/HT-L", data={"request_id": str(rid), "qty-TENT12": "150", "qty-QUILT": ""})
    assert response.status_code == 200
    page = text(response)
    assert "has 100 顶 of TENT12 left to call up; asked 150" in page
    assert 'value="150"' in page and f'<option selected value="{rid}">' in page  # the form is kept
    assert ag.contracts.show("HT-L").call_ups == () and len(ag.stock.ledger()) == lines_before

    response = client.post(PAGE + "call-up/HT-L", data={"request_id": str(rid), "qty-TENT12": "60"})
    assert response.status_code == 302, text(response)
    order_page = text(client.get(response.headers["Location"]))
    order = ag.contracts.show("HT-L").call_ups[0]
    assert 'data-state="open"' in order_page and 'id="printed-order"' in order_page
    assert f"Call-up order #{order.id}" in order_page and 'id="deliver-form"' in order_page
    printable = text(client.get(f"{PAGE}order/{order.id}/print"))
    assert 'id="print-button"' in printable and f"For request #{rid}" in printable
    assert ag.contracts.list()[0].lines[0].remaining == 40


def test_delivery_short_and_late_is_recorded_and_shown(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    _sign(ag, lead_time_hours=0)  # due the moment it is called up: any delivery after is late
    rid = _approved(ag)
    order = ag.as_user("dispatch").contracts.call_up("HT-L", request=rid, items={"TENT12": 60})
    client = client_as("dispatch")
    data = {"item": "TENT12", "got-TENT12": "50", "arrived_at": ""}
    response = client.post(f"{PAGE}order/{order.id}/deliver", data=data)
    assert response.status_code == 302, text(response)
    page = text(client.get(response.headers["Location"]))
    assert 'data-state="late_short"' in page and "delivered late and short" in page
    assert 'id="deliver-form"' not in page
    done = ag.contracts.order(order.id)
    assert (done.status, done.late, done.short) == ("delivered", True, 10)
    c = ag.contracts.list()[0]
    assert (c.late_deliveries, c.short_units) == (1, 10)
    # Delivering it again is refused on the page, not with an error page.
    again = client.post(f"{PAGE}order/{order.id}/deliver", data=data)
    assert again.status_code == 200 and "delivered already" in text(again)
    assert ag.stock.verify().ok


def test_a_bad_delivery_is_refused_with_what_was_typed_kept(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    _sign(ag)
    order = ag.as_user("dispatch").contracts.call_up("HT-L", request=_approved(ag), items={"TENT12": 60})
    client = client_as("dispatch")
    response = client.post(f"{PAGE}order/{order.id}/deliver", data={"item": "TENT12", "got-TENT12": "70"})
    assert response.status_code == 200
    assert "only 60 of TENT12 were called up" in text(response) and 'value="70"' in text(response)
    assert ag.contracts.order(order.id).status == "open"


def test_an_order_whose_request_was_cancelled_shows_as_cancelled(
    ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]
) -> None:
    _sign(ag)
    rid = _approved(ag)
    order = ag.as_user("dispatch").contracts.call_up("HT-L", request=rid, items={"TENT12": 60})
    ag.as_user("dispatch").requests.cancel(rid, reason="水已退")
    client = client_as("dispatch")
    page = text(client.get(f"{PAGE}order/{order.id}"))
    assert 'data-state="cancelled"' in page and 'id="order-cancelled"' in page and 'id="deliver-form"' not in page
    assert f'data-order="{order.id}" data-state="cancelled"' in text(client.get(PAGE + "show/HT-L"))
    refused = client.post(f"{PAGE}order/{order.id}/deliver", data={"item": "TENT12", "got-TENT12": "60"})
    assert refused.status_code == 200 and "no longer reserved" in text(refused)


def test_viewers_see_orders_but_get_no_forms(ag: supplies.Inventory, client_as: Callable[[str], FlaskClient]) -> None:
    _sign(ag)
    order = ag.as_user("dispatch").contracts.call_up("HT-L", request=_approved(ag), items={"TENT12": 5})
    viewer = client_as("viewer")
    assert 'id="renew-form"' not in text(viewer.get(PAGE + "show/HT-L"))
    page = text(viewer.get(f"{PAGE}order/{order.id}"))
    assert 'id="printed-order"' in page and 'id="deliver-form"' not in page
    assert viewer.post(f"{PAGE}order/{order.id}/deliver", data={"item": "TENT12"}).status_code == 200
    assert ag.contracts.order(order.id).status == "open"
    assert viewer.get(f"{PAGE}call-up/HT-L").status_code == 302
    assert (
        viewer.post(PAGE + "renew/HT-L", data={"valid_to": str(local_today() + timedelta(days=400))}).status_code == 200
    )
    assert ag.contracts.list()[0].version == 1


def test_another_countys_dispatcher_can_neither_see_nor_act(inv: supplies.Inventory) -> None:
    """长顺县's dispatcher (cs-disp) and 惠水县's contract, order and request."""
    from tests.jurisdiction_city import HUISHUI, PASSWORD, approved_request, build_city

    from .helpers import login, make_app

    city = build_city(inv)
    city.points.add("HS-AG", "惠水协议仓库", level="county", lat=26.1, lon=106.6, region_code=HUISHUI, kind="agreement")
    hs = city.as_user("hs-disp")
    hs.contracts.add(
        "HT-HS", company="惠水商贸", point="HS-AG", items={"TENT": 50}, valid_from=local_today(),
        valid_to=local_today() + timedelta(days=90), lead_time_hours=4,
    )  # fmt: skip
    order = hs.contracts.call_up("HT-HS", request=approved_request(hs, 10, "HS-CK"), items={"TENT": 10})
    theirs = approved_request(city.as_user("cs-disp"), 5, "CS-CK")
    app = make_app(city)
    try:
        client = app.test_client()
        login(client, "cs-disp", PASSWORD)
        assert 'data-contract="HT-HS"' not in text(client.get(PAGE))
        assert client.get(PAGE + "show/HT-HS").status_code == 302
        assert client.get(f"{PAGE}order/{order.id}").status_code == 302
        assert client.get(f"{PAGE}order/{order.id}/print").status_code == 302
        assert client.get(f"{PAGE}call-up/HT-HS").status_code == 302
        assert 'id="agreement-reserves"' not in text(client.get(f"/dispatch/requests/details/?id={theirs}"))
        assert client.post(f"{PAGE}order/{order.id}/deliver", data={"item": "TENT"}).status_code == 302
        assert client.post(PAGE + "call-up/HT-HS", data={"request_id": str(theirs), "qty-TENT": "5"}).status_code == 302
        renew = client.post(PAGE + "renew/HT-HS", data={"valid_to": str(local_today() + timedelta(days=400))})
        assert renew.status_code == 302
        assert "no contract with code" in text(client.get(PAGE))  # said on the list it goes back to
        assert city.contracts.order(order.id).status == "open"
        assert [c.version for c in city.contracts.list()] == [1]
        assert len(city.contracts.show("HT-HS").call_ups) == 1
    finally:
        app.extensions["supplies"].close()
