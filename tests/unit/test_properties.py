"""Property tests: every schema of the (corrected) spec, decoded from JSON drawn from the spec.

For each of the spec's component schemas, JSON documents are drawn from the schema itself
(after ``spec_corrections.apply_corrections``): required properties present, optional ones
present or absent, ``null`` where the spec says nullable and, less often, where it does not
(the server nulls fields the spec calls required), date-times in the forms Airflow writes
(``Z``, offsets, naive, 0-6 fractional digits), pattern-bound strings from their pattern,
``__type``-tagged schedule intervals, unknown enum values now and then (a newer server's
state), and unknown keys at every object level. Then:

* the document decodes through the client's own decoding step (``decode_model`` on an
  ``httpx.Response``) without error;
* nothing is lost: every declared key lands on its attribute with the same value (or
  ``None`` for ``null``/absent), every unknown key in ``extra_fields`` exactly as sent, and
  the walk is recursive, so nested models and list items are checked the same way;
* encode → decode round-trips, and the encoded JSON passes the same check;
* a document corrupted in one place (a value swapped for JSON of any other kind, or the
  body cut short) either still decodes or raises :class:`ResponseValidationError`, never
  anything else.

Examples: ``EXAMPLES`` (default 25) per schema and per property, i.e. 98 schemas x 3
properties x 25 = 7,350 documents; ``PROPERTY_EXAMPLES=<n>`` sets it.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import pathlib
import re
import sys
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_client_async import ResponseValidationError, models
from airflow_client_async._converter import structure, unstructure
from airflow_client_async._http import decode_model

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from spec_corrections import apply_corrections  # noqa: E402

SPEC: dict[str, Any] = apply_corrections(
    json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))

PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

UTC = dt.timezone.utc
TAG = "__type"

# Schemas reached through a ``__type`` discriminator carry their own name as the tag.
TAGGED: frozenset[str] = frozenset(
    variant["$ref"].rsplit("/", 1)[-1]
    for schema in SCHEMAS.values()
    if "discriminator" in schema
    for variant in schema.get("anyOf", []) + schema.get("oneOf", [])
)

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
ANY_OBJECT = st.dictionaries(st.text(max_size=8), ANY_JSON, max_size=3)


# -- reading the spec ----------------------------------------------------------------------


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def resolve(schema: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
    """Follow a ``$ref`` (or a one-part ``allOf`` of one); return (schema, name, nullable)."""
    nullable = bool(schema.get("nullable"))
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        target = SCHEMAS[name]
        return target, name, nullable or bool(target.get("nullable"))
    parts = schema.get("allOf")
    if parts and len(parts) == 1 and "$ref" in parts[0] and "properties" not in schema:
        name = ref_name(parts[0]["$ref"])
        target = SCHEMAS[name]
        return target, name, nullable or bool(target.get("nullable"))
    return schema, None, nullable


def flatten(schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Every property of an object schema, ``allOf`` parts merged in order, and its required."""
    if "$ref" in schema:
        return flatten(SCHEMAS[ref_name(schema["$ref"])])
    properties: dict[str, Any] = {}
    required: set[str] = set()
    for part in schema.get("allOf", []):
        more, needed = flatten(part)
        properties.update(more)
        required |= needed
    properties.update(schema.get("properties", {}))
    required |= set(schema.get("required", []))
    return properties, required


def kind(schema: dict[str, Any]) -> str:
    """How a (resolved) schema decodes: model, union, enum, map, object, array or a scalar."""
    if "anyOf" in schema or "oneOf" in schema:
        return "tagged" if "discriminator" in schema else "any"
    if "enum" in schema:
        return "enum"
    if schema.get("properties") or "allOf" in schema:
        return "model"
    declared = schema.get("type")
    if declared == "object":
        extra = schema.get("additionalProperties")
        return "map" if isinstance(extra, dict) and extra else "object"
    if declared == "string" and schema.get("format") in {"date-time", "datetime"}:
        return "datetime"
    return declared if declared in {"array", "string", "integer", "number", "boolean"} else "any"


# -- drawing documents -----------------------------------------------------------------------

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


