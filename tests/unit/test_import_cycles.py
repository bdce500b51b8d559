"""No import cycle between the package's modules, counting lazy imports inside functions too.

A cycle hides behind "imported here to avoid a cycle" comments and breaks as soon as someone
moves an import to the top of a file. The graph is built from the source with `ast`: every
``import`` and ``from ... import`` at any depth, relative names resolved, ``from package import
module`` counted as an import of that module. No exception either for a package whose
``__init__`` re-exports from its own submodules: none does, and none needs to.
"""

from __future__ import annotations

import ast
from pathlib import Path

import relationship_crm

PACKAGE = "relationship_crm"
ROOT = Path(relationship_crm.__file__).parent


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that module `name` imports, anywhere in its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = name if _is_package(path) else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = here.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            targets.add(base)
            for alias in node.names:
                targets.add(f"{base}.{alias.name}")  # `from package import module`
    found: set[str] = set()
    for target in targets:
        # `import a.b.c` runs a, a.b and a.b.c; keep the deepest module that exists.
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target.startswith(PACKAGE) and target != name:
            found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan), as sorted names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert len(graph) > 50, "the walk found too few modules"
    assert _cycles(graph) == []


def test_the_walk_sees_lazy_and_relative_imports() -> None:
    """The detector itself: a lazy import inside a function and a relative one both count."""
    graph = _graph()
    assert "relationship_crm.storage.backups" in graph["relationship_crm.storage.db"]
    assert "relationship_crm.storage.database_file" in graph["relationship_crm.storage.backups"]
    assert "relationship_crm.app" in graph["relationship_crm.cli.launch"]  # lazy, in a function
    cyclic = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(cyclic) == [["a", "b", "c"]]


def test_storage_db_and_backups_do_not_import_each_other() -> None:
    graph = _graph()
    assert "relationship_crm.storage.db" not in graph["relationship_crm.storage.backups"]
