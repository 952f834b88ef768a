"""Bad files end in a clear error naming the row and column (exit code 2, or 3 for a permission refusal), never in a
crash, a silent loss or a half import; huge files are refused before they are read."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

import supplies
from supplies.services.io import imports
from supplies.services.io.imports import ImportRejected
from tests.cli.cli_harness import Cli, url_of

from .conftest import snapshot

FORMULA = "formula cells are not accepted; type the value"


def _where(err: ImportRejected) -> dict[tuple[int, str | None], str]:
    return {(p.row, p.column): p.reason for p in err.problems}


def _refused(inv: supplies.Inventory, path: Path, kind: str = "stock") -> ImportRejected:
    before = snapshot(inv)
    with pytest.raises(ImportRejected) as err:
        inv.imports.file(kind, path)
    assert snapshot(inv) == before
    return err.value


def test_formula_cells_in_a_workbook_are_refused_by_row_and_column(county: supplies.Inventory, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["point", "item", "qty", "batch", "reason"])
    sheet.append(["CK-01", "QUILT", 5, "=1+1", '=CONCAT("re", "ason")'])  # no cached values: Excel never opened it
    sheet.append(["CK-01", "QUILT", "=2+3", "B-2", "fine"])
    sheet.append(["CK-01", "QUILT", 4, "B-3", "fine"])
    sheet["D4"].value = "=not a formula"
    sheet["D4"].data_type = "s"  # text that only looks like a formula (as our exports write it) is text
    book.save(tmp_path / "stock.xlsx")
    err = _refused(county, tmp_path / "stock.xlsx")
    assert _where(err) == {(2, "batch"): FORMULA, (2, "reason"): FORMULA, (3, "qty"): FORMULA}
    assert {p.value for p in err.problems} == {"=1+1", '=CONCAT("re", "ason")', "=2+3"}


_SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>point</t></is></c></row>'
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
)


def _bomb(path: Path, part: str, megabytes: int = 256) -> Path:
    """A workbook whose shared strings or sheet hold one cell of ``megabytes`` MB of one character (1 MB zipped)."""
    book = Workbook()
    book.active.append(["point", "item", "qty"])
    plain = io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in src.infolist():
            data = src.read(info)
            if part == "xl/sharedStrings.xml" and info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application'
                    b'/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if part == "xl/sharedStrings.xml" and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats'
                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                    b"</Relationships>",
                )
            if info.filename != part:
                out.writestr(info, data)
        with out.open(part, "w", force_zip64=True) as f:
            f.write(_SST if part == "xl/sharedStrings.xml" else _SHEET)
            block = b"a" * 2**20
            for _ in range(megabytes):
                f.write(block)
            f.write(
                b"</t></si></sst>" if part == "xl/sharedStrings.xml" else b"</t></is></c></row></sheetData></worksheet>"
            )
    return path


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_zip_bomb_is_refused_without_being_read(
    county: supplies.Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: str
) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", part)
    assert path.stat().st_size < 2 * 2**20
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kw: object) -> object:
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    before = snapshot(county)
    tracemalloc.start()
    try:
        with pytest.raises(supplies.InvalidInput) as err:
            county.imports.file("stock", path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.field == "file" and part in err.value.reason and "MB" in err.value.reason
    assert opened == []  # not one part was decompressed
    assert peak < 16 * 2**20  # 256 MB of text were never held
    assert snapshot(county) == before


def test_a_damaged_workbook_is_an_error_naming_the_row(county: supplies.Inventory, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["point", "item", "qty"])
    for n in range(50):
        book.active.append(["CK-01", "QUILT", n + 1])
    good = io.BytesIO()
    book.save(good)
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="30"')] + b'<row r="30"><c r="A30" t="inlineStr"><is><t>CK'
            out.writestr(info, data)
    run = Cli(url_of(county))("import", "stock", str(path), expect=2)
    assert "row 30" in run.out + run.err and "unexpected" not in run.err
    assert county.stock.lots() == []


BAD_CSV = {
    # name: (file text, row, column, words of the reason)
    "cell over Excel's limit": (
        "point,item,qty,reason\nCK-01,QUILT,1,ok\nCK-01,QUILT,1," + "x" * 40_000 + "\n",
        3,
        "reason",
        "40,000 characters; at most 32,767",
    ),
    "cell over the CSV module's limit": (
        "point,item,qty,reason\nCK-01,QUILT,1," + "y" * 200_000 + "\n",
        2,
        None,
        "longer than 32,767 characters",
    ),
    "quote never closed": (
        'point,item,qty,reason\nCK-01,QUILT,1,ok\nCK-01,QUILT,2,"left open\n'
        "CK-01,QUILT,3,swallowed\nCK-01,QUILT,4,swallowed\n",
        3,
        None,
        "never closed",
    ),
    "text after a closing quote": ('point,item,qty,batch\nCK-01,QUILT,1,"B"7\n', 2, None, "closing quote"),
    "NUL character": ("point,item,qty,reason\nCK-01,QUILT,1,a\x00b\n", 2, None, "NUL"),
    "too many columns": ("point,item,qty\nCK-01,QUILT,1" + "," * 120 + "x\n", 2, None, "at most 100 columns"),
}


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_a_malformed_csv_is_refused_naming_the_row(county: supplies.Inventory, tmp_path: Path, case: str) -> None:
    text, row, column, words = BAD_CSV[case]
    path = tmp_path / "stock.csv"
    path.write_text(text, encoding="utf-8")
    err = _refused(county, path)
    reasons = _where(err)
    assert words in reasons[(row, column)], reasons
    run = Cli(url_of(county))("--json", "import", "stock", str(path), expect=2)
    assert run.json["error"]["exit_code"] == 2 and "unexpected" not in run.err
    assert county.stock.lots() == []


def test_repeated_stock_rows_are_reported_naming_the_first(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text(
        "point,item,qty,batch,reference\n"
        "CK-01,QUILT,10,Q,入库单1\n"
        "CK-01,QUILT,10,Q,入库单2\n"  # another delivery note: a receipt of its own
        "CK-01,QUILT,5,Q,入库单1\n"  # another quantity: a receipt of its own
        "CK-01,QUILT,10,Q,入库单1\n"  # row 2 again
        "TS-01,QUILT,10,Q,入库单1\n"  # another point
        "CK-01,QUILT,5,Q,入库单1\n"  # row 4 again
        "CK-01,QUILT,10,Q,入库单1\n",
        encoding="utf-8",
    )  # row 2 a third time
    err = _refused(county, path)
    assert {w: r.split(" (")[0] for w, r in _where(err).items()} == {
        (5, None): "repeats row 2",
        (7, None): "repeats row 4",
        (8, None): "repeats row 2",
    }
    run = Cli(url_of(county))("import", "stock", str(path), expect=2)
    assert "repeats row 2" in run.out
    assert county.stock.lots() == []


def test_repeated_targets_are_reported_naming_the_first(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(
        "item,point,region_code,quantity\nQUILT,CK-01,,10\nQUILT,,520102,10\nQUILT,CK-01,,20\n", encoding="utf-8"
    )
    err = _refused(county, path, "targets")
    assert list(_where(err)) == [(4, "item")] and "row 2" in err.problems[0].reason
    Cli(url_of(county))("import", "targets", str(path), expect=2)


def test_a_permission_refusal_in_an_import_exits_3_listing_every_problem(
    county: supplies.Inventory, tmp_path: Path
) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("point,item,qty\nCK-01,QUILT,1\nTS-01,QUILT,1\nCK-01,QUILT,lots\n", encoding="utf-8")
    err = _refused(county.as_user("keeper"), path)
    assert set(_where(err)) == {(3, "point"), (4, "qty")}
    assert err.exit_code == 3 and isinstance(err, supplies.PermissionDenied)
    run = Cli(url_of(county), user="keeper")("--json", "import", "stock", str(path), expect=3)
    assert set(run.json["error"]["errors"]) == {"row 3, point", "row 4, qty"}
    assert county.stock.lots() == []
    path.write_text("point,item,qty\nCK-01,QUILT,lots\n", encoding="utf-8")  # no refusal: bad input, code 2
    Cli(url_of(county), user="keeper")("import", "stock", str(path), expect=2)


def test_a_file_read_in_many_chunks_imports_as_one(
    county: supplies.Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "_CHUNK_ROWS", 2)
    path = tmp_path / "stock.csv"
    rows = ["point,item,qty,batch,expires_on,reference"] + [f"CK-01,QUILT,{n},Q,2030-01-01,R{n}" for n in range(1, 8)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = county.imports.file("stock", path)
    assert (result.rows, result.added, result.updated, result.movements) == (7, 1, 0, 7)
    lines = county.stock.ledger(point="CK-01", item="QUILT")
    assert [m.balance_after for m in lines] == [1, 3, 6, 10, 15, 21, 28]
    assert county.stock.verify().ok
    again = county.imports.file("stock", path)  # every row adds to the lot there now
    assert (again.added, again.updated, again.movements) == (0, 1, 7)

    late = tmp_path / "late.csv"  # problems in later chunks name rows of earlier ones; nothing is kept
    late.write_text(
        "point,item,qty,batch,expires_on,reference\nTS-01,QUILT,1,N,2030-01-01,a\n"
        "TS-01,QUILT,1,M,,b\nTS-01,QUILT,1,L,,c\nTS-01,QUILT,1,N,2031-01-01,d\n"
        "TS-01,QUILT,1,M,,e\nTS-01,QUILT,1,M,,b\n",
        encoding="utf-8",
    )
    err = _refused(county, late)
    assert _where(err).keys() == {(5, "expires_on"), (7, None)}
    assert "row 2" in _where(err)[(5, "expires_on")] and "repeats row 3" in _where(err)[(7, None)]


def test_a_row_that_cannot_be_read_in_a_later_chunk_refuses_the_whole_file(
    county: supplies.Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The next chunk is read while the one before it is written: a row it cannot read still
    # refuses the file, by its row, with the chunks before it (written in the open transaction) undone.
    monkeypatch.setattr(imports, "_CHUNK_ROWS", 2)
    path = tmp_path / "stock.csv"
    rows = ["point,item,qty,batch"] + [f"CK-01,QUILT,{n},B{n}" for n in range(1, 6)] + ['CK-01,QUILT,"7,B7']
    path.write_text("\n".join(rows) + "\nCK-01,QUILT,8,B8\n", encoding="utf-8")
    err = _refused(county, path)
    assert [(p.row, p.column) for p in err.problems] == [(7, None)] and "never closed" in err.problems[0].reason
    assert county.stock.verify().ok
    good = tmp_path / "good.csv"  # and the same connection imports the next file as usual
    good.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    assert county.imports.file("stock", good).movements == 5


def test_problems_are_counted_all_but_listed_up_to_the_limit(
    county: supplies.Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "_CHUNK_ROWS", 7)
    monkeypatch.setattr("supplies.services.io.rows.MAX_PROBLEMS", 10)
    path = tmp_path / "stock.csv"
    path.write_text("point,item,qty\n" + "".join(f"CK-01,QUILT,x{n}\n" for n in range(25)), encoding="utf-8")
    err = _refused(county, path)
    assert [p.row for p in err.problems] == list(range(2, 12)) and err.more == 15
    assert str(err).startswith("qty: 25 problems")
    report = tmp_path / "problems.csv"
    err.write_report(report)
    assert (
        report.read_text(encoding="utf-8-sig")
        .splitlines()[-1]
        .endswith("and 15 more problems (fix these and import again)")
    )


def test_travel_time_and_population_files_are_read_with_the_same_care(
    county: supplies.Inventory, tmp_path: Path
) -> None:
    cli = Cli(url_of(county))
    roads = tmp_path / "roads.csv"
    roads.write_text(
        'from_point,to_region,hours\nCK-01,520102001,1.5\nCK-01,"520102002,2\nTS-01,520102,3\n', encoding="utf-8"
    )
    run = cli("travel-time", "load", str(roads), expect=2)
    assert "row 3" in run.err and "never closed" in run.err and "unexpected" not in run.err
    roads.write_text("from_point,to_region,hours\n\nCK-01,520102001,1.5\nCK-99,520102002,2\n", encoding="gb18030")
    assert "roads.csv line 4, from_point" in cli("travel-time", "load", str(roads), expect=2).err
    assert county.travel_times.list() == []
    people = tmp_path / "people.csv"
    people.write_text("township,population\n520102001," + "9" * 200_000 + "\n", encoding="utf-8")
    run = cli("readiness", "--townships", "--population-file", str(people), expect=2)
    assert "population_file: row 2" in run.err and "unexpected" not in run.err


def test_expired_or_out_of_bound_rows_are_refused_unless_historical(county: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text(
        "point,item,qty,batch,expires_on\nCK-01,QUILT,5000000000000000000,A,2031-01-01\nCK-01,QUILT,3,OLD,2020-01-01\n",
        encoding="utf-8",
    )
    err = _refused(county, path)
    assert set(_where(err)) == {(2, "qty"), (3, "expires_on")}
    assert county.stock.lots() == []
    path.write_text("point,item,qty,batch,expires_on\nCK-01,QUILT,3,OLD,2020-01-01\n", encoding="utf-8")
    Cli(url_of(county))("import", "stock", str(path), expect=2)
    Cli(url_of(county))("import", "stock", str(path), "--historical")
    assert [(x.batch, x.on_hand) for x in county.stock.lots()] == [("OLD", 3)]
