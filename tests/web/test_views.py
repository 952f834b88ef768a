"""Every list page for every role, the scope each role sees, and catalog edits that go through the core."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

import supplies

from .helpers import movements, table, text

Client = Callable[[str], FlaskClient]
ROLES = ["admin", "keeper", "officer", "dispatch", "viewer"]

# page -> users allowed to open it (everyone else gets 403)
ACCESS = {
    "/": ROLES,
    "/stock/lots/": ROLES,
    "/stock/ledger/": ROLES,
    "/stock/actions/receive": ["admin", "keeper", "officer"],
    "/points/": ROLES,
    "/catalog/agencies/": ROLES,
    "/catalog/classes/": ROLES,
    "/catalog/tree/": ROLES,
    "/catalog/items/": ROLES,
    "/catalog/targets/": ROLES,
    "/dispatch/incidents/": ROLES,
    "/dispatch/requests/": ROLES,
    "/users/": ["admin"],
    "/users/new/": ["admin"],
    "/account/": ROLES,
}


@pytest.mark.parametrize("user", ROLES)
def test_each_role_opens_its_pages_and_is_refused_the_others(client_as: Client, user: str) -> None:
    client = client_as(user)
    for page, allowed in ACCESS.items():
        expected = 200 if user in allowed else 403
        assert client.get(page).status_code == expected, (page, user)


# create page -> users shown the form (others are sent back to the list)
CREATE = {
    "/catalog/agencies/new/": ["admin"],
    "/catalog/classes/new/": ["admin", "officer"],
    "/catalog/items/new/": ["admin", "keeper", "officer"],
    "/points/new/": ["admin"],
    "/catalog/targets/new/": ["admin", "dispatch"],
    "/dispatch/incidents/new/": ["admin", "dispatch"],
    "/dispatch/requests/new/": ["admin", "dispatch"],
}


@pytest.mark.parametrize("user", ROLES)
def test_create_forms_are_offered_only_to_who_may_create(client_as: Client, user: str) -> None:
    client = client_as(user)
    for page, allowed in CREATE.items():
        response = client.get(page)
        assert response.status_code == (200 if user in allowed else 302), (page, user)


def test_warehouse_staff_see_only_their_points_stock_and_ledger(client_as: Client) -> None:
    client = client_as("keeper")
    lots = table(client.get("/stock/lots/"))
    assert "TENT12" in lots and "SANDBAG" not in lots and "QUILT" not in lots
    ledger = table(client.get("/stock/ledger/"))
    assert "TENT12" in ledger and "SANDBAG" not in ledger
    points = table(client.get("/points/"))
    assert "CK-01" in points and "TS-01" not in points
    # Nor are other points offered in the filters.
    assert "TS-01" not in text(client.get("/stock/lots/"))


def test_an_agency_officer_sees_only_their_agency_s_classes_and_stock(client_as: Client) -> None:
    client = client_as("officer")
    lots = table(client.get("/stock/lots/"))
    assert "TENT12" in lots and "QUILT" in lots and "SANDBAG" not in lots
    classes = table(client.get("/catalog/classes/"))
    assert "LIVING" in classes and "FLOOD" not in classes
    tree = table(client.get("/catalog/tree/"))
    assert "LIVING" in tree and "FLOOD" not in tree
    items = table(client.get("/catalog/items/"))
    assert "TENT12" in items and "SANDBAG" not in items


def test_a_record_outside_the_scope_cannot_be_opened_by_id(client_as: Client, town: supplies.Inventory) -> None:
    ts01 = next(p for p in town.points.list() if p.code == "TS-01")
    response = client_as("keeper").get(f"/points/edit/?id={ts01.id}")
    assert response.status_code == 404  # not theirs to open, as a lot of another point


def test_lot_list_searches_filters_and_sorts(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    found = table(client.get("/stock/lots/?search=SANDBAG"))
    assert "SANDBAG" in found and "TENT12" not in found
    # Every filter the page offers works (no error, and the list is drawn).
    view = client.application.extensions["admin"][0]._views
    lots = next(v for v in view if v.endpoint == "lots")
    for index, flt in enumerate(lots._filters):
        value = (
            "30"
            if "Expir" in type(flt).__name__
            else ("1" if flt.options else "2026-01-01" if "Date" in type(flt).__name__ else "CK")
        )
        response = client.get(f"/stock/lots/?flt0_{lots.get_filter_arg(index, flt)}={value}")
        assert response.status_code == 200, type(flt).__name__
    for sort in range(len(lots.column_sortable_list)):
        assert client.get(f"/stock/lots/?sort={sort}&desc=1").status_code == 200


def test_a_search_pasted_far_too_long_is_cut_and_said(client_as: Client, town: supplies.Inventory) -> None:
    # A whole document pasted into the search box once made SQLite refuse the LIKE pattern (a 500).
    client = client_as("admin")
    response = client.get("/stock/lots/", query_string={"search": "SANDBAG" + "长" * 20_000})
    assert response.status_code == 200
    assert "200" in text(response)  # the message says how much of the term is kept
    found = table(client.get("/stock/lots/", query_string={"search": "SANDBAG" + " " * 300}))
    assert "SANDBAG" in found and "TENT12" not in found


def test_lot_list_pages_fifty_rows(client_as: Client, town: supplies.Inventory) -> None:
    for n in range(60):
        town.stock.receive("TS-02", "SANDBAG", 1, batch=f"B{n:03d}")
    page = text(client_as("admin").get("/stock/lots/?search=TS-02"))
    assert page.count("fa-book") == 50  # one ledger link per row
    second = text(client_as("admin").get("/stock/lots/?search=TS-02&page=1"))
    assert second.count("fa-book") == 11


def test_the_ledger_filters_by_time_and_kind(client_as: Client, town: supplies.Inventory) -> None:
    town.stock.issue("CK-01", "TENT12", 3, batch="T1")
    client = client_as("admin")
    ledger = next(v for v in client.application.extensions["admin"][0]._views if v.endpoint == "ledger")
    args = {
        type(f).__name__ + ":" + str(f.column.key): ledger.get_filter_arg(i, f) for i, f in enumerate(ledger._filters)
    }
    after = table(client.get(f"/stock/ledger/?flt0_{args['AwareGreater:at']}=2000-01-01+00:00:00"))
    assert "TENT12" in after
    future = table(client.get(f"/stock/ledger/?flt0_{args['AwareGreater:at']}=2999-01-01+00:00:00"))
    assert "TENT12" not in future
    issues = table(client.get(f"/stock/ledger/?flt0_{args['FilterEqual:kind']}=issue"))
    assert "TENT12" in issues and "SANDBAG" not in issues


def test_the_ledger_of_one_lot(client_as: Client, town: supplies.Inventory) -> None:
    lot = town.stock.lots(point="TS-01")[0]
    page = table(client_as("admin").get(f"/stock/ledger/?lot={lot.lot_id}"))
    assert "SANDBAG" in page and "TENT12" not in page


def test_the_ledger_is_read_only(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    before = movements(town)
    for url in ["/stock/ledger/new/", "/stock/ledger/edit/?id=1"]:
        assert client.get(url).status_code == 302
        client.post(url, data={"qty": "999"})
    assert client.post("/stock/ledger/delete/", data={"id": "1"}).status_code in (302, 403)
    assert movements(town) == before


def test_ledger_exports_as_csv_and_xlsx_in_scope(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("keeper")
    response = client.get("/stock/ledger/export/csv/")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Time", "Movement", "Storage point", "Item"]
    assert [r[2] for r in rows[1:]] == ["CK-01"]  # the keeper's point only
    assert rows[1][4] == "单帐篷(12平方米)"
    response = client.get("/stock/ledger/export/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][:2] == ("Time", "Movement") and values[1][2] == "CK-01" and values[1][7] == 40
    assert len(values) == 2


def test_catalog_changes_go_through_the_core(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    response = client.post(
        "/catalog/agencies/new/",
        data={
            "code": "HEALTH",
            "name": "卫健局",
            "contact": "张医生",
            "phone": "0858-222",
            "level": "county",
            "region_code": "",
        },
    )
    assert response.status_code == 302
    assert town.agencies.get("HEALTH").contact == "张医生"
    bad = client.post(
        "/catalog/agencies/new/", data={"code": "FIRE", "name": "消防", "phone": "call us", "level": "county"}
    )
    assert bad.status_code == 200
    assert "phone: must be a phone number" in text(bad) or "Phone: must be a phone number" in text(bad)
    assert 'value="call us"' in text(bad)
    assert "FIRE" not in [a.code for a in town.agencies.list()]
    duplicate = client.post("/catalog/agencies/new/", data={"code": "CIV", "name": "again", "level": "county"})
    assert duplicate.status_code == 200 and "already exists" in text(duplicate).lower()

    civ = town.agencies.get("CIV")
    response = client.post(
        f"/catalog/agencies/edit/?id={civ.id}",
        data={"code": "CIV", "name": civ.name, "contact": "刘芳", "phone": civ.phone, "level": "", "region_code": ""},
    )
    assert response.status_code == 302
    assert town.agencies.get("CIV").contact == "刘芳"


def test_an_officer_edits_only_their_own_agency(client_as: Client, town: supplies.Inventory) -> None:
    wat = town.agencies.get("WAT")
    response = client_as("officer").post(
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
    assert response.status_code == 403  # refused before the form, saying why (tests/web/test_own_records.py)
    assert "only an administrator or its own officers may change it" in text(response)
    assert town.agencies.get("WAT").contact == "李强"


def test_classes_items_points_and_targets_through_their_forms(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    assert (
        client.post(
            "/catalog/classes/new/",
            data={"code": "LIVING-TENT", "name": "帐篷", "name_en": "Tents", "parent": "LIVING", "agency": "CIV"},
        ).status_code
        == 302
    )
    assert [n.code for n in town.classes.tree()][:2] == ["FLOOD", "LIVING"]
    assert "LIVING-TENT" in text(client.get("/catalog/tree/"))
    wrong_agency = client.post(
        "/catalog/classes/new/", data={"code": "X1", "name": "x", "parent": "", "agency": "NOPE"}
    )
    assert wrong_agency.status_code == 200 and "Agency: no agency with code" in text(wrong_agency)

    assert (
        client.post(
            "/catalog/items/new/",
            data={
                "code": "TENT36",
                "name": "大帐篷",
                "supply_class": "LIVING-TENT",
                "unit": "顶",
                "shelf_life_days": "3650",
                "unit_weight_kg": "45.5",
                "unit_volume_m3": "",
                "reusable": "y",
            },
        ).status_code
        == 302
    )
    tent = town.items.get("TENT36")
    assert (tent.unit_weight_kg, tent.reusable) == (45.5, True)
    bad = client.post(
        "/catalog/items/new/",
        data={"code": "X2", "name": "x", "supply_class": "LIVING", "unit": "个", "unit_weight_kg": "heavy"},
    )
    assert bad.status_code == 200 and "Unit weight (kg): must be a number" in text(bad)

    item = next(i for i in town.items.list() if i.code == "QUILT")
    assert (
        client.post(
            f"/catalog/items/edit/?id={item.id}",
            data={"code": "QUILT", "name": "棉被(加厚)", "supply_class": "LIVING", "unit": "床"},
        ).status_code
        == 302
    )
    assert town.items.get("QUILT").name == "棉被(加厚)"
    assert town.items.get("QUILT").reusable is False  # the box left unticked: quilts are given, not lent
    tent_row = next(i for i in town.items.list() if i.code == "TENT36")
    data = {"code": "TENT36", "name": "大帐篷", "supply_class": "LIVING-TENT", "unit": "顶"}
    assert client.post(f"/catalog/items/edit/?id={tent_row.id}", data=data).status_code == 302
    assert town.items.get("TENT36").reusable is False  # unticked on edit: no longer lent

    assert (
        client.post(
            "/points/new/",
            data={
                "code": "SH-01",
                "name": "体育馆避难场所",
                "kind": "shelter",
                "level": "township",
                "lat": "26.5",
                "lon": "106.7",
                "status": "active",
                "region_code": "",
                "address": "",
                "capacity_m3": "",
            },
        ).status_code
        == 302
    )
    assert town.points.get("SH-01").kind == "shelter"
    bad = client.post(
        "/points/new/",
        data={
            "code": "SH-02",
            "name": "x",
            "kind": "shelter",
            "level": "township",
            "lat": "91",
            "lon": "106.7",
            "status": "active",
        },
    )
    assert bad.status_code == 200 and "Latitude" in text(bad)

    assert (
        client.post(
            "/catalog/targets/new/", data={"item": "TENT12", "point": "CK-01", "region_code": "", "quantity": "300"}
        ).status_code
        == 302
    )
    target = next(t for t in town.targets.list() if t.item == "TENT12")
    assert target.quantity == 300
    page = text(client.get("/catalog/targets/"))
    assert "300" in page and "40" in page  # the target beside what the point holds


def test_warehouse_staff_correct_their_point_but_not_another(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("keeper")
    ck = town.points.get("CK-01")
    response = client.post(
        f"/points/edit/?id={ck.id}",
        data={
            "code": "CK-01",
            "name": ck.name,
            "kind": "depot",
            "level": "county",
            "lat": "26.58",
            "lon": "106.71",
            "status": "active",
            "address": "河滨路 8 号",
            "region_code": "520102",
            "capacity_m3": "",
        },
    )
    assert response.status_code == 302
    assert town.points.get("CK-01").address == "河滨路 8 号"


def test_users_are_added_scoped_and_deactivated_by_admins(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    response = client.post(
        "/users/new/",
        data={
            "name": "wang",
            "role": "warehouse",
            "agency": "",
            "points": ["TS-01", "TS-02"],
            "password": "wang-pass-123",
        },
    )
    assert response.status_code == 302
    assert town.users.get("wang").points == ("TS-01", "TS-02")
    listing = text(client.get("/users/"))
    assert "TS-01, TS-02" in listing and "password" not in listing.lower().split("<table")[1]
    missing = client.post("/users/new/", data={"name": "li", "role": "warehouse", "agency": "", "password": ""})
    assert missing.status_code == 200 and "warehouse staff need at least one storage point" in text(missing)
    wang = next(u for u in town.users.list() if u.name == "wang")
    assert wang.active
    uid = re.findall(r'name="rowid" class="action-checkbox" value="(\d+)"', text(client.get("/users/?search=wang")))[0]
    client.post("/users/action/", data={"action": "deactivate", "rowid": [uid], "url": "/users/"})
    assert not town.users.get("wang").active


def test_nothing_can_be_deleted_from_the_web(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    civ = town.agencies.get("CIV")
    for url in ["/catalog/agencies/delete/", "/points/delete/", "/catalog/items/delete/", "/users/delete/"]:
        assert client.post(url, data={"id": str(civ.id)}).status_code in (302, 403)
    assert town.agencies.get("CIV")


def test_dashboard_shows_targets_expiry_requests_and_the_map(client_as: Client, town: supplies.Inventory) -> None:
    from datetime import timedelta

    from supplies.config import local_today

    town.targets.set("TENT12", 100, point="CK-01")
    town.targets.set("QUILT", 50, region_code="520102")
    town.stock.receive("CK-01", "QUILT", 5, batch="OLD", expires_on=local_today() - timedelta(days=1), historical=True)
    town.stock.receive("CK-01", "QUILT", 5, batch="SOON", expires_on=local_today() + timedelta(days=20))
    town.stock.receive("CK-01", "QUILT", 5, batch="LATER", expires_on=local_today() + timedelta(days=60))
    page = text(client_as("admin").get("/"))
    living = page.split("LIVING</code>")[1].split("</tr>")[0]
    # on hand 40 tents + 30 + 15 quilts = 85; targets 100 + 50; short 60 tents + 5 quilts (45 in the region)
    assert re.findall(r">([\d,]+)<", living)[:3] == ["85", "150", "65"]
    counts = page.split('id="expiry-counts"')[1].split("</div>\n          </div>")[0]
    # expired: OLD; within 30 days: SOON; within 90 days: SOON and LATER
    assert re.findall(r'class="text-\w+" href="[^"]*">(\d+)</a>', counts) == ["1", "1", "2"]
    assert 'id="supply-map"' in page  # the map, whose points come from the layer (tests/web/test_map_pages.py)
    admin_points = client_as("admin").get("/map/layers/points.geojson").get_json()
    assert [f["id"] for f in admin_points["features"]] == ["CK-01", "TS-01", "TS-02"]
    keeper_points = client_as("keeper").get("/map/layers/points.geojson").get_json()
    assert [f["id"] for f in keeper_points["features"]] == ["CK-01"]


LISTS = [
    "/stock/lots/",
    "/stock/ledger/",
    "/points/",
    "/catalog/agencies/",
    "/catalog/classes/",
    "/catalog/items/",
    "/catalog/targets/",
    "/dispatch/incidents/",
    "/dispatch/requests/",
    "/users/",
    "/catalog/tree/",
    "/",
]


def _statements(client: FlaskClient, url: str) -> tuple[int, int]:
    """The statements of the page's first view (option lists and jurisdictions read) and of the next one."""
    from sqlalchemy import event

    engine = client.application.extensions["supplies"].engine
    count = [0]

    def counter(*_args: object) -> None:
        count[0] += 1

    counts = []
    client.application.extensions["supplies_lookups"].clear()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        for _ in range(2):
            count[0] = 0
            assert client.get(url).status_code == 200, url
            counts.append(count[0])
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return counts[0], counts[1]


def test_list_pages_cost_the_same_queries_for_few_rows_and_many(client_as: Client, town: supplies.Inventory) -> None:
    client = client_as("admin")
    few = {url: _statements(client, url) for url in LISTS}
    for n in range(30):
        town.agencies.add(f"AG{n:02d}", f"单位{n}")
        town.classes.add(f"CL{n:02d}", f"类别{n}", agency=f"AG{n:02d}", parent="LIVING")
        town.items.add(f"IT{n:02d}", f"物资{n}", supply_class=f"CL{n:02d}", unit="件")
        town.points.add(f"PT{n:02d}", f"储备点{n}", level="village", lat=26 + n / 100, lon=106 + n / 100)
        town.stock.receive(f"PT{n:02d}", f"IT{n:02d}", 5, batch="B")
        town.targets.set(f"IT{n:02d}", 10, point=f"PT{n:02d}")
        town.users.add(f"user{n:02d}", role="warehouse", points=[f"PT{n:02d}"], web_login=False)
        incident = town.incidents.add(f"事件{n}", type="flood", level="IV", lat=26.5, lon=106.5)
        town.requests.create(incident.id, lines={"TENT12": 1}, dest_point="TS-01")
    many = {url: _statements(client, url) for url in LISTS}
    assert many == few
