"""Collection settings for the whole tree (tests/conftest.py holds the fixtures)."""

from __future__ import annotations

from pathlib import Path

from mamakg import native

_COMPILED = {native.source_path(m) for m in native.MODULES} if native.active() else set()
"""The sources of the modules this session runs compiled (`mamakg.native`)."""


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """The doctests of a module this session runs compiled cannot be collected from it (the
    compiled functions keep no examples): tests/test_native.py runs them on the sources, in
    a process of pure Python."""
    if collection_path.suffix == ".py" and collection_path.resolve() in _COMPILED:
        return True
    return None
