"""What differs between the releases the fake speaks: API prefix, errors, lists, operations.

Airflow 2 (``/api/v1``, connexion) answers errors as ``application/problem+json`` and reads
list parameters comma-joined; Airflow 3 (``/api/v2``, FastAPI) answers ``{"detail": ...}``
and reads them repeated. Which ``/api/v2`` operations a 3.x server has depends on its minor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import httpx

# The one place the fake learns which 3.x minor added each operation.
from .._operation._tables import V2_OPERATION_SINCE

__all__ = ["SUPPORTED_RELEASES", "Answer", "Dialect"]

#: The releases the fake speaks; their answers are checked against recorded real ones.
SUPPORTED_RELEASES = ("2.11.2", "3.0.6", "3.3.2")

#: operationIds that Airflow 3.1 gave to routes 3.0 served as the map-index variant of
#: another operation.
_RENAMED_IN_3_1 = {
    "get_task_instance_dependencies_by_map_index": "get_task_instance_dependencies",
    "patch_task_instance_by_map_index": "patch_task_instance",
    "patch_task_instance_dry_run_by_map_index": "patch_task_instance_dry_run",
}

_V1_ERROR_TYPE = "https://airflow.apache.org/docs/apache-airflow/{release}/stable-rest-api-ref.html#section/Errors/{name}"

_V1_ERROR_NAMES = {
    400: ("BadRequest", "Bad Request"),
    401: ("Unauthenticated", "Unauthorized"),
    403: ("PermissionDenied", "Forbidden"),
    404: ("NotFound", "Not Found"),
    409: ("AlreadyExists", "Conflict"),
    500: ("Unknown", "Internal Server Error"),
}


@attrs.frozen
class Answer:
    """One HTTP answer of the fake server."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = attrs.field(factory=dict[str, str])

    def to_response(self, request: httpx.Request) -> httpx.Response:
        """Return the answer as an httpx response to ``request``."""
        # An unread stream, as a network transport gives: the client may stream it.
        return httpx.Response(
            self.status,
            headers={**self.headers, "content-length": str(len(self.body))},
            stream=httpx.ByteStream(self.body),
            request=request,
        )


def _json_answer(status: int, body: Any, content_type: str = "application/json") -> Answer:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(status, data, {"content-type": content_type})


@attrs.frozen
class Dialect:
    """How one Airflow release speaks HTTP."""

    release: str

    def __attrs_post_init__(self) -> None:
        if not re.fullmatch(r"\d+\.\d+\.\d+", self.release):
            raise ValueError(f"not an Airflow release: {self.release!r}")
        if self.version[0] not in (2, 3):
            raise ValueError(f"the fake speaks Airflow 2 and 3, not {self.release}")

    @property
    def version(self) -> tuple[int, ...]:
        """The release as integers, e.g. ``(3, 3, 2)``."""
        return tuple(int(part) for part in self.release.split("."))

    @property
    def v2(self) -> bool:
        """Whether the release serves ``/api/v2`` (Airflow 3)."""
        return self.version[0] >= 3

    @property
    def minor(self) -> tuple[int, int]:
        """``(major, minor)``."""
        return (self.version[0], self.version[1])

    @property
    def prefix(self) -> str:
        """The API's path prefix."""
        return "/api/v2" if self.v2 else "/api/v1"

    @property
    def default_limit(self) -> int:
        """The page size when the request names none."""
        return 50 if self.v2 else 100

    def has(self, operation_id: str) -> bool:
        """Whether this release serves ``operation_id`` (always, on Airflow 2)."""
        if not self.v2:
            return True
        since = V2_OPERATION_SINCE.get(operation_id)
        if since is not None and self.minor >= since:
            return True
        # Airflow 3.0 served these routes under the names 3.1 gave to other routes.
        old = _RENAMED_IN_3_1.get(operation_id)
        return old is not None and self.minor == (3, 0)

    # -- answers ----------------------------------------------------------------------------

    def ok(self, body: Any, status: int = 200) -> Answer:
        """A JSON answer."""
        return _json_answer(status, body)

    def no_content(self) -> Answer:
        """A 204; Airflow 3 labels its empty body as JSON."""
        headers = {"content-type": "application/json"} if self.v2 else {}
        return Answer(204, b"", headers)

    def error(self, status: int, detail: Any, *, title: str | None = None) -> Answer:
        """An error in the release's shape."""
        if self.v2:
            return _json_answer(status, {"detail": detail})
        name, default_title = _V1_ERROR_NAMES.get(status, ("Unknown", "Error"))
        body = {
            "detail": detail,
            "status": status,
            "title": title or default_title,
            "type": _V1_ERROR_TYPE.format(release=self.release, name=name),
        }
        return _json_answer(status, body, "application/problem+json")

    def bad_request(self, detail: str, *, loc: Sequence[str | int] = ("body",)) -> Answer:
        """A refused request body or parameter: 400 on Airflow 2, 422 on Airflow 3."""
        if not self.v2:
            return self.error(400, detail)
        item = {"type": "value_error", "loc": list(loc), "msg": detail, "input": None}
        return _json_answer(422, {"detail": [item]})

    def conflict(self, detail: str) -> Answer:
        """A duplicate: Airflow 3 answers the database's unique-constraint error."""
        if not self.v2:
            return self.error(409, detail)
        return self.error(
            409,
            {
                "reason": "Unique constraint violation",
                "statement": "hidden",
                "orig_error": "hidden",
                "message": "Serious error when handling your request. Check logs for more details",
            },
        )

    def route_not_found(self) -> Answer:
        """An unknown route under the API prefix."""
        if self.v2:
            return _json_answer(404, {"error": "API route not found"})
        return self.error(404, "The requested URL was not found on the server.")

    def other_api(self) -> Answer:
        """A request for the API this release does not serve."""
        if self.v2:
            return _json_answer(
                404,
                {
                    "error": "/api/v1 has been removed in Airflow 3, please use its upgraded "
                    "version /api/v2 instead."
                },
            )
        return Answer(
            404,
            b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>",
            {"content-type": "text/html; charset=utf-8"},
        )

    # -- timestamps and lists ---------------------------------------------------------------

    def timestamp(self, seconds: float | None) -> str | None:
        """A server timestamp: ``+00:00`` on Airflow 2, ``Z`` on Airflow 3."""
        if seconds is None:
            return None
        import datetime

        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
        text = moment.isoformat()
        return text.replace("+00:00", "Z") if self.v2 else text

    def list_param(self, query: httpx.QueryParams, name: str) -> list[str]:
        """A list parameter: repeated on Airflow 3, comma-joined on Airflow 2."""
        values = query.get_list(name)
        if self.v2:
            return values
        return [part for value in values for part in value.split(",") if part]
