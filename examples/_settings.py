"""Where the examples find Airflow: environment variables, else the repo's local server.

``AIRFLOW_URL``, ``AIRFLOW_USERNAME`` and ``AIRFLOW_PASSWORD`` win; without them the
examples use the Airflow 2.11.2 server started by ``scripts/airflow_server.py start`` (its
state file, or the one ``AIRFLOW_TEST_STATE_FILE`` names).
"""

from __future__ import annotations

import json
import os
import pathlib

STATE_FILE = (
    pathlib.Path(__file__).resolve().parent.parent
    / ".cache"
    / "airflow-server"
    / "2.11.2"
    / "state.json"
)


def airflow_settings() -> tuple[str, tuple[str, str]]:
    """Return ``(base_url, (username, password))`` of the Airflow to talk to."""
    url = os.environ.get("AIRFLOW_URL")
    if url:
        return url, (
            os.environ.get("AIRFLOW_USERNAME", "admin"),
            os.environ.get("AIRFLOW_PASSWORD", "admin"),
        )
    state_file = pathlib.Path(os.environ.get("AIRFLOW_TEST_STATE_FILE", STATE_FILE))
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(
            "Set AIRFLOW_URL (and AIRFLOW_USERNAME, AIRFLOW_PASSWORD), or start the local "
            "server: python scripts/airflow_server.py start"
        ) from None
    return state["base_url"], (state["admin"]["username"], state["admin"]["password"])
