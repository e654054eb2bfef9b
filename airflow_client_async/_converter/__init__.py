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

This module builds the converter and registers its hooks; the hooks live beside it, one
concern a module:

* ``_codecs``: strings, numbers, booleans, datetimes, durations and the field decoders.
* ``_typeinfo``: what a field's type means (optional, open enum, tagged union, JSON, model);
  the predicates that choose a hook.
* ``_hooks``: hook factories for enums, unions, tagged unions, tuples and literals.
* ``_codegen``: the generated structure and unstructure functions of models.
* ``_explain``: the messages of decoding errors (:func:`error_lines`).
* ``_jsonable``: the JSON form of results (:func:`to_jsonable`, ``Model.to_dict()``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, TypeVar

import cattrs

from ._codecs import (
    FIELD_DECODERS,
    format_datetime,
    format_duration,
    parse_datetime,
    parse_duration,
    structure_bool,
    structure_float,
    structure_int,
    structure_str,
)
from ._codegen import make_model_structure, make_model_unstructure
from ._explain import error_lines
from ._hooks import (
    make_literal_hook,
    make_open_enum_hook,
    make_optional_union_hook,
    make_tagged_union_hook,
    make_tuple_hook,
    make_union_hook,
    unstructure_enum,
    unstructure_str,
)
from ._jsonable import dump_model, to_jsonable
from ._typeinfo import (
    is_enum,
    is_fixed_tuple,
    is_json,
    is_literal,
    is_model,
    is_plain_union,
    open_enum,
    optional_union,
    tagged_union,
)

# Public names for the model's pydantic schema (``models/_pydantic.py``).
from ._typeinfo import is_json as is_json_type
from ._typeinfo import union_args as union_members

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


# -- registration ----------------------------------------------------------------------

converter.register_structure_hook(str, structure_str)
converter.register_structure_hook(int, structure_int)
converter.register_structure_hook(float, structure_float)
converter.register_structure_hook(bool, structure_bool)
converter.register_structure_hook(_dt.datetime, parse_datetime)
converter.register_structure_hook(_dt.timedelta, parse_duration)
converter.register_unstructure_hook(_dt.datetime, format_datetime)
converter.register_unstructure_hook(_dt.timedelta, format_duration)
converter.register_unstructure_hook(str, unstructure_str)
converter.register_unstructure_hook_func(is_enum, unstructure_enum)
converter.register_structure_hook_func(is_json, lambda value, _type: value)
converter.register_structure_hook_factory(is_literal, make_literal_hook)
converter.register_structure_hook_factory(is_fixed_tuple, make_tuple_hook)
converter.register_structure_hook_factory(is_plain_union, make_union_hook)
converter.register_structure_hook_factory(
    lambda tp: optional_union(tp) is not None, make_optional_union_hook
)
converter.register_structure_hook_factory(
    lambda tp: open_enum(tp) is not None,
    lambda tp: make_open_enum_hook(open_enum(tp)),  # type: ignore[arg-type]
)
converter.register_structure_hook_factory(
    lambda tp: tagged_union(tp) is not None, make_tagged_union_hook
)
converter.register_structure_hook_factory(is_model, make_model_structure)
converter.register_unstructure_hook_factory(is_model, make_model_unstructure)
