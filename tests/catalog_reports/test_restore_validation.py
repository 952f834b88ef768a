"""A damaged or hand-edited backup is refused by `supplies restore` with the table, line, column and
reason; nothing is written, so a good backup restores into the same database afterwards."""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import supplies
from supplies.models import ROOT_REGION
from tests.cli.cli_harness import Cli

from .conftest import snapshot

Lines = list[str]


class Backup:
    """The lines of a JSON Lines backup, to edit as a user with a text editor would."""

    def __init__(self, lines: Lines) -> None:
        self.lines = list(lines)

    def section(self, table: str) -> int:
        """Index of the line that starts ``table``'s rows (its line number is this plus one)."""
        return next(
            i for i, line in enumerate(self.lines) if line.startswith("{") and json.loads(line).get("table") == table
        )

    def columns(self, table: str) -> list[str]:
        return json.loads(self.lines[self.section(table)])["columns"]

    def set(self, table: str, column: str, value: object, row: int = 0) -> int:
        """Set one value of the ``row``-th row of ``table``; return its line number in the file."""
        at = self.section(table) + 1 + row
        values = json.loads(self.lines[at])
        values[self.columns(table).index(column)] = value
        self.lines[at] = json.dumps(values, ensure_ascii=False)
        return at + 1

    def write(self, path: Path) -> Path:
        data = ("\n".join(self.lines) + "\n").encode("utf-8")
        path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
        return path


@pytest.fixture
def source(busy: supplies.Inventory, tmp_path: Path) -> Path:
    """A good JSON Lines backup of the busy county (the source database is closed afterwards)."""
    path = tmp_path / "good.jsonl"
    busy.backup(str(path), format="json")
    busy.close()
    return path


@pytest.fixture
def target(source: Path, databases) -> str:
    """An empty, migrated database of the backend under test to restore into."""
    return databases.fresh_url()


def _refused(target: str, bad: Path, good: Path, *expected: str) -> str:
    """Restore ``bad`` with the CLI: exit 2, one line naming ``expected``; the database stays empty."""
    run = Cli(target, user=None)("restore", str(bad), expect=2)
    assert "Traceback" not in run.err and "unexpected" not in run.err, run
    for text in expected:
        assert text in run.err, run
    inv = supplies.open(target)
    left = {table: rows for table, rows in snapshot(inv).items() if table != "region"}
    assert not any(left.values()), "the refused restore wrote rows"
    assert [r[0] for r in snapshot(inv)["region"]] == [ROOT_REGION], "a new database's top region stays alone"
    restored = inv.restore(str(good))  # the same database takes a good backup afterwards
    assert restored.total > 0 and inv.as_user("admin").stock.verify().ok
    inv.close()
    return run.err


def _drop_column(b: Backup, table: str, column: str) -> tuple[int, ...]:
    at = b.section(table)
    head = json.loads(b.lines[at])
    pos = head["columns"].index(column)
    del head["columns"][pos]
    b.lines[at] = json.dumps(head)
    for i in range(at + 1, at + 1 + head["count"]):
        values = json.loads(b.lines[i])
        del values[pos]
        b.lines[i] = json.dumps(values, ensure_ascii=False)
    return at + 1, column


def _add_column(b: Backup, table: str, column: str) -> tuple[int, ...]:
    at = b.section(table)
    head = json.loads(b.lines[at])
    head["columns"].append(column)
    b.lines[at] = json.dumps(head)
    for i in range(at + 1, at + 1 + head["count"]):
        b.lines[i] = json.dumps([*json.loads(b.lines[i]), "blue"], ensure_ascii=False)
    return at + 1, column


