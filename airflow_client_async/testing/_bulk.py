"""The fake's Airflow 3 bulk endpoints (pools, variables, connections); registered on import."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ._dialect import Answer
from ._server import Call, FakeServer, json_array, json_object, register
from ._state import Connection, Pool, Variable
from ._stores import CONNECTION_FIELDS, stored_value

__all__: list[str] = []

# ---------------------------------------------------------------------------------------------
# bulk (Airflow 3): one answer of 200 with each action's successes and errors


class _Kind:
    def __init__(
        self,
        noun: str,
        key: str,
        store: Callable[[FakeServer], dict[str, Any]],
        make: Callable[[dict[str, Any]], Any],
        fields: frozenset[str],
    ) -> None:
        self.noun = noun
        self.key = key
        self.store = store
        self.make = make
        self.fields = fields


def _bulk_error(kind: _Kind, keys: list[str], what: str, status: int) -> dict[str, Any]:
    return {
        "error": f"The {kind.noun}s with these {kind.key}s: {set(keys)} {what}.",
        "status_code": status,
    }


def _bulk(server: FakeServer, call: Call, kind: _Kind) -> Answer:
    d = server.dialect
    request = json_object(call.body)
    if request is None or not isinstance(request.get("actions"), list):
        return d.bad_request("Field required", loc=("body", "actions"))
    store = kind.store(server)
    result: dict[str, Any] = {"create": None, "update": None, "delete": None}
    for entry in json_array(request["actions"]):
        action = json_object(entry)
        if action is None or action.get("action") not in result:
            return d.bad_request(
                "Input tag does not match any of the expected tags", loc=("body", "actions")
            )
        name = action["action"]
        entities = json_array(action.get("entities"))
        outcome: dict[str, Any] = result[name] or {"success": [], "errors": []}
        result[name] = outcome
        if name == "delete":
            keys = [e if isinstance(e, str) else e.get(kind.key) for e in entities]
            missing = [k for k in keys if k not in store]
            if missing and action.get("action_on_non_existence", "fail") == "fail":
                outcome["errors"].append(_bulk_error(kind, missing, "were not found", 404))
                continue
            for k in keys:
                if k in store:
                    del store[k]
                    outcome["success"].append(k)
            continue
        bodies = [body for e in entities if (body := json_object(e)) is not None]
        for body in bodies:
            if set(body) - kind.fields or body.get(kind.key) is None:
                return d.bad_request("Extra inputs are not permitted", loc=("body", "actions"))
        keys = [body[kind.key] for body in bodies]
        if name == "create":
            existing = [k for k in keys if k in store]
            if existing and action.get("action_on_existence", "fail") == "fail":
                outcome["errors"].append(_bulk_error(kind, existing, "already exist", 409))
                continue
            for body in bodies:
                if body[kind.key] in store and action.get("action_on_existence") == "skip":
                    continue
                store[body[kind.key]] = kind.make(body)
                outcome["success"].append(body[kind.key])
            continue
        missing = [k for k in keys if k not in store]
        if missing and action.get("action_on_non_existence", "fail") == "fail":
            outcome["errors"].append(_bulk_error(kind, missing, "were not found", 404))
            continue
        mask = action.get("update_mask")
        for body in bodies:
            target = store.get(body[kind.key])
            if target is None:
                continue
            for field, value in body.items():
                if field == kind.key or (mask is not None and field not in mask):
                    continue
                if hasattr(target, field):
                    setattr(target, field, kind.make({kind.key: "", field: value}).__dict__[field])
            outcome["success"].append(body[kind.key])
    return d.ok(result)


def _new_pool(body: dict[str, Any]) -> Pool:
    return Pool(
        body["name"],
        int(body.get("slots", 0)),
        body.get("description"),
        bool(body.get("include_deferred", False)),
    )


def _new_variable(body: dict[str, Any]) -> Variable:
    return Variable(body["key"], stored_value(body.get("value")), body.get("description"))


def _new_connection(body: dict[str, Any]) -> Connection:
    fields = {k: v for k, v in body.items() if k in CONNECTION_FIELDS}
    fields.setdefault("conn_type", "")
    if fields.get("extra") is not None and not isinstance(fields["extra"], str):
        fields["extra"] = json.dumps(fields["extra"])
    return Connection(**fields)


_POOLS = _Kind(
    "pool",
    "name",
    lambda server: server.pools,
    _new_pool,
    frozenset({"name", "slots", "description", "include_deferred", "team_name"}),
)
_VARIABLES = _Kind(
    "variable",
    "key",
    lambda server: server.variables,
    _new_variable,
    frozenset({"key", "value", "description", "team_name"}),
)
_CONNECTIONS = _Kind(
    "connection",
    "connection_id",
    lambda server: server.connections,
    _new_connection,
    frozenset(CONNECTION_FIELDS | {"team_name"}),
)


@register("PATCH", None, "/pools", "bulk_pools")
def _bulk_pools(server: FakeServer, call: Call) -> Answer:
    return _bulk(server, call, _POOLS)


@register("PATCH", None, "/variables", "bulk_variables")
def _bulk_variables(server: FakeServer, call: Call) -> Answer:
    return _bulk(server, call, _VARIABLES)


@register("PATCH", None, "/connections", "bulk_connections")
def _bulk_connections(server: FakeServer, call: Call) -> Answer:
    return _bulk(server, call, _CONNECTIONS)
