"""Extract Airflow's REST API specs from the wheels on PyPI, and how the v2 API grew.

Writes, at the top of the repository:

* ``openapi.json``: the stable REST API of Airflow 2 (``/api/v1``), from
  ``airflow/api_connexion/openapi/v1.yaml`` in apache-airflow 2.11.2;
* ``openapi-v2.json``: the REST API of Airflow 3 (``/api/v2``), from
  ``airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml`` in
  apache-airflow-core 3.3.2;
* ``openapi-fab.json``: the FAB auth manager's API (users, roles and permissions under
  ``/auth/fab/v1`` on Airflow 3), from apache-airflow-providers-fab 3.10.2;
* ``openapi-v2-history.json``: for every v2 operationId, the first of the core releases
  3.0.0, 3.1.0, 3.2.0 and 3.3.2 that has it, the release that dropped it, its routes, and
  the routes that changed operationId between releases.

Each wheel is downloaded with ``pip download --no-deps`` (or given with ``--wheel``). The
three spec files are Airflow's own text as JSON, plus an ``x-extracted-from`` field naming
the distribution and member they came from. Corrections for places where a server disagrees
with its spec are not applied here: they live in ``scripts/spec_corrections.py`` (v1) and
``scripts/spec_corrections_v2.py`` (v2 and FAB), applied by the model generator.

``python scripts/generate.py --extract`` runs it (and ``extract_v2_parameters.py``) before
the generators; alone::

    python scripts/extract_spec.py                       # download the wheels, write all four
    python scripts/extract_spec.py --only v2,history     # some of them
    python scripts/extract_spec.py --wheel path/to/apache_airflow_core-3.3.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import itertools
import json
import pathlib
import sys
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

from _output import Outputs, sync
from _spec import (
    FAB,
    ROOT,
    V1,
    V2,
    V2_HISTORY_PATH,
    V2_RELEASES,
    Source,
    Wheels,
    core_source,
    read_wheel_spec,
    routes,
)

__all__ = ["ALL", "SPECS", "TARGETS", "extract", "history", "main"]

#: Output file name → the spec written there.
SPECS: dict[str, Source] = {
    "openapi.json": V1,
    "openapi-v2.json": V2,
    "openapi-fab.json": FAB,
}
HISTORY_FILE = V2_HISTORY_PATH.name
TARGETS = {"v1": "openapi.json", "v2": "openapi-v2.json", "fab": "openapi-fab.json"}
ALL = (*TARGETS, "history")


def history(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Describe how the operations of ``specs`` (release → spec, oldest first) changed.

    Returns a JSON-ready dict: ``releases``; ``operations``, operationId → ``since`` (the
    first release that has it), ``removed`` (the first later release without it, if any),
    ``routes`` (in the last release that has it) and, when its routes changed,
    ``route_history`` (each release where they changed and the routes from then on); and
    ``renamed``, every route whose operationId changed from one release to the next.
    """
    releases = list(specs)
    per_release = {release: routes(spec) for release, spec in specs.items()}
    described: dict[str, dict[str, Any]] = {}
    for operation_id in sorted({op for ops in per_release.values() for op in ops}):
        present = [r for r in releases if operation_id in per_release[r]]
        first = present[0]
        entry: dict[str, Any] = {"since": first}
        after = releases[releases.index(present[-1]) + 1 :]
        if after:
            entry["removed"] = after[0]
        if present != releases[releases.index(first) : releases.index(present[-1]) + 1]:
            raise SystemExit(f"{operation_id} disappears and comes back: {present}")
        entry["routes"] = [list(r) for r in per_release[present[-1]][operation_id]]
        changes: list[dict[str, Any]] = []
        previous: list[tuple[str, str]] | None = None
        for release in present:
            found = per_release[release][operation_id]
            if found != previous:
                changes.append({"release": release, "routes": [list(r) for r in found]})
                previous = found
        if len(changes) > 1:
            entry["route_history"] = changes
        described[operation_id] = entry
    renamed = []
    for older, newer in itertools.pairwise(releases):
        before = {r: op for op, found in per_release[older].items() for r in found}
        now = {r: op for op, found in per_release[newer].items() for r in found}
        for route, operation_id in before.items():
            if route in now and now[route] != operation_id:
                renamed.append(
                    {
                        "release": newer,
                        "method": route[0],
                        "path": route[1],
                        "from": operation_id,
                        "to": now[route],
                    }
                )
    return {"releases": releases, "operations": described, "renamed": renamed}


def _dump(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def extract(
    wheels: Wheels, wanted: Iterable[str] = ALL, output_dir: pathlib.Path = ROOT
) -> Outputs:
    """Return the text of each wanted file (``v1``, ``v2``, ``fab``, ``history``), by path."""
    wanted = set(wanted)
    found: dict[pathlib.Path, str] = {}
    for target, filename in TARGETS.items():
        if target not in wanted:
            continue
        source = SPECS[filename]
        spec = read_wheel_spec(wheels.get(source), source.member)
        # info.version is the API's own version (2.10.5 in Airflow 2.11.2, "2" in
        # Airflow 3): record which distribution the text came from.
        spec["x-extracted-from"] = source.describe()
        found[output_dir / filename] = _dump(spec)
    if "history" in wanted:
        sources = [core_source(version) for version in V2_RELEASES]
        specs = {s.version: read_wheel_spec(wheels.get(s), s.member) for s in sources}
        document = {"x-extracted-from": [s.describe() for s in sources], **history(specs)}
        found[output_dir / HISTORY_FILE] = _dump(document)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--only",
        default=",".join(ALL),
        help="comma-separated: v1, v2, fab, history (default: all)",
    )
    parser.add_argument(
        "--wheel",
        action="append",
        default=[],
        type=pathlib.Path,
        help="use this wheel instead of downloading it (repeatable; matched by file name)",
    )
    parser.add_argument("--output-dir", default=ROOT, type=pathlib.Path)
    args = parser.parse_args(argv)
    wanted = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = wanted - set(ALL)
    if unknown:
        parser.error(f"unknown --only value(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory() as tmp:
        outputs = extract(Wheels(args.wheel, pathlib.Path(tmp)), wanted, args.output_dir)
    sync(outputs, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
