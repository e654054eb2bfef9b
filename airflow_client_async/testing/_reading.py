"""How the fake reads what a request sends: JSON shapes, checked body fields, datetimes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from ._dialect import Answer, Dialect

__all__ = ["body_fields", "json_array", "json_object", "parse_time"]


def json_object(value: Any) -> dict[str, Any] | None:
    """``value`` as a JSON object, or ``None`` when it is not one."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def json_array(value: Any) -> list[Any]:
    """``value`` as a JSON array (empty when it is not one)."""
    if not isinstance(value, list):
        return []
    # mypy reads the check as list[Any] already, pyright as a list of unknowns.
    return cast("list[Any]", value)  # type: ignore[redundant-cast]


def body_fields(
    sent: Any, allowed: set[str], required: Iterable[str], dialect: Dialect
) -> dict[str, Any] | Answer:
    """Check a request body: an object, known keys only on Airflow 3, the required ones there."""
    body = json_object(sent)
    if body is None:
        return dialect.bad_request("the request body must be a JSON object")
    if dialect.v2:
        unknown = sorted(set(body) - allowed)
        if unknown:
            return dialect.bad_request("Extra inputs are not permitted", loc=("body", unknown[0]))
    for name in required:
        if body.get(name) is None:
            if dialect.v2:
                return dialect.bad_request("Field required", loc=("body", name))
            return dialect.bad_request(f"{{'{name}': ['Missing data for required field.']}}")
    return body


def parse_time(value: Any) -> float | str | None:
    """A request's datetime as seconds; a string error when it is not an aware datetime."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "not a datetime"
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "not a datetime"
    if parsed.tzinfo is None:
        return "Naive datetime is disallowed"
    return parsed.timestamp()
