"""Importing agencies, storage points, classes, items, stock and reserve targets from CSV and XLSX files.

Every row is checked (columns, values, codes, rules, permissions); a file with any problem raises
:class:`ImportRejected` listing row, column and reason for each one (:class:`ImportRefused`, exit
code 3, when some are permission refusals), and writes nothing. A good file is written in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from ...config import local_today
from ...i18n import t
from ...models import Movement
from ..base import Service
from ..stock.bulk import BulkReceipt
from .channels import CHANNEL_SCHEMAS, CHANNELS, SECRET_COLUMNS
from .columns import KINDS, Column, columns, match_headers
from .kinds import PREPARE, ROW_SCHEMAS, Batch
from .limits import MAX_REFERENCE_ROWS
from .read_ahead import read_ahead
from .rows import (
    ImportRefused,
    ImportRejected,
    Problem,
    ProblemLog,
    RowValidator,
    rows_as_dicts,
)
from .sheets import Cell, CellProblem, Row, SheetReader, UnreadableRow
from .tabular import Source, cell_text

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``: ``checking`` as rows are checked (a stock file's rows are
also written then, in the open transaction; ``total`` is an estimate until the end), ``writing`` when done."""

__all__ = ["ImportRefused", "ImportRejected", "ImportResult", "Imports", "Problem", "Progress"]


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
_CHUNK_ROWS = 25_000  # stock rows checked and written at a time: memory holds one chunk


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