def value_of(draw: st.DrawFn, schema: dict[str, Any], *, depth: int = 0) -> Any:
    """Draw a non-null JSON value for a property's schema."""
    target, name, _nullable = resolve(schema)
    shape = kind(target)
    if shape == "model":
        return object_of(draw, target, name, depth=depth)
    if shape == "tagged":
        variant = draw(st.sampled_from(target.get("anyOf") or target["oneOf"]))
        return value_of(draw, variant, depth=depth)
    if shape == "enum":
        known = [v for v in target["enum"] if v is not None]
        # A newer server's value the spec does not list yet must be kept, not refused.
        if draw(st.integers(0, 9)) == 0:
            return draw(st.text(min_size=1, max_size=12).filter(lambda v: v not in known))
        return draw(st.sampled_from(known))
    if shape == "datetime":
        return draw(datetime_text())
    if shape == "string":
        if "pattern" in target:
            return draw(st.from_regex(target["pattern"], fullmatch=True))
        return draw(st.text(min_size=target.get("minLength", 0), max_size=20))
    if shape == "integer":
        return draw(st.integers(min_value=target.get("minimum", -(2**63)), max_value=2**63))
    if shape == "number":
        return draw(st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False))
    if shape == "boolean":
        return draw(st.booleans())
    if shape == "array":
        items = target.get("items", {})
        _, _, nullable_items = resolve(items)
        size = draw(st.integers(min_value=target.get("minItems", 0), max_value=2 if depth else 3))
        return [
            None
            if nullable_items and draw(st.integers(0, 4)) == 0
            else value_of(draw, items, depth=depth + 1)
            for _ in range(size)
        ]
    if shape == "map":
        values = target["additionalProperties"]
        _, _, nullable_values = resolve(values)
        keys = draw(st.lists(st.text(max_size=8), max_size=3, unique=True))
        return {
            key: None
            if nullable_values and draw(st.booleans())
            else value_of(draw, values, depth=depth + 1)
            for key in keys
        }
    if shape == "object":
        return draw(ANY_OBJECT)
    return draw(ANY_JSON)


def object_of(
    draw: st.DrawFn, schema: dict[str, Any], name: str | None, *, depth: int = 0
) -> dict[str, Any]:
    """Draw a JSON object for a model schema, with nulls and unknown keys."""
    properties, required = flatten(schema)
    document: dict[str, Any] = {}
    for key, prop in properties.items():
        if key == TAG and name in TAGGED:
            document[key] = name  # the discriminator is never null
            continue
        if key not in required and not draw(st.booleans()):
            continue
        _, _, nullable = resolve(prop)
        # Nullable: null one time in three. Otherwise one in ten, as the server nulls some
        # fields the spec calls required; every model field accepts null for that reason.
        if draw(st.integers(0, 2 if nullable else 9)) == 0:
            document[key] = None
        else:
            document[key] = value_of(draw, prop, depth=depth + 1)
    unknown = st.sampled_from(TRICKY_KEYS) | st.text(max_size=10)
    for key in draw(st.lists(unknown.filter(lambda k: k not in properties), max_size=2)):
        document[key] = draw(ANY_JSON)
    return document


@st.composite
def documents(draw: st.DrawFn, name: str) -> Any:
    schema = SCHEMAS[name]
    if kind(schema) == "model":
        return object_of(draw, schema, name)
    return value_of(draw, {"$ref": f"#/components/schemas/{name}"})


# -- checking what was decoded ----------------------------------------------------------------


def expected_datetime(text: str) -> dt.datetime:
    # Python 3.10's fromisoformat does not read "Z".
    parsed = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def attribute_for(cls: type, key: str) -> str:
    for field in attrs.fields(cls):
        if field.metadata.get("json", field.name) == key and field.name != "extra_fields":
            return str(field.name)
    raise AssertionError(f"{cls.__name__} has no attribute for JSON key {key!r}")


def check(schema: dict[str, Any], data: Any, decoded: Any, path: str) -> None:
    """Assert that ``decoded`` holds exactly what ``data`` says, nothing lost or changed."""
    if data is None:
        assert decoded is None, f"{path}: null decoded as {decoded!r}"
        return
    target, _, _ = resolve(schema)
    shape = kind(target)
    if shape == "model":
        check_model(target, data, decoded, path)
    elif shape == "tagged":
        variant = next(
            v for v in target.get("anyOf") or target["oneOf"] if ref_name(v["$ref"]) == data[TAG]
        )
        assert type(decoded).__name__ == data[TAG], f"{path}: {type(decoded).__name__}"
        check(variant, data, decoded, path)
    elif shape == "enum":
        assert decoded == data and str(decoded) == data, f"{path}: {decoded!r} != {data!r}"
        known = data in target["enum"]
        assert isinstance(decoded, enum.Enum) is known, f"{path}: {decoded!r}"
        assert isinstance(decoded, str)
    elif shape == "datetime":
        expected = expected_datetime(data)
        assert isinstance(decoded, dt.datetime), f"{path}: {decoded!r}"
        assert decoded == expected, f"{path}: {decoded!r} != {data!r}"
        assert decoded.utcoffset() == expected.utcoffset(), f"{path}: offset of {decoded!r}"
    elif shape == "array":
        assert isinstance(decoded, list), f"{path}: {decoded!r}"
        assert len(decoded) == len(data), f"{path}: {len(decoded)} items, sent {len(data)}"
        for index, (item, got) in enumerate(zip(data, decoded, strict=True)):
            check(target.get("items", {}), item, got, f"{path}[{index}]")
    elif shape == "map":
        assert isinstance(decoded, dict) and decoded.keys() == data.keys(), path
        for key, value in data.items():
            check(target["additionalProperties"], value, decoded[key], f"{path}[{key!r}]")
    elif shape in {"object", "any"}:
        # Kept as decoded JSON; equal is not enough (1 == 1.0 == True), the text must match.
        assert json.dumps(decoded) == json.dumps(data), f"{path}: {decoded!r} != {data!r}"
    else:
        assert decoded == data, f"{path}: {decoded!r} != {data!r}"
        if shape in {"string", "integer", "boolean"}:
            expected_type = {"string": str, "integer": int, "boolean": bool}[shape]
            assert type(decoded) is expected_type, f"{path}: {type(decoded).__name__}"
        if shape == "number":
            assert type(decoded) is type(data), f"{path}: {type(decoded).__name__}"


