"""Where the real Airflow server of the integration tests is, read from its state file.

``scripts/airflow_server.py start`` writes ``state.json``; this module only reads it, with the
standard library, so it works before the client package is importable. The file is
``$AIRFLOW_TEST_STATE_FILE`` when set, else ``<repo>/.cache/airflow-server/state.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
from typing import Any

__all__ = ["Credentials", "ServerInfo", "ServerNotStartedError", "load_server", "state_file"]

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_STATE_FILE = REPO / ".cache" / "airflow-server" / "state.json"
START_HINT = "start it with `python scripts/airflow_server.py start`"


class ServerNotStartedError(RuntimeError):
    """The Airflow test server has no state file or no running processes."""


@dataclasses.dataclass(frozen=True)
class Credentials:
    """A username and password for basic auth."""

    username: str
    password: str = dataclasses.field(repr=False)

    def as_tuple(self) -> tuple[str, str]:
        """Return ``(username, password)``, the shape httpx's ``auth=`` accepts."""
        return (self.username, self.password)


@dataclasses.dataclass(frozen=True)
class ServerInfo:
    """The running test server: its URL, two users and its folders."""

    base_url: str
    """``http://127.0.0.1:<port>``, without ``/api/v1``."""
    admin: Credentials
    """A user with the Admin role."""
    viewer: Credentials
    """A user with the Viewer role: reads work, writes answer 403."""
    airflow_home: pathlib.Path
    dags_folder: pathlib.Path
    """Files dropped here are parsed by the scheduler within about 10-20 s."""
    version: str
    """The apache-airflow release the server runs."""

    @property
    def api_url(self) -> str:
        """Return the base URL of the stable REST API."""
        return f"{self.base_url}/api/v1"


def state_file() -> pathlib.Path:
    """Return the path of the state file this process reads."""
    override = os.environ.get("AIRFLOW_TEST_STATE_FILE")
    return pathlib.Path(override) if override else DEFAULT_STATE_FILE


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        # Exists but belongs to another user.
        return True
    return True


def load_server() -> ServerInfo:
    """Read the state file and return the running server.

    Raises:
        ServerNotStartedError: there is no state file, the server was stopped, or its processes
            have died.
    """
    path = state_file()
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServerNotStartedError(
            f"no Airflow test server state at {path}; {START_HINT}"
        ) from None
    except (OSError, ValueError) as exc:
        raise ServerNotStartedError(f"cannot read {path}: {exc}; {START_HINT}") from exc
    pids = state.get("pids") or {}
    if not pids:
        raise ServerNotStartedError(f"the Airflow test server in {path} is stopped; {START_HINT}")
    dead = sorted(name for name, entry in pids.items() if not _pid_alive(int(entry["pid"])))
    if dead:
        raise ServerNotStartedError(
            f"the Airflow test server's {', '.join(dead)} is not running; {START_HINT}"
        )
    return ServerInfo(
        base_url=state["base_url"],
        admin=Credentials(state["admin"]["username"], state["admin"]["password"]),
        viewer=Credentials(state["viewer"]["username"], state["viewer"]["password"]),
        airflow_home=pathlib.Path(state["airflow_home"]),
        dags_folder=pathlib.Path(state["dags_folder"]),
        version=state["version"],
    )
