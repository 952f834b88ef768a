"""Issue #11, failures 2 and 3: the allocation preview, each clerk dispatching their own share, pick lists and
delivery notes to print or as XLSX, and the receipt at the destination, all from the web."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

import supplies
from supplies.services.dispatch.documents import pick_documents, qr_svg

from .helpers import login, movements, text

Client = Callable[[str], FlaskClient]


def _page(client: FlaskClient, rid: int) -> str:
    return text(client.get(f"/dispatch/requests/details/?id={rid}"))


def _share(page: str) -> list[tuple[str, ...]]:
    """The rows of the share card on a detail page: (item, point, batch, quantity)."""
    card = page[page.find('id="share"') :]
    card = card[: card.find('id="dispatch-share"')]
    rows = re.findall(
        r'<tr class="share-row"><td>([^<]*)</td><td>(\S+) [^<]*</td><td>([^<]*)</td>\s*<td>[^<]*</td>'
        r'<td>[^<]*</td><td class="text-right">(\d+)</td></tr>',
        card,
    )
    return sorted(rows)


def _state(inv: supplies.Inventory, rid: int) -> tuple[object, ...]:
    detail = inv.requests.show(rid)
    lots = sorted((x.point, x.item, x.batch, x.on_hand, x.reserved) for x in inv.stock.lots(with_stock_only=False))
    return detail.status, len(detail.events), detail.allocations, movements(inv), lots


@pytest.fixture
def approved(flood: supplies.Inventory) -> int:
    """A request for 300 quilts and 2,000 sandbags to the shelter, approved by the dispatcher."""
    disp = flood.as_user("zhangwei")
    incident = disp.incidents.add("羡塘镇洪涝", type="flood", level="IV", lat=25.94, lon=106.56, population=3000)
    rid = disp.requests.create(
        incident.id,
        lines={"PLAN14:3.05": 300, "PLAN14:1.2.01": 2000},
        dest_point="HS-SH01",
        priority=1,
        requesting_unit="羡塘镇人民政府",
    ).id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    return rid


@pytest.fixture
def allocated(flood: supplies.Inventory, approved: int) -> int:
    flood.as_user("zhangwei").requests.allocate(approved)
    return approved


def test_the_preview_shows_what_allocating_would_reserve_and_writes_nothing(
    flood_as: Client, flood: supplies.Inventory, approved: int
) -> None:
    disp = flood.as_user("zhangwei")
    more = disp.requests.create(disp.incidents.list()[0].id, lines={"PLAN14:3.01": 500}, dest_point="HS-SH01").id
    disp.requests.submit(more)
    disp.requests.approve(more)
    client = flood_as("zhangwei")
    assert 'id="preview-allocation"' in _page(client, approved)
    before = _state(flood, approved)
    page = text(client.get(f"/dispatch/requests/preview/{approved}"))
    rows = page[page.find('id="preview-rows"') : page.find("</table>", page.find('id="preview-rows"'))]
    assert "HS-TS02" in rows and "2023-HS-06" in rows and "HS-CK01" in rows and "2024-SW-05" in rows
    assert "HSYJ" in rows and "HSSW" in rows and ">150<" in rows and ">2000<" in rows
    assert re.search(r"\d+\.\d</td>", rows)  # the estimated arrival in hours
    assert 'id="allocate-now"' in page and "preview-shortfalls" not in page
    assert _state(flood, approved) == before  # nothing reserved, no history, no ledger line
    optimal = text(client.get(f"/dispatch/requests/preview/{approved}?strategy=optimal"))
    assert 'value="optimal" selected' in optimal
    short_before = _state(flood, more)
    short = text(client.get(f"/dispatch/requests/preview/{more}"))
    assert 'id="preview-shortfalls"' in short and ">380<" in short  # 120 tents of 500
    assert _state(flood, more) == short_before
    # Allocating from the preview reserves exactly what it showed.
    client.post(f"/dispatch/requests/act/{approved}/allocate", data={"strategy": "earliest"})
    after = flood.requests.show(approved)
    assert after.status == "allocated"
    assert sorted((a.point, a.batch, a.quantity) for a in after.allocations) == [
        ("HS-CK01", "2024-HS-01", 150),
        ("HS-CK01", "2024-SW-05", 2000),
        ("HS-TS02", "2023-HS-06", 150),
    ]


def test_the_preview_is_refused_with_a_message_for_those_who_may_not_allocate(
    flood_as: Client, flood: supplies.Inventory, approved: int
) -> None:
    keeper = flood_as("lina")
    assert 'id="preview-allocation"' not in _page(keeper, approved)
    response = keeper.get(f"/dispatch/requests/preview/{approved}", follow_redirects=True)
    assert response.status_code == 200 and "needs the role" in text(response)
    missing = flood_as("zhangwei").get("/dispatch/requests/preview/999", follow_redirects=True)
    assert missing.status_code == 200 and "no dispatch request with id 999" in text(missing)


def test_warehouse_staff_see_and_dispatch_their_own_share(
    flood_as: Client, flood: supplies.Inventory, allocated: int
) -> None:
    lina, yangfan, weizm, chief = flood_as("lina"), flood_as("yangfan"), flood_as("weizm"), flood_as("zhangwei")
    lina_page = _page(lina, allocated)
    assert "Dispatch our point's share" in lina_page
    assert _share(lina_page) == [
        ("PLAN14:1.2.01", "HS-CK01", "2024-SW-05", "2000"),
        ("PLAN14:3.05", "HS-CK01", "2024-HS-01", "150"),
    ]
    assert _share(_page(yangfan, allocated)) == [("PLAN14:3.05", "HS-TS02", "2023-HS-06", "150")]
    officer_page = _page(weizm, allocated)
    assert "Dispatch our agency's share" in officer_page
    assert _share(officer_page) == [("PLAN14:1.2.01", "HS-CK01", "2024-SW-05", "2000")]
    chief_page = _page(chief, allocated)
    assert (
        len(_share(chief_page)) == 3 and chief_page.count('class="btn btn-sm btn-outline-primary dispatch-group"') == 3
    )

    # The township keeper issues the point's quilts: one ledger line, the rest stays reserved.
    before = movements(flood)
    response = yangfan.post(f"/dispatch/requests/act/{allocated}/dispatch", follow_redirects=True)
    assert "Dispatched 150 units; 2150 units wait for other agencies." in text(response)
    assert movements(flood) == before + 1
    assert flood.requests.show(allocated).status == "allocated"
    assert 'id="share"' not in _page(yangfan, allocated)  # nothing of theirs is left: no button
    refused = yangfan.post(f"/dispatch/requests/act/{allocated}/dispatch", follow_redirects=True)
    assert refused.status_code == 200 and "none of the reserved rows" in text(refused) and "HS-CK01" in text(refused)

    # The water bureau's officer issues the sandbags; then the depot keeper has only the quilts left.
    weizm.post(f"/dispatch/requests/act/{allocated}/dispatch")
    assert _share(_page(lina, allocated)) == [("PLAN14:3.05", "HS-CK01", "2024-HS-01", "150")]
    lina.post(f"/dispatch/requests/act/{allocated}/dispatch")
    detail = flood.requests.show(allocated)
    assert detail.status == "dispatched" and {a.status for a in detail.allocations} == {"dispatched"}
    notes = [e.note for e in detail.events[-3:]]
    assert "yangfan (their share) dispatched 150 units" in notes[0] and notes[1].startswith("HSSW dispatched 2000")
    assert flood.stock.verify().ok


def test_a_dispatcher_dispatches_one_share_at_a_time(
    flood_as: Client, flood: supplies.Inventory, allocated: int
) -> None:
    chief = flood_as("zhangwei")
    chief.post(f"/dispatch/requests/act/{allocated}/dispatch", data={"agency": "HSYJ", "point": "HS-TS02"})
    rows = {(a.point, a.item): a.status for a in flood.requests.show(allocated).allocations}
    assert rows == {
        ("HS-TS02", "PLAN14:3.05"): "dispatched",
        ("HS-CK01", "PLAN14:3.05"): "reserved",
        ("HS-CK01", "PLAN14:1.2.01"): "reserved",
    }
    bad = chief.post(f"/dispatch/requests/act/{allocated}/dispatch", data={"agency": "NOPE"}, follow_redirects=True)
    assert bad.status_code == 200 and "no agency with code" in text(bad)
    chief.post(f"/dispatch/requests/act/{allocated}/dispatch")
    assert flood.requests.show(allocated).status == "dispatched"


def test_the_pick_list_prints_with_qr_code_lots_expiry_and_signatures(
    flood_as: Client, flood: supplies.Inventory, allocated: int
) -> None:
    client = flood_as("lina")  # anyone with an account may read pick lists
    detail = _page(client, allocated)
    assert f"/dispatch/requests/documents/{allocated}?kind=pick" in detail
    response = client.get(f"/dispatch/requests/documents/{allocated}?kind=pick")
    page = text(response)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert qr_svg(f"request:{allocated}") in page and "<svg" in page  # the request number as a QR code
    assert "@page" in page and "A4" in page and "@media print" in page
    assert page.count('class="sheet pick"') == 3  # one per agency and point
    for role in ("shipper", "carrier", "receiver"):
        assert page.count(f'class="signature {role}"') == 3
    assert "Shipped by" in page and "Carrier" in page and "Received by" in page
    assert f"#{allocated}" in page and "羡塘镇洪涝" in page and "HS-SH01 惠水县体育中心应急避难场所" in page
    doc = pick_documents(flood, allocated, agency="HSYJ", point="HS-TS02")[0]
    line = doc.lines[0]
    assert (line.item, line.batch, line.quantity) == ("PLAN14:3.05", "2023-HS-06", 150)
    assert line.expires is not None and line.expires.isoformat() in page
    one = text(client.get(f"/dispatch/requests/documents/{allocated}?kind=pick&agency=HSYJ&point=HS-TS02"))
    assert one.count('class="sheet pick"') == 1 and "2023-HS-06" in one and "2024-SW-05" not in one
    assert "罗建华" in one and "0854-6222110" in one and "羡塘镇新街" in one
    chinese = text(client.get(f"/dispatch/requests/documents/{allocated}", headers={"Accept-Language": "zh-CN"}))
    assert '<html lang="zh-CN">' in chinese
    refused = client.get(f"/dispatch/requests/documents/{allocated}?agency=NOPE", follow_redirects=True)
    assert refused.status_code == 200 and "no agency with code" in text(refused)


def test_the_pick_list_as_xlsx_opens_with_openpyxl_with_the_right_rows(
    flood_as: Client, flood: supplies.Inventory, allocated: int
) -> None:
    client = flood_as("zhangwei")
    response = client.get(f"/dispatch/requests/documents/{allocated}?kind=pick&format=xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert f"request-{allocated}-pick.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["HSSW HS-CK01", "HSYJ HS-CK01", "HSYJ HS-TS02"]
    sheet = book["HSYJ HS-TS02"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["Pick list", f"#{allocated}", f"request:{allocated}"]
    header = values.index(["Code", "Name", "Specification", "Batch", "Expires", "Quantity", "Unit"])
    assert values[header + 1][:4] == ["PLAN14:3.05", "棉被", "200×230cm", "2023-HS-06"]
    assert values[header + 1][5:] == [150, "床"]
    assert values[header + 2][0] == "Total" and values[header + 2][5] == 150
    flat = [c for row in values for c in row if c]
    assert "Shipped by" in flat and "Carrier" in flat and "Received by" in flat
    assert "HSYJ 惠水县应急管理局" in flat and "HS-TS02 羡塘镇应急物资储备点" in flat


def test_text_in_the_xlsx_is_inert_against_formula_injection(flood_as: Client, flood: supplies.Inventory) -> None:
    disp = flood.as_user("zhangwei")
    incident = disp.incidents.add(
        '=HYPERLINK("http://evil.example","x")', type="flood", level="IV", lat=25.94, lon=106.56
    )
    rid = disp.requests.create(
        incident.id, lines={"PLAN14:3.01": 5}, dest_point="HS-SH01", requesting_unit="@SUM(1+1)"
    ).id
    disp.requests.submit(rid)
    disp.requests.approve(rid)
    disp.requests.allocate(rid)
    data = flood_as("zhangwei").get(f"/dispatch/requests/documents/{rid}?format=xlsx").data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    unit = cells["@SUM(1+1)"]
    assert unit.data_type == "s" and unit.quotePrefix
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_delivery_notes_list_what_was_dispatched(flood_as: Client, flood: supplies.Inventory, allocated: int) -> None:
    client = flood_as("yangfan")
    client.post(f"/dispatch/requests/act/{allocated}/dispatch")
    page = _page(client, allocated)
    assert f"/dispatch/requests/documents/{allocated}?kind=delivery" in page
    notes = text(client.get(f"/dispatch/requests/documents/{allocated}?kind=delivery"))
    assert notes.count('class="sheet delivery"') == 1 and "Delivery note" in notes and "HS-TS02" in notes
    picks = text(client.get(f"/dispatch/requests/documents/{allocated}?kind=pick"))
    assert picks.count('class="sheet pick"') == 2 and 'data-point="HS-TS02"' not in picks


def test_receipt_line_by_line_with_a_difference(flood_as: Client, flood: supplies.Inventory, allocated: int) -> None:
    flood.as_user("zhangwei").requests.dispatch(allocated)
    chief = flood_as("zhangwei")
    page = _page(chief, allocated)
    assert 'id="receipt"' in page
    assert re.findall(r'name="recv-code" value="([^"]+)"', page) == ["PLAN14:1.2.01", "PLAN14:3.05"]
    assert 'data-item="PLAN14:3.05" value="300"' in page  # received defaults to all that was dispatched
    assert 'id="receipt"' not in _page(flood_as("lina"), allocated)  # dispatchers record receipt

    form = {"recv-code": ["PLAN14:1.2.01", "PLAN14:3.05"], "recv-qty": ["2000", "many"]}
    bad = chief.post(f"/dispatch/requests/receive/{allocated}", data=form)
    assert bad.status_code == 200 and "PLAN14:3.05: the received quantity must be a whole number" in text(bad)
    assert 'data-item="PLAN14:3.05" value="many"' in text(bad)  # the form is kept
    form["recv-qty"] = ["2000", "301"]
    over = chief.post(f"/dispatch/requests/receive/{allocated}", data=form)
    assert over.status_code == 200 and "only 300 of PLAN14:3.05 were dispatched" in text(over)
    assert 'data-item="PLAN14:3.05" value="301"' in text(over)
    assert flood.requests.show(allocated).status == "dispatched"

    form["recv-qty"] = ["2000", "290"]
    done = chief.post(f"/dispatch/requests/receive/{allocated}", data=form, follow_redirects=True)
    page = text(done)
    assert "PLAN14:3.05: 290 of 300 received" in page
    detail = flood.requests.show(allocated)
    assert detail.status == "received"
    assert {ln.code: (ln.dispatched, ln.received) for ln in detail.lines} == {
        "PLAN14:3.05": (300, 290),
        "PLAN14:1.2.01": (2000, 2000),
    }
    lines = page[page.find('id="request-lines"') : page.find("</table>", page.find('id="request-lines"'))]
    assert "Difference" in lines and '<td class="text-right difference">-10</td>' in lines
    assert "PLAN14:3.05: 290 of 300 received" in detail.events[-1].note
    chief.post(f"/dispatch/requests/act/{allocated}/close")
    assert flood.requests.show(allocated).status == "closed"


def test_the_shelters_clerk_records_receipt_and_sees_where_the_stock_was_booked(
    flood_app: Flask, flood: supplies.Inventory, allocated: int
) -> None:
    flood.users.add("shelter", role="warehouse", points=["HS-SH01"], password="shelter-pass-1")
    flood.as_user("zhangwei").requests.dispatch(allocated)
    clerk = flood_app.test_client()
    login(clerk, "shelter", "shelter-pass-1")
    page = _page(clerk, allocated)
    assert 'id="receipt"' in page and 'id="arrivals"' not in page  # the core lets the destination's staff receive
    form = {"recv-code": ["PLAN14:1.2.01", "PLAN14:3.05"], "recv-qty": ["2000", "300"]}
    done = text(clerk.post(f"/dispatch/requests/receive/{allocated}", data=form, follow_redirects=True))
    detail = flood.requests.show(allocated)
    assert detail.status == "received" and "2300 units booked into the stock of HS-SH01" in done
    table = done[done.find('id="arrivals"') : done.find("</table>", done.find('id="arrivals"'))]
    rows = re.findall(
        r'<tr class="arrival-row" data-lot="(\d+)"><td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>\s*'
        r"<td[^>]*><a [^>]*>([^<]*)</a></td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]*)</td>",
        table,
    )
    assert rows == [
        (str(a.lot_id), a.point, a.item, a.batch, str(a.quantity), str(a.expires) if a.expires else "—")
        for a in detail.arrivals
    ]
    assert 'id="receipt"' not in done
