"""Structure and unstructure functions generated per model class.

A generated model (:func:`._typeinfo.is_model`) decodes through a function whose source is
written for that class on first use and compiled: each field's key is read, checked and
converted inline, with no per-field dispatch at decode time. When it fails, a slower
field-by-field pass (:func:`field_plans`, :func:`._explain.explain`) runs only to build the
error message.
"""

from __future__ import annotations

import datetime as _dt
import linecache
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs

from ._codecs import (
    FIELD_DECODERS,
    expect_dict,
    expect_list,
    parse_datetime,
    parse_duration,
    structure_bool,
    structure_float,
    structure_int,
    structure_str,
)
from ._explain import FieldPlan, MissingField, explain
from ._hooks import Hook, enum_other
from ._typeinfo import EXTRA_FIELDS, TAG_KEY, is_json, open_enum, split_optional, tag_of

__all__ = ["Codegen", "field_plans", "make_model_structure", "make_model_unstructure"]


class Codegen:
    """Builds the source of one model's structure function and the names it uses."""

    def __init__(self, cls: type, conv: cattrs.Converter) -> None:
        self.cls = cls
        self.conv = conv
        self.env: dict[str, Any] = {
            "_str": structure_str,
            "_int": structure_int,
            "_float": structure_float,
            "_bool": structure_bool,
            "_datetime": parse_datetime,
            "_timedelta": parse_duration,
            "_dict": expect_dict,
            "_list": expect_list,
            "_enum_other": enum_other,
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
        if is_json(tp):
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
        enum_cls = open_enum(tp)
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
        hook = self.name("h", self.conv.get_structure_hook(tp))
        target = self.name("t", tp)
        return None, f"{hook}({var}, {target})"

    def item(self, tp: Any, var: str, depth: int) -> str:
        """Return an expression converting ``var`` (which may be None if ``tp`` allows)."""
        inner, optional = split_optional(tp)
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
        inner, _optional = split_optional(field.type)
        check, expr = self.convert(inner, var)
        if check == "False":
            return []
        if check is None:
            return [f"if {var} is not None:", f"    {var} = {expr}"]
        return [f"if {var} is not None and {check}:", f"    {var} = {expr}"]


def _compile(source: str, filename: str, env: dict[str, Any]) -> dict[str, Any]:
    # Registered with linecache so tracebacks through generated code show its source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = dict(env)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def field_plans(cls: type, conv: cattrs.Converter) -> list[FieldPlan]:
    """Per field: a function converting one value (and one list item), for error reports."""
    plans: list[FieldPlan] = []
    for field in attrs.fields(cls)[:-1]:
        gen = Codegen(cls, conv)
        body = gen.statement(field, "v")
        lines = ["def convert(v):", *(f"    {line}" for line in body), "    return v"]
        inner = split_optional(field.type)[0]
        if typing.get_origin(inner) is list and "decode" not in field.metadata:
            (item_tp,) = typing.get_args(inner) or (Any,)
            lines += ["def item(y0):", f"    return {gen.item(item_tp, 'y0', 1)}"]
        namespace = _compile("\n".join(lines) + "\n", f"<{cls.__qualname__} check>", gen.env)
        key = field.metadata.get("json", field.name)
        plans.append(
            FieldPlan(
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


# Models being built, for a model that (indirectly) contains itself.
_building: set[type] = set()


def make_model_structure(cls: type, conv: cattrs.Converter) -> Hook:
    """Generate, compile and return the structure function of a generated model."""
    if cls in _building:
        # A cycle: call through the converter once the outer build is registered.
        def structure_later(data: Any, _type: Any = None) -> Any:
            return conv.get_structure_hook(cls)(data, cls)

        return structure_later
    _building.add(cls)
    try:
        return _build_model_structure(cls, conv)
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


def _construct(cls: type, gen: Codegen, values: list[tuple[str, str]]) -> list[str]:
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


def _build_model_structure(cls: type, conv: cattrs.Converter) -> Hook:
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    gen = Codegen(cls, conv)
    gen.env.update(
        _cls=cls,
        _known=frozenset(f.metadata.get("json", f.name) for f in fields[:-1]),
        _explain=explain,
        _missing=MissingField,
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
    construct = _construct(cls, gen, [*values, (EXTRA_FIELDS, "extra")])
    lines.extend(f"        {line}" for line in construct)
    lines += [
        "    except Exception as exc:",
        "        raise _explain(_cls, d, _plans(), exc) from None",
    ]
    plans: list[FieldPlan] = []

    def get_plans() -> list[FieldPlan]:
        # Built only when a decode fails: error reporting costs nothing on success.
        if not plans:
            plans.extend(field_plans(cls, conv))
        return plans

    gen.env.update(_Mapping=Mapping, _plans=get_plans)
    source = "\n".join(lines) + "\n"
    namespace = _compile(source, f"<structure {cls.__module__}.{cls.__qualname__}>", gen.env)
    hook: Hook = namespace["structure"]
    return hook


def make_model_unstructure(cls: type, conv: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    """Return the unstructure function of a generated model (see the package docstring)."""
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    tag = tag_of(cls)
    plain = (str, int, float, bool)
    steps: list[tuple[str, str, bool]] = []  # (attribute, JSON key, value needs converting)
    for field in fields[:-1]:
        inner, _optional = split_optional(field.type)
        steps.append((field.name, field.metadata.get("json", field.name), inner not in plain))
    unstructure_value = conv.unstructure

    def unstructure_model(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key, convert in steps:
            value = getattr(obj, name)
            if value is None:
                if key == TAG_KEY and tag is not None:
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
