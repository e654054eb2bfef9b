"""Check that every operation of both APIs has one method, and write README's API table.

Each namespace method declares its routes beside it: a ``Routes`` class attribute named
``_<method>`` (or ``_<method>__<variant>``) holding the operation's route on Airflow 2's
``/api/v1`` and on Airflow 3's ``/api/v2`` (or Airflow 3's FAB API). This script reads
those declarations (nothing else lists them) and checks them against the three specs:

* every operationId of ``openapi.json`` (v1) and ``openapi-v2.json`` (v2) is served by
  exactly one namespace method, or is listed in :data:`NOT_WRAPPED` with the reason;
* every declared route has its spec's method and path;
* every declared route of the FAB API is an operation of ``openapi-fab.json``.

The table sits in ``README.md`` between ``<!-- api-table:start -->`` and
``<!-- api-table:end -->``: one row per method, with its v1 and v2 routes or
"unsupported". ``tests/test_coverage.py`` runs the same checks.

``python scripts/generate.py`` rewrites the table after the other generators; alone,
with the checks::

    python scripts/api_table.py           # rewrite the table in README.md
    python scripts/api_table.py --check   # exit 1 if README.md or the declarations are off
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import inspect
import sys
from collections.abc import Iterator

from _output import Outputs
from _spec import ROOT, SPEC_FAB_PATH, SPEC_PATH, SPEC_V2_PATH, load, routes

README = ROOT / "README.md"
START = "<!-- api-table:start -->"
END = "<!-- api-table:end -->"
SPECS = {"v1": SPEC_PATH, "v2": SPEC_V2_PATH, "fab": SPEC_FAB_PATH}
_PREFIXES = {"v1": "", "v2": "/api/v2", "fab": "/auth/fab/v1"}

__all__ = [
    "NOT_WRAPPED",
    "Declared",
    "declared_routes",
    "generate",
    "problems",
    "render_table",
    "spec_operations",
    "update_readme",
]

#: Operations no method wraps, per API, with the reason.
NOT_WRAPPED: dict[str, dict[str, str]] = {
    "v1": {},
    "v2": {
        "login": "a redirect to the web UI's login page, for browsers",
        "logout": "a redirect that ends the web UI's session, for browsers",
    },
}


@dataclasses.dataclass(frozen=True)
class Declared:
    """One ``Routes`` declaration of a namespace method.

    Attributes:
        namespace: The ``AsyncClient`` attribute, e.g. ``"dags"``.
        method: The method's name, e.g. ``"list"``.
        attribute: The class attribute holding the routes, e.g. ``"_get__mapped"``.
        v1: The route on ``/api/v1``, or ``None``.
        v2: The route on ``/api/v2`` (or the FAB API), or ``None``.
    """

    namespace: str
    method: str
    attribute: str
    v1: object | None
    v2: object | None

    @property
    def qualname(self) -> str:
        """``"namespace.method"``."""
        return f"{self.namespace}.{self.method}"


def spec_operations(api: str) -> dict[str, tuple[str, str]]:
    """Return operationId → ``(HTTP method, path below the API root)`` of one spec."""
    prefix = _PREFIXES[api]
    found: dict[str, tuple[str, str]] = {}
    for operation_id, operation_routes in routes(load(SPECS[api])).items():
        method, path = operation_routes[-1]
        found[operation_id] = (method, path.removeprefix(prefix))
    return found


def _namespaces() -> Iterator[tuple[str, type]]:
    """The client's namespaces in declaration order, with their resource classes."""
    sys.path.insert(0, str(ROOT))
    from airflow_client_async import AsyncClient

    # A namespace only keeps the pipeline it is given, so a bare client yields its class.
    client = AsyncClient.__new__(AsyncClient)
    client._http = None  # type: ignore[assignment]
    for name, attr in vars(AsyncClient).items():
        if isinstance(attr, functools.cached_property):
            yield name, type(getattr(client, name))


def _members(cls: type) -> Iterator[tuple[str, object]]:
    """A namespace class's own attributes, then those of the parts it is built from.

    A namespace may be built from mixins (``DagRunsResource`` from ``DagRunFanOut``, …);
    the ``Resource`` base they share declares no operation.
    """
    from airflow_client_async.resources._base import Resource

    seen: set[str] = set()
    for part in cls.__mro__:
        if part is Resource or not issubclass(part, Resource):
            continue
        for name, value in vars(part).items():
            if name not in seen:
                seen.add(name)
                yield name, value


def declared_routes() -> list[Declared]:
    """Every ``Routes`` declaration of every namespace, in declaration order."""
    from airflow_client_async._routes import Routes

    found: list[Declared] = []
    for namespace, cls in _namespaces():
        for attribute, value in _members(cls):
            if isinstance(value, Routes):
                method = attribute.lstrip("_").split("__", 1)[0]
                found.append(Declared(namespace, method, attribute, value.v1, value.v2))
    return found


def public_methods() -> list[tuple[str, str]]:
    """``(namespace, method)`` of every public namespace method, in declaration order."""
    found = []
    for namespace, cls in _namespaces():
        for name, value in _members(cls):
            if not name.startswith("_") and inspect.isfunction(value):
                found.append((namespace, name))
    return found


