"""The package tree shows the plan: stages flat, the rest in subpackages, and no import cycles
between modules, imports inside functions included (only ``if TYPE_CHECKING:`` blocks, which
never run, are left out)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "mamakg"


def _module(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking(node: ast.AST) -> bool:
    """Whether `node` is an ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``) block."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, modules: set[str], *, top_level_only: bool = False) -> set[str]:
    """The package's modules that `path` imports: at its top level, or anywhere (in functions
    and methods too), ``if TYPE_CHECKING:`` blocks left out."""
    found: set[str] = set()
    pending: list[ast.AST] = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while pending:
        node = pending.pop()
        if _type_checking(node):
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found.update(n for n in names if n in modules)
        if not top_level_only:
            pending.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (anywhere in its code)."""
    paths = {_module(p, root): p for p in (root / package).rglob("*.py")}
    return {m: _imports(p, set(paths)) - {m} for m, p in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import cycle of the graph (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state and (cycle := visit(n)) is not None:
                return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)) is not None:
            return cycle
    return None


def test_no_import_cycles():
    # a package's __init__ is imported with each of its modules: an edge to it is implied
    cycle = find_cycle(import_graph(ROOT, "mamakg"))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def _fake_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("b_text", "cycle"), [
    # an import inside a function closes the cycle: found
    ("def late():\n    from fake.a import x\n", ["fake.a", "fake.b", "fake.a"]),
    # the same in a method, as `import fake.a`
    ("class C:\n    def m(self):\n        import fake.a\n", ["fake.a", "fake.b", "fake.a"]),
    # only for type checkers: not a cycle
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fake.a import x\n", None),
    # no import back: no cycle
    ("y = 1\n", None),
])
def test_the_cycle_check_sees_imports_inside_functions(tmp_path, b_text, cycle):
    _fake_package(tmp_path, {"fake/__init__.py": "", "fake/a.py": "from fake.b import y\nx = 1\n",
                             "fake/b.py": b_text})
    assert find_cycle(import_graph(tmp_path, "fake")) == cycle


def test_subpackages_keep_to_their_layer():
    """Stages never import the command line, the inspect tools or the scale-out engines; the
    writers and readers of the graph never import the pipeline."""
    paths = {_module(p): p for p in PACKAGE.rglob("*.py")}
    for module, path in paths.items():
        imported = _imports(path, set(paths), top_level_only=True)
        flat = path.parent == PACKAGE and path.name not in ("__init__.py", "__main__.py")
        if flat and module != "mamakg.api":  # a stage (or what stages share)
            assert not {i for i in imported if i.startswith(("mamakg.cli", "mamakg.inspect"))}, \
                module
        if module.startswith("mamakg.rdf"):
            assert "mamakg.pipeline" not in imported, module
