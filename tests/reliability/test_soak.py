"""A reduced soak in CI: ``scripts/soak.py`` itself, with fewer requests.

The full run is ``.venv/bin/python scripts/soak.py --requests 50000 --concurrency 200``. The
stub server runs in a process of its own, so the descriptors and memory measured are the
client's; the stub counts connections, so the pool limits are checked where they matter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SOAK = Path(__file__).resolve().parents[2] / "scripts" / "soak.py"


def soak(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SOAK), "--json", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    figures: dict[str, Any] = json.loads(done.stdout)
    print(f"\nsoak {' '.join(args)}: {figures}")
    return figures


def test_reduced_soak_has_no_errors_and_no_growth() -> None:
    figures = soak("--requests", "3000", "--concurrency", "100")
    assert figures["errors"] == 0 and figures["warm_up_errors"] == 0
    assert figures["server_requests"] >= 3000
    # The pool's connections are open before and after the run: nothing more.
    assert figures["fd_growth"] <= 2
    assert figures["fds_after_close"] <= figures["fds_at_start"]
    assert figures["rss_growth_mib"] <= 16
    assert figures["server_peak_connections"] <= 100
    assert figures["server_open_connections_after_close"] == 0


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
def test_pool_limits_bound_the_connections_the_server_sees(transport: str) -> None:
    figures = soak(
        *("--requests", "1000", "--concurrency", "50", "--transport", transport),
        *("--max-connections", "8", "--max-keepalive", "4"),
    )
    assert figures["errors"] == 0
    assert figures["server_peak_connections"] <= 8
    assert figures["server_open_connections_idle"] <= 4
    assert figures["fd_growth"] <= 2
    assert figures["server_open_connections_after_close"] == 0
