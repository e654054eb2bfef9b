"""The fake Airflow's HTTP side: routing, authentication and one handler per operation.

It is a server: it reads ``httpx.Request`` objects and answers ``Answer`` objects, in the
release's dialect (see ``_dialect``). Bodies carry the same keys, per release, as the real
servers' answers recorded in ``tests/fixtures/suite``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import hmac
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
    Pool,
    Run,
    TaskInstance,
    Variable,
)

__all__ = ["FakeServer", "User"]

Handler = Callable[["FakeServer", "Call"], Answer]

_RUN_STATES = ("queued", "running", "success", "failed")
#: Task instance states after which it does not run again unless cleared.
_TI_DONE = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
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


def _route(
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


def _start(ti: TaskInstance, now: float) -> None:
    ti.state = "running"
    ti.try_number += 1
    ti.start_date = now
    ti.end_date = None


def _b64(data: bytes) -> str:
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
        self._secret = hashlib.sha256(repr((id(self), time.time())).encode()).digest()
        self.started = time.time()
        prefix = self.dialect.prefix
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
            return route.handler(self, Call(request, params, user, parsed))
        if allowed:
            if dialect.v2:
                return dialect.ok({"detail": "Method Not Allowed"}, 405)
            return dialect.error(405, "The method is not allowed for the requested URL.")
        return dialect.route_not_found()

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
                fields = _object(loaded) or {}
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
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(dict(claims)).encode())
        signature = hmac.new(self._secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
        return f"{head}.{payload}.{_b64(signature)}"

    def _verify(self, token: str) -> dict[str, Any] | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(
            self._secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(_b64(expected), parts[2]):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        return _object(claims)

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
            pending = [ti for ti in run.task_instances.values() if ti.state not in _TI_DONE]
            for index, ti in enumerate(pending):
                ti.queued_when = now
                if index == 0:
                    _start(ti, now)
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
            if ti.state not in _TI_DONE:
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
            _start(ti, now)
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
            "file_token": _b64(hashlib.sha1(dag.fileloc.encode()).digest()),
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
            body["extra"] = _masked_extra(connection.extra)
            body["password"] = None if connection.password is None else "***"
            if self.dialect.minor >= (3, 3):
                body["team_name"] = None
        elif not listed:
            body["extra"] = _masked_extra(connection.extra)
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


def _object(value: Any) -> dict[str, Any] | None:
    """``value`` as a JSON object, or ``None`` when it is not one."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def _array(value: Any) -> list[Any]:
    """``value`` as a JSON array (empty when it is not one)."""
    if not isinstance(value, list):
        return []
    # mypy reads the check as list[Any] already, pyright as a list of unknowns.
    return cast("list[Any]", value)  # type: ignore[redundant-cast]


def _masked_extra(extra: str | None) -> str | None:
    """A connection's ``extra`` as the servers show it: secret-looking keys masked."""
    if extra is None:
        return None
    try:
        loaded = json.loads(extra)
    except ValueError:
        return extra
    loaded = _object(loaded)
    if loaded is None:
        return extra
    masked = {
        key: "***" if any(word in key.lower() for word in _SENSITIVE) else value
        for key, value in loaded.items()
    }
    return json.dumps(masked)


