"""Property tests: every schema of the three specs, decoded from JSON drawn for it.

For each component schema of ``openapi.json`` (Airflow 2), ``openapi-v2.json`` (Airflow 3)
and ``openapi-fab.json`` (after their corrections), JSON documents are drawn with that
schema's own keys: optional ones present or absent, ``null`` now and then (the server nulls
fields the spec calls required, and Airflow 3's ``required`` is never enforced), the
identity fields of the model always present, unknown keys at every object level. A
simple field's value is drawn from the spec's own type (so a number where the spec says
number, a date-time in the forms Airflow writes: ``Z``, offsets, naive, 0-6 fractional
digits); a field whose versions differ, and every nested object, from the type the model
gives it, in every shape the converter accepts (a duration as Airflow 2's TimeDelta object,
an ISO 8601 duration or seconds; an old boolean backoff; unknown enum values; each member
of a union). Then:

* the document decodes through the client's own decoding step (``decode_model`` on an
  ``httpx.Response``) without error;
* nothing is lost: every declared key lands on its attribute with the value sent (or
  ``None`` for ``null``/absent; a filled field with the other version's value), every
  unknown key in ``extra_fields`` exactly as sent, recursively;
* encode → decode and ``to_dict`` → ``from_dict`` round-trip, and the JSON form is JSON;
* a document corrupted in one place (a value swapped for JSON of any other kind, or the
  body cut short) either still decodes or raises :class:`ResponseValidationError`, never
  anything else.

Examples: ``EXAMPLES`` (default 10) per schema and per property, i.e. 278 schemas x 3
properties x 10 = 8,340 documents; ``PROPERTY_EXAMPLES=<n>`` sets it.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import pathlib
import re
import sys
import typing
from typing import Any, Literal

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_client_async import JsonValue, ResponseValidationError, models
from airflow_client_async._converter import FIELD_DECODERS, structure, unstructure
from airflow_client_async._http import decode_model
from tests.support.model_schemas import FAB_SCHEMAS, V1_SCHEMAS, V2_SCHEMAS

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import generate_models  # noqa: E402
from model_concepts import CONCEPTS  # noqa: E402

SPECS = generate_models.load_specs()
MAPS = {"v1": V1_SCHEMAS, "v2": V2_SCHEMAS, "fab": FAB_SCHEMAS}
EVERY_SCHEMA = [(source, name) for source in ("v1", "v2", "fab") for name in MAPS[source]]

#: (model, JSON key) of each field whose versions the concept map gives one type.
RESOLVED = {(c.name, key) for c in CONCEPTS for key in c.types}

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "10"))

PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

UTC = dt.timezone.utc
NoneType = type(None)

# Unknown keys include names that mean something to the models or the converter.
TRICKY_KEYS = ["extra_fields", "type", "__class__", "", " ", "dag_id ", "DAG_ID", "é", "__type__"]

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
ANY_JSON: st.SearchStrategy[Any] = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


# -- reading the specs and the models ------------------------------------------------------


def _schemas(source: str) -> dict[str, Any]:
    schemas: dict[str, Any] = SPECS[source]["components"]["schemas"]
    return schemas


def flatten(source: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Every property of an object schema, ``allOf`` parts merged in order."""
    if "$ref" in schema:
        return flatten(source, _schemas(source)[schema["$ref"].rsplit("/", 1)[-1]])
    properties: dict[str, Any] = {}
    for part in schema.get("allOf", []):
        properties.update(flatten(source, part))
    properties.update(schema.get("properties", {}))
    return properties


def spec_kind(prop: dict[str, Any]) -> str | None:
    """The spec's own simple type of a property, or None when it is not a simple one."""
    variants = [v for v in prop.get("anyOf", []) if v != {"type": "null"}]
    if len(variants) == 1:
        prop = variants[0]
    elif variants:
        return None
    if "$ref" in prop or "enum" in prop or "const" in prop:
        return None
    kind = prop.get("type")
    if kind == "string" and prop.get("format") in {"date-time", "datetime"}:
        return "datetime"
    if kind == "string" and "format" not in prop:
        return "string"
    return kind if kind in {"integer", "number", "boolean"} else None


def model_of(source: str, name: str) -> Any:
    found = getattr(models, MAPS[source][name])
    if isinstance(found, type) and issubclass(found, enum.Enum):
        return found | str
    return found


