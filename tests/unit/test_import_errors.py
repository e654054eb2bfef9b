"""client.import_errors against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError
from airflow_client_async.models import ImportError as DagImportError


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


async def test_list(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/importErrors").respond(
        json={
            "import_errors": [import_error(3), import_error(4, timestamp=None)],
            "total_entries": 2,
        }
    )
    page = await client.import_errors.list(order_by="-import_error_id", limit=10)
    params = route.calls.last.request.url.params
    assert (params["order_by"], params["limit"], params["offset"]) == (
        "-import_error_id",
        "10",
        "0",
    )
    assert [e.import_error_id for e in page.items] == [3, 4]
    assert page.items[0].timestamp == datetime(2026, 11, 27, 3, 55, 1, 123456, tzinfo=timezone.utc)
    assert page.items[1].timestamp is None


async def test_get(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/importErrors/3").respond(json=import_error(3, processor_subdir=None))
    got = await client.import_errors.get(3)
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
