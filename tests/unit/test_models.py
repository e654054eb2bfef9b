"""The generated models: one per schema, named like it, all-optional, frozen, open enums."""

from __future__ import annotations

import enum
import json
import pathlib
import sys
import typing
from typing import Any

import attrs
import pytest

from airflow_client_async import models
from airflow_client_async.models import (
    DAG,
    BasicDAGRun,
    Connection,
    CronExpression,
    DagState,
    Pool,
    RelativeDelta,
    ScheduleInterval,
    TaskState,
    TimeDelta,
    User,
    WeightRule,
)
from airflow_client_async.models._base import Model, StrEnum

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from spec_corrections import apply_corrections  # noqa: E402

RAW_SPEC = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
SPEC = apply_corrections(RAW_SPEC)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]


def _is_object(schema: dict[str, Any]) -> bool:
    return "properties" in schema or "allOf" in schema or schema.get("type") == "object"


def _declared_keys(schema: dict[str, Any]) -> list[str]:
    if "$ref" in schema:
        return _declared_keys(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    keys: list[str] = []
    for part in schema.get("allOf", []):
        keys.extend(k for k in _declared_keys(part) if k not in keys)
    keys.extend(k for k in schema.get("properties", {}) if k not in keys)
    return keys


def test_spec_has_98_schemas() -> None:
    assert len(RAW_SPEC["components"]["schemas"]) == 98


@pytest.mark.parametrize("name", sorted(RAW_SPEC["components"]["schemas"]))
def test_every_schema_has_a_model(name: str) -> None:
    schema = SCHEMAS[name]
    assert name in models.__all__
    model = getattr(models, name)
    if "enum" in schema:
        assert isinstance(model, type)
        assert issubclass(model, enum.Enum)
        assert issubclass(model, str)
        assert [m.value for m in model] == [v for v in schema["enum"] if v is not None]
    elif "anyOf" in schema or not _is_object(schema):
        # ScheduleInterval (a union), Timezone and Color (strings) are type aliases.
        assert not attrs.has(model)
    else:
        assert attrs.has(model)
        assert model.__name__ == name
        keys = [f.metadata.get("json", f.name) for f in attrs.fields(model)]
        assert keys == [*_declared_keys(schema), "extra_fields"]


def test_all_is_sorted_and_complete() -> None:
    assert models.__all__ == sorted(models.__all__)
    for name in models.__all__:
        assert getattr(models, name) is not None
    public = {n for n in vars(models) if not n.startswith("_")} - {"annotations"}
    assert public <= set(models.__all__) | {"_base", "_generated"}


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


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_models_are_frozen_kw_only_and_all_optional(cls: type) -> None:
    fields = attrs.fields(cls)
    assert fields[-1].name == "extra_fields"
    assert fields[-1].repr is False
    for field in fields[:-1]:
        assert field.default is None
        assert field.kw_only
    instance = cls()
    assert instance == cls()
    assert instance.extra_fields == {}
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        instance.extra_fields = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        cls("positional")
    assert issubclass(cls, Model)


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_field_annotations_allow_none(cls: type) -> None:
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls)[:-1]:
        hint = hints[field.name]
        assert hint is Any or type(None) in typing.get_args(hint), (cls, field.name)


@pytest.mark.parametrize("cls", _enum_classes(), ids=lambda c: c.__name__)
def test_enums_are_str_enums(cls: type[enum.Enum]) -> None:
    assert issubclass(cls, StrEnum)
    for member in cls:
        assert str(member) == member.value
        assert member == member.value
        assert member.name == member.name.upper()


def test_enum_fields_also_accept_str() -> None:
    hints = typing.get_type_hints(models.DAGRun)

    assert set(typing.get_args(hints["state"])) == {DagState, str, type(None)}


def test_inline_names() -> None:
    assert models.DagRunType.MANUAL == "manual"
    assert models.UpdateDagState.QUEUED == "queued"
    assert attrs.has(models.UserRole)
    roles = typing.get_type_hints(models.UserCollectionItem)["roles"]
    # The spec marks the items nullable.
    assert set(typing.get_args(roles)) == {list[models.UserRole | None], type(None)}


def test_null_in_a_spec_enum_is_no_member() -> None:
    assert None not in [m.value for m in TaskState]
    assert TaskState.NONE.value == "none"


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
        dict[str, Any],
    }


def test_basic_dag_run_has_both_ids() -> None:
    names = [f.name for f in attrs.fields(BasicDAGRun)]

    assert names[:2] == ["dag_run_id", "run_id"]


def test_secrets_have_repr_off() -> None:
    assert attrs.fields_dict(Connection)["password"].repr is False
    assert attrs.fields_dict(Connection)["extra"].repr is False
    assert attrs.fields_dict(User)["password"].repr is False
    assert attrs.fields_dict(Connection)["login"].repr is True
    assert "hunter2" not in repr(Connection(connection_id="c", password="hunter2", extra="hunter2"))


def test_repr_and_equality_behave_like_attrs() -> None:
    pool = Pool(name="p", slots=3, extra_fields={"x": 1})

    assert repr(pool).startswith("Pool(name='p', slots=3, occupied_slots=None")
    assert "extra_fields" not in repr(pool)
    assert pool == Pool(name="p", slots=3, extra_fields={"x": 1})
    assert pool != Pool(name="p", slots=3)
    assert pool != Pool(name="p", slots=4, extra_fields={"x": 1})
    assert pool != "Pool"
    assert DAG(dag_id="p") != Pool(name="p")
    assert attrs.evolve(pool, slots=4).slots == 4


def test_models_are_not_hashable() -> None:
    with pytest.raises(TypeError):
        hash(Pool(name="p"))


def test_field_docstrings_come_from_the_spec() -> None:
    source = (ROOT / "airflow_client_async/models/_generated.py").read_text(encoding="utf-8")

    assert '    dag_id: str | None = None\n    """The ID of the DAG."""' in source
    assert "&#58;" not in source


def test_no_model_field_shadows_a_name_used_in_annotations() -> None:
    for cls in _model_classes():
        for field in attrs.fields(cls):
            assert field.name not in {"datetime", "attrs", "Any", "TypeAlias", "Model", "StrEnum"}
