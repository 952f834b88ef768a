"""Reference lists every page draws (filter options, the jurisdiction bar), kept per process for a few seconds.

Codes and names of classes, items, agencies, points and jurisdictions change seldom, but were read
again on every page: four to five statements and a transaction of their own per request. A process
keeps each list for ``LOOKUP_SECONDS`` (``SUPPLIES_LOOKUP_SECONDS``, 30 by default; 0 turns the
cache off), and forgets them all as soon as it serves a successful change (any POST below 400): a
class added in the web shows in the filters at once. A change made elsewhere (the CLI, the library,
another ``supplies serve`` behind the proxy) shows within ``LOOKUP_SECONDS``, as list pages read from
a standby may lag by seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request

T = TypeVar("T")

_MAX_ENTRIES = 2_000  # one entry per list and scope; beyond this (many narrow scopes) start afresh
_KEY = "supplies_lookups"


class Lookups:
    """A per-process cache of small read-only lists, by key, for ``seconds`` or until :meth:`clear`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._data: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The list under ``key``, loaded by ``load()`` when absent or older than ``seconds``."""
        if self.seconds <= 0:
            return load()
        now = time.monotonic()
        hit = self._data.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        value = load()
        with self._lock:
            if len(self._data) >= _MAX_ENTRIES:
                self._data.clear()
            self._data[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def discard(self, key: Hashable) -> None:
        """Forget the entry under ``key``, if any."""
        with self._lock:
            self._data.pop(key, None)


def init_app(app: Flask) -> Lookups:
    lookups = Lookups(float(app.config["LOOKUP_SECONDS"]))
    app.extensions[_KEY] = lookups
    app.after_request(_forget_after_change)
    return lookups


def lookups() -> Lookups:
    return current_app.extensions[_KEY]  # type: ignore[no-any-return]


def _forget_after_change(response: Response) -> Response:
    # Any change this process made (a new class, a renamed point, a new user's jurisdiction...) shows
    # on the next page; a refused form (400 and above) changed nothing.
    if request.method == "POST" and response.status_code < 400:
        lookups().clear()
    return response
