"""Generate the attrs models in ``airflow_client_async/models`` from ``openapi.json``.

Reads the spec, applies every correction in ``scripts/spec_corrections.py``, and writes
``models/_generated.py`` (one class per schema) and ``models/__init__.py`` (re-exports with
``__all__``), both formatted with ``ruff format`` so the output is byte-for-byte
reproducible.

Rules:

* An object schema becomes a ``@attrs.frozen(kw_only=True)`` class named exactly like the
  schema; ``allOf`` parts are flattened in order. Every field is optional (default
  ``None``) because the server omits and nulls fields the spec calls required. A last
  field, ``extra_fields``, keeps the JSON keys the spec does not declare.
* An enum schema (or an inline enum) becomes a ``StrEnum``; a field typed with one is
  ``Enum | str | None`` so that a value the spec does not list decodes as a plain string.
  A ``null`` in a spec enum makes the field nullable; it is not a member.
* A JSON key that is not a usable Python name gets a safe attribute name (``__type`` →
  ``type``); the JSON key is kept in the field's ``metadata["json"]`` for the converter.
* Secrets (``password`` fields, a connection's ``extra``) are left out of ``repr``.

Usage::

    python scripts/generate_models.py           # regenerate
    python scripts/generate_models.py --check   # exit 1 and print a diff if out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import html
import json
import keyword
import pathlib
import re
import shutil
import subprocess
import sys
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from spec_corrections import CORRECTIONS, apply_corrections

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi.json"
MODELS_DIR = ROOT / "airflow_client_async" / "models"
GENERATED_PATH = MODELS_DIR / "_generated.py"
INIT_PATH = MODELS_DIR / "__init__.py"
PYPROJECT = ROOT / "pyproject.toml"

#: Names for inline schemas where the default rule (owner schema + field name) reads badly.
INLINE_NAMES: dict[tuple[str, str], str] = {
    ("DAGRun", "run_type"): "DagRunType",
    ("UpdateDagRunState", "state"): "UpdateDagState",
    ("UserCollectionItem", "roles"): "UserRole",
}

#: (schema, property) pairs that hold secrets besides any ``password``.
SECRET_FIELDS: frozenset[tuple[str, str]] = frozenset({("Connection", "extra")})

#: Attribute name of the field that keeps undeclared JSON keys.
EXTRA_FIELDS = "extra_fields"

#: Names the generated module uses in annotations; a field must not shadow them.
_MODULE_NAMES = frozenset({"datetime", "attrs", "Any", "TypeAlias", "Model", "StrEnum"})

_DATETIME_FORMATS = frozenset({"date-time", "datetime"})


@dataclasses.dataclass
class EnumDef:
    name: str
    description: str
    values: list[str]


@dataclasses.dataclass
class FieldDef:
    attr: str
    key: str
    annotation: str
    description: str
    secret: bool


@dataclasses.dataclass
class ModelDef:
    name: str
    description: str
    fields: list[FieldDef]


@dataclasses.dataclass
class AliasDef:
    name: str
    annotation: str
    description: str


Definition = EnumDef | ModelDef | AliasDef


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


def _member_name(value: str) -> str:
    name = re.sub(r"\W+", "_", value).strip("_").upper() or "EMPTY"
    return f"V_{name}" if name[0].isdigit() else name


def attribute_name(key: str) -> str:
    """Return the Python attribute name for a JSON key (``__type`` → ``type``)."""
    name = re.sub(r"\W", "_", key).lstrip("_") or "field"
    if name[0].isdigit():
        name = f"f_{name}"
    if keyword.iskeyword(name) or name == EXTRA_FIELDS or name in _MODULE_NAMES:
        name = f"{name}_"
    return name


class _Builder:
    """Turns the (corrected) spec's component schemas into definitions, in spec order."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.defs: dict[str, Definition] = {}
        # An inline schema is reached once per class that flattens its owner: name it once.
        self._inline_names: dict[tuple[str, str], str] = {}

    def build(self) -> list[Definition]:
        aliases: list[AliasDef] = []
        for name, schema in self.schemas.items():
            definition = self._component(name, schema)
            if isinstance(definition, AliasDef):
                # Aliases are evaluated at import time: emit them after every class.
                aliases.append(definition)
            else:
                self._add(definition)
        for alias in aliases:
            self._add(alias)
        return list(self.defs.values())

    def _add(self, definition: Definition) -> None:
        if definition.name in self.defs:
            raise ValueError(f"two schemas would both be named {definition.name}")
        self.defs[definition.name] = definition

    def _component(self, name: str, schema: dict[str, Any]) -> Definition:
        description = _clean_doc(schema.get("description"))
        if "enum" in schema:
            return EnumDef(name, description, [v for v in schema["enum"] if v is not None])
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants is not None:
            members = [self._type(v, name, "") for v in variants]
            if "discriminator" in schema:
                # An unknown tag is kept as the raw object rather than failing.
                members.append("dict[str, Any]")
            return AliasDef(name, " | ".join(members), description)
        if schema.get("type", "object") != "object" and "allOf" not in schema:
            return AliasDef(name, self._type(schema, name, ""), description)
        return ModelDef(name, description, self._fields(name, schema))

    def _flatten(self, owner: str, schema: dict[str, Any]) -> list[tuple[str, str, Any]]:
        """Return ``(owner, key, property)`` for every property, ``allOf`` merged in order."""
        if "$ref" in schema:
            target = self._ref_name(schema["$ref"])
            return self._flatten(target, self.schemas[target])
        found: list[tuple[str, str, Any]] = []
        for part in schema.get("allOf", []):
            found.extend(self._flatten(owner, part))
        found.extend((owner, key, prop) for key, prop in schema.get("properties", {}).items())
        return found

    def _fields(self, name: str, schema: dict[str, Any]) -> list[FieldDef]:
        merged: dict[str, FieldDef] = {}
        for owner, key, prop in self._flatten(name, schema):
            annotation = self._type(prop, owner, key)
            if annotation != "Any":
                annotation = f"{annotation} | None"
            secret = key == "password" or prop.get("format") == "password"
            merged[key] = FieldDef(
                attr=attribute_name(key),
                key=key,
                annotation=annotation,
                description=_clean_doc(prop.get("description")),
                secret=secret or (owner, key) in SECRET_FIELDS,
            )
        fields = list(merged.values())
        attrs_seen: set[str] = set()
        for field in fields:
            if field.attr in attrs_seen or field.attr in self.schemas:
                raise ValueError(f"{name}.{field.key}: attribute name {field.attr} clashes")
            attrs_seen.add(field.attr)
        return fields

    @staticmethod
    def _ref_name(ref: str) -> str:
        return ref.rsplit("/", 1)[-1]

    def _ref(self, ref: str) -> str:
        name = self._ref_name(ref)
        return f"{name} | str" if "enum" in self.schemas[name] else name

    def _inline_name(self, owner: str, key: str, *, item: bool) -> str:
        if (owner, key) in INLINE_NAMES:
            return INLINE_NAMES[owner, key]
        return owner + _pascal(_singular(key) if item else key)

    def _inline(self, owner: str, key: str, *, item: bool, schema: dict[str, Any]) -> str:
        """Return the name of an inline enum or object, defining it the first time."""
        if (owner, key) in self._inline_names:
            return self._inline_names[owner, key]
        name = self._inline_name(owner, key, item=item)
        self._inline_names[owner, key] = name
        description = _clean_doc(schema.get("description")) or f"Inline in ``{owner}.{key}``."
        if "enum" in schema:
            self._add(EnumDef(name, description, [v for v in schema["enum"] if v is not None]))
        else:
            self._add(ModelDef(name, description, self._fields(name, schema)))
        return name

    def _type(self, schema: dict[str, Any], owner: str, key: str, *, item: bool = False) -> str:
        """Return the annotation (without ``| None``) for a property's schema."""
        if "$ref" in schema:
            return self._ref(schema["$ref"])
        all_of = schema.get("allOf")
        if all_of and len(all_of) == 1 and "$ref" in all_of[0]:
            return self._ref(all_of[0]["$ref"])
        if "anyOf" in schema or "oneOf" in schema:
            return "Any"
        if "enum" in schema:
            return f"{self._inline(owner, key, item=item, schema=schema)} | str"
        kind = schema.get("type")
        if kind == "string":
            return "datetime.datetime" if schema.get("format") in _DATETIME_FORMATS else "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            items = schema.get("items", {})
            inner = self._type(items, owner, key, item=True)
            if inner != "Any" and self._nullable(items):
                inner = f"{inner} | None"
            return f"list[{inner}]"
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                return self._inline(owner, key, item=item, schema=schema)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self._type(extra, owner, key)
                if value != "Any" and self._nullable(extra):
                    value = f"{value} | None"
                return f"dict[str, {value}]"
            return "dict[str, Any]"
        return "Any"

    def _nullable(self, schema: dict[str, Any]) -> bool:
        if schema.get("nullable"):
            return True
        if "$ref" in schema:
            target = self.schemas[self._ref_name(schema["$ref"])]
            return bool(target.get("nullable")) or None in target.get("enum", [])
        return False


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


