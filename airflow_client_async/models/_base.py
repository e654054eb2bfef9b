"""Hand-written helpers the generated models build on."""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

__all__ = ["Model", "StrEnum"]


class StrEnum(str, enum.Enum):
    """An enum whose members are strings and print as their value.

    ``str()`` and f-strings give ``"running"``, not ``"DagState.RUNNING"``, so a member can
    go straight into a URL, a query parameter or a log line (``enum.StrEnum`` does the
    same but needs Python 3.11).
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class Model:
    """Base of every generated model: field-wise ``==`` and an attrs-style ``repr``.

    The models are ``@attrs.frozen(kw_only=True, eq=False, repr=False)`` classes that
    inherit these two methods instead of having attrs generate them per class: generating
    them for ~100 classes roughly doubles the import time of the models. Behaviour is
    attrs': equal when of the same class with equal fields; ``repr`` shows the fields
    declared with ``repr=True`` (so never secrets or ``extra_fields``). Models are not
    hashable (``extra_fields`` is a dict, so they could not be anyway).
    """

    __slots__ = ()

    #: Per class: the names of the fields shown by ``repr``, computed on first use.
    _repr_names_cache: ClassVar[dict[type, tuple[str, ...]]] = {}

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
