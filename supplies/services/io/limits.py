"""The limits on files the importer reads, and the checks of a workbook's archive made before any parsing.

A small XLSX can hold gigabytes: an XLSX is a zip archive, and a part of one repeated character
compresses a thousandfold (a "zip bomb"). The archive's central directory says how large every
part is once expanded, so these limits are checked there, before anything is decompressed;
Python's ``zipfile`` never expands a part beyond the size the directory declares. The limits are
documented in the README (Importing and exporting spreadsheets); change them there too.
"""

from __future__ import annotations

import zipfile
from typing import IO

from ...errors import InvalidInput
from ...i18n import t

MiB = 2**20

MAX_FILE_BYTES = 256 * MiB
"""A CSV or XLSX file as given (a million stock rows of CSV take about 90 MB)."""
MAX_ROWS = 2_000_000
"""The last row number read, as the spreadsheet numbers rows (title, header and blank rows count)."""
MAX_REFERENCE_ROWS = 100_000
"""Data rows of agencies, points, classes, items or targets (these are checked as a whole in memory)."""
MAX_COLUMNS = 100
"""Columns with anything in them (the widest kind, stock, has 11)."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit."""
MAX_ROW_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)
"""Characters in one CSV row, separators and quotes included."""
MAX_UNCOMPRESSED_BYTES = 1024 * MiB
"""All parts of an XLSX together, expanded (a million rows written by openpyxl take about 500 MB)."""
MAX_PART_BYTES = 64 * MiB
"""One expanded XLSX part that is read whole (shared strings, styles); worksheets are read as a stream."""
MAX_COMPRESSION_RATIO = 100
"""Expanded size over compressed size of a part larger than :data:`RATIO_FROM_BYTES` (real sheets: 10 to 20)."""
RATIO_FROM_BYTES = 1 * MiB
MAX_PROBLEMS = 1_000
"""Problems a rejected import lists (all of them are counted)."""

_STREAMED_PARTS = "xl/worksheets/"


def too_large(size: int) -> InvalidInput:
    """The error for a file of ``size`` bytes over :data:`MAX_FILE_BYTES`."""
    return InvalidInput(
        t("the file is {size}; files of at most {limit} are read", size=_mb(size), limit=_mb(MAX_FILE_BYTES)), "file"
    )


def check_workbook_archive(stream: IO[bytes]) -> None:
    """Refuse an XLSX whose parts would expand beyond the limits, from its central directory alone."""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InvalidInput(
            t("cannot read the workbook: the file is not an XLSX workbook (not a zip archive), or it is damaged"),
            "file",
        ) from None
    total = 0
    for part in parts:
        total += part.file_size
        name = part.filename
        if not name.startswith(_STREAMED_PARTS) and part.file_size > MAX_PART_BYTES:
            raise InvalidInput(
                t(
                    "the workbook part {name} expands to {size}; at most {limit} is read",
                    name=name,
                    size=_mb(part.file_size),
                    limit=_mb(MAX_PART_BYTES),
                ),
                "file",
            )
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise InvalidInput(
                t(
                    "the workbook part {name} expands {ratio:,} times ({packed} to {size}); real workbooks expand at most {max_compression_ratio} times, so this one is refused unread",
                    name=name,
                    ratio=ratio,
                    packed=_mb(part.compress_size),
                    size=_mb(part.file_size),
                    max_compression_ratio=MAX_COMPRESSION_RATIO,
                ),
                "file",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InvalidInput(
            t(
                "the workbook expands to {size}; at most {limit} is read",
                size=_mb(total),
                limit=_mb(MAX_UNCOMPRESSED_BYTES),
            ),
            "file",
        )


def _mb(size: int) -> str:
    return f"{size / MiB:,.1f} MB" if size < 10 * MiB else f"{size / MiB:,.0f} MB"
