"""How fast this machine runs Python at the moment: a virtual machine's speed changes by half within minutes.

On the two-core VM of December 2026 a 10,000,000-step loop took from 0.9 s to 1.7 s depending on
what the host did (its other guests, and whether this guest's other core was idle). Each result
record carries the seconds of a fixed loop measured just before and just after its case, so two
figures are compared at the machine's speed of their moment, not only by their commit.
"""

from __future__ import annotations

import time

STEPS = 2_000_000  # about a quarter of a second: small beside a case, long enough to be steady


def loop_seconds() -> float:
    """Seconds of a ``STEPS``-step pure-Python loop."""
    started = time.perf_counter()
    total = 0
    for i in range(STEPS):
        total += i
    return round(time.perf_counter() - started, 3)