def check_model(schema: dict[str, Any], data: Any, decoded: Any, path: str) -> None:
    cls = type(decoded)
    assert attrs.has(cls), f"{path}: decoded as {decoded!r}, not a model"
    properties, _ = flatten(schema)
    for key, prop in properties.items():
        value = getattr(decoded, attribute_for(cls, key))
        check(prop, data.get(key), value, f"{path}.{key}" if path else key)
    unknown = {k: v for k, v in data.items() if k not in properties}
    assert decoded.extra_fields == unknown, f"{path}: extra_fields {decoded.extra_fields!r}"
    for key, value in unknown.items():
        # Equal is not enough: 1 == 1.0 == True, and the server's type must be kept.
        assert json.dumps(decoded.extra_fields[key]) == json.dumps(value), f"{path}.{key}"


# -- the properties ---------------------------------------------------------------------------


def decode_type(name: str) -> Any:
    """The type a field of this schema is decoded as (an enum field also takes plain strings)."""
    found = getattr(models, name)
    if isinstance(found, type) and issubclass(found, enum.Enum):
        return found | str
    return found


def response(document: Any, *, body: bytes | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://airflow.test/api/v1/property")
    content = json.dumps(document).encode() if body is None else body
    return httpx.Response(
        200, headers={"Content-Type": "application/json"}, content=content, request=request
    )


SCHEMA_NAMES = sorted(SCHEMAS)


def test_every_component_schema_is_covered() -> None:
    assert len(SCHEMA_NAMES) == 98
    assert {name for name in SCHEMA_NAMES if name not in models.__all__} == set()
    # Each kind of schema the spec uses is exercised.
    kinds = {kind(SCHEMAS[name]) for name in SCHEMA_NAMES}
    assert kinds >= {"model", "tagged", "enum", "string"}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_spec_valid_json_decodes_keeping_every_field(name: str) -> None:
    @PROPERTY_SETTINGS
    @given(documents(name))
    def run(document: Any) -> None:
        target = decode_type(name)
        decoded = decode_model(response(document), target)
        check({"$ref": f"#/components/schemas/{name}"}, document, decoded, "")
        assert structure(document, target) == decoded

    run()


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_encode_then_decode_round_trips(name: str) -> None:
    @PROPERTY_SETTINGS
    @given(documents(name))
    def run(document: Any) -> None:
        target = decode_type(name)
        decoded = structure(document, target)
        encoded = unstructure(decoded)
        # What is encoded is JSON, and it says everything the decoded value holds.
        again = decode_model(response(encoded), target)
        assert again == decoded
        check({"$ref": f"#/components/schemas/{name}"}, encoded, again, "")

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
def corrupted(draw: st.DrawFn, name: str) -> bytes:
    """A document of the schema, broken in one place."""
    document = draw(documents(name))
    body = json.dumps(document).encode()
    if draw(st.integers(0, 3)) == 0:
        return body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    path = draw(st.sampled_from(paths_in(document)))
    return json.dumps(replaced(document, path, draw(ANY_JSON))).encode()


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_corrupted_json_decodes_or_raises_a_typed_error(name: str) -> None:
    @PROPERTY_SETTINGS
    @given(corrupted(name))
    def run(body: bytes) -> None:
        try:
            decode_model(response(None, body=body), decode_type(name))
        except ResponseValidationError as exc:
            error = exc
        else:
            return
        assert error.body == body
        assert error.response.status_code == 200
        assert re.match(r"GET /api/v1/property: ", str(error)), str(error)

    run()
