"""Numbers as people read them: thousands separators, whole numbers without decimals, never an exponent."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def amount(value: Any, places: int = 2) -> str:
    """``12500`` → ``12,500``; ``10.5`` → ``10.5``; ``2147483647.0`` → ``2,147,483,647`` (not ``2.14748e+09``)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) or value == int(value):
        return f"{int(value):,}"
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
