"""The package's modules import one another without a circle.

Only the imports that run when a module loads count: module-level ``import`` and
``from … import`` statements (inside ``if``/``try`` blocks too), but not those under
``if TYPE_CHECKING:`` nor those inside functions, which run later, on first use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import airflow_client_async

PACKAGE = "airflow_client_async"
ROOT = Path(airflow_client_async.__file__).parent


def _module_names() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([PACKAGE, *parts])] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _load_time_imports(
    body: list[ast.stmt], type_checking: bool
) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of ``body`` that run when the module loads."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if type_checking or not _is_type_checking(node.test):
                yield from _load_time_imports(node.body, type_checking)
            yield from _load_time_imports(node.orelse, type_checking)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _load_time_imports(block, type_checking)
            for handler in node.handlers:
                yield from _load_time_imports(handler.body, type_checking)


def _imported(
    module: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]
) -> list[str]:
    """The package's modules that ``node``, in ``module``, loads by name.

    A parent package is loaded before any of its modules anyway, so ``from . import _x``
    counts as an import of ``_x`` alone; ``from . import name`` of a name defined in the
    package's ``__init__`` counts as an import of the package.
    """
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        anchor = module.split(".")
        anchor = anchor if is_package else anchor[:-1]
        base = anchor[: len(anchor) - node.level + 1]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    submodules = [f"{target}.{alias.name}" for alias in node.names]
    if all(name in modules for name in submodules):
        return submodules
    return [target, *(name for name in submodules if name in modules)]


def import_graph(*, type_checking: bool = False) -> dict[str, set[str]]:
    """Each module of the package, with the modules of the package it imports on load.

    Args:
        type_checking: Count the imports under ``if TYPE_CHECKING:`` too.
    """
    modules = _module_names()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in _load_time_imports(tree.body, type_checking):
            edges.update(
                name
                for name in _imported(module, is_package, node, modules)
                if name in modules and name != module
            )
        graph[module] = edges
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module, as a sorted list."""
    # Tarjan's algorithm, iterative so that a deep graph cannot hit the recursion limit.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def test_the_graph_sees_the_package_and_its_imports() -> None:
    graph = import_graph()
    assert f"{PACKAGE}._errors" in graph[f"{PACKAGE}.models._base"]
    assert f"{PACKAGE}._client" in graph[PACKAGE]
    # Imports inside TYPE_CHECKING blocks and functions are not load-time edges.
    assert not any(name.startswith(f"{PACKAGE}.resources.") for name in graph[f"{PACKAGE}._client"])


def test_the_cycle_finder_reports_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]


def test_no_module_of_the_package_imports_itself_through_others() -> None:
    cycles = import_cycles(import_graph())
    assert cycles == [], "import circles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_exception_tree_needs_no_other_part_of_the_package() -> None:
    # Type-only imports count here: a checker, a docs build or a later runtime import
    # would otherwise meet the models and the exceptions each waiting for the other.
    graph = import_graph(type_checking=True)
    errors = f"{PACKAGE}._errors"
    assert graph[errors] <= {f"{PACKAGE}._types", f"{PACKAGE}._routes"}
    assert not any(errors in cycle for cycle in import_cycles(graph))