def json_key(field: attrs.Attribute[Any]) -> str:
    return str(field.metadata.get("json", field.name))


def _union_args(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or (origin is not None and origin.__name__ == "UnionType"):
        return typing.get_args(tp)
    return ()


def is_json(tp: Any) -> bool:
    args = set(_union_args(tp))
    return tp is JsonValue or {str, int, float, bool, NoneType} <= args


def without_none(tp: Any) -> Any:
    if is_json(tp):
        return tp
    args = _union_args(tp)
    if NoneType not in args:
        return tp
    rest = tuple(a for a in args if a is not NoneType)
    return rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007


def open_enum(tp: Any) -> type[enum.Enum] | None:
    args = _union_args(tp)
    if len(args) == 2 and str in args:
        other = args[0] if args[1] is str else args[1]
        if isinstance(other, type) and issubclass(other, enum.Enum):
            return other
    return None


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and attrs.has(tp)


def tagged(tp: Any) -> list[type]:
    """The ``__type``-tagged models of a union such as ScheduleInterval."""
    return [a for a in _union_args(tp) if is_model(a) and "type" in attrs.fields_dict(a)]


# -- drawing documents ---------------------------------------------------------------------

_OFFSETS = st.sampled_from([None, UTC, "Z"]) | st.builds(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)


@st.composite
def datetime_text(draw: st.DrawFn) -> str:
    """A date-time as Airflow writes them (and a few ways it might)."""
    value = draw(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)))
    digits = draw(st.sampled_from([0, 3, 6]))
    value = value.replace(microsecond=value.microsecond if digits == 6 else 0)
    if digits == 3:
        value = value.replace(microsecond=draw(st.integers(0, 999)) * 1000)
    timespec = {0: "seconds", 3: "milliseconds", 6: "microseconds"}[digits]
    separator = draw(st.sampled_from(["T", "T", " "]))
    zone = draw(_OFFSETS)
    if zone == "Z":
        return value.isoformat(separator, timespec) + "Z"
    if zone is None:
        return value.isoformat(separator, timespec)
    assert isinstance(zone, dt.tzinfo)
    return value.replace(tzinfo=zone).isoformat(separator, timespec)


_SECONDS = st.integers(min_value=0, max_value=10**7)


@st.composite
def duration(draw: st.DrawFn) -> Any:
    """A duration in one of the shapes Airflow 2 and 3 send it."""
    days, seconds, micro = draw(_SECONDS), draw(st.integers(0, 86399)), draw(st.integers(0, 999999))
    shape = draw(st.sampled_from(["object", "tagged", "iso", "seconds"]))
    if shape == "object":
        return {"days": days, "seconds": seconds, "microseconds": micro}
    if shape == "tagged":
        return {"__type": "TimeDelta", "days": days, "seconds": seconds, "microseconds": micro}
    if shape == "iso":
        sign = draw(st.sampled_from(["", "-"]))
        return f"{sign}P{days}DT{seconds}.{micro:06d}S"
    return seconds


def for_type(draw: st.DrawFn, tp: Any, depth: int) -> Any:
    """Draw a non-null JSON value that the model type ``tp`` decodes."""
    tp = without_none(tp)
    if is_json(tp):
        return draw(ANY_JSON)
    if tp is str:
        return draw(st.text(max_size=12))
    if tp is int:
        return draw(st.integers(min_value=-(2**63), max_value=2**63))
    if tp is float:
        return draw(st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False))
    if tp is bool:
        return draw(st.booleans())
    if tp is dt.datetime:
        return draw(datetime_text())
    if tp is dt.timedelta:
        return draw(duration())
    enum_cls = open_enum(tp)
    if enum_cls is not None:
        known = [m.value for m in enum_cls]
        # A newer server's value the spec does not list yet must be kept, not refused.
        if draw(st.integers(0, 9)) == 0:
            return draw(st.text(min_size=1, max_size=12).filter(lambda v: v not in known))
        return draw(st.sampled_from(known))
    origin = typing.get_origin(tp)
    if origin is Literal:
        return draw(st.sampled_from(typing.get_args(tp)))
    if origin is list:
        (item,) = typing.get_args(tp)
        size = draw(st.integers(0, 0 if depth > 3 else 2))
        return [value_or_null(draw, item, depth + 1) for _ in range(size)]
    if origin is tuple:
        return [for_type(draw, item, depth + 1) for item in typing.get_args(tp)]
    if origin is dict:
        value_tp = typing.get_args(tp)[1]
        keys = draw(st.lists(st.text(max_size=6), max_size=0 if depth > 3 else 2, unique=True))
        return {key: value_or_null(draw, value_tp, depth + 1) for key in keys}
    if tagged(tp):
        if draw(st.integers(0, 5)) == 0:
            return {"__type": "SomeNewTimetable", "x": draw(ANY_JSON)}
        return object_of(draw, draw(st.sampled_from(tagged(tp))), depth + 1, None)
    args = _union_args(tp)
    if args:
        return for_type(draw, draw(st.sampled_from(args)), depth)
    assert is_model(tp), tp
    return object_of(draw, tp, depth + 1, None)


