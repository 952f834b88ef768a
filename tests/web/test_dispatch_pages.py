"""Incidents and dispatch requests in the web admin: listed, created and moved through the dispatch API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from flask.testing import FlaskClient

import supplies

from .helpers import movements, table, text

Client = Callable[[str], FlaskClient]


def _request(town: supplies.Inventory, **lines: int) -> int:
    incident = town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.40, lon=106.60, population=1200)
    return town.requests.create(incident.id, lines=lines or {"TENT12": 10}, dest_point="TS-02").id


def test_incidents_are_recorded_by_dispatchers_with_a_local_start_time(
    client_as: Client, town: supplies.Inventory
) -> None:
    client = client_as("dispatch")
    response = client.post(
        "/dispatch/incidents/new/",
        data={
            "name": "城关镇山洪",
            "type": "flood",
            "level": "IV",
            "lat": "26.6",
            "lon": "106.8",
            "population": "300",
            "region_code": "",
            "started_at": "2026-07-01 08:30:00",
        },
    )
    assert response.status_code == 302
    incident = town.incidents.list()[0]
    assert incident.name == "城关镇山洪"
    # Typed in the interface's time zone (Asia/Shanghai by default), stored in UTC.
    assert incident.started_at.isoformat() == "2026-07-01T00:30:00+00:00"
    listing = table(client.get("/dispatch/incidents/"))
    assert "城关镇山洪" in listing and "2026-07-01 08:30" in listing
    bad = client.post(
        "/dispatch/incidents/new/", data={"name": "x", "type": "flood", "level": "V", "lat": "26.6", "lon": "106.8"}
    )
    assert bad.status_code == 200 and len(town.incidents.list()) == 1


def test_a_request_is_created_from_the_form_and_shown(client_as: Client, town: supplies.Inventory) -> None:
    incident = town.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.40, lon=106.60, population=1200)
    client = client_as("dispatch")
    response = client.post(
        "/dispatch/requests/new/",
        data={
            "incident": str(incident.id),
            "lines": "TENT12 10\nQUILT, 20\n",
            "dest_point": "TS-02",
            "dest_lat": "",
            "dest_lon": "",
            "needed_by": "",
            "priority": "2",
            "requesting_unit": "河口镇政府",
            "note": "",
        },
    )
    assert response.status_code == 302
    created = town.requests.list()[0]
    assert created.lines_count == 2 and created.priority == 2
    detail = text(client.get(response.headers["Location"]))
    assert "TENT12" in detail and "QUILT" in detail and "河口镇政府" in detail
    bad = client.post(
        "/dispatch/requests/new/",
        data={"incident": str(incident.id), "lines": "TENT12 ten", "dest_point": "TS-02", "priority": "3"},
    )
    assert bad.status_code == 200 and "Paste lines: line 1: write a code and a whole quantity" in text(bad)
    assert len(town.requests.list()) == 1


def test_a_request_moves_through_its_life_cycle_from_the_detail_page(
    client_as: Client, town: supplies.Inventory
) -> None:
    rid = _request(town)
    dispatcher, keeper = client_as("dispatch"), client_as("keeper")
    url = f"/dispatch/requests/details/?id={rid}"
    page = text(dispatcher.get(url))
    assert "Submit" in page and "Approve" not in page
    assert dispatcher.post(f"/dispatch/requests/act/{rid}/submit").status_code == 302
    assert dispatcher.post(f"/dispatch/requests/act/{rid}/approve").status_code == 302
    dispatcher.post(f"/dispatch/requests/act/{rid}/allocate", data={"strategy": "earliest"})
    detail = town.requests.show(rid)
    assert detail.status == "allocated" and detail.allocations[0].point == "CK-01"
    page = text(keeper.get(url))
    assert "Pick lists" in page and "Dispatch" in page  # the keeper executes the share at CK-01
    before = movements(town)
    assert keeper.post(f"/dispatch/requests/act/{rid}/dispatch").status_code == 302
    assert town.requests.show(rid).status == "dispatched"
    assert movements(town) == before + 1
    dispatcher.post(f"/dispatch/requests/act/{rid}/receive")
    dispatcher.post(f"/dispatch/requests/act/{rid}/close")
    assert town.requests.show(rid).status == "closed"
    history = text(dispatcher.get(url))
    assert history.count("→") >= 6


def test_a_refused_step_says_why_and_changes_nothing(client_as: Client, town: supplies.Inventory) -> None:
    rid = _request(town)
    viewer = client_as("viewer")
    response = viewer.post(f"/dispatch/requests/act/{rid}/submit", follow_redirects=True)
    assert "needs the role" in text(response)
    assert town.requests.show(rid).status == "draft"
    dispatcher = client_as("dispatch")
    response = dispatcher.post(f"/dispatch/requests/act/{rid}/approve", follow_redirects=True)
    assert "is draft; approve needs it submitted" in text(response)
    dispatcher.post(f"/dispatch/requests/act/{rid}/submit")
    response = dispatcher.post(f"/dispatch/requests/act/{rid}/reject", data={"reason": ""}, follow_redirects=True)
    assert town.requests.show(rid).status == "submitted"
    assert dispatcher.post(f"/dispatch/requests/act/{rid}/reject", data={"reason": "duplicate"}).status_code == 302
    assert town.requests.show(rid).status == "rejected"
    assert dispatcher.post(f"/dispatch/requests/act/{rid}/explode").status_code == 404


def test_request_list_filters_by_state(client_as: Client, town: supplies.Inventory) -> None:
    _request(town)
    second = _request(town, QUILT=5)
    town.requests.submit(second)
    client = client_as("viewer")
    view = next(v for v in client.application.extensions["admin"][0]._views if v.endpoint == "requests")
    idx = next(i for i, f in enumerate(view._filters) if f.column.key == "status" and type(f).__name__ == "FilterEqual")
    rows = table(client.get(f"/dispatch/requests/?flt0_{view.get_filter_arg(idx, view._filters[idx])}=submitted"))
    assert re.findall(r'class="col-id">\s*(\d+)\s*<', rows) == [str(second)]
    home = text(client.get("/"))
    assert "submitted" in home.split('id="open-requests"')[1]


def test_needed_by_is_shown_in_local_time(client_as: Client, town: supplies.Inventory) -> None:
    incident = town.incidents.add("山体滑坡", type="landslide", level="IV", lat=26.5, lon=106.7)
    due = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    rid = town.requests.create(incident.id, lines={"TENT12": 1}, dest_point="TS-01", needed_by=due).id
    page = text(client_as("viewer").get(f"/dispatch/requests/details/?id={rid}"))
    assert "2026-07-01 18:00" in page
