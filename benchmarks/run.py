"""Run the benchmarks against a local stub server and write the results as Markdown.

Use ``bash benchmarks/run.sh`` (it prepares the benchmark's own environment first):

    bash benchmarks/run.sh                 # everything, writes benchmarks/RESULTS.md
    bash benchmarks/run.sh --smoke         # tiny sizes, a temporary file; checks nothing rots
    bash benchmarks/run.sh --only a,c      # some scenarios, printed (RESULTS.md untouched)

Figures (PNG) are drawn beside the Markdown file, named after it, and linked from it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import figures  # noqa: E402
import polling  # noqa: E402
import scenarios  # noqa: E402
from scenarios import Section, Sizes  # noqa: E402

SCENARIOS = ("a", "b", "c", "d", "e", "f", "g", "h")
_PACKAGES = (
    "airflow-client-async",
    "httpx",
    "httpcore",
    "aiohttp",
    "attrs",
    "cattrs",
    "anyio",
    "apache-airflow-client",
    "urllib3",
    "msgspec",
)


@contextmanager
def stub_server() -> Iterator[str]:
    """Start the stub in its own process on a free port; yield its base URL; stop it."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "stub_server.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if len(line) != 2 or line[0] != "listening":
            raise RuntimeError(f"the stub server did not start: {line!r}")
        yield f"http://127.0.0.1:{line[1]}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory = f", {int(total) / 2**20:.0f} GiB RAM"
    except (OSError, IndexError, ValueError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores{memory}",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}, asyncio "
        "event loop (no uvloop)",
        f"- Load average when the run started: {load} (a shared machine: compare ratios, "
        "which are taken within the same round, rather than absolute figures)",
    ]


def _versions() -> str:
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return lines


def render(sections: list[Section], command: str, started: datetime.datetime, took: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Command: `{command}` — {started:%Y-%m-%d %H:%M} UTC, {took:.0f} s in all.",
        "",
        "The server is `benchmarks/stub_server.py`, a keep-alive HTTP/1.1 server on 127.0.0.1 "
        "in its own process that replays JSON recorded from a real Airflow 2.11.2 "
        "(`tests/fixtures/`; the 100-item pages repeat the recorded objects with distinct "
        "ids); under `/api/v2` it answers the same values in Airflow 3.3's shapes "
        "(`benchmarks/payloads.py`). Every client sends basic auth on `/api/v1` and a bearer "
        "token from `POST /auth/token` on `/api/v2`. Scenario g runs against simulations in "
        "the same server: runs that end by themselves, and a count of every request.",
        "",
        "## Machine and versions",
        "",
        *_machine(),
        f"- Packages: {_versions()}",
        "",
        "## Targets",
        "",
    ]
    checks = [check for section in sections for check in section.checks]
    lines += _table(
        [["target", "measured", "met"]]
        + [[c.target, c.measured, "yes" if c.met else "**no**"] for c in checks]
    )
    for section in sections:
        lines += ["", f"## {section.title}", "", section.intro]
        for table in section.tables:
            lines += ["", *_table(table)]
        for note in section.notes:
            lines += ["", note]
    return "\n".join(lines) + "\n"


async def _run_async(name: str, base_url: str, sizes: Sizes) -> Section:
    if name == "a":
        return await scenarios.per_call_time(base_url, sizes)
    if name == "c":
        return await scenarios.fan_out(base_url, sizes)
    return await scenarios.iterate(base_url, sizes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no RESULTS.md")
    parser.add_argument("--only", help=f"comma-separated scenarios among {','.join(SCENARIOS)}")
    parser.add_argument("--output", type=Path, help="where to write the Markdown")
    args = parser.parse_args()

    chosen = tuple(args.only.split(",")) if args.only else SCENARIOS
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    sizes = scenarios.SMOKE if args.smoke else scenarios.FULL
    output: Path | None = args.output
    if output is None and args.smoke:
        output = Path(tempfile.mkstemp(prefix="benchmarks-smoke-", suffix=".md")[1])
    elif output is None and not args.only:
        output = HERE / "RESULTS.md"
    command = os.environ.get("BENCHMARK_COMMAND") or " ".join([sys.argv[0], *sys.argv[1:]])

    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.perf_counter()
    sections: list[Section] = []
    with stub_server() as base_url:
        for name in chosen:
            began = time.perf_counter()
            print(f"== scenario {name}", file=sys.stderr, flush=True)
            if name == "b":
                section = scenarios.decode(sizes)
            elif name == "d":
                section = scenarios.import_time(sizes)
            elif name == "f":
                section = scenarios.converter_codegen(sizes)
            elif name == "g":
                poll_sizes = polling.SMOKE if args.smoke else polling.FULL
                section = asyncio.run(polling.requests_per_run(base_url, poll_sizes))
            elif name == "h":
                section = scenarios.decode_v3(sizes)
            else:
                section = asyncio.run(_run_async(name, base_url, sizes))
            sections.append(section)
            for check in section.checks:
                state = "met" if check.met else "MISSED"
                print(f"   {check.target}: {check.measured} ({state})", file=sys.stderr)
            print(f"   {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    if output is not None:
        for path in figures.draw(sections, output):
            print(f"drew {path}", file=sys.stderr)
    text = render(sections, command, started, time.perf_counter() - clock)
    if output is None:
        print(text)
    else:
        output.write_text(text)
        print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
