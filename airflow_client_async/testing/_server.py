"""The fake Airflow's server: the state of one release and the dispatch of its requests.

It is a server: it reads ``httpx.Request`` objects and answers ``Answer`` objects, in the
release's dialect (see ``_dialect``). :class:`FakeServer` holds the state and sends each
request through authentication (``_auth``) to the handler its route names (``_routing``);
it takes from mixins how runs advance (``_progress``), how lists are paged (``_listing``)
and how answers' bodies are built (``_bodies``).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

import httpx

from ._auth import AuthMixin, User
from ._bodies import BodiesMixin
from ._dialect import Answer, Dialect
from ._listing import COMPARISONS, PagingMixin, like, sort_key, strip_order
from ._progress import RUN_STATES, TI_DONE, ProgressMixin
from ._reading import body_fields, json_array, json_object, parse_time
from ._routing import Call, register, routes_for
from ._state import (
    Connection,
    Dag,
    DagImportError,
    EventLog,
    Pool,
    Run,
    Variable,
)

# The handler modules import their helpers from here, the one place they need to know.
__all__ = [
    "COMPARISONS",
    "DATABASE_ERROR",
    "RUN_STATES",
    "TI_DONE",
    "Call",
    "FakeServer",
    "User",
    "body_fields",
    "json_array",
    "json_object",
    "like",
    "parse_time",
    "register",
    "sort_key",
    "strip_order",
]

DATABASE_ERROR = {
    "reason": "Database error",
    "statement": "hidden",
    "orig_error": "hidden",
    "message": "Serious error when handling your request. Check logs for more details",
}


class FakeServer(AuthMixin, ProgressMixin, PagingMixin, BodiesMixin):
    """The state and the handlers of one fake Airflow release."""

    def __init__(
        self, release: str, *, reads_per_state: int = 0, maximum_page_limit: int = 100
    ) -> None:
        self.dialect = Dialect(release)
        self.maximum_page_limit = maximum_page_limit
        self.reads_per_state = reads_per_state
        self.lock = threading.RLock()
        self.users: dict[str, User] = {
            "admin": User("admin", "admin", "Admin"),
            "viewer": User("viewer", "viewer", "Viewer"),
        }
        self.dags: dict[str, Dag] = {}
        self.runs: dict[tuple[str, str], Run] = {}
        self.pools: dict[str, Pool] = {
            "default_pool": Pool("default_pool", 128, "Default pool"),
        }
        self.variables: dict[str, Variable] = {}
        self.connections: dict[str, Connection] = {}
        self.import_errors: dict[int, DagImportError] = {}
        self.favorites: set[str] = set()
        self.event_logs: list[EventLog] = [
            EventLog(1, "cli_dag_reserialize", owner="airflow", extra='{"host_name": "fake"}')
        ]
        self._secret = hashlib.sha256(repr((id(self), time.time())).encode()).digest()
        self.started = time.time()
        self.routes = routes_for(self.dialect)

    # -- dispatch ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request, body: bytes) -> Answer:
        """Answer one request."""
        with self.lock:
            return self._handle(request, body)

    def _handle(self, request: httpx.Request, body: bytes) -> Answer:
        dialect = self.dialect
        raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        if raw_path in ("/auth/token", "/auth/token/cli") and dialect.v2:
            return self._token(request, body)
        other = "/api/v1" if dialect.v2 else "/api/v2"
        if raw_path == other or raw_path.startswith(other + "/"):
            return dialect.other_api()
        if not raw_path.startswith(dialect.prefix + "/"):
            return Answer(404, b"Not Found", {"content-type": "text/plain"})
        allowed: list[str] = []
        path = urllib.parse.unquote(raw_path)
        for route in self.routes:
            match = route.regex.match(path)
            if match is None:
                continue
            if route.method != request.method:
                allowed.append(route.method)
                continue
            params = match.groupdict()
            user, refusal = self._authenticate(request, route.operation_id)
            if refusal is not None:
                return refusal
            writes = request.method not in ("GET", "HEAD")
            refusal = self._authorize(user, route.operation_id, writes)
            if refusal is not None:
                return refusal
            parsed: Any = None
            if body:
                try:
                    parsed = json.loads(body)
                except ValueError:
                    return dialect.bad_request("Invalid JSON body")
            answer = route.handler(self, Call(request, params, user, parsed))
            if writes and answer.status < 300:
                self._log_event(route.operation_id, params, user, request.method)
            return answer
        if allowed:
            if dialect.v2:
                return dialect.ok({"detail": "Method Not Allowed"}, 405)
            return dialect.error(405, "The method is not allowed for the requested URL.")
        return dialect.route_not_found()

    def _log_event(
        self, operation_id: str, params: Mapping[str, str], user: User | None, method: str
    ) -> None:
        # The audit log: Airflow 2 names an API event after its operation with "api.",
        # Airflow 3 after the endpoint's function (its operationId).
        event = operation_id if self.dialect.v2 else f"api.{operation_id}"
        dag_id = params.get("dag_id")
        self.event_logs.append(
            EventLog(
                len(self.event_logs) + 1,
                event,
                dag_id=None if dag_id in (None, "~") else dag_id,
                run_id=params.get("dag_run_id"),
                task_id=params.get("task_id"),
                owner=user.username if user is not None else None,
                extra=json.dumps({"method": method}),
            )
        )

    # -- lookups ----------------------------------------------------------------------------

    def mask(self, call: Call) -> list[str] | None:
        """The ``update_mask`` of a PATCH, or ``None`` without one."""
        names = self.dialect.list_param(call.query, "update_mask")
        return [name.strip() for name in names] or None

    def dag_or_404(self, dag_id: str) -> Dag | Answer:
        """The DAG, or the release's 404."""
        dag = self.dags.get(dag_id)
        if dag is None:
            if self.dialect.v2:
                return self.dialect.error(404, f"Dag with id {dag_id} was not found")
            return self.dialect.error(
                404, f"Dag with id: '{dag_id}' not found", title="DAG not found"
            )
        return dag

    def run_or_404(self, dag_id: str, run_id: str) -> Run | Answer:
        """The run, or the release's 404."""
        run = self.runs.get((dag_id, run_id))
        if run is None:
            if self.dialect.v2:
                return self.dialect.error(
                    404, f"The DagRun with dag_id: `{dag_id}` and run_id: `{run_id}` was not found"
                )
            return self.dialect.error(
                404,
                f"DAGRun with DAG ID: '{dag_id}' and DagRun ID: '{run_id}' not found",
                title="DAGRun not found",
            )
        return run
