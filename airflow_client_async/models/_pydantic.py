"""How a model describes itself to pydantic, imported only when pydantic asks.

A FastAPI endpoint may declare a model as its return type (and, with ``Body()``, as its
request body): pydantic then builds the model's schema from here. Validation goes through
``Model.from_dict`` (a model instance passes as it is), serialisation through
``Model.to_dict``, and the JSON schema (so the app's OpenAPI document) lists the model's
fields under their JSON names with their types: nested models as references, enums,
datetimes, durations, lists and maps; identity fields are required, and undeclared keys
allowed.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Literal, Union

import attrs
from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

from .._converter import is_json_type, union_members

__all__ = ["model_core_schema"]


def _for_pydantic(tp: Any) -> Any:
    """``tp`` with free-form JSON replaced by ``Any`` (pydantic cannot resolve the alias)."""
    if is_json_type(tp):
        return Any
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal or not args:
        return tp
    converted = tuple(_for_pydantic(arg) for arg in args)
    if union_members(tp) is not None:
        return Union[converted]  # noqa: UP007
    if origin is list:
        return list[converted[0]]  # type: ignore[valid-type]
    if origin is dict:
        return dict[converted[0], converted[1]]  # type: ignore[valid-type]
    if origin is tuple:
        return tuple[converted]  # type: ignore[valid-type]
    return tp


def model_core_schema(cls: type[Any], handler: GetCoreSchemaHandler) -> CoreSchema:
    """Return the pydantic core schema of a generated model class."""
    attrs.resolve_types(cls)
    fields: dict[str, core_schema.TypedDictField] = {}
    for field in attrs.fields(cls)[:-1]:
        key = field.metadata.get("json", field.name)
        schema = handler.generate_schema(_for_pydantic(field.type))
        fields[key] = core_schema.typed_dict_field(schema, required=field.default is attrs.NOTHING)
    doc = inspect.getdoc(cls) or ""
    described = core_schema.typed_dict_schema(
        fields,
        extra_behavior="allow",
        config=core_schema.CoreConfig(title=cls.__name__),
        metadata={"pydantic_js_updates": {"description": doc.split("\n\n", 1)[0]}},
    )

    def validate(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        return cls.from_dict(value)

    def serialize(value: Any) -> Any:
        return value.to_dict() if isinstance(value, cls) else value

    return core_schema.json_or_python_schema(
        json_schema=core_schema.no_info_after_validator_function(validate, described),
        python_schema=core_schema.no_info_plain_validator_function(validate),
        serialization=core_schema.plain_serializer_function_ser_schema(
            serialize, when_used="always"
        ),
        ref=f"{cls.__module__}.{cls.__qualname__}:{id(cls)}",
    )
