"""The answer of a call together with the HTTP responses behind it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

import attrs
import httpx

__all__ = ["RawResponse"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class RawResponse(Generic[T]):
    """What :meth:`AsyncClient.with_raw_response` returns.

    Attributes:
        parsed: What the method returned (a model, a ``Page``, ``None``…).
        http_response: The last response the call received.
        responses: Every response the call received, in order (a method that pages, or
            that asks the server's version first, makes more than one request).
    """

    parsed: T
    http_response: httpx.Response = attrs.field(repr=False)
    responses: tuple[httpx.Response, ...] = attrs.field(repr=False)

    @classmethod
    def of(cls, parsed: T, responses: Sequence[httpx.Response], call: object) -> RawResponse[T]:
        """Wrap ``parsed`` with the responses collected while ``call`` ran.

        Raises:
            ValueError: The call received no response.
        """
        if not responses:
            name = getattr(call, "__qualname__", repr(call))
            raise ValueError(f"{name} made no request, so there is no response to show")
        return cls(parsed=parsed, http_response=responses[-1], responses=tuple(responses))

    @property
    def status_code(self) -> int:
        """The last response's status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The last response's headers."""
        return self.http_response.headers

    def __repr__(self) -> str:
        return f"RawResponse(status_code={self.status_code}, parsed={self.parsed!r})"
