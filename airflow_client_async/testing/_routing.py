"""The fake's route table: handlers register their routes here, each release picks its own.

The handlers, one per operation, live in ``_dags``, ``_instances``, ``_stores`` and ``_bulk``
and register their routes with :func:`register` as their modules are first imported.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._auth import User
from ._dialect import Answer, Dialect

if TYPE_CHECKING:
    from ._server import FakeServer

__all__ = ["Call", "Handler", "Route", "register", "routes_for"]

#: The modules whose handlers register the routes, in the order routes are matched.
_HANDLER_MODULES = ("_dags", "_instances", "_stores", "_bulk")

Handler = Callable[["FakeServer", "Call"], Answer]


class Call:
    """One request as a handler sees it: path parameters, query, body, user."""

    def __init__(
        self,
        request: httpx.Request,
        params: dict[str, str],
        user: User | None,
        body: Any,
    ) -> None:
        self.request = request
        self.params = params
        self.query = request.url.params
        self.user = user
        self.body = body


class Route:
    """One operation at one method and path pattern, as the release names it."""

    def __init__(self, method: str, pattern: str, operation_id: str, handler: Handler) -> None:
        self.method = method
        self.operation_id = operation_id
        self.handler = handler
        # The servers decode the path (``%2F`` included) before routing: a parameter is one
        # segment, unless it is declared ``{name:path}`` as variable keys are.
        regex = re.sub(
            r"\{(\w+):path\}",
            r"(?P<\1>.+)",
            re.escape(pattern).replace(r"\{", "{").replace(r"\}", "}").replace(r"\:", ":"),
        )
        regex = re.sub(r"\{(\w+):int\}", r"(?P<\1>-?[0-9]+)", regex)
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
        self.regex = re.compile(f"^{regex}$")


_ROUTES: list[tuple[str, str | None, str | None, str, str, Handler]] = []


def register(
    method: str,
    v1: str | None,
    v2: str | None,
    op_v1: str,
    op_v2: str | None = None,
) -> Callable[[Handler], Handler]:
    """Route ``method`` at ``v1`` on Airflow 2 and at ``v2`` on Airflow 3 to the handler.

    A path of ``None`` leaves the operation out of that major release; ``op_v2`` names the
    operation on Airflow 3 when its operationId changed there.
    """

    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, v1, v2, op_v1, op_v2 or op_v1, handler))
        return handler

    return register


def routes_for(dialect: Dialect) -> list[Route]:
    """The routes ``dialect``'s release serves, in the order they are matched."""
    # The handlers register their routes as their modules are first imported.
    for module in _HANDLER_MODULES:
        importlib.import_module(f"{__package__}.{module}")
    routes: list[Route] = []
    for method, v1, v2, op_v1, op_v2, handler in _ROUTES:
        path = v2 if dialect.v2 else v1
        operation_id = op_v2 if dialect.v2 else op_v1
        if path is None or not dialect.has(operation_id):
            continue
        routes.append(Route(method, dialect.prefix + path, operation_id, handler))
    return routes
