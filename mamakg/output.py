"""Output files, written atomically: a temporary file in the target folder, renamed over the
target only when everything was written. An interrupted or failed run never leaves a
half-written file where a good one was.

`check_output` runs the same checks up front, and creates (then removes) the temporary file
the writer will create, so a command refuses an output it could not write (a read-only folder,
``/proc``, a full disk's quota) before it loads any model.

A stream (`streams`: ``-``, a device such as ``/dev/null``, a named pipe, ``/dev/stdout``)
cannot be replaced: it is written straight through, and never replaced by a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from mamakg.errors import MamakgError, UsageError

__all__ = ["atomic_output", "check_output", "streams"]


def streams(path: str) -> bool:
    """Whether `path` is written as a stream rather than as a file replaced whole: ``-``
    (standard output); an existing path that is neither a regular file nor a folder (a
    device such as ``/dev/null``, a named pipe, the pipe of a shell's ``>(...)``), symbolic
    links followed; or a process's open file named through ``/proc`` (``/dev/stdout``,
    ``/dev/fd/1``), whatever it is: replacing that name would replace the link, not the
    file.

    >>> streams("-"), streams("/dev/null"), streams("/tmp"), streams("/tmp/new.ttl")
    (True, True, False, False)
    """
    if path == "-" or _open_file_of_a_process(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _open_file_of_a_process(path: str) -> bool:
    """Whether `path`, its symbolic links followed one by one, names an entry of a folder in
    ``/proc`` (``/dev/stdout`` is a link to ``/proc/self/fd/1``, ``/dev/fd`` to
    ``/proc/self/fd``)."""
    here = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        folder = os.path.realpath(os.path.dirname(here))
        if folder.startswith("/proc/"):
            return True
        if not os.path.islink(here):
            return False
        here = os.path.join(folder, os.readlink(here))
    return False


def check_output(path: str, *, force: bool = False, folder: bool = False,
                 stream: bool = True) -> None:
    """Raise a `UsageError` when `path` cannot be written: it exists and `force` is off, it
    is a folder where a file is wanted (or the reverse), its parent folder is missing, or no
    file can be created there (probed with the temporary file `atomic_output` makes; for a
    `folder` that exists, inside it). A stream (`streams`) passes where `stream` allows one
    and is not a `folder`: nothing is replaced, so `force` is not needed.

    >>> check_output("/no/such/folder/graph.ttl")
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: /no/such/folder/graph.ttl: folder /no/such/folder does not exist
    >>> check_output("/proc/graph.ttl")
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: /proc/graph.ttl: cannot create a file in /proc (...)
    >>> check_output("/dev/null")
    >>> check_output("/dev/null", folder=True)
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: /dev/null is not a folder
    """
    if path == "-":
        if not stream:
            raise UsageError("this output is a file: give its name, not -")
        return
    if streams(path):
        if folder:
            raise UsageError(f"{path} is not a folder")
        if not stream:
            raise UsageError(f"{path} is not a regular file: give a file name")
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


_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""Write errors that say the disk (or the device, or the quota) took no more."""


@contextlib.contextmanager
def _full_told(path: str, then: str) -> Iterator[None]:
    """A write that found the disk full, as a one-line `MamakgError` naming `path` and what
    became of it (`then`); other errors as they are."""
    try:
        yield
    except OSError as err:
        if err.errno not in _FULL:
            raise
        raise MamakgError(f"{path}: {err.strerror or err}{then}") from err


def _temporary(path: str, folder: str) -> tuple[int, str]:
    """A new temporary file for `path` in `folder`: (descriptor, name)."""
    return tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)


@contextlib.contextmanager
def atomic_output(path: str, *, force: bool = False) -> Iterator[IO[bytes]]:
    """A binary handle whose content replaces `path` only when the block ends without error.

    ``-`` is standard output. Another stream (`streams`) is opened and written straight
    through, appending (``/dev/stdout`` that a shell sent to a file with ``>>`` keeps what
    the file held). Refuses to replace an existing file unless `force`.
    """
    if path == "-":
        with _full_told("standard output", ""):
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        return
    if streams(path):
        try:  # appending (a file behind /dev/stdout keeps what a shell's >> kept in it)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        except OSError as err:
            raise MamakgError(f"{path}: cannot write to it ({err.strerror or err})") from err
        with _full_told(path, ""), os.fdopen(fd, "wb") as handle:
            yield handle
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
        with _full_told(path, ": left as it was"), os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
