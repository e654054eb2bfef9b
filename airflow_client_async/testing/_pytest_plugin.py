"""The pytest plugin installed with the package: ``airflow_fake`` and ``airflow_client``.

pytest loads it through the ``pytest11`` entry point. It stays inert until a test asks for
one of its fixtures: it only defines them and an ini option. (As for every distribution
that ships a plugin, pytest rewrites the asserts of the package's modules it imports.)
Turn it off with ``-p no:airflow_client_async``.

``airflow_fake`` is a fresh :class:`~airflow_client_async.testing.FakeAirflow` per test,
of release 3.3.2 unless the ini option ``airflow_fake_release`` names another, or the test
parametrizes it (``indirect=True``)::

    @pytest.mark.parametrize("airflow_fake", ["2.11.2", "3.3.2"], indirect=True)
    async def test_trigger(airflow_fake, airflow_client):
        airflow_fake.add_dag("etl", tasks=["extract", "load"])
        run = await airflow_client.dag_runs.trigger("etl")
        assert (await airflow_client.dag_runs.wait("etl", run.dag_run_id)).state == "success"

``airflow_client`` is an ``AsyncClient`` wired to that fake. It is a plain fixture, so
any async test runner (pytest-asyncio, anyio, trio) can use it; the fake holds no
connections, so it needs no closing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .. import AsyncClient
    from ._fake import FakeAirflow

__all__ = ["airflow_client", "airflow_fake", "pytest_addoption"]

_DEFAULT_RELEASE = "3.3.2"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ``airflow_fake_release`` ini option."""
    parser.addini(
        "airflow_fake_release",
        "The Airflow release the airflow_fake fixture speaks (default 3.3.2)",
        default=_DEFAULT_RELEASE,
    )


@pytest.fixture
def airflow_fake(request: pytest.FixtureRequest) -> FakeAirflow:
    """A fresh in-memory Airflow; parametrize it (``indirect=True``) with a release."""
    from ._fake import FakeAirflow

    release = getattr(request, "param", None) or request.config.getini("airflow_fake_release")
    return FakeAirflow(release=str(release))


@pytest.fixture
def airflow_client(airflow_fake: FakeAirflow) -> AsyncClient:
    """An ``AsyncClient`` of ``airflow_fake``, as its ``admin`` user."""
    return airflow_fake.client()
