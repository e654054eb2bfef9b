"""The package's decoding rebuilt on cattrs' own generated structure functions.

Scenario f asks whether the package's hand-written structure codegen
(``airflow_client_async._converter._codegen``) earns its code. This module builds a second converter
with the same hooks the package registers (strings, numbers, booleans, datetimes,
durations, open enums, free-form JSON, literals, tuples, unions, the ``__type`` tagged
unions), and decodes every model through ``cattrs.gen.make_dict_structure_fn`` instead,
wrapped to behave exactly like the package: keys no schema declares go to
``extra_fields``, filled fields take the other version's key, identity fields are
required, field decoders apply, a model instance passes as it is, and a bad body raises the
package's own error naming the class and field. Scenario f checks that both decoders give
equal models before it times them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from airflow_client_async._converter import (
    _codecs,
    _codegen,
    _explain,
    _hooks,
    _typeinfo,
    converter,
)

__all__ = ["make_converter"]


def _make_model_hook(cls: type, conv: cattrs.Converter) -> Any:
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)[:-1]
    overrides: dict[str, Any] = {"extra_fields": override(omit=True)}
    for field in fields:
        options: dict[str, Any] = {}
        if "json" in field.metadata:
            options["rename"] = field.metadata["json"]
        decoder = field.metadata.get("decode")
        if decoder is not None:
            decode = _codecs.FIELD_DECODERS[decoder]
            options["struct_hook"] = lambda v, _t, decode=decode: None if v is None else decode(v)
        if options:
            overrides[field.name] = override(**options)
    generated = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=False, **overrides)
    known = frozenset(f.metadata.get("json", f.name) for f in fields)
    fills = [
        (f.metadata.get("json", f.name), f.metadata["fill"]) for f in fields if "fill" in f.metadata
    ]
    required = [f.metadata.get("json", f.name) for f in fields if f.default is attrs.NOTHING]
    plans: list[Any] = []

    def structure(data: Any, _type: Any = None) -> Any:
        if data.__class__ is cls:
            return data
        if not isinstance(data, dict):
            raise _explain.explain(cls, data, _plans(), None)
        if fills:
            data = dict(data)
            for key, source in fills:
                if data.get(key) is None:
                    data[key] = data.get(source)
        try:
            for key in required:
                if data.get(key) is None:
                    raise _explain.MissingField
            found = generated(data, cls)
        except Exception as exc:
            raise _explain.explain(cls, data, _plans(), exc) from None
        if not data.keys() <= known:
            found.extra_fields.update({k: v for k, v in data.items() if k not in known})
        return found

    def _plans() -> list[Any]:
        if not plans:
            plans.extend(_codegen.field_plans(cls, converter))
        return plans

    return structure


def make_converter() -> cattrs.Converter:
    """Return a converter with the package's hooks and cattrs-generated model functions."""
    conv = cattrs.Converter(detailed_validation=False)
    conv.register_structure_hook(str, _codecs.structure_str)
    conv.register_structure_hook(int, _codecs.structure_int)
    conv.register_structure_hook(float, _codecs.structure_float)
    conv.register_structure_hook(bool, _codecs.structure_bool)
    conv.register_structure_hook(dt.datetime, _codecs.parse_datetime)
    conv.register_structure_hook(dt.timedelta, _codecs.parse_duration)
    conv.register_structure_hook_func(_typeinfo.is_json, lambda value, _type: value)
    conv.register_structure_hook_factory(_typeinfo.is_literal, _hooks.make_literal_hook)
    conv.register_structure_hook_factory(_typeinfo.is_fixed_tuple, _hooks.make_tuple_hook)
    conv.register_structure_hook_factory(_typeinfo.is_plain_union, _hooks.make_union_hook)
    conv.register_structure_hook_factory(
        lambda tp: _typeinfo.optional_union(tp) is not None, _hooks.make_optional_union_hook
    )
    conv.register_structure_hook_factory(
        lambda tp: _typeinfo.open_enum(tp) is not None,
        lambda tp: _hooks.make_open_enum_hook(_typeinfo.open_enum(tp)),  # type: ignore[arg-type]
    )
    conv.register_structure_hook_factory(
        lambda tp: _typeinfo.tagged_union(tp) is not None, _hooks.make_tagged_union_hook
    )
    conv.register_structure_hook_factory(_typeinfo.is_model, _make_model_hook)
    return conv
