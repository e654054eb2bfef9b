"""What every resource namespace shares: the pipeline, and body and mask builders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import _converter
from .._types import UNSET

if TYPE_CHECKING:
    from .._http import HTTPPipeline

__all__ = ["Resource", "json_body", "patch_body"]


class Resource:
    """Base of the namespaces (``client.dags``, ``client.pools``, …): holds the pipeline."""

    def __init__(self, http: HTTPPipeline) -> None:
        self._http = http

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http.base_url}>"


def _json_value(name: str, value: Any) -> Any:
    if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(
            f"{name} is a naive datetime; Airflow refuses those. "
            "Give it a time zone, e.g. value.replace(tzinfo=datetime.timezone.utc)"
        )
    return _converter.unstructure(value)


def json_body(**fields: Any) -> dict[str, Any]:
    """Build a JSON request body from keyword arguments, leaving out the ``UNSET`` ones.

    ``None`` is sent as ``null``. Datetimes must be timezone-aware.
    """
    return {name: _json_value(name, v) for name, v in fields.items() if v is not UNSET}


def patch_body(
    fields: Mapping[str, Any], mask_names: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], str]:
    """Build a PATCH body and its ``update_mask`` from the fields the caller gave.

    Args:
        fields: Field name → value, with ``UNSET`` for "not given".
        mask_names: Where the server's update_mask name differs from the body's field name.

    Returns:
        The body (the given fields only) and the ``update_mask`` naming exactly them, as one
        comma-separated value: the spec declares the parameter ``explode: false``, and the
        server keeps only the last of repeated ``update_mask`` parameters.

    Raises:
        ValueError: No field was given.
    """
    body = json_body(**fields)
    if not body:
        raise ValueError(f"give at least one field to update: {', '.join(fields)}")
    names = mask_names or {}
    return body, ",".join(names.get(name, name) for name in body)
