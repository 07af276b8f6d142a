"""The one error type the library raises. The CLI turns it into a one-line message."""

from __future__ import annotations

__all__ = ["MamakgError", "UsageError"]


class MamakgError(Exception):
    """Something the user can fix: the message says what is wrong and what to do.

    The command line prints it as one line and exits with `exit_code` (1: runtime failure).
    The Python API raises it (or `UsageError`) with the same message:

    >>> import mamakg
    >>> try:
    ...     mamakg.load("no-such-graph.ttl")
    ... except mamakg.MamakgError as err:
    ...     print(f"{type(err).__name__} (exit code {err.exit_code}): {err}")
    UsageError (exit code 2): no-such-graph.ttl: no such file or folder
    """

    exit_code = 1


class UsageError(MamakgError):
    """The command was called wrongly (a bad option value, a missing input): exit code 2.

    >>> from mamakg import Config
    >>> Config(beam_size=0)
    Traceback (most recent call last):
    ...
    mamakg.errors.UsageError: --beam-size must be at least 1
    """

    exit_code = 2
