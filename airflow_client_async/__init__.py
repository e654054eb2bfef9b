"""Async, typed client for Apache Airflow's stable REST API (``/api/v1``, Airflow 2.x).

Start with :class:`AsyncClient`::

    async with AsyncClient("http://localhost:8080", auth=("admin", "admin")) as client:
        async for dag in client.dags.list():
            print(dag.dag_id)

Models live in :mod:`airflow_client_async.models`.
"""

from ._auth import BasicAuth, BearerAuth
from ._client import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    AsyncClient,
    TransportKind,
)
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
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnprocessableEntityError,
    WaitTimeoutError,
)
from ._pagination import AsyncPaginator, Page
from ._retry import RetryPolicy
from ._types import UNSET, Missing, UnsetType
from ._version import __version__
from ._workflows import RunResult, TriggerRequest

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_TIMEOUT",
    "UNSET",
    "APIConnectionError",
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
    "ClientClosedError",
    "ConflictError",
    "InternalServerError",
    "MethodNotAllowedError",
    "Missing",
    "NotAcceptableError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "RunResult",
    "TransportKind",
    "TriggerRequest",
    "UnprocessableEntityError",
    "UnsetType",
    "WaitTimeoutError",
    "__version__",
]
