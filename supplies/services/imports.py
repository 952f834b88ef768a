"""Importing agencies, storage points, classes, items, stock and reserve targets from CSV and XLSX files.

Every row is checked first (columns, values, codes, rules, permissions); a file with any problem
raises :class:`ImportRejected` listing row, column and reason for each one, and writes nothing.
A good file is written in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .base import Service
from .bulk import BulkReceipt
from .import_kinds import PREPARE, ROW_SCHEMAS, Batch
from .io_columns import KINDS, columns, match_headers
from .rowcheck import ImportRejected, Problem, RowValidator, rows_as_dicts
from .tabular import Source, Table, cell_text, read_table

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages are ``checking`` and ``writing``."""

__all__ = ["ImportRejected", "ImportResult", "Imports", "Problem", "Progress"]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read, records added, updated and left unchanged, ledger lines written."""

    kind: str
    rows: int
    added: int
    updated: int
    unchanged: int
    movements: int = 0
    dry_run: bool = False
    encoding: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_TITLE_ROWS = 5


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


class Imports(Service):
    """Imports of every kind from files or rows: ``inv.imports``."""

    kinds: tuple[str, ...] = tuple(KINDS)

    def file(self, kind: str, source: Source, *, format: str | None = None, encoding: str | None = None,
             progress: Progress | None = None, dry_run: bool = False,
             update_existing: bool = True) -> ImportResult:
        """Import a CSV (UTF-8 or GB18030, Chinese or English headers) or XLSX file of ``kind``.

        Existing records (same code; for targets the same item and place) are updated from the
        columns the file has, unless ``update_existing`` is false. Stock rows are receipts (入库):
        each adds its quantity to the lot (point, item, batch) with a ledger line.
        ``dry_run`` checks and counts everything and writes nothing.
        """
        columns(kind)
        table = read_table(source, format=format, encoding=encoding)
        name = Path(str(source)).name if isinstance(source, (str, Path)) else None
        return self._run(kind, table, progress=progress, dry_run=dry_run, update_existing=update_existing,
                         reference=f"import:{name}"[:100] if name else "import")

    def rows(self, kind: str, rows: Iterable[Mapping[str, Any]], *, progress: Progress | None = None,
             dry_run: bool = False, update_existing: bool = True, reference: str = "import") -> ImportResult:
        """Import rows given as mappings keyed by column (English key, Chinese header or alias)."""
        columns(kind)
        rows = list(rows)
        heads: dict[str, None] = {}
        for row in rows:
            heads.update(dict.fromkeys(row))
        order = list(heads)
        table = Table(order, [(n, [cell_text(row.get(h)) for h in order]) for n, row in enumerate(rows, start=2)])
        return self._run(kind, table, progress=progress, dry_run=dry_run, update_existing=update_existing,
                         reference=reference)

    def _run(self, kind: str, table: Table, *, progress: Progress | None, dry_run: bool,
             update_existing: bool, reference: str) -> ImportResult:
        mapping, head_problems = match_headers(kind, table.headers)
        for index in range(min(_TITLE_ROWS, len(table.rows)) if head_problems else 0):
            # Office sheets often carry a title (and a date line) above the header: take the
            # first of the next rows that reads as this kind's header.
            candidate = table.with_header_at(index)
            found, problems = match_headers(kind, candidate.headers)
            if not problems:
                table, mapping, head_problems = candidate, found, []
                break
        if head_problems:
            raise ImportRejected(kind, [Problem(table.header_row, h, reason, h) for h, reason in head_problems])
        numbers = [n for n, _ in table.rows]
        cells = {col.key: [r[pos] if pos < len(r) else None for _, r in table.rows] for pos, col in mapping.items()}
        present = {col.key: table.headers[pos] for pos, col in mapping.items()}
        values, problems = RowValidator(ROW_SCHEMAS[kind]).check(present, numbers, cells)
        if kind != "stock" and kind != "targets":
            problems += _repeated(numbers, cells.get("code", []), present.get("code", "code"))
        if progress:
            progress("checking", len(numbers), len(numbers))
        bad = {p.row for p in problems}
        if bad and kind != "stock":  # later checks see only the rows whose values are well-formed
            keep = [i for i, n in enumerate(numbers) if n not in bad]
            numbers = [numbers[i] for i in keep]
            values = {k: [v[i] for i in keep] for k, v in values.items()}
        try:
            with self._work() as (s, actor):
                if kind == "stock":
                    receipt = BulkReceipt(s, actor, numbers, values, present, default_reference=reference,
                                          malformed=bad)
                    problems += receipt.check()
                    _reject(kind, problems)
                    done = receipt.apply(progress)
                    result = ImportResult(kind, len(table.rows), done.lots_created, done.lots_updated, 0,
                                          done.movements, dry_run, table.encoding)
                else:
                    batch = Batch(s, actor, numbers, rows_as_dicts(values, len(numbers)), present, update_existing)
                    apply = PREPARE[kind](batch)
                    problems += batch.problems
                    _reject(kind, problems)
                    counts = apply()
                    if progress:
                        progress("writing", len(numbers), len(numbers))
                    result = ImportResult(kind, len(table.rows), counts.added, counts.updated, counts.unchanged,
                                          0, dry_run, table.encoding)
                if dry_run:
                    raise _DryRun(result)
                return result
        except _DryRun as dry:
            return dry.result


def _repeated(numbers: list[int], codes: list[str | None], header: str) -> list[Problem]:
    """A code given twice in one file: the later rows are reported, naming the first."""
    first: dict[str, int] = {}
    out = []
    for n, code in zip(numbers, codes):
        if code is None:
            continue
        if code in first:
            out.append(Problem(n, header, f"repeats row {first[code]}", code))
        else:
            first[code] = n
    return out


def _reject(kind: str, problems: list[Problem]) -> None:
    if problems:
        raise ImportRejected(kind, problems)
