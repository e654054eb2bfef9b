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
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest

from airflow_client_async import _converter, models
from airflow_client_async.models._schemas import V1_SCHEMAS

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


def untyped(value: Any, path: str = "") -> list[str]:
    """Every ``extra_fields`` entry anywhere in a decoded value, as ``path.key``."""
    found: list[str] = []
    if attrs.has(type(value)):
        found.extend(f"{path}.{key}" for key in getattr(value, "extra_fields", {}))
        for field in attrs.fields(type(value)):
            if field.name != "extra_fields":
                found.extend(untyped(getattr(value, field.name), f"{path}.{field.name}"))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(untyped(item, f"{path}[{index}]"))
    elif isinstance(value, dict):
        for key, item in value.items():
            found.extend(untyped(item, f"{path}[{key!r}]"))
    return found


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


def covers(found: Any, sent: Any) -> bool:
    """Whether ``found`` holds every key and value of ``sent`` (nulls and instants alike).

    A duration sent as Airflow's TimeDelta object is found as an ISO 8601 duration.
    """
    if isinstance(sent, dict) and sent.get("__type") == "TimeDelta" and isinstance(found, str):
        sent_as = dt.timedelta(
            days=sent["days"], seconds=sent["seconds"], microseconds=sent["microseconds"]
        )
        return _converter.parse_duration(found) == sent_as
    if isinstance(sent, dict):
        return isinstance(found, dict) and all(
            key in found and covers(found[key], value) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(found, list)
            and len(found) == len(sent)
            and all(covers(f, s) for f, s in zip(found, sent, strict=True))
        )
    return bool(non_null(found) == non_null(sent))


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