class Imports(Service):
    """Imports of every kind from files or rows: ``inv.imports``."""

    kinds: tuple[str, ...] = tuple(KINDS)

    def file(
        self,
        kind: str,
        source: Source,
        *,
        format: str | None = None,
        encoding: str | None = None,
        progress: Progress | None = None,
        dry_run: bool = False,
        update_existing: bool = True,
        historical: bool = False,
    ) -> ImportResult:
        "Import a CSV (UTF-8 or GB18030, Chinese or English headers) or XLSX file of ``kind``.\n\n        Existing records (same code; for targets the same item and place) are updated from the\n        columns the file has, unless ``update_existing`` is false. Stock rows are receipts (入库):\n        each adds its quantity to the lot (point, item, batch) with a ledger line.\n        ``dry_run`` checks and counts everything and writes nothing. An expiry date before today\n        is refused unless ``historical`` (recording stock received in the past). Files are read within the\n        limits of :mod:`~supplies.services.io.limits`; a stock file is read, checked and\n        written a chunk at a time, in one transaction, so memory does not grow with its size.\n"
        columns(kind)
        name = Path(str(source)).name if isinstance(source, (str, Path)) else None
        with SheetReader(source, format=format, encoding=encoding) as sheet:
            return self._run(
                kind,
                sheet.rows(),
                sheet.estimated_rows,
                sheet.encoding,
                progress=progress,
                dry_run=dry_run,
                update_existing=update_existing,
                historical=historical,
                reference=f"import:{name}"[:100] if name else "import",
            )

    def rows(
        self,
        kind: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        progress: Progress | None = None,
        dry_run: bool = False,
        update_existing: bool = True,
        reference: str = "import",
        historical: bool = False,
    ) -> ImportResult:
        """Import rows given as mappings keyed by column (English key, Chinese header or alias)."""
        columns(kind)
        rows = list(rows)
        heads: dict[str, None] = {}
        for row in rows:
            heads.update(dict.fromkeys(row))
        order = list(heads)
        data: list[Row] = [(1, list(order))] if order else []
        data += [(n, [cell_text(row.get(h)) for h in order]) for n, row in enumerate(rows, start=2)]
        return self._run(
            kind,
            iter(data),
            len(rows),
            None,
            progress=progress,
            dry_run=dry_run,
            update_existing=update_existing,
            reference=reference,
            historical=historical,
        )

    def _run(
        self,
        kind: str,
        rows: Iterator[Row],
        estimate: int | None,
        encoding: str | None,
        *,
        progress: Progress | None,
        dry_run: bool,
        update_existing: bool,
        reference: str,
        historical: bool = False,
    ) -> ImportResult:
        try:
            header = _Header.find(kind, rows)
            if kind in CHANNELS:
                result = self._through_services(kind, header, progress=progress, dry_run=dry_run)
            elif kind == "stock":
                result = self._stock(
                    header, estimate, progress=progress, reference=reference, dry_run=dry_run, historical=historical
                )
            else:
                result = self._reference(
                    kind, header, progress=progress, update_existing=update_existing, dry_run=dry_run
                )
        except _DryRun as dry:
            result = dry.result
        return replace(result, encoding=encoding)

    def _reference(
        self, kind: str, header: _Header, *, progress: Progress | None, update_existing: bool, dry_run: bool
    ) -> ImportResult:
        """Agencies, points, classes, items or targets: read whole (they are small), checked, then written."""
        data = _read_all(kind, header.rows)
        numbers = [n for n, _ in data]
        cells = header.columns([r for _, r in data])
        values, problems = RowValidator(ROW_SCHEMAS[kind]).check(header.present, numbers, cells)
        if kind != "targets":
            problems += _repeated(numbers, values.get("code", []), header.present.get("code", "code"))
        if progress:
            progress("checking", len(numbers), len(numbers))
        bad = {p.row for p in problems}
        if bad:  # later checks see only the rows whose values are well-formed
            keep = [i for i, n in enumerate(numbers) if n not in bad]
            numbers = [numbers[i] for i in keep]
            values = {k: [v[i] for i in keep] for k, v in values.items()}
        with self._work() as (s, actor):
            batch = Batch(s, actor, numbers, rows_as_dicts(values, len(numbers)), header.present, update_existing)
            apply = PREPARE[kind](batch)
            log = ProblemLog()
            log.extend(problems + batch.problems)
            if log:
                raise log.rejection(kind)
            counts = apply()
            if progress:
                progress("writing", len(numbers), len(numbers))
            result = ImportResult(kind, len(data), counts.added, counts.updated, counts.unchanged, 0, dry_run)
            if dry_run:
                raise _DryRun(result)
            return result

    def _through_services(
        self, kind: str, header: _Header, *, progress: Progress | None, dry_run: bool
    ) -> ImportResult:
        """Contracts, donors, donations or requisitions: each given to its service in one shared unit of
        work (see :mod:`.channels`), all written or, after any problem, none."""
        data = _read_all(kind, header.rows)
        numbers = [n for n, _ in data]
        cells = header.columns([r for _, r in data])
        values, problems = RowValidator(CHANNEL_SCHEMAS[kind]).check(header.present, numbers, cells)
        secret = {header.present.get(k, k) for k in SECRET_COLUMNS.get(kind, ())}
        problems = [replace(p, value=None) if p.column in secret else p for p in problems]
        if kind == "donors":
            problems += _repeated(numbers, values.get("code", []), header.present.get("code", "code"))
        if progress:
            progress("checking", len(numbers), len(numbers))
        bad = {p.row for p in problems}
        if bad:
            keep = [i for i, n in enumerate(numbers) if n not in bad]
            numbers = [numbers[i] for i in keep]
            values = {k: [v[i] for i in keep] for k, v in values.items()}
        with self._shared_work() as (s, actor):
            lines_before = s.exec(select(func.count()).select_from(Movement)).one()
            batch = Batch(s, actor, numbers, rows_as_dicts(values, len(numbers)), header.present, kind=kind)
            counts = CHANNELS[kind](self._inv, batch)
            log = ProblemLog()
            log.extend(problems + batch.problems)
            if log:
                raise log.rejection(kind)
            movements = s.exec(select(func.count()).select_from(Movement)).one() - lines_before
            if progress:
                progress("writing", len(numbers), len(numbers))
            result = ImportResult(kind, len(data), counts.added, counts.updated, counts.unchanged, movements, dry_run)
            if dry_run:
                raise _DryRun(result)
            return result

    def _stock(
        self,
        header: _Header,
        estimate: int | None,
        *,
        progress: Progress | None,
        reference: str,
        dry_run: bool,
        historical: bool = False,
    ) -> ImportResult:
        """Stock receipts, a chunk of rows at a time, all in one transaction: all or nothing."""
        validator = RowValidator(ROW_SCHEMAS["stock"])
        log = ProblemLog()
        total = max(estimate or 0, 1)
        done = 0

        def checked() -> Iterator[tuple[list[int], dict[str, list[Any]], list[Problem]]]:
            """Each chunk's rows read and their values checked (no database): run a chunk ahead in a thread."""
            while chunk := list(islice(header.rows, _CHUNK_ROWS)):
                numbers = [n for n, _ in chunk]
                cells = header.columns([r for _, r in chunk])
                del chunk  # a chunk's cells, then its values: memory holds a few chunks, whatever the file
                values, problems = validator.check(header.present, numbers, cells)
                del cells
                if not historical:
                    problems += _expired(numbers, values["expires_on"], header.present.get("expires_on"))
                yield numbers, values, problems

        with self._work() as (s, actor), read_ahead(checked()) as chunks:
            receipt = BulkReceipt(s, actor, header.present, default_reference=reference)
            try:
                # While a chunk is written (the driver waits on the database) the next one is read.
                for numbers, values, problems in chunks:
                    log.extend(problems)
                    log.extend(receipt.check(numbers, values, {p.row for p in problems}))
                    # Written even after a problem, so that later rows are checked against the
                    # rows before them; the transaction is rolled back at the end.
                    receipt.apply()
                    del values
                    done += len(numbers)
                    total = max(total, done)
                    if progress:
                        progress("checking", done, total)
            except UnreadableRow as exc:
                log.extend([Problem(exc.row, None, exc.reason)])
                raise log.rejection("stock") from None
            log.extend(receipt.repeated())
            if log:
                raise log.rejection("stock")
            if progress:
                progress("writing", done, done)
            wrote = receipt.result()
            result = ImportResult("stock", done, wrote.lots_created, wrote.lots_updated, 0, wrote.movements, dry_run)
            if dry_run:
                raise _DryRun(result)
            return result


