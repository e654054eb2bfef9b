"""Generate one set of attrs models for Airflow 2 (``/api/v1``) and Airflow 3 (``/api/v2``).

Reads ``openapi.json`` (Airflow 2.11.2), ``openapi-v2.json`` (apache-airflow-core 3.3.2) and
``openapi-fab.json`` (the FAB auth manager's users, roles and permissions), applies the
corrections of ``scripts/spec_corrections.py`` and ``scripts/spec_corrections_v2.py``, and
merges the schemas into models by the concept map of ``scripts/model_concepts.py``. Writes,
each formatted by ``ruff format`` so that the output is byte-for-byte reproducible:

* ``models/_generated.py``: one class per model, enum or alias;
* ``models/__init__.py``: their re-exports, with ``__all__``;
* ``tests/support/model_schemas.py``: which model each schema of each spec decodes into
  (only tests read it, so it does not ship).

Rules:

* A model is a ``@attrs.frozen(kw_only=True)`` class whose fields are the union of its
  schemas' (``allOf`` parts flattened in order), Airflow 3's first. The identity fields of
  its concept are typed without ``None`` and have no default; every other field defaults
  to ``None``. A request body's fields are all optional. A last field, ``extra_fields``,
  keeps the JSON keys no schema declares.
* Types: ``date-time`` strings are ``datetime.datetime``; ``duration`` strings
  ``datetime.timedelta``; free-form JSON ``JsonValue`` (a free-form object
  ``dict[str, JsonValue]``); OpenAPI 3.1's ``anyOf [X, {type: null}]`` is ``X | None``,
  ``prefixItems`` a tuple, ``const`` a ``Literal`` (defaulting to its value), and other
  ``anyOf``/``oneOf`` a union, which must be decidable from the JSON alone (distinct JSON
  kinds, or models told apart by their required keys); a union of arrays is an array of
  the union of their items.
* Where the versions type a field differently, the concept map names its type; the
  generator fails on a conflict it cannot resolve (see ``model_concepts``).
* An enum schema (or an inline enum) becomes a ``StrEnum`` with the values of every
  version; a field typed with one is ``Enum | str`` so that a value no spec lists decodes as
  a plain string. A ``null`` in a spec enum makes the field nullable; it is not a member.
* A JSON key that is not a usable Python name gets a safe attribute name (``__type`` →
  ``type``); the JSON key is kept in the field's ``metadata["json"]`` for the converter.
  ``metadata["fill"]`` names the key a field is filled from, ``metadata["decode"]`` a field
  decoder of the converter.
* Secrets (``password`` fields, a connection's ``extra``) are left out of ``repr``.

``python scripts/generate.py`` runs it with the other generators; alone::

    python scripts/generate_models.py           # regenerate the models
    python scripts/generate_models.py --check   # exit 1 and print a diff if out of date
"""

from __future__ import annotations

import dataclasses
import html
import json
import keyword
import pathlib
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import spec_corrections
import spec_corrections_v2
from _output import Outputs, ruff_format, run
from _spec import ROOT, SPEC_FAB_PATH, SPEC_PATH, SPEC_V2_PATH, load
from model_concepts import CONCEPTS, INLINE_NAMES, SECRET_FIELDS, Concept, FieldType

__all__ = [
    "GENERATED_PATH",
    "INIT_PATH",
    "SCHEMAS_PATH",
    "GenerationError",
    "Merger",
    "attribute_name",
    "build",
    "default_name",
    "generate",
    "load_specs",
    "main",
    "render",
]

PACKAGE_DIR = ROOT / "airflow_client_async"
MODELS_DIR = PACKAGE_DIR / "models"
GENERATED_PATH = MODELS_DIR / "_generated.py"
INIT_PATH = MODELS_DIR / "__init__.py"
SCHEMAS_PATH = ROOT / "tests" / "support" / "model_schemas.py"

#: Attribute name of the field that keeps undeclared JSON keys.
EXTRA_FIELDS = "extra_fields"

#: Names the generated module uses in annotations; a field must not shadow them.
_MODULE_NAMES = frozenset(
    {"datetime", "attrs", "TypeAlias", "Literal", "Model", "StrEnum", "JsonValue"}
)

_DATETIME_FORMATS = frozenset({"date-time", "datetime"})

#: The sources, in the order a model's fields and values are merged (Airflow 3's first).
SOURCES = ("v2", "fab", "v1")
_SOURCE_TITLES = {
    "v1": "Airflow 2 (/api/v1)",
    "v2": "Airflow 3 (/api/v2)",
    "fab": "FAB (Airflow 3)",
}


class GenerationError(ValueError):
    """The specs and the concept map do not make a consistent model set."""


# -- the type language ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Prim:
    """A scalar: str, int, float, bool, datetime, timedelta, json (any JSON) or null."""

    name: str


@dataclasses.dataclass(frozen=True)
class Named:
    """A schema by name: ``"v1:DAG"`` before mapping, the model's name after."""

    name: str


@dataclasses.dataclass(frozen=True)
class ListT:
    item: Type


@dataclasses.dataclass(frozen=True)
class MapT:
    value: Type


@dataclasses.dataclass(frozen=True)
class TupleT:
    items: tuple[Type, ...]


@dataclasses.dataclass(frozen=True)
class LiteralT:
    value: str


@dataclasses.dataclass(frozen=True)
class UnionT:
    members: tuple[Type, ...]


Type = Prim | Named | ListT | MapT | TupleT | LiteralT | UnionT

NULL = Prim("null")
JSON = Prim("json")
STR = Prim("str")


def union(members: Iterable[Type]) -> Type:
    """Return the union of ``members``: flattened, without repeats, in order."""
    found: list[Type] = []
    for member in members:
        for part in member.members if isinstance(member, UnionT) else (member,):
            if part not in found:
                found.append(part)
    if JSON in found:
        return JSON
    if len(found) == 1:
        return found[0]
    return UnionT(tuple(found))


