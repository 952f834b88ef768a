"""Export → import round trips for every kind, in CSV (UTF-8 with and without BOM, GB18030) and XLSX."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import supplies
from supplies.services.io.columns import KINDS as IO_KINDS

from .conftest import snapshot

KINDS = tuple(IO_KINDS)  # every kind, in the order an import needs (agencies before points ...)
VARIANTS = [
    ("csv", "en", "utf-8-sig"),
    ("csv", "en", "utf-8"),
    ("csv", "zh", "gb18030"),
    ("csv", "zh", "utf-8-sig"),
    ("xlsx", "en", None),
    ("xlsx", "zh", None),
]


def _enrich(inv: supplies.Inventory) -> None:
    inv.agencies.update("CIV", level="county", region_code="520102")
    inv.classes.add("TENTS", "帐篷类", agency="CIV", parent="LIVING", name_en="Tents")
    inv.items.add(
        "TENT36",
        "帐篷(36平方米)",
        supply_class="TENTS",
        unit="顶",
        spec="36m²",
        shelf_life_days=3650,
        unit_weight_kg=85.5,
        unit_volume_m3=0.4,
        name_en="Tent 36 m2",
        reusable=True,
    )
    inv.points.add(
        "SH-01",
        "城关小学避难场所",
        kind="shelter",
        level="village",
        lat=26.612345,
        lon=106.80001,
        region_code="520102001",
        address="城关镇学府路1号",
        capacity_m3=1200.5,
    )
    inv.stock.receive("CK-01", "TENT36", 15, batch='B,"quoted"', expires_on="2031-01-31", unit_cost="1234.56")
    inv.stock.receive("SH-01", "SANDBAG", 800, mode="capacity", lead_time_hours=24)
    # The kinds of the contract, donation and requisition services.
    inv.points.add("AG-01", "协议储备库", kind="agreement", level="county", lat=26.5, lon=106.7, region_code="520102")
    inv.contracts.add(
        "XY-2026-01",
        company="贵州某商贸有限公司",
        credit_code="91350100M000100Y43",
        contact="张经理",
        point="AG-01",
        items=[("TENT12", 200, "850.00"), ("QUILT", 1000, None)],
        valid_from=date(2026, 1, 1),
        valid_to=date(2099, 12, 31),
        lead_time_hours=12,
    )
    inv.contracts.add(
        "CN-01", company="某被服厂", point="AG-01", items={"SANDBAG": 5000}, valid_from=date(2026, 1, 1),
        valid_to=date(2098, 6, 30), lead_time_hours=72.5, mode="capacity",
    )  # fmt: skip
    inv.donors.add("D-CO", "某爱心企业", kind="company", contact="0854-1234567")
    inv.donors.add("D-P", "王五", anonymous=True, contact="13900001111")
    inv.donations.receive("D-CO", "CK-01", "QUILT", 30, certificate="JZ-0001", region="520102")
    inv.donations.receive("D-P", "CK-01", "TENT12", 4, batch="B-1", expires_on="2040-05-01", triage="later")
    inv.donations.receive("D-P", "CK-01", "QUILT", 2, triage="unusable", reason="发霉", purpose="flood")
    inv.requisitions.add(
        owner="王五", owner_id="520102199001011234", authority="县人民政府", basis="《突发事件应对法》第十二条",
        point="CK-01", items=[("TENT12", 2, "600.00", "20.00"), ("QUILT", 5, "85.50")],
        started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )  # fmt: skip
    inv.requisitions.add(
        owner="某水利工程公司", owner_kind="company", owner_id="91350100M000100Y43", authority="县人民政府",
        basis="征用令 2026-1", point="CK-01", items=[("SANDBAG", 300, "2.00")],
    )  # fmt: skip


@pytest.mark.parametrize(("fmt", "lang", "encoding"), VARIANTS)
def test_every_kind_round_trips(
    stocked: supplies.Inventory, databases, tmp_path: Path, fmt: str, lang: str, encoding: str | None
) -> None:
    _enrich(stocked)
    expected = {kind: stocked.exports.rows(kind, lang=lang) for kind in KINDS}
    files = {}
    for kind in KINDS:
        files[kind] = tmp_path / f"{kind}.{fmt}"
        written = stocked.exports.file(kind, files[kind], lang=lang, encoding=encoding or "utf-8-sig")
        assert written == len(expected[kind][1]) > 0
    stocked.close()

    target = databases.fresh_inventory()
    for kind in KINDS:
        result = target.imports.file(kind, files[kind])
        assert (result.rows, result.added, result.updated) == (len(expected[kind][1]), result.added, 0)
        if fmt == "csv":
            assert result.encoding == {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "gb18030": "gb18030"}[encoding]
    for kind in KINDS:
        assert target.exports.rows(kind, lang=lang) == expected[kind], kind
    # Imported again, the records of the services' kinds are found identical: nothing is added twice.
    for kind in ("contracts", "donors", "requisitions"):
        again = target.imports.file(kind, files[kind])
        assert (again.added, again.unchanged, again.movements) == (0, again.unchanged, 0) and again.unchanged > 0
        assert target.exports.rows(kind, lang=lang) == expected[kind], kind
    assert target.stock.verify().ok
    target.close()


def test_chinese_files_use_chinese_headers_and_values(stocked: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    stocked.exports.file("points", path, lang="zh", encoding="gb18030")
    text = path.read_bytes().decode("gb18030")
    assert text.splitlines()[0].startswith("储备点编码,储备点名称,类型,级别")
    assert "储备库,县级" in text and "乡镇级" in text and "停用" in text


def test_templates_carry_the_headers_and_import_as_nothing(inv: supplies.Inventory, tmp_path: Path) -> None:
    for kind in KINDS:
        for lang in ("en", "zh"):
            csv_path, xlsx_path = tmp_path / f"{kind}-{lang}.csv", tmp_path / f"{kind}-{lang}.xlsx"
            inv.exports.template(kind, csv_path, lang=lang)
            inv.exports.template(kind, xlsx_path, lang=lang)
            head = csv_path.read_text(encoding="utf-8-sig").strip().split(",")
            book = load_workbook(xlsx_path)
            assert [c.value for c in book.worksheets[0][1]] == head
            assert len(book.worksheets) == 2 and book.worksheets[1].max_row == len(head) + 1  # column notes
            assert inv.imports.file(kind, xlsx_path).rows == 0
    assert inv.exports.rows("stock")[0][:3] == ["point", "item", "qty"]


def test_xlsx_cells_of_any_type_are_read_as_a_person_typed_them(county: supplies.Inventory, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["储备点", "物资编码", "数量", "批次", "有效期至", "单价(元)"])
    sheet.append(["CK-01", "TENT12", 12, 2024, date(2030, 6, 30), 850.5])
    sheet.append(["CK-01", "QUILT", 7.0, "Q-1", "2029/1/5", None])
    book.save(tmp_path / "stock.xlsx")
    result = county.imports.file("stock", tmp_path / "stock.xlsx")
    assert (result.rows, result.movements) == (2, 2)
    lots = {lot.item: lot for lot in county.stock.lots()}
    assert (lots["TENT12"].batch, lots["TENT12"].expires, lots["TENT12"].on_hand) == ("2024", date(2030, 6, 30), 12)
    assert (lots["QUILT"].expires, lots["QUILT"].on_hand) == (date(2029, 1, 5), 7)


def test_stock_rows_are_receipts_with_a_ledger_line_each(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "入库.csv"
    path.write_text("point,item,qty,batch\nCK-01,QUILT,10,Q\nCK-01,QUILT,5,Q\nTS-01,QUILT,3,\n", encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    first = county.imports.file("stock", path, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert (first.added, first.updated, first.movements) == (2, 0, 3)
    assert seen[0][0] == "checking" and seen[-1][0] == "writing" and seen[-1][1] == seen[-1][2]
    again = county.imports.file("stock", path)
    assert (again.added, again.updated, again.movements) == (0, 2, 3)
    lines = county.stock.ledger(point="CK-01", item="QUILT")
    assert [(m.kind, m.qty, m.balance_after) for m in lines] == [
        ("receive", 10, 10),
        ("receive", 5, 15),
        ("receive", 10, 25),
        ("receive", 5, 30),
    ]
    assert {m.reference for m in lines} == {"import:入库.csv"}
    assert county.stock.verify().ok


def test_reimporting_updates_existing_records_from_the_columns_given(
    county: supplies.Inventory, tmp_path: Path
) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("code,phone\nCIV,0858-0000000\n", encoding="utf-8")
    with pytest.raises(supplies.InvalidInput):  # name is required for every row, even existing ones
        county.imports.file("agencies", path)
    path.write_text(
        "code,name,phone\nCIV,民政局,0858-0000000\nWAT,水利局 Water Resources Bureau,0858-7654321\n", encoding="utf-8"
    )
    result = county.imports.file("agencies", path)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)  # WAT is as it was
    civ = county.agencies.get("CIV")
    assert (civ.name, civ.phone, civ.contact) == ("民政局", "0858-0000000", "王丽")  # contact kept: not in the file
    assert county.imports.file("agencies", path, update_existing=False).unchanged == 2


def test_a_village_sheet_marks_lent_equipment_reusable_in_chinese(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "物资.csv"
    path.write_text(
        "物资编码,物资名称,物资分类,计量单位,可重复使用\nPUMP1,水泵,FLOOD,台,是\nBAG1,编织袋,FLOOD,条,否\n",
        encoding="utf-8",
    )
    assert county.imports.file("items", path).added == 2
    assert (county.items.get("PUMP1").reusable, county.items.get("BAG1").reusable) == (True, False)
    # A file without the column leaves the flag as it is.
    path.write_text("code,name,supply_class,unit\nPUMP1,水泵(大),FLOOD,台\n", encoding="utf-8")
    assert county.imports.file("items", path).updated == 1
    assert county.items.get("PUMP1").reusable is True
    path.write_text("code,name,supply_class,unit,reusable\nPUMP1,水泵,FLOOD,台,maybe\n", encoding="utf-8")
    with pytest.raises(supplies.InvalidInput) as exc:
        county.imports.file("items", path)
    assert "reusable" in str(exc.value)


def test_a_dry_run_checks_and_counts_but_writes_nothing(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("point,item,qty\nCK-01,QUILT,10\n", encoding="utf-8")
    before = snapshot(county)
    result = county.imports.file("stock", path, dry_run=True)
    assert (result.dry_run, result.added, result.movements) == (True, 1, 1)
    assert snapshot(county) == before


def test_a_title_above_the_header_is_skipped(county: supplies.Inventory, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["2025年第二季度应急物资入库表"])
    sheet.append(["填报单位：城关镇", None, "填报日期：2025-06-30"])
    sheet.append(["储备点", "物资编码", "数量"])
    sheet.append(["TS-01", "QUILT", 40])
    book.save(tmp_path / "入库表.xlsx")
    assert county.imports.file("stock", tmp_path / "入库表.xlsx").movements == 1
    (tmp_path / "bad.csv").write_text("某某表\npoint,item,amount\nTS-01,QUILT,1\n", encoding="utf-8")
    with pytest.raises(supplies.InvalidInput) as err:
        county.imports.file("stock", tmp_path / "bad.csv")
    assert {"row 1, 某某表", "row 1, 数量"} <= set(err.value.errors)  # no row below reads as a header either
