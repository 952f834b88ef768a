"""The signing sheet and the public notice in the web admin: printable pages and XLSX, scoped by the core."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

import supplies

from .helpers import text

ID17 = "520102199001011234"
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_PII_KEY", "test-key-for-web-papers")


@pytest.fixture
def town(town: supplies.Inventory) -> supplies.Inventory:
    """The web's county with an incident, three households in two villages and two distributions."""
    inv = town
    inv.stock.receive("CK-01", "QUILT", 20, batch="Q-CK")
    inv.incidents.add("河口洪涝", type="flood", level="IV", lat=26.5, lon=106.7)
    inv.entitlements.set("QUILT", per_person=1)
    inv.households.add("1", head="张三", members=3, village="新村", phone=PHONE, id_number=ID17)
    inv.households.add("2", head="李四", members=2, village="新村")
    inv.households.add("3", head="赵六", members=4, village="老村", phone="13900001111")
    inv.distribution.distribute("CK-01", "1", collector="张小三")
    inv.distribution.distribute("TS-02", "3")
    return inv


def test_the_menu_and_the_form_page(client_as: Callable[[str], FlaskClient]) -> None:
    for user in ("admin", "dispatch", "viewer", "keeper", "officer"):
        page = text(client_as(user).get("/relief/papers/"))
        assert 'id="papers-form"' in page and 'data-village="新村"' in page, user
    home = text(client_as("viewer").get("/"))
    assert "/relief/papers/" in home


def test_the_signing_sheet_page(client_as: Callable[[str], FlaskClient]) -> None:
    reply = client_as("admin").get("/relief/papers/sheet?village=新村")
    assert reply.status_code == 200
    page = text(reply)
    assert 'data-number="1"' in page and 'data-number="2"' in page and 'data-number="3"' not in page
    assert "5201**********1234" in page and "张小三" in page
    assert ID17 not in page and PHONE not in page and "138****" not in page
    assert "display: table-header-group" in page and "size: A4" in page
    assert 'id="sign-clerk"' in page and 'id="sign-cadre"' in page and "河口洪涝" in page


def test_the_sheet_in_chinese_and_as_xlsx(client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("dispatch")
    client.get("/language/zh_Hans_CN")
    page = text(client.get("/relief/papers/sheet?village=新村&point=CK-01"))
    assert "救灾物资发放登记表" in page and "签名/手印" in page and "村干部" in page
    reply = client.get("/relief/papers/sheet?village=新村&format=xlsx")
    assert reply.mimetype.endswith("spreadsheetml.sheet")
    cells = repr(list(load_workbook(io.BytesIO(reply.data)).active.iter_rows(values_only=True)))
    assert "5201**********1234" in cells and ID17 not in cells and PHONE not in cells


def test_the_notice_page_holds_no_personal_data(client_as: Callable[[str], FlaskClient]) -> None:
    page = text(client_as("viewer").get("/relief/papers/notice"))
    assert 'data-village="新村"' in page and 'data-village="老村"' in page
    for personal in ("张三", "李四", "赵六", "张小三", "5201", PHONE, "13900001111"):
        assert personal not in page
    reply = client_as("viewer").get("/relief/papers/notice?format=xlsx")
    cells = repr(list(load_workbook(io.BytesIO(reply.data)).active.iter_rows(values_only=True)))
    assert "新村" in cells and "张三" not in cells


def test_a_keeper_sees_only_their_points_distributions(client_as: Callable[[str], FlaskClient]) -> None:
    page = text(client_as("keeper").get("/relief/papers/notice"))  # keeper keeps CK-01: household 3 was served at TS-02
    assert 'data-village="新村"' in page and 'data-village="老村"' not in page
    refused = client_as("keeper").get("/relief/papers/sheet?village=新村&point=TS-02")
    assert refused.status_code == 302  # back to the form, with the core's refusal flashed


def test_a_bad_request_is_refused_naming_the_field(client_as: Callable[[str], FlaskClient]) -> None:
    client = client_as("admin")
    reply = client.get("/relief/papers/sheet?village=无人村", follow_redirects=True)
    assert "village" in text(reply)
    reply = client.get("/relief/papers/sheet?village=新村&since=2025-13-01", follow_redirects=True)
    assert "since" in text(reply)
