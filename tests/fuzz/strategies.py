"""Hypothesis strategies for hostile input: huge and negative numbers, calendar ends, control characters, formulas.

Each strategy mixes values a user might mean (the county's real codes) with values that broke
the system once, so that a fuzz run reaches the rules behind the validation too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

LONG = "长" * 200_000
FORMULAS = ["=1+1", "+1", "-5", "@SUM(A1)", '=HYPERLINK("http://x")', "\t=1", "\r=1"]
CONTROL = ["\x00", "A\x00B", "\x07", "B\x1b[31m", "\x7f", "X\x85Y", "\ud800", "\ufffe"]

huge_ints = st.one_of(
    st.sampled_from(
        [
            0,
            -1,
            1,
            10**9,
            10**9 + 1,
            2**31 - 1,
            2**31,
            2**53 + 1,
            2**63 - 1,
            2**63,
            10**12,
            10**12 + 1,
            5 * 10**18,
            -(2**63),
            10**30,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70),
)
ends_of_time = st.one_of(
    st.sampled_from(
        [
            date.min,
            date.max,
            date(1, 1, 1),
            date(1899, 12, 31),
            date(1900, 1, 1),
            date(2999, 12, 31),
            date(3000, 1, 1),
            date(2020, 1, 1),
        ]
    ),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
)
nasty_text = st.one_of(
    st.sampled_from(["", " ", LONG, "x" * 61, "x" * 501, *FORMULAS, *CONTROL]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5),
)
nasty = st.one_of(
    huge_ints,
    st.floats(),
    ends_of_time,
    nasty_text,
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def sometimes(good: st.SearchStrategy, bad: st.SearchStrategy = nasty) -> st.SearchStrategy:
    """Mostly a value a user would give, sometimes a hostile one."""
    return st.one_of(good, good, bad)


def soon(days: int = 400) -> st.SearchStrategy:
    today = date.today()
    return st.dates(min_value=today + timedelta(days=2), max_value=today + timedelta(days=days))


def moments() -> st.SearchStrategy:
    now = datetime.now(UTC)
    return st.datetimes(min_value=now.replace(tzinfo=None), max_value=(now + timedelta(days=30)).replace(tzinfo=None))