def value_or_null(draw: st.DrawFn, tp: Any, depth: int) -> Any:
    if NoneType in _union_args(tp) and draw(st.integers(0, 4)) == 0:
        return None
    return for_type(draw, tp, depth)


def field_value(
    draw: st.DrawFn, cls: type, field: attrs.Attribute[Any], prop: dict[str, Any] | None, depth: int
) -> Any:
    """Draw a field's value: from the spec for a simple field, else from the model's type."""
    hint = typing.get_type_hints(cls)[field.name]
    if field.metadata.get("decode") == "backoff_multiplier":
        return draw(st.booleans() | st.floats(allow_nan=False, allow_infinity=False))
    kind = spec_kind(prop) if prop is not None else None
    if kind is not None and (cls.__name__, json_key(field)) not in RESOLVED:
        if kind == "datetime":
            return draw(datetime_text())
        if kind == "string" and open_enum(without_none(hint)) is None:
            return draw(st.text(max_size=12))
        if kind == "integer":
            return draw(st.integers(min_value=-(2**63), max_value=2**63))
        if kind == "number":
            return draw(
                st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
            )
        if kind == "boolean":
            return draw(st.booleans())
    return for_type(draw, hint, depth)


def object_of(
    draw: st.DrawFn, cls: type, depth: int, properties: dict[str, Any] | None
) -> dict[str, Any]:
    """Draw a JSON object for a model: the keys of one schema (or any of the model's)."""
    fields = {json_key(f): f for f in attrs.fields(cls)[:-1]}
    keys = list(properties) if properties is not None else list(fields)
    document: dict[str, Any] = {}
    for key in keys:
        field = fields[key]
        # A Literal field tells the members of a union apart: it is always sent.
        literal = typing.get_origin(typing.get_type_hints(cls)[field.name]) is Literal
        required = field.default is attrs.NOTHING or literal
        if not required and (depth > 3 or not draw(st.booleans())):
            continue
        if not required and draw(st.integers(0, 4)) == 0:
            document[key] = None
        else:
            prop = properties.get(key) if properties is not None else None
            document[key] = field_value(draw, cls, field, prop, depth)
    if "__type" in fields:
        # A tagged class (a schedule interval, a duration) always carries its tag.
        document["__type"] = cls.__name__
    for key, field in fields.items():
        # Identity fields are always sent; a filled one by either of its names.
        if field.default is attrs.NOTHING and document.get(key) is None:
            fill = field.metadata.get("fill")
            if fill is None or document.get(fill) is None:
                document[key] = field_value(draw, cls, field, None, depth)
    unknown = st.sampled_from(TRICKY_KEYS) | st.text(max_size=10)
    for key in draw(st.lists(unknown.filter(lambda k: k not in fields), max_size=2)):
        document[key] = draw(ANY_JSON)
    return document


@st.composite
def documents(draw: st.DrawFn, source: str, name: str) -> Any:
    schema = _schemas(source)[name]
    target = model_of(source, name)
    if is_model(target):
        return object_of(draw, target, 0, flatten(source, schema))
    return for_type(draw, target, 0)


# -- checking what was decoded -----------------------------------------------------------------


def expected_datetime(text: str) -> dt.datetime:
    # Python 3.10's fromisoformat does not read "Z".
    parsed = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def expected_duration(sent: Any) -> dt.timedelta:
    if isinstance(sent, dict):
        return dt.timedelta(
            days=sent["days"], seconds=sent["seconds"], microseconds=sent["microseconds"]
        )
    if isinstance(sent, str):
        match = re.fullmatch(r"(-?)P(\d+)DT(\d+)\.(\d{6})S", sent)
        if match is not None:
            sign, days, seconds, micro = match.groups()
            found = dt.timedelta(days=int(days), seconds=int(seconds), microseconds=int(micro))
            return -found if sign else found
        # An ISO 8601 duration the converter wrote itself (a round trip).
        return json_duration(sent)
    return dt.timedelta(seconds=sent)


