"""``AsyncClient``: one session with Airflow's REST API, a namespace per resource.

The same client speaks Airflow 2's ``/api/v1`` and Airflow 3's ``/api/v2``: it asks the
server which one it serves on first use, and every namespace method takes the route of
that API.
"""

from __future__ import annotations

import importlib
import inspect
import platform
import warnings
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Literal, ParamSpec, TypeVar, cast, overload

import attrs
import httpx

from ._auth import AuthTypes, BasicAuth, coerce_auth
from ._bounded import DEFAULT_MAX_RESPONSE_SIZE
from ._errors import ClientClosedError
from ._headers import check_headers
from ._http import HTTPPipeline, PoolState, capture_responses, decode_json, decode_model
from ._operation import Operations
from ._operation._render import build_path, query_params
from ._raw import RawResponse
from ._retry import RetryPolicy
from ._routes import API_PREFIXES, ApiVersion, ServerState, ServerVersion
from ._transports import (
    DEFAULT_LIMITS,
    CertTypes,
    TransportKind,
    TransportSettings,
    VerifyTypes,
    make_transport,
)
from ._types import UNSET, JsonValue, Missing, UnsetType
from ._version import __version__

if TYPE_CHECKING:
    from .resources._base import Resource
    from .resources.asset_state_store import AssetStateStoreResource
    from .resources.assets import AssetsResource
    from .resources.backfills import BackfillsResource
    from .resources.config import ConfigResource
    from .resources.connections import ConnectionsResource
    from .resources.dag_parsing import DagParsingResource
    from .resources.dag_runs import DagRunsResource
    from .resources.dag_sources import DagSourcesResource
    from .resources.dag_stats import DagStatsResource
    from .resources.dag_versions import DagVersionsResource
    from .resources.dag_warnings import DagWarningsResource
    from .resources.dags import DagsResource
    from .resources.event_logs import EventLogsResource
    from .resources.hitl_details import HITLDetailsResource
    from .resources.import_errors import ImportErrorsResource
    from .resources.jobs import JobsResource
    from .resources.monitoring import MonitoringResource
    from .resources.permissions import PermissionsResource
    from .resources.plugins import PluginsResource
    from .resources.pools import PoolsResource
    from .resources.providers import ProvidersResource
    from .resources.roles import RolesResource
    from .resources.task_instances import TaskInstancesResource
    from .resources.task_state_store import TaskStateStoreResource
    from .resources.tasks import TasksResource
    from .resources.users import UsersResource
    from .resources.variables import VariablesResource
    from .resources.xcom_entries import XComEntriesResource

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "ApiVersionChoice",
    "AsyncClient",
    "TransportKind",
]

P = ParamSpec("P")
T = TypeVar("T")
R_co = TypeVar("R_co", bound="Resource", covariant=True)

#: Used when neither ``timeout`` nor ``http_client`` is given.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

#: Which API to speak: ``"auto"`` asks the server, ``"v1"`` is Airflow 2, ``"v2"`` Airflow 3.
ApiVersionChoice = Literal["auto", "v1", "v2"]


def _user_agent() -> str:
    return (
        f"airflow-client-async/{__version__} httpx/{httpx.__version__} "
        f"python/{platform.python_version()}"
    )


def _normalise_base_url(
    base_url: str | httpx.URL,
) -> tuple[str, ApiVersion | None, tuple[str, str] | None]:
    """Split a base URL into the server's root, the API it names (if any) and credentials."""
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
    named: ApiVersion | None = None
    for version, prefix in API_PREFIXES.items():
        if path.endswith(prefix):
            named = version
            path = path[: -len(prefix)]
    return str(url.copy_with(raw_path=path.encode("ascii"))).rstrip("/"), named, credentials


def _fixed_api_version(choice: str, named: ApiVersion | None) -> ApiVersion | None:
    if choice not in ("auto", "v1", "v2"):
        raise ValueError(f"api_version must be 'auto', 'v1' or 'v2', got {choice!r}")
    fixed: ApiVersion | None = None if choice == "auto" else choice  # type: ignore[assignment]
    if named is not None and fixed is not None and named != fixed:
        raise ValueError(f"base_url ends in /api/{named} but api_version is {choice!r}")
    return fixed or named


