"""client.xcom_entries against a respx router."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, BadRequestError, NotFoundError
from airflow_client_async.models import XCom, XComCollectionItem

from . import payloads

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
ENTRIES = "/dags/d/dagRuns/r/taskInstances/t/xcomEntries"


def captured(operation_id: str) -> Any:
    """The body a real Airflow 2.11.2 server sent for ``operation_id``."""
    return json.loads((FIXTURES / f"{operation_id}.json").read_text(encoding="utf-8"))["body"]


def entry(key: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(captured("get_xcom_entries")["xcom_entries"][0])
    body.update(key=key)
    body.update(overrides)
    return body


async def test_list_defaults_to_everything_and_pages(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    entries = [entry(f"k{n}") for n in range(7)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"xcom_entries": entries[offset : offset + 3], "total_entries": 7}
        )

    route = router.get("/dags/~/dagRuns/~/taskInstances/~/xcomEntries").mock(side_effect=answer)
    keys = [e.key async for e in client.xcom_entries.list(limit=5)]
    assert keys == [f"k{n}" for n in range(7)]
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "3", "6"]
    assert {c.request.url.params["limit"] for c in route.calls} == {"5"}
    assert "map_index" not in route.calls.last.request.url.params


async def test_list_decodes_real_entries_and_sends_the_filters(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get(ENTRIES).respond(json=captured("get_xcom_entries"))
    page = await client.xcom_entries.list("d", "r", "t", map_index=-1, xcom_key="answer")
    assert page.total_entries == 2
    first = page.items[0]
    assert isinstance(first, XComCollectionItem)
    assert (first.key, first.task_id, first.map_index) == ("answer", "push", -1)
    assert first.timestamp is not None and first.timestamp.tzinfo is not None
    assert first.extra_fields == {}
    params = route.calls.last.request.url.params
    assert params["map_index"] == "-1"
    assert params["xcom_key"] == "answer"
    assert params["offset"] == "0"
    assert "limit" not in params


async def test_list_keeps_unknown_fields(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(ENTRIES).respond(
        json={"xcom_entries": [entry("k", run_id="r", value=None)], "total_entries": None}
    )
    page = await client.xcom_entries.list("d", "r", "t")
    assert page.items[0].extra_fields == {"run_id": "r", "value": None}
    assert page.total_entries is None


async def test_get_real_entry(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get(f"{ENTRIES}/answer").respond(json=captured("get_xcom_entry"))
    xcom = await client.xcom_entries.get("d", "r", "t", "answer")
    assert isinstance(xcom, XCom)
    assert xcom.value == "42"  # the server's default: a string
    assert not route.calls.last.request.url.params


@pytest.mark.parametrize(
    "value",
    [{"numbers": [1, 2, 3], "text": "client-test"}, [1, "a", None], 42, 1.5, True, None, ""],
)
async def test_get_value_is_any_json(
    client: AsyncClient, router: respx.MockRouter, value: Any
) -> None:
    route = router.get(f"{ENTRIES}/return_value").respond(
        json=entry("return_value", value=value, brand_new=1)
    )
    xcom = await client.xcom_entries.get(
        "d", "r", "t", "return_value", map_index=2, stringify=False, deserialize=False
    )
    assert xcom.value == value
    assert type(xcom.value) is type(value)
    assert xcom.extra_fields == {"brand_new": 1}
    params = route.calls.last.request.url.params
    assert params["map_index"] == "2"
    assert params["stringify"] == "false"
    assert params["deserialize"] == "false"


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("a/b", b"a%2Fb"),
        ("x?y#z", b"x%3Fy%23z"),
        ("..", b"%2E%2E"),
        ("sp ace+plus", b"sp%20ace%2Bplus"),
    ],
)
async def test_keys_stay_in_their_segment(
    client: AsyncClient, router: respx.MockRouter, key: str, raw: bytes
) -> None:
    route = router.get(url__regex=r".*").respond(json=entry(key))
    await client.xcom_entries.get("d", "r", "t", key)
    assert route.calls.last.request.url.raw_path == b"/api/v1" + ENTRIES.encode() + b"/" + raw


async def test_empty_key_fails_before_io(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.route().respond(200)
    with pytest.raises(ValueError, match="xcom_key"):
        await client.xcom_entries.get("d", "r", "t", "")
    assert not route.called


async def test_errors(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{ENTRIES}/nope").respond(404, json=payloads.problem(404, "XCom entry not found"))
    with pytest.raises(NotFoundError, match="XCom entry not found"):
        await client.xcom_entries.get("d", "r", "t", "nope")
    router.get(f"{ENTRIES}/answer").respond(
        400,
        json=payloads.problem(
            400, "Bad Request", "XCom deserialization is disabled in configuration."
        ),
    )
    with pytest.raises(BadRequestError, match="deserialization is disabled"):
        await client.xcom_entries.get("d", "r", "t", "answer", deserialize=True)
