"""Write README's API reference: every namespace method and the route it calls.

The table sits in ``README.md`` between ``<!-- api-table:start -->`` and
``<!-- api-table:end -->``. Each row's route is the first ````METHOD /path```` in the
method's docstring; :data:`OPERATIONS` ties every operationId of ``openapi.json`` to the
method that calls it, and the docstring route of each such method must be the spec's.
``tests/test_coverage.py`` imports :data:`OPERATIONS` and :func:`problems` from here, so
the mapping exists once.

Usage::

    python scripts/api_table.py           # rewrite the table in README.md
    python scripts/api_table.py --check   # exit 1 if README.md or the mapping is out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import inspect
import json
import pathlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi.json"
README = ROOT / "README.md"
START = "<!-- api-table:start -->"
END = "<!-- api-table:end -->"

__all__ = [
    "OPERATIONS",
    "Method",
    "client_methods",
    "docstring_route",
    "problems",
    "render_table",
    "spec_operations",
    "update_readme",
]

#: operationId → ``"namespace.method"``: the public method of ``AsyncClient`` that calls it.
OPERATIONS: dict[str, str] = {
    # Config
    "get_config": "config.get",
    "get_value": "config.get_value",
    # Connection
    "get_connections": "connections.list",
    "post_connection": "connections.create",
    "get_connection": "connections.get",
    "patch_connection": "connections.update",
    "delete_connection": "connections.delete",
    "test_connection": "connections.test",
    # DAG
    "get_dags": "dags.list",
    "patch_dags": "dags.update_many",
    "get_dag": "dags.get",
    "patch_dag": "dags.update",
    "delete_dag": "dags.delete",
    "get_dag_details": "dags.get_details",
    "get_tasks": "dags.list_tasks",
    "get_task": "dags.get_task",
    "post_clear_task_instances": "dags.clear_task_instances",
    "post_set_task_instances_state": "dags.set_task_instances_state",
    "get_dag_source": "dag_sources.get",
    "reparse_dag_file": "dag_parsing.reparse",
    # DAGRun
    "get_dag_runs": "dag_runs.list",
    "post_dag_run": "dag_runs.trigger",
    "get_dag_runs_batch": "dag_runs.list_batch",
    "get_dag_run": "dag_runs.get",
    "delete_dag_run": "dag_runs.delete",
    "update_dag_run_state": "dag_runs.update_state",
    "clear_dag_run": "dag_runs.clear",
    "set_dag_run_note": "dag_runs.set_note",
    "get_upstream_dataset_events": "dag_runs.list_upstream_dataset_events",
    # DagStats, DagWarning
    "get_dag_stats": "dag_stats.list",
    "get_dag_warnings": "dag_warnings.list",
    # Dataset
    "get_datasets": "datasets.list",
    "get_dataset": "datasets.get",
    "get_dataset_events": "datasets.list_events",
    "create_dataset_event": "datasets.create_event",
    "get_dataset_queued_events": "datasets.list_queued_events",
    "delete_dataset_queued_events": "datasets.delete_queued_events",
    "get_dag_dataset_queued_event": "datasets.get_dag_queued_event",
    "delete_dag_dataset_queued_event": "datasets.delete_dag_queued_event",
    "get_dag_dataset_queued_events": "datasets.list_dag_queued_events",
    "delete_dag_dataset_queued_events": "datasets.delete_dag_queued_events",
    # EventLog, ImportError
    "get_event_logs": "event_logs.list",
    "get_event_log": "event_logs.get",
    "get_import_errors": "import_errors.list",
    "get_import_error": "import_errors.get",
    # Monitoring
    "get_health": "monitoring.health",
    "get_version": "monitoring.version",
    # Permission, Plugin, Provider
    "get_permissions": "permissions.list",
    "get_plugins": "plugins.list",
    "get_providers": "providers.list",
    # Pool
    "get_pools": "pools.list",
    "post_pool": "pools.create",
    "get_pool": "pools.get",
    "patch_pool": "pools.update",
    "delete_pool": "pools.delete",
    # Role
    "get_roles": "roles.list",
    "post_role": "roles.create",
    "get_role": "roles.get",
    "patch_role": "roles.update",
    "delete_role": "roles.delete",
    # TaskInstance
    "get_task_instances": "task_instances.list",
    "get_task_instances_batch": "task_instances.list_batch",
    "get_task_instance": "task_instances.get",
    "patch_task_instance": "task_instances.set_state",
    "set_task_instance_note": "task_instances.set_note",
    "get_task_instance_dependencies": "task_instances.get_dependencies",
    "get_task_instance_tries": "task_instances.list_tries",
    "get_task_instance_try_details": "task_instances.get_try",
    "get_mapped_task_instances": "task_instances.list_mapped",
    "get_mapped_task_instance": "task_instances.get_mapped",
    "patch_mapped_task_instance": "task_instances.set_mapped_state",
    "set_mapped_task_instance_note": "task_instances.set_mapped_note",
    "get_mapped_task_instance_dependencies": "task_instances.get_mapped_dependencies",
    "get_mapped_task_instance_tries": "task_instances.list_mapped_tries",
    "get_mapped_task_instance_try_details": "task_instances.get_mapped_try",
    "get_extra_links": "task_instances.get_extra_links",
    "get_log": "task_instances.get_log",
    # User
    "get_users": "users.list",
    "post_user": "users.create",
    "get_user": "users.get",
    "patch_user": "users.update",
    "delete_user": "users.delete",
    # Variable
    "get_variables": "variables.list",
    "post_variables": "variables.create",
    "get_variable": "variables.get",
    "patch_variable": "variables.update",
    "delete_variable": "variables.delete",
    # XCom
    "get_xcom_entries": "xcom_entries.list",
    "get_xcom_entry": "xcom_entries.get",
}

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_ROUTE = re.compile(r"``(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) (/[^`\s]*)``")


@dataclasses.dataclass(frozen=True)
class Method:
    """A public method of a namespace of ``AsyncClient``.

    Attributes:
        namespace: The ``AsyncClient`` attribute, e.g. ``"dags"``.
        name: The method's name, e.g. ``"list"``.
        route: ``(HTTP method, path)`` from its docstring, the path as written there
            (it may end in a query), or ``None`` when the docstring names none.
    """

    namespace: str
    name: str
    route: tuple[str, str] | None

    @property
    def qualname(self) -> str:
        """``"namespace.method"``, the form :data:`OPERATIONS` uses."""
        return f"{self.namespace}.{self.name}"


def spec_operations(spec_path: pathlib.Path = SPEC) -> dict[str, tuple[str, str]]:
    """Return operationId → ``(HTTP method, path)`` for every operation of the spec."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    found: dict[str, tuple[str, str]] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in _HTTP_METHODS:
                found[operation["operationId"]] = (method.upper(), path)
    return found


