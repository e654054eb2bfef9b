"""What a type annotation means to the converter.

Predicates and helpers that read the types of model fields: unions and optionals, open
enums (``DagRunState | str``), free-form JSON, the ``__type`` tagged unions, generated
models and their required keys. They choose the hook that decodes a type; none of them
decodes a value.
"""

from __future__ import annotations

import enum
import typing
from types import NoneType, UnionType
from typing import Any, Literal, Union

import attrs

from .._types import JsonValue

__all__ = [
    "EXTRA_FIELDS",
    "TAG_KEY",
    "is_enum",
    "is_fixed_tuple",
    "is_json",
    "is_literal",
    "is_model",
    "is_plain_union",
    "literal_keys",
    "open_enum",
    "optional_union",
    "required_keys",
    "split_optional",
    "tag_of",
    "tagged_union",
    "union_args",
]

#: The last field of every generated model: the keys its schema does not declare.
EXTRA_FIELDS = "extra_fields"
#: The key that names the class of a tagged union's member.
TAG_KEY = "__type"


def is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is Union or origin is UnionType:
        return typing.get_args(tp)
    return None


_JSON_SCALARS = frozenset({str, int, float, bool})


def is_json(tp: Any) -> bool:
    """Whether ``tp`` is :data:`JsonValue` (recognised by shape: its forward references
    may or may not be resolved)."""
    if tp is Any or tp is JsonValue or tp is object:
        return True
    args = union_args(tp)
    if args is None:
        return False
    plain: set[Any] = {a for a in args if isinstance(a, type) and a is not NoneType}
    others = [a for a in args if not isinstance(a, type)]
    return plain == set(_JSON_SCALARS) and all(typing.get_origin(o) in (dict, list) for o in others)


def split_optional(tp: Any) -> tuple[Any, bool]:
    """Return ``(tp without None, whether None was allowed)``."""
    if is_json(tp):
        return tp, True
    args = union_args(tp)
    if args is None or NoneType not in args:
        return tp, False
    rest = tuple(a for a in args if a is not NoneType)
    return (rest[0] if len(rest) == 1 else Union[rest]), True  # noqa: UP007


def open_enum(tp: Any) -> type[enum.Enum] | None:
    """Return ``E`` if ``tp`` is ``E | str`` for an enum ``E``."""
    args = union_args(tp)
    if args is None or len(args) != 2 or str not in args:
        return None
    other = args[0] if args[1] is str else args[1]
    return other if is_enum(other) else None


def tag_of(cls: Any) -> str | None:
    """Return the tag a model carries in ``__type``, or None if it has no such field."""
    if not attrs.has(cls):
        return None
    for field in attrs.fields(cls):
        if field.metadata.get("json", field.name) == TAG_KEY:
            return str(cls.__name__)
    return None


def tagged_union(tp: Any) -> tuple[list[type], bool] | None:
    """If ``tp`` is a union of ``__type``-tagged models (and maybe ``dict``), describe it."""
    args = union_args(tp)
    if args is None:
        return None
    classes = [a for a in args if a is not NoneType and tag_of(a) is not None]
    others = [a for a in args if a is not NoneType and a not in classes]
    if len(classes) < 2 or any(typing.get_origin(o) is not dict for o in others):
        return None
    return classes, bool(others)


def is_model(cls: Any) -> bool:
    """Whether ``cls`` is decoded by the generated fast path (every generated model is)."""
    if not (isinstance(cls, type) and attrs.has(cls)):
        return False
    fields = attrs.fields(cls)
    if not fields or fields[-1].name != EXTRA_FIELDS:
        return False
    return all(f.init for f in fields)


def required_keys(cls: type) -> frozenset[str]:
    """The JSON keys a model needs: its fields without a default."""
    return frozenset(
        f.metadata.get("json", f.name) for f in attrs.fields(cls)[:-1] if f.default is attrs.NOTHING
    )


def literal_keys(cls: type) -> dict[str, tuple[Any, ...]]:
    """The JSON keys of a model's ``Literal`` fields and the values each allows."""
    attrs.resolve_types(cls)
    return {
        f.metadata.get("json", f.name): typing.get_args(f.type)
        for f in attrs.fields(cls)[:-1]
        if is_literal(f.type)
    }


def is_plain_union(tp: Any) -> bool:
    """A union the dedicated hooks (optional, open enum, tagged, JSON) do not decode."""
    args = union_args(tp)
    if args is None or NoneType in args or is_json(tp) or open_enum(tp) is not None:
        return False
    return tagged_union(tp) is None


def optional_union(tp: Any) -> Any | None:
    """``X`` when ``tp`` is ``X | None`` and ``X`` is itself a union (cattrs' own optional
    handling covers a single ``X``)."""
    inner, optional = split_optional(tp)
    if not optional or is_json(tp) or union_args(inner) is None:
        return None
    return inner


def is_fixed_tuple(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and bool(args) and Ellipsis not in args


def is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is Literal
