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

Usage::

    python scripts/extract_spec.py                       # download the wheels, write all four
    python scripts/extract_spec.py --only v2,history     # some of them
    python scripts/extract_spec.py --wheel path/to/apache_airflow_core-3.3.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent

_HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")

#: The v2 spec's member in apache-airflow-core: 3.0.x names it v1-…, later releases v2-….
_CORE_MEMBER = "airflow/api_fastapi/core_api/openapi/{}-rest-api-generated.yaml"

#: The core releases whose specs make the v2 history, oldest first.
HISTORY_RELEASES = ("3.0.0", "3.1.0", "3.2.0", "3.3.2")


@dataclasses.dataclass(frozen=True)
class Source:
    """One spec inside one wheel.

    Attributes:
        distribution: The PyPI project, e.g. ``"apache-airflow-core"``.
        version: Its release.
        member: The spec's path inside the wheel.
    """

    distribution: str
    version: str
    member: str

    @property
    def wheel_prefix(self) -> str:
        """The start of the wheel's file name (``apache_airflow_core-3.3.2-``)."""
        return f"{self.distribution.replace('-', '_')}-{self.version}-"

    def describe(self) -> str:
        return f"{self.distribution}=={self.version}:{self.member}"


def core_source(version: str) -> Source:
    """The v2 spec of an apache-airflow-core release."""
    prefix = "v1" if version.startswith("3.0.") else "v2"
    return Source("apache-airflow-core", version, _CORE_MEMBER.format(prefix))


V1 = Source("apache-airflow", "2.11.2", "airflow/api_connexion/openapi/v1.yaml")
V2 = core_source("3.3.2")
FAB = Source(
    "apache-airflow-providers-fab",
    "3.10.2",
    "airflow/providers/fab/auth_manager/api_fastapi/openapi/v2-fab-auth-manager-generated.yaml",
)

#: Output file name → the spec written there.
SPECS: dict[str, Source] = {
    "openapi.json": V1,
    "openapi-v2.json": V2,
    "openapi-fab.json": FAB,
}
HISTORY_FILE = "openapi-v2-history.json"
TARGETS = {"v1": "openapi.json", "v2": "openapi-v2.json", "fab": "openapi-fab.json"}


class Wheels:
    """Finds each wheel among those given, or downloads it once into a directory."""

    def __init__(self, given: Iterable[pathlib.Path], download_dir: pathlib.Path) -> None:
        self._given = list(given)
        self._dir = download_dir

    def get(self, source: Source) -> pathlib.Path:
        """Return the wheel of ``source``'s distribution and version."""
        for path in [*self._given, *sorted(self._dir.glob("*.whl"))]:
            if path.name.lower().startswith(source.wheel_prefix.lower()):
                return path
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                f"{source.distribution}=={source.version}",
                "-d",
                str(self._dir),
            ],
            check=True,
        )
        for path in sorted(self._dir.glob("*.whl")):
            if path.name.lower().startswith(source.wheel_prefix.lower()):
                return path
        raise SystemExit(f"pip download gave no wheel of {source.distribution}=={source.version}")


def read_spec(wheel: pathlib.Path, member: str) -> dict[str, Any]:
    """Return the OpenAPI document at ``member`` inside ``wheel`` as a dict."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(member).decode("utf-8")
    spec = yaml.safe_load(text)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SystemExit(f"{member} in {wheel.name} is not an OpenAPI document")
    return spec


def operations(spec: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Return operationId → its ``(METHOD, path)`` routes, in the spec's order.

    An operationId may name several routes: Airflow 3.0.0 gave the mapped and unmapped
    forms of three task instance routes the same one.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for path, item in spec["paths"].items():
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if operation is not None:
                found.setdefault(operation["operationId"], []).append((method.upper(), path))
    return found


def history(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Describe how the operations of ``specs`` (release → spec, oldest first) changed.

    Returns a JSON-ready dict: ``releases``; ``operations``, operationId → ``since`` (the
    first release that has it), ``removed`` (the first later release without it, if any),
    ``routes`` (in the last release that has it) and, when its routes changed,
    ``route_history`` (each release where they changed and the routes from then on); and
    ``renamed``, every route whose operationId changed from one release to the next.
    """
    releases = list(specs)
    per_release = {release: operations(spec) for release, spec in specs.items()}
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
            routes = per_release[release][operation_id]
            if routes != previous:
                changes.append({"release": release, "routes": [list(r) for r in routes]})
                previous = routes
        if len(changes) > 1:
            entry["route_history"] = changes
        described[operation_id] = entry
    renamed = []
    for older, newer in itertools.pairwise(releases):
        before = {r: op for op, routes in per_release[older].items() for r in routes}
        now = {r: op for op, routes in per_release[newer].items() for r in routes}
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


def _write(path: pathlib.Path, document: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _count(spec: Mapping[str, Any]) -> int:
    return sum(len(routes) for routes in operations(spec).values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default="v1,v2,fab,history",
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
    unknown = wanted - {*TARGETS, "history"}
    if unknown:
        parser.error(f"unknown --only value(s): {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory() as tmp:
        wheels = Wheels(args.wheel, pathlib.Path(tmp))
        for target, filename in TARGETS.items():
            if target not in wanted:
                continue
            source = SPECS[filename]
            spec = read_spec(wheels.get(source), source.member)
            # info.version is the API's own version (2.10.5 in Airflow 2.11.2, "2" in
            # Airflow 3): record which distribution the text came from.
            spec["x-extracted-from"] = source.describe()
            _write(args.output_dir / filename, spec)
            print(f"wrote {filename}: {_count(spec)} operations from {source.describe()}")
        if "history" in wanted:
            sources = [core_source(version) for version in HISTORY_RELEASES]
            specs = {s.version: read_spec(wheels.get(s), s.member) for s in sources}
            document = {"x-extracted-from": [s.describe() for s in sources], **history(specs)}
            _write(args.output_dir / HISTORY_FILE, document)
            print(f"wrote {HISTORY_FILE}: {len(document['operations'])} operationIds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
