"""The exception tree, and the one place that turns an HTTP error response into it.

Every error the client raises derives from :class:`AirflowError`. A response with an error
status becomes an :class:`APIStatusError` subclass chosen by status code, carrying the
fields of Airflow's RFC 7807 problem body when it has one and the raw text when it does not
(a proxy's HTML 502 still maps by status).

Two errors of the tree live beside the values they carry, so that this module imports no
model and no other part of the package: :class:`~airflow_client_async._bulk.BulkError`
(an :class:`APIError`, in ``_bulk``) and
:class:`~airflow_client_async._workflows.WaitTimeoutError` (in ``_workflows``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ._types import JsonValue

if TYPE_CHECKING:
    import httpx

    from ._routes import ServerVersion

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AirflowError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "InternalServerError",
    "MethodNotAllowedError",
    "ModelValidationError",
    "NotAcceptableError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UnprocessableEntityError",
    "UnsupportedByServerError",
    "request_path",
    "status_error_from_response",
]

# Long bodies are kept whole on the exception; only the message is shortened.
_MESSAGE_BODY_LIMIT = 500


class AirflowError(Exception):
    """Base class of every error raised by airflow_client_async."""


class ClientClosedError(AirflowError, RuntimeError):
    """The client was used after ``aclose()`` (or after its ``async with`` block ended)."""


class APIError(AirflowError):
    """A request to the Airflow API failed.

    Attributes:
        request: The request that failed, when one was built.
        retries: How many times the request was retried before this error.
    """

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.retries = 0


class APIConnectionError(APIError):
    """No usable response arrived: the connection failed, was reset or broke off mid-body."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, write, read or waiting for a pooled connection)."""


class ResponseValidationError(APIError):
    """A response arrived but its body is not what the operation returns.

    Attributes:
        response: The response.
        body: The raw body bytes, kept whole.
        expected: What the client expected, e.g. ``"JSON"`` or a model name.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: bytes,
        expected: str,
    ) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.body = body
        self.expected = expected


class ResponseTooLargeError(ResponseValidationError):
    """A response body is larger than the client's ``max_response_size``.

    The read stops as soon as the decoded body goes over the cap (or at once, when its
    ``Content-Length`` says so), and the connection is closed; nothing of it is kept.

    Attributes:
        limit: The cap it went over, in bytes.
    """

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        super().__init__(
            message, response=response, body=b"", expected=f"a body of at most {limit} bytes"
        )
        self.limit = limit


class ModelValidationError(AirflowError, ValueError):
    """Data given to a model's ``from_dict()`` does not fit the model.

    The message names the class and the path of every bad field, e.g.
    ``DAGRun: dag_run_id: required field missing``.

    Attributes:
        model: The name of the model that was being built.
        errors: One ``"path: problem"`` line per bad field.
    """

    def __init__(self, message: str, *, model: str, errors: list[str]) -> None:
        super().__init__(message)
        self.model = model
        self.errors = errors


class APIStatusError(APIError):
    """The server answered with an error status (4xx or 5xx).

    Attributes:
        status: The HTTP status code.
        title: The problem's ``title`` (Airflow 2 often puts the message here).
        detail: What went wrong, as text: Airflow 2's problem ``detail``, or Airflow 3's
            ``detail`` (a validation error's list is summarised as ``loc: msg`` items) or
            ``error``; ``None`` when the server sent none.
        type: The problem's ``type`` URL, when given.
        instance: The problem's ``instance``, when given.
        body: The parsed JSON body or, for a non-JSON body, its text.
        response: The response.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        type: str | None = None,
        instance: str | None = None,
        body: JsonValue = None,
    ) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.instance = instance
        self.body = body

    @property
    def status_code(self) -> int:
        """Alias of :attr:`status`, as httpx names it."""
        return self.status


class BadRequestError(APIStatusError):
    """400: the request was malformed or failed validation."""


class AuthenticationError(APIStatusError):
    """401: no or wrong credentials."""


class PermissionDeniedError(APIStatusError):
    """403: the user may not do this (also wrong credentials when the public role is on)."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist."""


class MethodNotAllowedError(APIStatusError):
    """405: the route does not allow this method."""


class NotAcceptableError(APIStatusError):
    """406: the server cannot answer in the media type asked for."""


