"""Chinese and English: the browser's language by default, the user's choice once made, and a complete catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from .helpers import login, text

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

WEBADMIN = Path(__file__).resolve().parents[2] / "webadmin"
CATALOG = WEBADMIN / "translations" / "zh_Hans_CN" / "LC_MESSAGES"


def test_english_by_default_and_chinese_for_a_chinese_browser(app: Flask) -> None:
    client = app.test_client()
    login(client, "keeper")
    english = text(client.get("/stock/lots/"))
    assert "Stock lots" in english and "List" in english
    chinese = text(client.get("/stock/lots/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}))
    assert "库存批次" in chinese  # ours
    assert "列表" in chinese and "添加筛选器" in chinese  # Flask-Admin's own
    assert "储备点" in chinese and "实物储备" in chinese  # column labels and stored values
    login_page = text(app.test_client().get("/login", headers={"Accept-Language": "zh-TW,zh"}))
    assert "登录" in login_page


def test_the_language_switch_is_remembered_and_returns_to_the_page(app: Flask) -> None:
    client = app.test_client()
    login(client, "keeper")
    response = client.get("/language/zh_Hans_CN", headers={"Referer": "http://localhost/stock/ledger/?page=0"})
    assert response.status_code == 302 and response.headers["Location"] == "/stock/ledger/?page=0"
    page = text(client.get("/", headers={"Accept-Language": "en"}))
    assert "按类别的库存与储备目标" in page and "入库" in text(client.get("/stock/actions/receive"))
    client.post("/logout")
    assert "登录" in text(client.get("/login"))  # the choice outlives the session
    client.get("/language/en")
    assert "Log in" in text(client.get("/login", headers={"Accept-Language": "zh-CN"}))


def test_the_switch_never_sends_anyone_to_another_site(app: Flask) -> None:
    response = app.test_client().get("/language/en", headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == "/"
    unknown = app.test_client().get("/language/xx")
    assert unknown.status_code == 302


def test_form_errors_are_translated(app: Flask) -> None:
    client = app.test_client()
    login(client, "keeper")
    client.get("/language/zh_Hans_CN")
    page = text(
        client.post("/stock/actions/receive", data={"point": "CK-01", "item": "TENT12", "qty": "x", "mode": "physical"})
    )
    assert "数量：" in page  # our label and separator
    assert "Not a valid integer value" not in page  # WTForms' own message in Chinese
    zero = text(
        client.post("/stock/actions/receive", data={"point": "CK-01", "item": "TENT12", "qty": "0", "mode": "physical"})
    )
    assert "数量：须不小于 1。" in zero  # ours, not WTForms' stilted "数值必须大于 1"


def test_every_string_of_the_web_admin_is_translated() -> None:
    with open(WEBADMIN / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        WEBADMIN.parent, method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    with open(CATALOG / "messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, (tuple, list)) else m.string)
    }
    assert found and not found - translated, f"untranslated: {sorted(found - translated)}"


def test_the_compiled_catalog_matches_its_source() -> None:
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)

    def pairs(catalog: object) -> dict[object, object]:
        return {
            (tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id): (
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string
            )
            for m in catalog
            if m.id
        }  # type: ignore[attr-defined]

    assert pairs(source) == pairs(compiled)
