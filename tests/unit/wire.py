"""What a request put on the wire, and a client of any Airflow 3 release, for unit tests."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import respx

from airflow_client_async import AsyncClient, BearerAuth

from .conftest import API_V2, BASE


def operation_calls(router: respx.MockRouter) -> list[respx.models.Call]:
    """The calls that reached ``router``, but for the version probe."""
    return [c for c in router.calls if not c.request.url.path.endswith("/version")]


def sent_json(call: respx.models.Call) -> object:
    """The JSON body of a call."""
    return json.loads(call.request.content)


def sent_query(call: respx.models.Call) -> list[tuple[str, str]]:
    """The query of a call, in order, with repeated keys kept."""
    return list(call.request.url.params.multi_items())


@contextlib.asynccontextmanager
async def airflow3(release: str) -> AsyncIterator[tuple[AsyncClient, respx.MockRouter]]:
    """A client of an Airflow 3 server reporting ``release``, and the router answering it."""
    with respx.mock(base_url=API_V2, using="httpx", assert_all_called=False) as router:
        router.get("/version").respond(json={"version": release, "git_version": None})
        async with AsyncClient(BASE, auth=BearerAuth("test-token"), api_version="v2") as client:
            yield client, router


@contextlib.asynccontextmanager
async def airflow3_root(
    release: str = "3.3.2",
) -> AsyncIterator[tuple[AsyncClient, respx.MockRouter]]:
    """As :func:`airflow3`, with the router at the server's root (for ``/auth/fab/v1``)."""
    with respx.mock(base_url=BASE, using="httpx", assert_all_called=False) as router:
        router.get("/api/v2/version").respond(json={"version": release, "git_version": None})
        async with AsyncClient(BASE, auth=BearerAuth("test-token"), api_version="v2") as client:
            yield client, router


#: What Airflow 3 with the simple auth manager answers a GET under /auth/fab/v1 with.
WEB_UI_PAGE = "<!doctype html><html><head><title>Airflow</title></head><body></body></html>"
