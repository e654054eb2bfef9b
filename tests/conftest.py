"""Which JSON parser the client reads bodies with while the tests run.

The standard library's by default, so that every test proves the path a user without the
``fast`` extra gets; ``AIRFLOW_CLIENT_TEST_JSON=msgspec`` keeps msgspec (``scripts/test.sh``
runs its second, real-server pass that way). ``tests/unit/test_json.py`` runs both either
way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from airflow_client_async import _json

PARSER = os.environ.get("AIRFLOW_CLIENT_TEST_JSON", "json")


@pytest.fixture(scope="session", autouse=True)
def _json_parser() -> Iterator[None]:
    if PARSER not in ("json", "msgspec"):
        pytest.fail(f"AIRFLOW_CLIENT_TEST_JSON must be json or msgspec, not {PARSER!r}")
    saved = _json._fast_loads
    if PARSER == "json":
        _json._fast_loads = None
    elif saved is None:
        pytest.fail("AIRFLOW_CLIENT_TEST_JSON=msgspec, but msgspec is not installed")
    try:
        yield
    finally:
        _json._fast_loads = saved
