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

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("case", CASES)
def test_an_oversized_body_stops_at_the_cap_in_bounded_memory(wire: str, case: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.memory_probe", wire, case],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr[-2000:])
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n{wire} {case}: {report}")
    assert report["error"] == "ResponseTooLargeError"
    assert report["peak_above_baseline_mib"] < (DEFAULT_MAX_RESPONSE_SIZE + HEADROOM) / MIB