def _resolve_timeout(
    timeout: float | httpx.Timeout | UnsetType | None, default: httpx.Timeout | None
) -> httpx.Timeout | None:
    if timeout is UNSET:
        return default
    if timeout is None:
        return httpx.Timeout(None)
    return httpx.Timeout(timeout)


def _check_size(size: int | None) -> int | None:
    # Checked at run time: a float or a string must not pass for a size.
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError("max_response_size must be a positive number of bytes or None")
    return size


class _Namespace(cached_property[R_co]):
    # A namespace of AsyncClient, e.g. ``dags: _Namespace[DagsResource]``: on first use it
    # imports ``resources.<module>`` and builds the resource class on the client's
    # pipeline, then stays in the client's __dict__ (a cached_property). Its docstring is
    # the resource class's, so that each namespace is described in one place; reading it
    # imports the module too.

    def __init__(self, module: str, class_name: str) -> None:
        self._module = module
        self._class_name = class_name
        super().__init__(self._build)

    def __repr__(self) -> str:
        return f"<namespace {self._class_name}>"

    def resource_class(self) -> type[R_co]:
        """The namespace's class (its module is imported on the first call)."""
        module = importlib.import_module(f"{__package__}.resources.{self._module}")
        return cast("type[R_co]", getattr(module, self._class_name))

    def _build(self, client: AsyncClient) -> R_co:
        # The client's own pipeline: this descriptor is part of the client.
        return self.resource_class()(client._http, client)  # pyright: ignore[reportPrivateUsage]

    @property
    def __doc__(self) -> str | None:
        return inspect.getdoc(self.resource_class())

    @__doc__.setter
    def __doc__(self, _: str | None) -> None:  # pyright: ignore[reportIncompatibleVariableOverride]
        # cached_property copies the docstring of the function it wraps; that is _build's,
        # which describes no namespace.
        pass


