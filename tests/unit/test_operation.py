"""The operation layer and the pipeline's one send path.

A stream goes through the same attempt loop as every other request: it is retried on the
statuses the policy names, its attempts are recorded, and it carries the credentials its
API takes. A route's own minor rules (``since_fields``) refuse a field its server's release
lacks, before any I/O, with the one error every refusal uses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, UnsupportedByServerError
from airflow_client_async._http import capture_attempts
from airflow_client_async._operation import Operations
from airflow_client_async._operation._minors import fields_since, operation_since, unsupported
from airflow_client_async._routes import Route, Routes, ServerVersion
from airflow_client_async._streaming import stream_lines

from .conftest import BASE, SleepRecorder
from .wire import airflow3

_WAIT = Routes(v2=Route("GET", "/dags/{dag_id}/dagRuns/{dag_run_id}/wait", None))


def _ndjson(*lines: str) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        for line in lines:
            yield f"{line}\n".encode()

    return httpx.Response(200, content=body(), headers={"Content-Type": "application/x-ndjson"})


async def test_a_stream_is_retried_and_recorded_like_any_request(
    client_v2: AsyncClient, router_v2: respx.MockRouter, sleeps: SleepRecorder
) -> None:
    route = router_v2.get("/dags/d/dagRuns/r/wait").mock(
        side_effect=[
            httpx.Response(503, json={"detail": "busy"}),
            _ndjson('{"state": "queued"}', '{"state": "success"}'),
        ]
    )
    ops = Operations(client_v2._http)
    with capture_attempts() as attempts:
        async with ops.stream(_WAIT, path={"dag_id": "d", "dag_run_id": "r"}) as lines:
            states = [lines.json(line) async for line in lines]
    assert states == [{"state": "queued"}, {"state": "success"}]
    assert route.call_count == 2
    # Airflow 3.1.8 does not flush a gzip-compressed stream until it ends.
    assert route.calls.last.request.headers["Accept-Encoding"] == "identity"
    assert [a.status for a in attempts] == [503, 200]
    assert len(sleeps.delays) == 1


async def test_a_stream_that_keeps_failing_raises_the_status_error_with_its_body(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/dags/d/dagRuns/r/wait").respond(404, json={"detail": "no such run"})
    ops = Operations(client_v2._http)
    with pytest.raises(Exception, match="no such run") as caught:
        async with ops.stream(_WAIT, path={"dag_id": "d", "dag_run_id": "r"}):
            pytest.fail("a 404 opened a stream")
    assert type(caught.value).__name__ == "NotFoundError"


async def test_a_stream_on_airflow_3_carries_the_token_basic_credentials_become() -> None:
    with respx.mock(base_url=BASE, using="httpx", assert_all_called=False) as router:
        router.get("/api/v2/version").respond(json={"version": "3.3.2"})
        token = router.post("/auth/token").respond(201, json={"access_token": "jwt-1"})
        stream = router.get("/api/v2/dags/d/dagRuns/r/wait").mock(
            return_value=_ndjson('{"state": "success"}')
        )
        async with AsyncClient(BASE, auth=("admin", "pw")) as client:
            ops = Operations(client._http)
            async with ops.stream(_WAIT, path={"dag_id": "d", "dag_run_id": "r"}) as lines:
                assert [line async for line in lines] == [b'{"state": "success"}']
    assert token.call_count == 1
    assert stream.calls.last.request.headers["Authorization"] == "Bearer jwt-1"


async def test_stream_lines_sends_no_credentials_when_told(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    stream = router_v2.get("/stream").mock(return_value=_ndjson("{}"))
    async with stream_lines(client_v2._http, "GET", "/api/v2/stream", auth=None) as lines:
        assert [line async for line in lines] == [b"{}"]
    assert "Authorization" not in stream.calls.last.request.headers


class _Bulk:
    namespace = "things"
    _bulk = Routes(v2=Route("PATCH", "/things", None, since_fields={"update_mask": (3, 2)}))


@pytest.mark.parametrize(("release", "refused"), [("3.1.8", True), ("3.2.2", False)])
async def test_a_nested_field_a_release_lacks_is_refused_before_any_io(
    release: str, refused: bool
) -> None:
    async with airflow3(release) as (client, router):
        bulk = router.patch("/things").respond(json={})
        ops = Operations(client._http)
        body = {"actions": [{"action": "update", "update_mask": ["slots"]}]}
        if refused:
            with pytest.raises(UnsupportedByServerError) as caught:
                await ops.send(_Bulk._bulk, body=body, given=("update_mask",))
            assert caught.value.parameter == "update_mask"
            assert caught.value.since == (3, 2)
            assert "needs Airflow 3.2 or later" in str(caught.value)
            assert bulk.call_count == 0
        else:
            await ops.send(_Bulk._bulk, body=body, given=("update_mask",))
            assert bulk.call_count == 1
        # Not given, the field is no reason to refuse.
        await ops.send(_Bulk._bulk, body={"actions": []})


def test_fields_since_names_the_method_keyword_of_a_renamed_field() -> None:
    route = Route("GET", "/x", "get_pools", params={"name_pattern": "pool_name_pattern"})
    params = [("pool_name_pattern", "a%")]
    found = fields_since(route, "v2", params, None, given=("name_pattern",))
    assert all(name != "pool_name_pattern" for name, _ in found)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "only Airflow 3 (/api/v2) has it"}, "x.y is not available on {s}: only"),
        ({"since": (3, 2)}, "x.y needs Airflow 3.2 or later; the server runs 3.1.8"),
        ({"parameter": "p"}, "x.y: {s} does not take p"),
        ({"parameter": "p", "since": (3, 3)}, "x.y: {s} does not take p; it needs Airflow 3.3"),
        ({"parameter": "p", "reason": "use q"}, "x.y: {s} does not take p: use q"),
    ],
)
def test_every_refusal_is_worded_by_one_builder(kwargs: dict[str, object], message: str) -> None:
    server = ServerVersion(api_version="v2", release="3.1.8")
    error = unsupported("x.y", server, **kwargs)  # type: ignore[arg-type]
    assert str(error).startswith(message.format(s=server))
    assert error.method == "x.y" and error.server == server
    assert error.parameter == kwargs.get("parameter")
    assert error.since == kwargs.get("since")


async def test_the_pipeline_does_not_negotiate(client_v2: AsyncClient) -> None:
    # Versions and tokens are the operation layer's; the pipeline only sends.
    pipeline = client_v2._http
    for name in ("server_version", "api_version", "resolve", "auth_for"):
        assert not hasattr(pipeline, name)
    assert attrs.has(type(pipeline))


def _declared_routes() -> list[tuple[str, Route]]:
    import importlib
    import inspect
    import pkgutil

    import airflow_client_async.resources as resources

    found: list[tuple[str, Route]] = []
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for value in vars(cls).values():
                if isinstance(value, Routes) and value.v2 is not None:
                    found.append((value.method_name, value.v2))
    return found


def test_a_route_declares_only_the_minors_the_generated_tables_cannot_tell() -> None:
    # The specs' history is the one source of when an operation appeared; a route's own
    # ``since`` is a correction, so one equal to the history's would be a second source.
    plain = [
        (name, route.since)
        for name, route in _declared_routes()
        if route.since is not None
        and route.since == operation_since(attrs.evolve(route, since=None), "v2")
    ]
    assert plain == []
    assert len(_declared_routes()) > 100
