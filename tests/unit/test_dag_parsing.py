"""client.dag_parsing against a respx router, on both APIs."""

from __future__ import annotations

import pytest

from airflow_client_async import NotFoundError

from .conftest import Versioned
from .dag_payloads import error

TOKEN = "Ii9vcHQvYWlyZmxvdy9kYWdzL2Zhc3QucHki.8DyhKtPefW8Gn_yHaLk1dr_HYgg"


async def test_reparse_puts_and_ignores_the_empty_body(versions: Versioned) -> None:
    # Airflow 2 names text/html, Airflow 3 application/json, on the same empty 201.
    media_type = "text/html; charset=utf-8" if versions.api_version == "v1" else "application/json"
    route = versions.router.put(f"/parseDagFile/{TOKEN}").respond(
        201, content=b"", headers={"content-type": media_type}
    )
    assert await versions.client.dag_parsing.reparse(TOKEN) is None
    request = route.calls.last.request
    assert request.method == "PUT" and request.content == b""
    assert request.url.raw_path == f"/api/{versions.api_version}/parseDagFile/{TOKEN}".encode()


async def test_reparse_unknown_token(versions: Versioned) -> None:
    route = versions.router.put("/parseDagFile/x%2Fy").respond(
        404, json=error(versions.api_version, 404, "File not found")
    )
    with pytest.raises(NotFoundError, match="File not found"):
        await versions.client.dag_parsing.reparse("x/y")
    assert route.call_count == 1  # a 404 is not retried
