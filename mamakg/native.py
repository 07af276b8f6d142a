"""The rule modules compiled to C with mypyc, used in place of their source when built.

The Match and Map stages' rules and the N-Triples layout are plain Python that runs once per
candidate, mention or triple: most of a build's CPU time outside spaCy and the model. mypyc
compiles such typed Python to a C extension that does the same thing faster (on this
project's machine, Match's rules in a third less CPU time: docs/performance.md).
``make install`` (and ``make native``) compiles `MODULES` into ``mamakg/_native/``
(`scripts/build_native.py`); `install`, run when ``import mamakg`` begins, has Python load
those in place of the sources, only when:

- ``MAMAKG_PURE_PYTHON`` is not set to a non-empty value other than ``0``;
- they were built by this Python (its ``sys.implementation.cache_tag``);
- they were built from the sources as they are now (`source_digest`: a change to one of
  them leaves every compiled module unused until they are built again, since compiled
  modules call one another's compiled code directly).

Otherwise every module is its source, as on a machine without a C compiler. A build's output
is the same either way (tests/test_native.py). `state` says which, and why.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["MODULES", "active", "install", "source_digest", "state"]

MODULES = (
    "mamakg.normalize",
    "mamakg.refine",
    "mamakg.filters",
    "mamakg.match",
    "mamakg.mapping.arguments",
    "mamakg.mapping.lifespans",
    "mamakg.mapping.places",
    "mamakg.mapping.annotate",
    "mamakg.mapping.coref",
    "mamakg.mapping.values",
    "mamakg.rdf.graph",
)
"""The modules compiled: pure rule code and records that stay in one process (a frozen
dataclass compiled by mypyc cannot be unpickled, so no module whose records cross processes
is here)."""

GROUP = "mamakg_native"
"""mypyc's name for the compiled group: its shared library is the module ``GROUP__mypyc``
(a top-level name: mypyc's generated C files do not name a dotted group's header right)."""

FOLDER = Path(__file__).resolve().parent / "_native"
"""Where `scripts/build_native.py` puts the compiled modules and their ``manifest.json``."""

PURE = "MAMAKG_PURE_PYTHON"
"""The environment variable that keeps every module its source."""

_STATE: list[str] = []


def source_path(module: str, root: Path | None = None) -> Path:
    """The source file of one of `MODULES` under `root` (default: this package's parent)."""
    base = root if root is not None else Path(__file__).resolve().parent.parent
    return base.joinpath(*module.split(".")).with_suffix(".py")


def source_digest(modules: Sequence[str] = MODULES, root: Path | None = None) -> str:
    """SHA-256 over the modules' names and source bytes: what a compiled build is of.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     root = Path(tmp)
    ...     (root / "pkg").mkdir()
    ...     _ = (root / "pkg" / "a.py").write_text("x = 1\\n")
    ...     before = source_digest(["pkg.a"], root)
    ...     _ = (root / "pkg" / "a.py").write_text("x = 2\\n")
    ...     before == source_digest(["pkg.a"], root)
    False
    """
    digest = hashlib.sha256()
    for module in modules:
        data = source_path(module, root).read_bytes()
        digest.update(f"{module}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def usable(manifest: dict[str, Any], digest: str, cache_tag: str,
           modules: Sequence[str] = MODULES) -> str | None:
    """Why a compiled build described by `manifest` cannot be used here, or None when it
    can: built by another Python, from other sources, or without one of the modules.

    >>> m = {"cache_tag": "cpython-311", "digest": "d", "files": {"a": "a.so", "g": "g.so"}}
    >>> usable(m, "d", "cpython-311", ["a"]) is None
    True
    >>> usable(m, "e", "cpython-311", ["a"])
    'built from other sources (make native)'
    >>> usable(m, "d", "cpython-312", ["a"])
    'built for cpython-311, this is cpython-312 (make native)'
    >>> usable(m, "d", "cpython-311", ["a", "b"])
    'b was not compiled (make native)'
    """
    if manifest.get("cache_tag") != cache_tag:
        return f"built for {manifest.get('cache_tag')}, this is {cache_tag} (make native)"
    if manifest.get("digest") != digest:
        return "built from other sources (make native)"
    files = manifest.get("files", {})
    for module in modules:
        if module not in files:
            return f"{module} was not compiled (make native)"
    return None


class _Compiled(importlib.abc.MetaPathFinder):
    """Finds the compiled modules (by name) before the sources are looked for."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def _pure_asked() -> bool:
    return os.environ.get(PURE, "") not in ("", "0")


def install() -> str:
    """Have Python load the compiled modules in place of their sources where they can be
    used (module docstring); once per process. Returns `state`. Never raises: whatever
    goes wrong leaves the sources in use, and says so."""
    if _STATE:
        return _STATE[0]
    _STATE.append(_decide())
    return _STATE[0]


def _decide() -> str:
    if _pure_asked():
        return f"pure Python ({PURE} is set)"
    manifest_path = FOLDER / "manifest.json"
    if not manifest_path.exists():
        return "pure Python (not compiled: make native)"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        why = usable(manifest, source_digest(), sys.implementation.cache_tag)
        if why is not None:
            return f"pure Python ({why})"
        files = {name: FOLDER / file for name, file in manifest["files"].items()}
        finder = _Compiled(files)
        sys.meta_path.insert(0, finder)
        try:
            importlib.import_module(GROUP + "__mypyc")  # the shared library loads here
        except Exception as err:  # noqa: BLE001 - a broken build must not break the tool
            sys.meta_path.remove(finder)
            sys.modules.pop(GROUP + "__mypyc", None)
            return f"pure Python (compiled modules do not load: {err})"
    except Exception as err:  # noqa: BLE001
        return f"pure Python (compiled modules unreadable: {err})"
    return f"compiled ({len(MODULES)} modules, mypyc)"


def state() -> str:
    """Whether the compiled modules are in use, and if not, why: for ``mamakg -v``, the
    benchmarks and the tests."""
    return install()


def active() -> bool:
    """Whether the compiled modules are in use in this process."""
    return state().startswith("compiled")
