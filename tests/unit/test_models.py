"""The generated models: one set for the three specs, typed the same for Airflow 2 and 3."""

from __future__ import annotations

import builtins
import datetime as dt
import enum
import json
import pathlib
import subprocess
import sys
import typing
from typing import Any

import attrs
import pytest

import airflow_client_async
from airflow_client_async import JsonValue, ModelValidationError, models, to_jsonable
from airflow_client_async.models import (
    DAG,
    Asset,
    AssetEvent,
    BasicDAGRun,
    Connection,
    CronExpression,
    DAGRun,
    DagRunMutableStates,
    DagRunState,
    DagRunType,
    EventLog,
    Pool,
    PoolBody,
    RelativeDelta,
    ScheduleInterval,
    Tag,
    Task,
    TaskInstance,
    TaskInstanceState,
    TimeDelta,
    User,
    WeightRule,
    XCom,
)
from airflow_client_async.models._base import Model, StrEnum
from tests.support.model_schemas import FAB_SCHEMAS, V1_SCHEMAS, V2_SCHEMAS

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import generate_models  # noqa: E402
from model_concepts import CONCEPTS  # noqa: E402

SPECS = generate_models.load_specs()
MAPS = {"v1": V1_SCHEMAS, "v2": V2_SCHEMAS, "fab": FAB_SCHEMAS}
EVERY_SCHEMA = [(source, name) for source in ("v1", "v2", "fab") for name in MAPS[source]]


def _schemas(source: str) -> dict[str, Any]:
    schemas: dict[str, Any] = SPECS[source]["components"]["schemas"]
    return schemas


def _declared_keys(source: str, schema: dict[str, Any]) -> list[str]:
    if "$ref" in schema:
        return _declared_keys(source, _schemas(source)[schema["$ref"].rsplit("/", 1)[-1]])
    keys: list[str] = []
    for part in schema.get("allOf", []):
        keys.extend(k for k in _declared_keys(source, part) if k not in keys)
    keys.extend(k for k in schema.get("properties", {}) if k not in keys)
    return keys


def _model_classes() -> list[type]:
    return [
        getattr(models, name)
        for name in models.__all__
        if isinstance(getattr(models, name), type) and attrs.has(getattr(models, name))
    ]


def _enum_classes() -> list[type[enum.Enum]]:
    return [
        getattr(models, name)
        for name in models.__all__
        if isinstance(getattr(models, name), type) and issubclass(getattr(models, name), enum.Enum)
    ]


def _json_keys(cls: type) -> list[str]:
    return [f.metadata.get("json", f.name) for f in attrs.fields(cls)[:-1]]


IDENTITY = {c.name: set(c.identity) for c in CONCEPTS}


# -- one model set for every schema -----------------------------------------------------------


def test_the_specs_hold_what_was_extracted() -> None:
    assert len(V1_SCHEMAS) == 99  # 98, and DatasetAlias from the corrections
    assert len(V2_SCHEMAS) == 163
    assert len(FAB_SCHEMAS) == 16


@pytest.mark.parametrize(
    ("source", "name"), EVERY_SCHEMA, ids=[f"{s}:{n}" for s, n in EVERY_SCHEMA]
)
def test_every_schema_of_every_spec_has_a_model(source: str, name: str) -> None:
    schema = _schemas(source)[name]
    model_name = MAPS[source][name]
    assert model_name in models.__all__
    model = getattr(models, model_name)
    if "enum" in schema:
        assert isinstance(model, type)
        assert issubclass(model, StrEnum)
        assert {v for v in schema["enum"] if v is not None} <= {m.value for m in model}
    elif "anyOf" in schema or "oneOf" in schema or schema.get("type") not in (None, "object"):
        # ScheduleInterval (a union), Timezone and Color (strings) are type aliases.
        assert not attrs.has(model)
    elif model_name == "JsonValue":
        assert model is JsonValue
    else:
        assert attrs.has(model)
        assert model.__name__ == model_name
        # The model's fields are the union of its schemas': every key of this one is there.
        assert set(_declared_keys(source, schema)) <= set(_json_keys(model))


def test_all_is_sorted_and_complete() -> None:
    assert models.__all__ == sorted(models.__all__)
    for name in models.__all__:
        assert getattr(models, name) is not None
    # "@py_builtins" and "@pytest_ar" are pytest's, when it rewrites the package's asserts (it
    # does for every distribution that ships a pytest plugin); no import can name them.
    public = {n for n in vars(models) if not n.startswith(("_", "@"))} - {"annotations"}
    assert public <= set(models.__all__) | {"_base", "_generated"}


