"""Run every example script as a user would, against the real server."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from ..integration._server import (
    ServerNotStartedError,
    load_server,
    selected_versions,
    state_file,
)

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.integration


@pytest.fixture(params=selected_versions())
def version(request: pytest.FixtureRequest) -> str:
    """Each server the suite tests (``$AIRFLOW_TEST_SERVERS``), running."""
    release: str = request.param
    try:
        load_server(release)
    except ServerNotStartedError as exc:
        if os.environ.get("AIRFLOW_CLIENT_REQUIRE_SERVER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    return release


def run_example(version: str, *args: str) -> str:
    # The examples find the server through its state file: the same one this test checked.
    env = {**os.environ, "AIRFLOW_TEST_STATE_FILE": str(state_file(version))}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / args[0]), *args[1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_quickstart(version: str) -> None:
    out = run_example(version, "quickstart.py")
    assert f"Airflow {version} at" in out
    assert "DAGs; the first 5:" in out
    assert "--- log of say_hello" in out
    assert "client-test says hello from the quickstart" in out
    assert out.rstrip().endswith("ended: success")


def test_fan_out(version: str) -> None:
    out = run_example(version, "fan_out.py", "--runs", "4", "--concurrency", "4")
    assert "triggered 4/4 runs of client_test_fast" in out
    assert "all ended" in out and "'success': 4" in out
