"""How many examples a property draws: the count a test names, scaled by the Hypothesis profile in use.

A test names its count against Hypothesis' default of 100 examples. ``make test`` draws half of it
on SQLite (profile ``suite``: the whole suite has 20 minutes on two cores) and a fifth on
PostgreSQL (profile ``postgresql``: it checks that the server behaves as SQLite does, not the
property again). ``HYPOTHESIS_PROFILE=deep`` draws thirty times as many, to hunt longer.
"""

from __future__ import annotations

from hypothesis import settings

DEFAULT_MAX_EXAMPLES = 100  # Hypothesis' own default: the profile's count is read against it


def examples(n: int) -> int:
    """``n`` examples scaled by the loaded profile (tests/conftest.py), never fewer than three."""
    return max(3, round(n * settings.default.max_examples / DEFAULT_MAX_EXAMPLES))
