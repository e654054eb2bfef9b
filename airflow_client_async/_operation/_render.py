"""How one operation's request is spelled on the route the server takes: pure, no I/O.

A method hands over its arguments under its own keyword names. :func:`render` fills the
route's path with percent-encoded segments, renames what the route's API spells
differently, leaves out what it does not need, refuses (with :class:`Lacking`) what it
does not take, encodes lists the way that API reads them, builds ``update_mask`` from the
fields given, and turns datetimes, enums and models into their wire form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import cast
from urllib.parse import quote

import attrs

from .._converter import format_datetime, unstructure
from .._routes import ApiVersion, Route
from .._types import UNSET
from ._tables import BODY_FIELDS, QUERY_PARAMETERS

__all__ = [
    "Lacking",
    "Rendered",
    "build_path",
    "check_aware",
    "encode_path_segment",
    "json_body",
    "keyword_of",
    "query_params",
    "render",
]


class Lacking(Exception):
    """A parameter was given a value that the route's API does not take."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@attrs.frozen
class Rendered:
    """One operation's request as it goes out: path, query and body (``UNSET``: none).

    Attributes:
        path: The path below the server's root, its segments encoded.
        params: The query parameters, in order.
        json: The JSON-ready body, or ``UNSET``.
    """

    path: str
    params: list[tuple[str, str]]
    json: object


def encode_path_segment(value: object, name: str) -> str:
    """Percent-encode ``value`` as exactly one path segment.

    Every character outside ``A-Z a-z 0-9 - _ . ~`` is encoded (``/``, ``?``, ``#``, ``%``,
    ``+``, spaces, unicode as UTF-8), and a segment of only ``.`` or ``..`` has its dots
    encoded too, so no value can climb out of its place in the route.

    Args:
        value: A string (or integer, for map indexes and try numbers).
        name: The parameter's name, for error messages.

    Raises:
        ValueError: ``value`` is empty.
        TypeError: ``value`` is neither a string nor an integer.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    text = str(value)
    if not text:
        raise ValueError(f"{name} must be a non-empty string")
    if text in {".", ".."}:
        return "%2E" * len(text)
    return quote(text, safe="")


def build_path(template: str, **values: object) -> str:
    """Fill ``template`` (e.g. ``"/dags/{dag_id}"``) with percent-encoded segments."""
    return template.format(**{name: encode_path_segment(v, name) for name, v in values.items()})


def check_aware(name: str, value: datetime) -> datetime:
    """Return ``value`` if it has a time zone; refuse a naive datetime.

    Airflow 2 answers a naive datetime with 400 and Airflow 3 with a 500 (or a 422 in a
    body), so it is refused before anything is sent.

    Raises:
        ValueError: ``value`` is naive.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} is a naive datetime; Airflow refuses those. "
            "Give it a time zone, e.g. value.replace(tzinfo=datetime.timezone.utc)"
        )
    return value


