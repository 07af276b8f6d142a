"""Reading gold and prediction files: UTF-8 lines, or one clear error."""

from __future__ import annotations

import sys
from pathlib import Path

from mamakg.errors import MamakgError, UsageError

__all__ = ["read_lines"]


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 text file (``-``: standard input), without line breaks."""
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as err:
        raise MamakgError(f"cannot read {path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise MamakgError(f"{path} is not UTF-8 text ({err.reason})") from err
