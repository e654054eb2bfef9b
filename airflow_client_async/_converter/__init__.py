"""The package's one :class:`cattrs.Converter`, its hooks, and the JSON form of results.

Everything that turns JSON into models (``structure``) or Python values into request bodies
(``unstructure``) goes through :data:`converter`; :func:`to_jsonable` turns any result into
JSON-ready data.

Decoding rules (the same for Airflow 2 and Airflow 3 bodies):

* ``str``: a string stays as it is; ``null`` stays ``None`` for an optional field and never
  becomes ``"None"``; a number or boolean where a string is declared becomes its JSON text
  (``3`` → ``"3"``, ``true`` → ``"true"``); an object or array raises.
* ``int``: an integer; a float with an integral value (``3.0``) is accepted. Booleans are
  refused: JSON ``true`` is not a number. ``float``: an integer or a float, kept as it came
  (an ``int`` is a valid ``float`` to type checkers), booleans refused. ``bool``: only
  ``true``/``false``.
* Datetimes: ISO 8601 with ``T`` or a space, ``Z`` or any offset, any number of fractional
  digits (truncated to microseconds), or a date alone. A string without an offset is taken
  as **UTC** (Airflow stores and sends UTC), so every decoded datetime is timezone-aware.
* Durations (``datetime.timedelta``): Airflow's ``{"__type": "TimeDelta", "days",
  "seconds", "microseconds"}`` object, an ISO 8601 duration (``"PT1H"``, ``"-P1DT2.5S"``;
  weeks, days, hours, minutes and seconds), or a number of seconds.
* Enums: a field typed ``DagRunState | str`` gets the member for a known value and the plain
  string for an unknown one (a newer server's state is kept, not refused).
* ``JsonValue`` (free-form JSON: ``conf``, an XCom's ``value``, ``extra_fields``): kept as
  decoded.
* Unions: decided by the value's JSON kind (a string, an array, an object…); models of one
  union are told apart by the required keys present; a ``Literal`` matches its value.
  Tuples (``tuple[str, str]``) are arrays of exactly that length.
* The ``__type`` tagged unions (``ScheduleInterval``): the class whose name is the tag; an
  unknown tag keeps the raw dict.
* Models (attrs classes whose last field is ``extra_fields``, i.e. every generated model):
  keys the class does not declare go to ``extra_fields``; absent keys and ``null`` both give
  ``None``. A field without a default (an identity field) must be present and not null. A
  field with ``metadata["fill"]`` takes the value of that other key when its own is absent
  or null; ``metadata["decode"]`` names a field decoder (:data:`FIELD_DECODERS`). A model
  instance where one is expected is kept as it is.
* A wrong shape (an array where an object is expected, a string where an integer is, a
  missing identity field) raises :class:`cattrs.ClassValidationError` (or another cattrs
  validation error for a top-level list or dict) whose message names the class and the
  path of every bad field, e.g. ``While structuring DAGCollection: dags[3].tags: expected
  an array, got an object`` or ``While structuring DAGRun: dag_run_id: required field
  missing``.

Encoding a request body (``unstructure``): datetimes become ISO 8601 strings with an
offset (a naive datetime is taken as UTC), durations ISO 8601 durations, enum members their
values, models dicts keyed by JSON names (``type`` → ``__type``; a tagged class whose
``type`` is ``None`` is written with its own name as tag) with their ``extra_fields``
merged back. **Fields whose value is None are left out**: a request body must not carry
nulls for fields the caller never set (Airflow refuses read-only fields it is sent), and
since decoding treats absent and ``null`` alike, ``structure(unstructure(m), type(m)) == m``
still holds. To send an explicit ``null``, build the body as a dict.

The JSON form of results (:func:`to_jsonable`, ``Model.to_dict()``) differs on one point:
every declared field is present, ``None`` as ``null`` (``exclude_none=True`` drops them).

Models decode through structure functions generated (and compiled) per class on first use
and registered on the converter: no per-field dispatch at decode time. When one fails, a
slower field-by-field pass runs only to build the error message.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import linecache
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, Union

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from ._types import JsonValue

__all__ = [
    "FIELD_DECODERS",
    "converter",
    "dump_model",
    "error_lines",
    "is_json_type",
    "format_datetime",
    "format_duration",
    "parse_datetime",
    "parse_duration",
    "structure",
    "to_jsonable",
    "union_members",
    "unstructure",
]

T = TypeVar("T")

#: The one converter. Its hooks are registered below, at import.
converter = cattrs.Converter()

_UTC = _dt.timezone.utc
_NoneType = type(None)
_EXTRA_FIELDS = "extra_fields"
_TAG_KEY = "__type"

# Structure functions have this signature (cattrs passes the target type second).
_Hook = Callable[[Any, Any], Any]


def structure(data: Any, cls: type[T]) -> T:
    """Decode JSON-shaped ``data`` (as from :func:`json.loads`) into ``cls``.

    ``cls`` may be a model, an enum, a scalar type or a generic such as ``list[DAG]`` or
    ``dict[str, str | None]``.

    Raises:
        cattrs.BaseValidationError: ``data`` does not fit ``cls``; the message names the
            class and the path of each bad field.
    """
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Encode ``obj`` (a model, datetime, enum member, list, dict…) as a request body."""
    return converter.unstructure(obj)


