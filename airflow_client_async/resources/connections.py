"""``client.connections``: the Connection tag of the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _json
from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import Connection, ConnectionCollection, ConnectionCollectionItem, ConnectionTest
from ._base import Resource, json_body, patch_body

__all__ = ["ConnectionsResource"]

#: A connection's ``extra``: the JSON text the server stores, or a mapping sent as JSON.
Extra = str | Mapping[str, Any] | None

# The server requires a connection_id in a test body, then replaces it with a random
# one of its own: whatever is sent here is never stored or looked up.
_TEST_CONNECTION_ID = "connection-test"


def _extra_text(extra: Missing[Extra]) -> Missing[str | None]:
    if extra is UNSET or extra is None or isinstance(extra, str):
        return extra
    return _json.dumps(dict(extra), compact=False)


class ConnectionsResource(Resource):
    """Connections: list, get, create, update, delete, test.

    Passwords are write-only (the server never sends one back) and neither they nor
    ``extra`` appear in the ``repr`` of a :class:`Connection`.
    """

    def list(
        self, *, limit: int | None = None, offset: int = 0, order_by: str | None = None
    ) -> AsyncPaginator[ConnectionCollectionItem]:
        """List connections (without their ``extra``): await for one page, ``async for`` for all.

        ``GET /connections``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: A field to sort by (``connection_id``, ``conn_type``…), ``-`` in front
                to reverse.

        Returns:
            A paginator of :class:`ConnectionCollectionItem`.
        """
        return self._paginate(
            "/connections",
            ConnectionCollection,
            lambda c: c.connections,
            params=query_params(order_by=order_by),
            offset=offset,
            limit=limit,
        )

    async def get(self, connection_id: str) -> Connection:
        """Get one connection, with its ``extra`` (secret keys in it masked as ``***``).

        ``GET /connections/{connection_id}``

        Raises:
            NotFoundError: No such connection. An id with ``/`` always gives this: the
                server decodes ``%2F`` before routing and no route matches.
        """
        path = build_path("/connections/{connection_id}", connection_id=connection_id)
        return await self._http.request_model("GET", path, Connection)

    async def create(
        self,
        connection_id: str,
        *,
        conn_type: str,
        host: Missing[str | None] = UNSET,
        login: Missing[str | None] = UNSET,
        schema: Missing[str | None] = UNSET,
        port: Missing[int | None] = UNSET,
        password: Missing[str | None] = UNSET,
        extra: Missing[Extra] = UNSET,
        description: Missing[str | None] = UNSET,
    ) -> Connection:
        """Create a connection.

        ``POST /connections``

        The server accepts ids of ASCII letters, digits, ``-``, ``.`` and ``_`` only.

        Args:
            connection_id: The connection's id.
            conn_type: Its type (``"http"``, ``"postgres"``, ``"fs"``…).
            host: Host.
            login: Login.
            schema: Schema (or database).
            port: Port.
            password: Password; stored encrypted and never sent back.
            extra: Other settings: JSON text, or a mapping that is sent as JSON text.
            description: A description.

        Raises:
            ConflictError: A connection with this id exists.
            BadRequestError: The id has other characters, or a field is invalid.
        """
        if not connection_id:
            raise ValueError("connection_id must be a non-empty string")
        body = json_body(
            connection_id=connection_id,
            conn_type=conn_type,
            host=host,
            login=login,
            schema=schema,
            port=port,
            password=password,
            extra=_extra_text(extra),
            description=description,
        )
        return await self._http.request_model("POST", "/connections", Connection, json_body=body)

    async def update(
        self,
        connection_id: str,
        *,
        conn_type: Missing[str] = UNSET,
        host: Missing[str | None] = UNSET,
        login: Missing[str | None] = UNSET,
        schema: Missing[str | None] = UNSET,
        port: Missing[int | None] = UNSET,
        password: Missing[str | None] = UNSET,
        extra: Missing[Extra] = UNSET,
        description: Missing[str | None] = UNSET,
    ) -> Connection:
        """Update a connection; only the fields given are sent, named in ``update_mask``.

        ``PATCH /connections/{connection_id}``

        The id cannot change. ``None`` clears a field.

        Args:
            connection_id: The connection to update.
            conn_type: A new type.
            host: A new host.
            login: A new login.
            schema: A new schema.
            port: A new port.
            password: A new password.
            extra: New extra settings (JSON text or a mapping).
            description: A new description.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such connection.
            BadRequestError: The server refused the fields.
        """
        body, mask = patch_body(
            {
                "conn_type": conn_type,
                "host": host,
                "login": login,
                "schema": schema,
                "port": port,
                "password": password,
                "extra": _extra_text(extra),
                "description": description,
            }
        )
        path = build_path("/connections/{connection_id}", connection_id=connection_id)
        params = query_params(update_mask=mask)
        return await self._http.request_model(
            "PATCH", path, Connection, params=params, json_body=body
        )

    async def delete(self, connection_id: str) -> None:
        """Delete a connection.

        ``DELETE /connections/{connection_id}``

        Raises:
            NotFoundError: No such connection.
        """
        await self._http.request_empty(
            "DELETE", build_path("/connections/{connection_id}", connection_id=connection_id)
        )

    async def test(
        self,
        *,
        conn_type: str,
        connection_id: Missing[str] = UNSET,
        host: Missing[str | None] = UNSET,
        login: Missing[str | None] = UNSET,
        schema: Missing[str | None] = UNSET,
        port: Missing[int | None] = UNSET,
        password: Missing[str | None] = UNSET,
        extra: Missing[Extra] = UNSET,
    ) -> ConnectionTest:
        """Test connection settings from the server, without storing them.

        ``POST /connections/test``

        The server builds the connection's hook and calls its ``test_connection()``; a
        failed test is still a 200 answer, with ``status`` false and the hook's message.
        The server must have ``[core] test_connection = Enabled``.

        Args:
            conn_type: The connection type, which picks the hook.
            connection_id: Ignored by the server (it tests under a random id) but
                required in the body; a placeholder is sent when not given.
            host: Host.
            login: Login.
            schema: Schema.
            port: Port.
            password: Password.
            extra: Extra settings (JSON text or a mapping).

        Returns:
            ``status`` (whether the test passed) and ``message``.

        Raises:
            PermissionDeniedError: Testing connections is disabled on the server.
            BadRequestError: The server refused the fields.
        """
        body = json_body(
            connection_id=_TEST_CONNECTION_ID if connection_id is UNSET else connection_id,
            conn_type=conn_type,
            host=host,
            login=login,
            schema=schema,
            port=port,
            password=password,
            extra=_extra_text(extra),
        )
        return await self._http.request_model(
            "POST", "/connections/test", ConnectionTest, json_body=body, idempotent=True
        )
