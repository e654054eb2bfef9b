"""The benchmarks still run: every scenario at tiny sizes against the stub server.

No timing is asserted (CI machines are shared and small); this only keeps ``benchmarks/``
(its figures included) from rotting as the client changes. It prepares ``benchmarks/.venv`` the way
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
    figures = [Path(p) for p in re.findall(r"^drew (.+)$", result.stderr, re.MULTILINE)]
    try:
        text = output.read_text()
        drawn = {p.name: p.read_bytes()[:8] for p in figures}
    finally:
        output.unlink()
        for path in figures:
            path.unlink(missing_ok=True)

    # A smoke run never replaces the committed results.
    assert output != RESULTS
    assert _stamp() == before
    for heading in ("## Machine and versions", "## Targets", "## a.", "## b.", "## c."):
        assert heading in text
    assert "## d." in text
    assert "## e." in text
    assert "## g." in text
    # Both figures were drawn beside the results (not over the committed ones), as PNG,
    # and the results link them.
    assert sorted(drawn) == sorted(
        f"{output.stem}-{name}.png" for name in ("fan-out", "requests-per-run")
    )
    for name, magic in drawn.items():
        assert magic == b"\x89PNG\r\n\x1a\n", name
        assert f"]({name})" in text
    assert all(path.parent == output.parent for path in figures)
    # Every target got a measured figure, met or not.
    targets = text.split("## Targets", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in targets.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows[1:]) >= 10
    assert all(row.endswith(("| yes |", "| **no** |")) for row in rows[1:])
