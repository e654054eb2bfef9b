"""Checks shared by the tests that decode responses captured from real servers."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timezone
from typing import Any

import attrs

from airflow_client_async import _converter

__all__ = ["covers", "non_null", "untyped"]


def non_null(value: Any) -> Any:
    """``value`` without null members, datetimes compared as parsed instants."""
    if isinstance(value, dict):
        return {k: non_null(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [non_null(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        # The users endpoints send naive timestamps; the converter reads them as UTC.
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return value


def untyped(value: Any, path: str = "") -> list[str]:
    """Every ``extra_fields`` entry anywhere in a decoded value, as ``path.key``."""
    found: list[str] = []
    if attrs.has(type(value)):
        found.extend(f"{path}.{key}" for key in getattr(value, "extra_fields", {}))
        for field in attrs.fields(type(value)):
            if field.name != "extra_fields":
                found.extend(untyped(getattr(value, field.name), f"{path}.{field.name}"))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(untyped(item, f"{path}[{index}]"))
    elif isinstance(value, dict):
        for key, item in value.items():
            found.extend(untyped(item, f"{path}[{key!r}]"))
    return found


def covers(found: Any, sent: Any) -> bool:
    """Whether ``found`` holds every key and value of ``sent`` (nulls and instants alike).

    A duration sent as Airflow's TimeDelta object is found as an ISO 8601 duration.
    """
    if isinstance(sent, dict) and sent.get("__type") == "TimeDelta" and isinstance(found, str):
        sent_as = dt.timedelta(
            days=sent["days"], seconds=sent["seconds"], microseconds=sent["microseconds"]
        )
        return _converter.parse_duration(found) == sent_as
    if isinstance(sent, dict):
        return isinstance(found, dict) and all(
            key in found and covers(found[key], value) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(found, list)
            and len(found) == len(sent)
            and all(covers(f, s) for f, s in zip(found, sent, strict=True))
        )
    return bool(non_null(found) == non_null(sent))
