"""The API's request-rate limit: so many requests a minute per token, counted in this process."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimit:
    """A token bucket per key (an API token's id): ``per_minute`` requests a minute, in bursts up to that.

    The counts live in this process's memory and a restart forgets them: with several ``supplies
    serve`` processes behind a proxy each counts its own share (a token may make up to N times the
    rate across N processes). It guards a server against one runaway client; the log-in limit,
    which guards passwords, is kept in the database and shared. ``per_minute`` 0 turns the limit off.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[object, tuple[float, float]] = {}  # key -> (tokens left, when counted)
        self._lock = threading.Lock()

    def wait(self, key: object) -> int:
        """Take one request for ``key``: 0 when it may go now, else the whole seconds until it may."""
        if self.per_minute <= 0:
            return 0
        rate = self.per_minute / 60.0
        now = self._clock()
        with self._lock:
            left, then = self._buckets.get(key, (float(self.per_minute), now))
            left = min(float(self.per_minute), left + (now - then) * rate)
            if left >= 1.0:
                self._buckets[key] = (left - 1.0, now)
                return 0
            self._buckets[key] = (left, now)
            return max(1, math.ceil((1.0 - left) / rate))
