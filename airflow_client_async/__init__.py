"""Async, typed client for Apache Airflow's REST API: Airflow 2 (``/api/v1``) and 3 (``/api/v2``).

Start with :class:`AsyncClient`; it finds out which API the server speaks::

    async with AsyncClient("http://localhost:8080", auth=("admin", "admin")) as client:
        async for dag in client.dags.list():
            print(dag.dag_id)

Models live in :mod:`airflow_client_async.models`; :func:`to_jsonable` turns any result
into JSON-ready data.
"""

from ._auth import BasicAuth, BearerAuth, TokenExchangeAuth
from ._bulk import BulkEntityResult, BulkError, BulkResult
from ._client import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    ApiVersionChoice,
    AsyncClient,
    TransportKind,
)
from ._converter import to_jsonable
from ._errors import (
    AirflowError,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    MethodNotAllowedError,
    ModelValidationError,
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from ._pagination import AsyncPaginator, Page
from ._raw import RawResponse
from ._retry import RetryPolicy
from ._routes import ApiVersion, ServerVersion
from ._types import UNSET, JsonValue, Missing, UnsetType
from ._version import __version__
from ._workflows import (
    DagRunResults,
    RunError,
    RunOk,
    RunResult,
    TriggerRequest,
    WaitTimeoutError,
)

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "UNSET",
    "APIConnectionError",
    "ApiVersion",
    "ApiVersionChoice",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AirflowError",
    "AsyncClient",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "BearerAuth",
    "BulkEntityResult",
    "BulkError",
    "BulkResult",
    "ClientClosedError",
    "ConflictError",
    "DagRunResults",
    "InternalServerError",
    "JsonValue",
    "MethodNotAllowedError",
    "Missing",
    "ModelValidationError",
    "NotAcceptableError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "RunError",
    "RunOk",
    "RunResult",
    "ServerVersion",
    "TokenExchangeAuth",
    "TransportKind",
    "TriggerRequest",
    "UnprocessableEntityError",
    "UnsetType",
    "UnsupportedByServerError",
    "WaitTimeoutError",
    "__version__",
    "to_jsonable",
]