# -- describing values in error messages ----------------------------------------------


def _kind(value: Any) -> str:
    """Name a value's JSON kind for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


# -- scalars ---------------------------------------------------------------------------


def _structure_str(value: Any, _type: Any = str) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, str):
        # An enum member or other str subclass: its plain string value.
        return str.__str__(value)
    if isinstance(value, (bool, int, float)):
        # The server sometimes sends a number where the spec declares a string.
        return json.dumps(value)
    raise TypeError(f"expected a string, got {_kind(value)}")


def _structure_int(value: Any, _type: Any = int) -> int:
    if value.__class__ is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {_kind(value)}")


def _structure_float(value: Any, _type: Any = float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected a number, got {_kind(value)}")


def _structure_bool(value: Any, _type: Any = bool) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected a boolean, got {_kind(value)}")


def _expect_dict(value: Any) -> dict[Any, Any]:
    if isinstance(value, Mapping):
        return dict(typing.cast("Mapping[object, object]", value))
    raise TypeError(f"expected an object, got {_kind(value)}")


def _expect_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(typing.cast("Sequence[Any]", value))
    raise TypeError(f"expected an array, got {_kind(value)}")


def _backoff_multiplier(value: Any) -> float:
    """Read a task's ``retry_exponential_backoff``: a multiplier, or an old boolean.

    Airflow 2, 3.0 and 3.1 send a boolean; from 3.2 it is the multiplier itself, and
    Airflow reads an old ``true`` as ``2.0`` and ``false`` as ``0``.
    """
    if value is True:
        return 2.0
    if value is False:
        return 0.0
    return _structure_float(value)


#: Field decoders a model names in ``metadata["decode"]``, for shapes no type decodes.
FIELD_DECODERS: Mapping[str, Callable[[Any], Any]] = types.MappingProxyType(
    {"backoff_multiplier": _backoff_multiplier}
)


# -- datetimes and durations -------------------------------------------------------------

# Python 3.10's fromisoformat only reads isoformat()'s own output; this covers the rest.
_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)


def _parse_iso_slow(text: str) -> _dt.datetime:
    match = _ISO_DATETIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 datetime: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz: _dt.tzinfo | None = None
    if offset is not None:
        if offset.upper() == "Z":
            tz = _UTC
        else:
            digits = offset[1:].replace(":", "")
            delta = _dt.timedelta(
                hours=int(digits[0:2]),
                minutes=int(digits[2:4] or 0),
                seconds=int(digits[4:6] or 0),
            )
            tz = _dt.timezone(-delta if offset[0] == "-" else delta)
    return _dt.datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        micro,
        tzinfo=tz,
    )


def parse_datetime(value: Any, _type: Any = _dt.datetime) -> _dt.datetime:
    """Parse an ISO 8601 datetime the way the server writes them (and a few ways it might).

    Accepts ``Z`` or any offset, ``T`` or a space, any number of fractional digits
    (truncated to microseconds) and a date alone (midnight). A value without an offset is
    taken as UTC. A :class:`datetime.datetime` is accepted as it is (made aware the same
    way).

    Raises:
        TypeError: ``value`` is not a string or datetime.
        ValueError: ``value`` is a string but not an ISO 8601 datetime.
    """
    if value.__class__ is str:
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = _parse_iso_slow(value)
    elif isinstance(value, _dt.datetime):
        parsed = value
    else:
        raise TypeError(f"expected an ISO 8601 datetime string, got {_kind(value)}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=_UTC)
    return parsed


def format_datetime(value: _dt.datetime) -> str:
    """Write a datetime as RFC 3339 (ISO 8601 with an offset); a naive one is taken as UTC.

    RFC 3339 offsets are whole minutes, and Airflow refuses others; a datetime whose offset
    has seconds (some historical zones, or a hand-made ``timezone``) is written in UTC
    instead, which keeps the instant exactly.
    """
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is None:
        value = value.replace(tzinfo=_UTC)
    elif offset.seconds % 60 or offset.microseconds:
        value = value.astimezone(_UTC)
    return value.isoformat()


_ISO_DURATION = re.compile(
    r"([-+])?P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?",
    re.IGNORECASE,
)
_TIMEDELTA_KEYS = frozenset({"__type", "days", "seconds", "microseconds"})


def parse_duration(value: Any, _type: Any = _dt.timedelta) -> _dt.timedelta:
    """Read a duration as Airflow 2 or 3 sends it.

    Accepts Airflow's ``{"__type": "TimeDelta", "days", "seconds", "microseconds"}``
    object, an ISO 8601 duration of weeks, days, hours, minutes and seconds (``"PT1H"``,
    ``"P1DT2.5S"``, ``"-PT30S"``; years and months have no fixed length and are refused),
    a number of seconds, or a :class:`datetime.timedelta`.

    Raises:
        TypeError: ``value`` has none of these shapes.
        ValueError: ``value`` is a string but not such a duration.
    """
    if isinstance(value, _dt.timedelta):
        return value
    if isinstance(value, str):
        match = _ISO_DURATION.fullmatch(value.strip())
        if match is None or value.strip().upper().rstrip("T") in {"P", "-P", "+P"}:
            raise ValueError(f"not an ISO 8601 duration: {value!r}")
        sign, *parts = match.groups()
        weeks, days, hours, minutes, seconds = (
            float(p.replace(",", ".")) if p else 0.0 for p in parts
        )
        found = _dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
        return -found if sign == "-" else found
    if isinstance(value, Mapping):
        given = typing.cast("Mapping[str, object]", value)
        unknown = set(given) - _TIMEDELTA_KEYS
        if unknown:
            raise TypeError(f"unexpected keys in a TimeDelta object: {sorted(unknown)}")
        return _dt.timedelta(
            days=_structure_int(given.get("days") or 0),
            seconds=_structure_int(given.get("seconds") or 0),
            microseconds=_structure_int(given.get("microseconds") or 0),
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.timedelta(seconds=value)
    raise TypeError(f"expected a duration, got {_kind(value)}")


def format_duration(value: _dt.timedelta) -> str:
    """Write a duration as ISO 8601 (``"PT5M"``, ``"P1DT2H0.5S"``, ``"-PT30S"``, ``"PT0S"``).

    Days are written as days (a day is 24 hours in a :class:`datetime.timedelta`), then
    hours, minutes and seconds with up to six fractional digits; zero parts are left out.
    """
    sign = "-" if value < _dt.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "P" + (f"{value.days}D" if value.days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        clock += f"{seconds}{fraction}S"
    if clock:
        text += "T" + clock
    elif not value.days:
        text += "T0S"
    return sign + text


# -- enums -----------------------------------------------------------------------------


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _enum_other(value: Any) -> str:
    """The value of an enum field that is no member: kept if it is a string."""
    if isinstance(value, str):
        return str.__str__(value)
    raise TypeError(f"expected a string, got {_kind(value)}")


def _make_open_enum_hook(enum_cls: type[enum.Enum]) -> _Hook:
    lookup = enum_cls._value2member_map_.get

    def structure_open_enum(value: Any, _type: Any = None) -> Any:
        return lookup(value) or _enum_other(value)

    return structure_open_enum


def _unstructure_enum(value: enum.Enum) -> Any:
    return value.value


def _unstructure_str(value: str) -> Any:
    # cattrs dispatches a str-mixin enum member to the str hook (str precedes Enum in its
    # MRO), which would hand back the member itself: give its value instead.
    if value.__class__ is str:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    return str.__str__(value)


# -- type inspection -------------------------------------------------------------------


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return typing.get_args(tp)
    return None


_JSON_SCALARS = frozenset({str, int, float, bool})


def _is_json(tp: Any) -> bool:
    """Whether ``tp`` is :data:`JsonValue` (recognised by shape: its forward references
    may or may not be resolved)."""
    if tp is Any or tp is JsonValue or tp is object:
        return True
    args = _union_args(tp)
    if args is None:
        return False
    plain: set[Any] = {a for a in args if isinstance(a, type) and a is not _NoneType}
    others = [a for a in args if not isinstance(a, type)]
    return plain == set(_JSON_SCALARS) and all(typing.get_origin(o) in (dict, list) for o in others)


#: Public names for the model's pydantic schema (``models/_pydantic.py``).
is_json_type = _is_json
union_members = _union_args


def _split_optional(tp: Any) -> tuple[Any, bool]:
    """Return ``(tp without None, whether None was allowed)``."""
    if _is_json(tp):
        return tp, True
    args = _union_args(tp)
    if args is None or _NoneType not in args:
        return tp, False
    rest = tuple(a for a in args if a is not _NoneType)
    return (rest[0] if len(rest) == 1 else Union[rest]), True  # noqa: UP007


def _open_enum(tp: Any) -> type[enum.Enum] | None:
    """Return ``E`` if ``tp`` is ``E | str`` for an enum ``E``."""
    args = _union_args(tp)
    if args is None or len(args) != 2 or str not in args:
        return None
    other = args[0] if args[1] is str else args[1]
    return other if _is_enum(other) else None


def _tag_of(cls: Any) -> str | None:
    """Return the tag a model carries in ``__type``, or None if it has no such field."""
    if not attrs.has(cls):
        return None
    for field in attrs.fields(cls):
        if field.metadata.get("json", field.name) == _TAG_KEY:
            return str(cls.__name__)
    return None


def _tagged_union(tp: Any) -> tuple[list[type], bool] | None:
    """If ``tp`` is a union of ``__type``-tagged models (and maybe ``dict``), describe it."""
    args = _union_args(tp)
    if args is None:
        return None
    classes = [a for a in args if a is not _NoneType and _tag_of(a) is not None]
    others = [a for a in args if a is not _NoneType and a not in classes]
    if len(classes) < 2 or any(typing.get_origin(o) is not dict for o in others):
        return None
    return classes, bool(others)


def _is_model(cls: Any) -> bool:
    """Whether ``cls`` is decoded by the generated fast path (every generated model is)."""
    if not (isinstance(cls, type) and attrs.has(cls)):
        return False
    fields = attrs.fields(cls)
    if not fields or fields[-1].name != _EXTRA_FIELDS:
        return False
    return all(f.init for f in fields)


def _required_keys(cls: type) -> frozenset[str]:
    """The JSON keys a model needs: its fields without a default."""
    return frozenset(
        f.metadata.get("json", f.name) for f in attrs.fields(cls)[:-1] if f.default is attrs.NOTHING
    )


def _literal_keys(cls: type) -> dict[str, tuple[Any, ...]]:
    """The JSON keys of a model's ``Literal`` fields and the values each allows."""
    attrs.resolve_types(cls)
    return {
        f.metadata.get("json", f.name): typing.get_args(f.type)
        for f in attrs.fields(cls)[:-1]
        if _is_literal(f.type)
    }


