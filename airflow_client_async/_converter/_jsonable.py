"""The JSON form of results: :func:`to_jsonable` and ``Model.to_dict()``."""

from __future__ import annotations

import datetime as _dt
import enum
import typing
from collections.abc import Mapping, Sequence
from types import NoneType
from typing import Any

import attrs

from .._pagination import Page
from .._types import JsonValue
from ._codecs import format_datetime, format_duration
from ._typeinfo import TAG_KEY, is_model, tag_of

__all__ = ["dump_model", "to_jsonable"]


# Per model class: (attribute, JSON key) of each declared field, and the tag it carries.
_dump_plans: dict[type, tuple[tuple[tuple[str, str], ...], str | None]] = {}
_PLAIN = frozenset({str, int, float, bool, NoneType})


def _dump_plan(cls: type) -> tuple[tuple[tuple[str, str], ...], str | None]:
    plan = _dump_plans.get(cls)
    if plan is None:
        fields = tuple((f.name, f.metadata.get("json", f.name)) for f in attrs.fields(cls)[:-1])
        plan = (fields, tag_of(cls))
        _dump_plans[cls] = plan
    return plan


def dump_model(obj: Any, exclude_none: bool) -> dict[str, JsonValue]:
    """Return the JSON form of one model (``Model.to_dict()``; see :func:`to_jsonable`)."""
    fields, tag = _dump_plan(obj.__class__)
    out: dict[str, JsonValue] = {}
    for name, key in fields:
        value = getattr(obj, name)
        if value is None:
            if key == TAG_KEY and tag is not None:
                out[key] = tag
            elif not exclude_none:
                out[key] = None
            continue
        out[key] = value if value.__class__ in _PLAIN else _dump(value, exclude_none)
    for key, value in obj.extra_fields.items():
        # Keys no schema declares are the server's data: kept as sent, nulls too.
        if key not in out:
            out[key] = _dump(value, False)
    return out


def _dump(value: Any, exclude_none: bool) -> JsonValue:
    """Return ``value`` as JSON-ready data (see :func:`to_jsonable`)."""
    cls = value.__class__
    if cls in _PLAIN:
        return value  # type: ignore[no-any-return]
    if isinstance(value, enum.Enum):
        return _dump(value.value, exclude_none)
    if is_model(cls):
        return dump_model(value, exclude_none)
    if isinstance(value, _dt.datetime):
        return format_datetime(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return format_duration(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_dump(item, exclude_none) for item in typing.cast("Sequence[Any]", value)]
    if isinstance(value, Mapping):
        mapping = typing.cast("Mapping[object, object]", value)
        return {str(_dump(k, False)): _dump(v, exclude_none) for k, v in mapping.items()}
    if isinstance(value, Page):
        page = typing.cast("Page[object]", value)
        return {
            "items": [_dump(item, exclude_none) for item in page.items],
            "total_entries": page.total_entries,
            "offset": page.offset,
            "limit": page.limit,
        }
    if isinstance(value, BaseException):
        return {"type": cls.__name__, "message": str(value)}
    if attrs.has(cls):
        return {f.name: _dump(getattr(value, f.name), exclude_none) for f in attrs.fields(cls)}
    if isinstance(value, (set, frozenset)):
        return [_dump(item, exclude_none) for item in typing.cast("set[Any]", value)]
    raise TypeError(f"cannot turn a {cls.__qualname__} into JSON")


def to_jsonable(value: object, *, exclude_none: bool = False) -> JsonValue:
    """Turn any result of the client into JSON-ready data (what :func:`json.dumps` takes).

    A model becomes a dict keyed by its JSON names, with every declared field (``None`` as
    ``null``) and its ``extra_fields`` merged back; datetimes become ISO 8601 strings with an
    offset, durations ISO 8601 durations (``"PT5M"``), enum members their values. Lists,
    tuples and dicts of these are turned item by item; a :class:`~airflow_client_async.Page`
    becomes ``{"items", "total_entries", "offset", "limit"}``; another attrs instance (such as
    a :class:`~airflow_client_async.RunResult`) a dict of its fields; an exception
    ``{"type", "message"}``.

    Args:
        value: What to turn into JSON.
        exclude_none: Leave out the declared fields of models (nested ones too) whose
            value is ``None``. ``None`` inside lists, free-form JSON and ``extra_fields``
            is kept.

    Raises:
        TypeError: ``value`` holds something with no JSON form.
    """
    return _dump(value, exclude_none)