class ConflictError(APIStatusError):
    """409: the resource already exists (Airflow's AlreadyExists)."""


class UnprocessableEntityError(BadRequestError):
    """422: the request failed validation (Airflow 3's answer where Airflow 2 says 400).

    A :class:`BadRequestError`, so that one ``except BadRequestError`` serves both.
    """


class RateLimitError(APIStatusError):
    """429: too many requests."""


class InternalServerError(APIStatusError):
    """5xx: the server (or a proxy in front of it) failed."""


class UnsupportedByServerError(AirflowError):
    """The connected server's API has no such operation or parameter; nothing was sent.

    Attributes:
        method: The public method called, e.g. ``"backfills.create"``.
        server: The server's version, as detected.
        parameter: The parameter the server lacks, or ``None`` when the whole operation is
            missing.
        since: The first Airflow ``(major, minor)`` that has it, when one does.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        server: ServerVersion,
        parameter: str | None = None,
        since: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.server = server
        self.parameter = parameter
        self.since = since


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    406: NotAcceptableError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def request_path(request: httpx.Request) -> str:
    """The request's path as sent (percent-encoded), for messages.

    Never the full URL, whose query or user info could carry secrets.
    """
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", errors="replace")


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _validation_summary(items: list[JsonValue]) -> str:
    """``"body.slots: Input should be a valid integer; …"`` from a 422's ``detail`` list."""
    parts: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            parts.append(str(item))
            continue
        location = item.get("loc")
        where = ".".join(str(step) for step in location) if isinstance(location, list) else None
        message = _str_or_none(item.get("msg")) or _str_or_none(item)
        parts.append(f"{where}: {message}" if where else str(message))
    return "; ".join(parts)


def _detail_text(parsed: dict[str, JsonValue]) -> str | None:
    """The message of an error body: v1's ``detail``, or v2's ``detail`` or ``error``."""
    detail = parsed.get("detail")
    if isinstance(detail, list):
        return _validation_summary(detail)
    if isinstance(detail, dict):
        # A database error on Airflow 3: {"reason": ..., "message": ..., "statement": ...}.
        reason, message = detail.get("reason"), detail.get("message")
        text = " - ".join(str(part) for part in (reason, message) if part)
        return text or _str_or_none(detail)
    if detail is not None:
        return _str_or_none(detail)
    return _str_or_none(parsed.get("error"))


def status_error_from_response(response: httpx.Response, body: bytes) -> APIStatusError:
    """Build the typed error for an error ``response`` whose body has been read as ``body``.

    Airflow 2 answers with RFC 7807 problem bodies (``title``, ``detail``, ``type``,
    ``instance``); Airflow 3 with ``{"detail": <text, object or list>}``, or ``{"error":
    <text>}`` for an unknown route. Both fill the same fields; any other body is kept as
    text and the status alone picks the class.
    """
    status = response.status_code
    if status >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _STATUS_ERRORS.get(status, APIStatusError)

    parsed: JsonValue
    title = detail = type_ = instance = None
    try:
        parsed = json.loads(body) if body else None
    except (ValueError, RecursionError):
        parsed = None
    kept: JsonValue
    if isinstance(parsed, dict):
        title = _str_or_none(parsed.get("title"))
        detail = _detail_text(parsed)
        type_ = _str_or_none(parsed.get("type"))
        instance = _str_or_none(parsed.get("instance"))
        kept = parsed
    else:
        kept = body.decode("utf-8", errors="replace")

    status_line = f"{status} {response.reason_phrase}".strip()
    summary = " - ".join(part for part in (title, detail) if part)
    if not summary and isinstance(kept, str):
        summary = " ".join(kept.split())[:_MESSAGE_BODY_LIMIT]
    request = response.request
    path = request_path(request)
    message = f"{status_line} for {request.method} {path}"
    if summary:
        message = f"{message}: {summary[:_MESSAGE_BODY_LIMIT]}"
    if status == 404 and path.startswith("/api/v2/") and not isinstance(parsed, dict):
        # Airflow 2 answers any /api/v2 route with its web UI's HTML 404 page.
        message += " (the server does not serve /api/v2: is it Airflow 2? It serves /api/v1)"
    return cls(
        message,
        response=response,
        status=status,
        title=title,
        detail=detail,
        type=type_,
        instance=instance,
        body=kept,
    )
