"""Structure and unstructure hooks for enums, unions, tuples and literals.

Each ``make_*_hook`` is a cattrs hook factory: given a type (and the converter, where the
hook decodes members through it), it returns the function that decodes values of that
type. Which types they serve is decided by the predicates of :mod:`._typeinfo`.
"""

from __future__ import annotations

import datetime as _dt
import enum
import typing
from collections.abc import Callable
from types import NoneType
from typing import Any

import cattrs

from ._codecs import describe_kind, expect_dict, expect_list
from ._typeinfo import (
    TAG_KEY,
    is_enum,
    is_json,
    is_literal,
    is_model,
    literal_keys,
    open_enum,
    optional_union,
    required_keys,
    tagged_union,
    union_args,
)

__all__ = [
    "Hook",
    "enum_other",
    "make_literal_hook",
    "make_open_enum_hook",
    "make_optional_union_hook",
    "make_tagged_union_hook",
    "make_tuple_hook",
    "make_union_hook",
    "unstructure_enum",
    "unstructure_str",
]

# Structure functions have this signature (cattrs passes the target type second).
Hook = Callable[[Any, Any], Any]


# -- enums -----------------------------------------------------------------------------


def enum_other(value: Any) -> str:
    """The value of an enum field that is no member: kept if it is a string."""
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"expected a string, got {describe_kind(value)}")


def make_open_enum_hook(enum_cls: type[enum.Enum]) -> Hook:
    lookup = enum_cls._value2member_map_.get

    def structure_open_enum(value: Any, _type: Any = None) -> Any:
        return lookup(value) or enum_other(value)

    return structure_open_enum


def unstructure_enum(value: enum.Enum) -> Any:
    return value.value


def unstructure_str(value: str) -> Any:
    # cattrs dispatches a str-mixin enum member to the str hook (str precedes Enum in its
    # MRO), which would hand back the member itself: give its value instead.
    if value.__class__ is str:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    return str.__str__(value)


# -- optional unions -------------------------------------------------------------------


def make_optional_union_hook(tp: Any, conv: cattrs.Converter) -> Hook:
    inner = optional_union(tp)
    hook = conv.get_structure_hook(inner)

    def structure_optional(value: Any, _type: Any = None) -> Any:
        return None if value is None else hook(value, inner)

    return structure_optional


# -- tagged unions ---------------------------------------------------------------------


def make_tagged_union_hook(tp: Any, conv: cattrs.Converter) -> Hook:
    described = tagged_union(tp)
    assert described is not None
    classes, keep_unknown = described
    hooks = {str(c.__name__): (conv.get_structure_hook(c), c) for c in classes}
    names = ", ".join(hooks)

    def structure_tagged(value: Any, _type: Any = None) -> Any:
        if value is None:
            return None
        if value.__class__ is not dict:
            if value.__class__ in hooks.values():
                return value
            value = expect_dict(value)
        found = hooks.get(value.get(TAG_KEY))
        if found is not None:
            return found[0](value, found[1])
        if keep_unknown:
            return value
        raise ValueError(f"unknown {TAG_KEY} {value.get(TAG_KEY)!r}; expected one of {names}")

    return structure_tagged


# -- other unions, tuples and literals ----------------------------------------------------


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object"


def _kinds_of(tp: Any) -> frozenset[str]:
    """The JSON kinds a value of ``tp`` may arrive as."""
    if is_json(tp):
        return frozenset({"null", "boolean", "number", "string", "array", "object"})
    if tp is NoneType:
        return frozenset({"null"})
    if tp is bool:
        return frozenset({"boolean"})
    if tp in (int, float):
        return frozenset({"number"})
    if tp is _dt.timedelta:
        return frozenset({"string", "object", "number"})
    if tp in (str, _dt.datetime) or is_literal(tp) or open_enum(tp) or is_enum(tp):
        return frozenset({"string"})
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        return frozenset({"array"})
    args = union_args(tp)
    if args is not None:
        found: set[str] = set()
        for arg in args:
            found |= _kinds_of(arg)
        return frozenset(found)
    return frozenset({"object"})


def make_union_hook(tp: Any, conv: cattrs.Converter) -> Hook:
    """Decode a union by the value's JSON kind; models by the required keys present."""
    members = typing.get_args(tp)
    by_kind: dict[str, list[Any]] = {}
    for member in members:
        for kind in _kinds_of(member):
            by_kind.setdefault(kind, []).append(member)
    names = " | ".join(getattr(m, "__name__", str(m)) for m in members)
    # Per model member: the keys it needs and the values its Literal fields allow.
    needs = {m: (required_keys(m), literal_keys(m)) for m in members if is_model(m)}

    def choose(value: Any) -> Any:
        kind = _json_kind(value)
        found = by_kind.get(kind)
        if not found:
            raise TypeError(f"expected {names}, got {describe_kind(value)}")
        if len(found) == 1:
            return found[0]
        if kind == "string":
            for member in found:
                if is_literal(member) and value in typing.get_args(member):
                    return member
            plain = [m for m in found if not is_literal(m)]
            if len(plain) == 1:
                return plain[0]
        if kind == "object":
            if isinstance(value, tuple(m for m in found if isinstance(m, type))):
                return value.__class__
            keys = set(value)
            fitting = [
                m
                for m in found
                if m in needs
                and needs[m][0] <= keys
                and all(value.get(k) in allowed for k, allowed in needs[m][1].items())
            ]
            if fitting:
                return max(fitting, key=lambda m: len(needs[m][0]))
        raise TypeError(f"expected {names}; cannot tell which from {describe_kind(value)}")

    def structure_union(value: Any, _type: Any = None) -> Any:
        member = choose(value)
        return conv.get_structure_hook(member)(value, member)

    return structure_union


def make_tuple_hook(tp: Any, conv: cattrs.Converter) -> Hook:
    items = typing.get_args(tp)
    hooks = [(conv.get_structure_hook(t), t) for t in items]

    def structure_tuple(value: Any, _type: Any = None) -> tuple[Any, ...]:
        found = expect_list(value)
        if len(found) != len(hooks):
            raise TypeError(f"expected an array of {len(hooks)} items, got {len(found)}")
        return tuple(hook(v, t) for (hook, t), v in zip(hooks, found, strict=True))

    return structure_tuple


def make_literal_hook(tp: Any) -> Hook:
    allowed = typing.get_args(tp)

    def structure_literal(value: Any, _type: Any = None) -> Any:
        if value in allowed:
            return value
        raise ValueError(f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")

    return structure_literal
