"""FakeAirflow's answers against the real servers' recorded ones, field by field.

For each release with recorded answers (``tests/fixtures/suite/<release>/``), a run of
everyday calls goes through the fake; every JSON answer of an operation that has a
recording must carry the same keys, at every level, with values of the same JSON types
(``null`` on either side matches any type: the servers null what they do not know yet).
A key the real server would never send, or one it sends that the fake leaves out, fails.
"""

from __future__ import annotations

import json
import pathlib
import re
from typing import Any

import httpx
import pytest

from airflow_client_async import AsyncClient
from airflow_client_async.testing import SUPPORTED_RELEASES, FakeAirflow

SUITE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "suite"

#: Values whose keys are the user's or the DAG's own, not the API's.
FREE_FORM = frozenset(
    {"conf", "params", "rendered_fields", "extra_links", "value", "default_args", "results"}
)
#: Operations whose whole body is free-form.
FREE_BODIES = frozenset({"get_extra_links"})


def _recordings(release: str) -> list[tuple[str, str, re.Pattern[str], Any]]:
    found = []
    for path in sorted((SUITE / release).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(record["route"]))
        pattern = pattern.replace(r"\{", "{").replace(r"\}", "}")
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", pattern)
        found.append(
            (record["operation_id"], record["method"], re.compile(f"^{pattern}$"), record["body"])
        )
    # The most literal route first: .../listMapped before .../{map_index}.
    found.sort(key=lambda item: item[2].pattern.count("[^/]+"))
    return found


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def differences(fake: Any, real: Any, where: str = "$") -> list[str]:
    """Where ``fake`` and ``real`` differ in keys or JSON types."""
    if fake is None or real is None:
        return []
    if _kind(fake) != _kind(real):
        return [f"{where}: the fake sends {_kind(fake)}, the server {_kind(real)}"]
    if isinstance(fake, dict):
        found = []
        if set(fake) != set(real):
            extra, missing = sorted(set(fake) - set(real)), sorted(set(real) - set(fake))
            found.append(f"{where}: keys only the fake sends {extra}, only the server {missing}")
        for key in set(fake) & set(real):
            if key not in FREE_FORM:
                found += differences(fake[key], real[key], f"{where}.{key}")
        return found
    if isinstance(fake, list) and fake and real:
        return differences(fake[0], real[0], f"{where}[0]")
    return []


def test_differences_sees_keys_and_types() -> None:
    assert differences({"a": 1, "b": None}, {"a": 2.5, "b": "x"}) == []
    assert differences({"a": "1"}, {"a": 1}) == ["$.a: the fake sends string, the server number"]
    assert differences({"a": [{"x": 1}]}, {"a": [{"y": 1}]}) == [
        "$.a[0]: keys only the fake sends ['x'], only the server ['y']"
    ]


