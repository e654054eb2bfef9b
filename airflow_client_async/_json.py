"""JSON as the client sends it: strict RFC 8259, nothing Python alone would read back.

:func:`json.dumps` writes ``NaN``, ``Infinity`` and ``-Infinity`` for those floats by
default, which no JSON parser outside Python accepts; ``conf={"x": float("nan")}`` went
out as ``{"conf":{"x":NaN}}``. Here they raise before anything is sent.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "encode_body"]


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
