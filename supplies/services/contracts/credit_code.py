"""The unified social credit code (统一社会信用代码) of a company, as GB 32100-2015 defines it.

Eighteen characters from the code's alphabet (digits and capital letters without I, O, Z, S, V):
the registering authority (1), the kind of organisation (1), the GB/T 2260 division code of the
registering office (6 digits), the organisation code (9) and a check character computed from the
first seventeen with the weights 3^i mod 31.
"""

from __future__ import annotations

from ...i18n import Message, t

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUE = {c: i for i, c in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The check character of the first seventeen characters of a code."""
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> Message | None:
    """Why ``code`` is not a unified social credit code, or None when it is one."""
    if len(code) != 18:
        return t("must be 18 characters long")
    bad = [c for c in code if c not in VALUE]
    if bad:
        return t("may hold only digits and the capital letters A-Y without I, O, S, V and Z")
    if not code[2:8].isdigit():
        return t("characters 3 to 8 must be the digits of the registering office's division code")
    if check_character(code[:17]) != code[17]:
        return t("has a wrong check character (the last one): check the code")
    return None
