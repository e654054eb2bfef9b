"""Decode what the real servers answered to the integration suite, on every release tested.

``tests/fixtures/suite/<release>/`` holds, per operation the suite called on that server,
the largest JSON body it got (recorded with ``AIRFLOW_TEST_CAPTURE_DIR``, see
``tests/integration/_capture.py``). Every body is decoded into the model its operation
returns by that API's spec, and nothing may be lost or left untyped: ``extra_fields`` is
empty everywhere (nested models and list items included), the identity fields are there,
and encoding gives back every non-null value the server sent.
"""

from __future__ import annotations

import json
import pathlib
import sys
from collections.abc import Callable
from typing import Any

import pytest
import respx

from airflow_client_async import AsyncClient, _converter, models
from tests.support.decoding import covers, non_null, untyped
from tests.support.model_schemas import FAB_SCHEMAS, V1_SCHEMAS, V2_SCHEMAS

from .conftest import API, API_V2

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import spec_corrections  # noqa: E402
import spec_corrections_v2  # noqa: E402

SUITE = REPO / "tests" / "fixtures" / "suite"
Corrections = Callable[[dict[str, Any]], dict[str, Any]]
#: Per API: (spec file, the corrections the model generator applies, its schema names →
#: model names), in lookup order.
SPECS: dict[str, tuple[tuple[pathlib.Path, Corrections, Any], ...]] = {
    "v1": ((REPO / "openapi.json", spec_corrections.apply_corrections, V1_SCHEMAS),),
    "v2": (
        (REPO / "openapi-v2.json", spec_corrections_v2.apply_corrections, V2_SCHEMAS),
        (REPO / "openapi-fab.json", spec_corrections_v2.apply_fab_corrections, FAB_SCHEMAS),
    ),
}
#: Answers the client does not decode into the model the spec names, with what it does.
NOT_A_MODEL = {
    # A bare name → URL map; ``task_instances.get_extra_links`` returns it as a dict.
    ("v1", "get_extra_links"): "a free-form map",
    # ``task_instances.get_log`` builds a TaskLog: test_task_logs_keep_every_key below.
    ("v1", "get_log"): "a TaskLog",
    ("v2", "get_log"): "a TaskLog",
    # Airflow 2.11 answers a created role with ``{}``; ``roles.create`` reads it back.
    ("v1", "post_role"): "an empty object",
}
#: Answers the client decodes into another type than the spec names (or an inline
#: schema), with the keys it fills from the request.
CLIENT_TYPES: dict[tuple[str, str], tuple[list[Any], dict[str, str]]] = {
    # ``dag_sources.get``: Airflow 2 sends ``{"content"}`` alone; the DAG is the one asked for.
    ("v1", "get_dag_source"): ([models.DAGSource], {"dag_id": "client_test_fast"}),
    # ``dag_runs.clear``: the spec names TaskInstanceCollection for a dry run, but Airflow 2
    # answers with references to the instances, which the client then reads.
    ("v1", "clear_dag_run"): ([models.DAGRun, models.TaskInstanceReferenceCollection], {}),
}


