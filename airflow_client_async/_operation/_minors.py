"""Which release has what: the one lookup of the minor rules, and the one error for them.

Two sources feed it. The generated tables (from the specs of every Airflow 3 minor) say
when each ``/api/v2`` operation, query parameter and top-level body field appeared. A
route's own declaration, beside the method that uses it (:attr:`Route.since` and
:attr:`Route.since_fields`), says what the specs cannot: an operation or a field a
release really lacks although its spec lists it, a field nested inside a body, or a rule
of ``/api/v1``. Whatever the server's release lacks is refused with
:func:`unsupported`, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast

from .._errors import UnsupportedByServerError
from .._routes import ApiVersion, Route, ServerVersion
from ._render import keyword_of
from ._tables import (
    V2_BODY_SINCE,
    V2_MINORS,
    V2_OPERATION_SINCE,
    V2_QUERY_SINCE,
    V2_RENAMED,
)

__all__ = ["Minor", "fields_since", "operation_since", "unsupported"]

#: ``(major, minor)`` of an Airflow release.
Minor = tuple[int, int]


def _operation_since() -> dict[str, Minor]:
    """operationId → the first Airflow 3 minor that serves its route.

    An operationId that a later minor gave to a route the older minors served under
    another name (Airflow 3.1 split ``patch_task_instance`` into a ``…_by_map_index``
    form) takes the old name's minor: the route, which is what is sent, is older.
    """
    since = dict(V2_OPERATION_SINCE)
    for rename in V2_RENAMED:
        old = V2_OPERATION_SINCE.get(rename.old)
        if old is not None and rename.new in since:
            since[rename.new] = min(since[rename.new], old)
    return since


_OPERATION_SINCE = _operation_since()


def operation_since(route: Route, api_version: ApiVersion) -> Minor | None:
    """The first release of ``api_version`` that has ``route``; ``None`` when all have it.

    The later of the route's own ``since`` and, for a core ``/api/v2`` operation, the
    minor whose spec first serves its operationId: an operation newer than the server is
    refused even where its route declares nothing.
    """
    found = [route.since] if route.since is not None else []
    if api_version == "v2" and route.base == "api" and route.operation_id is not None:
        added = _OPERATION_SINCE.get(route.operation_id)
        if added is not None:
            found.append(added)
    first = max(found, default=None)
    if first is None or (api_version == "v2" and first <= V2_MINORS[0]):
        return None
    return first


def fields_since(
    route: Route,
    api_version: ApiVersion,
    params: list[tuple[str, str]],
    json: object,
    given: Collection[str],
) -> list[tuple[str, Minor]]:
    """Each name a request sends that came after its operation, with its release.

    Args:
        route: The route taken.
        api_version: The route's API.
        params: The query parameters as sent (wire names).
        json: The body as sent.
        given: The method's keywords that were given a value (for the route's own
            ``since_fields``, which may name fields the rendered request nests).

    Returns:
        ``(keyword, minor)`` pairs, the keyword as the method names it.
    """
    newer = [(name, since) for name, since in route.since_fields.items() if name in given]
    if api_version != "v2" or route.operation_id is None:
        return newer
    query_since = V2_QUERY_SINCE.get(route.operation_id, {})
    sent = {name for name, _ in params}
    newer += [(keyword_of(route, n), m) for n, m in query_since.items() if n in sent]
    if isinstance(json, Mapping):
        body_since = V2_BODY_SINCE.get(route.operation_id, {})
        fields = cast("Mapping[str, object]", json)
        newer += [(keyword_of(route, n), body_since[n]) for n in fields if n in body_since]
    return newer


def unsupported(
    method: str,
    server: ServerVersion,
    *,
    parameter: str | None = None,
    since: Minor | None = None,
    reason: str | None = None,
) -> UnsupportedByServerError:
    """The error for something ``server``'s release lacks; nothing was sent.

    Args:
        method: The public method, e.g. ``"pools.bulk"``.
        server: The server's version.
        parameter: The keyword the server does not take, when it is one argument.
        since: The first release that has it, when a later release does.
        reason: What the server lacks, or what to do instead, in words.
    """
    wanted = f"Airflow {since[0]}.{since[1]} or later" if since is not None else None
    if parameter is not None:
        message = f"{method}: {server} does not take {parameter}"
        if wanted is not None:
            message += f"; it needs {wanted}"
    elif wanted is not None:
        message = f"{method} needs {wanted}; the server runs {server.release}"
    else:
        message = f"{method} is not available on {server}"
    if reason:
        message += f": {reason}"
    return UnsupportedByServerError(
        message, method=method, server=server, parameter=parameter, since=since
    )
