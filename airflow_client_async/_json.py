"""JSON as the client sends it, and as it reads it.

Sent: strict RFC 8259, nothing Python alone would read back. :func:`json.dumps` writes
``NaN``, ``Infinity`` and ``-Infinity`` for those floats by default, which no JSON parser
outside Python accepts; ``conf={"x": float("nan")}`` went out as ``{"conf":{"x":NaN}}``.
Here they raise before anything is sent.

Read: :func:`loads` gives what :func:`json.loads` gives, for every input. When msgspec is
installed (the ``fast`` extra) it parses first, in about half the time; whatever it
refuses (``NaN``, lone surrogates, a byte order mark, UTF-16, numbers beyond a double,
nesting too deep, malformed JSON) goes to :func:`json.loads`, which decides. It keeps
integers of any size exactly, as :func:`json.loads` does (orjson turns those beyond 64
bits into floats, which is why it is not the one used).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["dumps", "encode_body", "loads"]


def _fast_parser() -> Callable[[bytes], Any] | None:
    try:
        import msgspec
    except ImportError:
        return None
    decode: Callable[[bytes], Any] = msgspec.json.Decoder().decode
    return decode


#: The fast parser when msgspec is installed, else ``None`` (tests set it either way).
_fast_loads = _fast_parser()


def loads(body: bytes) -> Any:
    """Parse a JSON document exactly as :func:`json.loads` does, faster when it can.

    Raises:
        ValueError: ``body`` is not a JSON document (:class:`json.JSONDecodeError`, or
            :class:`UnicodeDecodeError` for bytes in no encoding JSON allows).
        RecursionError: ``body`` nests deeper than Python's recursion limit allows.
    """
    fast = _fast_loads
    if fast is not None:
        try:
            return fast(body)
        except (ValueError, RecursionError):
            # msgspec.DecodeError is a ValueError. What msgspec refuses, json.loads
            # may still read (NaN, a byte order mark…) or refuses in its own words.
            pass
    return json.loads(body)


def dumps(value: Any, *, compact: bool = True) -> str:
    """Serialise ``value`` as strict JSON text.

    Args:
        value: What to serialise.
        compact: No spaces after separators and non-ASCII characters kept as they are (for
            request bodies); ``False`` gives :func:`json.dumps`'s own layout (for JSON text
            sent inside a string field, as the server has always received it).

    Raises:
        ValueError: ``value`` holds a NaN or an infinite float somewhere.
        TypeError: ``value`` holds something JSON has no form for.
    """
    try:
        if not compact:
            return json.dumps(value, allow_nan=False)
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise ValueError(
            "NaN and infinite floats have no JSON form and are never sent; "
            "use None (null) or a string instead"
        ) from exc


def encode_body(value: Any) -> bytes:
    """Serialise a request body: :func:`dumps`, encoded as UTF-8.

    Raises:
        ValueError: ``value`` holds a NaN or an infinite float somewhere.
        TypeError: ``value`` holds something JSON has no form for.
    """
    return dumps(value).encode()
