"""Log-in throttling: too many failed attempts for one name from one address lock that pair out for a while."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int
    first_at: float
    locked_until: float = 0.0


class LoginThrottle:
    """Counts failed log-ins per (name, address) in this process.

    After ``max_failures`` failures within ``window`` seconds the pair is locked for
    ``window`` seconds; a successful log-in clears its count. The counts live in memory:
    one server process (``supplies serve`` runs one, with threads) sees them all, and a
    restart forgets them.
    """

    def __init__(
        self, max_failures: int = 5, window: float = 900.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def locked_for(self, name: str, address: str) -> float:
        """Seconds until the pair may try again (0 when it may try now)."""
        now = self._clock()
        with self._lock:
            record = self._records.get(self._key(name, address))
            if record is None:
                return 0.0
            return max(0.0, record.locked_until - now)

    def failed(self, name: str, address: str) -> None:
        now = self._clock()
        key = self._key(name, address)
        with self._lock:
            self._forget_stale(now)
            record = self._records.get(key)
            if record is None or now - record.first_at > self.window:
                record = self._records[key] = _Record(0, now)
            record.failures += 1
            if record.failures >= self.max_failures:
                record.locked_until = now + self.window

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._records.pop(self._key(name, address), None)

    @staticmethod
    def _key(name: str, address: str) -> tuple[str, str]:
        return name.strip().lower(), address

    def _forget_stale(self, now: float) -> None:
        # Keeps memory bounded when someone sprays many names.
        if len(self._records) < 10_000:
            return
        for key in [k for k, r in self._records.items() if now - r.first_at > self.window and r.locked_until <= now]:
            del self._records[key]