def without_null(tp: Type) -> tuple[Type | None, bool]:
    """Return ``(tp without null, whether it allowed null)``; None if it was only null."""
    if tp == NULL:
        return None, True
    if isinstance(tp, UnionT) and NULL in tp.members:
        rest = [m for m in tp.members if m != NULL]
        return union(rest), True
    return tp, tp == JSON


def with_null(tp: Type, nullable: bool) -> Type:
    return union([tp, NULL]) if nullable else tp


# -- reading one spec ------------------------------------------------------------------------


@dataclasses.dataclass
class Prop:
    key: str
    type: Type
    description: str
    secret: bool


@dataclasses.dataclass
class ObjectNode:
    source: str
    name: str
    description: str
    props: list[Prop]
    required: set[str]


@dataclasses.dataclass
class EnumNode:
    source: str
    name: str
    description: str
    values: list[str]


@dataclasses.dataclass
class AliasNode:
    source: str
    name: str
    description: str
    type: Type
    tagged: bool = False


Node = ObjectNode | EnumNode | AliasNode


def _clean_doc(text: str | None) -> str:
    """Return a description as docstring text: entities decoded, trailing spaces dropped."""
    if not text:
        return ""
    lines = [line.rstrip() for line in html.unescape(text).strip().splitlines()]
    return "\n".join(lines)


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name))


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def default_name(source: str, schema: str) -> str:
    """The model name of a schema no concept names (see ``model_concepts``)."""
    if source == "v1":
        return schema
    name = schema
    if "_" in name:
        name = "".join(part for part in name.split("_") if part)
    if name.endswith("Response") and len(name) > len("Response"):
        name = name[: -len("Response")]
    return name


