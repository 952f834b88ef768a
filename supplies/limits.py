"""The bounds every stored value keeps, shared by input validation, the database checks and the file readers.

Both databases must accept and refuse the same values, so every bound here is also below what
the narrower of the two can store (PostgreSQL's ``integer`` is 32-bit, its text refuses NUL).
"""

from __future__ import annotations

import re
from datetime import date

from .i18n import t

MAX_MOVEMENT_QTY = 1_000_000_000
"""The most units one ledger movement may move (receipt, issue, transfer, count change ...)."""

MAX_BALANCE = 1_000_000_000_000
"""The most units one lot may hold (or a target ask for): sums of many stay far inside 64 bits."""

MAX_ID = 2_147_483_647
"""The largest id a row can have (PostgreSQL ``integer``)."""

MAX_POPULATION = 2_000_000_000
MAX_DAYS = 36_500
"""The longest span in days an option may give (shelf life, "expiring within", report windows)."""

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
"""Dates outside these are typing mistakes (0001-01-01, 9999-12-31), refused for every date field."""

MAX_EXPIRY_YEARS = 100

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored, or ``None``: control characters (NUL among them) are refused.

    They cannot be written to a spreadsheet, PostgreSQL refuses NUL, and they hide in a
    printed list. Free text (``multiline``) may hold line breaks and tabs.
    """
    found = (_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text)
    if found is None:
        return None
    return t(
        "must not contain control characters (found {character} at position {position})",
        character=f"U+{ord(found.group()):04X}",
        position=found.start() + 1,
    )