def test_no_model_shadows_a_builtin() -> None:
    assert {name for name in models.__all__ if hasattr(builtins, name)} == set()
    assert issubclass(models.DagImportError, Model)


def test_datasets_are_assets() -> None:
    assert V1_SCHEMAS["Dataset"] == V2_SCHEMAS["AssetResponse"] == "Asset"
    assert V1_SCHEMAS["DatasetEvent"] == "AssetEvent"
    assert V1_SCHEMAS["DatasetCollection"] == "AssetCollection"
    assert V1_SCHEMAS["DagScheduleDatasetReference"] == "DagScheduleAssetReference"
    assert V1_SCHEMAS["TaskOutletDatasetReference"] == "TaskOutletAssetReference"
    assert not [name for name in models.__all__ if name.startswith("Dataset")]


def test_list_items_and_single_objects_are_one_class() -> None:
    assert V1_SCHEMAS["VariableCollectionItem"] == V1_SCHEMAS["Variable"] == "Variable"
    assert V1_SCHEMAS["ConnectionCollectionItem"] == V1_SCHEMAS["Connection"] == "Connection"
    assert V1_SCHEMAS["UserCollectionItem"] == V1_SCHEMAS["User"] == FAB_SCHEMAS["UserResponse"]
    assert {V1_SCHEMAS["XComCollectionItem"], V2_SCHEMAS["XComResponseNative"]} == {"XCom"}
    assert V2_SCHEMAS["XComResponseString"] == V2_SCHEMAS["XComResponse"] == "XCom"


# -- fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_models_are_frozen_kw_only_and_optional_but_for_identity(cls: type) -> None:
    fields = attrs.fields(cls)
    assert fields[-1].name == "extra_fields"
    assert fields[-1].repr is False
    required = {f.metadata.get("json", f.name) for f in fields[:-1] if f.default is attrs.NOTHING}
    assert required == IDENTITY.get(cls.__name__, set())
    for field in fields[:-1]:
        assert field.kw_only
        if field.default is not attrs.NOTHING:
            literal = typing.get_origin(typing.get_type_hints(cls)[field.name]) is typing.Literal
            assert field.default is None or literal
    ids = {f.name: _identity_value(cls, f) for f in fields[:-1] if f.default is attrs.NOTHING}
    instance = cls(**ids)
    assert instance == cls(**ids)
    assert instance.extra_fields == {}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        instance.extra_fields = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        cls("positional")
    assert issubclass(cls, Model)


def _identity_value(cls: type, field: attrs.Attribute[Any]) -> Any:
    hint = typing.get_type_hints(cls)[field.name]
    return 1 if hint is int else "x"


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_only_identity_fields_are_typed_without_none(cls: type) -> None:
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls)[:-1]:
        hint = hints[field.name]
        allows_none = type(None) in typing.get_args(hint)
        if field.default is attrs.NOTHING:
            assert not allows_none, (cls, field.name)
            # An id, a name or a key: an int, a string, or an enum that keeps any string.
            assert hint in (str, int) or str in typing.get_args(hint), (cls, field.name)
        elif typing.get_origin(hint) is not typing.Literal:
            assert allows_none, (cls, field.name)


def _has_any(tp: Any, seen: set[int]) -> bool:
    if tp is Any:
        return True
    if id(tp) in seen:
        return False
    seen.add(id(tp))
    return any(_has_any(arg, seen) for arg in typing.get_args(tp) if not isinstance(arg, str))


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_no_field_is_typed_any(cls: type) -> None:
    for name, hint in typing.get_type_hints(cls).items():
        assert not _has_any(hint, set()), (cls, name, hint)


def test_request_bodies_have_no_required_field() -> None:
    for name in ("PoolBody", "TriggerDAGRunPostBody", "ClearTaskInstances", "UserBody"):
        cls = getattr(models, name)
        assert all(f.default is not attrs.NOTHING for f in attrs.fields(cls))
        assert "request body" in (cls.__doc__ or "")


def test_identity_fields_are_listed_in_the_docstring() -> None:
    assert "Identity fields (always sent, required): ``dag_run_id``, ``dag_id``." in (
        DAGRun.__doc__ or ""
    )


