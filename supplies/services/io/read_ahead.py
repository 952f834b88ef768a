"""Reading the next items of an iterator in a background thread while the caller works on the current one."""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_END = object()


@contextmanager
def read_ahead(source: Iterator[T], depth: int = 1) -> Iterator[Iterator[T]]:
    """``source``'s items, produced at most ``depth`` ahead by a thread, in order; its exception re-raised in order.

    Worth it when the caller waits on a database for each item (the driver lets go of the GIL):
    the next item is read and checked meanwhile. The thread runs in a copy of the caller's
    context (the language of messages); it is stopped and joined when the block ends, however
    it ends, so ``source`` is never left running under its owner's feet.
    """
    slots: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put((True, item)):
                    return
        except BaseException as exc:  # handed to the caller, raised there
            put((False, exc))
            return
        put((False, _END))

    def consume() -> Iterator[T]:
        while True:
            ok, item = slots.get()
            if ok:
                yield item
            elif item is _END:
                return
            else:
                raise item

    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(produce,), name="supplies-read-ahead", daemon=True
    )
    thread.start()
    try:
        yield consume()
    finally:
        stop.set()
        while thread.is_alive():
            try:
                slots.get_nowait()  # free a slot the thread may be waiting for
            except queue.Empty:
                pass
            thread.join(0.05)
