"""Writing the spreadsheets offices keep, CSV (UTF-8 with or without BOM, GB18030) and XLSX, and what reading shares.

Every CSV and XLSX the library or the web admin writes goes through :func:`csv_chunks` or
:func:`write_xlsx`, which keep formula-like text inert (:mod:`.cell_guard`). Reading is in
:mod:`.sheet_reader`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from ...errors import InvalidInput
from ...i18n import t
from .cells import csv_cell, xlsx_cell

Source = str | Path | bytes | IO[bytes]
FORMATS = ("csv", "xlsx")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_XLSX_MAGIC = b"PK\x03\x04"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def format_of(path: str | Path | None, data: bytes | None = None, explicit: str | None = None) -> str:
    """``csv`` or ``xlsx``: as given, else from the file name, else from the first bytes."""
    if explicit:
        fmt = explicit.lower().lstrip(".")
        if fmt not in FORMATS:
            raise InvalidInput(t("must be one of: {value}", value=", ".join(FORMATS)), "format")
        return fmt
    suffix = Path(str(path)).suffix.lower() if path else ""
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if data is not None and data.startswith(_XLSX_MAGIC):
        return "xlsx"
    if path and suffix:
        raise InvalidInput(
            t("cannot tell the format of {name}: use .csv or .xlsx", name=Path(str(path)).name), "format"
        )
    return "csv"


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


def csv_chunks(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, rows_per_chunk: int = 1000) -> Iterator[str]:
    """CSV text (``\\r\\n`` line ends), ``rows_per_chunk`` rows a piece, every cell through :func:`csv_cell`.

    The one CSV writer of the library and the web admin: formula-like text is guarded here.
    """
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headers])
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if n % rows_per_chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def write_csv(
    target: str | Path | IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8-sig",
) -> None:
    """Write one sheet as CSV; the default UTF-8 with BOM opens correctly in Excel."""
    if encoding not in ENCODINGS:
        raise InvalidInput(t("must be one of: {value}", value=", ".join(ENCODINGS)), "encoding")
    encode = codecs.getincrementalencoder(encoding)().encode  # writes utf-8-sig's BOM once
    if isinstance(target, (str, Path)):
        with Path(target).open("wb") as out:
            for piece in csv_chunks(headers, rows):
                out.write(encode(piece))
        return
    for piece in csv_chunks(headers, rows):
        target.write(encode(piece))


@dataclass
class Sheet:
    """One worksheet to write: a title, a header row and data rows (an optional bold last row).

    ``before`` rows go above the header (a document's heading), ``after`` rows below the total
    (signature lines); their cells are guarded like every other.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    total: Sequence[Any] | None = None
    before: Sequence[Sequence[Any]] = ()
    after: Sequence[Sequence[Any]] = ()


def write_xlsx(target: str | Path | IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write worksheets in openpyxl's streaming mode (constant memory, fast for large reports).

    The one XLSX writer of the library and the web admin: formula-like text is made inert here.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title, used))
        for row in sheet.before:
            ws.append([xlsx_cell(ws, v) for v in row])
        ws.append([_styled(ws, h, bold) for h in sheet.headers])
        for row in sheet.rows:
            ws.append([xlsx_cell(ws, v) for v in row])
        if sheet.total is not None:
            ws.append([_styled(ws, v, bold) for v in sheet.total])
        for row in sheet.after:
            ws.append([xlsx_cell(ws, v) for v in row])
    if not book.worksheets:
        book.create_sheet("empty")
    book.save(target)


def _styled(ws: Any, value: Any, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    cell = xlsx_cell(ws, value)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(ws, value=cell)
    cell.font = font
    return cell


def sheet_title(title: str, used: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, no ``[]:*?/\\``), unique in the book."""
    base = _SHEET_BAD.sub("_", title).strip("'") or "sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def iter_chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``seq`` in slices of ``size``."""
    for start in range(0, len(seq), size):
        yield seq[start : start + size]