def _query_scalar(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_datetime(check_aware(name, value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"{name} cannot be sent as a query parameter: {type(value).__name__}")


def query_params(
    values: Mapping[str, object], *, comma: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Build query parameters, leaving out ``None`` and ``UNSET``.

    A list value is sent as a repeated key, or as one comma-separated value for the names
    in ``comma`` (where a value holding a comma, or an empty one, is refused: the server
    would split it). Datetimes must be timezone-aware; they are sent in ISO 8601 with
    their offset, and httpx percent-encodes the ``+``.

    Raises:
        ValueError: A naive datetime, or a value the comma-joined form cannot carry.
        TypeError: A value that cannot be a query parameter.
    """
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None or value is UNSET:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            items = [_query_scalar(name, item) for item in cast("Iterable[object]", value)]
            if name in comma:
                params.append((name, _comma_join(name, items)))
            else:
                params.extend((name, item) for item in items)
        else:
            params.append((name, _query_scalar(name, value)))
    return params


def _comma_join(name: str, items: list[str]) -> str:
    if not items:
        raise ValueError(f"give at least one value in {name} (or None)")
    for item in items:
        if not item or "," in item:
            raise ValueError(
                f"{name} cannot carry {item!r}: the server reads it as one comma-separated value"
            )
    return ",".join(items)


def _json_value(name: str, value: object) -> object:
    if isinstance(value, datetime):
        check_aware(name, value)
    return unstructure(value)


def json_body(fields: Mapping[str, object]) -> dict[str, object]:
    """Build a JSON request body from fields, leaving out the ``UNSET`` ones.

    ``None`` is sent as ``null``. Datetimes must be timezone-aware.
    """
    return {name: _json_value(name, v) for name, v in fields.items() if v is not UNSET}


def _given(value: object) -> bool:
    return value is not None and value is not UNSET


def _renamed(
    values: Mapping[str, object],
    renames: Mapping[str, str | None],
    accepted: frozenset[str] | None = None,
) -> dict[str, object]:
    """``values`` under their wire names, checked against what the operation accepts.

    Args:
        values: Name → value, under the method's keyword names.
        renames: Keyword → wire name where they differ; ``None`` where the API lacks it.
        accepted: The wire names the operation takes (``None``: do not check).

    Raises:
        Lacking: A name the API lacks was given a value (``None`` and ``UNSET`` are
            "not given").
    """
    out: dict[str, object] = {}
    for name, value in values.items():
        wire = renames.get(name, name)
        if wire is None or (accepted is not None and wire not in accepted):
            if _given(value):
                raise Lacking(name)
            continue
        out[wire] = value
    return out


def _accepted(
    table: Mapping[str, Mapping[str, frozenset[str]]], route: Route, api_version: ApiVersion
) -> frozenset[str] | None:
    """The names ``route``'s operation takes, per its spec; ``None`` when not known."""
    if route.operation_id is None:
        return None
    return table["fab" if route.base == "fab" else api_version].get(route.operation_id)


def render(
    route: Route,
    api_version: ApiVersion,
    path: Mapping[str, object] | None,
    query: Mapping[str, object] | None,
    body: Mapping[str, object] | None,
    update: Mapping[str, object] | None,
) -> Rendered:
    """The path, query and body of ``route`` for these values.

    Raises:
        Lacking: A parameter the route lacks was given a value.
        ValueError: ``update`` names no field given, or a value cannot be sent.
    """
    url_path = route.prefix(api_version) + build_path(route.path, **(path or {}))
    wanted = {name: value for name, value in (query or {}).items() if name not in route.unneeded}
    fields = dict(body or {})
    if update is not None:
        changed = {name: value for name, value in update.items() if value is not UNSET}
        if not changed:
            raise ValueError(f"give at least one field to update: {', '.join(update)}")
        masked = _renamed(dict.fromkeys(changed, True), route.mask)
        # Airflow 2 reads update_mask as one comma-separated value (explode: false), and so
        # does Airflow 3's FAB API; Airflow 3's core API reads a repeated key, and sees a
        # comma-joined one as a single unknown name (so nothing is updated).
        comma = api_version == "v1" or route.base == "fab"
        wanted["update_mask"] = ",".join(masked) if comma else list(masked)
        fields.update(changed)
    if "order_by" in wanted:
        wanted["order_by"] = _sort_keys(wanted["order_by"], api_version)
    if "order_by" in fields:
        fields["order_by"] = _sort_keys(fields["order_by"], api_version)
    accepted_query = _accepted(QUERY_PARAMETERS, route, api_version)
    params = query_params(_renamed(wanted, route.params, accepted_query), comma=route.comma)
    json: object = UNSET
    if body is not None or update is not None:
        accepted_body = _accepted(BODY_FIELDS, route, api_version)
        json = json_body(_renamed(fields, route.body, accepted_body or None))
    return Rendered(url_path, params, json)


#: Sort fields one API names otherwise, under the name each API takes. Airflow 3 renamed a
#: run's execution date ``logical_date``, and refuses ``execution_date`` in ``order_by``
#: with a 400 ("Ordering with 'execution_date' is disallowed"); Airflow 2 knows no other.
_SORT_NAMES: Mapping[ApiVersion, Mapping[str, str]] = {
    "v1": {"logical_date": "execution_date"},
    "v2": {"execution_date": "logical_date"},
}


def _sort_keys(order_by: object, api_version: ApiVersion) -> object:
    """``order_by`` in the names ``api_version`` sorts by.

    Airflow 2 sorts by one field: a list of one becomes that field; more are refused.

    Raises:
        Lacking: Airflow 2 was given more than one field.
    """
    names = _SORT_NAMES[api_version]
    keys: list[object]
    if isinstance(order_by, str):
        keys = [order_by]
    elif isinstance(order_by, (list, tuple)):
        keys = list(cast("Sequence[object]", order_by))
    else:
        return order_by
    renamed = [_sort_name(key, names) for key in keys]
    if api_version == "v2":
        return renamed if not isinstance(order_by, str) else renamed[0]
    if len(renamed) > 1:
        raise Lacking("order_by with more than one field")
    return renamed[0] if renamed else None


def _sort_name(key: object, names: Mapping[str, str]) -> object:
    if not isinstance(key, str):
        return key
    descending = key.startswith("-")
    field = key.removeprefix("-")
    return ("-" if descending else "") + names.get(field, field)


def keyword_of(route: Route, wire_name: str) -> str:
    """The method's keyword for a name ``route`` sends (the wire name when it is the same)."""
    for keyword, sent in (*route.params.items(), *route.body.items()):
        if sent == wire_name:
            return keyword
    return wire_name
