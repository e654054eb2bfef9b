"""Every operation of both APIs is one method, and README's API table is current.

The routes each method declares beside it (``Routes`` class attributes) are the only list;
``scripts/api_table.py`` checks them against ``openapi.json`` (Airflow 2, 89 operations),
``openapi-v2.json`` (Airflow 3.3.2, 128) and ``openapi-fab.json`` (Airflow 3's FAB API),
and writes README's table from them.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import api_table  # noqa: E402
from api_table import NOT_WRAPPED, coverage, declared_routes, spec_operations  # noqa: E402


def test_the_specs_have_89_and_128_operations() -> None:
    assert len(spec_operations("v1")) == 89
    assert len(spec_operations("v2")) == 128


def test_every_operation_is_served_by_exactly_one_method_or_explained() -> None:
    assert coverage() == {"v1": (89, 89), "v2": (128, 128)}
    found = api_table.problems()
    assert not found, "\n".join(found)


def test_every_not_wrapped_operation_has_a_reason() -> None:
    for reasons in NOT_WRAPPED.values():
        assert all(reason.strip() for reason in reasons.values())


def test_every_method_that_sends_declares_its_routes() -> None:
    """A public method either declares routes or is built on methods that do."""
    declared = {entry.qualname for entry in declared_routes()}
    for namespace, method in api_table.public_methods():
        if f"{namespace}.{method}" in declared:
            continue
        from airflow_client_async import AsyncClient

        client = AsyncClient.__new__(AsyncClient)
        client._http = None  # type: ignore[assignment]
        # The module of the class that defines the method: the namespace's, or a part's.
        defined_in = getattr(type(getattr(client, namespace)), method).__module__
        source = pathlib.Path(sys.modules[defined_in].__file__ or "").read_text(encoding="utf-8")
        # The method's body: up to the next method or class attribute of its class.
        body = re.split(
            r"\n    (?:async def |def |_\w+ = |@)", source.split(f"def {method}(", 1)[1]
        )[0]
        assert "self._send(" not in body and "self._paginate" not in body, (
            f"{namespace}.{method} sends a request but declares no Routes"
        )


def test_a_wrong_route_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_client_async._routes import Route, Routes
    from airflow_client_async.resources.pools import PoolsResource

    wrong = Routes.both("GET", "/pool/{pool_name}", "get_pool")
    wrong.__set_name__(PoolsResource, "_get")
    monkeypatch.setattr(PoolsResource, "_get", wrong)
    found = api_table.problems()
    assert any("pools.get" in p and "get_pool" in p for p in found)
    assert isinstance(wrong.v1, Route)


def test_an_unserved_operation_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_client_async.resources.pools import PoolsResource

    monkeypatch.delattr(PoolsResource, "_delete")
    found = api_table.problems()
    assert any("delete_pool: no method serves it" in p for p in found)


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


def _real_server_suite_text() -> str:
    files = [
        *(ROOT / "tests" / "integration").glob("*.py"),
        *(ROOT / "tests" / "examples").glob("*.py"),
        *(ROOT / "examples").glob("*.py"),
    ]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_every_method_is_called_by_the_real_server_suite() -> None:
    text = _real_server_suite_text()
    uncalled = sorted(
        {
            entry.qualname
            for entry in declared_routes()
            if not re.search(rf"\.{entry.namespace}\s*\.\s*{entry.method}\(", text)
        }
    )
    assert uncalled == [], "no integration test calls: " + ", ".join(uncalled)
