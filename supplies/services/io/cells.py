"""Keeping spreadsheet text inert (OWASP "CSV injection"): the one rule every writer applies and the importer undoes.

Text whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken
for a formula by Excel, WPS and LibreOffice (``=HYPERLINK(...)`` becomes a live link, ``@SUM``
a calculation). Every file this library writes keeps such text inert:

- XLSX writes it as a string cell with Excel's quote prefix, exactly as Excel stores a value
  typed as ``'=...``: shown as typed, never evaluated, and it stays text when edited.
- CSV has no cell types, so a single quote ``'`` is put before it, as OWASP recommends.

The importer reads its own files back unchanged: a cell that starts with ``'`` followed by
such a character (after any further quotes) loses that one ``'``. So that this holds for text
that really begins with quotes, such text gets one more quote when written. Only text is
touched: the number ``-5`` stays a number.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

TRIGGERS = frozenset("=+-@\t\r")
_LEADS = TRIGGERS | {"'"}


def needs_guard(text: str) -> bool:
    """Whether ``text`` would start like a formula, or begins with quotes before such a start."""
    return bool(text) and text[0] in _LEADS and text.lstrip("'")[:1] in TRIGGERS


def guard(text: str) -> str:
    """``text`` as a CSV cell: one ``'`` before it when :func:`needs_guard`."""
    return "'" + text if needs_guard(text) else text


def unguard(text: str) -> str:
    """The value of a cell as read from a file: the one ``'`` that :func:`guard` adds, removed."""
    if text[:1] == "'" and text[1:].lstrip("'")[:1] in TRIGGERS:
        return text[1:]
    return text


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text guarded, numbers as they are, dates in ISO form, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return guard(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """``value`` as an XLSX cell of the write-only ``sheet``: formula-like text an inert, quote-prefixed string."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and needs_guard(value):
        from openpyxl.cell import WriteOnlyCell

        # openpyxl turns any text starting with "=" into a formula; the data type says otherwise.
        cell = WriteOnlyCell(sheet, value="'" + value if value[0] == "'" else value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value
