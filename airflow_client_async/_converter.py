"""The package's one :class:`cattrs.Converter` and all of its hooks.

Everything that turns JSON into models (``structure``) or Python values into JSON-ready
values (``unstructure``) goes through :data:`converter`.

Decoding rules:

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
* Enums: a field typed ``DagState | str`` gets the member for a known value and the plain
  string for an unknown one (a newer server's state is kept, not refused).
* The ``__type`` tagged unions (``ScheduleInterval``): the class whose name is the tag; an
  unknown tag keeps the raw dict.
* Models (attrs classes with an ``extra_fields`` field, i.e. every generated model): keys the
  class does not declare go to ``extra_fields``; absent keys and ``null`` both give ``None``.
* A wrong shape (an array where an object is expected, a string where an integer is) raises
  :class:`cattrs.ClassValidationError` (or another cattrs validation error for a top-level
  list or dict) whose message names the class and the path of every bad field, e.g.
  ``While structuring DAGCollection: dags[3].tags: expected an array, got an object``.

Encoding rules (``unstructure``): datetimes become ISO 8601 strings with an offset (a
naive datetime is taken as UTC), enum members their values, models dicts keyed by JSON
names (``type`` → ``__type``; a tagged class whose ``type`` is ``None`` is written with its
own name as tag) with their ``extra_fields`` merged back. **Fields whose value is None are
left out**: a request body must not carry nulls for fields the caller never set (Airflow
refuses read-only fields it is sent), and since decoding treats absent and ``null`` alike,
``structure(unstructure(m), type(m)) == m`` still holds. To send an explicit ``null``,
build the body as a dict.

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
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, Union

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

__all__ = [
    "converter",
    "format_datetime",
    "parse_datetime",
    "structure",
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
    """Encode ``obj`` (a model, datetime, enum member, list, dict…) as JSON-ready values."""
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


def _structure_any(value: Any, _type: Any = Any) -> Any:
    return value


def _expect_dict(value: Any) -> dict[Any, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"expected an object, got {_kind(value)}")


def _expect_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError(f"expected an array, got {_kind(value)}")


# -- datetimes -------------------------------------------------------------------------

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


def _split_optional(tp: Any) -> tuple[Any, bool]:
    """Return ``(tp without None, whether None was allowed)``."""
    args = _union_args(tp)
    if args is None or _NoneType not in args:
        return tp, tp is Any
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
    return all(f.default is None and f.init for f in fields[:-1])


# -- tagged unions ---------------------------------------------------------------------


def _make_tagged_union_hook(tp: Any) -> _Hook:
    described = _tagged_union(tp)
    assert described is not None
    classes, keep_unknown = described
    hooks = {str(c.__name__): (converter.get_structure_hook(c), c) for c in classes}
    names = ", ".join(hooks)

    def structure_tagged(value: Any, _type: Any = None) -> Any:
        if value is None:
            return None
        if value.__class__ is not dict:
            value = _expect_dict(value)
        found = hooks.get(value.get(_TAG_KEY))
        if found is not None:
            return found[0](value, found[1])
        if keep_unknown:
            return value
        raise ValueError(f"unknown {_TAG_KEY} {value.get(_TAG_KEY)!r}; expected one of {names}")

    return structure_tagged


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

    def _name(self, prefix: str, value: Any) -> str:
        self._counter += 1
        name = f"_{prefix}{self._counter}"
        self.env[name] = value
        return name

    def convert(self, tp: Any, var: str, depth: int = 0) -> tuple[str | None, str]:
        """Return ``(check, expr)`` to convert a non-None value in ``var`` to ``tp``.

        ``check`` is an expression true when ``var`` needs converting (None: always);
        ``expr`` computes the converted value.
        """
        if tp is Any:
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
        enum_cls = _open_enum(tp)
        if enum_cls is not None and all(m.value for m in enum_cls):
            lookup = self._name("e", enum_cls._value2member_map_.get)
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
        hook = self._name("h", converter.get_structure_hook(tp))
        target = self._name("t", tp)
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

    def statement(self, tp: Any, var: str) -> list[str]:
        """Return lines converting ``var`` in place, leaving None alone."""
        inner, _optional = _split_optional(tp)
        check, expr = self.convert(inner, var)
        if check == "False":
            return []
        if check is None:
            return [f"if {var} is not None:", f"    {var} = {expr}"]
        return [f"if {var} is not None and {check}:", f"    {var} = {expr}"]


class _FieldPlan(typing.NamedTuple):
    name: str
    key: str
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
    plans = []
    for field in attrs.fields(cls)[:-1]:
        gen = _Codegen(cls)
        body = gen.statement(field.type, "v")
        lines = ["def convert(v):", *(f"    {line}" for line in body), "    return v"]
        item_fn = None
        if typing.get_origin(_split_optional(field.type)[0]) is list:
            (item_tp,) = typing.get_args(_split_optional(field.type)[0]) or (Any,)
            lines += ["def item(y0):", f"    return {gen.item(item_tp, 'y0', 1)}"]
        namespace = _compile("\n".join(lines) + "\n", f"<{cls.__qualname__} check>", gen.env)
        item_fn = namespace.get("item")
        key = field.metadata.get("json", field.name)
        plans.append(_FieldPlan(field.name, key, field.type, namespace["convert"], item_fn))
    return plans


def _add_note(exc: BaseException, note: str) -> None:
    # BaseException.add_note() is 3.11+; cattrs reads __notes__ on 3.10 as well.
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def _leaves(exc: BaseException, path: str) -> list[str]:
    """Flatten a validation error tree into ``"path: message"`` lines."""
    if isinstance(exc, BaseValidationError):
        found = []
        for inner in exc.exceptions:
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


def _explain(cls: type, data: Any, plans: list[_FieldPlan], cause: Exception | None) -> Exception:
    """Find every bad field of ``data`` after the fast path failed; return the error."""
    if not isinstance(data, Mapping):
        error = TypeError(f"expected an object, got {_kind(data)}")
        return ClassValidationError(f"While structuring {cls.__name__}: {error}", [error], cls)
    errors: list[Exception] = []
    for plan in plans:
        value = data.get(plan.key)
        try:
            plan.convert(value)
        except Exception as exc:
            if plan.item is not None and isinstance(value, (list, tuple)):
                exc = _explain_items(plan, value) or exc
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


def _explain_items(plan: _FieldPlan, value: list[Any] | tuple[Any, ...]) -> Exception | None:
    assert plan.item is not None
    errors: list[Exception] = []
    for index, item in enumerate(value):
        try:
            plan.item(item)
        except Exception as exc:
            _add_note(
                exc, IterableValidationNote(f"Structuring {plan.type} @ index {index}", index, None)
            )
            errors.append(exc)
    if not errors:
        return None
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


def _slot_setters(cls: type) -> list[Callable[[Any, Any], None]] | None:
    """The slot setters of ``cls``'s fields, in order, if filling them is all its
    ``__init__`` does; otherwise ``None``.

    A frozen attrs class's ``__init__`` sets each field through ``object.__setattr__``;
    setting the slots directly builds the same instance in half the time, which is most of
    what decoding a page of models costs beyond ``json.loads``. Only done for a plain
    attrs-generated ``__init__``: no validators, converters, init hooks, or slot besides
    the fields' own (such as a cached hash) that ``__init__`` would fill as well.
    """
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if code is None or not code.co_filename.startswith("<attrs generated"):
        return None
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return None
    fields = attrs.fields(cls)
    if any(f.validator is not None or f.converter is not None or not f.init for f in fields):
        return None
    slots = {name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())}
    names = {f.name for f in fields}
    if not slots or slots - names - {"__weakref__"}:
        return None
    setters = []
    for field in fields:
        descriptor = getattr(cls, field.name, None)
        if not isinstance(descriptor, types.MemberDescriptorType):
            return None
        setters.append(descriptor.__set__)
    return setters


def _build_model_structure(cls: type) -> _Hook:
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    gen = _Codegen(cls)
    gen.env.update(
        _cls=cls,
        _known=frozenset(f.metadata.get("json", f.name) for f in fields[:-1]),
        _explain=_explain,
        _dict_t=dict,
    )
    lines = [
        "def structure(d, _type=None):",
        "    if d.__class__ is not _dict_t:",
        "        if not isinstance(d, _Mapping):",
        "            raise _explain(_cls, d, _plans(), None)",
        "        d = dict(d)",
        "    try:",
        "        g = d.get",
    ]
    args = []
    for index, field in enumerate(fields[:-1]):
        var = f"a{index}"
        key = field.metadata.get("json", field.name)
        lines.append(f"        {var} = g({key!r})")
        lines.extend(f"        {line}" for line in gen.statement(field.type, var))
        args.append(f"{field.name}={var}")
    lines += [
        "        if d.keys() <= _known:",
        "            extra = {}",
        "        else:",
        "            extra = {k: v for k, v in d.items() if k not in _known}",
    ]
    setters = _slot_setters(cls)
    if setters is None:
        lines.append(f"        return _cls({', '.join([*args, 'extra_fields=extra'])})")
    else:
        gen.env["_new"] = object.__new__
        lines.append("        o = _new(_cls)")
        for index, setter in enumerate(setters):
            value = "extra" if index == len(fields) - 1 else f"a{index}"
            lines.append(f"        {gen._name('s', setter)}(o, {value})")
        lines.append("        return o")
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


# -- registration ----------------------------------------------------------------------

converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(_dt.datetime, parse_datetime)
converter.register_unstructure_hook(_dt.datetime, format_datetime)
converter.register_unstructure_hook(str, _unstructure_str)
converter.register_unstructure_hook_func(_is_enum, _unstructure_enum)
converter.register_structure_hook_factory(
    lambda tp: _open_enum(tp) is not None,
    lambda tp: _make_open_enum_hook(_open_enum(tp)),  # type: ignore[arg-type]
)
converter.register_structure_hook_factory(
    lambda tp: _tagged_union(tp) is not None, _make_tagged_union_hook
)
converter.register_structure_hook_factory(_is_model, _make_model_structure)
converter.register_unstructure_hook_factory(_is_model, _make_model_unstructure)
