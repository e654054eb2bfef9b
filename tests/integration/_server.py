"""Which real Airflow servers the integration tests use, read from their state files.

``scripts/airflow_server.py start --version V`` writes ``<state dir>/<V>/state.json``; this
module only reads it, with the standard library, so it works before the client package is
importable. The state dir is ``$AIRFLOW_TEST_STATE_DIR`` when set, else
``<repo>/.cache/airflow-server``. ``$AIRFLOW_TEST_SERVERS`` (releases separated by spaces or
commas) names the servers to test; by default only 2.11.2.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import os
import pathlib
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "DEFAULT_VERSION",
    "Credentials",
    "ServerInfo",
    "ServerNotStartedError",
    "load_server",
    "selected_versions",
    "state_file",
    "version_matches",
    "version_tuple",
]

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_STATE_DIR = REPO / ".cache" / "airflow-server"
DEFAULT_VERSION = "2.11.2"
START_HINT = "start it with `python scripts/airflow_server.py start --version {version}`"

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}


class ServerNotStartedError(RuntimeError):
    """The Airflow test server has no state file or no running processes."""


@dataclasses.dataclass(frozen=True)
class Credentials:
    """A username and password (basic auth on ``/api/v1``, a token request on ``/api/v2``)."""

    username: str
    password: str = dataclasses.field(repr=False)

    def as_tuple(self) -> tuple[str, str]:
        """Return ``(username, password)``, the shape httpx's ``auth=`` accepts."""
        return (self.username, self.password)


@dataclasses.dataclass(frozen=True)
class ServerInfo:
    """One running test server: its URL, API, two users and its folders."""

    base_url: str
    """``http://127.0.0.1:<port>``, without the API path."""
    admin: Credentials
    """A user with the Admin role."""
    viewer: Credentials
    """A user with the Viewer role: reads work, writes answer 403."""
    airflow_home: pathlib.Path
    dags_folder: pathlib.Path
    """Files dropped here are parsed within about 10-20 s."""
    version: str
    """The apache-airflow release the server runs, e.g. ``"3.3.2"``."""
    api_version: str = "v1"
    """``"v1"`` on Airflow 2, ``"v2"`` on Airflow 3."""
    auth_manager: str = "fab"
    """``"fab"`` (users and roles in the database) or ``"simple"`` (Airflow 3.0's lane)."""
    dag_ids: tuple[str, ...] = ()
    """The ids of the test DAGs this server was given (``tests/integration/dags``)."""

    @property
    def version_info(self) -> tuple[int, ...]:
        """Return the release as integers, e.g. ``(3, 3, 2)``."""
        return version_tuple(self.version)

    @property
    def api_url(self) -> str:
        """Return the base URL of the stable REST API (``/api/v1`` or ``/api/v2``)."""
        return f"{self.base_url}/api/{self.api_version}"


def version_tuple(version: str) -> tuple[int, ...]:
    """Return ``"3.0.6"`` as ``(3, 0, 6)``; raise ``ValueError`` on anything else."""
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        raise ValueError(f"not a release number: {version!r}")
    return tuple(int(part) for part in version.split("."))


def version_matches(version: tuple[int, ...], spec: str) -> bool:
    """Tell whether ``version`` meets every clause of ``spec``, e.g. ``">=3.0,<3.1"``.

    Clauses compare release numbers padded with zeros: ``"<3"`` holds for 2.11.2 and not for
    3.0.0; ``"==3.0"`` means 3.0.0 only, so a whole minor line is ``">=3.0,<3.1"``.

    Raises:
        ValueError: a clause has no operator or no release number.
    """
    clauses = [clause.strip() for clause in spec.split(",") if clause.strip()]
    if not clauses:
        raise ValueError(f"empty Airflow version spec: {spec!r}")
    for clause in clauses:
        match = re.fullmatch(r"(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)", clause)
        if match is None:
            raise ValueError(f"not a version clause: {clause!r} (in {spec!r})")
        wanted = version_tuple(match.group(2))
        width = max(len(version), len(wanted))
        padded = version + (0,) * (width - len(version))
        if not _COMPARISONS[match.group(1)](padded, wanted + (0,) * (width - len(wanted))):
            return False
    return True


def selected_versions() -> list[str]:
    """Return the releases named by ``$AIRFLOW_TEST_SERVERS`` (default: only 2.11.2).

    Raises:
        ValueError: an entry is not a release number.
    """
    raw = os.environ.get("AIRFLOW_TEST_SERVERS", "").replace(",", " ").split()
    versions = list(dict.fromkeys(raw)) or [DEFAULT_VERSION]
    for version in versions:
        version_tuple(version)
    return versions


def state_file(version: str | None = None) -> pathlib.Path:
    """Return the state file of ``version``'s server.

    Without a version: ``$AIRFLOW_TEST_STATE_FILE`` when set, else the first selected server's.
    """
    if version is None:
        override = os.environ.get("AIRFLOW_TEST_STATE_FILE")
        if override:
            return pathlib.Path(override)
        version = selected_versions()[0]
    root = os.environ.get("AIRFLOW_TEST_STATE_DIR")
    return (pathlib.Path(root) if root else DEFAULT_STATE_DIR) / version / "state.json"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        # Exists but belongs to another user (PostgreSQL's, when started as root).
        return True
    return True


def load_server(version: str | None = None) -> ServerInfo:
    """Read the state file of ``version``'s server (see ``state_file``) and return the server.

    Raises:
        ServerNotStartedError: there is no state file, the server was stopped, or its processes
            have died.
    """
    path = state_file(version)
    hint = START_HINT.format(version=version or DEFAULT_VERSION)
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServerNotStartedError(f"no Airflow test server state at {path}; {hint}") from None
    except (OSError, ValueError) as exc:
        raise ServerNotStartedError(f"cannot read {path}: {exc}; {hint}") from exc
    pids = state.get("pids") or {}
    if not pids:
        raise ServerNotStartedError(f"the Airflow test server in {path} is stopped; {hint}")
    dead = sorted(name for name, entry in pids.items() if not _pid_alive(int(entry["pid"])))
    if dead:
        raise ServerNotStartedError(
            f"the Airflow test server's {', '.join(dead)} is not running; {hint}"
        )
    return ServerInfo(
        base_url=state["base_url"],
        admin=Credentials(state["admin"]["username"], state["admin"]["password"]),
        viewer=Credentials(state["viewer"]["username"], state["viewer"]["password"]),
        airflow_home=pathlib.Path(state["airflow_home"]),
        dags_folder=pathlib.Path(state["dags_folder"]),
        version=state["version"],
        api_version=state.get("api_version", "v1"),
        auth_manager=state.get("auth_manager", "fab"),
        dag_ids=tuple(state.get("dag_ids") or ()),
    )
