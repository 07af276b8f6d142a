"""What OpenBLAS's threads cost a process that forks workers, with numpy's BLAS set to one
thread the way threadpoolctl sets it (`ThreadpoolController.limit`: it calls the library even
where it is on one thread already) and the way mamakg sets it (`mamakg.parse.one_blas_thread`:
a library already on one thread is left alone).

    python benchmarks/blas_threads.py [--workers 4]

On a machine with more than one core, numpy's OpenBLAS runs a matrix product on every core
once, as a process that loaded spaCy and numpy would have. Then, for each way:

- "worker": the process holds one BLAS thread and forks `--workers` workers; each sets one
  thread as a build's workers do when they start, then runs one product. The CPU seconds of
  the worker's process over the setting, the product and 0.4 s of sleep are summed over the
  workers.
- "parent": after each fork, the process runs one product on one thread as a block (as the
  build's process parses beside its workers), and sleeps 0.4 s; its CPU seconds are summed.

Idle, both would take next to nothing; what is above that is OpenBLAS's threads started
again after a fork and spinning before they sleep. Prints one JSON line per way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAUSE = 0.4


def settings(way: str) -> Callable[[], Any]:
    """A call that sets numpy's BLAS to one thread, the way named."""
    if way == "threadpoolctl":
        from threadpoolctl import ThreadpoolController

        controller = ThreadpoolController()
        return lambda: controller.limit(limits=1, user_api="blas")
    from mamakg.parse import one_blas_thread

    return one_blas_thread


def cpu_over(action: Callable[[], object]) -> float:
    """This process's CPU seconds (all its threads) over `action` and a pause after it."""
    started = time.process_time()
    action()
    time.sleep(PAUSE)
    return time.process_time() - started


def one_way(way: str, workers: int, left: np.ndarray, right: np.ndarray) -> dict[str, object]:
    one_thread = settings(way)
    held = one_thread()  # the build's process holds one thread while it forks
    worker_seconds = parent_seconds = 0.0
    try:
        for _ in range(workers):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # a worker: set one thread as it starts, then work
                os.close(read)
                seconds = cpu_over(lambda: (one_thread(), left @ right))
                os.write(write, f"{seconds!r}".encode())
                os._exit(0)
            os.close(write)
            with os.fdopen(read) as handle:
                worker_seconds += float(handle.read())
            os.waitpid(pid, 0)

            def block() -> None:
                with one_thread():
                    left @ right

            parent_seconds += cpu_over(block)
    finally:
        held.__exit__(None, None, None)
    return {"way": way, "workers": workers, "worker_cpu_seconds": round(worker_seconds, 3),
            "parent_cpu_seconds": round(parent_seconds, 3), "pause_seconds": PAUSE,
            "cpus": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not hasattr(os, "fork"):
        sys.exit("blas_threads.py: needs os.fork")
    rng = np.random.default_rng(0)
    left = rng.random((200, 384), dtype=np.float32)
    right = rng.random((384, 300), dtype=np.float32)
    left @ right  # OpenBLAS's threads started, as in a process that has run spaCy
    time.sleep(PAUSE)
    for way in ("threadpoolctl", "mamakg"):
        print(json.dumps(one_way(way, args.workers, left, right)), flush=True)


if __name__ == "__main__":
    main()
