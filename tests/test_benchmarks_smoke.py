"""The benchmarks still run: every scenario at tiny sizes against the stub server.

No timing is asserted (CI machines are shared and small); this only keeps ``benchmarks/``
from rotting as the client changes. It prepares ``benchmarks/.venv`` the way
``bash benchmarks/run.sh`` always does, so the first run installs from the package index.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def _stamp() -> int | None:
    return RESULTS.stat().st_mtime_ns if RESULTS.exists() else None


def test_every_scenario_runs_and_reports() -> None:
    before = _stamp()
    result = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "run.sh"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    written = re.search(r"^wrote (.+)$", result.stderr, re.MULTILINE)
    assert written is not None, result.stderr[-2000:]
    output = Path(written.group(1))
    try:
        text = output.read_text()
    finally:
        output.unlink()

    # A smoke run never replaces the committed results.
    assert output != RESULTS
    assert _stamp() == before
    for heading in ("## Machine and versions", "## Targets", "## a.", "## b.", "## c."):
        assert heading in text
    assert "## d." in text
    assert "## e." in text
    # Every target got a measured figure, met or not.
    targets = text.split("## Targets", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in targets.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows[1:]) >= 10
    assert all(row.endswith(("| yes |", "| **no** |")) for row in rows[1:])
