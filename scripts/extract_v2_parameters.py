"""Record which Airflow 3 minor added each ``/api/v2`` query parameter and body field.

A server of an older 3.x minor ignores a query parameter it does not know and answers 200,
so a filter it lacks would be dropped without a word. This script reads the v2 spec inside
the ``apache-airflow-core`` wheel of the first release of each minor (and of the release
``openapi-v2.json`` is taken from), and writes ``openapi-v2-parameters.json``: for every
operation, the parameters and body fields that arrived after the operation itself, with
the first release that has them. ``scripts/generate_operations.py`` turns it into the
table the client refuses such values by.

Usage::

    python scripts/extract_v2_parameters.py [--wheels DIR] [--output openapi-v2-parameters.json]

``--wheels`` names a folder that already holds the wheels; missing ones are downloaded with
``pip download --no-deps``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile
from typing import Any

import yaml
from generate_operations import operations

ROOT = pathlib.Path(__file__).resolve().parent.parent
RELEASES = ("3.0.0", "3.1.0", "3.2.0", "3.3.2")
# 3.0 shipped the v2 spec under its old file name.
MEMBERS = (
    "airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml",
    "airflow/api_fastapi/core_api/openapi/v1-rest-api-generated.yaml",
)


def wheel_of(release: str, folder: pathlib.Path) -> pathlib.Path:
    """Return the apache-airflow-core wheel of ``release`` in ``folder``, downloading it."""
    found = sorted(folder.glob(f"apache_airflow_core-{release}-*.whl"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                f"apache-airflow-core=={release}",
                "-d",
                str(folder),
            ],
            check=True,
        )
        found = sorted(folder.glob(f"apache_airflow_core-{release}-*.whl"))
    if len(found) != 1:
        raise SystemExit(f"expected one apache-airflow-core {release} wheel in {folder}")
    return found[0]


def read_spec(wheel: pathlib.Path) -> tuple[str, dict[str, Any]]:
    """Return the member name and the v2 spec inside ``wheel``."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for member in MEMBERS:
            if member in names:
                spec = yaml.safe_load(archive.read(member).decode("utf-8"))
                if not isinstance(spec, dict) or "paths" not in spec:
                    raise SystemExit(f"{member} in {wheel.name} is not an OpenAPI document")
                return member, spec
    raise SystemExit(f"{wheel.name} holds no v2 spec")


def history(specs: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, str]]]:
    """operationId → {"query"/"body": {name: first release}}, for names newer than the op."""
    seen = {release: operations(spec) for release, spec in specs.items()}
    newest = seen[RELEASES[-1]]
    table: dict[str, dict[str, dict[str, str]]] = {}
    for operation_id in sorted(newest):
        present = [r for r in RELEASES if operation_id in seen[r]]
        for place, index in (("query", 0), ("body", 1)):
            for name in newest[operation_id][index]:
                first = next(r for r in present if name in seen[r][operation_id][index])
                if first != present[0]:
                    table.setdefault(operation_id, {}).setdefault(place, {})[name] = first
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=pathlib.Path, help="folder holding the wheels")
    parser.add_argument("--output", type=pathlib.Path, default=ROOT / "openapi-v2-parameters.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.wheels or pathlib.Path(scratch)
        specs: dict[str, dict[str, Any]] = {}
        sources: list[str] = []
        for release in RELEASES:
            member, spec = read_spec(wheel_of(release, folder))
            specs[release] = spec
            sources.append(f"apache-airflow-core=={release}:{member}")
    document = {
        "x-extracted-from": sources,
        "releases": list(RELEASES),
        "operations": history(specs),
    }
    args.output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    count = sum(len(names) for op in document["operations"].values() for names in op.values())
    print(f"wrote {args.output.name}: {count} names newer than their operation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
