"""Path parameters are encoded so that no value can reach another endpoint."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from airflow_client_async._operation._render import build_path, encode_path_segment, query_params


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("plain_id-1.2~x", "plain_id-1.2~x"),
        ("a/b", "a%2Fb"),
        ("../pools", "..%2Fpools"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("...", "..."),
        ("what?x=1", "what%3Fx%3D1"),
        ("frag#1", "frag%231"),
        ("100%", "100%25"),
        ("%2F", "%252F"),
        ("scheduled__2024-01-01T00:00:00+00:00", "scheduled__2024-01-01T00%3A00%3A00%2B00%3A00"),
        ("a b", "a%20b"),
        ("é☃", "%C3%A9%E2%98%83"),
        ("back\\slash", "back%5Cslash"),
        ("nul\x00cr\rlf\n", "nul%00cr%0Dlf%0A"),
        (7, "7"),
    ],
)
def test_segments_are_percent_encoded(value: str | int, encoded: str) -> None:
    assert encode_path_segment(value, "x") == encoded


@pytest.mark.parametrize("value", ["..", ".", "a/../b", "%2E%2E", "/", "?", "#"])
def test_an_encoded_segment_stays_one_segment_in_httpx(value: str) -> None:
    path = build_path("/variables/{key}", key=value)
    url = httpx.URL("http://h/api/v1" + path)
    segments = url.raw_path.split(b"?")[0].split(b"/")
    assert segments[:3] == [b"", b"api", b"v1"]
    assert segments[3] == b"variables"
    assert len(segments) == 5
    assert url.query == b""


def test_empty_ids_fail_before_any_io() -> None:
    with pytest.raises(ValueError, match="dag_id must be a non-empty string"):
        build_path("/dags/{dag_id}", dag_id="")


@pytest.mark.parametrize("value", [None, True, 1.5, b"bytes", ["a"]])
def test_non_string_ids_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="dag_id must be a string"):
        build_path("/dags/{dag_id}", dag_id=value)


def test_query_params_leave_out_none_and_repeat_lists() -> None:
    params = query_params(
        {"limit": 10, "offset": 0, "tags": ["a", "b"], "paused": False, "order_by": None}
    )
    assert params == [
        ("limit", "10"),
        ("offset", "0"),
        ("tags", "a"),
        ("tags", "b"),
        ("paused", "false"),
    ]


def test_query_datetimes_keep_their_offset_and_plus_is_encoded() -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    params = query_params({"start_date_gte": when})
    assert params == [("start_date_gte", "2024-01-02T03:04:05+02:00")]
    url = httpx.URL("http://h/x", params=params)
    assert b"%2B02%3A00" in url.query or b"%2B02:00" in url.query


def test_naive_datetimes_are_refused_before_any_io() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        query_params({"start_date_gte": datetime(2024, 1, 1)})