def docstring_route(func: Callable[..., Any]) -> tuple[str, str] | None:
    """Return the first ````METHOD /path```` of a function's docstring, if any."""
    match = _ROUTE.search(inspect.getdoc(func) or "")
    return (match.group(1), match.group(2)) if match else None


def _strip_query(path: str) -> str:
    return path.split("?", 1)[0]


def _resource_classes() -> tuple[dict[str, type], list[str]]:
    """Import every resource module; return class name → class, and the import failures."""
    package = importlib.import_module("airflow_client_async.resources")
    classes: dict[str, type] = {}
    failures: list[str] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module_name = f"{package.__name__}.{info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # report every broken module, not only the first
            failures.append(f"{module_name} does not import: {type(exc).__name__}: {exc}")
            continue
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module_name:
                classes[name] = value
    return classes, failures


def _namespaces() -> tuple[list[tuple[str, type | None]], list[str]]:
    """Return the client's namespaces in declaration order, with their resource classes."""
    from airflow_client_async import AsyncClient

    classes, failures = _resource_classes()
    found: list[tuple[str, type | None]] = []
    for name, attr in vars(AsyncClient).items():
        if not isinstance(attr, functools.cached_property):
            continue
        returned = inspect.get_annotations(attr.func).get("return")
        cls = classes.get(returned) if isinstance(returned, str) else returned
        found.append((name, cls if inspect.isclass(cls) else None))
    return found, failures


