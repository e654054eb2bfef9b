"""``AsyncClient``: one session with Airflow's stable REST API, a namespace per resource."""

from __future__ import annotations

import platform
import warnings
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

import attrs
import httpx

from ._auth import AuthTypes, BasicAuth, coerce_auth
from ._bounded import DEFAULT_MAX_RESPONSE_SIZE
from ._config import DEFAULT_LIMITS, CertTypes, TransportKind, VerifyTypes
from ._errors import ClientClosedError
from ._headers import check_headers
from ._http import HTTPPipeline, PoolState
from ._retry import RetryPolicy
from ._transport import make_transport
from ._version import __version__

if TYPE_CHECKING:
    from .resources.config import ConfigResource
    from .resources.connections import ConnectionsResource
    from .resources.dag_parsing import DagParsingResource
    from .resources.dag_runs import DagRunsResource
    from .resources.dag_sources import DagSourcesResource
    from .resources.dag_stats import DagStatsResource
    from .resources.dag_warnings import DagWarningsResource
    from .resources.dags import DagsResource
    from .resources.datasets import DatasetsResource
    from .resources.event_logs import EventLogsResource
    from .resources.import_errors import ImportErrorsResource
    from .resources.monitoring import MonitoringResource
    from .resources.permissions import PermissionsResource
    from .resources.plugins import PluginsResource
    from .resources.pools import PoolsResource
    from .resources.providers import ProvidersResource
    from .resources.roles import RolesResource
    from .resources.task_instances import TaskInstancesResource
    from .resources.users import UsersResource
    from .resources.variables import VariablesResource
    from .resources.xcom_entries import XComEntriesResource

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "AsyncClient",
    "TransportKind",
]

#: Used when neither ``timeout`` nor ``http_client`` is given.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

_API_PATH = "/api/v1"


class _Default:
    """Marks an argument left at its default, where ``None`` means something else."""

    def __repr__(self) -> str:
        return "DEFAULT"


_DEFAULT = _Default()


def _user_agent() -> str:
    return (
        f"airflow-client-async/{__version__} httpx/{httpx.__version__} "
        f"python/{platform.python_version()}"
    )


def _normalise_base_url(base_url: str | httpx.URL) -> tuple[str, tuple[str, str] | None]:
    url = httpx.URL(base_url)
    if url.scheme not in {"http", "https"} or not url.host:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {url.scheme!r} URL")
    if url.query or url.fragment:
        raise ValueError("base_url must not have a query or fragment")
    credentials = None
    if url.username or url.password:
        credentials = (url.username, url.password)
        url = url.copy_with(username=None, password=None)
    path = url.raw_path.decode("ascii").rstrip("/")
    if not path.endswith(_API_PATH):
        path += _API_PATH
    return str(url.copy_with(raw_path=path.encode("ascii"))), credentials


def _check_size(size: int | None) -> int | None:
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError("max_response_size must be a positive number of bytes or None")
    return size


