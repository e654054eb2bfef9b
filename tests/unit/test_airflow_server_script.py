"""The pure parts of ``scripts/airflow_server.py``: lanes, constraints, DAG files, defaults."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
from types import ModuleType

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "airflow_server_script", ROOT / "scripts" / "airflow_server.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


script = load_script()


@pytest.mark.parametrize(
    ("version", "api", "auth", "database", "providers"),
    [
        ("2.11.2", "v1", "fab", "sqlite", ()),
        ("3.0.6", "v2", "simple", "postgres", ("postgres", "standard")),
        ("3.3.2", "v2", "fab", "postgres", ("fab", "postgres", "standard")),
        ("3.1.0", "v2", "fab", "postgres", ("fab", "postgres", "standard")),
    ],
)
def test_lanes(
    version: str, api: str, auth: str, database: str, providers: tuple[str, ...]
) -> None:
    lane = script.lane(version)
    assert (lane.api_version, lane.auth_manager, lane.database) == (api, auth, database)
    assert lane.providers == tuple(f"apache-airflow-providers-{p}" for p in providers)
    assert lane.health_path == ("/api/v1/health" if api == "v1" else "/api/v2/monitor/health")


@pytest.mark.parametrize("version", script.ALL_VERSIONS)
def test_every_lane_has_frozen_constraints(version: str) -> None:
    constraints = script.constraints_file(version)
    assert constraints is not None
    pins = dict(
        line.split("==", 1)
        for line in constraints.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert pins["apache-airflow"] == version
    for provider in script.lane(version).providers:
        assert provider in pins, provider
    if version == "3.3.2":
        assert pins["apache-airflow-providers-fab"] == "3.10.2"


def test_dag_files_by_release() -> None:
    everywhere = {"client_test_fast", "client_test_backfill", "client_test_mapped"}
    assert everywhere <= set(script.own_dag_ids("2.11.2"))
    assert not {"client_test_asset_producer", "client_test_hitl"} & set(
        script.own_dag_ids("2.11.2")
    )
    on_30 = set(script.own_dag_ids("3.0.6"))
    assert {"client_test_asset_producer", "client_test_asset_consumer"} <= on_30
    assert "client_test_hitl" not in on_30
    assert "client_test_hitl" in script.own_dag_ids("3.3.2")
    names = [path.name for path in script.dag_sources("3.3.2")]
    assert len(names) == len(set(names))


def test_health_counts_the_dag_processor_only_on_airflow_3() -> None:
    good = {"status": "healthy"}
    airflow_2 = {"metadatabase": good, "scheduler": good, "dag_processor": {"status": None}}
    assert script.is_healthy(airflow_2, script.lane("2.11.2"))
    assert not script.is_healthy(airflow_2, script.lane("3.3.2"))
    assert script.is_healthy({**airflow_2, "dag_processor": good}, script.lane("3.3.2"))
    assert not script.is_healthy(None, script.lane("3.3.2"))


def test_command_line_defaults() -> None:
    assert script.parse_args(["start"]).versions == ["2.11.2"]
    assert script.parse_args(["stop"]).versions == []  # every recorded server
    assert script.parse_args(["start", "--all", "--version", "3.3.2"]).versions == [
        "3.3.2",
        "2.11.2",
        "3.0.6",
    ]
    with pytest.raises(SystemExit):
        script.parse_args(["start", "--version", "three"])


def test_the_newest_postgresql_with_initdb_is_chosen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setattr(script, "PG_ROOT", tmp_path)
    assert script.postgres_bin_dir() is None
    for major, has_initdb in (("9", True), ("15", True), ("13", True), ("16", False)):
        (tmp_path / major / "bin").mkdir(parents=True)
        if has_initdb:
            (tmp_path / major / "bin" / "initdb").touch()
    assert script.postgres_bin_dir() == tmp_path / "15" / "bin"


def test_only_a_postmaster_on_our_own_data_directory_counts(tmp_path: pathlib.Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert script.postmaster_pid(data) is None
    # A PID file naming a live process that is not PostgreSQL on this directory (this test).
    (data / "postmaster.pid").write_text(f"{os.getpid()}\n{data}\n", encoding="utf-8")
    assert script.postmaster_pid(data) is None
