"""The package's shape: imports run one way, parts keep their private names, functions stay short.

These read the source with :mod:`ast`; nothing is imported. A part is a
top-level module or sub-package of ``mentormatch``; ``LAYERS`` lists them from
the ground floor up, and a part may import only parts on a lower floor (or
itself).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parents[1] / "src" / "mentormatch"

#: Floors, lowest first; parts on one floor may not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("io", "topics", "progress"),
    ("models",),
    ("scoring", "synthetic"),
    ("problem",),
    ("solvers",),
    ("encode",),
    ("explain", "diagnosis", "checks"),
    ("large",),
    ("matching",),
    ("survey",),
    ("rounds",),
    ("report",),
    ("cli",),
    ("__init__", "__main__"),
)
FLOOR = {part: k for k, floor in enumerate(LAYERS) for part in floor}
MAX_FUNCTION_LINES = 100



@dataclass(frozen=True)
class Import:
    """One ``from X import name`` (or ``import X``) inside the package."""

    importer: str  # dotted module name
    target: str  # dotted module the names come from
    names: tuple[str, ...]
    in_function: bool
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _imports(name: str, path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text())
    functions = [f for f in ast.walk(tree)
                 if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = {id(n) for f in functions for n in ast.walk(f)
              if isinstance(n, ast.Import | ast.ImportFrom)}
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == "mentormatch" or target.startswith("mentormatch."):
                yield Import(name, target, tuple(a.name for a in node.names),
                             id(node) in nested, node.lineno)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mentormatch"):
                    yield Import(name, alias.name, (), id(node) in nested, node.lineno)


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _package(module: str, modules: dict[str, Path]) -> str:
    """The package a module belongs to (itself, for a package's ``__init__``)."""
    return module if modules[module].name == "__init__.py" else module.rpartition(".")[0]


def _all_imports() -> list[Import]:
    modules = _modules()
    return [imp for name, path in sorted(modules.items()) for imp in _imports(name, path)]


def test_no_import_inside_a_function() -> None:
    inner = [f"{i.importer}:{i.line} imports {i.target}" for i in _all_imports()
             if i.in_function]
    assert inner == []


def test_imports_run_downward() -> None:
    upward = []
    for imp in _all_imports():
        src, dst = _part(imp.importer), _part(imp.target)
        if src == dst or dst == "__init__" and imp.importer.count(".") == 0:
            continue
        if FLOOR[dst] >= FLOOR[src] and src not in ("__init__", "__main__"):
            upward.append(f"{imp.importer}:{imp.line} imports {imp.target}")
    assert upward == []


def test_no_import_loop() -> None:
    modules = _modules()
    graph = nx.DiGraph()
    for imp in _all_imports():
        targets = [f"{imp.target}.{n}" for n in imp.names if f"{imp.target}.{n}" in modules]
        for target in targets or [imp.target]:
            # a package's own modules importing each other through it is not a loop
            if target in modules and not imp.importer.startswith(target + "."):
                graph.add_edge(imp.importer, target)
    loops = [sorted(c) for c in nx.simple_cycles(graph)]
    assert loops == []


def test_no_private_name_across_packages() -> None:
    modules = _modules()
    leaks = []
    for imp in _all_imports():
        if imp.target not in modules:
            continue
        here = _package(imp.importer, modules)
        there = _package(imp.target, modules)
        if here == there or imp.importer.startswith(there + "."):
            continue  # a package's own modules, or a sub-package using its parent's
        private_module = any(p.startswith("_") for p in imp.target.split(".")[1:])
        private_names = [n for n in imp.names if n.startswith("_")
                         and f"{imp.target}.{n}" not in modules]
        if private_module or private_names:
            leaks.append(f"{imp.importer}:{imp.line} takes {imp.target} {private_names}")
    assert leaks == []


def test_no_function_over_100_lines() -> None:
    long = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if size > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {size} lines")
    assert long == []


def test_every_part_has_a_floor() -> None:
    parts = {_part(m) for m in _modules()}
    assert parts <= set(FLOOR), sorted(parts - set(FLOOR))
