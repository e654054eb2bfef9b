"""client.import_errors against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError
from airflow_client_async.models import DagImportError

from .conftest import Versioned


def import_error(import_error_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "filename": "/opt/airflow/dags/broken.py",
        "import_error_id": import_error_id,
        "stack_trace": '  File "/opt/airflow/dags/broken.py", line 2\n    dag = (\n'
        "          ^\nSyntaxError: '(' was never closed\n",
        "timestamp": "2026-11-27T03:55:01.123456+00:00",
    }
    body.update(overrides)
    return body


async def test_list(versions: Versioned) -> None:
    route = versions.router.get("/importErrors").respond(
        json={
            "import_errors": [import_error(3), import_error(4, timestamp=None)],
            "total_entries": 2,
        }
    )
    page = await versions.client.import_errors.list(order_by="-import_error_id", limit=10)
    params = route.calls.last.request.url.params
    assert (params["order_by"], params["limit"], params["offset"]) == (
        "-import_error_id",
        "10",
        "0",
    )
    assert [e.import_error_id for e in page.items] == [3, 4]
    assert page.items[0].timestamp == datetime(2026, 11, 27, 3, 55, 1, 123456, tzinfo=timezone.utc)
    assert page.items[1].timestamp is None


async def test_get(versions: Versioned) -> None:
    versions.router.get("/importErrors/3").respond(json=import_error(3, processor_subdir=None))
    got = await versions.client.import_errors.get(3)
    assert isinstance(got, DagImportError)
    assert got.stack_trace is not None and "SyntaxError" in got.stack_trace
    assert got.extra_fields == {"processor_subdir": None}


async def test_get_missing(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/importErrors/5").respond(
        404,
        json={
            "detail": "The ImportError with import_error_id: `5` was not found",
            "status": 404,
            "title": "Import error not found",
            "type": "x",
        },
    )
    with pytest.raises(NotFoundError, match="`5` was not found"):
        await client.import_errors.get(5)


async def test_list_sends_airflow_3_filters(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/importErrors").respond(json={"import_errors": [], "total_entries": 0})
    await client_v2.import_errors.list(
        order_by=["-timestamp", "filename"],
        filename="/dags/a.py",
        filename_pattern="dags",
        filename_prefix_pattern="/dags/",
        bundle_name="dags-folder",
    )
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-timestamp", "filename"]
    assert params["filename"] == "/dags/a.py"
    assert params["filename_pattern"] == "dags"
    assert params["filename_prefix_pattern"] == "/dags/"
    assert params["bundle_name"] == "dags-folder"


async def test_list_refuses_airflow_3_filters_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": "x"})
    route = router.get("/importErrors").respond(json={"import_errors": []})
    with pytest.raises(UnsupportedByServerError, match="bundle_name"):
        await client.import_errors.list(bundle_name="dags-folder")
    assert not route.called
