"""Worker processes on one machine: an ordered map over a process pool, a bounded number of
tasks ahead of its consumer.

The build runs spaCy (and, where cores allow, the Match stage) in worker processes while its
own process feeds the language model. Results come back in the order of the tasks, so the
output is that of a one-process build; at most `ahead` tasks are queued or running, so memory
stays flat however fast the workers are. Workers are forked where the platform allows it
(they inherit the loaded spaCy pipeline instead of loading it again) and ignore Ctrl-C, which
the parent handles: it stops the pool. A worker whose parent was killed ends itself.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["Workers"]

T = TypeVar("T")
R = TypeVar("R")


WATCH_SECONDS = 0.5
"""How often a worker checks that its parent is alive."""


def _watch_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed: it could not stop the pool)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _init(initializer: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool on Ctrl-C
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True,
                     name="mamakg-watch-parent").start()
    if initializer is not None:
        initializer(*args)


class Workers:
    """`n` worker processes, each set up once by `initializer(*initargs)`."""

    def __init__(self, n: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        if n < 1:
            raise ValueError("a pool needs at least one worker")
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.n = n
        self._pool = ProcessPoolExecutor(n, mp_context=context, initializer=_init,
                                         initargs=(initializer, initargs))

    def map(self, fn: Callable[[T], R], tasks: Iterable[T], ahead: int | None = None
            ) -> Iterator[R]:
        """`fn(task)` of each task, in the order of the tasks, with at most `ahead` (default:
        two per worker) submitted and not yet handed back. A worker's exception is raised
        here, at its task's turn."""
        ahead = ahead or 2 * self.n
        queued: collections.deque[Future[R]] = collections.deque()
        iterator = iter(tasks)
        try:
            for task in iterator:
                queued.append(self._pool.submit(fn, task))
                if len(queued) >= ahead:
                    yield queued.popleft().result()
            while queued:
                yield queued.popleft().result()
        finally:
            for future in queued:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
