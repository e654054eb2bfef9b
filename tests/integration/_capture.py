"""Record what the real servers answer while the integration suite runs, as test fixtures.

With ``AIRFLOW_TEST_CAPTURE_DIR`` set, every JSON response of a successful call the suite
makes is recorded, and when the session ends the largest body of each operation (that fits
in :data:`MAX_BODY`) is written to ``<dir>/<release>/<operationId>.json`` as
``{"operation_id", "method", "route", "status", "body"}``. Secrets are replaced before
anything is written: passwords and tokens anywhere, a connection's ``extra``, and the
values of the server's secret configuration options. ``tests/unit/test_suite_responses.py``
decodes every file::

    AIRFLOW_TEST_CAPTURE_DIR=tests/fixtures/suite bash scripts/test.sh -m integration

The recorder wraps the pipeline's one send function, so it sees the bodies exactly as the
client read them, whichever transport carried them. Streamed answers (NDJSON) are not
recorded.
"""

from __future__ import annotations

import contextlib
import json
import pathlib
import re
from collections.abc import Iterator
from typing import Any

import httpx

from airflow_client_async import _http

__all__ = ["MAX_BODY", "ResponseRecorder", "redact"]

REPO = pathlib.Path(__file__).resolve().parents[2]
#: Bodies larger than this are kept only when an operation has no smaller one.
MAX_BODY = 256 * 1024
REDACTED = "***"
#: Keys whose values are secrets wherever they appear.
_SECRET_KEYS = frozenset({"password", "access_token", "token", "jwt_token", "secret"})
#: Configuration options whose values are secrets (``GET /config`` with ``expose_config``).
_SECRET_OPTION = re.compile(r"secret|password|passwd|fernet|sql_alchemy_conn|_conn$|token|key$")


def redact(value: Any) -> Any:
    """``value`` with every secret replaced by ``***``."""
    if isinstance(value, dict):
        is_connection = "connection_id" in value
        is_option = set(value) >= {"key", "value"} and isinstance(value.get("key"), str)
        out: dict[str, Any] = {}
        for key, item in value.items():
            secret = key in _SECRET_KEYS or (key == "extra" and is_connection)
            if is_option and key == "value":
                secret = bool(_SECRET_OPTION.search(str(value["key"])))
            out[key] = REDACTED if secret and item is not None else redact(item)
        return out
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


class _Route:
    """One operation of one spec: its method, its path template and its matcher."""

    def __init__(self, api: str, method: str, template: str, operation_id: str) -> None:
        self.api = api
        self.method = method
        self.template = template
        self.operation_id = operation_id
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        self.pattern = re.compile(pattern + "$")
        # A literal segment beats a parameter: /dagRuns/list is not /dagRuns/{dag_run_id}.
        self.literal = len(re.sub(r"\{[^/]+?\}", "", template))


def _routes() -> list[_Route]:
    specs = (
        ("v1", "openapi.json", "/api/v1"),
        ("v2", "openapi-v2.json", ""),
        ("v2", "openapi-fab.json", ""),
    )
    routes = []
    for api, name, prefix in specs:
        spec = json.loads((REPO / name).read_text(encoding="utf-8"))
        for template, item in spec["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    full = prefix + template
                    routes.append(_Route(api, method.upper(), full, operation["operationId"]))
    routes.sort(key=lambda route: -route.literal)
    return routes


class ResponseRecorder:
    """Collects the suite's responses by server and operation; writes the fixtures."""

    def __init__(self) -> None:
        self._routes = _routes()
        #: (origin, operationId) → the record kept so far.
        self._kept: dict[tuple[str, str], dict[str, Any]] = {}
        self.seen = 0

    def route_of(self, request: httpx.Request) -> _Route | None:
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        for route in self._routes:
            if route.method == request.method and route.pattern.match(path):
                return route
        return None

    def record(self, response: httpx.Response) -> None:
        """Keep ``response`` if it is the largest JSON success seen for its operation."""
        content_type = response.headers.get("content-type", "")
        if not response.is_success or not content_type.startswith("application/json"):
            return
        route = self.route_of(response.request)
        if route is None or not response.content:
            return
        self.seen += 1
        size = len(response.content)
        key = (str(response.request.url.copy_with(path="/", query=None)), route.operation_id)
        kept = self._kept.get(key)
        if kept is not None:
            kept_size = kept["size"]
            better = (size > kept_size and size <= MAX_BODY) or (
                kept_size > MAX_BODY and size < kept_size
            )
            if not better:
                return
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        if body is None:  # a bare ``null`` answer holds nothing to decode
            return
        self._kept[key] = {
            "size": size,
            "record": {
                "operation_id": route.operation_id,
                "method": route.method,
                "route": route.template,
                "status": response.status_code,
                "body": redact(body),
            },
        }

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Record every response the pipeline reads inside the block."""
        original = _http._send

        async def send(*args: Any, **kwargs: Any) -> httpx.Response:
            response = await original(*args, **kwargs)
            self.record(response)
            return response

        _http._send = send
        try:
            yield
        finally:
            _http._send = original

    def write(self, target: pathlib.Path, releases: dict[str, str]) -> int:
        """Write the kept records under ``target/<release>/``; ``releases`` maps origins.

        Returns the number of files written.
        """
        written = 0
        for (origin, operation_id), kept in sorted(self._kept.items()):
            release = releases.get(origin)
            if release is None:
                continue
            folder = target / release
            folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(kept["record"], indent=1, ensure_ascii=False, sort_keys=True)
            (folder / f"{operation_id}.json").write_text(text + "\n", encoding="utf-8")
            written += 1
        return written
