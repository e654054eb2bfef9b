"""How the integration suite picks its Airflow servers (``tests/integration/_server.py``).

Which servers, which state files, and the version specs of ``@pytest.mark.airflow``.
"""

from __future__ import annotations

import json
import pathlib

import pytest

from tests.integration import _server
from tests.integration._server import (
    ServerNotStartedError,
    load_server,
    selected_versions,
    state_file,
    version_matches,
)


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ((2, 11, 2), "<3", True),
        ((3, 0, 0), "<3", False),
        ((3, 0, 6), ">=3", True),
        ((3, 0, 6), ">=3.1", False),
        ((3, 3, 2), ">=3.1", True),
        ((3, 0, 6), ">=3.0,<3.1", True),
        ((3, 1, 0), ">=3.0, <3.1", False),
        ((3, 3, 2), "==3.3.2", True),
        ((3, 3, 2), "==3.3", False),
        ((3, 3, 2), "!=3.3.2", False),
        ((3, 3, 2), ">3.3.1", True),
        ((3, 3, 2), "<=3.3", False),
    ],
)
def test_version_specs(version: tuple[int, ...], spec: str, expected: bool) -> None:
    assert version_matches(version, spec) is expected


@pytest.mark.parametrize("spec", ["", "3.1", ">=", "~=3.1", ">=3.x", ">=3.1;<4"])
def test_bad_version_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match=r"spec|clause|release"):
        version_matches((3, 3, 2), spec)


def test_selected_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_TEST_SERVERS", raising=False)
    assert selected_versions() == ["2.11.2"]
    monkeypatch.setenv("AIRFLOW_TEST_SERVERS", " 3.3.2, 2.11.2 3.3.2,3.0.6 ")
    assert selected_versions() == ["3.3.2", "2.11.2", "3.0.6"]
    monkeypatch.setenv("AIRFLOW_TEST_SERVERS", "3.3.2 latest")
    with pytest.raises(ValueError, match="latest"):
        selected_versions()


def test_state_files(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    monkeypatch.delenv("AIRFLOW_TEST_STATE_FILE", raising=False)
    monkeypatch.delenv("AIRFLOW_TEST_STATE_DIR", raising=False)
    monkeypatch.setenv("AIRFLOW_TEST_SERVERS", "3.3.2 2.11.2")
    assert state_file("3.0.6") == _server.DEFAULT_STATE_DIR / "3.0.6" / "state.json"
    assert state_file() == _server.DEFAULT_STATE_DIR / "3.3.2" / "state.json"
    monkeypatch.setenv("AIRFLOW_TEST_STATE_DIR", str(tmp_path))
    assert state_file("2.11.2") == tmp_path / "2.11.2" / "state.json"
    monkeypatch.setenv("AIRFLOW_TEST_STATE_FILE", str(tmp_path / "one.json"))
    assert state_file() == tmp_path / "one.json"
    assert state_file("2.11.2") == tmp_path / "2.11.2" / "state.json"


def test_load_server_reads_the_lane(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("AIRFLOW_TEST_STATE_DIR", str(tmp_path))
    with pytest.raises(ServerNotStartedError, match=r"start --version 3\.3\.2"):
        load_server("3.3.2")
    (tmp_path / "3.3.2").mkdir()
    state = {
        "version": "3.3.2",
        "api_version": "v2",
        "auth_manager": "fab",
        "base_url": "http://127.0.0.1:1234",
        "admin": {"username": "admin", "password": "s3cret-pw"},
        "viewer": {"username": "viewer", "password": "v"},
        "airflow_home": str(tmp_path / "home"),
        "dags_folder": str(tmp_path / "home" / "dags"),
        "dag_ids": ["client_test_fast"],
        "pids": {"api-server": {"pid": 1}},  # PID 1 always exists
    }
    (tmp_path / "3.3.2" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    server = load_server("3.3.2")
    assert (server.version_info, server.api_version, server.auth_manager) == (
        (3, 3, 2),
        "v2",
        "fab",
    )
    assert server.api_url == "http://127.0.0.1:1234/api/v2"
    assert server.dag_ids == ("client_test_fast",)
    assert "s3cret-pw" not in repr(server.admin)
    state["pids"] = {}
    (tmp_path / "3.3.2" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(ServerNotStartedError, match="stopped"):
        load_server("3.3.2")


def test_state_files_of_airflow_2_servers_default_to_v1() -> None:
    fields = {f.name: f.default for f in _server.dataclasses.fields(_server.ServerInfo)}
    assert (fields["api_version"], fields["auth_manager"]) == ("v1", "fab")