def test_the_fields_are_the_union_of_both_versions() -> None:
    keys = set(_json_keys(DAGRun))
    assert {"execution_date", "external_trigger"} <= keys  # Airflow 2
    assert {"run_after", "triggered_by", "dag_versions", "partition_key"} <= keys  # Airflow 3
    assert {"is_active", "is_stale", "schedule_interval", "timetable_summary"} <= set(
        _json_keys(DAG)
    )


def test_one_type_where_the_versions_differ() -> None:
    hints = typing.get_type_hints(Task)
    assert hints["retry_delay"] == dt.timedelta | None
    assert hints["execution_timeout"] == dt.timedelta | None
    assert hints["retries"] == int | None
    assert hints["retry_exponential_backoff"] == float | None
    assert typing.get_type_hints(models.DAGDetail)["dag_run_timeout"] == dt.timedelta | None
    assert typing.get_type_hints(models.ConfigOption)["value"] == str | tuple[str, str] | None


def test_filled_fields_name_their_source() -> None:
    fills = {
        (cls.__name__, f.metadata.get("json", f.name)): f.metadata["fill"]
        for cls in _model_classes()
        for f in attrs.fields(cls)
        if "fill" in f.metadata
    }
    assert fills[("TaskInstance", "logical_date")] == "execution_date"
    assert fills[("XCom", "logical_date")] == "execution_date"
    assert fills[("EventLog", "logical_date")] == "execution_date"
    assert fills[("AssetEvent", "asset_id")] == "dataset_id"
    assert fills[("AssetEvent", "uri")] == "dataset_uri"
    assert fills[("Asset", "scheduled_dags")] == "consuming_dags"
    assert ("DAGRun", "logical_date") not in fills
    assert ("DAG", "is_stale") not in fills


# -- enums ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", _enum_classes(), ids=lambda c: c.__name__)
def test_enums_are_str_enums(cls: type[enum.Enum]) -> None:
    assert issubclass(cls, StrEnum)
    for member in cls:
        assert str(member) == member.value
        assert member == member.value
        assert member.name == member.name.upper()


def test_enums_hold_every_version_s_values() -> None:
    assert {m.value for m in DagRunState} == {"queued", "running", "success", "failed"}
    assert {"dataset_triggered", "asset_triggered", "operator_triggered"} <= {
        m.value for m in DagRunType
    }
    assert {"none", "shutdown", "awaiting_input"} - {m.value for m in TaskInstanceState} <= {
        "shutdown"
    }
    assert TaskInstanceState.NONE.value == "none"
    assert TaskInstanceState.AWAITING_INPUT.value == "awaiting_input"
    assert {m.value for m in DagRunMutableStates} == {"queued", "success", "failed"}


def test_enum_fields_also_accept_str() -> None:
    hints = typing.get_type_hints(DAGRun)
    assert set(typing.get_args(hints["state"])) == {DagRunState, str, type(None)}


def test_null_in_a_spec_enum_is_no_member() -> None:
    assert None not in [m.value for m in TaskInstanceState]


def test_weight_rule_has_the_built_in_values() -> None:
    assert [m.value for m in WeightRule] == ["downstream", "upstream", "absolute"]


def test_type_key_becomes_type_attribute() -> None:
    for cls in (TimeDelta, RelativeDelta, CronExpression):
        field = attrs.fields_dict(cls)["type"]
        assert field.metadata == {"json": "__type"}
    assert CronExpression(type="CronExpression", value="@daily").type == "CronExpression"


def test_schedule_interval_alias() -> None:
    assert set(typing.get_args(ScheduleInterval)) == {
        TimeDelta,
        RelativeDelta,
        CronExpression,
        dict[str, JsonValue],
        type(None),
    }


def test_basic_dag_run_reads_both_ids() -> None:
    fields = attrs.fields_dict(BasicDAGRun)
    assert fields["run_id"].metadata == {"fill": "dag_run_id"}
    assert "dag_run_id" in fields


# -- repr, equality, secrets -------------------------------------------------------------------


def test_secrets_have_repr_off() -> None:
    assert attrs.fields_dict(Connection)["password"].repr is False
    assert attrs.fields_dict(Connection)["extra"].repr is False
    assert attrs.fields_dict(User)["password"].repr is False
    assert attrs.fields_dict(Connection)["login"].repr is True
    assert "hunter2" not in repr(Connection(connection_id="c", password="hunter2", extra="hunter2"))


