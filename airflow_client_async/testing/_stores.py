"""The fake's pools, variables, connections, import errors and audit log; registered on import."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from ._dialect import Answer
from ._server import (
    DATABASE_ERROR,
    Call,
    FakeServer,
    body_fields,
    like,
    parse_time,
    register,
    strip_order,
)
from ._state import Connection, EventLog, Pool, Variable

__all__ = ["CONNECTION_FIELDS", "stored_value"]


# ---------------------------------------------------------------------------------------------
# pools


def _pool_404(server: FakeServer, name: str) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(404, f"The Pool with name: `{name}` was not found")
    return server.dialect.error(404, f"Pool with name:'{name}' not found", title="Pool not found")


@register("GET", "/pools", "/pools", "get_pools")
def _get_pools(server: FakeServer, call: Call) -> Answer:
    pools = list(server.pools.values())
    pattern = call.query.get("pool_name_pattern")
    if pattern and server.dialect.v2:
        pools = [pool for pool in pools if like(pattern, pool.name)]
    prefix = call.query.get("pool_name_prefix_pattern")
    if prefix and server.dialect.minor >= (3, 3):
        pools = [pool for pool in pools if pool.name.startswith(prefix)]
    items = [server.pool_body(pool) for pool in pools]
    for index, item in enumerate(items):
        item["_order"] = index
    answer = server.page(
        items,
        call,
        "pools",
        "_order",
        ("name", "slots", "id", "description", "include_deferred"),
    )
    return strip_order(answer)


@register("GET", "/pools/{pool_name}", "/pools/{pool_name:path}", "get_pool")
def _get_pool(server: FakeServer, call: Call) -> Answer:
    pool = server.pools.get(call.params["pool_name"])
    if pool is None:
        return _pool_404(server, call.params["pool_name"])
    return server.dialect.ok(server.pool_body(pool))


@register("POST", "/pools", "/pools", "post_pool")
def _post_pool(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    allowed = {"name", "slots", "description", "include_deferred"} | (
        {"team_name"} if d.minor >= (3, 3) else set[str]()
    )
    body = body_fields(call.body, allowed, ("name", "slots"), d)
    if isinstance(body, Answer):
        return body
    name, slots = body["name"], body["slots"]
    if not isinstance(name, str) or not isinstance(slots, int) or isinstance(slots, bool):
        return d.bad_request("name must be a string and slots an integer")
    if name in server.pools:
        return d.conflict(f"Pool: {name} already exists")
    pool = Pool(name, slots, body.get("description"), bool(body.get("include_deferred", False)))
    server.pools[name] = pool
    return d.ok(server.pool_body(pool), 201 if d.v2 else 200)


@register("PATCH", "/pools/{pool_name}", "/pools/{pool_name:path}", "patch_pool")
def _patch_pool(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    name = call.params["pool_name"]
    pool = server.pools.get(name)
    if pool is None:
        return _pool_404(server, name)
    if d.v2:
        allowed = {"pool", "slots", "description", "include_deferred"} | (
            {"team_name"} if d.minor >= (3, 3) else set[str]()
        )
        body = body_fields(call.body, allowed, (), d)
        if isinstance(body, Answer):
            return body
        if "pool" in body and body["pool"] != name:
            return d.error(
                400, "Invalid body, pool name from request body doesn't match uri parameter"
            )
        mask = server.mask(call)
        fields = {"name" if k == "pool" else k: v for k, v in body.items() if k != "team_name"}
        if mask is not None:
            unknown = set(mask) - {"slots", "description", "include_deferred", "name", "pool"}
            if unknown:
                return d.error(400, f"Invalid field: {sorted(unknown)[0]}")
            fields = {k: v for k, v in fields.items() if k in mask}
    else:
        body = body_fields(call.body, set(), (), d)
        if isinstance(body, Answer):
            return body
        mask = server.mask(call)
        if mask is None:
            if body.get("name") is None or body.get("slots") is None:
                return d.bad_request("{'name': ['Missing data for required field.']}")
            fields = {
                "name": body["name"],
                "slots": body["slots"],
                "description": body.get("description"),
                "include_deferred": body.get("include_deferred", False),
            }
        else:
            unknown = set(mask) - {"slots", "description", "include_deferred", "name"}
            if unknown:
                return d.bad_request(f"Invalid field: {sorted(unknown)[0]} in update mask")
            fields = {k: v for k, v in body.items() if k in mask}
    if name == "default_pool" and "name" in fields and fields["name"] != name:
        return d.bad_request("Default Pool's name can't be modified")
    if "slots" in fields:
        pool.slots = int(fields["slots"] or 0)
    if "description" in fields:
        pool.description = fields["description"]
    if "include_deferred" in fields:
        pool.include_deferred = bool(fields["include_deferred"])
    new_name = fields.get("name")
    if isinstance(new_name, str) and new_name != name:
        if new_name in server.pools:
            return d.conflict(f"Pool: {new_name} already exists")
        del server.pools[name]
        pool.name = new_name
        server.pools[new_name] = pool
    return d.ok(server.pool_body(pool))


@register("DELETE", "/pools/{pool_name}", "/pools/{pool_name:path}", "delete_pool")
def _delete_pool(server: FakeServer, call: Call) -> Answer:
    name = call.params["pool_name"]
    if name == "default_pool":
        return server.dialect.error(400, "Default Pool can't be deleted")
    if name not in server.pools:
        return _pool_404(server, name)
    del server.pools[name]
    return server.dialect.no_content()


# ---------------------------------------------------------------------------------------------
# variables


def _variable_404(server: FakeServer, key: str) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(404, f"The Variable with key: `{key}` was not found")
    return server.dialect.error(404, "Variable does not exist", title="Variable not found")


def stored_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@register("GET", "/variables", "/variables", "get_variables")
def _get_variables(server: FakeServer, call: Call) -> Answer:
    variables = list(server.variables.values())
    pattern = call.query.get("variable_key_pattern")
    if pattern and server.dialect.v2:
        variables = [v for v in variables if like(pattern, v.key)]
    prefix = call.query.get("variable_key_prefix_pattern")
    if prefix and server.dialect.minor >= (3, 3):
        variables = [v for v in variables if v.key.startswith(prefix)]
    items = [server.variable_body(v) for v in variables]
    for index, item in enumerate(items):
        item["_order"] = index
    return strip_order(
        server.page(
            items, call, "variables", "_order", ("key", "id", "description", "is_encrypted")
        )
    )


@register("GET", "/variables/{variable_key:path}", "/variables/{variable_key:path}", "get_variable")
def _get_variable(server: FakeServer, call: Call) -> Answer:
    variable = server.variables.get(call.params["variable_key"])
    if variable is None:
        return _variable_404(server, call.params["variable_key"])
    return server.dialect.ok(server.variable_body(variable))


@register("POST", "/variables", "/variables", "post_variables", "post_variable")
def _post_variable(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    allowed = {"key", "value", "description"} | ({"team_name"} if d.minor >= (3, 3) else set[str]())
    body = body_fields(call.body, allowed, ("key",), d)
    if isinstance(body, Answer):
        return body
    if "value" not in body or (not d.v2 and body["value"] is None):
        return d.bad_request(
            "Field required" if d.v2 else "{'value': ['Missing data for required field.']}",
            loc=("body", "value"),
        )
    key = body["key"]
    # Airflow 2 overwrites an existing variable on create; Airflow 3 refuses.
    if key in server.variables and d.v2:
        return d.error(409, f"The Variable with key: `{key}` already exists")
    variable = Variable(key, stored_value(body["value"]), body.get("description"))
    server.variables[key] = variable
    return d.ok(server.variable_body(variable), 201 if d.v2 else 200)


@register(
    "PATCH", "/variables/{variable_key:path}", "/variables/{variable_key:path}", "patch_variable"
)
def _patch_variable(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    key = call.params["variable_key"]
    variable = server.variables.get(key)
    allowed = {"key", "value", "description"} | ({"team_name"} if d.minor >= (3, 3) else set[str]())
    body = body_fields(call.body, allowed, ("key",), d)
    if isinstance(body, Answer):
        return body
    if "value" not in body:
        return d.bad_request("Field required", loc=("body", "value"))
    if body["key"] != key:
        return d.error(
            400,
            "Invalid body, key from request body doesn't match uri parameter"
            if d.v2
            else "Invalid post body: key from request body doesn't match uri parameter",
        )
    if variable is None:
        return _variable_404(server, key)
    mask = server.mask(call)
    if mask is not None:
        # Airflow 2 loads ``value`` into the attribute ``val`` and masks the loaded names.
        known = {"value", "description"} if d.v2 else {"val", "description"}
        unknown = set(mask) - known
        if unknown:
            if d.v2:
                return d.error(400, f"Invalid field: {sorted(unknown)[0]}")
            return d.bad_request(f"Invalid field: {sorted(unknown)[0]} in update mask")
        names = {"value" if name == "val" else name for name in mask}
        fields = {k: v for k, v in body.items() if k in names}
    elif d.v2:
        fields = {k: v for k, v in body.items() if k in ("value", "description")}
    else:
        fields = {"value": body["value"], "description": body.get("description")}
    if "value" in fields:
        variable.value = stored_value(fields["value"])
    if "description" in fields:
        variable.description = fields["description"]
    return d.ok(server.variable_body(variable))


@register(
    "DELETE", "/variables/{variable_key:path}", "/variables/{variable_key:path}", "delete_variable"
)
def _delete_variable(server: FakeServer, call: Call) -> Answer:
    key = call.params["variable_key"]
    if key not in server.variables:
        return _variable_404(server, key)
    del server.variables[key]
    return server.dialect.no_content()


# ---------------------------------------------------------------------------------------------
# connections

CONNECTION_FIELDS = {
    "connection_id",
    "conn_type",
    "description",
    "host",
    "login",
    "schema",
    "port",
    "password",
    "extra",
}


def _connection_404(server: FakeServer, connection_id: str) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(
            404, f"The Connection with connection_id: `{connection_id}` was not found"
        )
    return server.dialect.error(
        404,
        f"The Connection with connection_id: `{connection_id}` was not found",
        title="Connection not found",
    )


@register("GET", "/connections", "/connections", "get_connections")
def _get_connections(server: FakeServer, call: Call) -> Answer:
    connections = list(server.connections.values())
    pattern = call.query.get("connection_id_pattern")
    if pattern and server.dialect.v2:
        connections = [c for c in connections if like(pattern, c.connection_id)]
    prefix = call.query.get("connection_id_prefix_pattern")
    if prefix and server.dialect.minor >= (3, 3):
        connections = [c for c in connections if c.connection_id.startswith(prefix)]
    items = [server.connection_body(c, listed=True) for c in connections]
    for index, item in enumerate(items):
        item["_order"] = index
    return strip_order(
        server.page(
            items,
            call,
            "connections",
            "_order",
            ("connection_id", "conn_type", "description", "host", "port", "id"),
        )
    )


@register("GET", "/connections/{connection_id}", "/connections/{connection_id}", "get_connection")
def _get_connection(server: FakeServer, call: Call) -> Answer:
    connection = server.connections.get(call.params["connection_id"])
    if connection is None:
        return _connection_404(server, call.params["connection_id"])
    return server.dialect.ok(server.connection_body(connection))


def _connection_fields(
    server: FakeServer, body: Any, *, partial: bool = False
) -> dict[str, Any] | Answer:
    d = server.dialect
    allowed = CONNECTION_FIELDS | ({"team_name"} if d.minor >= (3, 3) else set[str]())
    # Airflow 2 loads a PATCH body partially; Airflow 3 validates it as a whole connection.
    required = () if partial and not d.v2 else ("connection_id", "conn_type")
    fields = body_fields(body, allowed, required, d)
    if isinstance(fields, Answer):
        return fields
    if partial and "connection_id" not in fields:
        return fields
    connection_id = str(fields["connection_id"])
    if not re.fullmatch(r"[\w.\-]+", connection_id):
        if d.v2:
            return d.bad_request(
                "String should match pattern '^[\\w.-]+$'", loc=("body", "connection_id")
            )
        return d.bad_request(
            f"The key {connection_id!r} has to be made of alphanumeric characters, dashes, "
            "dots and underscores exclusively"
        )
    if not d.v2 and not connection_id.isascii():
        # Airflow 2's check takes unicode letters, but its model then drops the id and the
        # insert fails: an HTML 500, and nothing stored.
        return Answer(
            500,
            b"<!doctype html><title>500 Internal Server Error</title>",
            {"content-type": "text/html; charset=utf-8"},
        )
    port = fields.get("port")
    if port is not None and (not isinstance(port, int) or isinstance(port, bool)):
        return d.bad_request("Input should be a valid integer", loc=("body", "port"))
    return fields


@register("POST", "/connections", "/connections", "post_connection")
def _post_connection(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    fields = _connection_fields(server, call.body)
    if isinstance(fields, Answer):
        return fields
    connection_id = fields["connection_id"]
    if connection_id in server.connections:
        if d.v2:
            return d.error(409, f"Connection with connection_id: `{connection_id}` already exists")
        return d.error(
            409, f"Connection already exist. ID: {connection_id}", title="Connection already exists"
        )
    connection = Connection(**{k: v for k, v in fields.items() if k in CONNECTION_FIELDS})
    server.connections[connection_id] = connection
    return d.ok(server.connection_body(connection), 201 if d.v2 else 200)


@register(
    "PATCH", "/connections/{connection_id}", "/connections/{connection_id}", "patch_connection"
)
def _patch_connection(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    connection_id = call.params["connection_id"]
    fields = _connection_fields(server, call.body, partial=True)
    if isinstance(fields, Answer):
        return fields
    if fields.get("connection_id", connection_id) != connection_id:
        return d.error(
            400, "The connection_id in the request body does not match the URL parameter"
        )
    connection = server.connections.get(connection_id)
    if connection is None:
        return _connection_404(server, connection_id)
    mask = server.mask(call)
    writable = CONNECTION_FIELDS - {"connection_id"}
    if mask is not None:
        unknown = set(mask) - writable
        if unknown:
            return d.error(400, f"'{sorted(unknown)[0]}' is unknown or cannot be updated.")
        changes = {k: fields.get(k) for k in mask}
    elif d.v2:
        changes = {k: v for k, v in fields.items() if k in writable}
    else:
        changes = {k: fields.get(k) for k in writable}
    for name, value in changes.items():
        # From Airflow 3.1 a masked value sent back keeps the stored one.
        if value == "***" and name in ("password", "extra") and d.minor >= (3, 1):
            continue
        setattr(connection, name, value)
    return d.ok(server.connection_body(connection))


@register(
    "DELETE", "/connections/{connection_id}", "/connections/{connection_id}", "delete_connection"
)
def _delete_connection(server: FakeServer, call: Call) -> Answer:
    connection_id = call.params["connection_id"]
    if connection_id not in server.connections:
        return _connection_404(server, connection_id)
    del server.connections[connection_id]
    return server.dialect.no_content()


# ---------------------------------------------------------------------------------------------
# import errors


@register("GET", "/importErrors", "/importErrors", "get_import_errors")
def _get_import_errors(server: FakeServer, call: Call) -> Answer:
    items = [server.import_error_body(error) for error in server.import_errors.values()]
    return server.page(
        items, call, "import_errors", "import_error_id", ("filename", "timestamp", "id")
    )


@register(
    "GET", "/importErrors/{import_error_id}", "/importErrors/{import_error_id}", "get_import_error"
)
def _get_import_error(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    try:
        error = server.import_errors.get(int(call.params["import_error_id"]))
    except ValueError:
        return d.bad_request("import_error_id must be an integer", loc=("path", "import_error_id"))
    if error is None:
        return d.error(
            404,
            "The ImportError with import_error_id: "
            f"`{call.params['import_error_id']}` was not found",
        )
    return d.ok(server.import_error_body(error))


_TEST_DISABLED = (
    "Testing connections is disabled in Airflow configuration. "
    "Contact your deployment admin to enable it."
)


@register("POST", "/connections/test", "/connections/test", "test_connection")
def _test_connection(server: FakeServer, call: Call) -> Answer:
    # [core] test_connection is "Disabled" by default, and the fake keeps the default: it
    # cannot reach the systems a connection names.
    return server.dialect.error(403, _TEST_DISABLED)


@register("POST", None, "/connections/enqueue-test", "enqueue_connection_test")
def _enqueue_connection_test(server: FakeServer, call: Call) -> Answer:
    return server.dialect.error(403, _TEST_DISABLED)


#: A few of the connections ``airflow connections create-default-connections`` makes.
_DEFAULT_CONNECTIONS = (
    Connection("airflow_db", "mysql", host="mysql", login="root", schema="airflow"),
    Connection("fs_default", "fs", extra='{"path": "/"}'),
    Connection("http_default", "http", host="https://www.httpbin.org/"),
    Connection("postgres_default", "postgres", host="postgres", login="postgres", schema="airflow"),
)


@register("POST", None, "/connections/defaults", "create_default_connections")
def _create_default_connections(server: FakeServer, call: Call) -> Answer:
    for default in _DEFAULT_CONNECTIONS:
        if default.connection_id not in server.connections:
            server.connections[default.connection_id] = dataclasses.replace(default)
    return server.dialect.no_content()


# ---------------------------------------------------------------------------------------------
# the audit log


@register("GET", "/eventLogs", "/eventLogs", "get_event_logs")
def _get_event_logs(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    query = call.query
    entries: list[EventLog] = list(server.event_logs)
    for name in ("dag_id", "task_id", "run_id", "owner", "event"):
        value = query.get(name)
        if value is not None:
            entries = [e for e in entries if _field(e, name) == value]
    patterns = ("dag_id", "task_id", "run_id", "owner", "event")
    for name in patterns:
        pattern = query.get(f"{name}_pattern") if d.minor >= (3, 1) else None
        if pattern:
            entries = [e for e in entries if like(pattern, _field(e, name) or "")]
        prefix = query.get(f"{name}_prefix_pattern") if d.minor >= (3, 3) else None
        if prefix:
            entries = [e for e in entries if (_field(e, name) or "").startswith(prefix)]
    included = d.list_param(query, "included_events")
    if included:
        entries = [e for e in entries if e.event in included]
    excluded = d.list_param(query, "excluded_events")
    if excluded:
        entries = [e for e in entries if e.event not in excluded]
    for name, keep in (("after", float.__ge__), ("before", float.__le__)):
        raw = query.get(name)
        if raw is None:
            continue
        bound = parse_time(raw)
        if isinstance(bound, str) or bound is None:
            if d.v2:
                return d.error(500, DATABASE_ERROR)
            return d.bad_request(f"{raw!r} is not a 'date-time' - '{name}'")
        entries = [e for e in entries if keep(e.when, bound)]
    items = [server.event_log_body(entry) for entry in entries]
    orders = ("event_log_id", "id", "dttm", "when", "event", "dag_id", "owner")
    aliases = {"id": "event_log_id", "dttm": "when"}
    return server.page(items, call, "event_logs", "event_log_id", orders, aliases=aliases)


def _field(entry: EventLog, name: str) -> str | None:
    value: str | None = getattr(entry, name)
    return value


@register("GET", "/eventLogs/{event_log_id}", "/eventLogs/{event_log_id}", "get_event_log")
def _get_event_log(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    raw = call.params["event_log_id"]
    entry = next((e for e in server.event_logs if str(e.event_log_id) == raw), None)
    if entry is None:
        if d.v2:
            return d.error(404, f"The Event Log with id: `{raw}` not found")
        return d.error(404, "Event Log not found", title="Event Log not found")
    return d.ok(server.event_log_body(entry))
