"""The last mile's papers: the signing sheet of a village and the public notice, through the library and the command."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

import supplies
from supplies.config import local_today
from supplies.errors import InvalidInput, NotFound

ID17 = "520102199001011234"
ID18 = "52010219850202567X"
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLIES_PII_KEY", "test-key-for-papers")


@pytest.fixture
def served(county: supplies.Inventory) -> supplies.Inventory:
    """Four households in two villages; three of them served at two points, one by a collector."""
    inv = county
    inv.stock.receive("CK-01", "QUILT", 40, batch="Q-1")
    inv.stock.receive("CK-01", "TENT12", 20, batch="T-1")
    inv.stock.receive("TS-01", "QUILT", 10, batch="Q-2")
    inv.incidents.add("河口洪涝", type="flood", level="IV", lat=26.5, lon=106.7)
    inv.users.add("viewer1", role="viewer", password="view-pass-12")
    inv.entitlements.set("QUILT", per_person=1)
    inv.entitlements.set("TENT12", per_household=1, max_members=4)
    inv.households.add("1", head="张三", members=5, village="新村", phone=PHONE, id_number=ID17)
    inv.households.add("2", head="李四", members=2, village="新村", id_number=ID18)
    inv.households.add("3", head="王五", members=1, village="新村")
    inv.households.add("4", head="赵六", members=3, village="老村", phone="13900001111")
    inv.distribution.distribute("CK-01", "1", collector="张小三")  # 5 quilts, 2 tents
    inv.distribution.distribute("TS-01", "2", {"QUILT": 2})
    inv.distribution.distribute("CK-01", "4", {"QUILT": 3, "TENT12": 1})
    return inv


def test_the_signing_sheet_lists_every_household_of_the_village(served: supplies.Inventory) -> None:
    sheet = served.relief_papers.signing_sheet("新村")
    assert [i.code for i in sheet.items] == ["QUILT", "TENT12"]
    rows = {r.number: r for r in sheet.rows}
    assert list(rows) == ["1", "2", "3"]  # household 4 is of another village
    assert rows["1"].received == (5, 2) and rows["1"].collector == "张小三"
    assert rows["2"].received == (2, 0) and rows["2"].collector is None
    assert rows["3"].received == (0, 0)  # registered, nothing yet: a row to fill in by hand
    assert rows["1"].id_number == "5201**********1234" and rows["2"].id_number == "5201**********567X"
    assert rows["3"].id_number is None
    assert sheet.totals == (7, 2) and sheet.members == 8
    text = repr(sheet.as_dict())
    assert ID17 not in text and ID18 not in text and PHONE not in text and "phone" not in text


def test_the_signing_sheet_of_one_point_and_period(served: supplies.Inventory) -> None:
    at_town = served.relief_papers.signing_sheet("新村", point="TS-01")
    assert at_town.point == "TS-01" and at_town.point_name == "城关镇储备点"
    assert {r.number: r.received for r in at_town.rows} == {"1": (0, 0), "2": (2, 0), "3": (0, 0)}
    today = local_today()  # the department's day: the sheet's days are cut at its midnight
    assert served.relief_papers.signing_sheet("新村", since=today, until=today).totals == (7, 2)
    later = served.relief_papers.signing_sheet("新村", since=today + timedelta(days=2))
    assert later.totals == (0, 0) and len(later.rows) == 3
    with pytest.raises(NotFound) as nobody:
        served.relief_papers.signing_sheet("无人村")
    assert nobody.value.field == "village"
    with pytest.raises(InvalidInput) as backwards:
        served.relief_papers.signing_sheet("新村", since=today, until=today - timedelta(days=1))
    assert backwards.value.field == "until"
    with pytest.raises(NotFound) as unknown:
        served.relief_papers.signing_sheet("新村", point="NOPE")
    assert unknown.value.field == "point"


def test_warehouse_staff_see_their_points_distributions_only(served: supplies.Inventory) -> None:
    served.users.add("keeper2", role="warehouse", points=["TS-01"], password="keeper-pass-2")
    mine = served.as_user("keeper2").relief_papers.signing_sheet("新村")
    assert {r.number: r.received for r in mine.rows} == {"1": (0, 0), "2": (2, 0), "3": (0, 0)}
    with pytest.raises(NotFound):
        served.as_user("keeper2").relief_papers.signing_sheet("新村", point="CK-01")
    assert served.as_user("keeper2").relief_papers.notice().total.quantities == (2,)


def test_the_sheet_as_xlsx(served: supplies.Inventory) -> None:
    buf = io.BytesIO()
    served.relief_papers.signing_sheet("新村").save(buf)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    cells = list(ws.iter_rows(values_only=True))
    assert cells[0][0] == "救灾物资发放登记表"
    header = next(r for r in cells if r[0] == "序号")
    assert list(header) == [
        "序号",
        "户号",
        "户主姓名",
        "身份证号",
        "家庭人数",
        "棉被(床)",
        "单帐篷(12平方米)(顶)",
        "代领人",
        "签名/手印",
    ]
    body = cells[cells.index(header) + 1 : cells.index(header) + 4]
    assert [r[1:7] for r in body] == [
        ("1", "张三", "5201**********1234", 5, 5, 2),
        ("2", "李四", "5201**********567X", 2, 2, None),
        ("3", "王五", None, 1, None, None),
    ]
    assert body[0][7] == "张小三" and all(r[8] is None for r in body)
    total = cells[cells.index(header) + 4]
    assert total[0] == "合计" and total[4:7] == (8, 7, 2)
    flat = repr(cells)
    assert "经办人" in flat and "村干部" in flat
    assert ID17 not in flat and ID18 not in flat and PHONE not in flat


def test_a_formula_in_a_name_stays_inert(served: supplies.Inventory) -> None:
    served.households.add("5", head="=HYPERLINK(1)", members=1, village="新村")
    served.distribution.distribute("CK-01", "5", collector="+cmd|calc")
    buf = io.BytesIO()
    served.relief_papers.signing_sheet("新村").save(buf)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    risky = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in risky} == {"=HYPERLINK(1)", "+cmd|calc"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_the_notice_totals_match_the_distributions(served: supplies.Inventory) -> None:
    from sqlmodel import Session, select

    from supplies.models import DistributionLine, Item

    paper = served.relief_papers.notice()
    assert [i.code for i in paper.items] == ["QUILT", "TENT12"]
    rows = {r.village: r for r in paper.rows}
    assert (rows["新村"].households, rows["新村"].people, rows["新村"].quantities) == (2, 7, (7, 2))
    assert (rows["老村"].households, rows["老村"].people, rows["老村"].quantities) == (1, 3, (3, 1))
    assert (paper.total.households, paper.total.people) == (3, 10)
    with Session(served.engine) as s:
        by_item = {
            code: sum(s.exec(select(DistributionLine.qty).join(Item).where(Item.code == code)).all())
            for code in ("QUILT", "TENT12")
        }
    assert paper.total.quantities == (by_item["QUILT"], by_item["TENT12"])
    text = repr(paper.as_dict())
    for personal in ("张三", "李四", "赵六", "张小三", ID17, PHONE, "13900001111", "5201", '"1"'):
        assert personal not in text


def test_the_notice_as_xlsx_and_an_incident_with_nothing_given(served: supplies.Inventory) -> None:
    buf = io.BytesIO()
    served.relief_papers.notice().save(buf, lang="en")
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    cells = list(ws.iter_rows(values_only=True))
    header = next(r for r in cells if r[0] == "Village")
    assert header[:3] == ("Village", "Households served", "People")
    i = cells.index(header)
    assert cells[i + 1][:5] == ("新村", 2, 7, 7, 2) and cells[i + 3][:5] == ("Total", 3, 10, 10, 3)
    other = served.incidents.add("山体滑坡", type="landslide", level="IV", lat=26.5, lon=106.7)
    empty = served.relief_papers.notice(incident=other.id)
    assert empty.rows == () and empty.total.households == 0
    with pytest.raises(InvalidInput):
        served.relief_papers.notice(incident=-1)


def test_the_register_import_lists_every_problem_of_a_row(served: supplies.Inventory) -> None:
    from supplies.services.io.rows import ImportRejected

    bad = (
        "number,head,members,under_5,age_60_plus,village,phone,id_number\n"
        "10,,2,1,2,新村,12,\n"  # no head, a bad phone, and more in the age groups than members
        f"11,钱七,2,0,0,新村,,{ID17}\n"  # the ID number of household 1
        "12,孙八,3,0,0,新村,, \n"  # a blank ID cell is no ID number: a good row
    )
    with pytest.raises(ImportRejected) as exc:
        served.households.import_file(io.BytesIO(bad.encode()))
    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {(2, "head"), (2, "phone"), (2, "members"), (3, "id_number")}
    assert ID17 not in str(exc.value) + repr(exc.value.as_dict())
    good = "编号,户主,人数,村,电话,身份证号\n10,周九,2,新村,,\n11,吴十,1,新村,13800000000,\n"
    assert served.households.import_file(io.BytesIO(good.encode())) == 2
    assert [r.number for r in served.relief_papers.signing_sheet("新村").rows] == ["1", "10", "11", "2", "3"]