def test_repr_and_equality_behave_like_attrs() -> None:
    pool = Pool(name="p", slots=3, extra_fields={"x": 1})

    assert repr(pool).startswith("Pool(name='p', slots=3, description=None")
    assert "extra_fields" not in repr(pool)
    assert pool == Pool(name="p", slots=3, extra_fields={"x": 1})
    assert pool != Pool(name="p", slots=3)
    assert pool != Pool(name="p", slots=4, extra_fields={"x": 1})
    assert pool != "Pool"
    assert DAG(dag_id="p", file_token="t") != Pool(name="p")
    assert attrs.evolve(pool, slots=4).slots == 4


def test_models_are_not_hashable() -> None:
    with pytest.raises(TypeError):
        hash(Pool(name="p"))


def test_field_docstrings_come_from_the_spec() -> None:
    source = (ROOT / "airflow_client_async/models/_generated.py").read_text(encoding="utf-8")

    assert '    dag_id: str\n    """The ID of the DAG."""' in source
    assert "&#58;" not in source
    assert "Sent by Airflow 3 only." in source


def test_no_model_field_shadows_a_name_used_in_annotations() -> None:
    names = {"datetime", "attrs", "TypeAlias", "Literal", "Model", "StrEnum", "JsonValue"}
    for cls in _model_classes():
        for field in attrs.fields(cls):
            assert field.name not in names


# -- the JSON form ----------------------------------------------------------------------------

WHEN = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


def test_to_dict_has_every_field_with_wire_names_and_json_values() -> None:
    run = DAGRun(
        dag_id="d",
        dag_run_id="r",
        state=DagRunState.RUNNING,
        logical_date=WHEN,
        conf={"n": [1, None]},
        extra_fields={"new_key": {"x": None}},
    )

    as_dict = run.to_dict()

    assert list(as_dict)[: len(_json_keys(DAGRun))] == _json_keys(DAGRun)
    assert as_dict["state"] == "running" and type(as_dict["state"]) is str
    assert as_dict["logical_date"] == "2025-03-01T09:30:00+00:00"
    assert as_dict["note"] is None
    assert as_dict["conf"] == {"n": [1, None]}
    assert as_dict["new_key"] == {"x": None}
    assert json.loads(run.to_json()) == as_dict
    assert DAGRun.from_dict(as_dict) == run


def test_exclude_none_drops_none_fields_in_nested_models_too() -> None:
    dag = DAG(dag_id="d", file_token="t", tags=[Tag(name="a")], owners=["o"])

    assert dag.to_dict(exclude_none=True) == {
        "dag_id": "d",
        "file_token": "t",
        "tags": [{"name": "a"}],
        "owners": ["o"],
    }
    assert json.loads(dag.to_json(exclude_none=True, indent=2)) == dag.to_dict(exclude_none=True)


def test_durations_and_renamed_keys_in_the_json_form() -> None:
    task = Task(task_id="t", retry_delay=dt.timedelta(minutes=5))
    delta = TimeDelta(type="TimeDelta", days=1)

    assert task.to_dict()["retry_delay"] == "PT5M"
    assert Task.from_dict(task.to_dict()) == task
    assert delta.to_dict(exclude_none=True) == {"__type": "TimeDelta", "days": 1}


def test_from_dict_raises_a_typed_error_naming_class_and_field() -> None:
    with pytest.raises(ModelValidationError) as caught:
        DAGRun.from_dict({"dag_id": "d"})
    assert str(caught.value) == "DAGRun: dag_run_id: required field missing"
    assert caught.value.model == "DAGRun"
    assert caught.value.errors == ["dag_run_id: required field missing"]
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, airflow_client_async.AirflowError)

    with pytest.raises(ModelValidationError, match=r"DAG: tags\[0\]\.name: expected a string"):
        DAG.from_dict({"dag_id": "d", "file_token": "t", "tags": [{"name": []}]})
    with pytest.raises(ModelValidationError, match="Pool: expected an object, got an array"):
        Pool.from_dict([])  # type: ignore[arg-type]


