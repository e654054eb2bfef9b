"""The pytest plugin, as a user's project meets it: pytest in a subprocess, no conftest.

The plugin comes in through the package's ``pytest11`` entry point only: the test project
lives in a temporary folder outside this repository, with no conftest and no ``-p``. One
test builds a fresh virtualenv with only the package (and pytest) installed, with uv.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

USER_TESTS = """
import pytest

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.parametrize("airflow_fake", ["2.11.2", "3.3.2"], indirect=True)
async def test_a_run_of_each_release(airflow_fake, airflow_client):
    airflow_fake.add_dag("etl", tasks=["extract", "load"])
    airflow_fake.fail_task("etl", "load")
    run = await airflow_client.dag_runs.trigger("etl")
    done = await airflow_client.dag_runs.wait("etl", run.dag_run_id)
    assert done.state == "failed"
    assert (await airflow_client.server_version()).release == airflow_fake.release


async def test_the_default_release(airflow_fake):
    assert airflow_fake.release == "RELEASE"


def test_a_test_without_the_fixtures():
    assert True
"""


REPO = pathlib.Path(__file__).resolve().parents[2]


def _run_pytest(
    folder: pathlib.Path, *args: str, ini: str = "", python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    (folder / "pytest.ini").write_text(f"[pytest]\n{ini}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AIRFLOW_"))}
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_fixtures_come_with_the_package(tmp_path: pathlib.Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(USER_TESTS).replace("RELEASE", "2.11.2"), encoding="utf-8"
    )
    done = _run_pytest(tmp_path, ini="airflow_fake_release = 2.11.2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_the_plugin_can_be_turned_off(tmp_path: pathlib.Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(USER_TESTS).replace("RELEASE", "3.3.2"), encoding="utf-8"
    )
    done = _run_pytest(tmp_path, "-p", "no:airflow_client_async")
    assert done.returncode != 0
    assert "fixture 'airflow_fake' not found" in done.stdout
    # A test that uses none of its fixtures runs either way.
    assert "1 passed" in done.stdout


def test_the_default_release_is_the_newest(tmp_path: pathlib.Path) -> None:
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(USER_TESTS).replace("RELEASE", "3.3.2"), encoding="utf-8"
    )
    done = _run_pytest(tmp_path, "-k", "default_release")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_fresh_virtualenv_with_only_the_package(tmp_path: pathlib.Path) -> None:
    uv = shutil.which("uv") or shutil.which("uv", path=str(pathlib.Path(sys.executable).parent))
    if uv is None:
        pytest.skip("uv is not installed (scripts/setup-dev.sh installs it)")
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", str(venv)], check=True, timeout=120)
    python = str(venv / ("Scripts" if os.name == "nt" else "bin") / "python")
    # The package from this checkout, and pytest to run the user's tests: nothing else.
    installed = subprocess.run(
        [uv, "pip", "install", "-q", "--python", python, str(REPO), "pytest"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_user.py").write_text(
        textwrap.dedent(USER_TESTS).replace("RELEASE", "3.3.2"), encoding="utf-8"
    )
    done = _run_pytest(project, python=python)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
