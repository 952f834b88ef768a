"""`supplies request pick-list ID --format html|xlsx --out FILE`: the pick lists and delivery notes the web prints."""

from __future__ import annotations

from pathlib import Path

from cli_harness import Cli
from openpyxl import load_workbook

import supplies
from supplies.services.dispatch.documents import qr_svg


def _allocated(county: supplies.Inventory) -> int:
    county.stock.receive("CK-01", "TENT12", 40, batch="T-2025")
    county.stock.receive("TS-01", "SANDBAG", 500, batch="=cmd|' /C calc'!A0")
    incident = county.incidents.add("河口镇洪涝", type="flood", level="III", lat=26.40, lon=106.60)
    rid = county.requests.create(incident.id, lines={"TENT12": 10, "SANDBAG": 200}, dest_point="TS-02").id
    county.users.add("disp", role="dispatcher", web_login=False)
    disp = county.as_user("disp")
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)
    return rid


def test_pick_lists_as_a_printable_page_and_a_workbook(
    county_cli: Cli, county: supplies.Inventory, tmp_path: Path
) -> None:
    rid = str(_allocated(county))
    table = county_cli("request", "pick-list", rid)  # the table stays the default
    assert "TENT12" in table.out and "T-2025" in table.out and "王丽" in table.out

    page_file = tmp_path / "pick.html"
    county_cli("request", "pick-list", rid, "--format", "html", "--out", str(page_file))
    page = page_file.read_text(encoding="utf-8")
    assert qr_svg(f"request:{rid}") in page and page.count('class="sheet pick"') == 2
    assert "发货人 Shipped by" in page and "承运人 Carrier" in page and "接收人 Received by" in page
    assert "T-2025" in page and "@media print" in page
    assert county_cli("request", "pick-list", rid, "--format", "html").out.startswith("<!doctype html>")

    book_file = tmp_path / "pick.xlsx"
    summary = county_cli(
        "--json", "request", "pick-list", rid, "--format", "xlsx", "--out", str(book_file), "--agency", "WAT"
    ).json
    assert summary["documents"] == 1 and summary["units"] == 200
    sheet = load_workbook(book_file)["WAT TS-01"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "编码 Code")
    assert rows[header + 1][0] == "SANDBAG" and rows[header + 1][5] == 200
    batch = sheet.cell(row=header + 2, column=4)
    assert batch.value == "=cmd|' /C calc'!A0" and batch.data_type == "s" and batch.quotePrefix

    county_cli("request", "pick-list", rid, "--format", "xlsx", expect=2)  # a workbook needs --out
    none = county_cli("request", "pick-list", rid, "--kind", "delivery", "--format", "html", expect=3)
    assert "nothing dispatched" in none.err
    county.as_user("disp").requests.dispatch(rid, agency="CIV")
    notes = county_cli("request", "pick-list", rid, "--kind", "delivery", "--format", "html").out
    assert notes.count('class="sheet delivery"') == 1 and "出库单 Delivery note" in notes
    left = county_cli("request", "pick-list", rid, "--point", "TS-01").out  # tables, narrowed
    assert "SANDBAG" in left and "TENT12" not in left
    sent = county_cli("--json", "request", "pick-list", rid, "--kind", "delivery").json
    assert [(d["agency"], d["point"], d["lines"][0]["quantity"]) for d in sent] == [("CIV", "CK-01", 10)]
    county_cli("request", "pick-list", rid, "--out", str(tmp_path / "x.html"), expect=2)
