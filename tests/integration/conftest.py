"""The integration suite: every test here talks to a real Airflow server.

``scripts/airflow_server.py start`` starts the servers; ``$AIRFLOW_TEST_SERVERS`` names the
ones to test (default: 2.11.2), and every test that uses ``server`` (or ``client``,
``viewer``) runs once per server, with the release in its id: ``test_x[2.11.2]``. Without a
running server these tests are skipped, unless ``AIRFLOW_CLIENT_REQUIRE_SERVER=1`` (set by
``scripts/test.sh``) makes a missing server a failure.

``@pytest.mark.airflow(">=3.1")`` (clauses as in ``_server.version_matches``, joined by
commas) skips a test on the servers outside the range.
"""

from __future__ import annotations

import os
import pathlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import cast

import pytest

from airflow_client_async import AsyncClient, TransportKind

from ._capture import ResponseRecorder
from ._fakes import (
    EXCLUDED,
    FAKE_PREFIX,
    excluded_reason,
    fake_for,
    fake_lanes,
    fake_server,
    stop_serving,
)
from ._server import (
    ServerInfo,
    ServerNotStartedError,
    load_server,
    selected_versions,
    version_matches,
    version_tuple,
)

HERE = pathlib.Path(__file__).parent

#: The servers every server-bound test runs against, in order: the real ones, then the
#: fake lanes (``fake-<release>``, see ``_fakes``), which need no server.
SERVERS = selected_versions() + fake_lanes()


def _lane(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    value = callspec.params.get("server") if callspec is not None else None
    return value if isinstance(value, str) else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE not in pathlib.Path(str(item.fspath)).parents:
            continue
        lane = _lane(item)
        if lane is not None and lane.startswith(FAKE_PREFIX):
            # The fake lanes run in the fast layer: they need no server.
            module = pathlib.Path(str(item.fspath)).stem
            reason = excluded_reason(
                module, getattr(item, "originalname", item.name), lane.removeprefix(FAKE_PREFIX)
            )
            if reason is not None:
                item.add_marker(pytest.mark.skip(reason=f"not modelled by FakeAirflow: {reason}"))
        else:
            item.add_marker(pytest.mark.integration)
        markers = list(item.iter_markers("airflow"))
        if not markers:
            continue
        version = lane.removeprefix(FAKE_PREFIX) if lane is not None else None
        if version is None:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.airflow needs the test to use the server fixture"
            )
        for marker in markers:
            if len(marker.args) != 1 or not isinstance(marker.args[0], str):
                raise pytest.UsageError(f"{item.nodeid}: use @pytest.mark.airflow('>=3.1')")
            spec = marker.args[0]
            try:
                matches = version_matches(version_tuple(version), spec)
            except ValueError as exc:
                raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
            if not matches:
                item.add_marker(pytest.mark.skip(reason=f"needs Airflow {spec}; this is {version}"))


@pytest.fixture(scope="session", autouse=True)
def _record_responses() -> Iterator[None]:
    """With ``AIRFLOW_TEST_CAPTURE_DIR`` set, save the servers' answers as fixtures."""
    target = os.environ.get("AIRFLOW_TEST_CAPTURE_DIR")
    if not target:
        yield
        return
    recorder = ResponseRecorder()
    with recorder.installed():
        yield
    releases = {}
    for version in SERVERS:
        try:
            releases[load_server(version).base_url.rstrip("/") + "/"] = version
        except ServerNotStartedError:
            continue
    written = recorder.write(pathlib.Path(target), releases)
    print(f"\nrecorded {recorder.seen} responses; wrote {written} fixtures under {target}")


@pytest.fixture(scope="session", autouse=True)
def _stop_fakes() -> Iterator[None]:
    yield
    stop_serving()


@pytest.fixture(scope="session", params=SERVERS, ids=SERVERS)
def server(request: pytest.FixtureRequest) -> ServerInfo:
    if TRANSPORT not in ("auto", "aiohttp", "httpx"):
        pytest.fail(f"AIRFLOW_CLIENT_TRANSPORT must be auto, aiohttp or httpx, not {TRANSPORT!r}")
    lane = cast(str, request.param)
    if lane.startswith(FAKE_PREFIX):
        return fake_server(lane)
    try:
        return load_server(lane)
    except ServerNotStartedError as exc:
        if os.environ.get("AIRFLOW_CLIENT_REQUIRE_SERVER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


#: The transport the suite's clients send through: ``AIRFLOW_CLIENT_TRANSPORT`` (``auto``,
#: ``aiohttp`` or ``httpx``), so the same suite runs over each (scripts/test.sh does both).
TRANSPORT = cast(TransportKind, os.environ.get("AIRFLOW_CLIENT_TRANSPORT", "auto"))


def connect(server: ServerInfo, auth: tuple[str, str]) -> AsyncClient:
    """A client of ``server`` (a fake lane's goes through the fake's transport)."""
    fake = fake_for(server)
    if fake is not None:
        return fake.client(base_url=server.base_url, auth=auth)
    return AsyncClient(server.base_url, auth=auth, transport=TRANSPORT)


@pytest.fixture
async def client(server: ServerInfo) -> AsyncIterator[AsyncClient]:
    async with connect(server, server.admin.as_tuple()) as api:
        yield api


@pytest.fixture
async def viewer(server: ServerInfo) -> AsyncIterator[AsyncClient]:
    async with connect(server, server.viewer.as_tuple()) as api:
        yield api


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List what the fake lanes leave out, and why."""
    if not fake_lanes() or not EXCLUDED:
        return
    terminalreporter.section("not modelled by FakeAirflow (skipped on the fake lanes)")
    for name, reason in sorted(EXCLUDED.items()):
        terminalreporter.write_line(f"{name}: {reason}")


@pytest.fixture
def unique() -> str:
    """A short random suffix so that tests never collide with each other's objects."""
    return uuid.uuid4().hex[:8]
