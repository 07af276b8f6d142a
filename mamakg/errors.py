"""The one error type the library raises. The CLI turns it into a one-line message."""

from __future__ import annotations

__all__ = ["MamakgError", "UsageError"]


class MamakgError(Exception):
    """Something the user can fix: the message says what is wrong and what to do.

    The command line prints it as one line and exits with `exit_code` (1: runtime failure).
    """

    exit_code = 1


class UsageError(MamakgError):
    """The command was called wrongly (a bad option value, a missing input): exit code 2."""

    exit_code = 2