def _render_enum(definition: EnumDef) -> str:
    out = [f"class {definition.name}(StrEnum):\n"]
    out.append(_docstring(definition.description or f"{definition.name} values.", "    "))
    out.append("\n")
    names: set[str] = set()
    for value in definition.values:
        member = _member_name(value)
        if member in names:
            raise ValueError(f"{definition.name}: two values map to member {member}")
        names.add(member)
        out.append(f"    {member} = {json.dumps(value)}\n")
    return "".join(out)


def _render_model(definition: ModelDef) -> str:
    # eq and repr come from Model: generating them per class doubles the import time.
    out = [
        "@attrs.frozen(kw_only=True, eq=False, repr=False)\n",
        f"class {definition.name}(Model):\n",
    ]
    out.append(_docstring(definition.description or definition.name, "    "))
    out.append("\n")
    for field in definition.fields:
        options = ["default=None"]
        if field.secret:
            options.append("repr=False")
        if field.attr != field.key:
            options.append(f"metadata={{{json.dumps('json')}: {json.dumps(field.key)}}}")
        plain = options == ["default=None"]
        value = "None" if plain else f"attrs.field({', '.join(options)})"
        out.append(f"    {field.attr}: {field.annotation} = {value}\n")
        doc = field.description
        if field.attr != field.key:
            doc = f"{doc}\n\nJSON key: ``{field.key}``." if doc else f"JSON key: ``{field.key}``."
        if doc:
            out.append(_docstring(doc, "    "))
    out.append(f"    {EXTRA_FIELDS}: dict[str, Any] = attrs.field(factory=dict, repr=False)\n")
    out.append(_docstring("JSON keys the spec does not declare, kept as decoded.", "    "))
    return "".join(out)


