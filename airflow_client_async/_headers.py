"""Header checks that hold whichever transport sends the request.

httpx's own transport (h11) refuses a header name that is not a token, while aiohttp
writes whatever it is given: ``{"X-Evil: forged": "v"}`` went out as header ``X-Evil``
with the value ``forged: v``. Checking here, before any I/O, gives every transport the
same rules: a name is an RFC 9110 token, and a value has no CR, LF or NUL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import cast

__all__ = ["check_header", "check_headers", "is_token"]

# RFC 9110 section 5.6.2: token = 1*tchar.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TOKEN_BYTES = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_FORBIDDEN_IN_VALUES = ("\r", "\n", "\x00")


def is_token(name: str | bytes) -> bool:
    """Whether ``name`` is an RFC 9110 token, and so may be sent as a header name."""
    if isinstance(name, bytes):
        return _TOKEN_BYTES.fullmatch(name) is not None
    return _TOKEN.fullmatch(name) is not None


def check_header(name: str | bytes, value: str | bytes) -> None:
    """Refuse a header that would not go out as one header line with this exact value.

    The name is not quoted in the error: a mistyped header such as
    ``"Authorization: Bearer <token>"`` would carry its secret in the name.

    Raises:
        ValueError: The name is not a token, or the value holds a CR, LF or NUL.
    """
    if not is_token(name):
        raise ValueError(
            "a header name must be an RFC 9110 token: letters, digits and "
            "!#$%&'*+-.^_`|~ only (no spaces, colons, CR, LF or NUL)"
        )
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if any(char in text for char in _FORBIDDEN_IN_VALUES):
        shown = name.decode("ascii") if isinstance(name, bytes) else name
        raise ValueError(f"the value of header {shown!r} must not contain CR, LF or NUL characters")


def check_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
    """Check every header of a mapping or a list of pairs (see :func:`check_header`).

    Raises:
        ValueError: A header would not go out as given.
    """
    pairs = cast("Mapping[str, str]", headers).items() if isinstance(headers, Mapping) else headers
    for name, value in pairs:
        check_header(name, value)
