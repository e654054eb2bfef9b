"""The official client 3.x's decoding, timed in its own environment (``benchmarks/.venv-v3``).

    python _official_v3_child.py NAME=MODEL=PATH ...

``apache-airflow-client`` 3.x cannot live beside 2.x (one distribution name), so scenario h
runs this in the 3.x environment and talks to it over stdin/stdout, one line each way:

- ``check NAME`` → a JSON line: the ids of the items the official client decoded;
- ``time NAME COUNT`` → the mean seconds of one decode over ``COUNT`` decodes.

One decode is what a call of its ``*_api.py`` does once the body is read: wrap the response
in ``rest.RESTResponse``, ``read()`` it and ``ApiClient.response_deserialize`` it (decode
the bytes to text, ``json.loads``, then the pydantic model's ``from_dict``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from airflow_client.client import ApiClient, Configuration
from airflow_client.client.rest import RESTResponse

#: The answers its list operations declare besides the 200 (as in their ``*_api.py``).
_ERRORS = {
    "401": "HTTPExceptionResponse",
    "403": "HTTPExceptionResponse",
    "422": "HTTPValidationError",
}


class _Received:
    """What urllib3 hands ``RESTResponse``: status, reason, headers and the body read."""

    status = 200
    reason = "OK"

    def __init__(self, body: bytes) -> None:
        self.data = body
        self.headers = {"content-type": "application/json"}


def main(pages: list[str]) -> None:
    api = ApiClient(Configuration(host="http://127.0.0.1:9"))
    bodies: dict[str, tuple[bytes, dict[str, str]]] = {}
    for page in pages:
        name, model, path = page.split("=", 2)
        bodies[name] = (Path(path).read_bytes(), {"200": model, **_ERRORS})

    def decode(name: str) -> Any:
        body, types_map = bodies[name]
        response = RESTResponse(_Received(body))
        response.read()
        return api.response_deserialize(response_data=response, response_types_map=types_map).data

    for line in sys.stdin:
        command, name, *rest = line.split()
        if command == "check":
            decoded = decode(name)
            items = decoded.dags if hasattr(decoded, "dags") else decoded.task_instances
            ids = [getattr(item, "dag_id", None) for item in items]
            print(json.dumps(ids), flush=True)
            continue
        count = int(rest[0])
        started = time.perf_counter()
        for _ in range(count):
            decode(name)
        print((time.perf_counter() - started) / count, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
