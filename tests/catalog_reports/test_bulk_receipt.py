"""Stock imports find each row's lot by point, item and batch, and leave the interpreter as they found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import supplies
from supplies.services.io.imports import ImportRejected


def _on_hand(inv: supplies.Inventory) -> dict[tuple[str, str, str], int]:
    return {(x.point, x.item, x.batch): x.on_hand for x in inv.stock.lots(with_stock_only=False)}


def test_a_row_adds_to_the_lot_of_its_own_point_item_and_batch(stocked: supplies.Inventory, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    # Q-1 is held at CK-01 and TS-01: each row adds only to its own point's lot; Q-2 is new.
    path.write_text("point,item,qty,batch\nTS-01,QUILT,5,Q-1\nCK-01,QUILT,7,Q-2\nTS-01,QUILT,1,Q-1\n", encoding="utf-8")
    before = _on_hand(stocked)
    result = stocked.imports.file("stock", path)
    after = _on_hand(stocked)
    assert (result.added, result.updated, result.movements) == (1, 1, 3)
    assert after[("TS-01", "QUILT", "Q-1")] == before[("TS-01", "QUILT", "Q-1")] + 6
    assert after[("CK-01", "QUILT", "Q-1")] == before[("CK-01", "QUILT", "Q-1")]
    assert after[("CK-01", "QUILT", "Q-2")] == 7
    assert {k: v for k, v in after.items() if k not in {("TS-01", "QUILT", "Q-1"), ("CK-01", "QUILT", "Q-2")}} == {
        k: v for k, v in before.items() if k != ("TS-01", "QUILT", "Q-1")
    }
    assert stocked.stock.verify().ok


def test_the_garbage_collector_is_back_on_after_an_import(stocked: supplies.Inventory, tmp_path: Path) -> None:
    assert gc.isenabled()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("point,item,qty,batch\nCK-01,QUILT,5,Q-1\n", encoding="utf-8")
    bad.write_text("point,item,qty,batch,mode\nCK-01,QUILT,5,Q-1,agreement\n", encoding="utf-8")
    stocked.imports.file("stock", good)
    assert gc.isenabled()
    with pytest.raises(ImportRejected):
        stocked.imports.file("stock", bad)  # another reserve mode for an existing batch
    assert gc.isenabled()


def test_a_file_longer_than_one_insert_lands_row_for_row(stocked: supplies.Inventory, tmp_path: Path) -> None:
    # SQLite writes a thousand rows per INSERT: 2,345 rows take three, the last one short.
    rows = 2_345
    path = tmp_path / "stock.csv"
    lines = ["point,item,qty,batch"] + [f"CK-01,QUILT,{n % 97 + 1},BULK-{n:05d}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = stocked.imports.file("stock", path)
    after = _on_hand(stocked)
    assert (result.added, result.movements) == (rows, rows)
    assert [after[("CK-01", "QUILT", f"BULK-{n:05d}")] for n in range(rows)] == [n % 97 + 1 for n in range(rows)]
    assert stocked.stock.verify().ok
