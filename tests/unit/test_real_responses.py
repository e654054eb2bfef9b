"""Decode JSON captured from a real Airflow 2.11.2 server (``scripts/capture_fixtures.py``).

Every fixture is decoded into the model its operation returns, and nothing the server sent
may be lost or left untyped: every key lands on a declared attribute (``extra_fields`` is
empty everywhere, nested models and list items included), every identity field is there,
re-encoding gives back every non-null value, and the JSON form (``to_dict``) reads back
into an equal model.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from typing import Any

import pytest

from airflow_client_async import _converter, models
from tests.support.decoding import covers, non_null, untyped
from tests.support.model_schemas import V1_SCHEMAS

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
            return getattr(models, V1_SCHEMAS[ref.rsplit("/", 1)[-1]]) if ref else None
    raise LookupError(operation_id)


def decoded_records() -> list[tuple[str, type, Any]]:
    records = []
    for path in FIXTURES:
        record = json.loads(path.read_text(encoding="utf-8"))
        model = response_model(record["operation_id"])
        if model is not None and record["operation_id"] != "get_extra_links":
            records.append((path.stem, model, record["body"]))
    return records


DECODED = decoded_records()


def test_fixtures_were_captured() -> None:
    assert len(FIXTURES) >= 40
    assert len(DECODED) >= 35


@pytest.mark.parametrize(("name", "model", "body"), DECODED, ids=[d[0] for d in DECODED])
def test_real_responses_decode_without_loss(name: str, model: type, body: Any) -> None:
    decoded = _converter.structure(body, model)
    assert isinstance(decoded, model)
    # Encoding gives back everything sent (and the names the models fill besides).
    assert covers(_converter.unstructure(decoded), non_null(body))
    assert _converter.structure(_converter.unstructure(decoded), model) == decoded


@pytest.mark.parametrize(("name", "model", "body"), DECODED, ids=[d[0] for d in DECODED])
def test_every_field_a_real_server_sends_is_typed(name: str, model: type, body: Any) -> None:
    assert untyped(_converter.structure(body, model)) == []


@pytest.mark.parametrize(("name", "model", "body"), DECODED, ids=[d[0] for d in DECODED])
def test_the_json_form_reads_back(name: str, model: type, body: Any) -> None:
    decoded = _converter.structure(body, model)
    as_dict = decoded.to_dict()
    assert model.from_dict(json.loads(decoded.to_json())) == decoded
    assert model.from_dict(as_dict) == decoded
    # Everything the server sent is in the JSON form, under its own key.
    assert covers(as_dict, body)


def test_datetimes_the_spec_leaves_unformatted_are_datetimes() -> None:
    assets = _converter.structure(_body("get_datasets"), models.AssetCollection)
    events = _converter.structure(_body("get_dataset_events"), models.AssetEventCollection)
    instance = _converter.structure(_body("get_task_instance"), models.TaskInstance)

    asset = (assets.assets or [])[0]
    assert isinstance(asset.created_at, dt.datetime)
    assert isinstance(asset.updated_at, dt.datetime)
    assert isinstance((asset.producing_tasks or [])[0].created_at, dt.datetime)
    assert isinstance((events.asset_events or [])[0].timestamp, dt.datetime)
    assert isinstance(instance.queued_when, dt.datetime)


def test_integral_numbers_are_ints() -> None:
    detail = _converter.structure(_body("get_dag_details"), models.DAGDetail)
    task = _converter.structure(_body("get_task"), models.Task)

    assert type(detail.concurrency) is int
    assert (type(task.retries), type(task.pool_slots), type(task.priority_weight)) == (int,) * 3


def test_names_of_airflow_3_are_filled_on_airflow_2() -> None:
    instance = _converter.structure(_body("get_task_instance"), models.TaskInstance)
    entry = _converter.structure(_body("get_xcom_entry"), models.XCom)
    events = _converter.structure(_body("get_dataset_events"), models.AssetEventCollection)
    assets = _converter.structure(_body("get_datasets"), models.AssetCollection)
    dag = _converter.structure(_body("get_dag"), models.DAG)

    assert instance.logical_date == instance.execution_date is not None
    assert entry.logical_date == entry.execution_date is not None
    event = (events.asset_events or [])[0]
    assert (event.asset_id, event.uri) == (event.dataset_id, event.dataset_uri)
    run = (event.created_dagruns or [])[0]
    assert run.run_id == run.dag_run_id is not None
    assert assets.assets == assets.datasets
    asset = (assets.assets or [])[0]
    assert asset.scheduled_dags == asset.consuming_dags
    assert dag.next_dagrun_logical_date == dag.next_dagrun
    assert dag.next_dagrun_run_after == dag.next_dagrun_create_after


def _body(name: str) -> Any:
    record = json.loads((REPO / "tests" / "fixtures" / f"{name}.json").read_text())
    return record["body"]
