"""Scalar codecs: strings, numbers and booleans, datetimes and durations.

The structure functions here decode one JSON value each (the package docstring has the
rules), and :data:`FIELD_DECODERS` the fields a model marks with ``metadata["decode"]``;
:func:`format_datetime` and :func:`format_duration` write request bodies and the JSON form
of results. :func:`describe_kind` names a value's JSON kind in every error message of the
converter.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "FIELD_DECODERS",
    "describe_kind",
    "expect_dict",
    "expect_list",
    "format_datetime",
    "format_duration",
    "parse_datetime",
    "parse_duration",
    "structure_bool",
    "structure_float",
    "structure_int",
    "structure_str",
]

_UTC = _dt.timezone.utc


def describe_kind(value: Any) -> str:
    """Name a value's JSON kind for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"


# -- scalars ---------------------------------------------------------------------------


def structure_str(value: Any, _type: Any = str) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, str):
        # An enum member or other str subclass: its plain string value.
        return str.__str__(value)
    if isinstance(value, (bool, int, float)):
        # The server sometimes sends a number where the spec declares a string.
        return json.dumps(value)
    raise TypeError(f"expected a string, got {describe_kind(value)}")


def structure_int(value: Any, _type: Any = int) -> int:
    if value.__class__ is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {describe_kind(value)}")


def structure_float(value: Any, _type: Any = float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected a number, got {describe_kind(value)}")


def structure_bool(value: Any, _type: Any = bool) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected a boolean, got {describe_kind(value)}")


def expect_dict(value: Any) -> dict[Any, Any]:
    if isinstance(value, Mapping):
        return dict(typing.cast("Mapping[object, object]", value))
    raise TypeError(f"expected an object, got {describe_kind(value)}")


def expect_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(typing.cast("Sequence[Any]", value))
    raise TypeError(f"expected an array, got {describe_kind(value)}")


def _backoff_multiplier(value: Any) -> float:
    """Read a task's ``retry_exponential_backoff``: a multiplier, or an old boolean.

    Airflow 2, 3.0 and 3.1 send a boolean; from 3.2 it is the multiplier itself, and
    Airflow reads an old ``true`` as ``2.0`` and ``false`` as ``0``.
    """
    if value is True:
        return 2.0
    if value is False:
        return 0.0
    return structure_float(value)


#: Field decoders a model names in ``metadata["decode"]``, for shapes no type decodes.
FIELD_DECODERS: Mapping[str, Callable[[Any], Any]] = types.MappingProxyType(
    {"backoff_multiplier": _backoff_multiplier}
)


# -- datetimes and durations -------------------------------------------------------------

# Python 3.10's fromisoformat only reads isoformat()'s own output; this covers the rest.
_ISO_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)


def _parse_iso_slow(text: str) -> _dt.datetime:
    match = _ISO_DATETIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an ISO 8601 datetime: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz: _dt.tzinfo | None = None
    if offset is not None:
        if offset.upper() == "Z":
            tz = _UTC
        else:
            digits = offset[1:].replace(":", "")
            delta = _dt.timedelta(
                hours=int(digits[0:2]),
                minutes=int(digits[2:4] or 0),
                seconds=int(digits[4:6] or 0),
            )
            tz = _dt.timezone(-delta if offset[0] == "-" else delta)
    return _dt.datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        micro,
        tzinfo=tz,
    )


def parse_datetime(value: Any, _type: Any = _dt.datetime) -> _dt.datetime:
    """Parse an ISO 8601 datetime the way the server writes them (and a few ways it might).

    Accepts ``Z`` or any offset, ``T`` or a space, any number of fractional digits
    (truncated to microseconds) and a date alone (midnight). A value without an offset is
    taken as UTC. A :class:`datetime.datetime` is accepted as it is (made aware the same
    way).

    Raises:
        TypeError: ``value`` is not a string or datetime.
        ValueError: ``value`` is a string but not an ISO 8601 datetime.
    """
    if value.__class__ is str:
        try:
            parsed = _dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = _parse_iso_slow(value)
    elif isinstance(value, _dt.datetime):
        parsed = value
    else:
        raise TypeError(f"expected an ISO 8601 datetime string, got {describe_kind(value)}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=_UTC)
    return parsed


def format_datetime(value: _dt.datetime) -> str:
    """Write a datetime as RFC 3339 (ISO 8601 with an offset); a naive one is taken as UTC.

    RFC 3339 offsets are whole minutes, and Airflow refuses others; a datetime whose offset
    has seconds (some historical zones, or a hand-made ``timezone``) is written in UTC
    instead, which keeps the instant exactly.
    """
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is None:
        value = value.replace(tzinfo=_UTC)
    elif offset.seconds % 60 or offset.microseconds:
        value = value.astimezone(_UTC)
    return value.isoformat()


_ISO_DURATION = re.compile(
    r"([-+])?P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?",
    re.IGNORECASE,
)
_TIMEDELTA_KEYS = frozenset({"__type", "days", "seconds", "microseconds"})


def parse_duration(value: Any, _type: Any = _dt.timedelta) -> _dt.timedelta:
    """Read a duration as Airflow 2 or 3 sends it.

    Accepts Airflow's ``{"__type": "TimeDelta", "days", "seconds", "microseconds"}``
    object, an ISO 8601 duration of weeks, days, hours, minutes and seconds (``"PT1H"``,
    ``"P1DT2.5S"``, ``"-PT30S"``; years and months have no fixed length and are refused),
    a number of seconds, or a :class:`datetime.timedelta`.

    Raises:
        TypeError: ``value`` has none of these shapes.
        ValueError: ``value`` is a string but not such a duration.
    """
    if isinstance(value, _dt.timedelta):
        return value
    if isinstance(value, str):
        match = _ISO_DURATION.fullmatch(value.strip())
        if match is None or value.strip().upper().rstrip("T") in {"P", "-P", "+P"}:
            raise ValueError(f"not an ISO 8601 duration: {value!r}")
        sign, *parts = match.groups()
        weeks, days, hours, minutes, seconds = (
            float(p.replace(",", ".")) if p else 0.0 for p in parts
        )
        found = _dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
        return -found if sign == "-" else found
    if isinstance(value, Mapping):
        given = typing.cast("Mapping[str, object]", value)
        unknown = set(given) - _TIMEDELTA_KEYS
        if unknown:
            raise TypeError(f"unexpected keys in a TimeDelta object: {sorted(unknown)}")
        return _dt.timedelta(
            days=structure_int(given.get("days") or 0),
            seconds=structure_int(given.get("seconds") or 0),
            microseconds=structure_int(given.get("microseconds") or 0),
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.timedelta(seconds=value)
    raise TypeError(f"expected a duration, got {describe_kind(value)}")


def format_duration(value: _dt.timedelta) -> str:
    """Write a duration as ISO 8601 (``"PT5M"``, ``"P1DT2H0.5S"``, ``"-PT30S"``, ``"PT0S"``).

    Days are written as days (a day is 24 hours in a :class:`datetime.timedelta`), then
    hours, minutes and seconds with up to six fractional digits; zero parts are left out.
    """
    sign = "-" if value < _dt.timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "P" + (f"{value.days}D" if value.days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
        clock += f"{seconds}{fraction}S"
    if clock:
        text += "T" + clock
    elif not value.days:
        text += "T0S"
    return sign + text
