"""What lies behind a transport error: one walk along an exception's chain.

The aiohttp transport looks there for the TLS error to keep when it stands in for
aiohttp's exception, and the retry rules for a refused certificate, which is not worth
another attempt.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["find_cause"]

_E = TypeVar("_E", bound=BaseException)

# Chains the transports build are two or three links long; the bound also stops a cycle.
_MAX_LINKS = 8


def find_cause(error: BaseException, kind: type[_E]) -> _E | None:
    """Return the first exception of type ``kind`` in ``error``'s chain, if any.

    The chain is ``error`` itself, then its ``__cause__`` (or, without one, its
    ``__context__``), and so on.

    Args:
        error: Where the walk starts.
        kind: The exception type looked for (subclasses match too).

    Returns:
        The first match, or ``None`` when the chain holds none within a few links.
    """
    seen: BaseException | None = error
    for _ in range(_MAX_LINKS):
        if seen is None:
            return None
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
