"""The package tree shows the plan: stages flat, the rest in subpackages, and no import cycles
between modules (imports inside functions, done late on purpose, are not counted)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "mamakg"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(path: Path, modules: set[str]) -> set[str]:
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` blocks are for type checkers only
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found.update(n for n in names if n in modules)
    return found


def test_no_import_cycles():
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: _top_level_imports(p, set(paths)) - {m} for m, p in paths.items()}
    # a package's __init__ is imported with each of its modules: an edge to it is implied
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_subpackages_keep_to_their_layer():
    """Stages never import the command line, the inspect tools or the scale-out engines; the
    writers and readers of the graph never import the pipeline."""
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    for module, path in paths.items():
        imported = _top_level_imports(path, set(paths))
        flat = path.parent == PACKAGE and path.name not in ("__init__.py", "__main__.py")
        if flat and module != "mamakg.api":  # a stage (or what stages share)
            assert not {i for i in imported if i.startswith(("mamakg.cli", "mamakg.inspect"))}, \
                module
        if module.startswith("mamakg.rdf"):
            assert "mamakg.pipeline" not in imported, module