def _operations(api: str) -> dict[str, tuple[dict[str, Any], dict[str, Any], Any]]:
    found = {}
    for path, correct, names in SPECS[api]:
        spec = correct(json.loads(path.read_text(encoding="utf-8")))
        for item in spec["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = (operation, spec, names)
    return found


OPERATIONS = {api: _operations(api) for api in SPECS}


def response_types(api: str, operation_id: str, status: int) -> list[Any]:
    """The types the spec allows for an operation's JSON answer with ``status``."""
    if (api, operation_id) in CLIENT_TYPES:
        return CLIENT_TYPES[api, operation_id][0]
    operation, _, names = OPERATIONS[api][operation_id]
    response = operation["responses"].get(str(status)) or operation["responses"]["default"]
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return _schema_types(schema, names)


def _schema_types(schema: dict[str, Any], names: Any) -> list[Any]:
    if "$ref" in schema:
        return [getattr(models, names[schema["$ref"].rsplit("/", 1)[-1]])]
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return [list[item] for item in _schema_types(schema["items"], names)]  # type: ignore[valid-type]
    if "anyOf" in schema or "oneOf" in schema:
        return [
            t
            for option in schema.get("anyOf", schema.get("oneOf"))
            for t in _schema_types(option, names)
        ]
    if "allOf" in schema:
        # ``ProviderCollection`` and ``CollectionInfo``: the first already declares both.
        return _schema_types(schema["allOf"][0], names)
    return []


def decode(api: str, record: dict[str, Any]) -> Any:
    """The record's body decoded as the client does: into the one type that takes it whole.

    Where the spec offers several (``anyOf``, told apart by the client from the request,
    as ``dry_run`` does for ``clear``), the one that leaves nothing untyped is taken.
    """
    body = record["body"]
    fill = CLIENT_TYPES.get((api, record["operation_id"]), ([], {}))[1]
    if isinstance(body, dict) and fill:
        body = {**fill, **body}
    options = response_types(api, record["operation_id"], record["status"])
    assert options, f"{record['operation_id']}: the spec gives its answer no model"
    first_error: Exception | None = None
    decoded_options = []
    for option in options:
        try:
            decoded = _converter.structure(body, option)
        except Exception as exc:
            first_error = first_error or exc
            continue
        if not untyped(decoded):
            return decoded
        decoded_options.append(decoded)
    if decoded_options:
        return decoded_options[0]
    assert first_error is not None
    raise first_error


def api_of(release: str) -> str:
    return "v1" if release.startswith("2.") else "v2"


def records() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in sorted(SUITE.glob("*/*.json")):
        release = path.parent.name
        found.append((release, path.stem, json.loads(path.read_text(encoding="utf-8"))))
    return found


RECORDS = records()
MODELLED = [
    (release, name, record)
    for release, name, record in RECORDS
    if (api_of(release), name) not in NOT_A_MODEL
]
IDS = [f"{release}-{name}" for release, name, _ in MODELLED]


def test_the_suite_was_recorded_on_every_api() -> None:
    releases = {release for release, _, _ in RECORDS}
    assert {"2.11.2", "3.0.6", "3.3.2"} <= releases
    for release in releases:
        assert sum(1 for r, _, _ in RECORDS if r == release) >= 30, release


@pytest.mark.parametrize(("release", "name", "record"), MODELLED, ids=IDS)
def test_recorded_answers_decode_typed_and_whole(release: str, name: str, record: Any) -> None:
    decoded = decode(api_of(release), record)
    assert untyped(decoded) == []
    # Encoding gives back everything sent (and the names the models fill besides).
    assert covers(_converter.unstructure(decoded), non_null(record["body"]))
    assert _converter.structure(_converter.unstructure(decoded), type(decoded)) == decoded


LOGS = [(release, record) for release, name, record in RECORDS if name == "get_log"]


@pytest.mark.parametrize(("release", "record"), LOGS, ids=[release for release, _ in LOGS])
async def test_task_logs_keep_every_key(
    release: str, record: dict[str, Any], client: AsyncClient, client_v2: AsyncClient
) -> None:
    """``task_instances.get_log`` reads a real log answer whole, on either API."""
    api = api_of(release)
    root = API if api == "v1" else API_V2
    body = record["body"]
    with respx.mock(base_url=root, using="httpx", assert_all_called=True) as router:
        router.get("/dags/d/dagRuns/r/taskInstances/t/logs/1").respond(json=body)
        log = await (client if api == "v1" else client_v2).task_instances.get_log("d", "r", "t", 1)
    assert log.continuation_token == body.get("continuation_token")
    if api == "v1":
        assert log.events == ()
        assert log.text.strip()
        return
    assert len(log.events) == len(body["content"])
    for event, sent in zip(log.events, body["content"], strict=True):
        # The four keys every event may carry are typed; the others are the event's own.
        kept: dict[str, Any] = dict(event.fields)
        kept.update({"event": event.event, "level": event.level, "logger": event.logger})
        if event.timestamp is not None:
            kept["timestamp"] = event.timestamp
        assert covers(kept, non_null(sent))
    assert log.text.count("\n") == len(body["content"])
