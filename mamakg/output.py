"""Output files, written atomically: a temporary file in the target folder, renamed over the
target only when everything was written. An interrupted or failed run never leaves a
half-written file where a good one was.

`check_output` runs the same checks up front, and creates (then removes) the temporary file
the writer will create, so a command refuses an output it could not write (a read-only folder,
``/proc``, a full disk's quota) before it loads any model.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from mamakg.errors import MamakgError, UsageError

__all__ = ["atomic_output", "check_output"]


def check_output(path: str, *, force: bool = False, folder: bool = False) -> None:
    """Raise a `UsageError` when `path` cannot be written: it exists and `force` is off, it
    is a folder where a file is wanted (or the reverse), its parent folder is missing, or no
    file can be created there (probed with the temporary file `atomic_output` makes; for a
    `folder` that exists, inside it). ``-`` (standard output) always passes.

    >>> check_output("/no/such/folder/graph.ttl")
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: /no/such/folder/graph.ttl: folder /no/such/folder does not exist
    >>> check_output("/proc/graph.ttl")
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: /proc/graph.ttl: cannot create a file in /proc (...)
    """
    if path == "-":
        return
    if os.path.exists(path):
        if not folder and os.path.isdir(path):
            raise UsageError(f"{path} is a folder: give a file name")
        if folder and not os.path.isdir(path):
            raise UsageError(f"{path} exists and is not a folder")
        if not force:
            raise UsageError(f"{path} exists: pass --force to overwrite it")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"{path}: folder {parent} does not exist")
    where = path if folder and os.path.isdir(path) else parent
    try:
        fd, tmp = _temporary(path, where)
    except OSError as err:
        raise UsageError(f"{path}: cannot create a file in {where} ({err.strerror or err})") \
            from err
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _temporary(path: str, folder: str) -> tuple[int, str]:
    """A new temporary file for `path` in `folder`: (descriptor, name)."""
    return tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)


@contextlib.contextmanager
def atomic_output(path: str, *, force: bool = False) -> Iterator[IO[bytes]]:
    """A binary handle whose content replaces `path` only when the block ends without error.

    ``-`` is standard output. Refuses to replace an existing file unless `force`.
    """
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    check_output(path, force=force)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = _temporary(path, folder)
    except OSError as err:  # the folder changed since check_output
        raise MamakgError(f"{path}: cannot create a file in {folder} "
                          f"({err.strerror or err})") from err
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a graph is an ordinary file
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