def test_from_dict_fills_the_names_of_airflow_3() -> None:
    instance = TaskInstance.from_dict(
        {
            "dag_id": "d",
            "dag_run_id": "r",
            "task_id": "t",
            "map_index": -1,
            "try_number": 1,
            "execution_date": "2025-03-01T09:30:00+00:00",
        }
    )
    event = AssetEvent.from_dict({"id": 1, "dataset_id": 3, "dataset_uri": "s3://b/k"})
    log = EventLog.from_dict({"event_log_id": 1, "execution_date": "2025-03-01T09:30:00Z"})
    xcom = XCom.from_dict({"dag_id": "d", "task_id": "t", "key": "k", "map_index": -1})

    assert instance.logical_date == instance.execution_date == WHEN
    assert (event.asset_id, event.uri) == (3, "s3://b/k")
    assert log.logical_date == WHEN
    assert xcom.logical_date is None
    asset = Asset.from_dict({"id": 1, "uri": "u", "consuming_dags": [{"dag_id": "c"}]})
    assert [d.dag_id for d in asset.scheduled_dags or []] == ["c"]


def test_to_jsonable_turns_any_result_into_json() -> None:
    from airflow_client_async import Page, RunError

    page = Page(items=[Pool(name="p", slots=1)], total_entries=1, offset=0, limit=10)
    result = RunError(dag_id="d", dag_run_id="r", error=ValueError("no"))

    assert to_jsonable(page) == {
        "items": [Pool(name="p", slots=1).to_dict()],
        "total_entries": 1,
        "offset": 0,
        "limit": 10,
    }
    assert to_jsonable(page, exclude_none=True) == {
        "items": [{"name": "p", "slots": 1}],
        "total_entries": 1,
        "offset": 0,
        "limit": 10,
    }
    assert to_jsonable([DagRunState.FAILED, WHEN, dt.timedelta(seconds=1.5), (1, "a")]) == [
        "failed",
        "2025-03-01T09:30:00+00:00",
        "PT1.5S",
        [1, "a"],
    ]
    assert to_jsonable({"pool": Pool(name="p")}, exclude_none=True) == {"pool": {"name": "p"}}
    assert to_jsonable(result) == {
        "dag_id": "d",
        "dag_run_id": "r",
        "error": {"type": "ValueError", "message": "no"},
        "attempts": 0,
        "elapsed": 0.0,
        "ok": False,
    }
    json.dumps(to_jsonable(result))
    with pytest.raises(TypeError, match="cannot turn a object into JSON"):
        to_jsonable(object())


def test_public_names() -> None:
    for name in ("JsonValue", "ModelValidationError", "to_jsonable"):
        assert name in airflow_client_async.__all__
    assert models.JsonValue is airflow_client_async.JsonValue


# -- pydantic and FastAPI ------------------------------------------------------------------------


def test_importing_the_package_does_not_import_pydantic() -> None:
    code = (
        "import sys, airflow_client_async, airflow_client_async.models as m\n"
        "m.DAGRun(dag_id='d', dag_run_id='r').to_dict()\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in {'pydantic', 'pydantic_core'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pydantic_validates_serialises_and_describes_models() -> None:
    pydantic = pytest.importorskip("pydantic")
    adapter = pydantic.TypeAdapter(DAGRun)
    run = DAGRun(dag_id="d", dag_run_id="r", state=DagRunState.QUEUED, logical_date=WHEN)

    assert adapter.validate_python(run) is run
    assert adapter.validate_python(run.to_dict()) == run
    assert adapter.validate_json(run.to_json()) == run
    assert adapter.dump_python(run, mode="json") == run.to_dict()
    assert json.loads(adapter.dump_json(run)) == run.to_dict()
    with pytest.raises(pydantic.ValidationError, match="dag_run_id"):
        adapter.validate_python({"dag_id": "d"})

    schema = pydantic.TypeAdapter(list[DAGRun]).json_schema(mode="serialization")
    definition = schema["$defs"]["DAGRun"]
    assert definition["required"] == ["dag_run_id", "dag_id"]
    assert definition["properties"]["logical_date"]["anyOf"][0] == {
        "type": "string",
        "format": "date-time",
    }
    assert definition["properties"]["dag_versions"]["anyOf"][0]["items"] == {
        "$ref": "#/$defs/DagVersion"
    }
    assert definition["additionalProperties"] is True
    assert {"$ref": "#/$defs/DagRunState"} in definition["properties"]["state"]["anyOf"]


def test_pydantic_reads_a_request_body_model() -> None:
    pydantic = pytest.importorskip("pydantic")
    body = pydantic.TypeAdapter(PoolBody).validate_python({"name": "p", "slots": 2})
    assert body == PoolBody(name="p", slots=2)
