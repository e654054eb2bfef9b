"""client.dags against a respx router, on both APIs."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import respx

from airflow_client_async import (
    UNSET,
    AsyncClient,
    BearerAuth,
    ConflictError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import DAG, CronExpression, DAGDetail

from . import payloads
from .conftest import API_V2, BASE, Versioned
from .dag_payloads import answer_version, body_of, dag, dag_v2, error, operation_calls


def capped_dags(api_version: str, total: int, cap: int):  # type: ignore[no-untyped-def]
    """A server that holds ``total`` DAGs and never returns more than ``cap`` at a time."""
    dags = [dag(api_version, f"dag_{n:03d}") for n in range(total)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = min(int(request.url.params.get("limit", 100)), cap)
        return httpx.Response(
            200, json={"dags": dags[offset : offset + limit], "total_entries": total}
        )

    return answer


async def test_list_iterates_every_dag_past_the_server_cap(versions: Versioned) -> None:
    route = versions.router.get("/dags").mock(side_effect=capped_dags(versions.api_version, 23, 10))
    ids = [d.dag_id async for d in versions.client.dags.list(limit=50)]
    assert ids == [f"dag_{n:03d}" for n in range(23)]
    offsets = [c.request.url.params["offset"] for c in route.calls]
    assert offsets == ["0", "10", "20"]
    assert {c.request.url.params["limit"] for c in route.calls} == {"50"}


async def test_list_sends_v1_filters_with_their_v1_names(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/dags").mock(side_effect=capped_dags("v1", 23, 10))
    page = await client.dags.list(
        limit=5,
        offset=2,
        tags=["a", "b"],
        paused=False,
        exclude_stale=True,
        order_by="-dag_id",
        fields=["is_paused"],
        dag_id_pattern="dag_",
    )
    assert [d.dag_id for d in page.items] == ["dag_002", "dag_003", "dag_004", "dag_005", "dag_006"]
    assert page.total_entries == 23
    params = route.calls.last.request.url.params
    assert params.get_list("tags") == ["a", "b"]
    # The client adds the identity fields to a partial answer.
    assert params.get_list("fields") == ["dag_id", "file_token", "is_paused"]
    assert params["paused"] == "false"
    assert params["only_active"] == "true"  # exclude_stale's Airflow 2 name
    assert "exclude_stale" not in params
    assert params.get_list("order_by") == ["-dag_id"]
    assert params["dag_id_pattern"] == "dag_"


async def test_list_sends_v2_filters(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/dags").mock(side_effect=capped_dags("v2", 3, 10))
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    page = await client_v2.dags.list(
        tags=["a", "b"],
        tags_match_mode="all",
        owners=["ops"],
        exclude_stale=False,
        order_by=["-dag_display_name", "dag_id"],
        fields=["is_paused"],
        dag_run_state=["failed", "running"],
        dag_run_start_date_gte=when,
        is_favorite=True,
        has_import_errors=False,
        timetable_type=["airflow.timetables.simple.NullTimetable"],
    )
    assert [d.dag_id for d in page.items] == ["dag_000", "dag_001", "dag_002"]
    params = route.calls.last.request.url.params
    assert params.get_list("tags") == ["a", "b"]
    assert params["tags_match_mode"] == "all"
    assert params.get_list("owners") == ["ops"]
    assert params["exclude_stale"] == "false"
    assert "only_active" not in params
    # Airflow 3 sorts by several fields, each a repeated key.
    assert params.get_list("order_by") == ["-dag_display_name", "dag_id"]
    # Airflow 3 answers whole DAGs: fields is not sent.
    assert "fields" not in params
    assert params.get_list("dag_run_state") == ["failed", "running"]
    assert params["dag_run_start_date_gte"] == "2026-01-01T00:00:00+00:00"
    assert params["is_favorite"] == "true"
    assert params["has_import_errors"] == "false"
    assert params.get_list("timetable_type") == ["airflow.timetables.simple.NullTimetable"]


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("tags_match_mode", "all"),
        ("owners", ["ops"]),
        ("dag_id_prefix_pattern", "etl_"),
        ("is_favorite", True),
        ("dag_run_state", ["failed"]),
    ],
)
async def test_v2_only_filters_are_refused_on_v1_before_any_request(
    client: AsyncClient, router: respx.MockRouter, keyword: str, value: object
) -> None:
    answer_version(router)
    router.route().respond(200, json={"dags": [], "total_entries": 0})
    with pytest.raises(UnsupportedByServerError) as caught:
        await client.dags.list(**{keyword: value})  # type: ignore[arg-type]
    assert caught.value.parameter == keyword
    assert caught.value.method == "dags.list"
    assert operation_calls(router) == []


async def test_v1_sorts_by_one_field_only(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200, json={"dags": [], "total_entries": 0})
    with pytest.raises(UnsupportedByServerError, match="order_by"):
        await client.dags.list(order_by=["dag_id", "-is_paused"])
    assert operation_calls(router) == []


async def test_unknown_filter_is_a_type_error(client: AsyncClient) -> None:
    with pytest.raises(TypeError, match="only_active"):
        client.dags.list(only_active=True)  # type: ignore[call-arg]


@pytest.mark.parametrize(("limit", "offset"), [(0, None), (None, -1)])
def test_bad_paging_values_name_the_parameter(
    client: AsyncClient, limit: int | None, offset: int | None
) -> None:
    with pytest.raises(ValueError, match="limit" if limit == 0 else "offset"):
        client.dags.list(limit=limit, offset=offset)


async def test_get_decodes_the_dag(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dags/example_bash_operator").respond(
        json=payloads.dag("example_bash_operator", brand_new_field={"x": 1})
    )
    got = await client.dags.get("example_bash_operator")
    assert isinstance(got, DAG)
    assert got.dag_id == "example_bash_operator"
    assert got.description is None
    assert isinstance(got.schedule_interval, CronExpression)
    assert got.schedule_interval.value == "0 0 * * *"
    assert got.last_parsed_time == datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    assert got.extra_fields == {"brand_new_field": {"x": 1}}


async def test_get_decodes_an_airflow_3_dag(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/dags/etl").respond(json=dag_v2("etl"))
    got = await client_v2.dags.get("etl")
    assert (got.dag_id, got.is_paused, got.file_token) == ("etl", True, dag_v2("etl")["file_token"])
    assert got.tags is not None and [t.name for t in got.tags] == ["example"]
    assert got.last_parsed_time == datetime(2026, 12, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


async def test_get_fields_add_the_identity_on_v1_and_are_not_sent_on_v2(
    versions: Versioned,
) -> None:
    partial = {"dag_id": "d", "file_token": "tok", "is_paused": False}
    route = versions.router.get("/dags/d").respond(json=partial)
    got = await versions.client.dags.get("d", fields=["is_paused"])
    assert (got.dag_id, got.file_token, got.is_paused) == ("d", "tok", False)
    fields = route.calls.last.request.url.params.get_list("fields")
    expected = ["dag_id", "file_token", "is_paused"]
    assert fields == (expected if versions.api_version == "v1" else [])


def test_fields_must_be_a_list(client: AsyncClient) -> None:
    with pytest.raises(TypeError, match="sequence of field names"):
        client.dags.list(fields="dag_id")


@pytest.mark.parametrize(
    ("dag_id", "segment"),
    [
        ("a/b", "a%2Fb"),
        ("..", "%2E%2E"),
        ("x?y#z", "x%3Fy%23z"),
        ("sp ace+plus", "sp%20ace%2Bplus"),
        ("ünï", "%C3%BCn%C3%AF"),
    ],
)
async def test_dag_ids_stay_in_their_segment(
    versions: Versioned, dag_id: str, segment: str
) -> None:
    route = versions.router.get(url__regex=r".*/dags/.*").respond(
        json=dag(versions.api_version, dag_id)
    )
    await versions.client.dags.get(dag_id)
    expected = f"/api/{versions.api_version}/dags/{segment}"
    assert route.calls.last.request.url.raw_path.decode() == expected


async def test_empty_dag_id_fails_before_io(versions: Versioned) -> None:
    versions.router.route().respond(200)
    with pytest.raises(ValueError, match="dag_id"):
        await versions.client.dags.get("")
    assert operation_calls(versions.router) == []


async def test_get_details(client: AsyncClient, router: respx.MockRouter) -> None:
    body = payloads.dag(
        "d",
        catchup=False,
        concurrency=16,
        dag_run_timeout=None,
        doc_md=None,
        default_view="grid",
        end_date=None,
        is_paused_upon_creation=None,
        last_parsed=None,
        orientation="LR",
        params={
            "x": {
                "__class": "airflow.models.param.Param",
                "value": 1,
                "description": None,
                "schema": {},
            }
        },
        render_template_as_native_obj=False,
        start_date="2021-01-01T00:00:00+00:00",
        template_search_path=None,
        timezone="Timezone('UTC')",
    )
    route = router.get("/dags/d/details").respond(json=body)
    detail = await client.dags.get_details("d", fields=["catchup", "params", "start_date"])
    assert isinstance(detail, DAGDetail)
    assert detail.catchup is False
    assert detail.params is not None and detail.params["x"]["value"] == 1
    assert detail.start_date == datetime(2021, 1, 1, tzinfo=timezone.utc)
    fields = route.calls.last.request.url.params.get_list("fields")
    assert fields == ["dag_id", "file_token", "catchup", "params", "start_date"]


async def test_get_details_on_v2(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    body = dag_v2("d", catchup=False, start_date="2021-01-01T00:00:00Z", timezone="UTC")
    route = router_v2.get("/dags/d/details").respond(json=body)
    detail = await client_v2.dags.get_details("d", fields=["catchup"])
    assert detail.dag_id == "d" and detail.catchup is False
    assert detail.start_date == datetime(2021, 1, 1, tzinfo=timezone.utc)
    assert "fields" not in route.calls.last.request.url.params


async def test_update_sends_exactly_the_fields_given(versions: Versioned) -> None:
    route = versions.router.patch("/dags/d").respond(
        json=dag(versions.api_version, "d", is_paused=False)
    )
    got = await versions.client.dags.update("d", is_paused=False)
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["is_paused"]
    assert body_of(request) == {"is_paused": False}
    assert got.is_paused is False


async def test_pause_and_unpause(versions: Versioned) -> None:
    route = versions.router.patch("/dags/d").respond(json=dag(versions.api_version, "d"))
    await versions.client.dags.pause("d")
    assert body_of(route.calls.last.request) == {"is_paused": True}
    await versions.client.dags.unpause("d")
    assert body_of(route.calls.last.request) == {"is_paused": False}
    assert route.calls.last.request.url.params.get_list("update_mask") == ["is_paused"]


async def test_update_with_nothing_given_fails_before_io(versions: Versioned) -> None:
    versions.router.route().respond(200)
    with pytest.raises(ValueError, match="at least one field"):
        await versions.client.dags.update("d", is_paused=UNSET)
    assert operation_calls(versions.router) == []


async def test_update_many_on_v1_updates_page_after_page(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    dags = [payloads.dag(f"example_{n}", is_paused=True) for n in range(23)]

    def answer(request: httpx.Request) -> httpx.Response:
        # Airflow 2 updates only the page it answers with.
        offset = int(request.url.params.get("offset", 0))
        return httpx.Response(
            200, json={"dags": dags[offset : offset + 10], "total_entries": len(dags)}
        )

    route = router.patch("/dags").mock(side_effect=answer)
    updated = await client.dags.update_many(
        is_paused=True, dag_id_pattern="example_", tags=["t"], exclude_stale=False
    )
    assert [d.dag_id for d in updated] == [f"example_{n}" for n in range(23)]
    requests = [c.request for c in route.calls]
    assert [r.url.params.get("offset") for r in requests] == [None, "10", "20"]
    params = requests[0].url.params
    assert params["dag_id_pattern"] == "example_"
    assert params["update_mask"] == "is_paused"
    assert params.get_list("tags") == ["t"]
    assert params["only_active"] == "false"
    assert all(body_of(r) == {"is_paused": True} for r in requests)


async def test_update_many_on_v2(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.patch("/dags").respond(
        json={
            "dags": [dag_v2("a", is_paused=False), dag_v2("b", is_paused=False)],
            "total_entries": 2,
        }
    )
    updated = await client_v2.dags.update_many(
        is_paused=False, dag_id_prefix_pattern="a", owners=["ops"], exclude_stale=True
    )
    assert [d.dag_id for d in updated] == ["a", "b"]
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["is_paused"]
    assert request.url.params["dag_id_prefix_pattern"] == "a"
    assert request.url.params.get_list("owners") == ["ops"]
    assert request.url.params["exclude_stale"] == "true"
    assert body_of(request) == {"is_paused": False}


async def test_update_many_on_v2_reads_the_rest_after_one_update(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    dags = [dag_v2(f"etl_{n}", is_paused=True) for n in range(7)]
    # Airflow 3 updates every match but answers with one page of them.
    patched = router_v2.patch("/dags").respond(json={"dags": dags[:3], "total_entries": 7})
    listed = router_v2.get("/dags").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json={
                "dags": dags[int(request.url.params.get("offset", 0)) :][:5],
                "total_entries": 7,
            },
        )
    )
    updated = await client_v2.dags.update_many(is_paused=True, dag_id_pattern="etl_")
    assert [d.dag_id for d in updated] == [f"etl_{n}" for n in range(7)]
    assert patched.call_count == 1
    assert "offset" not in patched.calls.last.request.url.params
    assert [c.request.url.params["dag_id_pattern"] for c in listed.calls] == ["etl_", "etl_"]


async def test_update_many_on_v2_reads_first_what_the_update_takes_out_of_the_filter(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    running = [dag_v2(f"etl_{n}", is_paused=False) for n in range(4)]
    order: list[str] = []

    def listed(request: httpx.Request) -> httpx.Response:
        order.append("GET")
        offset = int(request.url.params.get("offset", 0))
        return httpx.Response(200, json={"dags": running[offset : offset + 2], "total_entries": 4})

    def patched(request: httpx.Request) -> httpx.Response:
        order.append("PATCH")
        page = [{**d, "is_paused": True} for d in running[:2]]
        return httpx.Response(200, json={"dags": page, "total_entries": 4})

    router_v2.get("/dags").mock(side_effect=listed)
    patch = router_v2.patch("/dags").mock(side_effect=patched)
    updated = await client_v2.dags.update_many(is_paused=True, dag_id_pattern="etl_", paused=False)
    # After the update no DAG is unpaused any more: the list is read before it.
    assert order == ["GET", "GET", "PATCH"]
    assert patch.calls.last.request.url.params["paused"] == "false"
    assert [(d.dag_id, d.is_paused) for d in updated] == [(f"etl_{n}", True) for n in range(4)]


async def test_update_many_needs_a_pattern(versions: Versioned) -> None:
    versions.router.route().respond(200)
    with pytest.raises(ValueError, match="dag_id_pattern"):
        await versions.client.dags.update_many(is_paused=True, tags=["t"])
    assert operation_calls(versions.router) == []


async def test_update_many_by_paused_state_is_airflow_3_only(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    answer_version(router)
    router.route().respond(200)
    with pytest.raises(UnsupportedByServerError, match="paused"):
        await client.dags.update_many(is_paused=True, dag_id_pattern="%", paused=False)
    assert operation_calls(router) == []


async def test_delete(versions: Versioned) -> None:
    # Airflow 3 answers 204 with a JSON content type and no body (its spec says 200).
    route = versions.router.delete("/dags/d").respond(
        204, headers={"Content-Type": "application/json"}
    )
    assert await versions.client.dags.delete("d") is None
    assert route.called


async def test_delete_missing_dag(versions: Versioned) -> None:
    versions.router.delete("/dags/nope").respond(
        404, json=error(versions.api_version, 404, "Dag with id: 'nope' not found")
    )
    with pytest.raises(NotFoundError, match="Dag with id: 'nope' not found"):
        await versions.client.dags.delete("nope")


async def test_favorite_and_unfavorite(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    favorite = router_v2.post("/dags/etl/favorite").respond(204)
    unfavorite = router_v2.post("/dags/etl/unfavorite").respond(204)
    assert await client_v2.dags.favorite("etl") is None
    assert await client_v2.dags.unfavorite("etl") is None
    assert favorite.calls.last.request.content == b""
    assert unfavorite.called
    unfavorite.respond(409, json={"detail": "Dag is not marked as favorite"})
    with pytest.raises(ConflictError, match="not marked as favorite"):
        await client_v2.dags.unfavorite("etl")


@pytest.mark.parametrize("method", ["favorite", "unfavorite"])
async def test_favorites_are_refused_on_v1(
    client: AsyncClient, router: respx.MockRouter, method: str
) -> None:
    answer_version(router)
    router.route().respond(204)
    with pytest.raises(UnsupportedByServerError, match="Airflow 3"):
        await getattr(client.dags, method)("etl")
    assert operation_calls(router) == []


async def test_favorites_need_airflow_3_1() -> None:
    with respx.mock(base_url=API_V2, using="httpx", assert_all_called=False) as router:
        answer_version(router, "3.0.6")
        router.route().respond(204)
        async with AsyncClient(BASE, auth=BearerAuth("t"), api_version="v2") as client:
            with pytest.raises(UnsupportedByServerError) as caught:
                await client.dags.favorite("etl")
        assert caught.value.since == (3, 1)
        assert "3.1" in str(caught.value) and "3.0.6" in str(caught.value)
        assert operation_calls(router) == []


async def test_list_tags(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    tags = [f"t{n}" for n in range(7)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"tags": tags[offset : offset + 5], "total_entries": 7})

    route = router_v2.get("/dagTags").mock(side_effect=answer)
    got = [t async for t in client_v2.dags.list_tags(order_by="-name", tag_name_pattern="t")]
    assert got == tags
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-name"]
    assert params["tag_name_pattern"] == "t"


async def test_list_tags_is_refused_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200)
    paginator = client.dags.list_tags()
    with pytest.raises(UnsupportedByServerError, match=r"dags\.list_tags"):
        await paginator
    assert operation_calls(router) == []


async def test_v2_validation_errors_are_bad_requests(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    from airflow_client_async import BadRequestError, UnprocessableEntityError

    router_v2.patch("/dags/d").respond(
        422,
        json={
            "detail": [
                {"type": "bool_parsing", "loc": ["body", "is_paused"], "msg": "bad", "input": 1}
            ]
        },
    )
    with pytest.raises(UnprocessableEntityError) as caught:
        await client_v2.dags.pause("d")
    assert isinstance(caught.value, BadRequestError)