class AsyncClient:
    """An async session with Airflow's stable REST API (``/api/v1``, Airflow 2.x).

    Use it as an async context manager (or call :meth:`aclose`)::

        async with AsyncClient("http://localhost:8080", auth=("admin", "admin")) as client:
            dag = await client.dags.get("example_bash_operator")

    Each resource is a namespace: ``client.dags``, ``client.dag_runs``, ``client.pools``.
    One pooled ``httpx.AsyncClient`` serves them all; on asyncio it sends through aiohttp
    (see ``transport``).

    Args:
        base_url: The webserver's URL; ``/api/v1`` is appended unless the path ends with it.
            Credentials in the URL become basic auth (and are then removed from the URL).
        auth: ``(username, password)``, :class:`BasicAuth`, :class:`BearerAuth` or any
            ``httpx.Auth``.
        timeout: Seconds, an ``httpx.Timeout``, or ``None`` for no timeout. Default: 60 s,
            10 s to connect (or the injected ``http_client``'s own). It bounds each phase
            (waiting for a pooled connection, connecting, each write, each read) and each
            attempt as a whole: seconds bound an attempt to that many seconds in all, an
            ``httpx.Timeout`` to the longest of its phases. Each retry is a new attempt.
        max_retries: Retries for failures worth retrying (see ``retry_policy``); ``0``
            turns retrying off.
        retry_policy: The full retry policy; its ``max_retries`` is replaced by
            ``max_retries`` when that is given.
        headers: Extra headers sent with every request.
        http_client: An ``httpx.AsyncClient`` to send through. The caller keeps owning it:
            :meth:`aclose` leaves it open. ``transport``, ``verify`` and ``limits`` then do
            not apply.
        transport: For the client's own pool: ``"auto"`` (aiohttp on asyncio, httpx's own
            transport elsewhere), ``"aiohttp"`` or ``"httpx"``.
        verify: TLS verification: ``True`` (certifi's CA bundle), ``False``, a CA bundle
            path or an ``ssl.SSLContext``.
        cert: A client certificate: ``certfile``, ``(certfile, keyfile)`` or
            ``(certfile, keyfile, password)``.
        limits: Connection pool limits of the client's own pool.
        max_response_size: The largest response body read, in bytes after decoding
            (default 64 MiB); a larger one raises :class:`ResponseTooLargeError` as soon
            as it goes over. ``None`` reads bodies of any size.
    """

    def __init__(
        self,
        base_url: str | httpx.URL,
        *,
        auth: AuthTypes = None,
        timeout: float | httpx.Timeout | _Default | None = _DEFAULT,
        max_retries: int | _Default = _DEFAULT,
        retry_policy: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: TransportKind = "auto",
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        url, url_credentials = _normalise_base_url(base_url)
        resolved_auth = coerce_auth(auth)
        if resolved_auth is None and url_credentials is not None:
            resolved_auth = BasicAuth(*url_credentials)
        if url.startswith("http://") and (resolved_auth is not None):
            host = httpx.URL(url).host
            if host not in {"localhost", "127.0.0.1", "::1"}:
                warnings.warn(
                    f"credentials will be sent unencrypted to http://{host}; use https",
                    stacklevel=2,
                )

        policy = retry_policy or RetryPolicy()
        if not isinstance(max_retries, _Default):
            policy = attrs.evolve(policy, max_retries=max_retries)

        if isinstance(timeout, _Default):
            resolved_timeout: httpx.Timeout | None = (
                None if http_client is not None else DEFAULT_TIMEOUT
            )
        elif timeout is None:
            resolved_timeout = httpx.Timeout(None)
        else:
            resolved_timeout = httpx.Timeout(timeout)

        request_headers = {"User-Agent": _user_agent()}
        if headers:
            request_headers.update(headers)
        check_headers(request_headers)

        if http_client is None:
            owned = httpx.AsyncClient(
                transport=make_transport(transport, verify=verify, cert=cert, limits=limits),
                follow_redirects=False,
                trust_env=False,
            )
            pool = PoolState(http_client=owned, owns_http_client=True)
        else:
            pool = PoolState(http_client=http_client, owns_http_client=False)

        self._http = HTTPPipeline(
            pool=pool,
            base_url=url,
            auth=resolved_auth,
            headers=request_headers,
            timeout=resolved_timeout,
            retry_policy=policy,
            max_response_size=_check_size(max_response_size),
        )

    @classmethod
    def _from_pipeline(cls, http: HTTPPipeline) -> AsyncClient:
        client = cls.__new__(cls)
        client._http = http
        return client

    @property
    def base_url(self) -> str:
        """The API root every path is appended to, e.g. ``http://host:8080/api/v1``."""
        return self._http.base_url

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`aclose` was called."""
        return self._http.pool.closed

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | _Default | None = _DEFAULT,
        max_retries: int | _Default = _DEFAULT,
        retry_policy: RetryPolicy | None = None,
        headers: dict[str, str] | None = None,
        max_response_size: int | _Default | None = _DEFAULT,
    ) -> AsyncClient:
        """Return a client that shares this one's connection pool with other settings.

        Closing either closes the pool of both.

        Args:
            timeout: A new timeout (``None``: no timeout).
            max_retries: A new retry count.
            retry_policy: A new retry policy.
            headers: Headers to add to (or replace in) this client's.
            max_response_size: A new cap on response bodies (``None``: no cap).
        """
        http = self._http
        policy = retry_policy or http.retry_policy
        if not isinstance(max_retries, _Default):
            policy = attrs.evolve(policy, max_retries=max_retries)
        new_timeout = http.timeout
        if not isinstance(timeout, _Default):
            new_timeout = httpx.Timeout(timeout)
        new_headers = dict(http.headers)
        if headers:
            new_headers.update(headers)
            check_headers(new_headers)
        new_size = http.max_response_size
        if not isinstance(max_response_size, _Default):
            new_size = _check_size(max_response_size)
        return AsyncClient._from_pipeline(
            attrs.evolve(
                http,
                retry_policy=policy,
                timeout=new_timeout,
                headers=new_headers,
                max_response_size=new_size,
            )
        )

    async def aclose(self) -> None:
        """Close the client's own connection pool (an injected ``http_client`` stays open)."""
        pool = self._http.pool
        if pool.closed:
            return
        pool.closed = True
        if pool.owns_http_client:
            await pool.http_client.aclose()

    async def __aenter__(self) -> AsyncClient:
        if self.is_closed:
            raise ClientClosedError("this AsyncClient is closed; create a new one")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        auth = type(self._http.auth).__name__ if self._http.auth is not None else None
        return f"<AsyncClient base_url={self.base_url!r} auth={auth}>"

    @cached_property
    def dags(self) -> DagsResource:
        """DAGs: list, get, details, pause, update, delete, tasks, clear, set task state."""
        from .resources.dags import DagsResource

        return DagsResource(self._http)

    @cached_property
    def dag_runs(self) -> DagRunsResource:
        """DAG runs: list, batch list, get, trigger, update state, clear, delete, note."""
        from .resources.dag_runs import DagRunsResource

        return DagRunsResource(self._http)

    @cached_property
    def pools(self) -> PoolsResource:
        """Pools: list, get, create, update, delete."""
        from .resources.pools import PoolsResource

        return PoolsResource(self._http)

    @cached_property
    def task_instances(self) -> TaskInstancesResource:
        """Task instances, mapped ones too: list, get, set state, note, logs, links, tries."""
        from .resources.task_instances import TaskInstancesResource

        return TaskInstancesResource(self._http)

    @cached_property
    def xcom_entries(self) -> XComEntriesResource:
        """XCom entries of a task instance: list, get."""
        from .resources.xcom_entries import XComEntriesResource

        return XComEntriesResource(self._http)

    @cached_property
    def variables(self) -> VariablesResource:
        """Variables: list, get, create, update, delete."""
        from .resources.variables import VariablesResource

        return VariablesResource(self._http)

    @cached_property
    def connections(self) -> ConnectionsResource:
        """Connections: list, get, create, update, delete, test."""
        from .resources.connections import ConnectionsResource

        return ConnectionsResource(self._http)

    @cached_property
    def datasets(self) -> DatasetsResource:
        """Datasets, dataset events and queued events."""
        from .resources.datasets import DatasetsResource

        return DatasetsResource(self._http)

    @cached_property
    def dag_warnings(self) -> DagWarningsResource:
        """DAG warnings: list."""
        from .resources.dag_warnings import DagWarningsResource

        return DagWarningsResource(self._http)

    @cached_property
    def dag_stats(self) -> DagStatsResource:
        """Run counts per state for DAGs: list."""
        from .resources.dag_stats import DagStatsResource

        return DagStatsResource(self._http)

    @cached_property
    def dag_sources(self) -> DagSourcesResource:
        """DAG source code by file token: get."""
        from .resources.dag_sources import DagSourcesResource

        return DagSourcesResource(self._http)

    @cached_property
    def dag_parsing(self) -> DagParsingResource:
        """Ask the scheduler to reparse a DAG file."""
        from .resources.dag_parsing import DagParsingResource

        return DagParsingResource(self._http)

    @cached_property
    def event_logs(self) -> EventLogsResource:
        """Audit event log: list, get."""
        from .resources.event_logs import EventLogsResource

        return EventLogsResource(self._http)

    @cached_property
    def import_errors(self) -> ImportErrorsResource:
        """DAG import errors: list, get."""
        from .resources.import_errors import ImportErrorsResource

        return ImportErrorsResource(self._http)

    @cached_property
    def config(self) -> ConfigResource:
        """The server's configuration (needs expose_config): get, get one option."""
        from .resources.config import ConfigResource

        return ConfigResource(self._http)

    @cached_property
    def plugins(self) -> PluginsResource:
        """Installed plugins: list."""
        from .resources.plugins import PluginsResource

        return PluginsResource(self._http)

    @cached_property
    def providers(self) -> ProvidersResource:
        """Installed provider packages: list."""
        from .resources.providers import ProvidersResource

        return ProvidersResource(self._http)

    @cached_property
    def roles(self) -> RolesResource:
        """Roles (deprecated upstream): list, get, create, update, delete."""
        from .resources.roles import RolesResource

        return RolesResource(self._http)

    @cached_property
    def permissions(self) -> PermissionsResource:
        """Permissions (deprecated upstream): list."""
        from .resources.permissions import PermissionsResource

        return PermissionsResource(self._http)

    @cached_property
    def users(self) -> UsersResource:
        """Users (deprecated upstream): list, get, create, update, delete."""
        from .resources.users import UsersResource

        return UsersResource(self._http)

    @cached_property
    def monitoring(self) -> MonitoringResource:
        """Health and version of the server."""
        from .resources.monitoring import MonitoringResource

        return MonitoringResource(self._http)
