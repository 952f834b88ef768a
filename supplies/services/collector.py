"""A pause of CPython's cyclic garbage collector around steps that build many long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector for the block (or decorated function).

    Bulk receipts and stock summaries make hundreds of thousands of objects that form no
    cycles; as they pile up, each full collection re-scans all of them (a fifth of a
    province-scale import, 100 of 235 ms of a province summary). The collector is restored
    to its previous state however the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
