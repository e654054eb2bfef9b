"""Every operation of openapi.json is a public method, and README's API table is current.

The operationId → method table is :data:`OPERATIONS` of ``scripts/api_table.py``, the same
one that writes README's API reference.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from airflow_client_async import AsyncClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import api_table  # noqa: E402
from api_table import OPERATIONS, client_methods, spec_operations  # noqa: E402

SPEC = spec_operations()


def _method(qualname: str) -> object | None:
    namespace, name = qualname.split(".")
    client = AsyncClient.__new__(AsyncClient)  # namespaces only need the pipeline attribute
    client._http = None  # type: ignore[assignment]
    resource = getattr(client, namespace, None)
    if resource is None or name.startswith("_"):
        return None
    return getattr(type(resource), name, None)


def test_the_spec_has_89_operations() -> None:
    assert len(SPEC) == 89


def test_every_operation_id_is_mapped() -> None:
    missing = sorted(set(SPEC) - set(OPERATIONS))
    assert not missing, f"operationIds with no method: {', '.join(missing)}"
    unknown = sorted(set(OPERATIONS) - set(SPEC))
    assert not unknown, f"mapped operationIds the spec lacks: {', '.join(unknown)}"


def test_no_method_is_mapped_twice() -> None:
    methods = list(OPERATIONS.values())
    assert len(methods) == len(set(methods))


def test_every_mapped_method_exists() -> None:
    missing = []
    for operation_id, qualname in sorted(OPERATIONS.items()):
        try:
            method = _method(qualname)
        except ImportError as exc:
            missing.append(f"{operation_id} → {qualname} ({exc})")
            continue
        if method is None or not callable(method):
            missing.append(f"{operation_id} → {qualname}")
    assert not missing, "mapped methods that do not exist:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_docstring_names_the_spec_route(operation_id: str) -> None:
    try:
        method = _method(OPERATIONS[operation_id])
    except ImportError:
        method = None
    if method is None:
        pytest.fail(f"{OPERATIONS[operation_id]} does not exist")
    route = api_table.docstring_route(method)  # type: ignore[arg-type]
    assert route is not None, f"{OPERATIONS[operation_id]}'s docstring names no route"
    method_name, path = route
    assert (method_name, path.split("?")[0]) == SPEC[operation_id]


def test_every_method_has_a_docstring_and_known_route() -> None:
    methods, failures = client_methods()
    assert not failures
    routes = set(SPEC.values())
    stray = [
        f"{m.qualname}: {' '.join(m.route)}"
        for m in methods
        if m.route is not None and (m.route[0], m.route[1].split("?")[0]) not in routes
    ]
    assert not stray, "docstring routes the spec lacks:\n  " + "\n  ".join(stray)


def test_problems_is_empty() -> None:
    found = api_table.problems()
    assert not found, "\n".join(found)


def test_readme_api_table_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "api_table.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_update_readme_replaces_only_between_the_markers() -> None:
    text = f"intro\n{api_table.START}\nold\n{api_table.END}\noutro\n"
    updated = api_table.update_readme(text, "| a |")
    assert updated == f"intro\n{api_table.START}\n\n| a |\n\n{api_table.END}\noutro\n"
    assert api_table.update_readme(updated, "| a |") == updated
    with pytest.raises(ValueError, match="api-table"):
        api_table.update_readme("no markers", "| a |")


def test_a_wrong_docstring_route_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_client_async.resources.pools import PoolsResource

    def get(self: object, pool_name: str) -> None:
        """Get one pool.

        ``GET /pool/{pool_name}``
        """

    monkeypatch.setattr(PoolsResource, "get", get)
    monkeypatch.setitem(OPERATIONS, "get_pool", "pools.get")
    found = api_table.problems()
    assert any("pools.get" in p and "get_pool" in p for p in found)


def test_an_unmapped_operation_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(OPERATIONS, "get_health")
    assert any("get_health" in p for p in api_table.problems())


def _real_server_suite_text() -> str:
    files = [
        *(ROOT / "tests" / "integration").glob("*.py"),
        *(ROOT / "tests" / "examples").glob("*.py"),
    ]
    files += [ROOT / "examples" / "quickstart.py", ROOT / "examples" / "fan_out.py"]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_every_method_is_called_by_the_real_server_suite() -> None:
    import re

    text = _real_server_suite_text()
    uncalled = [
        f"{operation_id} -> {qualname}"
        for operation_id, qualname in sorted(OPERATIONS.items())
        if not re.search(r"\.{}\s*\.\s*{}\(".format(*qualname.split(".")), text)
    ]
    assert uncalled == [], "no integration test calls: " + ", ".join(uncalled)
