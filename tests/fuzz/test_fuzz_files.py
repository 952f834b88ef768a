"""Fuzzing imports with generated CSV and XLSX files: each imports whole or is refused whole, with a reason.

Cells carry the hostile values of the other fuzz suites (formulas, control characters, huge
numbers, calendar ends, long text); the header row is sometimes broken too.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplies
from supplies import SuppliesError
from tests.examples import examples

from .strategies import FORMULAS, huge_ints

HEADERS = {
    "stock": ["point", "item", "qty", "batch", "expires_on", "mode", "reference", "reason"],
    "items": ["code", "name", "supply_class", "unit", "shelf_life_days"],
    "targets": ["item", "point", "region_code", "quantity"],
    "points": ["code", "name", "level", "lat", "lon", "region_code"],
}
GOOD = {
    "point": "CK-01",
    "item": "TENT12",
    "qty": "5",
    "batch": "F1",
    "expires_on": "2031-01-01",
    "mode": "physical",
    "code": "NEW1",
    "name": "新",
    "supply_class": "LIVING",
    "unit": "个",
    "shelf_life_days": "365",
    "quantity": "10",
    "level": "village",
    "lat": "26.5",
    "lon": "106.7",
    "region_code": "520102003",
}
cell = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1.5",
            "2030-02-30",
            "0001-01-01",
            "9999-12-31",
            "2020-01-01",
            "x" * 70,
            "长" * 40_000,
            "A\x00B",
            "\x1b",
            "'=1+1",
            *FORMULAS,
        ]
    ),
    huge_ints.map(str),
    st.text(max_size=10),
)


def state(inv: supplies.Inventory) -> tuple[object, ...]:
    lots = sorted((x.point, x.item, x.batch, x.on_hand) for x in inv.stock.lots(with_stock_only=False))
    return (lots, len(inv.stock.ledger()), len(inv.items.list()), len(inv.targets.list()), len(inv.points.list()))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            try:
                sheet.cell(r, c, value)
            except (IllegalCharacterError, ValueError):  # what Excel cannot hold either
                sheet.cell(r, c, "?")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(
    deadline=None,
    max_examples=examples(60),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_generated_file_imports_whole_or_is_refused_whole(county: supplies.Inventory, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(HEADERS)), label="kind")
    header = list(HEADERS[kind])
    if data.draw(st.integers(0, 9)) == 0:
        header[data.draw(st.integers(0, len(header) - 1))] = data.draw(cell)
    n = data.draw(st.integers(1, 6), label="rows")
    rows = [
        [data.draw(cell) if data.draw(st.integers(0, 3)) == 0 else GOOD.get(h, "x") for h in header] for _ in range(n)
    ]
    fmt = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    body = as_csv([header, *rows]) if fmt == "csv" else as_xlsx([header, *rows])
    before = state(county)
    try:
        county.imports.file(kind, body, format=fmt)
    except SuppliesError as err:
        assert err.exit_code in (2, 3), err
        assert state(county) == before, f"a refused {kind} file changed something: {err}"
    assert county.stock.verify().ok


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_of_only_hostile_cells_is_refused_with_reasons(county: supplies.Inventory, fmt: str) -> None:
    rows = [HEADERS["stock"], ["CK-01", "TENT12", "5000000000000000000", "A\x01B", "0001-01-01", "physical", "", ""]]
    if fmt == "xlsx":
        rows[1][3] = "=1+1"
    body = as_csv(rows) if fmt == "csv" else as_xlsx(rows)
    with pytest.raises(SuppliesError) as err:
        county.imports.file("stock", body, format=fmt)
    problems = {(p.column, p.reason) for p in err.value.problems}  # type: ignore[attr-defined]
    columns = {c for c, _ in problems}
    assert {"qty", "batch"} <= columns, problems
    assert county.stock.lots(with_stock_only=False) == []
