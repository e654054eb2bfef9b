"""Oversized answers stay under the response cap: bombs and endless bodies, in bounded memory.

Each case runs in a child process of its own (``tests/faults/memory_probe.py``) whose
watchdog stops it once its resident set grows past the default ``max_response_size``
plus 64 MiB: a client that read the whole body would be stopped there, and the test
fails. The gzip and deflate bodies would inflate to 4 GiB of zeros (the server
compresses them as it sends them); the others never end, or declare 10 GiB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_client_async import DEFAULT_MAX_RESPONSE_SIZE

from .conftest import WIRES
from .memory_probe import CASES, HEADROOM, MIB

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("wire", WIRES)
def test_oversized_bodies_stop_at_the_cap_in_bounded_memory(wire: str) -> None:
    # One child process per wire runs every case, its peak reset before each.
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.memory_probe", wire, *CASES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr[-2000:])
    reports = [json.loads(line) for line in result.stdout.strip().splitlines()]
    for report in reports:
        print(f"\n{wire} {report}")
    assert [report["case"] for report in reports] == CASES
    for report in reports:
        assert report["error"] == "ResponseTooLargeError", report
        assert report["peak_above_baseline_mib"] < (DEFAULT_MAX_RESPONSE_SIZE + HEADROOM) / MIB