def json_duration(text: str) -> dt.timedelta:
    match = re.fullmatch(
        r"(-?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?", text
    )
    assert match is not None, text
    sign, days, hours, minutes, seconds, fraction = match.groups()
    found = dt.timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
        microseconds=int((fraction or "0").ljust(6, "0")),
    )
    return -found if sign else found


def json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def kinds(tp: Any) -> set[str]:
    if tp in (str, dt.datetime) or open_enum(tp) or typing.get_origin(tp) is Literal:
        return {"string"}
    if tp is dt.timedelta:
        return {"string", "object", "number"}
    if tp in (int, float):
        return {"number"}
    if tp is bool:
        return {"boolean"}
    if typing.get_origin(tp) in (list, tuple):
        return {"array"}
    return {"object"}


def check(tp: Any, data: Any, decoded: Any, path: str) -> None:
    """Assert that ``decoded`` holds exactly what ``data`` says, for the model type ``tp``."""
    if data is None:
        assert decoded is None, f"{path}: null decoded as {decoded!r}"
        return
    tp = without_none(tp)
    if is_json(tp):
        # Kept as decoded JSON; equal is not enough (1 == 1.0 == True), the text must match.
        assert json.dumps(decoded) == json.dumps(data), f"{path}: {decoded!r} != {data!r}"
    elif tp is str:
        assert decoded == data and type(decoded) is str, f"{path}: {decoded!r} != {data!r}"
    elif tp is int:
        assert decoded == data and type(decoded) is int, f"{path}: {decoded!r} != {data!r}"
    elif tp is float:
        assert decoded == data and type(decoded) is type(data), f"{path}: {decoded!r}"
    elif tp is bool:
        assert decoded is data, f"{path}: {decoded!r} != {data!r}"
    elif tp is dt.datetime:
        expected = expected_datetime(data)
        assert decoded == expected, f"{path}: {decoded!r} != {data!r}"
        assert decoded.utcoffset() == expected.utcoffset(), f"{path}: offset of {decoded!r}"
    elif tp is dt.timedelta:
        assert decoded == expected_duration(data), f"{path}: {decoded!r} != {data!r}"
    elif open_enum(tp) is not None:
        enum_cls = open_enum(tp)
        assert decoded == data and str(decoded) == data, f"{path}: {decoded!r} != {data!r}"
        known = data in [m.value for m in enum_cls]  # type: ignore[union-attr]
        assert isinstance(decoded, enum.Enum) is known, f"{path}: {decoded!r}"
    elif typing.get_origin(tp) is Literal:
        assert decoded == data, f"{path}: {decoded!r} != {data!r}"
    elif typing.get_origin(tp) in (list, tuple):
        items = typing.get_args(tp)
        assert isinstance(decoded, (list, tuple)), f"{path}: {decoded!r}"
        assert len(decoded) == len(data), f"{path}: {len(decoded)} items, sent {len(data)}"
        for index, (sent, got) in enumerate(zip(data, decoded, strict=True)):
            item = items[index] if typing.get_origin(tp) is tuple else items[0]
            check(item, sent, got, f"{path}[{index}]")
    elif typing.get_origin(tp) is dict:
        assert isinstance(decoded, dict) and decoded.keys() == data.keys(), path
        for key, value in data.items():
            check(typing.get_args(tp)[1], value, decoded[key], f"{path}[{key!r}]")
    elif tagged(tp):
        if isinstance(decoded, dict):
            assert decoded == data, f"{path}: {decoded!r}"
        else:
            assert type(decoded).__name__ == data["__type"], f"{path}: {type(decoded).__name__}"
            check_model(type(decoded), data, decoded, path)
    elif _union_args(tp):
        members = _union_args(tp)
        if is_model(type(decoded)):
            assert type(decoded) in members, f"{path}: {type(decoded).__name__}"
            check_model(type(decoded), data, decoded, path)
        else:
            found = [m for m in members if json_kind(data) in kinds(m) and not is_model(m)]
            literals = [m for m in found if data in typing.get_args(m)]
            [member] = literals or [m for m in found if typing.get_origin(m) is not Literal]
            check(member, data, decoded, path)
    else:
        assert is_model(tp), tp
        assert type(decoded) is tp, f"{path}: {decoded!r} is not a {tp.__name__}"
        check_model(tp, data, decoded, path)


