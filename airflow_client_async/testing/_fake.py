"""``FakeAirflow``: an in-memory Airflow server for tests, over an httpx transport or ASGI."""

from __future__ import annotations

import collections
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any

import anyio
import attrs
import httpx

from .. import AsyncClient
from ._dialect import Answer
from ._server import FakeServer
from ._state import Dag, DagImportError

__all__ = ["FakeASGIApp", "FakeAirflow", "FakeTransport", "ReceivedRequest"]

#: The URL a client made by :meth:`FakeAirflow.client` talks to.
FAKE_URL = "https://airflow.fake"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@attrs.frozen
class ReceivedRequest:
    """One request the fake received."""

    method: str
    path: str
    """The raw path, percent-encoded as sent, without the query."""
    params: httpx.QueryParams
    headers: httpx.Headers = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)


@attrs.define
class _Fault:
    kind: str
    left: int
    status: int = 503
    retry_after: float | None = None
    delay: float = 0.0
    body: bytes = b""
    content_type: str = ""


class FakeTransport(httpx.AsyncBaseTransport):
    """An httpx transport that hands every request to a :class:`FakeAirflow`."""

    def __init__(self, fake: FakeAirflow) -> None:
        self._fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` as the fake server does."""
        body = await request.aread()
        answer = await self._fake.answer(request, body)
        return answer.to_response(request)


class FakeASGIApp:
    """A :class:`FakeAirflow` as an ASGI 3 application (HTTP only)."""

    def __init__(self, fake: FakeAirflow) -> None:
        self._fake = fake

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ASGI connection."""
        await self._fake.serve_asgi(scope, receive, send)


class FakeAirflow:
    """An in-memory Airflow server that speaks one release's REST API.

    ``release="3.3.2"`` (or any 3.x) serves ``/api/v2`` behind the token exchange at
    ``POST /auth/token``, answers errors as ``{"detail": ...}`` and reads repeated list
    parameters; only the operations of its minor are served, so the client refuses the
    others with ``UnsupportedByServerError`` as it does against a real server of that
    minor. ``release="2.11.2"`` (any 2.x) serves ``/api/v1`` with basic auth,
    problem+json errors and comma-joined lists. The answers carry the same keys, per
    release, as the real servers' answers recorded by the project's integration suite.

    Runs advance as they are read: a triggered run answers ``queued``, and the next read
    of it (or of its task instances) finds it finished, every task instance with a log,
    unless ``reads_per_state`` asks for more reads in each state. ``dag_runs.wait`` thus
    returns at its first poll, with no real sleep.

    Two users exist: ``admin``/``admin`` (may do anything) and ``viewer``/``viewer``
    (reads only; writes answer 403).

    Example::

        fake = FakeAirflow(release="3.3.2")
        fake.add_dag("etl", tasks=["extract", "load"])
        fake.fail_task("etl", "load")
        async with fake.client() as client:
            run = await client.dag_runs.trigger("etl")
            assert (await client.dag_runs.wait("etl", run.dag_run_id)).state == "failed"

    Args:
        release: The Airflow release to behave as, e.g. ``"2.11.2"``, ``"3.0.6"``,
            ``"3.3.2"``.
        reads_per_state: Extra reads a run stays in each of ``queued`` and ``running``.
        maximum_page_limit: The server's ``[api] maximum_page_limit``: the largest page
            (applied on ``/api/v2`` from Airflow 3.2, as the real servers do).

    Raises:
        ValueError: ``release`` is not an Airflow 2 or 3 release number.
    """

    def __init__(
        self,
        release: str = "3.3.2",
        *,
        reads_per_state: int = 0,
        maximum_page_limit: int = 100,
    ) -> None:
        if reads_per_state < 0:
            raise ValueError("reads_per_state must not be negative")
        if maximum_page_limit < 1:
            raise ValueError("maximum_page_limit must be at least 1")
        self._server = FakeServer(
            release, reads_per_state=reads_per_state, maximum_page_limit=maximum_page_limit
        )
        self._faults: collections.deque[_Fault] = collections.deque()
        self._requests: list[ReceivedRequest] = []
        self.transport = FakeTransport(self)
        """The httpx transport to send through (``httpx.AsyncClient(transport=...)``)."""
        self.asgi = FakeASGIApp(self)
        """The fake as an ASGI application, for code that takes a URL:
        ``uvicorn.run(fake.asgi, port=8080)``."""

    def __repr__(self) -> str:
        return f"FakeAirflow(release={self.release!r}, dags={len(self._server.dags)})"

    @property
    def release(self) -> str:
        """The Airflow release the fake behaves as."""
        return self._server.dialect.release

    @property
    def api_version(self) -> str:
        """``"v1"`` (Airflow 2) or ``"v2"`` (Airflow 3)."""
        return "v2" if self._server.dialect.v2 else "v1"

    @property
    def url(self) -> str:
        """The base URL of the clients :meth:`client` makes."""
        return FAKE_URL

    @property
    def requests(self) -> list[ReceivedRequest]:
        """The requests received so far, oldest first (a copy)."""
        return list(self._requests)

    # -- setting the stage ------------------------------------------------------------------

    def add_dag(
        self,
        dag_id: str,
        tasks: Sequence[str] = ("task",),
        *,
        description: str | None = None,
        tags: Sequence[str] = (),
        owners: Sequence[str] = ("airflow",),
        schedule: str | None = None,
        is_paused: bool = False,
        results: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        xcoms: Mapping[str, Mapping[str, Any]] | None = None,
        operator: str = "PythonOperator",
        downstream: Mapping[str, Sequence[str]] | None = None,
        mapped: Mapping[str, int | Sequence[Mapping[str, Any]]] | None = None,
    ) -> None:
        """Register a DAG whose tasks run one after the other.

        Args:
            dag_id: The DAG id.
            tasks: Its task ids, in the order they run.
            description: Its description.
            tags: Its tags.
            owners: Its owners.
            schedule: A cron expression, or ``None`` for a DAG that only runs when triggered.
            is_paused: Whether it starts paused.
            results: Task id → the value the task returns (its ``return_value`` XCom);
                for a mapped task, a sequence of one value per map index.
            xcoms: Task id → the other XComs it pushes (key → value).
            params: The DAG's params: name → default value.
            operator: The class name its tasks report (``"BashOperator"``...).
            downstream: Task id → the tasks that run after it. By default each task runs
                after the one before it in ``tasks``, which must list upstream tasks
                before their downstream ones either way.
            mapped: Task id → how many mapped instances it expands to (map indexes
                ``0`` to ``n - 1``), or the keyword arguments of each instance (shown as
                its rendered ``op_kwargs``).

        Raises:
            ValueError: The DAG exists, it has no tasks, a task id repeats, or a result
                names an unknown task.
        """
        task_ids = list(tasks)
        if isinstance(tasks, str):
            raise ValueError("tasks takes a sequence of task ids, not one string")
        if not dag_id or not task_ids:
            raise ValueError("a DAG needs an id and at least one task")
        if len(set(task_ids)) != len(task_ids):
            raise ValueError(f"task ids repeat in {task_ids!r}")
        named = set(results or {}) | set(mapped or {}) | set(downstream or {}) | set(xcoms or {})
        named |= {task for after in (downstream or {}).values() for task in after}
        unknown = named - set(task_ids)
        if unknown:
            raise ValueError(f"tasks the DAG lacks are named: {sorted(unknown)}")
        order = {task: index for index, task in enumerate(task_ids)}
        for task, after in (downstream or {}).items():
            if any(order[later] <= order[task] for later in after):
                raise ValueError(f"tasks must list {task!r} before the tasks after it")
        with self._server.lock:
            if dag_id in self._server.dags:
                raise ValueError(f"DAG {dag_id!r} exists already")
            self._server.dags[dag_id] = Dag(
                dag_id,
                task_ids,
                description=description,
                tags=list(tags),
                owners=list(owners),
                schedule=schedule,
                is_paused=is_paused,
                results=dict(results or {}),
                params=dict(params or {}),
                xcoms={task: dict(pushed) for task, pushed in (xcoms or {}).items()},
                operator=operator,
                downstream={task: list(after) for task, after in (downstream or {}).items()},
                mapped={
                    task: [{} for _ in range(n)] if isinstance(n, int) else [dict(k) for k in n]
                    for task, n in (mapped or {}).items()
                },
                fileloc=f"/opt/airflow/dags/{dag_id}.py",
            )

    def fail_task(self, dag_id: str, task_id: str) -> None:
        """Make ``task_id`` fail in the DAG's runs that have not finished yet.

        The tasks after it end ``upstream_failed`` and the run ``failed``.

        Raises:
            KeyError: No such DAG or task.
        """
        with self._server.lock:
            dag = self._server.dags[dag_id]
            if task_id not in dag.tasks:
                raise KeyError(f"DAG {dag_id!r} has no task {task_id!r}")
            dag.failing.add(task_id)

    def add_import_error(self, filename: str, stack_trace: str = "SyntaxError") -> int:
        """Record a DAG file that failed to parse; return its import error id."""
        with self._server.lock:
            new_id = max(self._server.import_errors, default=0) + 1
            self._server.import_errors[new_id] = DagImportError(new_id, filename, stack_trace)
            return new_id

    def add_user(self, username: str, password: str, *, role: str = "Admin") -> None:
        """Add a user; ``role="Viewer"`` may only read."""
        from ._server import User

        if role not in ("Admin", "Viewer"):
            raise ValueError("role must be 'Admin' or 'Viewer'")
        with self._server.lock:
            self._server.users[username] = User(username, password, role)

    # -- faults -----------------------------------------------------------------------------

    def fail_next(
        self, times: int = 1, *, status: int = 503, retry_after: float | None = None
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (and ``Retry-After``, if given).

        Faults apply to requests in the order they arrive, ``GET .../version`` (the
        client's one-time probe of the server) excepted.

        ``fail_next(2, status=429, retry_after=1)`` throttles the next two requests.
        """
        if status < 400:
            raise ValueError("a fault's status must be an error (400 or more)")
        self._add_fault(_Fault("status", times, status=status, retry_after=retry_after))

    def respond_next(
        self,
        status: int,
        body: bytes | str = b"",
        *,
        content_type: str = "text/html; charset=utf-8",
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests with exactly this, whatever they ask.

        For what stands between a client and Airflow: a proxy's HTML error page, or a
        login page answered with 200.
        """
        data = body.encode() if isinstance(body, str) else body
        self._add_fault(_Fault("raw", times, status=status, body=data, content_type=content_type))

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """Wait ``seconds`` (real time) before answering each of the next ``times`` requests."""
        if seconds < 0:
            raise ValueError("the delay must not be negative")
        self._add_fault(_Fault("delay", times, delay=seconds))

    def drop_next(self, times: int = 1) -> None:
        """Drop the connection of the next ``times`` requests, without an answer."""
        self._add_fault(_Fault("drop", times))

    def clear_faults(self) -> None:
        """Forget the faults not used yet."""
        self._faults.clear()

    def _add_fault(self, fault: _Fault) -> None:
        if fault.left < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(fault)

    def _next_fault(self) -> _Fault | None:
        while self._faults and self._faults[0].left < 1:
            self._faults.popleft()
        if not self._faults:
            return None
        fault = self._faults[0]
        fault.left -= 1
        return fault

    # -- serving ----------------------------------------------------------------------------

    async def answer(self, request: httpx.Request, body: bytes) -> Answer:
        """Answer one request, as a server does: record it, apply any fault, handle it."""
        raw_path, _, _ = request.url.raw_path.partition(b"?")
        self._requests.append(
            ReceivedRequest(
                request.method,
                raw_path.decode("ascii"),
                request.url.params,
                request.headers,
                body,
            )
        )
        # The client's one-time version probe is not what a fault is meant for: it goes by.
        probe = raw_path.endswith(b"/version")
        fault = None if probe else self._next_fault()
        if fault is not None:
            if fault.kind == "drop":
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            if fault.kind == "delay":
                await anyio.sleep(fault.delay)
            elif fault.kind == "raw":
                return Answer(fault.status, fault.body, {"content-type": fault.content_type})
            else:
                return self._fault_answer(fault)
        return self._server.handle(request, body)

    def _fault_answer(self, fault: _Fault) -> Answer:
        dialect = self._server.dialect
        detail = "Too Many Requests" if fault.status == 429 else "Service Unavailable"
        answer = dialect.error(fault.status, detail)
        headers = dict(answer.headers)
        if fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
        return Answer(answer.status, answer.body, headers)

    def client(self, **kwargs: Any) -> AsyncClient:
        """Return an ``AsyncClient`` wired to this fake (as ``admin`` unless ``auth`` is given).

        Args:
            **kwargs: Passed to ``AsyncClient`` (``auth``, ``max_retries``, ``timeout``...).
        """
        kwargs.setdefault("auth", ("admin", "admin"))
        if "http_client" not in kwargs:
            timeout = kwargs.get("timeout")
            kwargs["http_client"] = httpx.AsyncClient(
                transport=self.transport,
                timeout=httpx.Timeout(60.0) if timeout is None else timeout,
            )
        return AsyncClient(kwargs.pop("base_url", FAKE_URL), **kwargs)

    async def serve_asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ASGI connection (``fake.asgi`` is the application to hand out)."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        host = next((v for k, v in scope["headers"] if k == b"host"), b"airflow.fake").decode()
        url = f"http://{host}{raw_path.decode('ascii')}" + (f"?{query.decode()}" if query else "")
        request = httpx.Request(
            scope["method"],
            url,
            headers=[(k, v) for k, v in scope["headers"]],
            content=b"".join(chunks),
        )
        try:
            answer = await self.answer(request, b"".join(chunks))
        except httpx.RemoteProtocolError:
            # A dropped connection: end the answer without a status line is not possible in
            # ASGI, so the closest is a server error with no body.
            answer = Answer(500, b"")
        headers = [(k.encode(), v.encode()) for k, v in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    # -- looking inside ---------------------------------------------------------------------

    def run_state(self, dag_id: str, run_id: str) -> str:
        """The state of a run, without advancing it."""
        with self._server.lock:
            return self._server.runs[(dag_id, run_id)].state

    def reset_requests(self) -> None:
        """Forget the requests received so far."""
        self._requests.clear()
