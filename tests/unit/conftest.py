"""Fixtures for the fast layer: clients whose requests a respx router answers.

``client``/``router`` speak Airflow 2's ``/api/v1``; ``client_v2``/``router_v2`` Airflow 3's
``/api/v2`` (with a static bearer token, so no token exchange is mocked). ``versions`` runs
a test once on each.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import attrs
import pytest
import respx

from airflow_client_async import AsyncClient, BearerAuth, RetryPolicy

BASE = "https://airflow.test"
API = BASE + "/api/v1"
API_V2 = BASE + "/api/v2"


class SleepRecorder:
    """Stands in for anyio.sleep: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


def _policy() -> RetryPolicy:
    return RetryPolicy(max_retries=2, backoff_initial=0.25, jitter=0.0)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    # using="httpx" mocks at the httpx client, whatever transport the client was given.
    with respx.mock(base_url=API, using="httpx", assert_all_called=False) as mock:
        yield mock


@pytest.fixture
async def client(router: respx.MockRouter, sleeps: SleepRecorder) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        BASE, auth=("admin", "s3cret-pass"), api_version="v1", retry_policy=_policy()
    ) as api:
        # Retries wait through the recorder, never for real.
        api._http = attrs.evolve(api._http, sleep=sleeps)
        yield api


@pytest.fixture
def router_v2() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API_V2, using="httpx", assert_all_called=False) as mock:
        mock.get("/version").respond(json={"version": "3.3.2", "git_version": "test"})
        yield mock


@pytest.fixture
async def client_v2(
    router_v2: respx.MockRouter, sleeps: SleepRecorder
) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        BASE, auth=BearerAuth("test-token"), api_version="v2", retry_policy=_policy()
    ) as api:
        api._http = attrs.evolve(api._http, sleep=sleeps)
        yield api


@attrs.frozen
class Versioned:
    """A client, the router answering it, and the API version it speaks."""

    client: AsyncClient
    router: respx.MockRouter
    api_version: str


@pytest.fixture(params=["v1", "v2"])
async def versions(
    request: pytest.FixtureRequest, sleeps: SleepRecorder
) -> AsyncIterator[Versioned]:
    """Runs a test against ``/api/v1`` and again against ``/api/v2``."""
    version: str = request.param
    api_root = API if version == "v1" else API_V2
    with respx.mock(base_url=api_root, using="httpx", assert_all_called=False) as mock:
        mock.get("/version").respond(
            json={"version": "2.11.2" if version == "v1" else "3.3.2", "git_version": "test"}
        )
        auth = ("admin", "s3cret-pass") if version == "v1" else BearerAuth("test-token")
        async with AsyncClient(
            BASE,
            auth=auth,
            api_version=version,
            retry_policy=_policy(),  # type: ignore[arg-type]
        ) as api:
            api._http = attrs.evolve(api._http, sleep=sleeps)
            yield Versioned(api, mock, version)