def _route_key(route: object) -> tuple[str, str, str | None, str]:
    return (
        getattr(route, "method", "?"),
        getattr(route, "path", "?"),
        getattr(route, "operation_id", None),
        getattr(route, "base", "api"),
    )


def problems() -> list[str]:
    """Every way the declarations and the specs disagree (empty: none)."""
    declared = declared_routes()
    methods = set(public_methods())
    specs = {api: spec_operations(api) for api in SPECS}
    found: list[str] = []
    served: dict[tuple[str, str], set[str]] = {}
    for entry in declared:
        if (entry.namespace, entry.method) not in methods:
            found.append(f"{entry.namespace}.{entry.attribute}: no public method {entry.method}")
        for api, route in (("v1", entry.v1), ("v2", entry.v2)):
            if route is None:
                continue
            method, path, operation_id, base = _route_key(route)
            spec_api = "fab" if base == "fab" else api
            if operation_id is None:
                continue
            expected = specs[spec_api].get(operation_id)
            if expected is None:
                found.append(f"{entry.qualname}: {spec_api} has no operation {operation_id}")
                continue
            if (method, path) != expected:
                found.append(
                    f"{entry.qualname}: {operation_id} is {' '.join(expected)} on {spec_api}, "
                    f"not {method} {path}"
                )
            served.setdefault((spec_api, operation_id), set()).add(entry.qualname)
    for api in ("v1", "v2"):
        for operation_id in specs[api]:
            names = served.get((api, operation_id), set())
            reason = NOT_WRAPPED[api].get(operation_id)
            if reason and names:
                found.append(f"{api} {operation_id} is listed as not wrapped but {names} serve it")
            elif not names and not reason:
                found.append(f"{api} {operation_id}: no method serves it")
            elif len(names) > 1:
                found.append(f"{api} {operation_id} is served by several methods: {sorted(names)}")
        for operation_id in NOT_WRAPPED[api]:
            if operation_id not in specs[api]:
                found.append(f"NOT_WRAPPED names {api} {operation_id}, which the spec lacks")
    return found


def coverage() -> dict[str, tuple[int, int]]:
    """API → (operations served or explained, operations in its spec)."""
    declared = declared_routes()
    result = {}
    for api in ("v1", "v2"):
        spec = spec_operations(api)
        served = {
            _route_key(getattr(entry, api))[2]
            for entry in declared
            if getattr(entry, api) is not None and _route_key(getattr(entry, api))[3] == "api"
        }
        covered = {op for op in spec if op in served or op in NOT_WRAPPED[api]}
        result[api] = (len(covered), len(spec))
    return result


def _cell(route: object | None, api: str) -> str:
    from airflow_client_async._operation._minors import operation_since

    if route is None:
        return "unsupported"
    method, path, operation_id, base = _route_key(route)
    prefix = "/auth/fab/v1" if base == "fab" else f"/api/{api}"
    since = operation_since(route, api)  # type: ignore[arg-type]
    text = f"`{method} {prefix}{path}`"
    if operation_id:
        text += f" `{operation_id}`"
    if since:
        text += f" (Airflow {since[0]}.{since[1]}+)"
    return text


def render_table() -> str:
    """Render the Markdown table (without the markers)."""
    declared = declared_routes()
    by_method: dict[tuple[str, str], list[Declared]] = {}
    for entry in declared:
        by_method.setdefault((entry.namespace, entry.method), []).append(entry)
    lines = [
        "| namespace | method | Airflow 2 (`/api/v1`) | Airflow 3 (`/api/v2`) |",
        "| --- | --- | --- | --- |",
    ]
    for namespace, method in public_methods():
        entries = by_method.get((namespace, method))
        if not entries:
            lines.append(f"| `{namespace}` | `{method}` | built on the methods above | same |")
            continue
        v1 = "<br>".join(_cell(e.v1, "v1") for e in entries)
        v2 = "<br>".join(_cell(e.v2, "v2") for e in entries)
        lines.append(f"| `{namespace}` | `{method}` | {v1} | {v2} |")
    for api, reasons in NOT_WRAPPED.items():
        for operation_id, reason in reasons.items():
            cells = ["—", "—"]
            cells[api == "v2"] = f"`{operation_id}` not wrapped: {reason}"
            lines.append(f"| — | — | {cells[0]} | {cells[1]} |")
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


def generate() -> Outputs:
    """Return ``README.md`` with the current table, keyed by its path."""
    return {README: update_readme(README.read_text(encoding="utf-8"), render_table())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if README.md is out of date"
    )
    args = parser.parse_args(argv)
    found = problems()
    text = README.read_text(encoding="utf-8")
    updated = generate()[README]
    if args.check and updated != text:
        found.append("README.md's API table is out of date; run python scripts/generate.py")
    elif not args.check and updated != text:
        README.write_text(updated, encoding="utf-8")
        print(f"updated the API table in {README.relative_to(ROOT)}")
    for api, (covered, total) in coverage().items():
        print(f"{api}: {covered}/{total} operations served or explained")
    if found:
        print("the API reference is not complete:", *found, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