class AsyncClient:
    """An async session with Airflow's REST API: ``/api/v1`` (Airflow 2) or ``/api/v2`` (3).

    Use it as an async context manager (or call :meth:`aclose`)::

        async with AsyncClient("http://localhost:8080", auth=("admin", "admin")) as client:
            dag = await client.dags.get("example_bash_operator")

    Each resource is a namespace: ``client.dags``, ``client.dag_runs``, ``client.pools``.
    One pooled ``httpx.AsyncClient`` serves them all; on asyncio it sends through aiohttp
    (see ``transport``). The first call asks the server which API it serves (see
    ``api_version``); every method then takes that API's route, so code written against
    the namespaces runs unchanged on Airflow 2.x and 3.x.

    Args:
        base_url: The server's URL, e.g. ``http://localhost:8080``. A path ending in
            ``/api/v1`` or ``/api/v2`` fixes the API version. Credentials in the URL become
            basic auth (and are then removed from the URL).
        auth: ``(username, password)``, :class:`BasicAuth`, :class:`BearerAuth` or any
            ``httpx.Auth``. On Airflow 3, basic credentials are exchanged for a token at
            the server's ``POST /auth/token``, cached, and renewed when it expires.
        api_version: ``"auto"`` (the default) asks the server once: ``GET /api/v2/version``,
            then ``GET /api/v1/version``. ``"v1"`` or ``"v2"`` fixes it.
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

    Raises:
        ValueError: ``base_url`` is not an http(s) URL, or names an API other than
            ``api_version``.
    """

    def __init__(
        self,
        base_url: str | httpx.URL,
        *,
        auth: AuthTypes = None,
        api_version: ApiVersionChoice = "auto",
        timeout: float | httpx.Timeout | UnsetType | None = UNSET,
        max_retries: Missing[int] = UNSET,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: TransportKind = "auto",
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        url, named, url_credentials = _normalise_base_url(base_url)
        fixed = _fixed_api_version(api_version, named)
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
        if max_retries is not UNSET:
            policy = attrs.evolve(policy, max_retries=max_retries)
        resolved_timeout = _resolve_timeout(
            timeout, None if http_client is not None else DEFAULT_TIMEOUT
        )

        request_headers = {"User-Agent": _user_agent()}
        if headers:
            request_headers.update(headers)
        check_headers(request_headers)

        server = ServerState(fixed_api_version=fixed)
        if http_client is None:
            owned = httpx.AsyncClient(
                transport=make_transport(
                    transport, TransportSettings(verify=verify, cert=cert, limits=limits)
                ),
                follow_redirects=False,
                trust_env=False,
            )
            pool = PoolState(http_client=owned, owns_http_client=True, server=server)
        else:
            pool = PoolState(http_client=http_client, owns_http_client=False, server=server)

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
        """The server's root every API path is appended to, e.g. ``http://host:8080``."""
        return self._http.base_url

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`aclose` was called."""
        return self._http.pool.closed

    async def server_version(self) -> ServerVersion:
        """Return which Airflow the client talks to: its release and API version.

        Asked of the server once per client (``GET /api/v2/version``, then
        ``GET /api/v1/version``), then remembered; the first call of any method asks too.

        Raises:
            APIStatusError: Neither API answered.
            APIConnectionError: The server could not be reached.
        """
        return await Operations(self._http).server_version()

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | UnsetType | None = UNSET,
        max_retries: Missing[int] = UNSET,
        retry_policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        max_response_size: Missing[int | None] = UNSET,
    ) -> AsyncClient:
        """Return a client that shares this one's connection pool with other settings.

        The copy shares the pool, the detected server version and the token; closing
        either closes the pool of both. It is cheap: use it per call, e.g.
        ``await client.with_options(timeout=5).dags.get("etl")``.

        Args:
            timeout: A new timeout (``None``: no timeout).
            max_retries: A new retry count.
            retry_policy: A new retry policy.
            headers: Headers to add to (or replace in) this client's.
            max_response_size: A new cap on response bodies (``None``: no cap).
        """
        http = self._http
        policy = retry_policy or http.retry_policy
        if max_retries is not UNSET:
            policy = attrs.evolve(policy, max_retries=max_retries)
        new_headers = dict(http.headers)
        if headers:
            new_headers.update(headers)
            check_headers(new_headers)
        return AsyncClient._from_pipeline(
            attrs.evolve(
                http,
                retry_policy=policy,
                timeout=_resolve_timeout(timeout, http.timeout),
                headers=new_headers,
                max_response_size=(
                    http.max_response_size
                    if max_response_size is UNSET
                    else _check_size(max_response_size)
                ),
            )
        )

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        params: Mapping[str, object] | None = ...,
        json: JsonValue | UnsetType = ...,
        cast_to: None = ...,
        api_root: bool = ...,
    ) -> JsonValue: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = ...,
        params: Mapping[str, object] | None = ...,
        json: JsonValue | UnsetType = ...,
        cast_to: type[T],
        api_root: bool = ...,
    ) -> T: ...

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        params: Mapping[str, object] | None = None,
        json: JsonValue | UnsetType = UNSET,
        cast_to: type[T] | None = None,
        api_root: bool = True,
    ) -> T | JsonValue:
        """Send a request to a route the namespaces do not wrap (a plugin's own API, say).

        It takes the same path encoding, retries, errors and authentication as every
        namespace method::

            status = await client.request(
                "GET", "/my_plugin/jobs/{job_id}", path_params={"job_id": job}, api_root=False
            )

        Args:
            method: The HTTP method.
            path: The path, starting with ``/``; ``{name}`` placeholders are filled from
                ``path_params``, each percent-encoded as one segment.
            path_params: Values of the placeholders.
            params: Query parameters; ``None`` values are left out, lists are sent as a
                repeated key.
            json: A JSON body (``UNSET``: no body).
            cast_to: A model class to decode the JSON answer into; ``None`` returns the
                decoded JSON (``None`` for an empty answer).
            api_root: ``True``: ``path`` is below the API root of the server's version
                (``/api/v1`` or ``/api/v2``); ``False``: below the server's root.

        Raises:
            APIStatusError: The server answered with an error status.
            ResponseValidationError: The answer is not JSON, or does not fit ``cast_to``.
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/', got {path!r}")
        response = await Operations(self._http).send_path(
            method.upper(),
            build_path(path, **(path_params or {})),
            params=query_params(params or {}),
            json_body=json,
            api_root=api_root,
        )
        if cast_to is not None:
            return decode_model(response, cast_to)
        if not response.content.strip():
            return None
        return decode_json(response)

    async def with_raw_response(
        self, call: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """Call a namespace method and return its result with the HTTP response behind it.

        ::

            raw = await client.with_raw_response(client.dags.get, "etl_daily")
            raw.status_code, raw.headers["content-type"], raw.parsed.is_paused

        A list method gives its first page (``RawResponse[Page[...]]``). A call that
        makes several requests keeps them all in ``responses``, the last one in
        ``http_response``.

        Args:
            call: A namespace method of this client, e.g. ``client.pools.get``.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Raises:
            ValueError: The call received no response (it made no request).
        """
        with capture_responses() as captured:
            parsed = await call(*args, **kwargs)
        return RawResponse[T].of(parsed, captured, call)

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

    # Each namespace is built from resources.<module> on first use; its docstring is the
    # resource class's own.
    dags: _Namespace[DagsResource] = _Namespace("dags", "DagsResource")
    tasks: _Namespace[TasksResource] = _Namespace("tasks", "TasksResource")
    dag_runs: _Namespace[DagRunsResource] = _Namespace("dag_runs", "DagRunsResource")
    dag_versions: _Namespace[DagVersionsResource] = _Namespace(
        "dag_versions", "DagVersionsResource"
    )
    backfills: _Namespace[BackfillsResource] = _Namespace("backfills", "BackfillsResource")
    task_instances: _Namespace[TaskInstancesResource] = _Namespace(
        "task_instances", "TaskInstancesResource"
    )
    hitl_details: _Namespace[HITLDetailsResource] = _Namespace(
        "hitl_details", "HITLDetailsResource"
    )
    task_state_store: _Namespace[TaskStateStoreResource] = _Namespace(
        "task_state_store", "TaskStateStoreResource"
    )
    xcom_entries: _Namespace[XComEntriesResource] = _Namespace(
        "xcom_entries", "XComEntriesResource"
    )
    pools: _Namespace[PoolsResource] = _Namespace("pools", "PoolsResource")
    variables: _Namespace[VariablesResource] = _Namespace("variables", "VariablesResource")
    connections: _Namespace[ConnectionsResource] = _Namespace("connections", "ConnectionsResource")
    assets: _Namespace[AssetsResource] = _Namespace("assets", "AssetsResource")
    asset_state_store: _Namespace[AssetStateStoreResource] = _Namespace(
        "asset_state_store", "AssetStateStoreResource"
    )
    dag_warnings: _Namespace[DagWarningsResource] = _Namespace(
        "dag_warnings", "DagWarningsResource"
    )
    dag_stats: _Namespace[DagStatsResource] = _Namespace("dag_stats", "DagStatsResource")
    dag_sources: _Namespace[DagSourcesResource] = _Namespace("dag_sources", "DagSourcesResource")
    dag_parsing: _Namespace[DagParsingResource] = _Namespace("dag_parsing", "DagParsingResource")
    event_logs: _Namespace[EventLogsResource] = _Namespace("event_logs", "EventLogsResource")
    import_errors: _Namespace[ImportErrorsResource] = _Namespace(
        "import_errors", "ImportErrorsResource"
    )
    jobs: _Namespace[JobsResource] = _Namespace("jobs", "JobsResource")
    config: _Namespace[ConfigResource] = _Namespace("config", "ConfigResource")
    plugins: _Namespace[PluginsResource] = _Namespace("plugins", "PluginsResource")
    providers: _Namespace[ProvidersResource] = _Namespace("providers", "ProvidersResource")
    roles: _Namespace[RolesResource] = _Namespace("roles", "RolesResource")
    permissions: _Namespace[PermissionsResource] = _Namespace("permissions", "PermissionsResource")
    users: _Namespace[UsersResource] = _Namespace("users", "UsersResource")
    monitoring: _Namespace[MonitoringResource] = _Namespace("monitoring", "MonitoringResource")