class SpecReader:
    """Turns one (corrected) spec's component schemas into nodes, inline schemas included."""

    def __init__(self, source: str, spec: Mapping[str, Any], owner_names: Mapping[str, str]):
        self.source = source
        self.spec = spec
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.owner_names = owner_names
        self.nodes: dict[str, Node] = {}
        self._inline: dict[tuple[str, str], str] = {}

    def read(self) -> dict[str, Node]:
        for name, schema in self.schemas.items():
            self._add(self._component(name, schema))
        return self.nodes

    def _add(self, node: Node) -> None:
        if node.name in self.nodes:
            raise GenerationError(f"{self.source}: two schemas would both be named {node.name}")
        self.nodes[node.name] = node

    def _owner(self, schema: str) -> str:
        return self.owner_names.get(schema) or default_name(self.source, schema)

    def _component(self, name: str, schema: dict[str, Any]) -> Node:
        description = _clean_doc(schema.get("description"))
        if "enum" in schema:
            return EnumNode(self.source, name, description, _enum_values(schema))
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants is not None:
            members = [self.type(v, name, "") for v in variants]
            tagged = "discriminator" in schema
            if tagged:
                # An unknown tag is kept as the raw object rather than failing.
                members.append(MapT(JSON))
            return AliasNode(self.source, name, description, union(members), tagged)
        if schema.get("type", "object") != "object" and "allOf" not in schema:
            return AliasNode(self.source, name, description, self.type(schema, name, ""))
        if not schema.get("properties") and "allOf" not in schema and "type" not in schema:
            return AliasNode(self.source, name, description, JSON)
        return ObjectNode(self.source, name, description, *self._props(name, schema))

    def _flatten(self, owner: str, schema: dict[str, Any]) -> Iterator[tuple[str, str, Any, bool]]:
        """Yield ``(owner, key, property, required)``, ``allOf`` merged in order."""
        if "$ref" in schema:
            target = _ref_name(schema["$ref"])
            yield from self._flatten(target, self.schemas[target])
            return
        for part in schema.get("allOf", []):
            yield from self._flatten(owner, part)
        required = set(schema.get("required", []))
        for key, prop in schema.get("properties", {}).items():
            yield owner, key, prop, key in required

    def _props(self, name: str, schema: dict[str, Any]) -> tuple[list[Prop], set[str]]:
        merged: dict[str, Prop] = {}
        required: set[str] = set()
        for owner, key, prop, needed in self._flatten(name, schema):
            secret = key == "password" or _format_of(prop) == "password"
            merged[key] = Prop(
                key=key,
                type=self.type(prop, owner, key),
                description=_clean_doc(prop.get("description")),
                secret=secret,
            )
            if needed:
                required.add(key)
        return list(merged.values()), required

    def _inline_node(self, owner: str, key: str, *, item: bool, schema: dict[str, Any]) -> str:
        """Return the name of an inline enum or object, defining it the first time."""
        if (owner, key) in self._inline:
            return self._inline[owner, key]
        name = INLINE_NAMES.get((owner, key))
        if name is None:
            base = _pascal(_singular(key) if item else key)
            name = self._owner(owner) + base
        self._inline[owner, key] = name
        description = _clean_doc(schema.get("description")) or f"Inline in ``{owner}.{key}``."
        if "enum" in schema:
            self._add(EnumNode(self.source, name, description, _enum_values(schema)))
        else:
            self._add(ObjectNode(self.source, name, description, *self._props(name, schema)))
        return name

    def type(self, schema: dict[str, Any], owner: str, key: str, *, item: bool = False) -> Type:
        """Return the type of a property's schema, ``null`` included where it allows it."""
        nullable = bool(schema.get("nullable"))
        if "$ref" in schema:
            target = _ref_name(schema["$ref"])
            found: Type = Named(f"{self.source}:{target}")
            target_schema = self.schemas[target]
            nullable = nullable or None in target_schema.get("enum", [])
            return with_null(found, nullable or bool(target_schema.get("nullable")))
        all_of = schema.get("allOf")
        if all_of and len(all_of) == 1 and "$ref" in all_of[0] and not schema.get("properties"):
            return with_null(self.type(all_of[0], owner, key, item=item), nullable)
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants is not None:
            members = [self.type(v, owner, key, item=item) for v in variants]
            return with_null(union(members), nullable)
        if "enum" in schema:
            name = self._inline_node(owner, key, item=item, schema=schema)
            return with_null(Named(f"{self.source}:{name}"), nullable or None in schema["enum"])
        if "const" in schema:
            return with_null(LiteralT(str(schema["const"])), nullable)
        kind = schema.get("type")
        if isinstance(kind, list):
            members = [self.type({**schema, "type": k}, owner, key, item=item) for k in kind]
            return with_null(union(members), nullable)
        if kind == "null":
            return NULL
        if kind == "string":
            fmt = schema.get("format")
            if fmt in _DATETIME_FORMATS:
                return with_null(Prim("datetime"), nullable)
            if fmt == "duration":
                return with_null(Prim("timedelta"), nullable)
            return with_null(STR, nullable)
        if kind == "integer":
            return with_null(Prim("int"), nullable)
        if kind == "number":
            return with_null(Prim("float"), nullable)
        if kind == "boolean":
            return with_null(Prim("bool"), nullable)
        if kind == "array":
            if "prefixItems" in schema:
                parts = tuple(self.type(p, owner, key, item=True) for p in schema["prefixItems"])
                return with_null(TupleT(parts), nullable)
            return with_null(
                ListT(self.type(schema.get("items", {}), owner, key, item=True)), nullable
            )
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                name = self._inline_node(owner, key, item=item, schema=schema)
                return with_null(Named(f"{self.source}:{name}"), nullable)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return with_null(MapT(self.type(extra, owner, key)), nullable)
            return with_null(MapT(JSON), nullable)
        return JSON

    def response_schemas(self) -> set[str]:
        """Names of the schemas a response body (of any status) may contain."""
        roots: list[Any] = []
        for item in self.spec["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict):
                    roots.extend(operation.get("responses", {}).values())
        roots.extend(self.spec.get("components", {}).get("responses", {}).values())
        return self._reachable(roots)

    def _reachable(self, roots: Iterable[Any]) -> set[str]:
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                ref = value.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = _ref_name(ref)
                    if name not in seen:
                        seen.add(name)
                        stack.append(self.schemas[name])
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
        return seen


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _format_of(prop: dict[str, Any]) -> str | None:
    if "format" in prop:
        return str(prop["format"])
    for variant in prop.get("anyOf", []):
        if "format" in variant:
            return str(variant["format"])
    return None


def _enum_values(schema: dict[str, Any]) -> list[str]:
    return [str(v) for v in schema["enum"] if v is not None]


# -- the merged model set --------------------------------------------------------------------


@dataclasses.dataclass
class FieldDef:
    attr: str
    key: str
    type: Type
    description: str
    secret: bool
    required: bool
    sources: tuple[str, ...]
    fill: str | None = None
    decoder: str | None = None
    resolution: str | None = None


@dataclasses.dataclass
class ModelDef:
    name: str
    description: str
    members: list[tuple[str, str]]
    fields: list[FieldDef]
    request: bool
    concept: Concept | None


@dataclasses.dataclass
class EnumDef:
    name: str
    description: str
    members: list[tuple[str, str]]
    values: list[str]


@dataclasses.dataclass
class AliasDef:
    name: str
    description: str
    members: list[tuple[str, str]]
    type: Type


Definition = ModelDef | EnumDef | AliasDef


def attribute_name(key: str) -> str:
    """Return the Python attribute name for a JSON key (``__type`` → ``type``)."""
    name = re.sub(r"\W", "_", key).lstrip("_") or "field"
    if name[0].isdigit():
        name = f"f_{name}"
    if keyword.iskeyword(name) or name == EXTRA_FIELDS or name in _MODULE_NAMES:
        name = f"{name}_"
    return name


class Merger:
    """Merges the nodes of every spec into definitions, following the concept map."""

    def __init__(self, specs: Mapping[str, Mapping[str, Any]]) -> None:
        self.concepts = {c.name: c for c in CONCEPTS}
        if len(self.concepts) != len(CONCEPTS):
            raise GenerationError("two concepts share a name")
        # (source, schema) → model name, from the concept map.
        self.explicit: dict[tuple[str, str], str] = {}
        for concept in CONCEPTS:
            for source in SOURCES:
                for schema in getattr(concept, source):
                    if (source, schema) in self.explicit:
                        raise GenerationError(f"{source} schema {schema} is in two concepts")
                    self.explicit[source, schema] = concept.name
        self.nodes: dict[str, dict[str, Node]] = {}
        self.responses: dict[str, set[str]] = {}
        for source in SOURCES:
            owners = {s: n for (src, s), n in self.explicit.items() if src == source}
            reader = SpecReader(source, specs[source], owners)
            self.nodes[source] = reader.read()
            self.responses[source] = reader.response_schemas()
        self.components = {s: set(specs[s]["components"]["schemas"]) for s in SOURCES}
        self.definitions: dict[str, Definition] = {}
        self.mapping = self._map()

    def _map(self) -> dict[tuple[str, str], str]:
        mapping: dict[tuple[str, str], str] = {}
        claimed: dict[str, tuple[str, str]] = {}
        for (source, schema), name in self.explicit.items():
            if schema not in self.nodes[source]:
                raise GenerationError(f"concept {name}: {source} has no schema {schema}")
            mapping[source, schema] = name
        for source in SOURCES:
            for schema in self.nodes[source]:
                if (source, schema) in mapping:
                    continue
                if source != "v1" and schema == "JsonValue":
                    continue  # the package's own JsonValue alias
                name = default_name(source, schema)
                if name in self.concepts:
                    raise GenerationError(
                        f"{source} schema {schema} would be named {name}, a concept it is not "
                        f"in: add it to that concept or name it in model_concepts"
                    )
                if name in claimed:
                    other = claimed[name]
                    raise GenerationError(
                        f"{source} schema {schema} and {other[0]} schema {other[1]} would both "
                        f"be named {name}: merge or rename them in model_concepts"
                    )
                claimed[name] = (source, schema)
                mapping[source, schema] = name
        return mapping

    # -- types ------------------------------------------------------------------------

    def resolve(self, tp: Type) -> Type:
        """Map schema names to model names, inlining scalar aliases and JsonValue."""
        if isinstance(tp, Named):
            source, schema = tp.name.split(":", 1)
            if source != "v1" and schema == "JsonValue":
                return JSON
            node = self.nodes[source][schema]
            if isinstance(node, AliasNode) and not isinstance(node.type, UnionT):
                return self.resolve(node.type)
            return Named(self.mapping[source, schema])
        if isinstance(tp, ListT):
            return ListT(self.resolve(tp.item))
        if isinstance(tp, MapT):
            return MapT(self.resolve(tp.value))
        if isinstance(tp, TupleT):
            return TupleT(tuple(self.resolve(t) for t in tp.items))
        if isinstance(tp, UnionT):
            return fold_lists(union(self.resolve(m) for m in tp.members))
        return tp

    def kind_of(self, name: str) -> str:
        definition = self.definitions.get(name)
        if isinstance(definition, EnumDef):
            return "enum"
        if isinstance(definition, AliasDef):
            return "alias"
        return "model"

    # -- building -----------------------------------------------------------------------

    def build(self) -> list[Definition]:
        groups: dict[str, list[tuple[str, str]]] = {}
        for (source, schema), name in self.mapping.items():
            groups.setdefault(name, []).append((source, schema))
        order = {s: i for i, s in enumerate(SOURCES)}
        # Enums and aliases first: merging fields asks what kind each name is.
        for name, members in groups.items():
            members.sort(key=lambda m: order[m[0]])
            kinds = {type(self.nodes[s][n]) for s, n in members}
            if len(kinds) != 1:
                raise GenerationError(f"{name}: its schemas are not all of one kind: {members}")
            kind = kinds.pop()
            if kind is EnumNode:
                self.definitions[name] = self._enum(name, members)
            elif kind is AliasNode:
                self.definitions[name] = self._alias(name, members)
        for name, members in groups.items():
            if name not in self.definitions:
                self.definitions[name] = self._model(name, members)
        for concept in CONCEPTS:
            if concept.name not in self.definitions:
                raise GenerationError(f"concept {concept.name} names no schema")
        for definition in self.definitions.values():
            if isinstance(definition, ModelDef):
                for field in definition.fields:
                    self._check_decidable(field.type, f"{definition.name}.{field.key}")
        # Spec order: v1's schemas first (as before), then what Airflow 3 adds.
        ordered: list[Definition] = []
        for source in ("v1", "v2", "fab"):
            for schema in self.nodes[source]:
                name = self.mapping.get((source, schema))
                if name is not None and self.definitions[name] not in ordered:
                    ordered.append(self.definitions[name])
        return ordered

    def _enum(self, name: str, members: list[tuple[str, str]]) -> EnumDef:
        values: list[str] = []
        description = ""
        for source, schema in members:
            node = self.nodes[source][schema]
            assert isinstance(node, EnumNode)
            description = description or node.description
            values.extend(v for v in node.values if v not in values)
        return EnumDef(name, description, members, values)

    def _alias(self, name: str, members: list[tuple[str, str]]) -> AliasDef:
        types = set()
        description = ""
        for source, schema in members:
            node = self.nodes[source][schema]
            assert isinstance(node, AliasNode)
            description = description or node.description
            types.add(self.resolve(node.type))
        if len(types) != 1:
            raise GenerationError(f"{name}: its schemas alias different types: {types}")
        return AliasDef(name, description, members, types.pop())

    def _model(self, name: str, members: list[tuple[str, str]]) -> ModelDef:
        concept = self.concepts.get(name)
        nodes: list[ObjectNode] = []
        for source, schema in members:
            node = self.nodes[source][schema]
            assert isinstance(node, ObjectNode)
            nodes.append(node)
        request = not any(n.name in self.responses[n.source] for n in nodes)
        # Airflow 2's descriptions say more; Airflow 3's fill in what it lacks.
        by_detail = sorted(nodes, key=lambda n: n.source != "v1")
        description = next((n.description for n in by_detail if n.description), "")
        keys: list[str] = []
        for node in nodes:
            keys.extend(p.key for p in node.props if p.key not in keys)
        identity = set(concept.identity) if concept else set()
        fills = {f.field: f for f in concept.fills} if concept else {}
        overrides = dict(concept.types) if concept else {}
        if request and identity:
            raise GenerationError(f"{name}: a request body has no identity fields")
        for key in [*identity, *fills, *overrides]:
            if key not in keys:
                raise GenerationError(f"{name}: the concept map names {key}, which no schema has")
        fields = [
            self._field(name, key, nodes, identity, fills, overrides, request) for key in keys
        ]
        attrs_seen: set[str] = set()
        for field in fields:
            if field.attr in attrs_seen or field.attr in self.mapping.values():
                raise GenerationError(f"{name}.{field.key}: attribute name {field.attr} clashes")
            attrs_seen.add(field.attr)
        return ModelDef(name, description, members, fields, request, concept)

    def _field(
        self,
        model: str,
        key: str,
        nodes: Sequence[ObjectNode],
        identity: set[str],
        fills: Mapping[str, Any],
        overrides: Mapping[str, FieldType],
        request: bool,
    ) -> FieldDef:
        present = [(n, p) for n in nodes for p in n.props if p.key == key]
        where = f"{model}.{key}"
        types = [self.resolve(p.type) for _, p in present]
        fill = fills.get(key)
        override = overrides.get(key)
        if override is not None:
            chosen = self.parse(override.annotation, where)
            for tp in types:
                stripped, _ = without_null(tp)
                if stripped is not None and not self.compatible(stripped, chosen, override):
                    raise GenerationError(
                        f"{where}: {render(stripped, self)} does not decode into "
                        f"{override.annotation}"
                    )
        else:
            chosen = self.merge_types(types, where)
        if key in identity:
            for node in nodes:
                has = any(p.key == key for p in node.props)
                filled = fill is not None and any(p.key == fill.source for p in node.props)
                if not (has or filled):
                    raise GenerationError(f"{where}: identity field missing from {node.name}")
                if has and node.source != "v1" and key not in node.required:
                    raise GenerationError(f"{where}: identity field not required in {node.name}")
        if fill is not None:
            source_types = [
                self.resolve(p.type) for n in nodes for p in n.props if p.key == fill.source
            ]
            if not source_types:
                raise GenerationError(f"{where}: filled from {fill.source}, which no schema has")
            for tp in source_types:
                stripped, _ = without_null(tp)
                if stripped is not None and not self.compatible(stripped, chosen, None):
                    raise GenerationError(f"{where}: {fill.source} does not decode into it")
        by_detail = sorted(present, key=lambda np: np[0].source != "v1")
        description = next((p.description for _, p in by_detail if p.description), "")
        sources = tuple(dict.fromkeys(n.source for n, _ in present))
        secret = any(p.secret for _, p in present) or (model, key) in SECRET_FIELDS
        return FieldDef(
            attr=attribute_name(key),
            key=key,
            type=chosen,
            description=description,
            secret=secret,
            required=key in identity and not request,
            sources=sources,
            fill=fill.source if fill is not None else None,
            decoder=override.decoder if override is not None else None,
            resolution=override.reason if override is not None else None,
        )

    def merge_types(self, types: Sequence[Type], where: str) -> Type:
        """Merge the versions' types of one field, or fail (see ``model_concepts``)."""
        merged: Type | None = None
        nullable = False
        for tp in types:
            stripped, allows_null = without_null(tp)
            nullable = nullable or allows_null
            if stripped is None:
                continue
            merged = stripped if merged is None else self._merge(merged, stripped, where)
        if merged is None:
            return JSON
        return merged

    def _merge(self, a: Type, b: Type, where: str) -> Type:
        if a == b:
            return a
        a_inner, a_null = without_null(a)
        b_inner, b_null = without_null(b)
        if (a_null or b_null) and a_inner is not None and b_inner is not None:
            return with_null(self._merge(a_inner, b_inner, where), True)
        if isinstance(a, ListT) and isinstance(b, ListT):
            return ListT(self._merge(a.item, b.item, where))
        if isinstance(a, MapT) and isinstance(b, MapT):
            return MapT(self._merge(a.value, b.value, where))
        for plain, other in ((a, b), (b, a)):
            if plain == STR and isinstance(other, Named) and self.kind_of(other.name) == "enum":
                return other
        raise GenerationError(
            f"{where}: the versions type it {render(a, self)} and {render(b, self)}; name its "
            f"type in model_concepts"
        )

    def compatible(self, src: Type, dst: Type, override: FieldType | None) -> bool:
        """Whether the converter decodes a value of ``src`` into ``dst``."""
        if src == dst or dst == JSON:
            return True
        if isinstance(src, UnionT):
            return all(self.compatible(m, dst, override) for m in src.members)
        if isinstance(dst, UnionT):
            return any(self.compatible(src, m, override) for m in dst.members)
        if src == NULL:
            return True
        if isinstance(dst, Prim):
            if dst.name in {"int", "float"} and src in (Prim("int"), Prim("float")):
                return True
            if dst.name == "float" and src == Prim("bool"):
                return override is not None and override.decoder == "backoff_multiplier"
            if dst.name == "timedelta":
                return src == STR or src == Named("TimeDelta")
            if dst.name == "datetime":
                return src == STR
            return False
        if isinstance(dst, Named):
            kind = self.kind_of(dst.name)
            if kind == "enum":
                return src == STR
            if kind == "model":
                return isinstance(src, MapT) and src.value == JSON
            return False
        if isinstance(dst, ListT):
            return isinstance(src, ListT) and self.compatible(src.item, dst.item, override)
        if isinstance(dst, MapT):
            return isinstance(src, MapT) and self.compatible(src.value, dst.value, override)
        if isinstance(dst, TupleT):
            return (
                isinstance(src, TupleT)
                and len(src.items) == len(dst.items)
                and all(
                    self.compatible(s, d, override)
                    for s, d in zip(src.items, dst.items, strict=True)
                )
            )
        return False

    def parse(self, annotation: str, where: str) -> Type:
        """Parse an annotation of the concept map into a type."""
        text = annotation.strip()
        parts = _split_top(text, "|")
        if len(parts) > 1:
            return union(self.parse(p, where) for p in parts)
        scalars = {
            "str": STR,
            "int": Prim("int"),
            "float": Prim("float"),
            "bool": Prim("bool"),
            "None": NULL,
            "datetime.datetime": Prim("datetime"),
            "datetime.timedelta": Prim("timedelta"),
            "JsonValue": JSON,
        }
        if text in scalars:
            return scalars[text]
        match = re.fullmatch(r"(list|dict|tuple)\[(.*)\]", text)
        if match:
            args = _split_top(match.group(2), ",")
            if match.group(1) == "list" and len(args) == 1:
                return ListT(self.parse(args[0], where))
            if match.group(1) == "dict" and len(args) == 2 and args[0].strip() == "str":
                return MapT(self.parse(args[1], where))
            if match.group(1) == "tuple":
                return TupleT(tuple(self.parse(a, where) for a in args))
        if text in self.mapping.values():
            return Named(text)
        raise GenerationError(f"{where}: cannot read the annotation {annotation!r}")

    # -- unions the converter can decide -------------------------------------------------

    def _check_decidable(self, tp: Type, where: str) -> None:
        if isinstance(tp, ListT):
            self._check_decidable(tp.item, where)
        elif isinstance(tp, MapT):
            self._check_decidable(tp.value, where)
        elif isinstance(tp, TupleT):
            for item in tp.items:
                self._check_decidable(item, where)
        elif isinstance(tp, UnionT):
            by_kind: dict[str, list[Type]] = {}
            for member in tp.members:
                self._check_decidable(member, where)
                for kind in self._json_kinds(member):
                    by_kind.setdefault(kind, []).append(member)
            for kind, found in by_kind.items():
                if len(found) < 2 or kind == "null":
                    continue
                literals = [m for m in found if isinstance(m, LiteralT)]
                models = [
                    m for m in found if isinstance(m, Named) and self.kind_of(m.name) == "model"
                ]
                if kind == "string" and len(found) - len(literals) <= 1:
                    continue
                if kind == "object" and len(models) == len(found) and self._distinct(models):
                    continue
                names = ", ".join(render(m, self) for m in found)
                raise GenerationError(f"{where}: the union cannot tell {names} apart ({kind})")

    def _json_kinds(self, tp: Type) -> set[str]:
        if isinstance(tp, Prim):
            return {
                "str": {"string"},
                "int": {"number"},
                "float": {"number"},
                "bool": {"boolean"},
                "datetime": {"string"},
                "timedelta": {"string", "object", "number"},
                "null": {"null"},
                "json": {"string", "number", "boolean", "array", "object", "null"},
            }[tp.name]
        if isinstance(tp, LiteralT):
            return {"string"}
        if isinstance(tp, (ListT, TupleT)):
            return {"array"}
        if isinstance(tp, MapT):
            return {"object"}
        if isinstance(tp, Named):
            kind = self.kind_of(tp.name)
            if kind == "enum":
                return {"string"}
            if kind == "alias":
                alias = self.definitions[tp.name]
                assert isinstance(alias, AliasDef)
                return self._json_kinds(alias.type)
            return {"object"}
        assert isinstance(tp, UnionT)
        return set().union(*(self._json_kinds(m) for m in tp.members))

    def _distinct(self, models: Sequence[Named]) -> bool:
        """Whether the converter can tell the models apart: by a ``Literal`` field they all
        have with distinct values, or by their required keys (most specific first)."""
        definitions = []
        for model in models:
            definition = self.definitions[model.name]
            assert isinstance(definition, ModelDef)
            definitions.append(definition)
        literal_keys = None
        for definition in definitions:
            keys = {f.key for f in definition.fields if isinstance(f.type, LiteralT)}
            literal_keys = keys if literal_keys is None else literal_keys & keys
        for key in literal_keys or ():
            values = [next(f.type for f in d.fields if f.key == key) for d in definitions]
            if len(set(values)) == len(values):
                return True
        keys = [frozenset(f.key for f in d.fields if f.required) for d in definitions]
        if len(set(keys)) != len(keys):
            return False
        # Each model's required keys must not all be another's, except for the one with
        # fewest (it is the fallback).
        ordered = sorted(keys, key=len, reverse=True)
        return all(
            not a or any(k not in b for k in a)
            for i, a in enumerate(ordered)
            for b in ordered[i + 1 :]
        )


def fold_lists(tp: Type) -> Type:
    """A union of arrays is an array of the union of their items (decidable item by item)."""
    if not isinstance(tp, UnionT):
        return tp
    lists = [m for m in tp.members if isinstance(m, ListT)]
    if len(lists) < 2:
        return tp
    rest = [m for m in tp.members if not isinstance(m, ListT)]
    return union([*rest, ListT(union(m.item for m in lists))])


def _split_top(text: str, separator: str) -> list[str]:
    """Split ``text`` at ``separator`` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


# -- rendering ---------------------------------------------------------------------------


def render(tp: Type, merger: Merger | None = None) -> str:
    """Return the annotation of a type (without the field's own ``| None``)."""
    parts: list[str] = []
    for member in tp.members if isinstance(tp, UnionT) else (tp,):
        for text in _render_member(member, merger):
            if text not in parts:
                parts.append(text)
    if "JsonValue" in parts:
        return "JsonValue"
    # None last, as the project's lint wants it.
    parts.sort(key=lambda part: part == "None")
    return " | ".join(parts)


def _render_member(tp: Type, merger: Merger | None) -> list[str]:
    if isinstance(tp, Prim):
        return [
            {
                "str": "str",
                "int": "int",
                "float": "float",
                "bool": "bool",
                "datetime": "datetime.datetime",
                "timedelta": "datetime.timedelta",
                "json": "JsonValue",
                "null": "None",
            }[tp.name]
        ]
    if isinstance(tp, Named):
        if merger is not None and merger.kind_of(tp.name) == "enum":
            return [tp.name, "str"]
        return [tp.name]
    if isinstance(tp, ListT):
        return [f"list[{render(tp.item, merger)}]"]
    if isinstance(tp, MapT):
        return [f"dict[str, {render(tp.value, merger)}]"]
    if isinstance(tp, TupleT):
        return [f"tuple[{', '.join(render(t, merger) for t in tp.items)}]"]
    if isinstance(tp, LiteralT):
        return [f"Literal[{json.dumps(tp.value)}]"]
    return [render(tp, merger)]


def _member_name(value: str) -> str:
    name = re.sub(r"\W+", "_", value).strip("_").upper() or "EMPTY"
    return f"V_{name}" if name[0].isdigit() else name


def _docstring(text: str, indent: str) -> str:
    """Return ``text`` as a triple-quoted docstring literal at ``indent``."""
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body += " "
    lines = body.splitlines() or [""]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    out = [f'{indent}"""{lines[0]}\n']
    out.extend(f"{indent}{line}\n" if line else "\n" for line in lines[1:])
    out.append(f'{indent}"""\n')
    return "".join(out)


def _wrap(text: str) -> str:
    """Wrap a paragraph the generator writes (spec text is kept as the spec has it)."""
    return textwrap.fill(text, width=88, break_on_hyphens=False, break_long_words=False)


def _sources_line(members: Sequence[tuple[str, str]]) -> str:
    by_source: dict[str, list[str]] = {}
    for source, schema in members:
        by_source.setdefault(source, []).append(f"``{schema}``")
    parts = [
        f"{_SOURCE_TITLES[s]}: {', '.join(by_source[s])}"
        for s in ("v1", "v2", "fab")
        if s in by_source
    ]
    return _wrap("Schemas: " + "; ".join(parts) + ".")


def _render_enum(definition: EnumDef) -> str:
    out = [f"class {definition.name}(StrEnum):\n"]
    doc = definition.description or f"{definition.name} values."
    doc += "\n\n" + _sources_line(definition.members)
    out.append(_docstring(doc, "    "))
    out.append("\n")
    names: set[str] = set()
    for value in definition.values:
        member = _member_name(value)
        if member in names:
            raise GenerationError(f"{definition.name}: two values map to member {member}")
        names.add(member)
        out.append(f"    {member} = {json.dumps(value)}\n")
    return "".join(out)


def _model_doc(definition: ModelDef) -> str:
    paragraphs = [definition.description or definition.name, _sources_line(definition.members)]
    if definition.request:
        paragraphs.append("A request body: every field is optional.")
    required = [f.key for f in definition.fields if f.required]
    if required:
        names = ", ".join(f"``{k}``" for k in required)
        paragraphs.append(_wrap(f"Identity fields (always sent, required): {names}."))
    concept = definition.concept
    if concept is not None:
        paragraphs.extend(
            _wrap(f"``{fill.field}`` is filled from ``{fill.source}``: {fill.reason}")
            for fill in concept.fills
        )
        if concept.note:
            paragraphs.append(_wrap(concept.note))
    return "\n\n".join(paragraphs)


def _field_doc(definition: ModelDef, field: FieldDef) -> str:
    notes = []
    both = {"v1"} & set(field.sources) and {"v2", "fab"} & set(field.sources)
    versions = {s for s, _ in definition.members}
    if not both and {"v1"} & versions and {"v2", "fab"} & versions:
        only = "Airflow 2" if "v1" in field.sources else "Airflow 3"
        notes.append(f"Sent by {only} only.")
    if field.fill:
        notes.append(f"Filled from ``{field.fill}`` when a server sends only that.")
    if field.resolution:
        notes.append(_wrap(f"Typed ``{render(field.type)}``: {field.resolution}"))
    if field.attr != field.key:
        notes.append(f"JSON key: ``{field.key}``.")
    return "\n\n".join([d for d in [field.description, *notes] if d])


def _render_model(definition: ModelDef, merger: Merger) -> str:
    # eq and repr come from Model: generating them per class doubles the import time.
    out = [
        "@attrs.frozen(kw_only=True, eq=False, repr=False)\n",
        f"class {definition.name}(Model):\n",
        _docstring(_model_doc(definition), "    "),
        "\n",
    ]
    for field in definition.fields:
        annotation = render(field.type, merger)
        default: str | None = None if field.required else "None"
        if isinstance(field.type, LiteralT):
            default = json.dumps(field.type.value)
        elif not field.required and annotation != "JsonValue" and not annotation.endswith("None"):
            annotation = f"{annotation} | None"
        metadata: dict[str, str] = {}
        if field.attr != field.key:
            metadata["json"] = field.key
        if field.fill:
            metadata["fill"] = field.fill
        if field.decoder:
            metadata["decode"] = field.decoder
        options = []
        if default is not None:
            options.append(f"default={default}")
        if field.secret:
            options.append("repr=False")
        if metadata:
            options.append(f"metadata={json.dumps(metadata)}")
        if options == [f"default={default}"]:
            value = f" = {default}"
        elif options:
            value = f" = attrs.field({', '.join(options)})"
        else:
            value = ""
        out.append(f"    {field.attr}: {annotation}{value}\n")
        doc = _field_doc(definition, field)
        if doc:
            out.append(_docstring(doc, "    "))
    factory = "attrs.field(factory=extra_fields, repr=False)"
    out.append(f"    {EXTRA_FIELDS}: dict[str, JsonValue] = {factory}\n")
    out.append(_docstring("JSON keys no schema declares, kept as decoded.", "    "))
    return "".join(out)


def _render_alias(definition: AliasDef, merger: Merger) -> str:
    out = f"{definition.name}: TypeAlias = {render(definition.type, merger)}\n"
    doc = definition.description
    doc = (
        f"{doc}\n\n{_sources_line(definition.members)}"
        if doc
        else _sources_line(definition.members)
    )
    return out + _docstring(doc, "")


def _corrections_header() -> list[str]:
    lines = []
    for title, corrections in (
        ("scripts/spec_corrections.py (openapi.json)", spec_corrections.CORRECTIONS),
        ("scripts/spec_corrections_v2.py (openapi-v2.json)", spec_corrections_v2.CORRECTIONS),
        ("scripts/spec_corrections_v2.py (openapi-fab.json)", spec_corrections_v2.FAB_CORRECTIONS),
    ):
        lines.append(f"Corrections from {title}:\n\n")
        lines.extend(f"* {c.name}\n" for c in corrections)
        lines.append("\n")
    return lines


def render_generated(
    specs: Mapping[str, Mapping[str, Any]], merger: Merger, definitions: list[Definition]
) -> str:
    """Return the source of ``models/_generated.py`` (before formatting)."""
    names = sorted(d.name for d in definitions)
    header = [
        '"""Models of Airflow\'s REST API, /api/v1 (Airflow 2) and /api/v2 (Airflow 3) alike.\n',
        "\n",
        "Specs:\n",
        "\n",
        *(f"* {specs[s].get('x-extracted-from', s)}\n" for s in ("v1", "v2", "fab")),
        "\n",
        "merged by the concept map of ``scripts/model_concepts.py``.\n",
        "\n",
        *_corrections_header(),
        '"""\n',
        "\n",
        "# Generated by scripts/generate_models.py; do not edit by hand: run "
        "python scripts/generate.py.\n",
        "\n",
        "from __future__ import annotations\n",
        "\n",
        "import datetime\n",
        "from typing import Literal, TypeAlias\n",
        "\n",
        "import attrs\n",
        "\n",
        "from .._types import JsonValue\n",
        "from ._base import Model, StrEnum, extra_fields\n",
        "\n",
        "__all__ = [\n",
        *(f"    {json.dumps(n)},\n" for n in names),
        "]\n",
    ]
    blocks = []
    aliases = []
    for definition in definitions:
        if isinstance(definition, EnumDef):
            blocks.append(_render_enum(definition))
        elif isinstance(definition, ModelDef):
            blocks.append(_render_model(definition, merger))
        else:
            # Aliases are evaluated at import time: emit them after every class.
            aliases.append(_render_alias(definition, merger))
    return "".join(header) + "\n\n" + "\n\n".join([*blocks, *aliases])


def render_init(definitions: list[Definition]) -> str:
    """Return the source of ``models/__init__.py`` (before formatting)."""
    names = sorted([*(d.name for d in definitions), "JsonValue"])
    lines = [
        '"""Typed models of Airflow\'s REST API, one set for /api/v1 and /api/v2.\n',
        "\n",
        "Generated by ``scripts/generate_models.py`` from ``openapi.json``, ``openapi-v2.json``\n",
        "and ``openapi-fab.json``, merged by the concept map of ``scripts/model_concepts.py``.\n",
        "Every model has ``to_dict()``, ``to_json()`` and ``from_dict()``.\n",
        '"""\n',
        "\n",
        "# Generated by scripts/generate_models.py; do not edit by hand: run "
        "python scripts/generate.py.\n",
        "\n",
        "from .._types import JsonValue\n",
        "from ._generated import (\n",
        *(f"    {n},\n" for n in names if n != "JsonValue"),
        ")\n",
        "\n",
        "__all__ = [\n",
        *(f"    {json.dumps(n)},\n" for n in names),
        "]\n",
    ]
    return "".join(lines)


def render_schemas(merger: Merger) -> str:
    """Return the source of ``tests/support/model_schemas.py``: each spec's schemas → models."""
    lines = [
        '"""Which model each component schema of each spec decodes into.\n',
        "\n",
        "Generated by ``scripts/generate_models.py``; do not edit by hand: run\n",
        "``python scripts/generate.py``.\n",
        '"""\n',
        "\n",
        "from __future__ import annotations\n",
        "\n",
        "from collections.abc import Mapping\n",
        "from types import MappingProxyType\n",
        "from typing import Final\n",
        "\n",
        '__all__ = ["FAB_SCHEMAS", "V1_SCHEMAS", "V2_SCHEMAS"]\n',
        "\n",
    ]
    titles = {
        "v1": ("V1_SCHEMAS", "``openapi.json`` (Airflow 2)"),
        "v2": ("V2_SCHEMAS", "``openapi-v2.json`` (Airflow 3)"),
        "fab": ("FAB_SCHEMAS", "``openapi-fab.json`` (the FAB auth manager on Airflow 3)"),
    }
    for source in ("v1", "v2", "fab"):
        constant, title = titles[source]
        entries = {
            schema: merger.mapping.get((source, schema), "JsonValue")
            for schema in merger.nodes[source]
            if schema in merger.components[source]
        }
        lines.append(f"#: Schema name in {title} → model name.\n")
        lines.append(f"{constant}: Final[Mapping[str, str]] = MappingProxyType(\n    {{\n")
        lines.extend(f"        {json.dumps(k)}: {json.dumps(v)},\n" for k, v in entries.items())
        lines.append("    }\n)\n\n")
    return "".join(lines)


# -- running -------------------------------------------------------------------------------


def load_specs(
    v1: pathlib.Path = SPEC_PATH, v2: pathlib.Path = SPEC_V2_PATH, fab: pathlib.Path = SPEC_FAB_PATH
) -> dict[str, dict[str, Any]]:
    """Return the three specs, keyed by source, with their corrections applied."""
    return {
        "v1": spec_corrections.apply_corrections(load(v1)),
        "v2": spec_corrections_v2.apply_corrections(load(v2)),
        "fab": spec_corrections_v2.apply_fab_corrections(load(fab)),
    }


def build(specs: Mapping[str, Mapping[str, Any]]) -> tuple[Merger, list[Definition]]:
    """Merge the specs into definitions; raise :class:`GenerationError` on any conflict."""
    merger = Merger(specs)
    return merger, merger.build()


def generate() -> Outputs:
    """Return the formatted text of every file this generator writes, keyed by path."""
    specs = load_specs()
    merger, definitions = build(specs)
    return {
        GENERATED_PATH: ruff_format(render_generated(specs, merger, definitions), GENERATED_PATH),
        INIT_PATH: ruff_format(render_init(definitions), INIT_PATH),
        SCHEMAS_PATH: ruff_format(render_schemas(merger), SCHEMAS_PATH),
    }


def main(argv: list[str] | None = None) -> int:
    try:
        return run(generate, argv, __doc__)
    except GenerationError as exc:
        print(f"generate_models: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
