"""Fixtures for the fast layer: a client whose requests a respx router answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx

from airflow_client_async import AsyncClient, RetryPolicy

BASE = "https://airflow.test"
API = BASE + "/api/v1"


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    # using="httpx" mocks at the httpx client, whatever transport the client was given.
    with respx.mock(base_url=API, using="httpx", assert_all_called=False) as mock:
        yield mock


class SleepRecorder:
    """Stands in for anyio.sleep: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def client(router: respx.MockRouter, sleeps: SleepRecorder) -> AsyncIterator[AsyncClient]:
    import attrs

    async with AsyncClient(
        BASE,
        auth=("admin", "s3cret-pass"),
        retry_policy=RetryPolicy(max_retries=2, backoff_initial=0.25, jitter=0.0),
    ) as api:
        # Retries wait through the recorder, never for real.
        api._http = attrs.evolve(api._http, sleep=sleeps)
        yield api
