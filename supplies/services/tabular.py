"""Reading and writing the spreadsheets offices keep: CSV (UTF-8 with or without BOM, GB18030) and XLSX."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Union

from ..errors import InvalidInput

Source = Union[str, Path, bytes, IO[bytes]]
FORMATS = ("csv", "xlsx")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_XLSX_MAGIC = b"PK\x03\x04"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Table:
    """A sheet read from a file: its header cells and its data rows, numbered as the user sees them."""

    headers: list[str]
    rows: list[tuple[int, list[str | None]]]   # (row number in the file, cells)
    encoding: str | None = None                 # the CSV encoding found, None for XLSX
    header_row: int = 1                         # the row number of the header in the file

    def with_header_at(self, index: int) -> "Table":
        """The same sheet read with data row ``index`` as its header (a title row sat above it)."""
        number, cells = self.rows[index]
        return Table([c or "" for c in cells], self.rows[index + 1:], self.encoding, number)


def format_of(path: str | Path | None, data: bytes | None = None, explicit: str | None = None) -> str:
    """``csv`` or ``xlsx``: as given, else from the file name, else from the first bytes."""
    if explicit:
        fmt = explicit.lower().lstrip(".")
        if fmt not in FORMATS:
            raise InvalidInput(f"must be one of: {', '.join(FORMATS)}", "format")
        return fmt
    suffix = Path(str(path)).suffix.lower() if path else ""
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if data is not None and data.startswith(_XLSX_MAGIC):
        return "xlsx"
    if path and suffix:
        raise InvalidInput(f"cannot tell the format of {Path(str(path)).name}: use .csv or .xlsx", "format")
    return "csv"


def read_table(source: Source, *, format: str | None = None, encoding: str | None = None) -> Table:
    """Read the first sheet of ``source`` (a path, bytes or a binary file) into a :class:`Table`."""
    path: Path | None = None
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}", "file") from None
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    fmt = format_of(path, data, format)
    if fmt == "xlsx":
        return _read_xlsx(data)
    text, found = decode(data, encoding)
    return _read_csv(text, found)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode CSV bytes: a BOM means UTF-8; else UTF-8 if it decodes, else GB18030."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InvalidInput(f"the file is not {encoding}: {exc}", "encoding") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise InvalidInput("the file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as XLSX",
                           "encoding") from None


def _read_csv(text: str, encoding: str) -> Table:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[str | None]]] = []
    append = rows.append
    for number, cells in enumerate(reader, start=1):
        if headers is None:
            if any(c.strip() for c in cells):
                headers, header_row = [c.strip() for c in cells], number
            continue
        values = [c.strip() or None for c in cells]
        if any(values):
            append((number, values))
    return Table(headers or [], rows, encoding, header_row)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # imported only when a workbook is read

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(f"cannot read the workbook: {exc}", "file") from None
    try:
        sheet = book.worksheets[0]
        headers: list[str] | None = None
        header_row = 1
        rows: list[tuple[int, list[str | None]]] = []
        for number, raw in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in raw]
            if headers is None:
                if any(cells):
                    headers, header_row = [c or "" for c in cells], number
                continue
            if any(cells):
                rows.append((number, cells))
        return Table(headers or [], rows, None, header_row)
    finally:
        book.close()


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as the text a user would type (whole numbers without ``.0``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time.min else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _out(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def write_csv(target: str | Path | IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
              encoding: str = "utf-8-sig") -> None:
    """Write one sheet as CSV; the default UTF-8 with BOM opens correctly in Excel."""
    if encoding not in ENCODINGS:
        raise InvalidInput(f"must be one of: {', '.join(ENCODINGS)}", "encoding")
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([("" if v is None else _out(v)) for v in row] for row in rows)
    data = buf.getvalue().encode(encoding)
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)


@dataclass
class Sheet:
    """One worksheet to write: a title, a header row and data rows (an optional bold last row)."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: Sequence[Any] | None = None


def write_xlsx(target: str | Path | IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write worksheets in openpyxl's streaming mode (constant memory, fast for large reports)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title, used))
        header = []
        for h in sheet.headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_xlsx_value(v) for v in row])
        if sheet.total is not None:
            cells = []
            for v in sheet.total:
                cell = WriteOnlyCell(ws, value=_xlsx_value(v))
                cell.font = bold
                cells.append(cell)
            ws.append(cells)
    if not book.worksheets:
        book.create_sheet("empty")
    book.save(target)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def sheet_title(title: str, used: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, no ``[]:*?/\\``), unique in the book."""
    base = _SHEET_BAD.sub("_", title).strip("'") or "sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def iter_chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start:start + size]
