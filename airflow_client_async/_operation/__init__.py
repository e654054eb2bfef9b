"""The operation layer: what the connected server accepts, and how it is spelled.

Namespaces declare each operation's :class:`~airflow_client_async._routes.Routes` beside
the method and hand over their arguments under their own keyword names.
:class:`Operations` decides, for the server the client talks to:

- which route: ``/api/v1`` or ``/api/v2`` (:mod:`._server` finds out which, once);
- whether the server's release has the operation, and each parameter and field given
  (:mod:`._minors`, the one lookup of the minor rules and the one error for them);
- how the request is spelled: renamed and refused names, list encodings, ``update_mask``
  and the body (:mod:`._render`, pure);
- which credentials it carries (a token on Airflow 3 for basic credentials).

It then hands the request to the pipeline (:class:`~airflow_client_async._http.HTTPPipeline`),
which only sends.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Collection, Mapping
from typing import TYPE_CHECKING, TypedDict, TypeVar

import attrs
import httpx

from .._errors import UnsupportedByServerError
from .._http import HTTPPipeline, decode_json, decode_model, decode_text
from .._routes import API_PREFIXES, ApiVersion, Route, Routes, ServerVersion
from .._streaming import LineStream, stream_lines
from .._types import UNSET, JsonValue
from ._minors import Minor, fields_since, operation_since, unsupported
from ._render import Lacking, Rendered, render
from ._server import api_version, auth_for, known_version, server_version

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Operations", "Prepared", "SendOptions", "Sent"]

T = TypeVar("T")


@attrs.frozen
class Sent:
    """A request that was answered with a 2xx: its response and the route it took."""

    response: httpx.Response
    route: Route
    api_version: ApiVersion

    def model(self, model: type[T], *, fill: Mapping[str, object] | None = None) -> T:
        """Decode the JSON body into ``model`` (``fill``: see :func:`decode_model`)."""
        return decode_model(self.response, model, fill=fill)

    def json(self) -> JsonValue:
        """The JSON body."""
        return decode_json(self.response)

    def text(self) -> str:
        """The ``text/plain`` body."""
        return decode_text(self.response)


class SendOptions(TypedDict, total=False):
    """How one operation is sent, besides its routes.

    Keys:
        path: Values of the path's placeholders.
        query: Query parameters under the method's keyword names; ``None`` and ``UNSET``
            values are not sent.
        body: The JSON body's fields under the method's names; ``UNSET`` ones are left
            out, ``None`` is sent as null.
        update: For a PATCH: the fields to change (``UNSET`` = unchanged). They join the
            body and the ``update_mask`` names exactly them.
        given: More keywords that were given a value, for the minor rules of fields the
            rendered request nests (a bulk action's ``update_mask``).
        accept: The ``Accept`` header (default ``application/json``).
        headers: The operation's header parameters.
        idempotent: Whether replaying is harmless; ``None`` decides by method.
        authenticate: ``False`` sends no credentials (for the routes a server answers
            without them, such as its health).
    """

    path: Mapping[str, object] | None
    query: Mapping[str, object] | None
    body: Mapping[str, object] | None
    update: Mapping[str, object] | None
    given: Collection[str]
    accept: str
    headers: Mapping[str, str] | None
    idempotent: bool | None
    authenticate: bool


@attrs.frozen
class Prepared:
    """An operation ready to go: its route, its API and the request as rendered."""

    route: Route
    api_version: ApiVersion
    request: Rendered


def _given(values: Mapping[str, object] | None, *, null: bool) -> set[str]:
    """The names given a value (``null``: whether ``None`` counts, as in a body)."""
    return {
        name
        for name, value in (values or {}).items()
        if value is not UNSET and (null or value is not None)
    }


class Operations:
    """The operation layer over one pipeline.

    Cheap to build: what it learns of the server is kept in the pipeline's shared state,
    so every namespace and every ``with_options`` copy sees the same.
    """

    def __init__(self, http: HTTPPipeline) -> None:
        self.http = http

    async def server_version(self) -> ServerVersion:
        """The server's version, asked for once per client."""
        return await server_version(self.http)

    async def api_version(self) -> ApiVersion:
        """``"v1"`` or ``"v2"``: fixed by the caller, or detected once."""
        return await api_version(self.http)

    async def unsupported(
        self,
        routes: Routes,
        *,
        parameter: str | None = None,
        since: Minor | None = None,
        reason: str | None = None,
    ) -> UnsupportedByServerError:
        """The error for something of ``routes``' method that the server lacks.

        See :func:`._minors.unsupported`; the server's version is asked for if unknown.
        """
        server = await self.server_version()
        return unsupported(
            routes.method_name, server, parameter=parameter, since=since, reason=reason
        )

    async def resolve(self, routes: Routes) -> tuple[Route, ApiVersion]:
        """Pick ``routes``' route for the server's API, checking the server has it.

        Raises:
            UnsupportedByServerError: The server's API (or its release) lacks the
                operation; nothing was sent.
        """
        api = await self.api_version()
        route = routes.for_version(api)
        if route is None:
            other = "Airflow 3 (/api/v2)" if api == "v1" else "Airflow 2 (/api/v1)"
            server = known_version(self.http, api)
            raise unsupported(routes.method_name, server, reason=f"only {other} has it")
        first = operation_since(route, api)
        if first is not None:
            server = await self.server_version()
            if server.minor is not None and server.minor < first:
                raise unsupported(routes.method_name, server, since=first)
        return route, api

    async def check_given(self, routes: Routes, given: Collection[str]) -> None:
        """Refuse, before any other I/O, keywords the server's release does not take yet.

        For a method that does other requests before the operation's own, so that a
        keyword the release lacks stops it before the first.

        Raises:
            UnsupportedByServerError: The server lacks the operation or one of ``given``.
        """
        route, api = await self.resolve(routes)
        await self._check_fields(routes, route, api, [], UNSET, given)

    async def prepare(
        self,
        routes: Routes,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        update: Mapping[str, object] | None = None,
        given: Collection[str] = (),
    ) -> Prepared:
        """Resolve, check and render one operation (no I/O but the version probe).

        Args:
            routes: The operation's routes.
            path: Values of the path's placeholders.
            query: Query parameters under the method's keyword names; ``None`` and
                ``UNSET`` values are not sent.
            body: The JSON body's fields under the method's names; ``UNSET`` ones are
                left out, ``None`` is sent as null.
            update: For a PATCH: the fields to change (``UNSET`` = unchanged). They join
                the body and the ``update_mask`` names exactly them.
            given: More keywords that were given a value, for the minor rules of fields
                the rendered request nests (a bulk action's ``update_mask``).

        Raises:
            UnsupportedByServerError: The server's API or release lacks the operation,
                or a parameter that was given a value.
            ValueError: ``update`` names no field, or a value cannot be sent.
        """
        route, api = await self.resolve(routes)
        try:
            rendered = render(route, api, path, query, body, update)
        except Lacking as lacking:
            raise await self.unsupported(routes, parameter=lacking.name) from None
        named = {
            *given,
            *_given(query, null=False),
            *_given(body, null=True),
            *_given(update, null=True),
        }
        await self._check_fields(routes, route, api, rendered.params, rendered.json, named)
        return Prepared(route, api, rendered)

    async def _check_fields(
        self,
        routes: Routes,
        route: Route,
        api: ApiVersion,
        params: list[tuple[str, str]],
        json: object,
        given: Collection[str],
    ) -> None:
        # An older server ignores a query parameter it does not know, so the value would
        # be dropped without a word: refuse it instead.
        newer = fields_since(route, api, params, json, given)
        if not newer:
            return
        server = await self.server_version()
        if server.minor is None:
            return
        for name, since in newer:
            if server.minor < since:
                raise unsupported(routes.method_name, server, parameter=name, since=since)

    async def send(self, routes: Routes, **options: Unpack[SendOptions]) -> Sent:
        """Send one operation on the server's API and return its 2xx answer.

        Args:
            routes: The operation's routes.
            **options: The request's values and settings (see :class:`SendOptions`).

        Raises:
            UnsupportedByServerError: As for :meth:`prepare`; nothing was sent.
            ValueError: As for :meth:`prepare`.
        """
        prepared = await self.prepare(
            routes,
            path=options.get("path"),
            query=options.get("query"),
            body=options.get("body"),
            update=options.get("update"),
            given=options.get("given", ()),
        )
        rendered = prepared.request
        response = await self.http.request(
            prepared.route.method,
            rendered.path,
            params=rendered.params,
            json_body=rendered.json,
            accept=options.get("accept", "application/json"),
            idempotent=options.get("idempotent"),
            auth=auth_for(self.http, prepared.api_version)
            if options.get("authenticate", True)
            else None,
            headers=options.get("headers"),
        )
        return Sent(response, prepared.route, prepared.api_version)

    async def send_path(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: object = UNSET,
        api_root: bool = True,
    ) -> httpx.Response:
        """Send a request to a path the caller built, with the credentials of its API.

        Args:
            method: HTTP method.
            path: The path, its segments encoded, below the root of the server's API
                (``api_root=True``) or below the server's root.
            params: Query parameters.
            json_body: A JSON-ready body; ``UNSET`` sends none.
            api_root: Whether ``path`` is below ``/api/v1`` or ``/api/v2``.
        """
        api = await self.api_version()
        prefix = API_PREFIXES[api] if api_root else ""
        return await self.http.request(
            method, prefix + path, params=params, json_body=json_body, auth=auth_for(self.http, api)
        )

    @contextlib.asynccontextmanager
    async def stream(
        self,
        routes: Routes,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        accept: str = "application/x-ndjson",
        headers: Mapping[str, str] | None = None,
        idle_timeout: float | None = None,
    ) -> AsyncGenerator[LineStream]:
        """Send one operation whose answer is NDJSON and yield its lines as they arrive.

        The stream asks for no compression: Airflow 3.1.8's GZip middleware does not flush
        a streamed body, so with gzip no line arrived before the run ended (measured on a
        queued run for 15 s: no line with gzip, 15 without).

        Raises:
            UnsupportedByServerError: As for :meth:`prepare`; nothing was sent.
        """
        prepared = await self.prepare(routes, path=path, query=query)
        headers = {"Accept-Encoding": "identity", **(headers or {})}
        async with stream_lines(
            self.http,
            prepared.route.method,
            prepared.request.path,
            params=prepared.request.params,
            accept=accept,
            idle_timeout=idle_timeout,
            auth=auth_for(self.http, prepared.api_version),
            headers=headers,
        ) as lines:
            yield lines