def _render_alias(definition: AliasDef) -> str:
    out = f"{definition.name}: TypeAlias = {definition.annotation}\n"
    if definition.description:
        out += _docstring(definition.description, "")
    return out


def render_generated(spec: dict[str, Any], definitions: list[Definition]) -> str:
    """Return the source of ``models/_generated.py`` (before formatting)."""
    names = sorted(d.name for d in definitions)
    info = spec.get("info", {})
    source = spec.get("x-extracted-from", "openapi.json")
    header = [
        f'"""Models of the {info.get("title", "Airflow API")}, generated from ``openapi.json``.\n',
        "\n",
        f"Spec: {source} (info.version {info.get('version', '?')}),\n",
        "with these corrections from ``scripts/spec_corrections.py``:\n",
        "\n",
        *(f"* {c.name}\n" for c in CORRECTIONS),
        '"""\n',
        "\n",
        "# Generated by scripts/generate_models.py; do not edit by hand.\n",
        "\n",
        "from __future__ import annotations\n",
        "\n",
        "import datetime\n",
        "from typing import Any, TypeAlias\n",
        "\n",
        "import attrs\n",
        "\n",
        "from ._base import Model, StrEnum\n",
        "\n",
        "__all__ = [\n",
        *(f"    {json.dumps(n)},\n" for n in names),
        "]\n",
    ]
    blocks = []
    for definition in definitions:
        if isinstance(definition, EnumDef):
            blocks.append(_render_enum(definition))
        elif isinstance(definition, ModelDef):
            blocks.append(_render_model(definition))
        else:
            blocks.append(_render_alias(definition))
    return "".join(header) + "\n\n" + "\n\n".join(blocks)


def render_init(definitions: list[Definition]) -> str:
    """Return the source of ``models/__init__.py`` (before formatting)."""
    names = sorted(d.name for d in definitions)
    lines = [
        '"""Typed models of the Airflow REST API (v1): attrs classes, enums and aliases.\n',
        "\n",
        "Generated from ``openapi.json`` by ``scripts/generate_models.py``; decode and encode\n",
        "them with :mod:`airflow_client_async._converter`.\n",
        '"""\n',
        "\n",
        "# Generated by scripts/generate_models.py; do not edit by hand.\n",
        "\n",
        "from ._generated import (\n",
        *(f"    {n},\n" for n in names),
        ")\n",
        "\n",
        "__all__ = [\n",
        *(f"    {json.dumps(n)},\n" for n in names),
        "]\n",
    ]
    return "".join(lines)


def _ruff() -> str:
    local = pathlib.Path(sys.executable).parent / "ruff"
    found = str(local) if local.exists() else shutil.which("ruff")
    if found is None:
        raise SystemExit("ruff not found: install the dev dependencies")
    return found


def _run_ruff(args: list[str], source: str, path: pathlib.Path) -> str:
    result = subprocess.run(
        [_ruff(), *args, "--config", str(PYPROJECT), "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"ruff {args[0]} failed on {path}:\n{result.stderr}")
    return result.stdout


def ruff_format(source: str, path: pathlib.Path) -> str:
    """Return ``source`` with imports sorted and formatted by ruff, as if it lived at ``path``."""
    # The project's ruff settings decide import order and layout, so CI's lint agrees.
    sorted_source = _run_ruff(["check", "--fix", "--select", "I", "--quiet"], source, path)
    return _run_ruff(["format"], sorted_source, path)


def generate(spec_path: pathlib.Path = SPEC_PATH) -> dict[pathlib.Path, str]:
    """Return the formatted text of every generated file, keyed by path."""
    spec = apply_corrections(json.loads(spec_path.read_text(encoding="utf-8")))
    definitions = _Builder(spec).build()
    return {
        GENERATED_PATH: ruff_format(render_generated(spec, definitions), GENERATED_PATH),
        INIT_PATH: ruff_format(render_init(definitions), INIT_PATH),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and print a diff if the committed files are out of date",
    )
    args = parser.parse_args(argv)
    outputs = generate()
    stale = False
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        stale = True
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if args.check:
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"a/{rel}",
                    f"b/{rel}",
                )
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    if args.check and stale:
        print("\nmodels are out of date: run python scripts/generate_models.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
