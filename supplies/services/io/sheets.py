"""Reading the first sheet of a CSV or XLSX file row by row, within the file limits; a malformed file is a clear error.

Rows are read as a stream (memory holds one row, whatever the size of the file). A cell the
importer refuses (a formula, an error value, an over-long text) arrives as a
:class:`CellProblem` for the row checks to report by row and column; a file that cannot be
read on past some row (a quote never closed, a row too long) raises :class:`UnreadableRow`;
a file that cannot be read at all (too large, not a workbook, an encoding it is not in)
raises :class:`~supplies.errors.InvalidInput` naming the file. No other exception escapes.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ...errors import InvalidInput
from ...i18n import t
from .cells import unguard
from .limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_REFERENCE_ROWS,
    MAX_ROW_CHARS,
    MAX_ROWS,
    check_workbook_archive,
    too_large,
)
from .tabular import Source, cell_text, format_of

_XLSX_MAGIC = b"PK\x03\x04"
FORMULA = "formula cells are not accepted; type the value"
_BLOCK = 1 << 20


@dataclass(frozen=True)
class CellProblem:
    """A cell the importer refuses, with the reason and (the start of) its text."""

    reason: str
    text: str

    def __str__(self) -> str:
        return self.text


Cell = str | None | CellProblem
Row = tuple[int, list[Cell]]


class UnreadableRow(InvalidInput):
    """The file cannot be read from this row on (a quote never closed, a row too long, a damaged part)."""

    def __init__(self, row: int, reason: str) -> None:
        self.row = row
        super().__init__(reason, f"row {row}")


class SheetReader:
    """An open CSV or XLSX file: :meth:`rows` gives its non-empty rows, header included, as (row number, cells).

    ``encoding`` is the CSV encoding found (``None`` for XLSX); ``estimated_rows`` how many rows
    the file says or seems to have (for a progress bar; ``None`` if unknown).
    """

    def __init__(self, source: Source, *, format: str | None = None, encoding: str | None = None) -> None:
        self.encoding: str | None = None
        self.estimated_rows: int | None = None
        self._closers: list[Callable[[], Any]] = []
        try:
            stream, path = self._open(source)
            head = stream.read(4)
            stream.seek(0)
            self._stream = stream
            self.format = format_of(path, head, format)
            if format is None and head.startswith(_XLSX_MAGIC):
                self.format = "xlsx"  # a workbook named .csv is still a workbook
            if self.format == "xlsx":
                check_workbook_archive(stream)
                stream.seek(0)
            else:
                self.encoding, lines, sample = _detect_encoding(stream, encoding, head)
                self.estimated_rows = lines
                self._delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        except BaseException:
            self.close()
            raise

    def rows(self) -> Iterator[Row]:
        """The rows with anything in them, numbered as the spreadsheet numbers them."""
        rows: Generator[Row] = (
            self._xlsx_rows()
            if self.format == "xlsx"
            else _csv_rows(self._stream, self.encoding or "utf-8", self._delimiter)
        )
        self._closers.append(rows.close)  # finished before the file under it is closed
        return rows

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, source: Source) -> tuple[IO[bytes], Path | None]:
        if isinstance(source, (str, Path)):
            path = Path(source)
            try:
                size = path.stat().st_size
                if size > MAX_FILE_BYTES:
                    raise too_large(size)
                stream = path.open("rb")
            except OSError as exc:
                raise InvalidInput(
                    t("cannot read {path}: {strerror}", path=path, strerror=exc.strerror), "file"
                ) from None
            self._closers.append(stream.close)
            return stream, path
        if isinstance(source, (bytes, bytearray)):
            if len(source) > MAX_FILE_BYTES:
                raise too_large(len(source))
            return io.BytesIO(source), None
        if source.seekable() and source.tell() == 0:
            size = source.seek(0, io.SEEK_END)
            source.seek(0)
            if size > MAX_FILE_BYTES:
                raise too_large(size)
            return source, None
        data = source.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise too_large(len(data))
        return io.BytesIO(data), None

    def _xlsx_rows(self) -> Generator[Row]:
        from openpyxl import load_workbook  # imported only when a workbook is read

        try:
            # data_only=False: a formula is seen as a formula (with data_only a formula whose
            # result was never saved reads as an empty cell, and its row would lose a value).
            book = load_workbook(self._stream, read_only=True, data_only=False)
        except Exception as exc:
            raise InvalidInput(t("cannot read the workbook: {exc}", exc=exc), "file") from None
        self._closers.append(book.close)
        if not book.worksheets:
            raise InvalidInput(t("the workbook has no worksheet"), "file")
        sheet = book.worksheets[0]
        self.estimated_rows = sheet.max_row
        # The dimension a file declares may be wrong (or huge): read the cells that are there.
        sheet.reset_dimensions()
        cells = iter(sheet.iter_rows())
        number = 0
        while True:
            try:
                raw = next(cells)
            except StopIteration:
                return
            except Exception as exc:
                raise UnreadableRow(number + 1, f"cannot read the workbook from this row on: {exc}") from None
            number += 1
            if number > MAX_ROWS:
                raise _too_many_rows(number)
            values = [_xlsx_cell(c) for c in raw]
            if any(values):
                _check_width(number, values)
                yield number, values


def read_rows(source: Source, *, field: str, limit: int = MAX_REFERENCE_ROWS) -> list[tuple[int, list[str | None]]]:
    """The non-empty rows of a small CSV or XLSX file (header included), as (row number, cell texts).

    For files read whole outside the import (travel times, populations): anything wrong with the
    file, a refused cell included, is an :class:`~supplies.errors.InvalidInput` naming ``field``
    and the row.
    """
    out: list[tuple[int, list[str | None]]] = []
    with SheetReader(source) as sheet:
        try:
            for number, cells in sheet.rows():
                texts: list[str | None] = []
                for cell in cells:
                    if isinstance(cell, CellProblem):
                        raise InvalidInput(
                            t("row {number}: {reason} ({text})", number=number, reason=cell.reason, text=cell.text),
                            field,
                        )
                    texts.append(cell)
                if len(out) > limit:
                    raise InvalidInput(
                        t("row {number}: at most {limit:,} rows are read", number=number, limit=limit), field
                    )
                out.append((number, texts))
        except UnreadableRow as exc:
            raise InvalidInput(t("row {row}: {reason}", row=exc.row, reason=exc.reason), field) from None
    return out


def _xlsx_cell(cell: Any) -> Cell:
    value = cell.value
    if value is None:
        return None
    kind = cell.data_type
    if kind == "f":
        return CellProblem(FORMULA, _start(value if isinstance(value, str) else getattr(value, "text", "=")))
    if kind == "e":
        return CellProblem(t("the cell holds the error {value}; type the value", value=value), str(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) > MAX_CELL_CHARS:
            return _long(text)
        return unguard(text) if text[0] == "'" else text
    return cell_text(value)


def _detect_encoding(stream: IO[bytes], encoding: str | None, head: bytes) -> tuple[str, int, str]:
    """The CSV's encoding (as given, else UTF-8 if all of it decodes, else GB18030), its line count and first text.

    The file is read once here, a block at a time, so that rows read later never meet a byte
    of another encoding half-way through an import.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInput(t("unknown encoding {encoding!r}", encoding=encoding), "encoding") from None
        candidates = [encoding]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "gb18030"]
    for name in candidates:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(name)()
        lines, sample = 0, ""
        try:
            while block := stream.read(_BLOCK):
                text = decoder.decode(block)
                if len(sample) < 4096:
                    sample += text[: 4096 - len(sample)]
                lines += block.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if encoding:
                raise InvalidInput(
                    t("the file is not {encoding}: {exc}", encoding=encoding, exc=exc), "encoding"
                ) from None
            if name == "utf-8-sig":
                raise InvalidInput(
                    t("the file starts as UTF-8 (a byte-order mark) but is not UTF-8 further on: {exc}", exc=exc),
                    "encoding",
                ) from None
            continue
        stream.seek(0)
        return name, lines, sample
    raise InvalidInput(t("the file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as XLSX"), "encoding")