@dataclass
class _Header:
    """A file's header row, matched to the columns of its kind, and the rows that follow it."""

    kind: str
    row: int
    headers: list[str]
    mapping: dict[int, Column]
    rows: Iterator[Row]

    @property
    def present(self) -> dict[str, str]:
        """Column key -> header as written in the file."""
        return {col.key: self.headers[pos] for pos, col in self.mapping.items()}

    def columns(self, rows: list[list[Cell]]) -> dict[str, list[Cell]]:
        """The cells of ``rows`` by column key."""
        if rows and self.mapping and min(map(len, rows)) > max(self.mapping):
            # Every row reaches the last mapped column (the usual file): transposed in C.
            by_position = list(zip(*rows))
            return {col.key: list(by_position[pos]) for pos, col in self.mapping.items()}
        return {col.key: [r[pos] if pos < len(r) else None for r in rows] for pos, col in self.mapping.items()}

    @classmethod
    def find(cls, kind: str, rows: Iterator[Row]) -> _Header:
        """The first row that reads as the header of ``kind``: the first row, or one of the few below a title."""
        try:
            first = next(rows, None)
            if first is None:
                first = (1, [])
            number, cells = first
            heads, cell_problems = _header_texts(number, cells)
            mapping, problems = match_headers(kind, heads)
            if not problems and not cell_problems:
                return cls(kind, number, heads, mapping, rows)
            # Office sheets often carry a title (and a date line) above the header: take the
            # first of the next rows that reads as this kind's header.
            below = list(islice(rows, _TITLE_ROWS))
        except UnreadableRow as exc:
            raise ImportRejected(kind, [Problem(exc.row, None, exc.reason)]) from None
        for index, (n, candidate) in enumerate(below):
            found_heads, found_problems = _header_texts(n, candidate)
            found, head_problems = match_headers(kind, found_heads)
            if not head_problems and not found_problems:
                return cls(kind, n, found_heads, found, chain(below[index + 1 :], rows))
        raise ImportRejected(kind, cell_problems + [Problem(number, h, reason, h) for h, reason in problems])


def _header_texts(number: int, cells: list[Cell]) -> tuple[list[str], list[Problem]]:
    heads: list[str] = []
    problems: list[Problem] = []
    for cell in cells:
        if isinstance(cell, CellProblem):
            problems.append(Problem(number, str(cell), cell.reason, str(cell)))
            heads.append("")
        else:
            heads.append(cell or "")
    return heads, problems


def _read_all(kind: str, rows: Iterator[Row]) -> list[Row]:
    """Every data row of a reference file, at most :data:`MAX_REFERENCE_ROWS`."""
    try:
        data = list(islice(rows, MAX_REFERENCE_ROWS + 1))
    except UnreadableRow as exc:
        raise ImportRejected(kind, [Problem(exc.row, None, exc.reason)]) from None
    if len(data) > MAX_REFERENCE_ROWS:
        raise ImportRejected(
            kind,
            [
                Problem(
                    data[-1][0],
                    None,
                    t(
                        "a {kind} file has at most {max_reference_rows:,} rows; split it",
                        kind=kind,
                        max_reference_rows=MAX_REFERENCE_ROWS,
                    ),
                )
            ],
        )
    return data


def _repeated(numbers: list[int], codes: list[Any], header: str) -> list[Problem]:
    """A code given twice in one file: the later rows are reported, naming the first."""
    first: dict[Any, int] = {}
    out = []
    for n, code in zip(numbers, codes):
        if code is None:
            continue
        if code in first:
            out.append(Problem(n, header, t("repeats row {first}", first=first[code]), str(code)))
        else:
            first[code] = n
    return out


def _expired(numbers: list[int], expiries: list[Any], header: str | None) -> list[Problem]:
    """Rows whose expiry date has passed: a receipt of expired stock is a mistake unless historical."""
    today = local_today()
    return [
        Problem(
            n,
            header or "expires_on",
            t(
                "is before today ({today}): expired stock is not received; to record stock received in the past, import it as historical",
                today=today,
            ),
            day.isoformat(),
        )
        for n, day in zip(numbers, expiries)
        if day is not None and day < today
    ]
