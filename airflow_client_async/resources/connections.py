"""``client.connections``: the Connection tag of both APIs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from .. import _json
from .._bulk import BulkRequest, BulkResult, OnExistence, OnNonExistence
from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import (
    AsyncConnectionTest,
    Connection,
    ConnectionCollection,
    ConnectionTest,
    ConnectionTestQueued,
)
from ._base import OrderBy, Resource

if TYPE_CHECKING:
    from typing_extensions import Required

__all__ = [
    "ConnectionEntity",
    "ConnectionExtra",
    "ConnectionsResource",
]

#: A connection's ``extra``: the JSON text the server stores, or a mapping sent as JSON.
ConnectionExtra: TypeAlias = str | Mapping[str, object] | None

_CONNECTION = "/connections/{connection_id}"

# The server requires a connection_id in a test body, then tests under a random id of its
# own: whatever is sent here is not stored.
_TEST_CONNECTION_ID = "connection-test"

# Airflow 3 validates a PATCH body as a whole connection, conn_type included, but writes
# only the fields the update_mask names: a conn_type left out of the mask is not written.
_UNWRITTEN_CONN_TYPE = ""


def _extra_text(extra: Missing[ConnectionExtra]) -> Missing[str | None]:
    if extra is UNSET or extra is None or isinstance(extra, str):
        return extra
    return _json.dumps(dict(extra), compact=False)


class ConnectionEntity(TypedDict, total=False):
    """A connection in a bulk request, keyed as Airflow 3's ``ConnectionBody``.

    Keys:
        connection_id: The connection's id (required).
        conn_type: Its type (required by the server, in updates too).
        description, host, login, schema, port, password: As for
            :meth:`ConnectionsResource.create`.
        extra: JSON text, or a mapping sent as JSON text.
        team_name: The team owning it (servers with ``[core] multi_team`` only).
    """

    connection_id: Required[str]
    conn_type: Required[str]
    description: str | None
    host: str | None
    login: str | None
    schema: str | None
    port: int | None
    password: str | None
    extra: ConnectionExtra
    team_name: str | None


def _connection_id(entity: Mapping[str, object]) -> str:
    connection_id = entity.get("connection_id")
    if not isinstance(connection_id, str) or not connection_id:
        raise ValueError("a connection of a bulk request needs a non-empty connection_id")
    return connection_id


def _bulk_entity(entity: ConnectionEntity) -> dict[str, object]:
    out: dict[str, object] = dict(entity)
    if "extra" in entity:
        out["extra"] = _extra_text(entity["extra"])
    return out


class ConnectionsResource(Resource):
    """Connections: list, get, create, update, delete, test, bulk.

    Passwords are write-only on Airflow 2; Airflow 3 sends them (and secret keys of
    ``extra``) back masked. Neither appears in the ``repr`` of a :class:`Connection`.
    """

    namespace = "connections"

    _list = Routes.both("GET", "/connections", "get_connections")

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        connection_id_pattern: str | None = None,
        connection_id_prefix_pattern: str | None = None,
    ) -> AsyncPaginator[Connection]:
        """List connections: await for one page, ``async for`` for every connection.

        Airflow 2 leaves ``extra`` out of listed connections; Airflow 3 sends it masked.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by (``connection_id``, ``conn_type``…), ``-`` in front
                to reverse (Airflow 2: one field).
            connection_id_pattern: Only ids containing this, case-insensitively (SQL
                ``ILIKE``). Airflow 3 only.
            connection_id_prefix_pattern: Only ids starting with this. Airflow 3.3 only
                (earlier 3.x servers ignore it).

        Returns:
            A paginator of :class:`Connection`.
        """
        query = {
            "order_by": order_by,
            "connection_id_pattern": connection_id_pattern,
            "connection_id_prefix_pattern": connection_id_prefix_pattern,
        }
        return self._paginate(
            self._list,
            ConnectionCollection,
            lambda c: c.connections,
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", _CONNECTION, "get_connection")

    async def get(self, connection_id: str) -> Connection:
        """Get one connection, with its ``extra`` (secret keys in it masked as ``***``).

        Raises:
            NotFoundError: No such connection. An id with ``/`` always gives this: the
                servers decode ``%2F`` before routing and no route matches.
        """
        sent = await self._send(self._get, path={"connection_id": connection_id})
        return sent.model(Connection)

    _create = Routes.both("POST", "/connections", "post_connection")

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
        extra: Missing[ConnectionExtra] = UNSET,
        description: Missing[str | None] = UNSET,
        team_name: Missing[str | None] = UNSET,
    ) -> Connection:
        """Create a connection.

        The servers accept ids of ASCII letters, digits, ``-``, ``.`` and ``_`` only.

        Args:
            connection_id: The connection's id.
            conn_type: Its type (``"http"``, ``"postgres"``, ``"fs"``…).
            host: Host.
            login: Login.
            schema: Schema (or database).
            port: Port.
            password: Password; stored encrypted.
            extra: Other settings: JSON text, or a mapping that is sent as JSON text.
            description: A description.
            team_name: The team owning it. Airflow 3 with ``[core] multi_team`` only.

        Raises:
            ValueError: ``connection_id`` is empty.
            ConflictError: A connection with this id exists.
            BadRequestError: The id has other characters, or a field is invalid (on
                Airflow 3 an :class:`UnprocessableEntityError`).
        """
        if not connection_id:
            raise ValueError("connection_id must be a non-empty string")
        body = {
            "connection_id": connection_id,
            "conn_type": conn_type,
            "host": host,
            "login": login,
            "schema": schema,
            "port": port,
            "password": password,
            "extra": _extra_text(extra),
            "description": description,
            "team_name": team_name,
        }
        sent = await self._send(self._create, body=body)
        return sent.model(Connection)

    _update = Routes.both("PATCH", _CONNECTION, "patch_connection")

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
        extra: Missing[ConnectionExtra] = UNSET,
        description: Missing[str | None] = UNSET,
        team_name: Missing[str | None] = UNSET,
    ) -> Connection:
        """Update a connection; only the fields given change, named in ``update_mask``.

        The id cannot change. ``None`` clears a field. Airflow 3 validates the body as a
        whole connection, so it also gets the id and (when not updated) a placeholder
        ``conn_type`` that the mask keeps from being written. On Airflow 3 (from 3.1) a
        masked ``***`` (a password, or a secret key of ``extra``, as ``get`` shows them)
        keeps the stored value, so a connection read back can be sent again.

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
            team_name: A new team. Airflow 3 with ``[core] multi_team`` only.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such connection.
            BadRequestError: The server refused the fields.
        """
        changes = {
            "conn_type": conn_type,
            "host": host,
            "login": login,
            "schema": schema,
            "port": port,
            "password": password,
            "extra": _extra_text(extra),
            "description": description,
            "team_name": team_name,
        }
        _, api = await self._route(self._update)
        body = (
            {"connection_id": connection_id, "conn_type": _UNWRITTEN_CONN_TYPE}
            if api == "v2"
            else None
        )
        sent = await self._send(
            self._update, path={"connection_id": connection_id}, body=body, update=changes
        )
        return sent.model(Connection)

    _delete = Routes.both("DELETE", _CONNECTION, "delete_connection")

    async def delete(self, connection_id: str) -> None:
        """Delete a connection.

        Raises:
            NotFoundError: No such connection.
        """
        await self._send(self._delete, path={"connection_id": connection_id})

    _test = Routes.both("POST", "/connections/test", "test_connection")

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
        extra: Missing[ConnectionExtra] = UNSET,
    ) -> ConnectionTest:
        """Test connection settings from the server, without storing them.

        The server builds the connection's hook and calls its ``test_connection()``; a
        failed test is still a 200 answer, with ``status`` false and the hook's message.
        Both servers refuse with 403 unless ``[core] test_connection`` is ``Enabled``.
        On Airflow 3, a ``connection_id`` that names a stored connection (which the
        caller may read) fills the fields not given from it.

        Args:
            conn_type: The connection type, which picks the hook.
            connection_id: Required in the body; a placeholder is sent when not given.
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
        body = {
            "connection_id": _TEST_CONNECTION_ID if connection_id is UNSET else connection_id,
            "conn_type": conn_type,
            "host": host,
            "login": login,
            "schema": schema,
            "port": port,
            "password": password,
            "extra": _extra_text(extra),
        }
        sent = await self._send(self._test, body=body, idempotent=True)
        return sent.model(ConnectionTest)

    _bulk__connections = Routes(v2=Route("PATCH", "/connections", "bulk_connections"))

    async def bulk(
        self,
        *,
        create: Sequence[ConnectionEntity] = (),
        update: Sequence[ConnectionEntity] = (),
        delete: Sequence[str] = (),
        on_existence: OnExistence = "fail",
        on_non_existence: OnNonExistence = "fail",
    ) -> BulkResult:
        """Create, update and delete connections in one request. Airflow 3 only.

        The server answers 200 even when entities failed, and an error refuses its whole
        action: with ``on_existence="fail"``, one id that exists keeps every connection of
        the create from being created. The result tells each connection's outcome; call
        :meth:`BulkResult.raise_for_errors` to raise if any failed. A connection skipped
        with ``"skip"`` is reported as not applied.

        Args:
            create: Connections to create.
            update: Connections to update, each with its ``conn_type`` (the server
                requires it). An update writes every field its entity carries: the
                server applies no ``update_mask`` to connections, so none is offered.
            delete: Ids of connections to delete.
            on_existence: What a create does to an id that exists: ``"fail"`` the action,
                ``"skip"`` the connection, or ``"overwrite"`` it.
            on_non_existence: What an update or delete does to an id that does not exist:
                ``"fail"`` the action or ``"skip"`` the connection.

        Returns:
            Every connection's outcome, in the order given.

        Raises:
            ValueError: No connection was given, or one has no id.
            UnsupportedByServerError: The server runs Airflow 2.
        """
        return await self._bulk(
            self._bulk__connections,
            BulkRequest(
                create=[_bulk_entity(e) for e in create],
                update=[_bulk_entity(e) for e in update],
                delete=delete,
                on_existence=on_existence,
                on_non_existence=on_non_existence,
            ),
            _connection_id,
        )

    _create_defaults = Routes(
        v2=Route("POST", "/connections/defaults", "create_default_connections")
    )

    async def create_defaults(self) -> None:
        """Create Airflow's default connections (``airflow db`` would). Airflow 3 only.

        Existing connections of the same ids are left as they are.

        Raises:
            UnsupportedByServerError: The server runs Airflow 2.
        """
        await self._send(self._create_defaults)

    _enqueue_test = Routes(v2=Route("POST", "/connections/enqueue-test", "enqueue_connection_test"))

    async def enqueue_test(
        self,
        connection_id: str,
        *,
        conn_type: str,
        host: Missing[str | None] = UNSET,
        login: Missing[str | None] = UNSET,
        schema: Missing[str | None] = UNSET,
        port: Missing[int | None] = UNSET,
        password: Missing[str | None] = UNSET,
        extra: Missing[ConnectionExtra] = UNSET,
        description: Missing[str | None] = UNSET,
        team_name: Missing[str | None] = UNSET,
        commit_on_success: Missing[bool] = UNSET,
        executor: Missing[str | None] = UNSET,
        queue: Missing[str | None] = UNSET,
    ) -> ConnectionTestQueued:
        """Queue a connection test for a worker to run. Airflow 3.3 and later.

        Poll its outcome with :meth:`get_test_result` and the returned token. Like
        :meth:`test`, it needs ``[core] test_connection`` enabled.

        Args:
            connection_id: The connection the test is for; with ``commit_on_success`` it
                is saved under this id when the test passes.
            conn_type: The connection type, which picks the hook.
            host: Host.
            login: Login.
            schema: Schema.
            port: Port.
            password: Password.
            extra: Extra settings (JSON text or a mapping).
            description: A description (kept when the connection is saved).
            team_name: The team owning it (``[core] multi_team`` only).
            commit_on_success: Save the connection when the test passes (server
                default: no).
            executor: The executor to run the test on (one the server has configured).
            queue: The worker queue to send it to.

        Returns:
            The queued test, with the token to poll it by.

        Raises:
            PermissionDeniedError: Testing connections is disabled, or the caller may not
                test (or write) this connection.
            ConflictError: A test of this connection is already queued or running.
            UnprocessableEntityError: The executor is not configured, or a field is invalid.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        body = {
            "connection_id": connection_id,
            "conn_type": conn_type,
            "host": host,
            "login": login,
            "schema": schema,
            "port": port,
            "password": password,
            "extra": _extra_text(extra),
            "description": description,
            "team_name": team_name,
            "commit_on_success": commit_on_success,
            "executor": executor,
            "queue": queue,
        }
        sent = await self._send(self._enqueue_test, body=body)
        return sent.model(ConnectionTestQueued)

    _get_test_result = Routes(v2=Route("GET", "/connections/enqueue-test", "get_connection_test"))

    async def get_test_result(self, token: str) -> AsyncConnectionTest:
        """Get where a queued connection test stands. Airflow 3.3 and later.

        The token travels in the ``Airflow-Connection-Test-Token`` header, not in the URL.

        Args:
            token: The token :meth:`enqueue_test` returned.

        Raises:
            ValueError: ``token`` is empty.
            NotFoundError: No test has this token (or the caller may not read its
                connection).
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        if not token:
            raise ValueError("token must be a non-empty string")
        sent = await self._send(
            self._get_test_result, headers={"Airflow-Connection-Test-Token": token}
        )
        return sent.model(AsyncConnectionTest)