class _RowTooLong(Exception):
    pass


class _NulInRow(Exception):
    pass


def _csv_rows(stream: IO[bytes], encoding: str, delimiter: str) -> Generator[Row]:
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    left = MAX_ROW_CHARS  # characters the row being read may still take
    quoted = False  # a ' somewhere in the row: some cell may carry the formula guard

    def lines() -> Iterator[str]:
        # Physical lines, never longer than what the row may still take: a file without line
        # breaks cannot make one giant string.
        nonlocal left, quoted
        readline = text.readline
        while line := readline(left + 1):
            left -= len(line)
            if left < 0:
                raise _RowTooLong
            if "'" in line:
                quoted = True
            if "\x00" in line:
                raise _NulInRow
            yield line

    # strict: a quoted cell still open at the end of the file is an error, not the rest of the file.
    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    number = 0
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise UnreadableRow(number + 1, _csv_reason(str(exc))) from None
            except _RowTooLong:
                raise UnreadableRow(
                    number + 1,
                    f"the row is longer than {MAX_ROW_CHARS:,} characters (at most "
                    f"{MAX_COLUMNS} columns of {MAX_CELL_CHARS:,})",
                ) from None
            except _NulInRow:
                raise UnreadableRow(
                    number + 1, "the row holds a NUL character: this is not a text (CSV) file"
                ) from None
            number += 1
            if number > MAX_ROWS:
                raise _too_many_rows(number)
            width, left = MAX_ROW_CHARS - left, MAX_ROW_CHARS
            values: list[Cell] = [c.strip() or None for c in cells]
            if width > MAX_CELL_CHARS:
                values = [_long(v) if isinstance(v, str) and len(v) > MAX_CELL_CHARS else v for v in values]
            if quoted:
                values = [unguard(v) if v.__class__ is str and v[0] == "'" else v for v in values]
                quoted = False
            if any(values):
                _check_width(number, values)
                yield number, values
    finally:
        text.detach()  # the byte stream belongs to the reader (or to the caller), not to this wrapper


def _csv_reason(message: str) -> str:
    if "unexpected end of data" in message:
        return (
            'a quoted cell starts in this row and is never closed (a " is missing): the rest of the file '
            "would be read as one cell"
        )
    if "field larger than field limit" in message:
        return f'a cell is longer than {MAX_CELL_CHARS:,} characters, or a quote (") opened in this row is never closed'
    if "expected after" in message:
        return 'text follows the closing quote of a quoted cell (a " inside a cell is written twice: "")'
    return f"cannot read this row as CSV: {message}"


def _check_width(number: int, values: list[Cell]) -> None:
    if len(values) > MAX_COLUMNS and any(values[MAX_COLUMNS:]):
        last = max(i for i, v in enumerate(values) if v) + 1
        raise UnreadableRow(number, f"the row has something in column {last}; files have at most {MAX_COLUMNS} columns")


def _too_many_rows(number: int) -> UnreadableRow:
    return UnreadableRow(
        number, f"the file goes on past row {MAX_ROWS:,}; split it into files of at most {MAX_ROWS:,} rows"
    )


def _long(text: str) -> CellProblem:
    return CellProblem(
        t(
            "the cell holds {len_text:,} characters; at most {max_cell_chars:,} are accepted",
            len_text=len(text),
            max_cell_chars=MAX_CELL_CHARS,
        ),
        _start(text),
    )


def _start(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"
