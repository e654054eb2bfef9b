"""Shared sentinels and type aliases."""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias, TypeVar, Union

__all__ = ["UNSET", "JsonValue", "Missing", "UnsetType"]

T = TypeVar("T")

#: Any JSON value, as :func:`json.loads` returns it: what the client hands back where the
#: server's answer has no fixed shape (an error body, an XCom value, a run's ``conf``).
JsonValue: TypeAlias = Union[  # noqa: UP007 (a recursive alias needs the string forms)
    str, int, float, bool, list["JsonValue"], dict[str, "JsonValue"], None
]


class UnsetType(enum.Enum):
    """Type of :data:`UNSET`: an argument the caller did not give.

    ``None`` means "send null" (or "no timeout"); ``UNSET`` means "send nothing" (or "keep
    the default"). An enum member (rather than a plain ``object()``) lets type checkers
    narrow ``Missing[T]`` with ``is UNSET``.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = UnsetType.UNSET

#: A value of type ``T`` or :data:`UNSET`.
Missing: TypeAlias = T | Literal[UnsetType.UNSET]
