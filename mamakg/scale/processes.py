"""Worker processes on one machine: an ordered map over a process pool, a bounded number of
tasks ahead of its consumer.

The build runs spaCy (and, where cores allow, the Match stage) in worker processes while its
own process feeds the language model; when that process would wait for a worker, it takes the
next task itself. Results come back in the order of the tasks, so the output is that of a
one-process build; a bounded number of tasks is queued, running or done ahead of the
consumer, so memory stays flat however fast the workers are. Workers are forked where the
platform allows it (they inherit the loaded spaCy pipeline instead of loading it again) and
ignore Ctrl-C, which the parent handles: it stops the pool. A worker whose parent was killed
ends itself.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

__all__ = ["Workers", "lasting_objects", "long_lived_heap", "release_free_memory", "shared_array",
           "steady_heap"]

YOUNG_OBJECTS = 1_000_000
"""Net new container objects between two of the garbage collector's youngest passes during a
build (`long_lived_heap`; Python's default is 700): more than the objects of the windows in
flight, so that a pass seldom walks objects that die a window later (`python
benchmarks/collector.py --one build`: 0.14-0.17 s of passes in a 7,656-sentence tiny build's
process with 100,000, 0.00 s with this)."""

_FROZEN = [0]
"""How many `long_lived_heap` blocks are open in this process."""

_FROZE = [False]
"""Whether the outermost open `long_lived_heap` block froze the heap (and will thaw it)."""


@contextlib.contextmanager
def long_lived_heap() -> Iterator[None]:
    """The cyclic garbage collector set for a build, until the block ends: the objects alive
    when it begins (the loaded models, spaCy's pipeline, millions of objects that live as
    long as the build) are left out of its passes (`gc.freeze`), and its youngest pass runs
    after `YOUNG_OBJECTS` new objects. Without this, each full pass walks every one of them
    again, and a build makes enough objects that live a window long to run one every few
    seconds: seconds of one process's time per 10,000 sentences, in the part that one
    process does on a GPU host (`python benchmarks/collector.py`). Worker processes forked
    inside the block inherit the setting: their passes neither walk the objects they
    inherited nor write to those pages, which stay shared with the parent. Garbage is still
    collected: objects made in the block as before, those frozen once the block ends.
    Blocks may nest; the outermost one sets and restores. A collector turned off
    (`gc.disable`) stays off, and where objects were frozen before (a program that manages
    `gc.freeze` itself) only the threshold is changed."""
    _FROZEN[0] += 1
    outermost = _FROZEN[0] == 1
    before = gc.get_threshold()
    freeze = outermost and gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
        _FROZE[0] = True
    if outermost:
        gc.set_threshold(max(before[0], YOUNG_OBJECTS), *before[1:])
    try:
        yield
    finally:
        _FROZEN[0] -= 1
        if _FROZEN[0] == 0:
            gc.set_threshold(*before)
            if freeze:
                _FROZE[0] = False
                gc.unfreeze()


@contextlib.contextmanager
def lasting_objects() -> Iterator[None]:
    """A block whose objects live as long as the build (its facts, as they are grouped or
    received from worker processes): inside a `long_lived_heap` block that froze the heap,
    the collector makes no pass during it, and what is alive at its end joins the frozen
    objects until that block ends. Otherwise each youngest pass in it walks the objects made
    so far, and they stay young after it, so that a middle pass later walks them all
    again (`python benchmarks/collector.py`). Elsewhere, or with the collector off, it
    changes nothing."""
    if not _FROZE[0] or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, Windows)."""
    return _libc_function("malloc_trim")


@functools.cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None where the C library is not glibc (musl has a ``mallopt``
    that does nothing; macOS and Windows have none)."""
    import platform

    if platform.libc_ver()[0] != "glibc":
        return None
    return _libc_function("mallopt")


def _libc_function(name: str) -> Any:
    try:
        return getattr(ctypes.CDLL(None), name, None)
    except (OSError, TypeError):  # no C library to load by that name (Windows)
        return None


def release_free_memory() -> None:
    """Hand the C heap's free memory back to the operating system (glibc's ``malloc_trim``;
    nothing where there is none). A build calls it after each window: a window's arrays
    (the model's activations, spaCy's, the attention matrices) are freed when it is done,
    but the allocator keeps much of what they held, in pieces it does not return by itself,
    and the build's peak memory crept up from window to window (`python
    benchmarks/memory.py`, docs/performance.md). What is in use stays where it is; pages
    handed back cost a page fault when the heap grows into them again."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


HEAP_KEEP_BYTES = 256 << 20
"""Free memory at the top of a worker's C heap that glibc keeps for reuse instead of handing
it back (`steady_heap`; glibc's default is 128 KiB, raised as big blocks are freed)."""

HEAP_MAP_BYTES = 32 << 20
"""Blocks at least this large get their own mapping from the system, freed whole
(`steady_heap`; glibc's default starts at 128 KiB and rises to at most this as big blocks are
freed)."""

STEADY_HEAP_ENV = "MAMAKG_STEADY_HEAP"
"""Set to 0 to leave the worker processes' C heap on glibc's own settings (`steady_heap`)."""

_GLIBC_SETTINGS = ("GLIBC_TUNABLES", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
                   "MALLOC_TOP_PAD_")
"""Environment variables by which a user sets glibc's heap: `steady_heap` leaves it to them."""


def steady_heap() -> bool:
    """Set this process's C heap (glibc's ``mallopt``) to keep up to `HEAP_KEEP_BYTES` of
    freed memory for reuse and to serve blocks below `HEAP_MAP_BYTES` from it; whether it
    did. spaCy's layers allocate and free arrays of tens of megabytes for every batch; with
    glibc's own settings the heap hands much of that memory back each time and takes it
    again, a page fault for every page, which the kernel zeroes: spaCy alone took about
    44,000 page faults per 1,000 sentences, in a worker with this setting about 7,500
    (`benchmarks/throughput.py`'s ``spacy_kernel_per_1k`` and
    ``spacy_in_worker_kernel_per_1k``, docs/performance.md). The worker processes and Ray's
    actors call this as they start, since their memory is theirs alone; it changes nothing
    where the C library is not glibc, with ``MAMAKG_STEADY_HEAP=0``, or where the user set
    glibc's heap through its environment variables. A build's own process keeps the
    defaults: it hands its windows' memory back on purpose (`release_free_memory`), and a
    program that calls the library owns its heap."""
    if os.environ.get(STEADY_HEAP_ENV, "1") == "0" or any(
            k in os.environ for k in _GLIBC_SETTINGS):
        return False
    mallopt = _mallopt()
    if mallopt is None:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, HEAP_MAP_BYTES)) and bool(
        mallopt(m_trim_threshold, HEAP_KEEP_BYTES))


def shared_array(shape: tuple[int, ...], dtype: Any) -> Any:
    """A numpy array (uninitialized) in memory that processes forked after it share with this
    one: what a worker writes into it, this process reads (an anonymous shared mapping; the
    memory is freed when the last array over it goes)."""
    import mmap

    import numpy as np

    count = int(np.prod(shape, dtype=np.int64))
    buffer = mmap.mmap(-1, max(count * np.dtype(dtype).itemsize, 1), flags=mmap.MAP_SHARED)
    return np.frombuffer(buffer, dtype=dtype, count=count).reshape(shape)


T = TypeVar("T")
R = TypeVar("R")


WATCH_SECONDS = 0.5
"""How often a worker checks that its parent is alive."""


def _watch_parent(parent: int) -> None:
    """End this worker once its parent is gone (killed: it could not stop the pool)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


class _Done(Generic[R]):
    """A task's result computed by the caller (`Workers.map`'s `local`)."""

    def __init__(self, result: R) -> None:
        self.result = result


_END = object()


def _init(initializer: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool on Ctrl-C
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True,
                     name="mamakg-watch-parent").start()
    steady_heap()
    if initializer is not None:
        initializer(*args)


class Workers:
    """`n` worker processes, each set up once by `initializer(*initargs)`."""

    def __init__(self, n: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        if n < 1:
            raise ValueError("a pool needs at least one worker")
        methods = multiprocessing.get_all_start_methods()
        self.forks = "fork" in methods
        """Whether the workers are forked (they start with this process's memory as it is
        when each starts)."""
        context = multiprocessing.get_context("fork" if self.forks else "spawn")
        self.n = n
        self.closed = False
        self._pool = ProcessPoolExecutor(n, mp_context=context, initializer=_init,
                                         initargs=(initializer, initargs))
        self._unfinished: set[Future[Any]] = set()
        """Tasks submitted to the pool, until their end's callback takes them out (`busy`
        asks each whether it has ended: the callback runs just after its waiters wake)."""

    def busy(self) -> int:
        """How many of the worker processes have a task to work on now: tasks submitted and
        not yet ended, at most one per worker. (A worker takes its next queued task as soon
        as it ends one, so it is idle only once every submitted task has ended.)"""
        return min(self.n, sum(not task.done() for task in list(self._unfinished)))

    def submit(self, fn: Callable[[T], R], task: T) -> Future[R]:
        """`fn(task)` in a worker, queued behind the tasks submitted before it (a pool that
        `map`s one kind of task can take another this way: `pipeline` hands spaCy's workers
        windows to match while they wait). The future is cancelled if the pool closes
        before a worker takes it."""
        submitted = self._pool.submit(fn, task)
        self._unfinished.add(submitted)
        submitted.add_done_callback(self._unfinished.discard)
        return submitted

    def map(self, fn: Callable[[T], R], tasks: Iterable[T], ahead: int | None = None, *,
            local: Callable[[T], R] | None = None) -> Iterator[R]:
        """`fn(task)` of each task, in the order of the tasks, with at most `ahead` (default:
        two per worker) submitted and not yet handed back. With `local`, the caller does not
        wait idle: while the next result is not ready, it runs `local(task)` on a task not
        yet submitted (at most `ahead` of them), or, once every task is submitted, on the last
        one no worker has started; its result then waits for its turn. A worker's exception
        is raised here, at its task's turn."""
        ahead = ahead or 2 * self.n
        queued: collections.deque[Future[R] | _Done[R]] = collections.deque()
        pending: dict[Future[R], T] = {}  # each submitted task, until handed back
        iterator = iter(tasks)
        exhausted = False
        n_local = 0
        try:
            while True:
                while not exhausted and len(queued) - n_local < ahead:
                    task = next(iterator, _END)
                    if task is _END:
                        exhausted = True
                    else:
                        submitted = self.submit(fn, task)  # type: ignore[arg-type]
                        queued.append(submitted)
                        pending[submitted] = task  # type: ignore[assignment]
                if not queued:
                    return
                head = queued[0]
                if local is not None and isinstance(head, Future) and not head.done():
                    if not exhausted and n_local < ahead:
                        task = next(iterator, _END)
                        if task is _END:
                            exhausted = True
                        else:
                            queued.append(_Done(local(task)))  # type: ignore[arg-type]
                            n_local += 1
                        continue
                    if exhausted and self._take_back(queued, pending, local):
                        n_local += 1
                        continue
                queued.popleft()
                if isinstance(head, _Done):
                    n_local -= 1
                    yield head.result
                else:
                    pending.pop(head, None)
                    yield head.result()
        finally:
            for future in queued:
                if isinstance(future, Future):
                    future.cancel()

    @staticmethod
    def _take_back(queued: collections.deque[Future[R] | _Done[R]],
                   pending: dict[Future[R], T], local: Callable[[T], R]) -> bool:
        """Run here the last submitted task that no worker has started (the one the workers
        would reach last), in its place in the order; whether there was one. At the end of
        the tasks this keeps the caller from waiting while the workers work through what
        is queued."""
        for place in range(len(queued) - 1, 0, -1):
            item = queued[place]
            if isinstance(item, Future) and item.cancel():
                queued[place] = _Done(local(pending.pop(item)))
                return True
        return False

    def close(self) -> None:
        self.closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
