"""The house's floors, read from src/'s own imports (ast; nothing is imported or run).

Every ``import`` counts, at module level or inside a function: a lazy import still makes
the two modules one unit that cannot be understood, tested or moved apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "trainwell"

#: Cross-package private imports that other work owns, each with its reason. Add nothing
#: here: make the name public, or move the code.
KNOWN_PRIVATE: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    mods = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _unit(mod: str) -> str:
    """The package a module belongs to: ``trainwell.nn.layers`` -> ``nn``; a top-level
    module (``trainwell.report``) is its own unit."""
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _imports(mods: dict[str, Path]) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """(module -> the modules it imports, [(importer, the private name it imports)]).

    Imports of a package's ``__init__`` are not edges: a package re-exports what lies
    below it, so ``from .nn import Network`` depends on nn.network, not on nn's door."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    private = []
    for mod, path in mods.items():
        here = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:  # `from pkg import module` names a module
                    full = f"{target}.{alias.name}"
                    targets.append(full if full in mods else target)
                parts = target.split(".")
                if parts[0] == PACKAGE and len(parts) > 1 and _unit(target) != _unit(mod):
                    for alias in node.names:
                        full = f"{target}.{alias.name}"
                        named = alias.name.startswith("_") and alias.name[:2] != "__"
                        if named or any(p.startswith("_") for p in parts[2:]):
                            private.append((mod, full))
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                while target and target not in mods:
                    target = target.rsplit(".", 1)[0] if "." in target else ""
                if target and target != mod and mods[target].name != "__init__.py":
                    edges[mod].add(target)
    return edges, private


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        found.append(sorted(comp))
    return found


@pytest.fixture(scope="module")
def graph():
    return _imports(_modules())


def test_no_module_imports_another_that_imports_it_back(graph):
    edges, _ = graph
    assert _circles(edges) == [], "import circles (break them: move the shared part down)"


def test_no_package_imports_another_packages_private_names(graph):
    _, private = graph
    new = [p for p in private if p not in KNOWN_PRIVATE]
    assert new == [], "make these names public (documented) or move the code"


def test_the_checks_see_circles_and_private_imports(tmp_path):
    """The walker itself: a planted circle and a planted private import are found."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(edges) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []
    edges, private = _imports(_modules())
    assert "trainwell.nn.layers" in edges["trainwell.nn.network"]  # a module-level import
    assert "trainwell.nn._fast_pass" in edges["trainwell.nn.engines"]  # a lazy one counts too
    assert all(importer.startswith("trainwell.") for importer, _ in private)
