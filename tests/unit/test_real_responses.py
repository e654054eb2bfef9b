"""Decode JSON captured from a real Airflow 2.11.2 server (``scripts/capture_fixtures.py``).

Every fixture is decoded into the model its operation returns; nothing the server sent may
be lost: re-encoding gives back every non-null value, unknown keys included.
"""

from __future__ import annotations

import json
import pathlib
from datetime import datetime, timezone
from typing import Any

import pytest

from airflow_client_async import _converter, models

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "fixtures").glob("*.json"))
SPEC = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))


def response_model(operation_id: str) -> type | None:
    """The model class of an operation's 200 JSON response, or None for inline schemas."""
    for item in SPEC["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or operation.get("operationId") != operation_id:
                continue
            content = operation["responses"]["200"].get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            ref = schema.get("$ref")
            return getattr(models, ref.rsplit("/", 1)[-1]) if ref else None
    raise LookupError(operation_id)


def non_null(value: Any) -> Any:
    """``value`` without null members, datetimes compared as parsed instants."""
    if isinstance(value, dict):
        return {k: non_null(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [non_null(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        # The users endpoints send naive timestamps; the converter reads them as UTC.
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return value


def test_fixtures_were_captured() -> None:
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_real_responses_decode_without_loss(path: pathlib.Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    model = response_model(record["operation_id"])
    if model is None or record["operation_id"] == "get_extra_links":
        # Inline schemas (logs, DAG source) and the corrected plain map are plain JSON.
        assert isinstance(record["body"], dict)
        return
    decoded = _converter.structure(record["body"], model)
    assert isinstance(decoded, model)
    assert non_null(_converter.unstructure(decoded)) == non_null(record["body"])
    assert _converter.structure(_converter.unstructure(decoded), model) == decoded