def check_model(cls: type, data: Any, decoded: Any, path: str) -> None:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)[:-1]
    known = {json_key(f) for f in fields}
    for field in fields:
        key = json_key(field)
        where = f"{path}.{key}" if path else key
        value = data.get(key)
        if value is None and "fill" in field.metadata:
            value = data.get(field.metadata["fill"])
        got = getattr(decoded, field.name)
        decoder = field.metadata.get("decode")
        if value is None:
            default = None if field.default is attrs.NOTHING else field.default
            assert got == default, f"{where}: null decoded as {got!r}"
        elif decoder is not None:
            assert got == FIELD_DECODERS[decoder](value), f"{where}: {got!r} from {value!r}"
        else:
            check(hints[field.name], value, got, where)
    unknown = {k: v for k, v in data.items() if k not in known}
    assert decoded.extra_fields == unknown, f"{path}: extra_fields {decoded.extra_fields!r}"
    for key, value in unknown.items():
        # Equal is not enough: 1 == 1.0 == True, and the server's type must be kept.
        assert json.dumps(decoded.extra_fields[key]) == json.dumps(value), f"{path}.{key}"


# -- the properties ---------------------------------------------------------------------------


def response(document: Any, *, body: bytes | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://airflow.test/api/v1/property")
    content = json.dumps(document).encode() if body is None else body
    return httpx.Response(
        200, headers={"Content-Type": "application/json"}, content=content, request=request
    )


def test_every_component_schema_is_covered() -> None:
    assert len(EVERY_SCHEMA) == 99 + 163 + 16
    assert {MAPS[s][n] for s, n in EVERY_SCHEMA} - set(models.__all__) == set()


IDS = [f"{source}-{name}" for source, name in EVERY_SCHEMA]


@pytest.mark.parametrize(("source", "name"), EVERY_SCHEMA, ids=IDS)
def test_json_drawn_for_the_schema_decodes_keeping_every_field(source: str, name: str) -> None:
    target = model_of(source, name)

    @PROPERTY_SETTINGS
    @given(documents(source, name))
    def run(document: Any) -> None:
        decoded = decode_model(response(document), target)
        check(target, document, decoded, "")
        assert structure(document, target) == decoded

    run()


@pytest.mark.parametrize(("source", "name"), EVERY_SCHEMA, ids=IDS)
def test_encode_then_decode_round_trips(source: str, name: str) -> None:
    target = model_of(source, name)

    @PROPERTY_SETTINGS
    @given(documents(source, name))
    def run(document: Any) -> None:
        decoded = structure(document, target)
        encoded = unstructure(decoded)
        # What is encoded is JSON, and decodes to what was decoded.
        again = decode_model(response(encoded), target)
        assert again == decoded
        if is_model(target):
            as_dict = decoded.to_dict()
            assert target.from_dict(json.loads(json.dumps(as_dict))) == decoded
            assert target.from_dict(decoded.to_dict(exclude_none=True)) == decoded

    run()


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found.extend(paths_in(inner, (*prefix, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(paths_in(inner, (*prefix, index)))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], tuple(rest), new)}
    copied = list(value)
    copied[head] = replaced(value[head], tuple(rest), new)
    return copied


@st.composite
def corrupted(draw: st.DrawFn, source: str, name: str) -> bytes:
    """A document of the schema, broken in one place."""
    document = draw(documents(source, name))
    body = json.dumps(document).encode()
    if draw(st.integers(0, 3)) == 0:
        return body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    path = draw(st.sampled_from(paths_in(document)))
    return json.dumps(replaced(document, path, draw(ANY_JSON))).encode()


@pytest.mark.parametrize(("source", "name"), EVERY_SCHEMA, ids=IDS)
def test_corrupted_json_decodes_or_raises_a_typed_error(source: str, name: str) -> None:
    target = model_of(source, name)

    @PROPERTY_SETTINGS
    @given(corrupted(source, name))
    def run(body: bytes) -> None:
        try:
            decode_model(response(None, body=body), target)
        except ResponseValidationError as exc:
            error = exc
        else:
            return
        assert error.body == body
        assert error.response.status_code == 200
        assert re.match(r"GET /api/v1/property: ", str(error)), str(error)

    run()
