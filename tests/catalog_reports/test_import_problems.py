"""A bad file: every problem is reported by row, column and reason, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

import supplies
from supplies.services.io.imports import ImportRejected

from .conftest import snapshot


def _reject(
    inv: supplies.Inventory, kind: str, path: Path, text: str, encoding: str = "utf-8", *, exit_code: int = 2
) -> ImportRejected:
    path.write_bytes(text.encode(encoding))
    before = snapshot(inv)
    with pytest.raises(ImportRejected) as err:
        inv.imports.file(kind, path)
    assert snapshot(inv) == before
    assert isinstance(err.value, supplies.InvalidInput) and err.value.exit_code == exit_code
    return err.value


def _where(err: ImportRejected) -> set[tuple[int, str | None]]:
    return {(p.row, p.column) for p in err.problems}


def test_every_kind_of_bad_stock_row_is_reported(stocked: supplies.Inventory, tmp_path: Path) -> None:
    err = _reject(
        stocked,
        "stock",
        tmp_path / "stock.csv",
        "\n".join(
            [
                "point,item,qty,batch,expires_on,mode,lead_time_hours,agency",
                "CK-01,TENT12,abc,,,,,",  # 2 not a number
                "CK-01,TENT12,0,,,,,",  # 3 not positive
                "CK-99,TENT12,5,,,,,",  # 4 unknown point
                "CK-01,NOPE,5,,,,,",  # 5 unknown item
                "TS-03,QUILT,5,,,,,",  # 6 closed point
                "CK-01,SANDBAG,5,,,,,CIV",  # 7 one agency per class: sandbags are WAT's
                "CK-01,TENT12,5,T-2024,2035-01-01,,,",  # 8 another expiry for an existing batch
                "CK-01,QUILT,5,Q-1,,agreement,,",  # 9 another reserve mode for an existing batch
                "CK-01,QUILT,5,X,2026-02-30,,,",  # 10 no such day
                "CK-01,QUILT,5,X,,weird,,",  # 11 unknown mode
                ",QUILT,5,,,,,",  # 12 missing point
                "CK-01,QUILT,5,Y,,,-1,",  # 13 negative lead time
                "TS-02,QUILT,3,N,2030-01-01,,,",  # 14 fine on its own ...
                "TS-02,QUILT,3,N,2031-01-01,,,",  # 15 ... but this row disagrees with row 14
                "CK-01,QUILT,4,Z,,,,",  # 16 fine
            ]
        ),
    )
    assert _where(err) == {
        (2, "qty"),
        (3, "qty"),
        (4, "point"),
        (5, "item"),
        (6, "point"),
        (7, "agency"),
        (8, "expires_on"),
        (9, "mode"),
        (10, "expires_on"),
        (11, "mode"),
        (12, "point"),
        (13, "lead_time_hours"),
        (15, "expires_on"),
    }
    reasons = {(p.row, p.column): p.reason for p in err.problems}
    assert "closed" in reasons[(6, "point")] and "held by WAT" in reasons[(7, "agency")]
    assert "row 14" in reasons[(15, "expires_on")]
    assert err.errors["row 4, point"] == ["no storage point with code 'CK-99'"]
    report = tmp_path / "problems.csv"
    err.write_report(report)
    assert len(report.read_text(encoding="utf-8-sig").splitlines()) == 1 + len(err.problems)


def test_problems_name_the_columns_as_the_file_writes_them(county: supplies.Inventory, tmp_path: Path) -> None:
    err = _reject(county, "stock", tmp_path / "stock.csv", "储备点,物资编码,数量\nCK-01,QUILT,很多\n", "gb18030")
    assert _where(err) == {(2, "数量")}


def test_warehouse_staff_import_stock_only_at_their_points(county: supplies.Inventory, tmp_path: Path) -> None:
    err = _reject(
        county.as_user("keeper"),
        "stock",
        tmp_path / "s.csv",
        "point,item,qty\nCK-01,QUILT,1\nTS-01,QUILT,1\n",
        exit_code=3,
    )  # a permission refusal: refused by a rule, like everywhere else
    assert _where(err) == {(3, "point")} and isinstance(err, supplies.PermissionDenied)


def test_bad_headers_are_reported_before_any_row(county: supplies.Inventory, tmp_path: Path) -> None:
    err = _reject(county, "points", tmp_path / "p.csv", "code,name,colour,code,lat\nX,Y,red,X,1\n")
    assert _where(err) == {(1, "colour"), (1, "code"), (1, "level"), (1, "lon")}


def test_bad_reference_rows_of_every_kind_are_reported(county: supplies.Inventory, tmp_path: Path) -> None:
    county.stock.receive("CK-01", "QUILT", 5)
    cases = {
        "agencies": (
            "code,name,phone,level\nA1,甲,12ab,county\nA2,乙,,shire\nA1,丙,,\n,丁,,\n",
            {(2, "phone"), (3, "level"), (4, "code"), (5, "code")},
        ),
        "points": (
            "code,name,level,lat,lon\nP1,甲,county,91,106\nP2,,county,26,106\nP3,丙,county,26,east\n",
            {(2, "lat"), (3, "name"), (4, "lon")},
        ),
        "classes": (
            "code,name,agency,parent\nC1,甲,NOPE,\nC2,乙,CIV,MISSING\nC3,丙,CIV,C4\nC4,丁,CIV,C3\nFLOOD,防汛,CIV,\n",
            {(2, "agency"), (3, "parent"), (4, "parent"), (5, "parent"), (6, "agency")},
        ),
        "items": (
            "code,name,supply_class,unit,shelf_life_days\nI1,甲,NOPE,件,\nQUILT,棉被,FLOOD,床,\n"
            "I3,丙,LIVING,件,-5\nI4,丁,LIVING,,\n",
            {(2, "supply_class"), (3, "supply_class"), (4, "shelf_life_days"), (5, "unit")},
        ),
        "targets": (
            "item,point,region_code,quantity\nQUILT,,,10\nNOPE,CK-01,,10\nQUILT,CK-99,,1\n"
            "TENT12,CK-01,,-1\nTENT12,CK-01,,5\nTENT12,CK-01,,6\n",
            {(2, "point"), (3, "item"), (4, "point"), (5, "quantity"), (7, "item")},
        ),
    }
    for kind, (text, where) in cases.items():
        err = _reject(county, kind, tmp_path / f"{kind}.csv", text)
        assert _where(err) == where, (kind, err.problems)


def test_imports_that_need_a_role_are_refused_whole(county: supplies.Inventory, tmp_path: Path) -> None:
    county.users.add("viewer", role="viewer", web_login=False)
    path = tmp_path / "agencies.csv"
    path.write_text("code,name\nNEW,新单位\n", encoding="utf-8")
    with pytest.raises(supplies.PermissionDenied):
        county.as_user("viewer").imports.file("agencies", path)
    path.write_text("item,point,quantity\nQUILT,CK-01,10\n", encoding="utf-8")
    with pytest.raises(supplies.PermissionDenied):
        county.as_user("keeper").imports.file("targets", path)


def test_files_that_are_not_tables_are_refused(county: supplies.Inventory, tmp_path: Path) -> None:
    garbage = tmp_path / "x.csv"
    garbage.write_bytes(b"\xff\xfe\x00\x81\xff" * 10)
    with pytest.raises(supplies.InvalidInput) as err:
        county.imports.file("stock", garbage)
    assert err.value.field == "encoding"
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(supplies.InvalidInput) as err:
        county.imports.file("stock", broken)
    assert err.value.field == "file"
    with pytest.raises(supplies.InvalidInput) as err:
        county.imports.file("lots", garbage)
    assert err.value.field == "kind"
