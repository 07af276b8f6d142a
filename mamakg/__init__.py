"""mamakg: build knowledge graphs from text with the MAMA method (Wang, Liu & Song 2020,
"Language Models are Open Knowledge Graphs").

    >>> import mamakg
    >>> result = mamakg.Builder().build(["Marie Curie was born in Warsaw."])  # doctest: +SKIP
    >>> result.best(5)                                                        # doctest: +SKIP

The public API (`__all__`) is imported on first use, so ``import mamakg`` stays cheap. The
pipeline, one module per stage::

    reader -> parse -> attention -> match -> refine/filters -> mapping -> rdf

`mamakg.pipeline` composes the stages; `mamakg.cli` is the command line over `mamakg.api`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mamakg import native as _native
from mamakg.version import __version__

_native.install()  # before any rule module is imported: their compiled copies, if built

_EXPORTS = {
    "Builder": "mamakg.api",
    "load": "mamakg.api",
    "Result": "mamakg.result",
    "Summary": "mamakg.result",
    "Config": "mamakg.config",
    "Preset": "mamakg.config",
    "Document": "mamakg.types",
    "Fact": "mamakg.types",
    "Entity": "mamakg.types",
    "Relation": "mamakg.types",
    "Mention": "mamakg.types",
    "RunInfo": "mamakg.types",
    "MamakgError": "mamakg.errors",
    "UsageError": "mamakg.errors",
}

__all__ = [
    "Builder", "Config", "Document", "Entity", "Fact", "MamakgError", "Mention", "Preset",
    "Relation", "Result", "RunInfo", "Summary", "UsageError", "__version__", "load",
]

if TYPE_CHECKING:
    from mamakg.api import Builder, load
    from mamakg.config import Config, Preset
    from mamakg.errors import MamakgError, UsageError
    from mamakg.result import Result, Summary
    from mamakg.types import Document, Entity, Fact, Mention, Relation, RunInfo


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mamakg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
