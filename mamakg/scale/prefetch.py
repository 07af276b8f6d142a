"""A bounded producer/consumer hand-off: one background thread runs an iterator ahead of its
consumer, at most `ahead` items ahead.

The build uses it to let spaCy parse the next sentences while the language model runs on the
current window: torch releases the GIL during its forward pass, so the two overlap on separate
cores instead of taking turns. The queue is bounded, so memory stays flat however far the
parser could run ahead.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["prefetch"]

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterable[T], ahead: int) -> Iterator[T]:
    """The items of `items`, in order, produced by a background thread at most `ahead` items
    ahead of the caller. An exception in the producer is raised in the caller at the point it
    happened; a caller that stops early stops the producer."""
    if ahead < 1:
        raise ValueError("ahead must be at least 1")
    hand_off: queue.Queue[object] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                hand_off.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as err:  # handed to the consumer, raised there
            put(_Failed(err))
            return
        put(_DONE)

    worker = threading.Thread(target=produce, name="mamakg-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = hand_off.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()