async def _everyday_calls(fake: FakeAirflow, client: AsyncClient) -> None:
    fake.add_dag(
        "etl",
        tasks=["extract", "load"],
        tags=["nightly"],
        results={"extract": {"rows": 3}},
        params={"day": "monday"},
    )
    fake.add_dag("fan", tasks=["split", "work"], mapped={"work": 2}, results={"work": [1, 2]})
    fake.add_import_error("/dags/broken.py", "SyntaxError")
    v2 = fake.api_version == "v2"
    await client.monitoring.health()
    await client.monitoring.version()
    await client.config.get()
    await client.config.get_value("database", "sql_alchemy_conn")
    await client.dags.list()
    await client.dags.get("etl")
    await client.dags.get_details("etl")
    await client.dags.unpause("etl")
    await client.dags.update_many(is_paused=False, dag_id_pattern="fan")
    await client.tasks.list("etl")
    await client.tasks.get("etl", "extract")
    for dag_id in ("etl", "fan"):
        run = await client.dag_runs.trigger(dag_id, dag_run_id=f"{dag_id}-1", note="n")
        await client.dag_runs.wait(dag_id, run.dag_run_id)
    await client.dag_runs.get("etl", "etl-1")
    await client.dag_runs.list("etl")
    await client.dag_runs.list_batch(dag_ids=["etl"])
    await client.dag_runs.update("etl", "etl-1", note="noted")
    await client.dag_runs.clear("etl", "etl-1")
    await client.dag_stats.list(dag_ids=["etl", "fan"])
    await client.task_instances.list("etl", "etl-1")
    await client.task_instances.list_batch(dag_ids=["etl"])
    await client.task_instances.get("etl", "etl-1", "extract")
    await client.task_instances.get("fan", "fan-1", "work", map_index=1)
    await client.task_instances.list_mapped("fan", "fan-1", "work")
    await client.task_instances.list_tries("etl", "etl-1", "extract")
    await client.task_instances.get_try("etl", "etl-1", "extract", 1)
    await client.task_instances.list_dependencies("etl", "etl-1", "extract")
    await client.task_instances.get_log("etl", "etl-1", "extract", 1)
    await client.task_instances.clear("etl", dag_run_id="etl-1", only_failed=False)
    await client.task_instances.update("etl", "etl-1", "load", note="checked")
    await client.xcom_entries.list("etl", "etl-1", "extract")
    await client.xcom_entries.get("etl", "etl-1", "extract", "return_value")
    await client.import_errors.list()
    await client.import_errors.get(1)
    await client.pools.create("p", slots=2, description="d")
    await client.pools.get("p")
    await client.pools.list()
    await client.pools.update("p", slots=3)
    await client.variables.create("k", value="v", description="d")
    await client.variables.get("k")
    await client.variables.list()
    await client.variables.update("k", value="w")
    await client.connections.create("c", conn_type="http", host="h", password="pw", port=1)
    await client.connections.get("c")
    await client.connections.list()
    await client.connections.update("c", host="other")
    await client.dag_warnings.list()
    await client.event_logs.list()
    await client.event_logs.get(2)
    await client.providers.list()
    if v2:
        await client.jobs.list()
        await client.dag_versions.list("etl")
        await client.dag_versions.get("etl", 1)
        await client.pools.bulk(create=[{"name": "q", "slots": 1}], delete=["nope"])
        await client.variables.bulk(create=[{"key": "k2", "value": "v"}])
        await client.connections.bulk(create=[{"connection_id": "c2", "conn_type": "http"}])
        await client.dags.list_tags()


@pytest.mark.parametrize("release", SUPPORTED_RELEASES)
async def test_answers_have_the_real_servers_keys_and_types(release: str) -> None:
    recordings = _recordings(release)
    assert recordings, f"no recorded answers for {release}"
    seen: list[tuple[str, str, int, Any]] = []

    async def keep(response: httpx.Response) -> None:
        # Streamed answers (NDJSON) are the client's to read, and have no recording.
        if response.headers.get("content-type", "").startswith("application/json"):
            await response.aread()
            body = response.json() if response.content else None
            path = response.request.url.raw_path.split(b"?")[0].decode()
            seen.append((response.request.method, path, response.status_code, body))

    fake = FakeAirflow(release=release)
    http = httpx.AsyncClient(transport=fake.transport, event_hooks={"response": [keep]})
    async with http, fake.client(http_client=http) as client:
        await _everyday_calls(fake, client)

    checked: dict[str, list[str]] = {}
    for method, path, status, body in seen:
        if status >= 300 or body is None:
            continue
        for operation_id, recorded_method, route, real in recordings:
            if recorded_method == method and route.match(path):
                if operation_id not in FREE_BODIES:
                    checked.setdefault(operation_id, []).extend(differences(body, real))
                break
    problems = {op: found for op, found in checked.items() if found}
    assert problems == {}
    # The run above reaches most recorded operations; a matching slip would check none.
    assert len(checked) >= 30, sorted(checked)