def _break_line(b: Backup) -> int:
    at = b.section("movement") + 2
    b.lines[at] = b.lines[at][: len(b.lines[at]) // 2]
    return at + 1


def _unknown_table(b: Backup) -> int:
    b.lines.append(json.dumps({"table": "colour", "columns": ["id", "name"], "count": 1}))
    b.lines.append('[1, "blue"]')
    return len(b.lines) - 1


def _off_ledger(b: Backup) -> int:
    at = b.section("stock_lot") + 1
    values = json.loads(b.lines[at])
    values[b.columns("stock_lot").index("on_hand")] += 1
    b.lines[at] = json.dumps(values, ensure_ascii=False)
    return at + 1


NUL_BATCH = "Q\x001"
# Each case edits the good backup and names what the message must hold.
CASES: dict[str, Callable[[Backup], tuple[str, ...]]] = {
    "missing column": lambda b: (
        "stock_lot line {}".format(_drop_column(b, "stock_lot", "on_hand")[0]),
        "on_hand",
        "missing",
    ),
    "extra column": lambda b: ("item line {}".format(_add_column(b, "item", "colour")[0]), "colour"),
    "line that is not JSON": lambda b: (f"movement line {_break_line(b)}", "JSON"),
    "unknown table": lambda b: (f"line {_unknown_table(b)}", "'colour'"),
    "on_hand is a word": lambda b: (
        f"stock_lot line {b.set('stock_lot', 'on_hand', 'lots')}, on_hand",
        "whole number",
        "'lots'",
    ),
    "negative on_hand": lambda b: (f"stock_lot line {b.set('stock_lot', 'on_hand', -5)}, on_hand", "at least 0", "-5"),
    "quantity of 10^19": lambda b: (
        f"movement line {b.set('movement', 'qty', 10**19)}, qty",
        "at most",
        "10000000000000000000",
    ),
    "NUL in a batch": lambda b: (
        f"stock_lot line {b.set('stock_lot', 'batch', NUL_BATCH)}, batch",
        "control character",
    ),
    "unknown reserve mode": lambda b: (
        f"stock_lot line {b.set('stock_lot', 'mode', 'gift')}, mode",
        "must be one of",
        "physical",
    ),
    "expiry in year 1": lambda b: (
        f"stock_lot line {b.set('stock_lot', 'expires_on', '0001-01-01')}, expires_on",
        "1900",
    ),
    "lot off its ledger": lambda b: (f"stock_lot line {_off_ledger(b)}, on_hand", "ledger"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_row_is_refused_naming_table_line_and_column(
    case: str, source: Path, target: str, tmp_path: Path
) -> None:
    backup = Backup(source.read_text(encoding="utf-8").splitlines())
    expected = CASES[case](backup)
    _refused(target, backup.write(tmp_path / "bad.jsonl"), source, *expected)


def test_a_truncated_gzip_backup_is_refused(source: Path, target: str, tmp_path: Path) -> None:
    packed = gzip.compress(source.read_bytes())
    bad = tmp_path / "cut.jsonl.gz"
    bad.write_bytes(packed[: len(packed) * 2 // 3])
    _refused(target, bad, source, "the backup file is truncated or damaged")


def test_a_backup_cut_between_lines_is_refused(source: Path, target: str, tmp_path: Path) -> None:
    lines = source.read_text(encoding="utf-8").splitlines()
    cut = Backup(lines).section("movement") + 3  # the header and two movements survive
    bad = Backup(lines[:cut]).write(tmp_path / "cut.jsonl")
    _refused(target, bad, source, "the backup file is truncated or damaged", "movement")


def test_a_hand_edited_sqlite_backup_is_refused(source: Path, target: str, tmp_path: Path) -> None:
    county = tmp_path / "county.db"
    made = supplies.open(f"sqlite:///{county}", upgrade=True)
    made.restore(str(source))
    made.close()
    db = sqlite3.connect(county)
    with db:
        lot = db.execute("SELECT min(id) FROM stock_lot").fetchone()[0]
        db.execute("PRAGMA ignore_check_constraints = ON")  # as a hand edit in a SQLite shell can
        db.execute("UPDATE stock_lot SET on_hand = 'lots' WHERE id = ?", (lot,))
    db.close()
    err = _refused(target, county, source, "stock_lot row 1", "on_hand", "whole number", "'lots'")
    assert f"id {lot}" in err
