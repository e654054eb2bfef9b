"""The fake Airflow's HTTP side: routing, authentication, and the bodies of its answers.

The handlers, one per operation, live in ``_dags``, ``_instances`` and ``_stores`` and
register their routes here with :func:`register`.

It is a server: it reads ``httpx.Request`` objects and answers ``Answer`` objects, in the
release's dialect (see ``_dialect``). Bodies carry the same keys, per release, as the real
servers' answers recorded in ``tests/fixtures/suite``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import importlib
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

import httpx

from ._dialect import Answer, Dialect
from ._state import (
    FINISHED,
    Connection,
    Dag,
    DagImportError,
    EventLog,
    Pool,
    Run,
    TaskInstance,
    Variable,
)

__all__ = [
    "COMPARISONS",
    "DATABASE_ERROR",
    "RUN_STATES",
    "TI_DONE",
    "Call",
    "FakeServer",
    "User",
    "b64",
    "body_fields",
    "json_array",
    "json_object",
    "like",
    "masked_extra",
    "parse_time",
    "register",
    "sort_key",
    "strip_order",
]

#: The modules whose handlers register the routes, in the order routes are matched.
_HANDLER_MODULES = ("_dags", "_instances", "_stores", "_bulk")

Handler = Callable[["FakeServer", "Call"], Answer]

RUN_STATES = ("queued", "running", "success", "failed")
#: Task instance states after which it does not run again unless cleared.
TI_DONE = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
#: How long each fake task takes, on the fake's clock: not whole, as real durations are not.
_TASK_SECONDS = 1.234567
#: Writes a Viewer may send: they only read.
_VIEWER_MAY_POST = frozenset({"get_dag_runs_batch", "get_task_instances_batch"})
#: Reads a Viewer may not do: connections hold secrets.
_ADMIN_READS = frozenset({"get_connections", "get_connection"})
#: Keys of a connection's JSON ``extra`` whose values the servers mask (substring match).
_SENSITIVE = (
    "access_token",
    "api_key",
    "apikey",
    "authorization",
    "passphrase",
    "passwd",
    "password",
    "private_key",
    "secret",
    "token",
    "keyfile_dict",
    "service_account",
)
_TOKEN_LIFETIME = 86400


class User:
    """A user of the fake server: a name, a password and a role (``Admin``, ``Viewer``)."""

    def __init__(self, username: str, password: str, role: str) -> None:
        self.username = username
        self.password = password
        self.role = role

    def __repr__(self) -> str:
        return f"User({self.username!r}, role={self.role!r})"


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


class _Route:
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
    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, v1, v2, op_v1, op_v2 or op_v1, handler))
        return handler

    return register


def start_try(ti: TaskInstance, now: float) -> None:
    ti.state = "running"
    ti.try_number += 1
    ti.start_date = now
    ti.end_date = None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class FakeServer:
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
        prefix = self.dialect.prefix
        # The handlers register their routes as their modules are first imported.
        for module in _HANDLER_MODULES:
            importlib.import_module(f"{__package__}.{module}")
        self.routes: list[_Route] = []
        for method, v1, v2, op_v1, op_v2, handler in _ROUTES:
            path = v2 if self.dialect.v2 else v1
            operation_id = op_v2 if self.dialect.v2 else op_v1
            if path is None or not self.dialect.has(operation_id):
                continue
            self.routes.append(_Route(method, prefix + path, operation_id, handler))

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
            viewer = user is not None and user.role == "Viewer"
            writes = request.method not in ("GET", "HEAD")
            if viewer and writes and route.operation_id not in _VIEWER_MAY_POST:
                return dialect.error(403, "Forbidden")
            if user is not None and user.role == "Viewer" and route.operation_id in _ADMIN_READS:
                return dialect.error(403, "Forbidden")
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

    def event_log_body(self, entry: EventLog) -> dict[str, Any]:
        """An entry of the audit log."""
        d = self.dialect
        body: dict[str, Any] = {
            "dag_id": entry.dag_id,
            "event": entry.event,
            "event_log_id": entry.event_log_id,
            "extra": entry.extra,
            "map_index": None,
            "owner": entry.owner,
            "run_id": entry.run_id,
            "task_id": entry.task_id,
            "try_number": None,
            "when": d.timestamp(entry.when),
        }
        body["logical_date" if d.v2 else "execution_date"] = None
        if d.minor >= (3, 3):
            body.update(dag_display_name=entry.dag_id, task_display_name=entry.task_id)
        return body

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(
        self, request: httpx.Request, operation_id: str
    ) -> tuple[User | None, Answer | None]:
        dialect = self.dialect
        header = request.headers.get("authorization", "")
        if dialect.v2:
            if operation_id in ("get_version", "get_health"):
                return None, None
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None, dialect.error(401, "Not authenticated")
            claims = self._verify(token.strip())
            if claims is None:
                return None, dialect.error(403, "Invalid JWT token")
            if claims.get("exp", 0) < time.time():
                return None, dialect.error(401, "Token Expired")
            user = self.users.get(str(claims.get("sub")))
            if user is None:
                return None, dialect.error(403, "Invalid JWT token")
            return user, None
        if operation_id in ("get_health", "get_version"):
            # Airflow 2 serves these two to anyone, whatever credentials come along.
            return None, None
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                name, _, password = base64.b64decode(encoded).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                name, password = "", ""
            user = self.users.get(name)
            if user is not None and hmac.compare_digest(user.password, password):
                return user, None
        answer = dialect.error(401, None)
        return None, Answer(
            answer.status,
            answer.body,
            {**answer.headers, "www-authenticate": 'Basic realm="Authentication Required"'},
        )

    def _token(self, request: httpx.Request, body: bytes) -> Answer:
        dialect = self.dialect
        if request.method != "POST":
            return dialect.error(403, "Forbidden")
        content_type = request.headers.get("content-type", "")
        fields: dict[str, Any]
        try:
            if "json" in content_type:
                loaded = json.loads(body or b"{}")
                fields = json_object(loaded) or {}
            else:
                fields = dict(urllib.parse.parse_qsl(body.decode()))
        except ValueError:
            fields = {}
        username, password = fields.get("username"), fields.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return dialect.ok({"detail": "username and password are required"}, 422)
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.password, password):
            return dialect.error(401, "Invalid credentials")
        now = int(time.time())
        claims = {
            "sub": user.username,
            "role": user.role,
            "iat": now,
            "nbf": now,
            "exp": now + _TOKEN_LIFETIME,
            "aud": "apache-airflow",
        }
        return dialect.ok({"access_token": self.sign(claims)}, 201)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Return a JWT (HS256, the fake's own secret) carrying ``claims``."""
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = b64(json.dumps(dict(claims)).encode())
        signature = hmac.new(self._secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
        return f"{head}.{payload}.{b64(signature)}"

    def _verify(self, token: str) -> dict[str, Any] | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(
            self._secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(b64(expected), parts[2]):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        return json_object(claims)

    # -- runs advance as they are read ------------------------------------------------------

    def start_run(
        self,
        dag: Dag,
        run_id: str,
        logical_date: float | None,
        conf: dict[str, Any],
        user: str | None,
    ) -> Run:
        """Queue a run of ``dag``."""
        run = Run(
            dag.dag_id, run_id, logical_date, conf, user=user, reads_left=self.reads_per_state
        )
        for task_id in dag.tasks:
            for map_index in dag.map_indexes(task_id):
                run.task_instances[(task_id, map_index)] = TaskInstance(task_id, map_index)
        self.runs[(dag.dag_id, run_id)] = run
        return run

    def advance(self, run: Run) -> None:
        """Move ``run`` along as one read of it does."""
        if run.state in FINISHED:
            return
        dag = self.dags[run.dag_id]
        # A paused DAG's runs wait in the queue, as the scheduler leaves them there.
        if dag.is_paused and run.state == "queued":
            return
        if run.reads_left > 0:
            run.reads_left -= 1
            return
        now = time.time()
        if run.state == "queued":
            run.state = "running"
            run.start_date = now
            pending = [ti for ti in run.task_instances.values() if ti.state not in TI_DONE]
            for index, ti in enumerate(pending):
                ti.queued_when = now
                if index == 0:
                    start_try(ti, now)
                else:
                    ti.state = "scheduled"
            if self.reads_per_state > 0:
                run.reads_left = self.reads_per_state
                return
        self._finish(run, dag, now)

    def _finish(self, run: Run, dag: Dag, now: float) -> None:
        failed = False
        states: dict[str, set[str | None]] = {}
        for (task_id, _), ti in run.task_instances.items():
            if ti.state not in TI_DONE:
                if ti.queued_when is None:
                    ti.queued_when = now
                upstream = [
                    state for task in dag.upstream(task_id) for state in states.get(task, set())
                ]
                if any(state in ("failed", "upstream_failed") for state in upstream):
                    ti.state = "upstream_failed"
                else:
                    self._run_task(run, dag, ti, now)
            states.setdefault(task_id, set()).add(ti.state)
            failed = failed or ti.state in ("failed", "upstream_failed")
        run.state = "failed" if failed else "success"
        run.end_date = max(
            (ti.end_date for ti in run.task_instances.values() if ti.end_date is not None),
            default=now,
        )

    def _run_task(self, run: Run, dag: Dag, ti: TaskInstance, now: float) -> None:
        task_id = ti.task_id
        if ti.state != "running":
            start_try(ti, now)
        assert ti.start_date is not None
        ti.end_date = ti.start_date + _TASK_SECONDS
        if task_id in dag.failing:
            ti.state = "failed"
        else:
            ti.state = "success"
            pushed = dict(dag.xcoms.get(task_id, {}))
            if task_id in dag.results:
                result = dag.results[task_id]
                pushed["return_value"] = result[ti.map_index] if ti.map_index >= 0 else result
            for key, value in pushed.items():
                run.xcoms[(task_id, ti.map_index, key)] = (value, ti.end_date)
        ti.history = [e for e in ti.history if e["try_number"] != ti.try_number]
        ti.history.append(
            {
                "try_number": ti.try_number,
                "state": ti.state,
                "start_date": ti.start_date,
                "end_date": ti.end_date,
                "queued_when": ti.queued_when,
            }
        )

    # -- helpers ----------------------------------------------------------------------------

    def page(
        self,
        items: list[dict[str, Any]],
        call: Call,
        key: str,
        default_order: str,
        allowed: Iterable[str],
        *,
        window: tuple[Any, Any, list[str]] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> Answer:
        """A page of ``items`` as the collection ``key``, with ``total_entries``.

        ``window`` gives ``(offset, limit, order_by)`` read from a body instead of the query.
        """
        dialect = self.dialect
        query = call.query
        if window is not None:
            raw_offset, raw_limit, orders = window
        else:
            raw_offset, raw_limit = query.get("offset"), query.get("limit")
            orders = query.get_list("order_by")
            if not dialect.v2:
                orders = orders[-1:]
        orders = [order for order in orders if order] or [default_order]
        known = set(allowed) | {default_order}
        for order in reversed(orders):
            name = order.lstrip("-")
            if name not in known:
                return dialect.error(
                    400,
                    f"Ordering with '{name}' is disallowed or the attribute does not exist "
                    "on the model",
                )
            field = (aliases or {}).get(name, name)
            items = sorted(
                items,
                key=functools.partial(_item_key, field),
                reverse=order.startswith("-"),
            )
        try:
            offset = int(raw_offset or 0)
            limit = int(raw_limit) if raw_limit is not None else dialect.default_limit
        except ValueError:
            return dialect.bad_request("offset and limit must be integers", loc=("query", "limit"))
        if offset < 0 or limit < 0:
            return dialect.bad_request(
                "offset and limit must not be negative", loc=("query", "limit")
            )
        if limit == 0 and not dialect.v2:
            limit = dialect.default_limit
        # /api/v2 caps pages at [api] maximum_page_limit only from Airflow 3.2.
        if not dialect.v2 or dialect.minor >= (3, 2):
            limit = min(limit, self.maximum_page_limit)
        body: dict[str, Any] = {key: items[offset : offset + limit], "total_entries": len(items)}
        if dialect.minor >= (3, 3) and key in ("dag_runs", "task_instances"):
            body.update(next_cursor=None, previous_cursor=None, total_entries_limit=None)
        return dialect.ok(body)

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

    # -- bodies -----------------------------------------------------------------------------

    def dag_body(self, dag: Dag) -> dict[str, Any]:
        """A DAG as ``GET /dags/{dag_id}`` answers it."""
        d = self.dialect
        ts = d.timestamp
        body: dict[str, Any] = {
            "dag_display_name": dag.dag_id,
            "dag_id": dag.dag_id,
            "description": dag.description,
            "file_token": b64(hashlib.sha1(dag.fileloc.encode()).digest()),
            "fileloc": dag.fileloc,
            "has_import_errors": False,
            "has_task_concurrency_limits": False,
            "is_paused": dag.is_paused,
            "last_expired": None,
            "last_parsed_time": ts(self.started),
            "max_active_runs": 16,
            "max_active_tasks": 16,
            "max_consecutive_failed_dag_runs": 0,
            "next_dagrun_data_interval_end": None,
            "next_dagrun_data_interval_start": None,
            "owners": list(dag.owners),
            "timetable_description": "Never, external triggers only"
            if dag.schedule is None
            else dag.schedule,
        }
        if d.v2:
            tag_extra = {"dag_display_name": dag.dag_id} if d.minor >= (3, 3) else {}
            body.update(
                bundle_name="dags-folder",
                bundle_version=None,
                is_stale=False,
                next_dagrun_logical_date=None,
                next_dagrun_run_after=None,
                relative_fileloc=dag.fileloc.rsplit("/", 1)[-1],
                tags=[{"dag_id": dag.dag_id, "name": tag, **tag_extra} for tag in dag.tags],
                timetable_summary=dag.schedule,
            )
            if d.minor >= (3, 3):
                body.update(
                    allowed_run_types=None,
                    is_backfillable=dag.schedule is not None,
                    last_parse_duration=0.01,
                    timetable_partitioned=False,
                    timetable_periodic=dag.schedule is not None,
                )
        else:
            body.update(
                default_view="grid",
                is_active=True,
                is_subdag=False,
                last_pickled=None,
                next_dagrun=None,
                next_dagrun_create_after=None,
                pickle_id=None,
                root_dag_id=None,
                schedule_interval=None
                if dag.schedule is None
                else {"__type": "CronExpression", "value": dag.schedule},
                scheduler_lock=None,
                tags=[{"name": tag} for tag in dag.tags],
            )
        return body

    def dag_details_body(self, dag: Dag) -> dict[str, Any]:
        """A DAG as ``GET /dags/{dag_id}/details`` answers it."""
        d = self.dialect
        body = self.dag_body(dag)
        body.update(
            catchup=False,
            concurrency=16,
            dag_run_timeout=None,
            doc_md=None,
            end_date=None,
            is_paused_upon_creation=None,
            last_parsed=d.timestamp(self.started),
            params={name: self.param_body(value) for name, value in dag.params.items()},
            render_template_as_native_obj=False,
            start_date=d.timestamp(dag.created),
            timezone="UTC",
        )
        if d.v2:
            body.update(
                asset_expression=None,
                latest_dag_version=self.dag_version_body(dag),
                owner_links=None,
                template_search_path=None,
            )
            if d.minor >= (3, 3):
                body.update(
                    active_runs_count=sum(
                        1
                        for run in self.runs.values()
                        if run.dag_id == dag.dag_id and run.state not in FINISHED
                    ),
                    default_args={},
                    is_favorite=False,
                    rerun_with_latest_version=None,
                )
        else:
            body.update(dataset_expression=None, orientation="LR", template_searchpath=None)
        return body

    def param_body(self, value: Any) -> dict[str, Any]:
        """A DAG param as the release serialises it."""
        d = self.dialect
        body: dict[str, Any] = {"description": None, "schema": {}, "value": value}
        if not d.v2:
            body["__class"] = "airflow.models.param.Param"
        elif d.minor < (3, 3):
            body["__class"] = "airflow.sdk.definitions.param.Param"
        else:
            body["source"] = None
        return body

    def dag_version_body(self, dag: Dag) -> dict[str, Any]:
        """The one version of a DAG (Airflow 3)."""
        body: dict[str, Any] = {
            "bundle_name": "dags-folder",
            "bundle_url": None,
            "bundle_version": None,
            "created_at": self.dialect.timestamp(dag.created),
            "dag_id": dag.dag_id,
            "id": dag.version_id,
            "version_number": 1,
        }
        if self.dialect.minor >= (3, 3):
            body["dag_display_name"] = dag.dag_id
        return body

    def run_body(self, run: Run) -> dict[str, Any]:
        """A DAG run."""
        d = self.dialect
        ts = d.timestamp
        body: dict[str, Any] = {
            "conf": run.conf,
            "dag_id": run.dag_id,
            "dag_run_id": run.run_id,
            "data_interval_end": ts(run.logical_date),
            "data_interval_start": ts(run.logical_date),
            "end_date": ts(run.end_date),
            "last_scheduling_decision": ts(run.end_date),
            "logical_date": ts(run.logical_date),
            "note": run.note,
            "run_type": run.run_type,
            "start_date": ts(run.start_date),
            "state": run.state,
        }
        if d.v2:
            dag = self.dags[run.dag_id]
            body.update(
                bundle_version=None,
                dag_versions=[self.dag_version_body(dag)],
                queued_at=ts(run.queued_at),
                run_after=ts(run.run_after),
                triggered_by="rest_api",
            )
            if d.minor >= (3, 3):
                body.update(
                    dag_display_name=run.dag_id,
                    duration=run.duration,
                    partition_date=None,
                    partition_key=None,
                    triggering_user_name=run.user,
                )
        else:
            body.update(
                execution_date=ts(
                    run.logical_date if run.logical_date is not None else run.run_after
                ),
                external_trigger=True,
            )
            body["logical_date"] = body["execution_date"]
            body["data_interval_start"] = body["data_interval_end"] = body["execution_date"]
        return body

    def ti_body(self, run: Run, ti: TaskInstance) -> dict[str, Any]:
        """A task instance."""
        d = self.dialect
        ts = d.timestamp
        started = ti.start_date is not None
        body: dict[str, Any] = {
            "dag_id": run.dag_id,
            "dag_run_id": run.run_id,
            "duration": ti.duration,
            "end_date": ts(ti.end_date),
            "executor": None,
            "executor_config": "{}",
            "hostname": "fake-airflow" if started else "",
            "map_index": ti.map_index,
            "max_tries": 0,
            "note": ti.note,
            "operator": "PythonOperator",
            "pid": 4242 if started else None,
            "pool": "default_pool",
            "pool_slots": 1,
            "priority_weight": 1,
            "queue": "default",
            "queued_when": ts(ti.queued_when),
            "rendered_fields": self._rendered_fields(run, ti),
            "rendered_map_index": None,
            "start_date": ts(ti.start_date),
            "state": ti.state,
            "task_display_name": ti.task_id,
            "task_id": ti.task_id,
            "trigger": None,
            "triggerer_job": None,
            "try_number": ti.try_number,
            "unixname": "airflow",
        }
        if d.v2:
            body.update(
                dag_version=self.dag_version_body(self.dags[run.dag_id]),
                id=ti.id,
                logical_date=ts(run.logical_date),
                run_after=ts(run.run_after),
                scheduled_when=ts(ti.queued_when),
            )
            if d.minor >= (3, 3):
                body.update(dag_display_name=run.dag_id, operator_name="PythonOperator")
        else:
            body.update(
                execution_date=ts(
                    run.logical_date if run.logical_date is not None else run.run_after
                ),
                sla_miss=None,
                state=ti.state if ti.state is not None else None,
            )
        return body

    def _rendered_fields(self, run: Run, ti: TaskInstance) -> dict[str, Any]:
        expanded = self.dags[run.dag_id].mapped.get(ti.task_id)
        if expanded is None or ti.map_index < 0 or ti.start_date is None:
            return {}
        return {"op_args": [], "op_kwargs": expanded[ti.map_index], "templates_dict": None}

    def try_body(self, run: Run, ti: TaskInstance, attempt: int) -> dict[str, Any]:
        """One try of a task instance, as its history keeps it."""
        d = self.dialect
        body = self.ti_body(run, ti)
        entry = next((e for e in ti.history if e["try_number"] == attempt), None)
        if entry is not None:
            body.update(
                state=entry["state"],
                start_date=d.timestamp(entry["start_date"]),
                end_date=d.timestamp(entry["end_date"]),
                queued_when=d.timestamp(entry["queued_when"]),
                duration=round(entry["end_date"] - entry["start_date"], 6),
            )
        body["try_number"] = attempt
        for key in (
            "id",
            "logical_date",
            "note",
            "rendered_fields",
            "rendered_map_index",
            "run_after",
            "trigger",
            "triggerer_job",
            "execution_date",
            "sla_miss",
        ):
            body.pop(key, None)
        if d.v2:
            body["scheduled_when"] = body.get("queued_when")
        return body

    def task_body(self, dag: Dag, task_id: str) -> dict[str, Any]:
        """A task of a DAG."""
        d = self.dialect
        downstream = list(dag.downstream.get(task_id, []))
        return {
            "class_ref": {
                "class_name": dag.operator,
                "module_path": _operator_module(d, dag.operator),
            },
            "depends_on_past": False,
            "doc_md": None,
            "downstream_task_ids": downstream,
            "end_date": None,
            "execution_timeout": None,
            "extra_links": [],
            "is_mapped": False,
            "operator_name": dag.operator,
            "owner": "airflow",
            "params": {},
            "pool": "default_pool",
            "pool_slots": 1.0,
            "priority_weight": 1.0,
            "queue": "default",
            "retries": 0.0,
            "retry_delay": {"__type": "TimeDelta", "days": 0, "microseconds": 0, "seconds": 300},
            "retry_exponential_backoff": 0.0 if d.minor >= (3, 3) else False,
            "start_date": d.timestamp(dag.created),
            "task_display_name": task_id,
            "task_id": task_id,
            "template_fields": [],
            "trigger_rule": "all_success",
            "ui_color": "#ffefeb",
            "ui_fgcolor": "#000",
            "wait_for_downstream": False,
            "weight_rule": "downstream",
        }

    def pool_body(self, pool: Pool) -> dict[str, Any]:
        """A pool."""
        body: dict[str, Any] = {
            "deferred_slots": 0,
            "description": pool.description,
            "include_deferred": pool.include_deferred,
            "name": pool.name,
            "occupied_slots": 0,
            "open_slots": pool.slots,
            "queued_slots": 0,
            "running_slots": 0,
            "scheduled_slots": 0,
            "slots": pool.slots,
        }
        if self.dialect.minor >= (3, 3):
            body["team_name"] = None
        return body

    def variable_body(self, variable: Variable) -> dict[str, Any]:
        """A variable."""
        body: dict[str, Any] = {
            "description": variable.description,
            "key": variable.key,
            "value": variable.value,
        }
        if self.dialect.v2:
            body["is_encrypted"] = True
            if self.dialect.minor >= (3, 3):
                body["team_name"] = None
        return body

    def connection_body(self, connection: Connection, *, listed: bool = False) -> dict[str, Any]:
        """A connection (secrets redacted, as the servers answer them)."""
        body: dict[str, Any] = {
            "conn_type": connection.conn_type,
            "connection_id": connection.connection_id,
            "description": connection.description,
            "host": connection.host,
            "login": connection.login,
            "port": connection.port,
            "schema": connection.schema,
        }
        if self.dialect.v2:
            body["extra"] = masked_extra(connection.extra)
            body["password"] = None if connection.password is None else "***"
            if self.dialect.minor >= (3, 3):
                body["team_name"] = None
        elif not listed:
            body["extra"] = masked_extra(connection.extra)
        return body

    def xcom_body(
        self,
        run: Run,
        task_id: str,
        map_index: int,
        key: str,
        value: Any,
        when: float,
        *,
        with_value: bool,
    ) -> dict[str, Any]:
        """An XCom entry (Airflow 3's list leaves out the value, as does Airflow 2's)."""
        d = self.dialect
        body: dict[str, Any] = {
            "dag_id": run.dag_id,
            "key": key,
            "map_index": map_index,
            "task_id": task_id,
            "timestamp": d.timestamp(when),
        }
        if d.v2:
            body.update(logical_date=d.timestamp(run.logical_date), run_id=run.run_id)
            if d.minor >= (3, 3):
                body.update(
                    dag_display_name=run.dag_id,
                    run_after=d.timestamp(run.run_after),
                    task_display_name=task_id,
                )
        else:
            body["execution_date"] = d.timestamp(
                run.logical_date if run.logical_date is not None else run.run_after
            )
        if with_value:
            body["value"] = value
        return body

    def import_error_body(self, error: DagImportError) -> dict[str, Any]:
        """An import error."""
        body: dict[str, Any] = {
            "filename": error.filename,
            "import_error_id": error.import_error_id,
            "stack_trace": error.stack_trace,
            "timestamp": self.dialect.timestamp(error.timestamp),
        }
        if self.dialect.v2:
            body["bundle_name"] = "dags-folder"
        return body


def _operator_module(dialect: Dialect, operator: str) -> str:
    """Where the release keeps a standard operator's class."""
    module = {"BashOperator": "bash", "EmptyOperator": "empty"}.get(operator, "python")
    if dialect.v2:
        return f"airflow.providers.standard.operators.{module}"
    return f"airflow.operators.{module}"


def json_object(value: Any) -> dict[str, Any] | None:
    """``value`` as a JSON object, or ``None`` when it is not one."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def json_array(value: Any) -> list[Any]:
    """``value`` as a JSON array (empty when it is not one)."""
    if not isinstance(value, list):
        return []
    # mypy reads the check as list[Any] already, pyright as a list of unknowns.
    return cast("list[Any]", value)  # type: ignore[redundant-cast]


def masked_extra(extra: str | None) -> str | None:
    """A connection's ``extra`` as the servers show it: secret-looking keys masked."""
    if extra is None:
        return None
    try:
        loaded = json.loads(extra)
    except ValueError:
        return extra
    loaded = json_object(loaded)
    if loaded is None:
        return extra
    masked = {
        key: "***" if any(word in key.lower() for word in _SENSITIVE) else value
        for key, value in loaded.items()
    }
    return json.dumps(masked)


def _item_key(field: str, item: dict[str, Any]) -> tuple[int, Any]:
    return sort_key(item.get(field))


def sort_key(value: Any) -> tuple[int, Any]:
    # None sorts first, as the databases the servers use sort NULLs for ascending order.
    if value is None:
        return (0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


def body_fields(
    sent: Any, allowed: set[str], required: Iterable[str], dialect: Dialect
) -> dict[str, Any] | Answer:
    """Check a request body: an object, known keys only on Airflow 3, the required ones there."""
    body = json_object(sent)
    if body is None:
        return dialect.bad_request("the request body must be a JSON object")
    if dialect.v2:
        unknown = sorted(set(body) - allowed)
        if unknown:
            return dialect.bad_request("Extra inputs are not permitted", loc=("body", unknown[0]))
    for name in required:
        if body.get(name) is None:
            if dialect.v2:
                return dialect.bad_request("Field required", loc=("body", name))
            return dialect.bad_request(f"{{'{name}': ['Missing data for required field.']}}")
    return body


def parse_time(value: Any) -> float | str | None:
    """A request's datetime as seconds; a string error when it is not an aware datetime."""
    import datetime

    if value is None:
        return None
    if not isinstance(value, str):
        return "not a datetime"
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "not a datetime"
    if parsed.tzinfo is None:
        return "Naive datetime is disallowed"
    return parsed.timestamp()


DATABASE_ERROR = {
    "reason": "Database error",
    "statement": "hidden",
    "orig_error": "hidden",
    "message": "Serious error when handling your request. Check logs for more details",
}


def strip_order(answer: Answer) -> Answer:
    if answer.status != 200:
        return answer
    body = json.loads(answer.body)
    for values in body.values():
        for entry in json_array(values):
            item = json_object(entry)
            if item is not None:
                item.pop("_order", None)
    return Answer(answer.status, json.dumps(body).encode(), answer.headers)


COMPARISONS = (
    ("_gte", float.__ge__),
    ("_lte", float.__le__),
    ("_gt", float.__gt__),
    ("_lt", float.__lt__),
)


def like(pattern: str, value: str) -> bool:
    """SQL ``ILIKE '%pattern%'``: the servers' ``*_pattern`` filters."""
    parts = [re.escape(part).replace("%", ".*").replace("_", ".") for part in pattern.split("\\")]
    return re.search("".join(parts), value, re.IGNORECASE) is not None
