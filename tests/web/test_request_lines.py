"""Issue #11, failure 1: request lines with real codes (they contain ':') are entered as rows, pasted or typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

import supplies
from webadmin.views.request_lines import split_lines

from .helpers import text

Client = Callable[[str], FlaskClient]
NEW = "/dispatch/requests/new/"


def _form(incident: int, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "incident": str(incident),
        "dest_point": "HS-SH01",
        "priority": "1",
        "dest_lat": "",
        "dest_lon": "",
        "needed_by": "",
        "requesting_unit": "羡塘镇政府",
        "note": "",
        "lines": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def incident(flood: supplies.Inventory) -> int:
    return flood.incidents.add("羡塘镇洪涝", type="flood", level="IV", lat=25.94, lon=106.56, population=3000).id


@pytest.mark.parametrize(
    "line",
    [
        "PLAN14:3.05 300",
        "PLAN14:3.05\t300",
        "PLAN14:3.05,300",
        "PLAN14:3.05, 300",
        "PLAN14:3.05=300",
        "PLAN14:3.05 = 300",
        "PLAN14:3.05:300",
        "PLAN14:3.05：300",
        "PLAN14:3.05，300",
        "  PLAN14:3.05   300  ",
        "PLAN14:3.05\t棉被\t300",
        "PLAN14:3.05\t300\t",
        "PLAN14:3.05　300",
        "PLAN14:3.05 ３００",
    ],
)
def test_a_code_with_colons_and_any_separator_is_read(flood_app: Flask, line: str) -> None:
    with flood_app.test_request_context():
        lines, problems = split_lines(line)
    assert problems == [] and [(ln.code, ln.quantity) for ln in lines] == [("PLAN14:3.05", 300)]


def test_rows_pasted_from_a_spreadsheet_are_read_and_bad_ones_named(flood_app: Flask) -> None:
    pasted = (
        "\ufeffPLAN14:3.05\t300\r\nPLAN14:3.01\t1,200\r\n\r\nLOCAL:FOOD\t40\n"
        "PLAN14:3.05 ten\n300\nPLAN14:3 0\nX 99999999999999999999999999\n"
    )
    with flood_app.test_request_context():
        lines, problems = split_lines(pasted)
    assert [(ln.number, ln.code, ln.quantity) for ln in lines] == [
        (1, "PLAN14:3.05", 300),
        (2, "PLAN14:3.01", 1200),
        (4, "LOCAL:FOOD", 40),
    ]
    assert [p.number for p in problems] == [5, 6, 7, 8]
    assert "write a code and a whole quantity, e.g. PLAN14:3.05 300" in problems[0].reason
    assert "without a code" in problems[1].reason
    assert "1 or more" in problems[2].reason and "too large" in problems[3].reason


def test_failure_1_plan14_code_is_accepted_from_the_paste_box(
    flood_as: Client, flood: supplies.Inventory, incident: int
) -> None:
    """Reported: 调拨申请 → 创建 with `PLAN14:3.05 300` was refused ("第 1 行：请填写编码和整数数量")."""
    client = flood_as("zhangwei")
    response = client.post(NEW, data=_form(incident, lines="PLAN14:3.05 300\nPLAN14:3.01\t40\nPLAN14:1.2=500"))
    assert response.status_code == 302, text(response)
    created = flood.requests.show(flood.requests.list()[0].id)
    assert [(ln.code, ln.kind, ln.quantity) for ln in created.lines] == [
        ("PLAN14:3.05", "item", 300),
        ("PLAN14:3.01", "item", 40),
        ("PLAN14:1.2", "class", 500),
    ]


def test_lines_are_entered_as_rows(flood_as: Client, flood: supplies.Inventory, incident: int) -> None:
    client = flood_as("zhangwei")
    page = text(client.get(NEW))
    assert 'name="rows-code"' in page and 'name="rows-qty"' in page and 'id="line-add"' in page
    assert "PLAN14:3.05" in page and "TENT12" not in page  # the example names a real code
    assert "request_lines.js" in page and "select2" in page
    response = client.post(
        NEW, data=_form(incident, **{"rows-code": ["PLAN14:3.05", "", "PLAN14:3"], "rows-qty": ["300", "", "20"]})
    )
    assert response.status_code == 302, text(response)
    created = flood.requests.show(flood.requests.list()[0].id)
    assert [(ln.code, ln.quantity) for ln in created.lines] == [("PLAN14:3.05", 300), ("PLAN14:3", 20)]


def test_rows_and_pasted_lines_together(flood_as: Client, flood: supplies.Inventory, incident: int) -> None:
    client = flood_as("zhangwei")
    response = client.post(
        NEW, data=_form(incident, lines="PLAN14:1.2.01\t2000", **{"rows-code": ["PLAN14:3.05"], "rows-qty": ["300"]})
    )
    assert response.status_code == 302
    created = flood.requests.show(flood.requests.list()[0].id)
    assert [ln.code for ln in created.lines] == ["PLAN14:3.05", "PLAN14:1.2.01"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rows-code": ["PLAN14:3.05", "PLAN14:3.01"], "rows-qty": ["300", ""]}, "Lines: line 2: give a quantity"),
        ({"rows-code": ["PLAN14:3.05"], "rows-qty": ["3.5"]}, "Lines: line 1: the quantity must be a whole number"),
        ({"rows-code": ["", "PLAN14:3.05"], "rows-qty": ["", "0"]}, "Lines: line 2: the quantity must be 1 or more"),
        (
            {"rows-code": ["PLAN14:3.05", "PLAN14:9.99"], "rows-qty": ["1", "5"]},
            "Lines: line 2: no item or supply class with code &#39;PLAN14:9.99&#39;",
        ),
        (
            {"rows-code": ["PLAN14:3.05", "PLAN14:3.05"], "rows-qty": ["1", "5"]},
            "Lines: line 2: PLAN14:3.05 appears more than once",
        ),
        ({"lines": "PLAN14:3.05 300\n棉被 20"}, "Paste lines: line 2: no item or supply class with code"),
        ({"lines": "PLAN14:3.05 300\nPLAN14:3.01 many"}, "Paste lines: line 2: write a code and a whole quantity"),
        (
            {"rows-code": ["PLAN14:3.05"], "rows-qty": ["2000000000"]},
            "Lines: line 1: must be a whole number from 1 to 1,000,000,000",
        ),
        ({}, "Lines: give at least one line"),
    ],
)
def test_a_bad_line_keeps_the_form_and_says_which_and_why(
    flood_as: Client, flood: supplies.Inventory, incident: int, fields: dict, message: str
) -> None:
    client = flood_as("zhangwei")
    response = client.post(NEW, data=_form(incident, **fields))
    page = text(response)
    assert response.status_code == 200 and message in page, page[page.find("alert-danger") :][:600]
    assert flood.requests.list() == []
    for code in fields.get("rows-code", []):
        if code:
            assert f'value="{code}"' in page  # the rows are kept
    if "rows-code" in fields and "PLAN14:3.05" in fields["rows-code"]:
        assert 'data-label="PLAN14:3.05 棉被 (床)"' in page  # with the names of their codes
    if fields.get("lines"):
        assert fields["lines"].split("\n")[0] in page


def test_the_code_search_finds_items_and_classes_by_code_or_chinese_name(flood_as: Client) -> None:
    client = flood_as("zhangwei")
    by_code = client.get("/dispatch/requests/codes", query_string={"q": "plan14:3"}).get_json()["results"]
    assert [(r["code"], r["kind"]) for r in by_code] == [
        ("PLAN14:3", "class"),
        ("PLAN14:3.01", "item"),
        ("PLAN14:3.05", "item"),
    ]
    assert by_code[2] == {
        "code": "PLAN14:3.05",
        "name": "棉被",
        "unit": "床",
        "kind": "item",
        "spec": "200×230cm",
        "text": "PLAN14:3.05 棉被 (床)",
    }
    assert by_code[0]["unit"] is None and by_code[0]["text"] == "PLAN14:3 受灾人员基本生活保障物资 (class)"
    by_name = client.get("/dispatch/requests/codes", query_string={"q": "棉被"}).get_json()["results"]
    assert [r["code"] for r in by_name] == ["PLAN14:3.05"]
    by_part = client.get("/dispatch/requests/codes", query_string={"q": "防汛"}).get_json()["results"]
    assert [r["code"] for r in by_part] == ["PLAN14:1.2"]
    for odd in ("%", "_", "'", "\\", "x" * 500):
        assert client.get("/dispatch/requests/codes", query_string={"q": odd}).get_json()["results"] == []
    # The request form's helper is for those who create requests.
    assert flood_as("lina").get("/dispatch/requests/codes?q=PLAN").status_code == 403


def test_pasted_text_is_read_by_the_server_for_the_rows(flood_as: Client) -> None:
    client = flood_as("zhangwei")
    answer = client.post(
        "/dispatch/requests/parse-lines", data={"text": "PLAN14:3.05\t300\nPLAN14:3.01：40\nPLAN14:7 5\nbad line"}
    ).get_json()
    assert answer["rows"] == [
        {"line": 1, "code": "PLAN14:3.05", "quantity": 300, "text": "PLAN14:3.05 棉被 (床)"},
        {"line": 2, "code": "PLAN14:3.01", "quantity": 40, "text": "PLAN14:3.01 单帐篷(12平方米) (顶)"},
    ]
    assert [(p["line"], p["text"]) for p in answer["problems"]] == [(3, "PLAN14:7 5"), (4, "bad line")]
    assert answer["problems"][0]["message"] == "line 3: no item or supply class with code PLAN14:7"
    assert flood_as("lina").post("/dispatch/requests/parse-lines", data={"text": "x 1"}).status_code == 403