def _public_functions(cls: type) -> Iterator[tuple[str, Callable[..., Any]]]:
    for name, value in vars(cls).items():
        if not name.startswith("_") and inspect.isfunction(value):
            yield name, value


def client_methods() -> tuple[list[Method], list[str]]:
    """Return every public namespace method of ``AsyncClient``, and what could not be read.

    Namespaces come in the order ``AsyncClient`` declares them, methods in the order
    their class defines them.
    """
    namespaces, failures = _namespaces()
    methods: list[Method] = []
    for namespace, cls in namespaces:
        if cls is None:
            failures.append(f"client.{namespace}: its resource class cannot be found")
            continue
        for name, func in _public_functions(cls):
            methods.append(Method(namespace, name, docstring_route(func)))
    return methods, failures


def problems(spec_path: pathlib.Path = SPEC) -> list[str]:
    """Return every way the client, :data:`OPERATIONS` and the spec disagree (empty: none).

    Checked: every operationId is mapped and every mapped one exists; every mapped method
    exists on its namespace, is mapped once, and names the spec's route first in its
    docstring; every other method's docstring route (if any) is a route of the spec.
    """
    spec = spec_operations(spec_path)
    methods, found = client_methods()
    by_name = {m.qualname: m for m in methods}
    unmapped = sorted(set(spec) - set(OPERATIONS))
    if unmapped:
        found.append(f"operationIds with no method in OPERATIONS: {', '.join(unmapped)}")
    unknown = sorted(set(OPERATIONS) - set(spec))
    if unknown:
        found.append(f"OPERATIONS names operationIds the spec lacks: {', '.join(unknown)}")
    seen: dict[str, str] = {}
    for operation_id, qualname in OPERATIONS.items():
        if qualname in seen:
            found.append(f"{qualname} is mapped twice: {seen[qualname]} and {operation_id}")
        seen[qualname] = operation_id
        method = by_name.get(qualname)
        if method is None:
            found.append(f"{operation_id}: client.{qualname} does not exist")
            continue
        expected = spec.get(operation_id)
        if expected is None:
            continue
        if method.route is None:
            found.append(f"client.{qualname}: its docstring names no route (expected {expected})")
        elif (method.route[0], _strip_query(method.route[1])) != expected:
            found.append(
                f"client.{qualname}: its docstring says {' '.join(method.route)}, but "
                f"{operation_id} is {' '.join(expected)}"
            )
    routes = set(spec.values())
    for method in methods:
        if method.qualname in seen or method.route is None:
            continue
        if (method.route[0], _strip_query(method.route[1])) not in routes:
            found.append(f"client.{method.qualname}: {' '.join(method.route)} is not in the spec")
    return found


def render_table(methods: list[Method]) -> str:
    """Render the Markdown table (without the markers)."""
    operation_of = {qualname: operation_id for operation_id, qualname in OPERATIONS.items()}
    lines = [
        "| namespace | method | route | operationId |",
        "| --- | --- | --- | --- |",
    ]
    for method in methods:
        route = f"`{method.route[0]} {method.route[1]}`" if method.route else "(several routes)"
        operation_id = operation_of.get(method.qualname)
        lines.append(
            f"| `{method.namespace}` | `{method.name}` | {route} | "
            f"{f'`{operation_id}`' if operation_id else '—'} |"
        )
    return "\n".join(lines)


def update_readme(text: str, table: str) -> str:
    """Return ``text`` with the part between the markers replaced by ``table``.

    Raises:
        ValueError: The markers are missing or out of order.
    """
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md needs {START} followed by {END}")
    return text[: start + len(START)] + "\n\n" + table + "\n\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if README.md is out of date"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    found = problems()
    methods, _ = client_methods()
    text = README.read_text(encoding="utf-8")
    updated = update_readme(text, render_table(methods))
    if args.check and updated != text:
        found.append("README.md's API table is out of date; run python scripts/api_table.py")
    elif not args.check and updated != text:
        README.write_text(updated, encoding="utf-8")
        print(f"updated the API table in {README.relative_to(ROOT)}")
    if found:
        print("the API reference is not complete:", *found, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
