"""How the extractors and generators write their files, or check them.

A generator returns every file it writes as text, keyed by path; :func:`sync` writes the
ones that changed or, with ``check``, writes nothing and reports them. Python sources go
through :func:`ruff_format` first, so that the output is byte-for-byte reproducible and
agrees with the project's lint.
"""

from __future__ import annotations

import argparse
import difflib
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping

from _spec import ROOT

__all__ = [
    "COMMAND",
    "PYPROJECT",
    "Outputs",
    "display",
    "report_stale",
    "ruff_format",
    "run",
    "sync",
]

PYPROJECT = ROOT / "pyproject.toml"

#: The one command that regenerates every generated file.
COMMAND = "python scripts/generate.py"

#: Every file a generator writes, keyed by path, with its full text.
Outputs = Mapping[pathlib.Path, str]


def _ruff() -> str:
    local = pathlib.Path(sys.executable).parent / "ruff"
    found = str(local) if local.exists() else shutil.which("ruff")
    if found is None:
        raise SystemExit("ruff not found: install the dev dependencies")
    return found


def _run_ruff(args: list[str], source: str, path: pathlib.Path) -> str:
    result = subprocess.run(
        [_ruff(), *args, "--config", str(PYPROJECT), "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"ruff {args[0]} failed on {path}:\n{result.stderr}")
    return result.stdout


def ruff_format(source: str, path: pathlib.Path) -> str:
    """Return ``source`` with imports sorted and formatted by ruff, as if it lived at ``path``."""
    # The project's ruff settings decide import order and layout, so CI's lint agrees.
    sorted_source = _run_ruff(["check", "--fix", "--select", "I", "--quiet"], source, path)
    return _run_ruff(["format"], sorted_source, path)


def display(path: pathlib.Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def sync(outputs: Outputs, *, check: bool) -> list[pathlib.Path]:
    """Write every output whose file differs; return those paths.

    With ``check``, write nothing and print each stale file's unified diff instead.
    """
    stale: list[pathlib.Path] = []
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        stale.append(path)
        name = display(path)
        if check:
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {name}")
    return stale


def report_stale(stale: Iterable[pathlib.Path]) -> None:
    """Name the stale files on stderr, and the command that brings them up to date."""
    names = "".join(f"\n  {display(path)}" for path in stale)
    print(f"\nout of date:{names}\nrun {COMMAND}", file=sys.stderr)


def run(generate: Callable[[], Outputs], argv: list[str] | None, doc: str | None) -> int:
    """Run one generator alone: write its files, or with ``--check`` report the stale ones.

    Returns:
        The exit status: 1 when ``--check`` found a stale file, else 0.
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and print a diff if a committed file is out of date",
    )
    args = parser.parse_args(argv)
    stale = sync(generate(), check=args.check)
    if args.check and stale:
        report_stale(stale)
        return 1
    return 0