def _item_key(field: str, item: dict[str, Any]) -> tuple[int, Any]:
    return _sort_key(item.get(field))


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts first, as the databases the servers use sort NULLs for ascending order.
    if value is None:
        return (0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


def _fields(
    sent: Any, allowed: set[str], required: Iterable[str], dialect: Dialect
) -> dict[str, Any] | Answer:
    """Check a request body: an object, known keys only on Airflow 3, the required ones there."""
    body = _object(sent)
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


# ---------------------------------------------------------------------------------------------
# monitoring


@_route("GET", "/version", "/version", "get_version")
def _get_version(server: FakeServer, call: Call) -> Answer:
    git = ".release:fake" if server.dialect.v2 else ""
    return server.dialect.ok({"git_version": git, "version": server.dialect.release})


@_route("GET", "/health", "/monitor/health", "get_health")
def _get_health(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    beat = d.timestamp(time.time())
    if d.v2 and beat is not None:
        beat = beat.replace("Z", "+00:00")
    processor_beat = beat if d.v2 else None
    return d.ok(
        {
            "dag_processor": {
                "latest_dag_processor_heartbeat": processor_beat,
                "status": "healthy" if d.v2 else None,
            },
            "metadatabase": {"status": "healthy"},
            "scheduler": {"latest_scheduler_heartbeat": beat, "status": "healthy"},
            "triggerer": {"latest_triggerer_heartbeat": None, "status": None},
        }
    )


# ---------------------------------------------------------------------------------------------
# DAGs


@_route("GET", "/dags", "/dags", "get_dags")
def _get_dags(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dags = _matching_dags(server, call)
    items = [server.dag_body(dag) for dag in dags]
    fields = d.list_param(call.query, "fields") if not d.v2 else []
    if fields:
        # Airflow 2 answers only the fields asked for (the client adds dag_id).
        items = [{k: v for k, v in item.items() if k in fields} for item in items]
    return server.page(
        items,
        call,
        "dags",
        "dag_id",
        ("dag_display_name", "is_paused", "last_parsed_time", "next_dagrun", "dag_id"),
    )


def _matching_dags(server: FakeServer, call: Call) -> list[Dag]:
    d = server.dialect
    query = call.query
    dags = list(server.dags.values())
    pattern = query.get("dag_id_pattern")
    if pattern:
        dags = [dag for dag in dags if _like(pattern, dag.dag_id)]
    prefix = query.get("dag_id_prefix_pattern")
    if prefix and d.minor >= (3, 3):
        dags = [dag for dag in dags if dag.dag_id.startswith(prefix)]
    tags = d.list_param(query, "tags")
    if tags:
        if d.v2 and query.get("tags_match_mode") == "all":
            dags = [dag for dag in dags if set(tags) <= set(dag.tags)]
        else:
            dags = [dag for dag in dags if set(tags) & set(dag.tags)]
    paused = query.get("paused")
    if paused is not None:
        dags = [dag for dag in dags if dag.is_paused == (paused.lower() == "true")]
    favorite = query.get("is_favorite")
    if favorite is not None and d.minor >= (3, 1):
        wanted = favorite.lower() == "true"
        dags = [dag for dag in dags if (dag.dag_id in server.favorites) == wanted]
    return dags


@_route("PATCH", "/dags", "/dags", "patch_dags")
def _patch_dags(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = _fields(call.body, {"is_paused"}, ("is_paused",), d)
    if isinstance(body, Answer):
        return body
    if not d.v2 and not call.query.get("dag_id_pattern"):
        return d.bad_request("dag_id_pattern is required")
    mask = server.mask(call)
    if mask is not None and set(mask) - {"is_paused"}:
        return d.error(400, "Only `is_paused` field can be updated through the REST API")
    dags = _matching_dags(server, call)
    for dag in dags:
        dag.is_paused = bool(body["is_paused"])
    items = [server.dag_body(dag) for dag in dags]
    return server.page(items, call, "dags", "dag_id", ("dag_id",))


@_route("POST", None, "/dags/{dag_id}/favorite", "favorite_dag")
def _favorite_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    if dag.dag_id in server.favorites:
        return server.dialect.error(409, "DAG is already in favorites")
    server.favorites.add(dag.dag_id)
    return server.dialect.no_content()


@_route("POST", None, "/dags/{dag_id}/unfavorite", "unfavorite_dag")
def _unfavorite_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    if dag.dag_id not in server.favorites:
        return server.dialect.error(409, "DAG is not in favorites")
    server.favorites.discard(dag.dag_id)
    return server.dialect.no_content()


@_route("GET", None, "/dagTags", "get_dag_tags")
def _get_dag_tags(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    tags = sorted({tag for dag in server.dags.values() for tag in dag.tags})
    pattern = call.query.get("tag_name_pattern")
    if pattern:
        tags = [tag for tag in tags if _like(pattern, tag)]
    prefix = call.query.get("tag_name_prefix_pattern")
    if prefix and d.minor >= (3, 3):
        tags = [tag for tag in tags if tag.startswith(prefix)]
    try:
        offset = int(call.query.get("offset") or 0)
        limit = int(call.query.get("limit") or d.default_limit)
    except ValueError:
        return d.bad_request("offset and limit must be integers", loc=("query", "limit"))
    if d.minor >= (3, 2):
        limit = min(limit, server.maximum_page_limit)
    if call.query.get_list("order_by") in (["-name"],):
        tags.reverse()
    return d.ok({"tags": tags[offset : offset + limit], "total_entries": len(tags)})


@_route("GET", "/dags/{dag_id}", "/dags/{dag_id}", "get_dag")
def _get_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    return server.dialect.ok(server.dag_body(dag))


@_route("GET", "/dags/{dag_id}/details", "/dags/{dag_id}/details", "get_dag_details")
def _get_dag_details(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    return server.dialect.ok(server.dag_details_body(dag))


@_route("PATCH", "/dags/{dag_id}", "/dags/{dag_id}", "patch_dag")
def _patch_dag(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    body = _fields(call.body, {"is_paused"}, (), d)
    if isinstance(body, Answer):
        return body
    mask = server.mask(call)
    if mask is not None and set(mask) - {"is_paused"}:
        return d.error(400, "Only `is_paused` field can be updated through the REST API")
    if "is_paused" in body:
        dag.is_paused = bool(body["is_paused"])
    return d.ok(server.dag_body(dag))


@_route("DELETE", "/dags/{dag_id}", "/dags/{dag_id}", "delete_dag")
def _delete_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    del server.dags[dag.dag_id]
    for key in [key for key in server.runs if key[0] == dag.dag_id]:
        del server.runs[key]
    return server.dialect.no_content()


@_route("GET", "/dags/{dag_id}/tasks", "/dags/{dag_id}/tasks", "get_tasks")
def _get_tasks(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    tasks = [server.task_body(dag, task_id) for task_id in dag.tasks]
    order = call.query.get("order_by") or "task_id"
    if order:
        name = order.lstrip("-")
        if name not in tasks[0]:
            return server.dialect.error(400, f"'{name}' is not a field of a task")
        tasks.sort(key=lambda task: _sort_key(task.get(name)), reverse=order.startswith("-"))
    return server.dialect.ok({"tasks": tasks, "total_entries": len(tasks)})


@_route("GET", "/dags/{dag_id}/tasks/{task_id}", "/dags/{dag_id}/tasks/{task_id}", "get_task")
def _get_task(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    task_id = call.params["task_id"]
    if task_id not in dag.tasks:
        return server.dialect.error(404, f"Task with id {task_id} not found")
    return server.dialect.ok(server.task_body(dag, task_id))


@_route("GET", "/dagStats", "/dagStats", "get_dag_stats")
def _get_dag_stats(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    wanted = d.list_param(call.query, "dag_ids")
    dag_ids = (
        [dag_id for dag_id in wanted if dag_id in server.dags] if wanted else sorted(server.dags)
    )
    items: list[dict[str, Any]] = []
    for dag_id in dag_ids:
        counts: dict[str, int] = dict.fromkeys(_RUN_STATES, 0)
        for run in server.runs.values():
            if run.dag_id == dag_id:
                counts[run.state] += 1
        item: dict[str, Any] = {
            "dag_id": dag_id,
            "stats": [{"count": count, "state": state} for state, count in counts.items()],
        }
        if d.minor >= (3, 3):
            item["dag_display_name"] = dag_id
        items.append(item)
    return d.ok({"dags": items, "total_entries": len(items)})


# ---------------------------------------------------------------------------------------------
# DAG runs


def _parse_time(value: Any) -> float | str | None:
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


@_route(
    "POST", "/dags/{dag_id}/dagRuns", "/dags/{dag_id}/dagRuns", "post_dag_run", "trigger_dag_run"
)
def _trigger(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    allowed = {
        "dag_run_id",
        "logical_date",
        "conf",
        "note",
        "data_interval_start",
        "data_interval_end",
        "run_after",
    }
    if d.minor >= (3, 3):
        allowed.add("partition_key")
    if not d.v2:
        allowed.add("execution_date")
    body = _fields(call.body if call.body is not None else {}, allowed, (), d)
    if isinstance(body, Answer):
        return body
    if d.v2 and "logical_date" not in body:
        return d.bad_request("Field required", loc=("body", "logical_date"))
    logical = _parse_time(body.get("logical_date", body.get("execution_date")))
    if isinstance(logical, str):
        if d.v2:
            return d.bad_request("Input should have timezone info", loc=("body", "logical_date"))
        return d.bad_request(logical)
    now = time.time()
    if logical is None and not d.v2:
        logical = now
    run_id = (
        body.get("dag_run_id") or f"manual__{d.timestamp(logical if logical is not None else now)}"
    )
    refused = _refuse_run_id(d, str(run_id))
    if refused is not None:
        return refused
    conf = _object(body.get("conf") or {})
    if conf is None:
        return d.bad_request("conf must be an object", loc=("body", "conf"))
    if (dag.dag_id, run_id) in server.runs:
        if d.v2:
            return d.error(409, f"DAG Run with run_id: `{run_id}` already exists")
        return d.error(
            409, f"DAGRun with DAG ID: '{dag.dag_id}' and DAGRun ID: '{run_id}' already exists"
        )
    if logical is not None and any(
        run.dag_id == dag.dag_id and run.logical_date == logical for run in server.runs.values()
    ):
        if d.v2:
            return d.error(
                409,
                f"A DAG Run already exists for Dag {dag.dag_id} with logical date "
                f"{d.timestamp(logical)}",
            )
        return d.error(
            409,
            f"DAGRun with DAG ID: '{dag.dag_id}' and DAGRun logical date: "
            f"'{d.timestamp(logical)}' already exists",
        )
    user = call.user.username if call.user is not None else None
    run = server.start_run(dag, run_id, logical, conf, user)
    run.note = body.get("note")
    return d.ok(server.run_body(run))


_DATABASE_ERROR = {
    "reason": "Database error",
    "statement": "hidden",
    "orig_error": "hidden",
    "message": "Serious error when handling your request. Check logs for more details",
}


_RUN_ID = re.compile(r"[A-Za-z0-9_.~:+-]+")


def _refuse_run_id(d: Dialect, run_id: str) -> Answer | None:
    """The answer to a run id outside the server's pattern, or ``None`` when it fits."""
    if _RUN_ID.fullmatch(run_id) is None and not run_id.startswith("manual__"):
        if d.v2:
            return d.error(
                400,
                f"The run_id provided '{run_id}' does not match regex pattern "
                f"'^[A-Za-z0-9_.~:+-]+$'",
            )
        # Airflow 2 raises, and its webserver answers its HTML error page.
        return Answer(
            500,
            b"<!doctype html><html><title>500 Internal Server Error</title></html>",
            {"content-type": "text/html; charset=utf-8"},
        )
    if d.minor >= (3, 3) and ".." in run_id:
        return d.error(400, f"The run_id provided '{run_id}' must not contain '..'")
    return None


def _run_filters(
    server: FakeServer,
    runs: list[Run],
    get: Callable[[str], Any],
    get_list: Callable[[str], list[str]],
) -> list[Run] | Answer:
    d = server.dialect
    states = get_list("state") or get_list("states")
    if states:
        runs = [run for run in runs if run.state in states]
    run_types = get_list("run_type")
    if run_types and d.v2:
        runs = [run for run in runs if run.run_type in run_types]
    pattern = get("run_id_pattern")
    if pattern and d.minor >= (3, 1):
        runs = [run for run in runs if _like(pattern, run.run_id)]
    conf = get("conf_contains")
    if conf and d.minor >= (3, 2):
        runs = [run for run in runs if conf in json.dumps(run.conf)]
    fields = {"logical_date" if d.v2 else "execution_date": "logical_date"}
    fields.update(start_date="start_date", end_date="end_date")
    if d.v2:
        fields["run_after"] = "run_after"
    for name, attribute in fields.items():
        for suffix, compare in (
            ("_gte", float.__ge__),
            ("_lte", float.__le__),
            ("_gt", float.__gt__),
            ("_lt", float.__lt__),
        ):
            raw = get(name + suffix)
            if raw is None or (suffix in ("_gt", "_lt") and not d.v2):
                continue
            bound = _parse_time(raw)
            if isinstance(bound, str) or bound is None:
                if d.v2:
                    # A naive datetime reaches the database, which refuses it.
                    return d.error(500, _DATABASE_ERROR)
                return d.bad_request(f"{raw!r} is not a 'date-time' - '{name}{suffix}'")
            runs = [
                run
                for run in runs
                if (value := _run_time(run, attribute)) is not None and compare(value, bound)
            ]
    return runs


def _run_time(run: Run, attribute: str) -> float | None:
    if attribute == "logical_date" and run.logical_date is None:
        return None
    value: float | None = getattr(run, attribute)
    return value


_RUN_ORDERS = (
    "id",
    "dag_run_id",
    "run_id",
    "state",
    "logical_date",
    "execution_date",
    "start_date",
    "end_date",
    "run_after",
    "queued_at",
    "dag_id",
    "updated_at",
)


def _run_page(
    server: FakeServer,
    call: Call,
    runs: list[Run],
    window: tuple[Any, Any, list[str]] | None = None,
) -> Answer:
    items = [server.run_body(run) for run in runs]
    for item, run in zip(items, runs, strict=True):
        item["_order"] = run.queued_at
    aliases = {"id": "_order", "run_id": "dag_run_id", "execution_date": "logical_date"}
    answer = server.page(
        items, call, "dag_runs", "_order", _RUN_ORDERS, window=window, aliases=aliases
    )
    return _strip_order(answer)


@_route("GET", "/dags/{dag_id}/dagRuns", "/dags/{dag_id}/dagRuns", "get_dag_runs")
def _get_dag_runs(server: FakeServer, call: Call) -> Answer:
    dag_id = call.params["dag_id"]
    if dag_id != "~":
        dag = server.dag_or_404(dag_id)
        if isinstance(dag, Answer):
            return dag
    runs = [run for run in server.runs.values() if dag_id in ("~", run.dag_id)]
    for run in runs:
        server.advance(run)
    filtered = _run_filters(
        server, runs, call.query.get, lambda name: server.dialect.list_param(call.query, name)
    )
    if isinstance(filtered, Answer):
        return filtered
    return _run_page(server, call, filtered)


@_route(
    "POST",
    "/dags/~/dagRuns/list",
    "/dags/~/dagRuns/list",
    "get_dag_runs_batch",
    "get_list_dag_runs_batch",
)
def _get_dag_runs_batch(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    allowed = {"dag_ids", "states", "page_offset", "page_limit", "order_by"}
    prefix = "logical_date" if d.v2 else "execution_date"
    for name in (prefix, "start_date", "end_date") + (("run_after", "duration") if d.v2 else ()):
        allowed |= {name + suffix for suffix in ("_gte", "_lte")}
        if d.v2:
            allowed |= {name + suffix for suffix in ("_gt", "_lt")}
    if d.minor >= (3, 2):
        allowed.add("conf_contains")
    body = _fields(call.body if call.body is not None else {}, allowed, (), d)
    if isinstance(body, Answer):
        return body
    dag_ids = body.get("dag_ids")
    runs = [run for run in server.runs.values() if not dag_ids or run.dag_id in dag_ids]
    for run in runs:
        server.advance(run)

    def get_list(name: str) -> list[str]:
        return [str(item) for item in _array(body.get(name))]

    filtered = _run_filters(server, runs, body.get, get_list)
    if isinstance(filtered, Answer):
        return filtered
    order = body.get("order_by")
    window = (body.get("page_offset"), body.get("page_limit", 100), [order] if order else [])
    return _run_page(server, call, filtered, window)


def _strip_order(answer: Answer) -> Answer:
    if answer.status != 200:
        return answer
    body = json.loads(answer.body)
    for values in body.values():
        for entry in _array(values):
            item = _object(entry)
            if item is not None:
                item.pop("_order", None)
    return Answer(answer.status, json.dumps(body).encode(), answer.headers)


@_route(
    "GET",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "get_dag_run",
)
def _get_dag_run(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    body = server.run_body(run)
    fields = server.dialect.list_param(call.query, "fields") if not server.dialect.v2 else []
    if fields:
        # Airflow 2 answers only the fields asked for.
        body = {k: v for k, v in body.items() if k in fields}
    return server.dialect.ok(body)


@_route(
    "DELETE",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "delete_dag_run",
)
def _delete_dag_run(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    del server.runs[(run.dag_id, run.run_id)]
    return server.dialect.no_content()


@_route(
    "PATCH",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "update_dag_run_state",
    "patch_dag_run",
)
def _patch_dag_run(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    body = _fields(call.body, {"state", "note"}, (), d)
    if isinstance(body, Answer):
        return body
    mask = server.mask(call) or list(body)
    if "state" in mask and "state" in body:
        state = body["state"]
        if state not in ("queued", "success", "failed"):
            return d.bad_request(
                f"'{state}' is not one of ['queued', 'success', 'failed']", loc=("body", "state")
            )
        run.state = state
        now = time.time()
        if state in FINISHED:
            run.end_date = now
            for ti in run.task_instances.values():
                if ti.state not in ("success", "failed", "upstream_failed", "skipped"):
                    ti.state = state
        else:
            run.end_date = None
            run.reads_left = server.reads_per_state
    if "note" in mask and "note" in body:
        run.note = body["note"]
    return d.ok(server.run_body(run))


@_route("PATCH", "/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", None, "set_dag_run_note")
def _set_dag_run_note(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    body = _fields(call.body, {"note"}, (), server.dialect)
    if isinstance(body, Answer):
        return body
    run.note = body.get("note")
    return server.dialect.ok(server.run_body(run))


@_route(
    "POST",
    "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
    "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
    "clear_dag_run",
)
def _clear_dag_run(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    allowed = {"dry_run"} | (
        {"only_failed", "only_new", "run_on_latest_version", "note"} if d.v2 else set[str]()
    )
    body = _fields(call.body if call.body is not None else {}, allowed, (), d)
    if isinstance(body, Answer):
        return body
    dry_run = body.get("dry_run", True)
    tis = [
        ti
        for ti in run.task_instances.values()
        if not body.get("only_failed") or ti.state in ("failed", "upstream_failed")
    ]
    if dry_run:
        if d.v2:
            items = [server.ti_body(run, ti) for ti in tis]
            return d.ok({"task_instances": items, "total_entries": len(items)})
        return d.ok({"task_instances": [_ti_reference(server, run, ti) for ti in tis]})
    for ti in tis:
        ti.state = None
        ti.start_date = ti.end_date = None
    run.state = "queued"
    run.end_date = None
    run.reads_left = server.reads_per_state
    if d.v2:
        return d.ok(server.run_body(run))
    return d.ok(server.run_body(run))


def _ti_reference(server: FakeServer, run: Run, ti: TaskInstance) -> dict[str, Any]:
    logical = run.logical_date if run.logical_date is not None else run.run_after
    return {
        "dag_id": run.dag_id,
        "dag_run_id": run.run_id,
        "execution_date": server.dialect.timestamp(logical),
        "task_id": ti.task_id,
    }


@_route("GET", None, "/dags/{dag_id}/dagRuns/{dag_run_id}/wait", "wait_dag_run_until_finished")
def _wait(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    lines: list[str] = []
    while True:
        lines.append(json.dumps({"state": run.state}))
        if run.state in FINISHED:
            break
        before = (run.state, run.reads_left)
        server.advance(run)
        if (run.state, run.reads_left) == before:
            # A paused DAG's run never moves: a real server would stream its state until
            # the client gives up; the fake ends the answer instead of holding it open.
            break
    dag = server.dags[run.dag_id]
    results: dict[str, Any] = {}
    for task_id in call.query.get_list("task_ids") or list(dag.results):
        entry = run.xcoms.get((task_id, -1, "return_value"))
        if entry is not None:
            results[task_id] = entry[0]
    if results:
        lines[-1] = json.dumps({"state": run.state, "results": results})
    return Answer(200, ("\n".join(lines) + "\n").encode(), {"content-type": "application/x-ndjson"})


# ---------------------------------------------------------------------------------------------
# task instances, logs, XComs

_TI_BASE = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"
_TI = _TI_BASE + "/{task_id}"


def _ti_404(
    server: FakeServer, dag_id: str, run_id: str, task_id: str, map_index: int = -1
) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(
            404,
            f"The Task Instance with dag_id: `{dag_id}`, run_id: `{run_id}`, "
            f"task_id: `{task_id}` and map_index: `{map_index}` was not found",
        )
    return server.dialect.error(404, "Task instance not found", title="Task instance not found")


def _ti_or_404(server: FakeServer, call: Call) -> tuple[Run, TaskInstance] | Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    raw = call.params.get("map_index") or call.query.get("map_index") or "-1"
    try:
        map_index = int(raw)
    except ValueError:
        return server.dialect.bad_request(
            "map_index must be an integer", loc=("query", "map_index")
        )
    ti = run.task_instances.get((call.params["task_id"], map_index))
    if ti is None:
        if map_index == -1 and (call.params["task_id"], 0) in run.task_instances:
            if server.dialect.v2:
                return server.dialect.error(
                    404, "Task instance is mapped, add the map_index value to the URL"
                )
            return server.dialect.error(
                404,
                "Task instance is mapped, add the map_index value to the URL",
                title="Task instance not found",
            )
        return _ti_404(server, run.dag_id, run.run_id, call.params["task_id"], map_index)
    return run, ti


def _ti_collection(server: FakeServer, items: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"task_instances": items, "total_entries": len(items)}
    if server.dialect.minor >= (3, 3):
        body.update(next_cursor=None, previous_cursor=None, total_entries_limit=None)
    return body


def _ti_filters(
    server: FakeServer,
    pairs: list[tuple[Run, TaskInstance]],
    get: Callable[[str], Any],
    get_list: Callable[[str], list[str]],
    *,
    whole_seconds: bool = False,
) -> list[tuple[Run, TaskInstance]] | Answer:
    d = server.dialect
    states = get_list("state")
    if states:
        pairs = [
            (run, ti)
            for run, ti in pairs
            if str(ti.state) in states or (ti.state is None and "none" in states)
        ]
    for name in ("pool", "queue"):
        wanted = get_list(name)
        if wanted and "default_pool" not in wanted and name == "pool":
            pairs = []
        if wanted and "default" not in wanted and name == "queue":
            pairs = []
    indexes = get_list("map_index")
    if indexes and d.minor >= (3, 1):
        wanted_indexes = {int(index) for index in indexes}
        pairs = [(run, ti) for run, ti in pairs if ti.map_index in wanted_indexes]
    task_ids = get_list("task_ids")
    if task_ids:
        pairs = [(run, ti) for run, ti in pairs if ti.task_id in task_ids]
    if d.v2 and get("task_id"):
        pairs = [(run, ti) for run, ti in pairs if ti.task_id == get("task_id")]
    pattern = get("task_display_name_pattern")
    if pattern and d.v2:
        pairs = [(run, ti) for run, ti in pairs if _like(pattern, ti.task_id)]
    prefix = get("dag_id_prefix_pattern")
    if prefix and d.minor >= (3, 3):
        pairs = [(run, ti) for run, ti in pairs if run.dag_id.startswith(prefix)]
    run_pattern = get("run_id_pattern")
    if run_pattern and d.minor >= (3, 2):
        pairs = [(run, ti) for run, ti in pairs if _like(run_pattern, run.run_id)]
    times: dict[str, Callable[[Run, TaskInstance], float | None]] = {
        "start_date": lambda run, ti: ti.start_date,
        "end_date": lambda run, ti: ti.end_date,
        ("logical_date" if d.v2 else "execution_date"): lambda run, ti: run.logical_date,
    }
    for name, read in times.items():
        for suffix, compare in _COMPARISONS:
            raw = get(name + suffix)
            if raw is None:
                continue
            bound = _parse_time(raw)
            if isinstance(bound, str) or bound is None:
                if d.v2:
                    return d.error(500, _DATABASE_ERROR)
                return d.bad_request(f"{raw!r} is not a 'date-time' - '{name}{suffix}'")
            pairs = [
                (run, ti)
                for run, ti in pairs
                if (value := read(run, ti)) is not None and compare(value, bound)
            ]
    for suffix, compare in _COMPARISONS:
        raw = get("duration" + suffix)
        if raw is None:
            continue
        try:
            bound = float(raw)
        except (TypeError, ValueError):
            return d.bad_request("duration must be a number", loc=("query", "duration" + suffix))
        if whole_seconds:
            # Airflow 2 reads a batch body's durations as integers.
            bound = float(int(bound))
        pairs = [
            (run, ti)
            for run, ti in pairs
            if ti.duration is not None and compare(ti.duration, bound)
        ]
    return pairs


_COMPARISONS = (
    ("_gte", float.__ge__),
    ("_lte", float.__le__),
    ("_gt", float.__gt__),
    ("_lt", float.__lt__),
)

_TI_ORDERS = (
    "task_id",
    "state",
    "start_date",
    "end_date",
    "duration",
    "try_number",
    "map_index",
    "dag_id",
    "dag_run_id",
    "run_id",
    "pool",
    "queue",
    "id",
    "logical_date",
    "run_after",
)


def _ti_page(
    server: FakeServer,
    call: Call,
    pairs: list[tuple[Run, TaskInstance]],
    window: tuple[Any, Any, list[str]] | None = None,
) -> Answer:
    items = [server.ti_body(run, ti) for run, ti in pairs]
    for index, item in enumerate(items):
        item["_order"] = index
    aliases = {"id": "_order", "run_id": "dag_run_id"}
    answer = server.page(
        items, call, "task_instances", "_order", _TI_ORDERS, window=window, aliases=aliases
    )
    return _strip_order(answer)


@_route("GET", _TI_BASE, _TI_BASE, "get_task_instances")
def _get_task_instances(server: FakeServer, call: Call) -> Answer:
    dag_id, run_id = call.params["dag_id"], call.params["dag_run_id"]
    if dag_id != "~":
        dag = server.dag_or_404(dag_id)
        if isinstance(dag, Answer):
            return dag
    if run_id != "~":
        found = server.run_or_404(dag_id, run_id) if dag_id != "~" else None
        if isinstance(found, Answer):
            return found
    runs = [
        run
        for run in server.runs.values()
        if dag_id in ("~", run.dag_id) and run_id in ("~", run.run_id)
    ]
    pairs: list[tuple[Run, TaskInstance]] = []
    for run in runs:
        server.advance(run)
        pairs.extend((run, ti) for ti in run.task_instances.values())
    filtered = _ti_filters(
        server, pairs, call.query.get, lambda name: server.dialect.list_param(call.query, name)
    )
    if isinstance(filtered, Answer):
        return filtered
    if not server.dialect.v2 and call.query.get("limit") is None:
        # Unlike most lists, Airflow 2's ignores the server's maximum_page_limit.
        window = (call.query.get("offset"), 100, call.query.get_list("order_by")[-1:])
        return _ti_page_uncapped(server, call, filtered, window)
    if not server.dialect.v2:
        window = (
            call.query.get("offset"),
            call.query.get("limit"),
            call.query.get_list("order_by")[-1:],
        )
        return _ti_page_uncapped(server, call, filtered, window)
    return _ti_page(server, call, filtered)


def _ti_page_uncapped(
    server: FakeServer,
    call: Call,
    pairs: list[tuple[Run, TaskInstance]],
    window: tuple[Any, Any, list[str]],
) -> Answer:
    saved = server.maximum_page_limit
    server.maximum_page_limit = max(saved, 100)
    try:
        return _ti_page(server, call, pairs, window)
    finally:
        server.maximum_page_limit = saved


@_route(
    "POST",
    "/dags/~/dagRuns/~/taskInstances/list",
    "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/list",
    "get_task_instances_batch",
)
def _get_task_instances_batch(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = _object(call.body if call.body is not None else {})
    if body is None:
        return d.bad_request("the request body must be a JSON object")
    dag_ids = body.get("dag_ids")
    run_ids = body.get("dag_run_ids")
    pairs: list[tuple[Run, TaskInstance]] = []
    for run in list(server.runs.values()):
        if dag_ids and run.dag_id not in dag_ids:
            continue
        if run_ids and run.run_id not in run_ids:
            continue
        server.advance(run)
        pairs.extend((run, ti) for ti in run.task_instances.values())

    def get_list(name: str) -> list[str]:
        return [str(item) for item in _array(body.get(name))]

    filtered = _ti_filters(server, pairs, body.get, get_list, whole_seconds=not d.v2)
    if isinstance(filtered, Answer):
        return filtered
    order = body.get("order_by")
    window = (body.get("page_offset"), body.get("page_limit", 100), [order] if order else [])
    return _ti_page(server, call, filtered, window)


@_route("GET", _TI, _TI, "get_task_instance")
def _get_task_instance(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    return server.dialect.ok(server.ti_body(*found))


@_route("GET", _TI + "/dependencies", _TI + "/dependencies", "get_task_instance_dependencies")
def _get_dependencies(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    dependencies: list[dict[str, str]] = []
    if ti.state not in _TI_DONE and ti.state != "running":
        dag = server.dags[run.dag_id]
        if dag.is_paused:
            dependencies.append(
                {
                    "name": "Dagrun Running",
                    "reason": "Task instance's dagrun was not in the 'running' state but in "
                    f"the state '{run.state}'.",
                }
            )
        for upstream in dag.upstream(ti.task_id)[:1]:
            dependencies.append(
                {
                    "name": "Trigger Rule",
                    "reason": "Task's trigger rule 'all_success' requires all upstream tasks "
                    "to have succeeded, but found 1 non-success(es). "
                    f"upstream_task_ids={{'{upstream}'}}",
                }
            )
    return server.dialect.ok({"dependencies": dependencies})


@_route("GET", _TI + "/tries", _TI + "/tries", "get_task_instance_tries")
def _get_tries(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    items = [server.try_body(run, ti, attempt) for attempt in _tries(ti)]
    return server.dialect.ok({"task_instances": items, "total_entries": len(items)})


def _tries(ti: TaskInstance) -> list[int]:
    return sorted(
        {entry["try_number"] for entry in ti.history}
        | ({ti.try_number} if ti.try_number else set[int]())
    )


@_route(
    "GET",
    _TI + "/tries/{task_try_number}",
    _TI + "/tries/{task_try_number}",
    "get_task_instance_try_details",
)
def _get_try(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    try:
        attempt = int(call.params["task_try_number"])
    except ValueError:
        return d.bad_request("try number must be an integer", loc=("path", "task_try_number"))
    if attempt not in _tries(ti):
        if d.v2:
            return d.error(
                404,
                f"The Task Instance History with dag_id: `{run.dag_id}`, run_id: `{run.run_id}`, "
                f"task_id: `{ti.task_id}`, map_index: `{ti.map_index}` and try_number: "
                f"`{attempt}` was not found",
            )
        return d.error(404, "Task instance not found", title="Task instance not found")
    return d.ok(server.try_body(run, ti, attempt))


@_route("GET", _TI + "/links", _TI + "/links", "get_extra_links")
def _get_extra_links(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    if server.dialect.v2:
        return server.dialect.ok({"extra_links": {}, "total_entries": 0})
    return server.dialect.ok({})


_NEW_STATES = ("success", "failed", "skipped")


def _below(server: FakeServer, run: Run, ti: TaskInstance) -> list[TaskInstance]:
    """The instances of every task downstream of ``ti``'s."""
    below = server.dags[run.dag_id].below(ti.task_id)
    return [item for (task_id, _), item in run.task_instances.items() if task_id in below]


def _set_state(
    server: FakeServer, run: Run, ti: TaskInstance, state: str, *, downstream: bool
) -> list[TaskInstance]:
    changed = [ti] + (_below(server, run, ti) if downstream else [])
    now = time.time()
    for item in changed:
        item.state = state
        item.start_date = item.start_date or now
        item.end_date = item.end_date or item.start_date
    return changed


def _patch_ti(server: FakeServer, call: Call, *, dry_run: bool) -> Answer:
    d = server.dialect
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    allowed = {
        "new_state",
        "note",
        "include_upstream",
        "include_downstream",
        "include_future",
        "include_past",
    }
    if not d.v2:
        allowed.add("dry_run")
    body = _fields(call.body, allowed, (), d)
    if isinstance(body, Answer):
        return body
    mask = server.mask(call) if d.v2 else None
    state = body.get("new_state")
    if state is not None and state not in _NEW_STATES:
        return d.bad_request(
            f"'{state}' is not one of ['success', 'failed', 'skipped']"
            if not d.v2
            else "Input should be 'success', 'failed' or 'skipped'",
            loc=("body", "new_state"),
        )
    dry_run = dry_run or (not d.v2 and body.get("dry_run", True) is not False)
    affected = [ti]
    if state is not None and (mask is None or "new_state" in mask):
        if d.v2 and not dry_run and ti.state == state:
            return d.error(
                409,
                f"Task id {ti.task_id} is already in {state} state",
            )
        if dry_run:
            if body.get("include_downstream"):
                affected += _below(server, run, ti)
        else:
            affected = _set_state(
                server, run, ti, state, downstream=bool(body.get("include_downstream"))
            )
    if "note" in body and (mask is None or "note" in mask) and not dry_run:
        ti.note = body["note"]
    if d.v2:
        # Airflow 3's answer lists the instances of the task itself.
        return d.ok(_ti_collection(server, [server.ti_body(run, ti)]))
    return d.ok(_ti_reference(server, run, ti))


@_route("PATCH", _TI, _TI, "patch_task_instance")
def _patch_task_instance(server: FakeServer, call: Call) -> Answer:
    return _patch_ti(server, call, dry_run=False)


@_route("PATCH", None, _TI + "/dry_run", "patch_task_instance_dry_run")
def _patch_task_instance_dry_run(server: FakeServer, call: Call) -> Answer:
    return _patch_ti(server, call, dry_run=True)


@_route("PATCH", _TI + "/setNote", None, "set_task_instance_note")
def _set_task_instance_note(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    body = _fields(call.body, {"note"}, (), server.dialect)
    if isinstance(body, Answer):
        return body
    ti.note = body.get("note")
    return server.dialect.ok(server.ti_body(run, ti))


@_route("POST", "/dags/{dag_id}/updateTaskInstancesState", None, "post_set_task_instances_state")
def _update_task_instances_state(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    body = _object(call.body) or {}
    state = body.get("new_state")
    if state not in _NEW_STATES:
        return d.bad_request(f"'{state}' is not one of ['success', 'failed', 'skipped']")
    run = server.run_or_404(dag.dag_id, str(body.get("dag_run_id")))
    if isinstance(run, Answer):
        return run
    ti = run.task_instances.get((str(body.get("task_id")), -1))
    if ti is None:
        return _ti_404(server, run.dag_id, run.run_id, str(body.get("task_id")))
    downstream = bool(body.get("include_downstream"))
    if body.get("dry_run", True):
        changed = [ti] + (_below(server, run, ti) if downstream else [])
    else:
        changed = _set_state(server, run, ti, state, downstream=downstream)
    return d.ok({"task_instances": [_ti_reference(server, run, item) for item in changed]})


@_route(
    "POST",
    "/dags/{dag_id}/clearTaskInstances",
    "/dags/{dag_id}/clearTaskInstances",
    "post_clear_task_instances",
)
def _clear_task_instances(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    body = _object(call.body) or {}
    run_id = body.get("dag_run_id")
    runs = [
        run
        for run in server.runs.values()
        if run.dag_id == dag.dag_id and (run_id is None or run.run_id == run_id)
    ]
    task_ids = body.get("task_ids")
    only_failed = body.get("only_failed", True)
    dry_run = body.get("dry_run", True)
    pairs: list[tuple[Run, TaskInstance]] = []
    for run in runs:
        server.advance(run)
        for ti in run.task_instances.values():
            if task_ids and not any(
                t == ti.task_id or (isinstance(t, list) and t == [ti.task_id, ti.map_index])
                for t in task_ids
            ):
                continue
            if only_failed and ti.state not in ("failed", "upstream_failed"):
                continue
            pairs.append((run, ti))
    if not dry_run:
        for _, ti in pairs:
            ti.state = None
            ti.start_date = ti.end_date = None
        for run in {run.run_id: run for run, _ in pairs}.values():
            if body.get("reset_dag_runs", d.v2):
                run.state = "queued"
                run.end_date = None
                run.reads_left = server.reads_per_state
    if d.v2:
        return d.ok(_ti_collection(server, [server.ti_body(run, ti) for run, ti in pairs]))
    return d.ok({"task_instances": [_ti_reference(server, run, ti) for run, ti in pairs]})


@_route("GET", _TI + "/logs/{task_try_number}", _TI + "/logs/{task_try_number}", "get_log")
def _get_log(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    try:
        attempt = int(call.params["task_try_number"])
    except ValueError:
        return d.bad_request("try_number must be an integer", loc=("path", "try_number"))
    token = call.query.get("token")
    if token is not None and token != _LOG_TOKEN:
        if d.v2:
            return d.error(400, "Bad Signature. Please use only the tokens provided by the API.")
        return d.error(400, "Bad Signature. Please use only the tokens provided by the API.")
    if attempt < 1 or attempt not in _tries(ti):
        if d.v2:
            return d.error(404, f"TaskInstance with try_number: `{attempt}` was not found")
        text = f"Error fetching the logs. Try number {attempt} is invalid."
        return d.ok({"content": text, "continuation_token": None})
    lines = [] if token is not None else _log_lines(server, run, ti, attempt)
    accept = call.request.headers.get("accept", "")
    when = d.timestamp(ti.start_date or time.time())
    if d.v2:
        source = _log_file(run, ti, attempt)
        events: list[dict[str, Any]] = [{"event": "::group::Log message source details"}]
        if d.minor >= (3, 3):
            events.append({"event": source})
        else:
            events[0]["sources"] = [source]
        events.append({"event": "::endgroup::"})

        events += [
            {"event": line, "level": "info", "logger": "task", "timestamp": when} for line in lines
        ]
        if "application/x-ndjson" in accept:
            text = "".join(json.dumps(event) + "\n" for event in events)
            return Answer(200, text.encode(), {"content-type": "application/x-ndjson"})
        return d.ok({"content": events, "continuation_token": None})
    if token is not None:
        return d.ok({"content": "", "continuation_token": _LOG_TOKEN})
    text = (
        " INFO - ::group::Log message source details\n"
        f"*** Found local files:\n***   * {_log_file(run, ti, attempt)}\n"
        " INFO - ::endgroup::\n"
        + "".join(f"[{when}] {{taskinstance.py:1}} INFO - {line}\n" for line in lines)
    )
    if "text/plain" in accept:
        return Answer(200, text.encode(), {"content-type": "text/plain"})
    return d.ok({"content": repr([("fake-airflow", text)]), "continuation_token": _LOG_TOKEN})


_LOG_TOKEN = "eyJlbmRfb2ZfbG9nIjp0cnVlfQ.fake"


def _log_file(run: Run, ti: TaskInstance, attempt: int) -> str:
    return (
        f"/opt/airflow/logs/dag_id={run.dag_id}/run_id={run.run_id}/"
        f"task_id={ti.task_id}/attempt={attempt}.log"
    )


def _log_lines(server: FakeServer, run: Run, ti: TaskInstance, attempt: int) -> list[str]:
    dag = server.dags[run.dag_id]
    lines = [f"Running {ti.task_id} of {run.dag_id}, run {run.run_id}, try {attempt}"]
    history = {entry["try_number"]: entry["state"] for entry in ti.history}
    state = history.get(attempt, ti.state)
    if state == "failed":
        lines.append(f"Task failed with exception: {ti.task_id} was made to fail")
    elif state == "success":
        if ti.task_id in dag.results:
            lines.append(f"Done. Returned value was: {_python_repr(dag.results[ti.task_id])}")
        lines.append(f"Marking task as SUCCESS. dag_id={run.dag_id}, task_id={ti.task_id}")
    return lines


def _python_repr(value: Any) -> str:
    # What the task's log prints: Python's repr of the value, keys sorted as the servers do.
    mapping = _object(value)
    if mapping is not None:
        inner = ", ".join(f"{k!r}: {_python_repr(v)}" for k, v in sorted(mapping.items()))
        return "{" + inner + "}"
    return repr(value)


_XCOM = _TI_BASE + "/{task_id}/xcomEntries"


@_route("GET", _XCOM, _XCOM, "get_xcom_entries")
def _get_xcom_entries(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag_id, run_id, task_id = (call.params[k] for k in ("dag_id", "dag_run_id", "task_id"))
    if dag_id != "~" and run_id != "~":
        run = server.run_or_404(dag_id, run_id)
        if isinstance(run, Answer):
            return run
    query = call.query
    key = query.get("xcom_key")
    pattern = query.get("xcom_key_pattern") if d.minor >= (3, 1) else None
    prefix = query.get("xcom_key_prefix_pattern") if d.minor >= (3, 3) else None
    map_index = query.get("map_index")
    entries: list[dict[str, Any]] = []
    for run in server.runs.values():
        if dag_id not in ("~", run.dag_id) or run_id not in ("~", run.run_id):
            continue
        server.advance(run)
        for (task, index, name), (value, when) in sorted(run.xcoms.items()):
            if task_id not in ("~", task):
                continue
            if key is not None and name != key:
                continue
            if pattern and not _like(pattern, name):
                continue
            if prefix and not name.startswith(prefix):
                continue
            if map_index is not None and str(index) != map_index:
                continue
            entries.append(server.xcom_body(run, task, index, name, value, when, with_value=False))
    for order, entry in enumerate(entries):
        entry["_order"] = order
    orders = ("key", "timestamp", "map_index", "task_id", "dag_id", "run_id")
    return _strip_order(server.page(entries, call, "xcom_entries", "_order", orders))


def _xcom_404(server: FakeServer, key: str) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(404, f"XCom entry with key: `{key}` not found")
    return server.dialect.error(404, "XCom entry not found", title="XCom Entry not found")


def _xcom_ti(server: FakeServer, call: Call) -> tuple[Run, str, int] | Answer:
    """The run, task id and map index an XCom request names (the index from the query)."""
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    raw = call.query.get("map_index")
    sent = _object(call.body)
    if sent is not None and "map_index" in sent:
        raw = str(sent["map_index"])
    try:
        map_index = int(raw) if raw is not None else -1
    except ValueError:
        return server.dialect.bad_request(
            "map_index must be an integer", loc=("query", "map_index")
        )
    task_id = call.params["task_id"]
    if not any(task == task_id for task, _ in run.task_instances):
        return _ti_404(server, run.dag_id, run.run_id, task_id, map_index)
    return run, task_id, map_index


@_route("GET", _XCOM + "/{xcom_key}", _XCOM + "/{xcom_key:path}", "get_xcom_entry")
def _get_xcom_entry(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = call.params["xcom_key"]
    entry = run.xcoms.get((task_id, map_index, key))
    if entry is None:
        return _xcom_404(server, key)
    value, when = entry
    query = call.query
    if query.get("deserialize", "false").lower() == "true" and d.minor < (3, 1):
        return d.bad_request("XCom deserialization is disabled in configuration.")
    stringify = query.get("stringify", "true" if d.v2 else "false").lower() == "true"
    shown: Any = value
    if stringify and not isinstance(value, str):
        shown = _python_repr(value)
    return d.ok(server.xcom_body(run, task_id, map_index, key, shown, when, with_value=True))


@_route("POST", None, _XCOM, "create_xcom_entry")
def _create_xcom_entry(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = _fields(call.body, {"key", "value", "map_index"}, ("key",), d)
    if isinstance(body, Answer):
        return body
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = str(body["key"])
    if (task_id, map_index, key) in run.xcoms:
        return d.error(
            409,
            f"The XCom with key: `{key}` with mentioned task instance already exists.",
        )
    value = _written_xcom(d, body.get("value"))
    run.xcoms[(task_id, map_index, key)] = (value, time.time())
    return d.ok(
        server.xcom_body(run, task_id, map_index, key, value, time.time(), with_value=True), 201
    )


@_route("PATCH", None, _XCOM + "/{xcom_key:path}", "update_xcom_entry")
def _update_xcom_entry(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = _fields(call.body, {"value", "map_index"}, (), d)
    if isinstance(body, Answer):
        return body
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = call.params["xcom_key"]
    if (task_id, map_index, key) not in run.xcoms:
        return _xcom_404(server, key)
    value = _written_xcom(d, body.get("value"))
    if d.minor < (3, 1):
        # Airflow 3.0 encodes an updated value a second time.
        value = json.dumps(value)
    run.xcoms[(task_id, map_index, key)] = (value, time.time())
    return d.ok(server.xcom_body(run, task_id, map_index, key, value, time.time(), with_value=True))


@_route("DELETE", None, _XCOM + "/{xcom_key:path}", "delete_xcom_entry")
def _delete_xcom_entry(server: FakeServer, call: Call) -> Answer:
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = call.params["xcom_key"]
    if run.xcoms.pop((task_id, map_index, key), None) is None:
        return _xcom_404(server, key)
    return server.dialect.no_content()


def _written_xcom(d: Dialect, value: Any) -> Any:
    # Airflow 3.0 keeps a value written through the API as its JSON text.
    return json.dumps(value) if d.minor < (3, 1) else value


# ---------------------------------------------------------------------------------------------
# pools


def _pool_404(server: FakeServer, name: str) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(404, f"The Pool with name: `{name}` was not found")
    return server.dialect.error(404, f"Pool with name:'{name}' not found", title="Pool not found")


@_route("GET", "/pools", "/pools", "get_pools")
def _get_pools(server: FakeServer, call: Call) -> Answer:
    pools = list(server.pools.values())
    pattern = call.query.get("pool_name_pattern")
    if pattern and server.dialect.v2:
        pools = [pool for pool in pools if _like(pattern, pool.name)]
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
    return _strip_order(answer)


@_route("GET", "/pools/{pool_name}", "/pools/{pool_name:path}", "get_pool")
def _get_pool(server: FakeServer, call: Call) -> Answer:
    pool = server.pools.get(call.params["pool_name"])
    if pool is None:
        return _pool_404(server, call.params["pool_name"])
    return server.dialect.ok(server.pool_body(pool))


@_route("POST", "/pools", "/pools", "post_pool")
def _post_pool(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    allowed = {"name", "slots", "description", "include_deferred"} | (
        {"team_name"} if d.minor >= (3, 3) else set[str]()
    )
    body = _fields(call.body, allowed, ("name", "slots"), d)
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


@_route("PATCH", "/pools/{pool_name}", "/pools/{pool_name:path}", "patch_pool")
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
        body = _fields(call.body, allowed, (), d)
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
        body = _fields(call.body, set(), (), d)
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


@_route("DELETE", "/pools/{pool_name}", "/pools/{pool_name:path}", "delete_pool")
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


def _stored_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@_route("GET", "/variables", "/variables", "get_variables")
def _get_variables(server: FakeServer, call: Call) -> Answer:
    variables = list(server.variables.values())
    pattern = call.query.get("variable_key_pattern")
    if pattern and server.dialect.v2:
        variables = [v for v in variables if _like(pattern, v.key)]
    prefix = call.query.get("variable_key_prefix_pattern")
    if prefix and server.dialect.minor >= (3, 3):
        variables = [v for v in variables if v.key.startswith(prefix)]
    items = [server.variable_body(v) for v in variables]
    for index, item in enumerate(items):
        item["_order"] = index
    return _strip_order(
        server.page(
            items, call, "variables", "_order", ("key", "id", "description", "is_encrypted")
        )
    )


@_route("GET", "/variables/{variable_key:path}", "/variables/{variable_key:path}", "get_variable")
def _get_variable(server: FakeServer, call: Call) -> Answer:
    variable = server.variables.get(call.params["variable_key"])
    if variable is None:
        return _variable_404(server, call.params["variable_key"])
    return server.dialect.ok(server.variable_body(variable))


@_route("POST", "/variables", "/variables", "post_variables", "post_variable")
def _post_variable(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    allowed = {"key", "value", "description"} | ({"team_name"} if d.minor >= (3, 3) else set[str]())
    body = _fields(call.body, allowed, ("key",), d)
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
    variable = Variable(key, _stored_value(body["value"]), body.get("description"))
    server.variables[key] = variable
    return d.ok(server.variable_body(variable), 201 if d.v2 else 200)


@_route(
    "PATCH", "/variables/{variable_key:path}", "/variables/{variable_key:path}", "patch_variable"
)
def _patch_variable(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    key = call.params["variable_key"]
    variable = server.variables.get(key)
    allowed = {"key", "value", "description"} | ({"team_name"} if d.minor >= (3, 3) else set[str]())
    body = _fields(call.body, allowed, ("key",), d)
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
        variable.value = _stored_value(fields["value"])
    if "description" in fields:
        variable.description = fields["description"]
    return d.ok(server.variable_body(variable))


@_route(
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

_CONNECTION_FIELDS = {
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


@_route("GET", "/connections", "/connections", "get_connections")
def _get_connections(server: FakeServer, call: Call) -> Answer:
    connections = list(server.connections.values())
    pattern = call.query.get("connection_id_pattern")
    if pattern and server.dialect.v2:
        connections = [c for c in connections if _like(pattern, c.connection_id)]
    prefix = call.query.get("connection_id_prefix_pattern")
    if prefix and server.dialect.minor >= (3, 3):
        connections = [c for c in connections if c.connection_id.startswith(prefix)]
    items = [server.connection_body(c, listed=True) for c in connections]
    for index, item in enumerate(items):
        item["_order"] = index
    return _strip_order(
        server.page(
            items,
            call,
            "connections",
            "_order",
            ("connection_id", "conn_type", "description", "host", "port", "id"),
        )
    )


@_route("GET", "/connections/{connection_id}", "/connections/{connection_id}", "get_connection")
def _get_connection(server: FakeServer, call: Call) -> Answer:
    connection = server.connections.get(call.params["connection_id"])
    if connection is None:
        return _connection_404(server, call.params["connection_id"])
    return server.dialect.ok(server.connection_body(connection))


def _connection_fields(
    server: FakeServer, body: Any, *, partial: bool = False
) -> dict[str, Any] | Answer:
    d = server.dialect
    allowed = _CONNECTION_FIELDS | ({"team_name"} if d.minor >= (3, 3) else set[str]())
    # Airflow 2 loads a PATCH body partially; Airflow 3 validates it as a whole connection.
    required = () if partial and not d.v2 else ("connection_id", "conn_type")
    fields = _fields(body, allowed, required, d)
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


@_route("POST", "/connections", "/connections", "post_connection")
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
    connection = Connection(**{k: v for k, v in fields.items() if k in _CONNECTION_FIELDS})
    server.connections[connection_id] = connection
    return d.ok(server.connection_body(connection), 201 if d.v2 else 200)


@_route("PATCH", "/connections/{connection_id}", "/connections/{connection_id}", "patch_connection")
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
    writable = _CONNECTION_FIELDS - {"connection_id"}
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


@_route(
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


@_route("GET", "/importErrors", "/importErrors", "get_import_errors")
def _get_import_errors(server: FakeServer, call: Call) -> Answer:
    items = [server.import_error_body(error) for error in server.import_errors.values()]
    return server.page(
        items, call, "import_errors", "import_error_id", ("filename", "timestamp", "id")
    )


@_route(
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


def _like(pattern: str, value: str) -> bool:
    """SQL ``ILIKE '%pattern%'``: the servers' ``*_pattern`` filters."""
    parts = [re.escape(part).replace("%", ".*").replace("_", ".") for part in pattern.split("\\")]
    return re.search("".join(parts), value, re.IGNORECASE) is not None


_TEST_DISABLED = (
    "Testing connections is disabled in Airflow configuration. "
    "Contact your deployment admin to enable it."
)


@_route("POST", "/connections/test", "/connections/test", "test_connection")
def _test_connection(server: FakeServer, call: Call) -> Answer:
    # [core] test_connection is "Disabled" by default, and the fake keeps the default: it
    # cannot reach the systems a connection names.
    return server.dialect.error(403, _TEST_DISABLED)


@_route("POST", None, "/connections/enqueue-test", "enqueue_connection_test")
def _enqueue_connection_test(server: FakeServer, call: Call) -> Answer:
    return server.dialect.error(403, _TEST_DISABLED)


#: A few of the connections ``airflow connections create-default-connections`` makes.
_DEFAULT_CONNECTIONS = (
    Connection("airflow_db", "mysql", host="mysql", login="root", schema="airflow"),
    Connection("fs_default", "fs", extra='{"path": "/"}'),
    Connection("http_default", "http", host="https://www.httpbin.org/"),
    Connection("postgres_default", "postgres", host="postgres", login="postgres", schema="airflow"),
)


@_route("POST", None, "/connections/defaults", "create_default_connections")
def _create_default_connections(server: FakeServer, call: Call) -> Answer:
    for default in _DEFAULT_CONNECTIONS:
        if default.connection_id not in server.connections:
            server.connections[default.connection_id] = dataclasses.replace(default)
    return server.dialect.no_content()


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
    request = _object(call.body)
    if request is None or not isinstance(request.get("actions"), list):
        return d.bad_request("Field required", loc=("body", "actions"))
    store = kind.store(server)
    result: dict[str, Any] = {"create": None, "update": None, "delete": None}
    for entry in _array(request["actions"]):
        action = _object(entry)
        if action is None or action.get("action") not in result:
            return d.bad_request(
                "Input tag does not match any of the expected tags", loc=("body", "actions")
            )
        name = action["action"]
        entities = _array(action.get("entities"))
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
        bodies = [body for e in entities if (body := _object(e)) is not None]
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
    return Variable(body["key"], _stored_value(body.get("value")), body.get("description"))


def _new_connection(body: dict[str, Any]) -> Connection:
    fields = {k: v for k, v in body.items() if k in _CONNECTION_FIELDS}
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
    frozenset(_CONNECTION_FIELDS | {"team_name"}),
)


@_route("PATCH", None, "/pools", "bulk_pools")
def _bulk_pools(server: FakeServer, call: Call) -> Answer:
    return _bulk(server, call, _POOLS)


@_route("PATCH", None, "/variables", "bulk_variables")
def _bulk_variables(server: FakeServer, call: Call) -> Answer:
    return _bulk(server, call, _VARIABLES)


@_route("PATCH", None, "/connections", "bulk_connections")
def _bulk_connections(server: FakeServer, call: Call) -> Answer:
    return _bulk(server, call, _CONNECTIONS)


# ---------------------------------------------------------------------------------------------
# mapped task instances: the same handlers, with the map index in the path

_MAPPED = _TI + "/{map_index:int}"

_route("GET", _MAPPED, _MAPPED, "get_mapped_task_instance")(_get_task_instance)
_route(
    "GET",
    _MAPPED + "/dependencies",
    _MAPPED + "/dependencies",
    "get_mapped_task_instance_dependencies",
    "get_task_instance_dependencies_by_map_index",
)(_get_dependencies)
_route("GET", _MAPPED + "/tries", _MAPPED + "/tries", "get_mapped_task_instance_tries")(_get_tries)
_route(
    "GET",
    _MAPPED + "/tries/{task_try_number}",
    _MAPPED + "/tries/{task_try_number}",
    "get_mapped_task_instance_try_details",
)(_get_try)
_route("PATCH", _MAPPED, _MAPPED, "patch_mapped_task_instance", "patch_task_instance_by_map_index")(
    _patch_task_instance
)
_route("PATCH", None, _MAPPED + "/dry_run", "patch_task_instance_dry_run_by_map_index")(
    _patch_task_instance_dry_run
)
_route("PATCH", _MAPPED + "/setNote", None, "set_mapped_task_instance_note")(
    _set_task_instance_note
)


@_route("GET", _TI + "/listMapped", _TI + "/listMapped", "get_mapped_task_instances")
def _get_mapped_task_instances(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    task_id = call.params["task_id"]
    pairs = [
        (run, ti)
        for (task, map_index), ti in run.task_instances.items()
        if task == task_id and map_index >= 0
    ]
    if not pairs:
        return _ti_404(server, run.dag_id, run.run_id, task_id)
    filtered = _ti_filters(
        server, pairs, call.query.get, lambda name: server.dialect.list_param(call.query, name)
    )
    if isinstance(filtered, Answer):
        return filtered
    return _ti_page(server, call, filtered)
