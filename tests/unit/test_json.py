"""Reading JSON bodies: the same values and the same errors with or without msgspec.

Every test runs once with the standard parser alone and once with msgspec first (skipped
where msgspec is not installed).
"""

from __future__ import annotations

import importlib.util
import json
import math
import pathlib
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_client_async import ResponseValidationError, _json
from airflow_client_async._converter import structure
from airflow_client_async._http import decode_json, decode_model
from airflow_client_async.models import DAGCollection, TaskInstanceCollection

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
HAS_MSGSPEC = importlib.util.find_spec("msgspec") is not None


@pytest.fixture(
    params=[
        "json",
        pytest.param(
            "msgspec",
            marks=pytest.mark.skipif(not HAS_MSGSPEC, reason="msgspec is not installed"),
        ),
    ],
    autouse=True,
)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which parser :func:`_json.loads` tries first in this test."""
    monkeypatch.setattr(
        _json, "_fast_loads", None if request.param == "json" else _json._fast_parser()
    )
    return str(request.param)


def test_the_parser_in_use_is_the_one_asked_for(parser: str) -> None:
    assert (_json._fast_loads is None) is (parser == "json")


def _outcome(body: bytes, loads: Any) -> tuple[str, str]:
    try:
        value = loads(body)
    except (ValueError, RecursionError) as exc:
        return ("raises", type(exc).__name__)
    # repr tells 1 from 1.0 and -0.0 from 0.0, and NaN equals itself there.
    return ("gives", repr(value))


EDGE_CASES = [
    b'{"a": 1, "a": 2}',
    b"18446744073709551615",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"123456789012345678901234567890",
    b'{"conf": {"x": NaN, "y": Infinity, "z": -Infinity}}',
    b"1e999",
    b"-1e999",
    b"2.5e-324",
    b"0.17687046699998632",
    b"-0",
    b"-0.0",
    b"1E2",
    b'"\\ud800"',
    b'"\\ud83d\\ude00 \\u00e9 \\/"',
    '{"é": "😀"}'.encode(),
    '{"é": 1}'.encode("utf-16"),
    '{"é": 1}'.encode("utf-8-sig"),
    '{"dag_id": "étl"}'.encode("latin-1"),
    b' \t\n\r{"a": [true, false, null]} \n',
    b'{"a": "\x01"}',
    b'{"a": 1}x',
    b"[1,]",
    b'{"name": "p", "slo',
    b"\x00",
    b"[" * 600 + b"]" * 600,
    b"[" * 100_000 + b"]" * 100_000,
]


@pytest.mark.parametrize("body", EDGE_CASES, ids=lambda b: repr(b[:24]))
def test_loads_gives_or_raises_what_json_loads_does(body: bytes) -> None:
    assert _outcome(body, _json.loads) == _outcome(body, json.loads)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON_VALUES, ascii_only=st.booleans())
def test_any_document_reads_as_json_loads_reads_it(value: Any, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert _outcome(body, _json.loads) == _outcome(body, json.loads)


def _response(body: bytes) -> httpx.Response:
    request = httpx.Request("GET", "http://airflow.test/api/v2/dags")
    return httpx.Response(
        200, content=body, headers={"Content-Type": "application/json"}, request=request
    )


def test_big_integers_stay_exact() -> None:
    assert decode_json(_response(b'{"n": 123456789012345678901234567890}')) == {
        "n": 123456789012345678901234567890
    }


def test_nan_in_a_body_is_read_as_python_reads_it() -> None:
    value = decode_json(_response(b'{"x": NaN}'))
    assert isinstance(value, dict)
    assert math.isnan(value["x"])


def test_too_deeply_nested_json_is_a_typed_error() -> None:
    with pytest.raises(ResponseValidationError, match="nested too deeply"):
        decode_json(_response(b"[" * 100_000 + b"]" * 100_000))


@pytest.mark.parametrize("body", [b'{"dags": [', b"[1,]", b'{"a": "\x01"}', b"\xff\xfe{"])
def test_malformed_json_is_a_typed_error(body: bytes) -> None:
    with pytest.raises(ResponseValidationError, match="malformed or truncated JSON body"):
        decode_json(_response(body))


@pytest.mark.parametrize("body", [b"", b" \r\n\t"])
def test_an_empty_body_is_a_typed_error(body: bytes) -> None:
    with pytest.raises(ResponseValidationError, match="got an empty one"):
        decode_json(_response(body))


@pytest.mark.parametrize(
    ("fixture", "model"),
    [("get_dags", DAGCollection), ("get_task_instances", TaskInstanceCollection)],
)
def test_a_recorded_page_decodes_to_the_same_models(fixture: str, model: type) -> None:
    body = json.dumps(json.loads((FIXTURES / f"{fixture}.json").read_text())["body"]).encode()
    assert decode_model(_response(body), model) == structure(json.loads(body), model)
