"""Hand-written helpers the generated models build on."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from .._converter import converter, dump_model, error_lines
from .._errors import ModelValidationError
from .._types import JsonValue

__all__ = ["Model", "StrEnum", "extra_fields"]

_M = TypeVar("_M", bound="Model")


def extra_fields() -> dict[str, JsonValue]:
    """Return a new, empty ``extra_fields`` dict (the factory of every model's last field)."""
    return {}


class StrEnum(str, enum.Enum):
    """An enum whose members are strings and print as their value.

    ``str()`` and f-strings give ``"running"``, not ``"DagRunState.RUNNING"``, so a member
    can go straight into a URL, a query parameter or a log line (``enum.StrEnum`` does the
    same but needs Python 3.11).
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class Model:
    """Base of every generated model: the JSON form, field-wise ``==`` and a ``repr``.

    The models are ``@attrs.frozen(kw_only=True, eq=False, repr=False)`` classes that
    inherit ``__eq__`` and ``__repr__`` instead of having attrs generate them per class:
    generating them for ~250 classes roughly doubles the import time of the models.
    Behaviour is attrs': equal when of the same class with equal fields; ``repr`` shows the
    fields declared with ``repr=True`` (so never secrets or ``extra_fields``). Models are not
    hashable (``extra_fields`` is a dict, so they could not be anyway).

    Every model leaves the library as JSON: :meth:`to_dict` and :meth:`to_json` give its
    JSON form, :meth:`from_dict` reads one back, and a FastAPI (pydantic) endpoint may
    declare and return models directly (pydantic is imported only when it asks for the
    schema).
    """

    __slots__ = ()

    #: Per class: the names of the fields shown by ``repr``, computed on first use.
    _repr_names_cache: ClassVar[dict[type, tuple[str, ...]]] = {}

    def to_dict(self, *, exclude_none: bool = False) -> dict[str, JsonValue]:
        """Return the model as JSON-ready data, keyed by the JSON names the server uses.

        Every declared field is present, ``None`` as ``None`` (``null`` in JSON), unless
        ``exclude_none`` is true: then declared fields whose value is ``None`` are left out,
        in nested models too (``None`` inside lists and free-form JSON stays). Keys the server
        sent that no schema declares (``extra_fields``) are merged back as they came.
        Datetimes are ISO 8601 strings with an offset, durations ISO 8601 durations
        (``"PT5M"``), enum members their values, nested models dicts.
        ``from_dict(m.to_dict()) == m``.
        """
        return dump_model(self, exclude_none)

    def to_json(self, *, exclude_none: bool = False, indent: int | None = None) -> str:
        """Return :meth:`to_dict` as a JSON document (UTF-8 text, non-ASCII kept)."""
        return json.dumps(
            self.to_dict(exclude_none=exclude_none), indent=indent, ensure_ascii=False
        )

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, object]) -> _M:
        """Build a model from its JSON form (a server's body, or :meth:`to_dict`'s output).

        Decoding follows the converter's rules: unknown keys go to ``extra_fields``, unknown
        enum values are kept as strings, ISO 8601 strings become datetimes.

        Raises:
            ModelValidationError: ``data`` does not fit: an identity field is missing, or a
                field has the wrong shape. The message names the class and every bad field.
        """
        try:
            return converter.structure(data, cls)
        except Exception as exc:
            lines = error_lines(exc)
            message = f"{cls.__name__}: " + "; ".join(lines)
            raise ModelValidationError(message, model=cls.__name__, errors=lines) from exc

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Describe the model to pydantic (and so to FastAPI): its fields, validated with
        :meth:`from_dict` and serialised with :meth:`to_dict`."""
        from ._pydantic import model_core_schema

        return model_core_schema(cls, handler)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(
            getattr(self, a.name) == getattr(other, a.name)
            for a in attrs.fields(self.__class__)  # type: ignore[arg-type]
        )

    def __repr__(self) -> str:
        cls = self.__class__
        names = Model._repr_names_cache.get(cls)
        if names is None:
            names = tuple(a.name for a in attrs.fields(cls) if a.repr)  # type: ignore[arg-type]
            Model._repr_names_cache[cls] = names
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{cls.__qualname__}({shown})"
