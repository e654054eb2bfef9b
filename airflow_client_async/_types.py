"""Shared sentinels and type aliases."""

from __future__ import annotations

import enum
from typing import Any, Final, Literal, TypeAlias, TypeVar

__all__ = ["UNSET", "JSON", "Missing", "UnsetType", "is_set"]

T = TypeVar("T")

#: Any JSON value as decoded by :func:`json.loads`.
JSON = Any


class UnsetType(enum.Enum):
    """Type of :data:`UNSET`: an argument the caller did not give.

    ``None`` means "send null"; ``UNSET`` means "send nothing". An enum member (rather than
    a plain ``object()``) lets type checkers narrow ``Missing[T]`` with ``is UNSET``.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = UnsetType.UNSET

#: A value of type ``T`` or :data:`UNSET`.
Missing: TypeAlias = T | Literal[UnsetType.UNSET]


def is_set(value: object) -> bool:
    """Return whether ``value`` is anything but :data:`UNSET`."""
    return value is not UNSET
