"""client.xcom_entries against a respx router, on Airflow 2's and Airflow 3's API."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import XCom

from . import payloads
from .conftest import Versioned

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
ENTRIES = "/dags/d/dagRuns/r/taskInstances/t/xcomEntries"
DAGS = r".*/dags/.*"


def captured(operation_id: str) -> Any:
    """The body a real Airflow 2.11.2 server sent for ``operation_id``."""
    return json.loads((FIXTURES / f"{operation_id}.json").read_text(encoding="utf-8"))["body"]


def entry(key: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(captured("get_xcom_entries")["xcom_entries"][0])
    body.update(key=key)
    body.update(overrides)
    return body


def v2_entry(key: str, value: Any = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": key,
        "timestamp": "2026-01-01T00:00:00Z",
        "logical_date": None,
        "map_index": -1,
        "task_id": "t",
        "dag_id": "d",
        "run_id": "r",
        "dag_display_name": "d",
        "task_display_name": "t",
        "run_after": "2026-01-01T00:00:00Z",
        "value": value,
    }
    body.update(overrides)
    return body


@pytest.fixture
def probe(router: respx.MockRouter) -> respx.MockRouter:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": "x"})
    return router


async def test_list_defaults_to_everything_and_pages(versions: Versioned) -> None:
    entries = [entry(f"k{n}") for n in range(7)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"xcom_entries": entries[offset : offset + 3], "total_entries": 7}
        )

    route = versions.router.get("/dags/~/dagRuns/~/taskInstances/~/xcomEntries").mock(
        side_effect=answer
    )
    keys = [e.key async for e in versions.client.xcom_entries.list(limit=5)]
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
    assert isinstance(first, XCom)
    assert (first.key, first.task_id, first.map_index) == ("answer", "push", -1)
    assert first.timestamp is not None and first.timestamp.tzinfo is not None
    assert first.extra_fields == {}
    params = route.calls.last.request.url.params
    assert params["map_index"] == "-1"
    assert params["xcom_key"] == "answer"
    assert params["offset"] == "0"
    assert "limit" not in params


async def test_list_sends_airflow_3_filters(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get(ENTRIES).respond(json={"xcom_entries": [v2_entry("k")]})
    page = await client_v2.xcom_entries.list(
        "d",
        "r",
        "t",
        order_by=["-timestamp", "key"],
        xcom_key_prefix_pattern="ret",
        map_index_filter=2,
        logical_date_gte="2026-01-01T00:00:00Z",
        run_after_lt="2026-02-01T00:00:00Z",
    )
    assert page.items[0].key == "k"
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-timestamp", "key"]
    assert params["xcom_key_prefix_pattern"] == "ret"
    assert params["map_index_filter"] == "2"
    assert params["logical_date_gte"] == "2026-01-01T00:00:00Z"
    assert params["run_after_lt"] == "2026-02-01T00:00:00Z"


async def test_list_refuses_airflow_3_filters_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, probe: respx.MockRouter
) -> None:
    route = router.route(url__regex=DAGS).respond(json={"xcom_entries": []})
    with pytest.raises(UnsupportedByServerError, match="xcom_key_pattern"):
        await client.xcom_entries.list(xcom_key_pattern="x")
    with pytest.raises(UnsupportedByServerError, match="order_by"):
        await client.xcom_entries.list(order_by="key")
    with pytest.raises(TypeError, match="not_a_filter"):
        client.xcom_entries.list(not_a_filter=1)  # type: ignore[call-arg]
    assert not route.called


async def test_list_decodes_what_a_get_gives(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(ENTRIES).respond(
        json={"xcom_entries": [entry("k", run_id="r", value=None)], "total_entries": None}
    )
    page = await client.xcom_entries.list("d", "r", "t")
    # A list item is the same XCom a get gives: run_id and value are fields.
    assert (page.items[0].run_id, page.items[0].value) == ("r", None)
    assert page.items[0].extra_fields == {}
    assert page.total_entries is None


async def test_get_always_says_how_the_value_is_wanted(versions: Versioned) -> None:
    # Airflow 2 defaults to a string and Airflow 3 to JSON: the client sends its own choice.
    route = versions.router.get(f"{ENTRIES}/answer").respond(json=captured("get_xcom_entry"))
    xcom = await versions.client.xcom_entries.get("d", "r", "t", "answer")
    assert isinstance(xcom, XCom)
    assert list(route.calls.last.request.url.params.multi_items()) == [("stringify", "false")]
    await versions.client.xcom_entries.get("d", "r", "t", "answer", stringify=True)
    assert route.calls.last.request.url.params["stringify"] == "true"


async def test_get_real_entry_as_a_string(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{ENTRIES}/answer").respond(json=captured("get_xcom_entry"))
    xcom = await client.xcom_entries.get("d", "r", "t", "answer", stringify=True)
    assert xcom.value == "42"


@pytest.mark.parametrize(
    "value",
    [{"numbers": [1, 2, 3], "text": "client-test"}, [1, "a", None], 42, 1.5, True, None, ""],
)
async def test_get_value_is_any_json(versions: Versioned, value: Any) -> None:
    route = versions.router.get(f"{ENTRIES}/return_value").respond(
        json=entry("return_value", value=value, brand_new=1)
    )
    xcom = await versions.client.xcom_entries.get(
        "d", "r", "t", "return_value", map_index=2, deserialize=False
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
async def test_keys_stay_in_their_segment(versions: Versioned, key: str, raw: bytes) -> None:
    route = versions.router.get(url__regex=DAGS).respond(json=entry(key))
    await versions.client.xcom_entries.get("d", "r", "t", key)
    prefix = f"/api/{versions.api_version}".encode()
    path, _, query = route.calls.last.request.url.raw_path.partition(b"?")
    assert path == prefix + ENTRIES.encode() + b"/" + raw
    assert query == b"stringify=false"


async def test_empty_key_fails_before_io(versions: Versioned) -> None:
    route = versions.router.route(url__regex=DAGS).respond(200)
    with pytest.raises(ValueError, match="xcom_key"):
        await versions.client.xcom_entries.get("d", "r", "t", "")
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


async def test_v2_errors_map_to_the_same_exceptions(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get(f"{ENTRIES}/nope").respond(
        404, json={"detail": "XCom entry with key: `nope` not found"}
    )
    with pytest.raises(NotFoundError, match="not found"):
        await client_v2.xcom_entries.get("d", "r", "t", "nope")
    router_v2.get(f"{ENTRIES}/k").respond(
        422, json={"detail": [{"type": "int_parsing", "loc": ["query", "map_index"], "msg": "x"}]}
    )
    with pytest.raises(UnprocessableEntityError) as caught:
        await client_v2.xcom_entries.get("d", "r", "t", "k")
    assert isinstance(caught.value, BadRequestError)


# -- writes (Airflow 3) -------------------------------------------------------------------


async def test_create(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.post(ENTRIES).respond(201, json=v2_entry("k", {"a": [1]}))
    created = await client_v2.xcom_entries.create("d", "r", "t", "k", value={"a": [1]})
    assert isinstance(created, XCom)
    assert created.value == {"a": [1]}
    assert json.loads(route.calls.last.request.content) == {"key": "k", "value": {"a": [1]}}
    await client_v2.xcom_entries.create("d", "r", "t", "k", value=None, map_index=2)
    assert json.loads(route.calls.last.request.content) == {
        "key": "k",
        "value": None,
        "map_index": 2,
    }
    route.respond(409, json={"detail": "The XCom with key: `k` ... already exists."})
    with pytest.raises(ConflictError, match="already exists"):
        await client_v2.xcom_entries.create("d", "r", "t", "k", value=1)


async def test_create_needs_a_key(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.post(ENTRIES).respond(201, json=v2_entry("k"))
    with pytest.raises(ValueError, match="key"):
        await client_v2.xcom_entries.create("d", "r", "t", "", value=1)
    assert not route.called


async def test_update_and_delete(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    patch = router_v2.patch(f"{ENTRIES}/a%2Fb").respond(json=v2_entry("a/b", 7))
    updated = await client_v2.xcom_entries.update("d", "r", "t", "a/b", value=7)
    assert updated.value == 7
    assert json.loads(patch.calls.last.request.content) == {"value": 7}
    await client_v2.xcom_entries.update("d", "r", "t", "a/b", value="x", map_index=0)
    assert json.loads(patch.calls.last.request.content) == {"value": "x", "map_index": 0}
    delete = router_v2.delete(f"{ENTRIES}/k").respond(204)
    await client_v2.xcom_entries.delete("d", "r", "t", "k")
    assert not delete.calls.last.request.url.params
    await client_v2.xcom_entries.delete("d", "r", "t", "k", map_index=1)
    assert delete.calls.last.request.url.params["map_index"] == "1"


async def test_writes_are_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, probe: respx.MockRouter
) -> None:
    route = router.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match=r"xcom_entries\.create"):
        await client.xcom_entries.create("d", "r", "t", "k", value=1)
    with pytest.raises(UnsupportedByServerError, match=r"xcom_entries\.update"):
        await client.xcom_entries.update("d", "r", "t", "k", value=1)
    with pytest.raises(UnsupportedByServerError, match=r"xcom_entries\.delete"):
        await client.xcom_entries.delete("d", "r", "t", "k")
    assert not route.called


async def test_delete_needs_airflow_3_2(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/version").respond(json={"version": "3.1.0", "git_version": "x"})
    route = router_v2.route(url__regex=DAGS).respond(204)
    with pytest.raises(UnsupportedByServerError, match=r"3\.2") as caught:
        await client_v2.xcom_entries.delete("d", "r", "t", "k")
    assert caught.value.since == (3, 2)
    # create and update are Airflow 3.0's.
    route.respond(201, json=v2_entry("k"))
    await client_v2.xcom_entries.create("d", "r", "t", "k", value=1)
    assert route.call_count == 1
