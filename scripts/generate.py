"""Regenerate every generated file in order, or check that none is out of date.

Each file has one generator, and they run in the order their inputs need:

1. with ``--extract`` only, since it downloads Airflow's wheels from PyPI:
   ``extract_spec.py`` writes ``openapi.json``, ``openapi-v2.json``, ``openapi-fab.json``
   and ``openapi-v2-history.json``; ``extract_v2_parameters.py`` writes
   ``openapi-v2-parameters.json``;
2. ``generate_models.py`` writes ``airflow_client_async/models/`` (``_generated.py``,
   ``__init__.py``, and ``tests/support/model_schemas.py``) from the three specs;
3. ``generate_operations.py`` writes ``airflow_client_async/_operation/_tables.py`` and
   ``tests/support/api_history.py`` from the specs and the two history files;
4. ``api_table.py`` writes README.md's API table from the namespaces' route declarations;
   it imports the package, so it runs after the package's generated modules are written.

Usage::

    python scripts/generate.py            # rewrite every file that is out of date
    python scripts/generate.py --check    # write nothing; exit 1 naming the stale files
    python scripts/generate.py --extract  # first extract the specs again from the wheels
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
import sys
import tempfile
from collections.abc import Callable, Iterator

import api_table
import extract_spec
import extract_v2_parameters
import generate_models
import generate_operations
from _output import Outputs, display, report_stale, sync
from _spec import Wheels

__all__ = ["GENERATORS", "Step", "main", "steps"]

#: A generator's name and the function that returns the files it writes.
Step = tuple[str, Callable[[], Outputs]]

#: The generators that read only what is committed, in the order they run.
GENERATORS: tuple[Step, ...] = (
    ("generate_models", generate_models.generate),
    ("generate_operations", generate_operations.generate),
    ("api_table", api_table.generate),
)


@contextlib.contextmanager
def steps(extract: bool, wheels_dir: pathlib.Path | None = None) -> Iterator[list[Step]]:
    """Yield the steps to run: the extractors first when ``extract``, then the generators.

    The extractors share one :class:`~_spec.Wheels`, so each wheel is downloaded once.
    """
    with tempfile.TemporaryDirectory() as scratch:
        found: list[Step] = []
        if extract:
            wheels = Wheels([], wheels_dir or pathlib.Path(scratch))
            found += [
                ("extract_spec", lambda: extract_spec.extract(wheels)),
                ("extract_v2_parameters", lambda: extract_v2_parameters.extract(wheels)),
            ]
        yield [*found, *GENERATORS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1, print the diffs and name the files that are out of date",
    )
    parser.add_argument(
        "--extract",
        action="store_true",
        help="first extract the specs from Airflow's wheels (downloads them from PyPI)",
    )
    parser.add_argument(
        "--wheels",
        type=pathlib.Path,
        help="with --extract: a folder holding the wheels; missing ones are downloaded there",
    )
    args = parser.parse_args(argv)
    stale: list[pathlib.Path] = []
    written_by: dict[pathlib.Path, str] = {}
    with steps(args.extract, args.wheels) as planned:
        for name, generate in planned:
            try:
                outputs = generate()
            except generate_models.GenerationError as exc:
                print(f"{name}: {exc}", file=sys.stderr)
                return 2
            for path in outputs:
                if path in written_by:
                    raise SystemExit(f"{display(path)} is written by {written_by[path]} and {name}")
                written_by[path] = name
            # Written before the next step runs: a later step reads what an earlier one wrote.
            stale += sync(outputs, check=args.check)
    if args.check and stale:
        report_stale(stale)
        return 1
    if not stale:
        print(f"all {len(written_by)} generated files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
