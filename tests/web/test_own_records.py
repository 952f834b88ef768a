"""Who is offered which form: officers edit their own agency's records only, closing a point is confirmed,
and a keeper whose points are all closed is told why the stock forms offer nothing."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

import supplies

from .helpers import table, text
from .pending_zh import merge_pending

Client = Callable[[str], FlaskClient]


def _edit_links(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('href="')[1:] if "/edit/?id=" in part.split('"')[0]]


def test_an_officer_sees_no_edit_button_on_other_agencies(client_as: Client, town: supplies.Inventory) -> None:
    civ, wat = town.agencies.get("CIV"), town.agencies.get("WAT")
    rows = table(client_as("officer").get("/catalog/agencies/"))
    links = _edit_links(rows)
    assert any(f"id={civ.id}" in link for link in links)
    assert not any(f"id={wat.id}" in link for link in links)
    assert len(_edit_links(table(client_as("admin").get("/catalog/agencies/")))) == 2


def test_the_edit_url_of_another_agency_refuses_politely(client_as: Client, town: supplies.Inventory) -> None:
    wat = town.agencies.get("WAT")
    client = client_as("officer")
    response = client.get(f"/catalog/agencies/edit/?id={wat.id}")
    page = text(response)
    assert response.status_code == 403
    assert "WAT" in page and "only an administrator or its own officers" in page
    assert 'id="error-back"' in page and "<form" not in page.split('id="error-page"')[1]
    posted = client.post(
        f"/catalog/agencies/edit/?id={wat.id}",
        data={
            "code": "WAT",
            "name": wat.name,
            "contact": "hijacked",
            "phone": wat.phone,
            "level": "",
            "region_code": "",
        },
    )
    assert posted.status_code == 403 and town.agencies.get("WAT").contact == "李强"
    own = client.get(f"/catalog/agencies/edit/?id={town.agencies.get('CIV').id}")
    assert own.status_code == 200 and 'name="contact"' in text(own)


def test_classes_and_items_of_other_agencies_refuse_politely(client_as: Client, town: supplies.Inventory) -> None:
    flood = next(c for c in town.classes.list() if c.code == "FLOOD")
    sandbag = next(i for i in town.items.list() if i.code == "SANDBAG")
    client = client_as("officer")
    for url, code in [
        (f"/catalog/classes/edit/?id={flood.id}", "FLOOD"),
        (f"/catalog/items/edit/?id={sandbag.id}", "SANDBAG"),
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert code in text(response) and "WAT" in text(response)
    living = next(c for c in town.classes.list() if c.code == "LIVING")
    assert client.get(f"/catalog/classes/edit/?id={living.id}").status_code == 200
    assert client.get("/catalog/classes/edit/?id=999999").status_code == 302  # no such record: as before


def test_closing_a_point_asks_for_confirmation(client_as: Client, town: supplies.Inventory) -> None:
    ts01 = town.points.get("TS-01")
    form = {
        "code": "TS-01",
        "name": ts01.name,
        "kind": "depot",
        "level": "township",
        "lat": "26.6",
        "lon": "106.8",
        "status": "closed",
        "address": "",
        "region_code": "520102001",
        "capacity_m3": "",
    }
    client = client_as("admin")
    assert "confirm_close" not in text(client.get(f"/points/edit/?id={ts01.id}"))
    first = client.post(f"/points/edit/?id={ts01.id}", data=form)
    page = text(first)
    assert first.status_code == 200
    assert "Closing TS-01 stops allocation from it" in page and "1 lots, 500 on hand" in page
    assert 'name="confirm_close"' in page and '<option selected value="closed">' in page
    assert town.points.get("TS-01").status == "active"
    second = client.post(f"/points/edit/?id={ts01.id}", data={**form, "confirm_close": "y"})
    assert second.status_code == 302
    assert town.points.get("TS-01").status == "closed"
    reopened = client.post(f"/points/edit/?id={ts01.id}", data={**form, "status": "active"})
    assert reopened.status_code == 302 and town.points.get("TS-01").status == "active"


def test_a_keeper_with_every_point_closed_is_told_why(app: Flask, client_as: Client, town: supplies.Inventory) -> None:
    town.points.close("CK-01")
    client = client_as("keeper")
    page = text(client.get("/stock/actions/issue"))
    assert "All storage points in your care are closed" in page and "ask an administrator" in page
    merge_pending(app)
    client.get("/language/zh_Hans_CN")
    assert "你负责的储备点都已关闭" in text(client.get("/stock/actions/receive"))
    town.points.reopen("CK-01")
    assert "All storage points in your care are closed" not in text(client_as("keeper").get("/stock/actions/issue"))