def _is_plain_union(tp: Any) -> bool:
    """A union the dedicated hooks (optional, open enum, tagged, JSON) do not decode."""
    args = _union_args(tp)
    if args is None or _NoneType in args or _is_json(tp) or _open_enum(tp) is not None:
        return False
    return _tagged_union(tp) is None


def _optional_union(tp: Any) -> Any | None:
    """``X`` when ``tp`` is ``X | None`` and ``X`` is itself a union (cattrs' own optional
    handling covers a single ``X``)."""
    inner, optional = _split_optional(tp)
    if not optional or _is_json(tp) or _union_args(inner) is None:
        return None
    return inner


def _make_optional_union_hook(tp: Any, conv: cattrs.Converter) -> _Hook:
    inner = _optional_union(tp)
    hook = conv.get_structure_hook(inner)

    def structure_optional(value: Any, _type: Any = None) -> Any:
        return None if value is None else hook(value, inner)

    return structure_optional


def _is_fixed_tuple(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and bool(args) and Ellipsis not in args


def _is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is Literal


# -- tagged unions ---------------------------------------------------------------------


def _make_tagged_union_hook(tp: Any, conv: cattrs.Converter) -> _Hook:
    described = _tagged_union(tp)
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
            value = _expect_dict(value)
        found = hooks.get(value.get(_TAG_KEY))
        if found is not None:
            return found[0](value, found[1])
        if keep_unknown:
            return value
        raise ValueError(f"unknown {_TAG_KEY} {value.get(_TAG_KEY)!r}; expected one of {names}")

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
    if _is_json(tp):
        return frozenset({"null", "boolean", "number", "string", "array", "object"})
    if tp is _NoneType:
        return frozenset({"null"})
    if tp is bool:
        return frozenset({"boolean"})
    if tp in (int, float):
        return frozenset({"number"})
    if tp is _dt.timedelta:
        return frozenset({"string", "object", "number"})
    if tp in (str, _dt.datetime) or _is_literal(tp) or _open_enum(tp) or _is_enum(tp):
        return frozenset({"string"})
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        return frozenset({"array"})
    args = _union_args(tp)
    if args is not None:
        found: set[str] = set()
        for arg in args:
            found |= _kinds_of(arg)
        return frozenset(found)
    return frozenset({"object"})


def _make_union_hook(tp: Any, conv: cattrs.Converter) -> _Hook:
    """Decode a union by the value's JSON kind; models by the required keys present."""
    members = typing.get_args(tp)
    by_kind: dict[str, list[Any]] = {}
    for member in members:
        for kind in _kinds_of(member):
            by_kind.setdefault(kind, []).append(member)
    names = " | ".join(getattr(m, "__name__", str(m)) for m in members)
    # Per model member: the keys it needs and the values its Literal fields allow.
    needs = {m: (_required_keys(m), _literal_keys(m)) for m in members if _is_model(m)}

    def choose(value: Any) -> Any:
        kind = _json_kind(value)
        found = by_kind.get(kind)
        if not found:
            raise TypeError(f"expected {names}, got {_kind(value)}")
        if len(found) == 1:
            return found[0]
        if kind == "string":
            for member in found:
                if _is_literal(member) and value in typing.get_args(member):
                    return member
            plain = [m for m in found if not _is_literal(m)]
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
        raise TypeError(f"expected {names}; cannot tell which from {_kind(value)}")

    def structure_union(value: Any, _type: Any = None) -> Any:
        member = choose(value)
        return conv.get_structure_hook(member)(value, member)

    return structure_union


def _make_tuple_hook(tp: Any, conv: cattrs.Converter) -> _Hook:
    items = typing.get_args(tp)
    hooks = [(conv.get_structure_hook(t), t) for t in items]

    def structure_tuple(value: Any, _type: Any = None) -> tuple[Any, ...]:
        found = _expect_list(value)
        if len(found) != len(hooks):
            raise TypeError(f"expected an array of {len(hooks)} items, got {len(found)}")
        return tuple(hook(v, t) for (hook, t), v in zip(hooks, found, strict=True))

    return structure_tuple


def _make_literal_hook(tp: Any) -> _Hook:
    allowed = typing.get_args(tp)

    def structure_literal(value: Any, _type: Any = None) -> Any:
        if value in allowed:
            return value
        raise ValueError(f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")

    return structure_literal


# -- code generation for models --------------------------------------------------------


class _Codegen:
    """Builds the source of one model's structure function and the names it uses."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.env: dict[str, Any] = {
            "_str": _structure_str,
            "_int": _structure_int,
            "_float": _structure_float,
            "_bool": _structure_bool,
            "_datetime": parse_datetime,
            "_timedelta": parse_duration,
            "_dict": _expect_dict,
            "_list": _expect_list,
            "_enum_other": _enum_other,
            "_str_t": str,
            "_int_t": int,
            "_float_t": float,
            "_bool_t": bool,
            "_dict_t": dict,
            "_list_t": list,
        }
        self._counter = 0

    def name(self, prefix: str, value: Any) -> str:
        self._counter += 1
        name = f"_{prefix}{self._counter}"
        self.env[name] = value
        return name

    def convert(self, tp: Any, var: str, depth: int = 0) -> tuple[str | None, str]:
        """Return ``(check, expr)`` to convert a non-None value in ``var`` to ``tp``.

        ``check`` is an expression true when ``var`` needs converting (None: always);
        ``expr`` computes the converted value.
        """
        if _is_json(tp):
            return "False", var
        if tp is str:
            return f"{var}.__class__ is not _str_t", f"_str({var})"
        if tp is int:
            return f"{var}.__class__ is not _int_t", f"_int({var})"
        if tp is float:
            return (
                f"{var}.__class__ is not _float_t and {var}.__class__ is not _int_t",
                f"_float({var})",
            )
        if tp is bool:
            return f"{var}.__class__ is not _bool_t", f"_bool({var})"
        if tp is _dt.datetime:
            return None, f"_datetime({var})"
        if tp is _dt.timedelta:
            return None, f"_timedelta({var})"
        enum_cls = _open_enum(tp)
        if enum_cls is not None and all(m.value for m in enum_cls):
            lookup = self.name("e", enum_cls._value2member_map_.get)
            return None, f"({lookup}({var}) or _enum_other({var}))"
        origin = typing.get_origin(tp)
        if origin is list:
            (item_tp,) = typing.get_args(tp) or (Any,)
            item = f"y{depth}"
            item_expr = self.item(item_tp, item, depth + 1)
            if item_expr == item:
                return f"{var}.__class__ is not _list_t", f"_list({var})"
            source = f"({var} if {var}.__class__ is _list_t else _list({var}))"
            return None, f"[{item_expr} for {item} in {source}]"
        if origin is dict:
            key_tp, value_tp = typing.get_args(tp) or (Any, Any)
            item = f"y{depth}"
            value_expr = self.item(value_tp, item, depth + 1)
            if value_expr == item and key_tp in (str, Any):
                return f"{var}.__class__ is not _dict_t", f"_dict({var})"
            key = f"k{depth}"
            key_expr = self.item(key_tp, key, depth + 1)
            source = f"({var} if {var}.__class__ is _dict_t else _dict({var}))"
            return None, f"{{{key_expr}: {value_expr} for {key}, {item} in {source}.items()}}"
        hook = self.name("h", converter.get_structure_hook(tp))
        target = self.name("t", tp)
        return None, f"{hook}({var}, {target})"

    def item(self, tp: Any, var: str, depth: int) -> str:
        """Return an expression converting ``var`` (which may be None if ``tp`` allows)."""
        inner, optional = _split_optional(tp)
        check, expr = self.convert(inner, var, depth)
        if check == "False":
            return var
        if optional:
            if check is None:
                return f"(None if {var} is None else {expr})"
            return f"({var} if {var} is None or not ({check}) else {expr})"
        if check is None:
            return expr
        return f"({expr} if {check} else {var})"

    def statement(self, field: attrs.Attribute[Any], var: str) -> list[str]:
        """Return lines converting ``var`` in place, leaving None alone."""
        decoder = field.metadata.get("decode")
        if decoder is not None:
            function = self.name("d", FIELD_DECODERS[decoder])
            return [f"if {var} is not None:", f"    {var} = {function}({var})"]
        inner, _optional = _split_optional(field.type)
        check, expr = self.convert(inner, var)
        if check == "False":
            return []
        if check is None:
            return [f"if {var} is not None:", f"    {var} = {expr}"]
        return [f"if {var} is not None and {check}:", f"    {var} = {expr}"]


class _FieldPlan(typing.NamedTuple):
    name: str
    key: str
    fill: str | None
    required: bool
    type: Any
    convert: Callable[[Any], Any]
    item: Callable[[Any], Any] | None


def _compile(source: str, filename: str, env: dict[str, Any]) -> dict[str, Any]:
    # Registered with linecache so tracebacks through generated code show its source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = dict(env)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def _field_plans(cls: type) -> list[_FieldPlan]:
    """Per field: a function converting one value (and one list item), for error reports."""
    plans: list[_FieldPlan] = []
    for field in attrs.fields(cls)[:-1]:
        gen = _Codegen(cls)
        body = gen.statement(field, "v")
        lines = ["def convert(v):", *(f"    {line}" for line in body), "    return v"]
        inner = _split_optional(field.type)[0]
        if typing.get_origin(inner) is list and "decode" not in field.metadata:
            (item_tp,) = typing.get_args(inner) or (Any,)
            lines += ["def item(y0):", f"    return {gen.item(item_tp, 'y0', 1)}"]
        namespace = _compile("\n".join(lines) + "\n", f"<{cls.__qualname__} check>", gen.env)
        key = field.metadata.get("json", field.name)
        plans.append(
            _FieldPlan(
                field.name,
                key,
                field.metadata.get("fill"),
                field.default is attrs.NOTHING,
                field.type,
                namespace["convert"],
                namespace.get("item"),
            )
        )
    return plans


def _add_note(exc: BaseException, note: str) -> None:
    # BaseException.add_note() is 3.11+; cattrs reads __notes__ on 3.10 as well.
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def _sub_errors(exc: BaseValidationError) -> Sequence[BaseException]:
    # cattrs' exception groups are untyped to pyright.
    found = exc.exceptions  # pyright: ignore[reportUnknownMemberType,reportUnknownVariableType]
    return typing.cast("Sequence[BaseException]", found)


def _leaves(exc: BaseException, path: str) -> list[str]:
    """Flatten a validation error tree into ``"path: message"`` lines."""
    if isinstance(exc, BaseValidationError):
        found: list[str] = []
        for inner in _sub_errors(exc):
            step = ""
            for note in getattr(inner, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    step = f".{note.name}" if path else note.name
                elif isinstance(note, IterableValidationNote):
                    step = f"[{note.index}]"
            found.extend(_leaves(inner, path + step))
        return found
    message = str(exc)
    return [f"{path}: {message}" if path else message]


def _class_error(cls: type, errors: list[Exception]) -> ClassValidationError:
    leaves = [leaf for error in errors for leaf in _leaves_of(error)]
    shown = "; ".join(leaves[:5]) + (f"; and {len(leaves) - 5} more" if len(leaves) > 5 else "")
    return ClassValidationError(f"While structuring {cls.__name__}: {shown}", errors, cls)


def _leaves_of(error: BaseException) -> list[str]:
    # One error of a class: its attribute note names the first step of the path.
    step = ""
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            step = note.name
    return _leaves(error, step)


def error_lines(exc: BaseException) -> list[str]:
    """Return one ``"path: problem"`` line per bad field of a decoding error."""
    if isinstance(exc, ClassValidationError):
        inner = _sub_errors(exc)
        return [leaf for error in inner for leaf in _leaves_of(error)] or [str(exc)]
    if isinstance(exc, BaseValidationError):
        return _leaves(exc, "")
    return [str(exc)]


class _MissingField(Exception):
    """Raised by a generated structure function for an absent or null identity field."""


def _explain(cls: type, data: Any, plans: list[_FieldPlan], cause: Exception | None) -> Exception:
    """Find every bad field of ``data`` after the fast path failed; return the error."""
    if not isinstance(data, Mapping):
        error = TypeError(f"expected an object, got {_kind(data)}")
        return ClassValidationError(f"While structuring {cls.__name__}: {error}", [error], cls)
    body = typing.cast("Mapping[str, Any]", data)
    errors: list[Exception] = []
    for plan in plans:
        value = body.get(plan.key)
        if value is None and plan.fill is not None:
            value = body.get(plan.fill)
        try:
            if value is None and plan.required:
                raise TypeError(
                    "required field is null" if plan.key in body else "required field missing"
                )
            plan.convert(value)
        except Exception as exc:
            if plan.item is not None and isinstance(value, (list, tuple)):
                items = typing.cast("Sequence[Any]", value)
                exc = _explain_items(plan, items) or exc
            _add_note(
                exc,
                AttributeValidationNote(
                    f"Structuring class {cls.__qualname__} @ attribute {plan.name}",
                    plan.name,
                    plan.type,
                ),
            )
            errors.append(exc)
    if not errors:
        # The fast path failed where no single field does (e.g. in the constructor).
        if cause is None:
            cause = TypeError(f"cannot structure {cls.__qualname__} from {_kind(data)}")
        _add_note(cause, f"Structuring {cls.__qualname__}")
        errors.append(cause)
    return _class_error(cls, errors)


#: The bad items of one list that a decoding error describes; the rest are counted.
_MAX_ITEM_ERRORS = 20


def _explain_items(plan: _FieldPlan, value: Sequence[Any]) -> Exception | None:
    assert plan.item is not None
    errors: list[Exception] = []
    bad = 0
    for index, item in enumerate(value):
        try:
            plan.item(item)
        except Exception as exc:
            bad += 1
            if bad > _MAX_ITEM_ERRORS:
                continue
            _add_note(
                exc, IterableValidationNote(f"Structuring {plan.type} @ index {index}", index, None)
            )
            errors.append(exc)
    if not errors:
        return None
    if bad > _MAX_ITEM_ERRORS:
        # A page of 20,000 items that all lack a field would otherwise carry 20,000
        # exceptions, which a traceback prints one by one.
        errors.append(ValueError(f"and {bad - _MAX_ITEM_ERRORS} more items do not fit"))
    return IterableValidationError(f"While structuring {plan.name}", errors, plan.type)


# Models being built, for a model that (indirectly) contains itself.
_building: set[type] = set()


def _make_model_structure(cls: type) -> _Hook:
    """Generate, compile and return the structure function of a generated model."""
    if cls in _building:
        # A cycle: call through the converter once the outer build is registered.
        def structure_later(data: Any, _type: Any = None) -> Any:
            return converter.get_structure_hook(cls)(data, cls)

        return structure_later
    _building.add(cls)
    try:
        return _build_model_structure(cls)
    finally:
        _building.discard(cls)


def _plain_slots(cls: type) -> bool:
    """Tell whether filling its fields' slots is all ``cls``'s ``__init__`` does.

    True for a plain attrs-generated ``__init__``: no validators, converters, init hooks,
    or slot besides the fields' own (such as a cached hash) that ``__init__`` would fill
    as well. Such a class can be built without calling ``__init__``, which is most of
    what decoding a page of models costs beyond parsing the JSON.
    """
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if code is None or not code.co_filename.startswith("<attrs generated"):
        return False
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return False
    fields = attrs.fields(cls)
    if any(f.validator is not None or f.converter is not None or not f.init for f in fields):
        return False
    slots = {name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())}
    names = {f.name for f in fields}
    if not slots or slots - names - {"__weakref__"}:
        return False
    return all(isinstance(getattr(cls, f.name, None), types.MemberDescriptorType) for f in fields)


def _builder(cls: type) -> type | None:
    """A subclass of ``cls`` whose instances take plain attribute assignment, or ``None``.

    A frozen class refuses ``o.name = value``, so its ``__init__`` (and the slot setters)
    go through a call per field. An instance of this subclass is filled with ordinary
    assignments, several times faster, and then becomes an instance of ``cls`` itself by
    ``__class__`` assignment: the subclass adds no slot, so both have the same layout, and
    what the caller gets is exactly what ``cls(...)`` would have built. ``None`` when this
    Python refuses the assignment. Only for a class :func:`_plain_slots`.
    """
    namespace = {
        "__slots__": (),
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        # Both: they share one type slot, and either one overridden makes every
        # assignment a call into Python again.
        "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__,
    }
    builder = type(cls.__name__, (cls,), namespace)
    try:
        trial: Any = object.__new__(builder)
        trial.__class__ = cls
    except TypeError:
        return None
    return builder


def _construct(cls: type, gen: _Codegen, values: list[tuple[str, str]]) -> list[str]:
    """Lines that build ``cls`` from ``values`` (field name, expression) and return it."""
    if not _plain_slots(cls):
        arguments = ", ".join(f"{name}={value}" for name, value in values)
        return [f"return {gen.name('c', cls)}({arguments})"]
    gen.env["_new"] = object.__new__
    builder = _builder(cls)
    if builder is not None:
        return [
            f"o = _new({gen.name('b', builder)})",
            *(f"o.{name} = {value}" for name, value in values),
            f"o.__class__ = {gen.name('c', cls)}",
            "return o",
        ]
    target = gen.name("c", cls)
    return [
        f"o = _new({target})",
        *(f"{gen.name('s', getattr(cls, name).__set__)}(o, {value})" for name, value in values),
        "return o",
    ]


def _build_model_structure(cls: type) -> _Hook:
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    gen = _Codegen(cls)
    gen.env.update(
        _cls=cls,
        _known=frozenset(f.metadata.get("json", f.name) for f in fields[:-1]),
        _explain=_explain,
        _missing=_MissingField,
        _dict_t=dict,
    )
    lines = [
        "def structure(d, _type=None):",
        "    if d.__class__ is not _dict_t:",
        "        if d.__class__ is _cls:",
        "            return d",
        "        if not isinstance(d, _Mapping):",
        "            raise _explain(_cls, d, _plans(), None)",
        "        d = dict(d)",
        "    try:",
        "        g = d.get",
    ]
    values: list[tuple[str, str]] = []
    for index, field in enumerate(fields[:-1]):
        var = f"a{index}"
        key = field.metadata.get("json", field.name)
        lines.append(f"        {var} = g({key!r})")
        fill = field.metadata.get("fill")
        if fill is not None:
            lines += [f"        if {var} is None:", f"            {var} = g({fill!r})"]
        if field.default is attrs.NOTHING:
            lines += [f"        if {var} is None:", "            raise _missing"]
        elif field.default is not None:
            default = gen.name("v", field.default)
            lines += [f"        if {var} is None:", f"            {var} = {default}"]
        lines.extend(f"        {line}" for line in gen.statement(field, var))
        values.append((field.name, var))
    lines += [
        "        if d.keys() <= _known:",
        "            extra = {}",
        "        else:",
        "            extra = {k: v for k, v in d.items() if k not in _known}",
    ]
    construct = _construct(cls, gen, [*values, (_EXTRA_FIELDS, "extra")])
    lines.extend(f"        {line}" for line in construct)
    lines += [
        "    except Exception as exc:",
        "        raise _explain(_cls, d, _plans(), exc) from None",
    ]
    plans: list[_FieldPlan] = []

    def get_plans() -> list[_FieldPlan]:
        # Built only when a decode fails: error reporting costs nothing on success.
        if not plans:
            plans.extend(_field_plans(cls))
        return plans

    gen.env.update(_Mapping=Mapping, _plans=get_plans)
    source = "\n".join(lines) + "\n"
    namespace = _compile(source, f"<structure {cls.__module__}.{cls.__qualname__}>", gen.env)
    hook: _Hook = namespace["structure"]
    return hook


def _make_model_unstructure(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Return the unstructure function of a generated model (see the module docstring)."""
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    tag = _tag_of(cls)
    plain = (str, int, float, bool)
    steps: list[tuple[str, str, bool]] = []  # (attribute, JSON key, value needs converting)
    for field in fields[:-1]:
        inner, _optional = _split_optional(field.type)
        steps.append((field.name, field.metadata.get("json", field.name), inner not in plain))
    unstructure_value = converter.unstructure

    def unstructure_model(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, convert in steps:
            value = getattr(obj, name)
            if value is None:
                if key == _TAG_KEY and tag is not None:
                    out[key] = tag
                continue
            out[key] = unstructure_value(value) if convert else value
        extra = obj.extra_fields
        if extra:
            for key, value in extra.items():
                if key not in out:
                    out[key] = unstructure_value(value)
        return out

    return unstructure_model


# -- the JSON form of results --------------------------------------------------------------

# Per model class: (attribute, JSON key) of each declared field, and the tag it carries.
_dump_plans: dict[type, tuple[tuple[tuple[str, str], ...], str | None]] = {}
_PLAIN = frozenset({str, int, float, bool, _NoneType})


def _dump_plan(cls: type) -> tuple[tuple[tuple[str, str], ...], str | None]:
    plan = _dump_plans.get(cls)
    if plan is None:
        fields = tuple((f.name, f.metadata.get("json", f.name)) for f in attrs.fields(cls)[:-1])
        plan = (fields, _tag_of(cls))
        _dump_plans[cls] = plan
    return plan


def _dump_model(obj: Any, exclude_none: bool) -> dict[str, JsonValue]:
    fields, tag = _dump_plan(obj.__class__)
    out: dict[str, JsonValue] = {}
    for name, key in fields:
        value = getattr(obj, name)
        if value is None:
            if key == _TAG_KEY and tag is not None:
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
    if _is_model(cls):
        return _dump_model(value, exclude_none)
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
    from ._pagination import Page

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


#: The JSON form of one model (``Model.to_dict()``).
dump_model = _dump_model


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


# -- registration ----------------------------------------------------------------------

converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(_dt.datetime, parse_datetime)
converter.register_structure_hook(_dt.timedelta, parse_duration)
converter.register_unstructure_hook(_dt.datetime, format_datetime)
converter.register_unstructure_hook(_dt.timedelta, format_duration)
converter.register_unstructure_hook(str, _unstructure_str)
converter.register_unstructure_hook_func(_is_enum, _unstructure_enum)
converter.register_structure_hook_func(_is_json, lambda value, _type: value)
converter.register_structure_hook_factory(_is_literal, _make_literal_hook)
converter.register_structure_hook_factory(_is_fixed_tuple, _make_tuple_hook)
converter.register_structure_hook_factory(_is_plain_union, _make_union_hook)
converter.register_structure_hook_factory(
    lambda tp: _optional_union(tp) is not None, _make_optional_union_hook
)
converter.register_structure_hook_factory(
    lambda tp: _open_enum(tp) is not None,
    lambda tp: _make_open_enum_hook(_open_enum(tp)),  # type: ignore[arg-type]
)
converter.register_structure_hook_factory(
    lambda tp: _tagged_union(tp) is not None, _make_tagged_union_hook
)
converter.register_structure_hook_factory(_is_model, _make_model_structure)
converter.register_unstructure_hook_factory(_is_model, _make_model_unstructure)
