"""client.import_errors against the real server (Airflow 2.x or 3.x): a broken DAG file."""

from __future__ import annotations

import anyio
import pytest

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError
from airflow_client_async.models import DagImportError

from ._runs import airflow_major, airflow_minor
from ._server import ServerInfo

# The scheduler only parses files whose text contains "airflow" and "dag".
BROKEN_DAG = """from airflow import DAG

dag = DAG("client_test_broken", schedule=None
"""


async def wait_for_import_error(
    client: AsyncClient, filename: str, *, timeout: float = 60.0
) -> DagImportError:
    """Wait for the import error of ``filename`` (Airflow 3 names it within its bundle)."""
    with anyio.move_on_after(timeout):
        while True:
            async for error in client.import_errors.list(order_by="-import_error_id"):
                if error.filename and filename.endswith(error.filename.lstrip("/")):
                    return error
            await anyio.sleep(1.0)
    raise AssertionError(f"no import error for {filename} after {timeout} s")


async def test_a_broken_dag_file_shows_up(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    path = server.dags_folder / f"client_test_broken_{unique}.py"
    path.write_text(BROKEN_DAG, encoding="utf-8")
    try:
        listed = await wait_for_import_error(client, str(path))
        assert listed.import_error_id is not None
        assert listed.timestamp is not None and listed.timestamp.tzinfo is not None
        got = await client.import_errors.get(listed.import_error_id)
        assert got.filename == listed.filename
        if await airflow_major(client) == 2:
            assert got.filename == str(path)
        assert got.stack_trace is not None and "SyntaxError" in got.stack_trace
        page = await client.import_errors.list(limit=1)
        assert page.total_entries is not None and page.total_entries >= 1
        minor = await airflow_minor(client)
        if minor >= (3, 1):
            by_name = await client.import_errors.list(filename_pattern=unique)
            assert [e.import_error_id for e in by_name.items] == [listed.import_error_id]
        else:
            # Airflow 2 has no such filter, and Airflow 3 added it in 3.1.
            with pytest.raises(UnsupportedByServerError, match="filename_pattern") as caught:
                await client.import_errors.list(filename_pattern=unique)
            assert caught.value.since == (None if minor[0] == 2 else (3, 1))
    finally:
        path.unlink()


async def test_missing_import_error(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError):
        await client.import_errors.get(2_000_000_000)
