"""What the extractors and generators share: where the specs are, and how to read them.

The spec files at the top of the repository are Airflow's own text, extracted from the
wheels on PyPI (:class:`Source`, :class:`Wheels`, :func:`read_wheel_spec`). The generators
read them (:func:`load`) and walk their operations (:func:`routes`, :func:`accepted`).
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

__all__ = [
    "FAB",
    "HTTP_METHODS",
    "ROOT",
    "SPEC_FAB_PATH",
    "SPEC_PATH",
    "SPEC_V2_PATH",
    "V1",
    "V2",
    "V2_HISTORY_PATH",
    "V2_PARAMETERS_PATH",
    "V2_RELEASES",
    "Source",
    "Wheels",
    "accepted",
    "core_source",
    "load",
    "read_wheel_spec",
    "routes",
]

ROOT = pathlib.Path(__file__).resolve().parent.parent

#: Airflow 2.11.2's ``/api/v1``.
SPEC_PATH = ROOT / "openapi.json"
#: Airflow 3's ``/api/v2``, from apache-airflow-core 3.3.2.
SPEC_V2_PATH = ROOT / "openapi-v2.json"
#: The FAB auth manager's API on Airflow 3 (``/auth/fab/v1``).
SPEC_FAB_PATH = ROOT / "openapi-fab.json"
#: Which Airflow 3 minor added (or removed) each v2 operation, and its routes.
V2_HISTORY_PATH = ROOT / "openapi-v2-history.json"
#: Which Airflow 3 minor added each v2 query parameter and body field newer than its operation.
V2_PARAMETERS_PATH = ROOT / "openapi-v2-parameters.json"

#: The core releases whose specs make the v2 history, oldest first: the first release of
#: each minor, and the release ``openapi-v2.json`` is taken from.
V2_RELEASES = ("3.0.0", "3.1.0", "3.2.0", "3.3.2")

#: The HTTP methods an OpenAPI path item may hold an operation under, in walking order.
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")

#: The v2 spec's member in apache-airflow-core: 3.0.x names it v1-…, later releases v2-….
_CORE_MEMBER = "airflow/api_fastapi/core_api/openapi/{}-rest-api-generated.yaml"


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
        """``distribution==version:member``, as the extracted files record it."""
        return f"{self.distribution}=={self.version}:{self.member}"


def core_source(version: str) -> Source:
    """Return where the v2 spec of an apache-airflow-core release is."""
    prefix = "v1" if version.startswith("3.0.") else "v2"
    return Source("apache-airflow-core", version, _CORE_MEMBER.format(prefix))


V1 = Source("apache-airflow", "2.11.2", "airflow/api_connexion/openapi/v1.yaml")
V2 = core_source(V2_RELEASES[-1])
FAB = Source(
    "apache-airflow-providers-fab",
    "3.10.2",
    "airflow/providers/fab/auth_manager/api_fastapi/openapi/v2-fab-auth-manager-generated.yaml",
)


class Wheels:
    """Finds each wheel among those given, or downloads it once into a directory."""

    def __init__(self, given: Iterable[pathlib.Path], download_dir: pathlib.Path) -> None:
        self._given = list(given)
        self._dir = download_dir

    def _find(self, source: Source, candidates: Iterable[pathlib.Path]) -> pathlib.Path | None:
        prefix = source.wheel_prefix.lower()
        return next((p for p in candidates if p.name.lower().startswith(prefix)), None)

    def get(self, source: Source) -> pathlib.Path:
        """Return the wheel of ``source``'s distribution and version."""
        found = self._find(source, [*self._given, *sorted(self._dir.glob("*.whl"))])
        if found is not None:
            return found
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
        found = self._find(source, sorted(self._dir.glob("*.whl")))
        if found is None:
            raise SystemExit(
                f"pip download gave no wheel of {source.distribution}=={source.version}"
            )
        return found


def read_wheel_spec(wheel: pathlib.Path, member: str) -> dict[str, Any]:
    """Return the OpenAPI document at ``member`` inside ``wheel`` as a dict."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(member).decode("utf-8")
    spec = yaml.safe_load(text)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SystemExit(f"{member} in {wheel.name} is not an OpenAPI document")
    return spec


def load(path: pathlib.Path) -> dict[str, Any]:
    """Return the JSON document at ``path``."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def routes(spec: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Return operationId → its ``(METHOD, path)`` routes, in the spec's order.

    An operationId may name several routes: Airflow 3.0.0 gave the mapped and unmapped
    forms of three task instance routes the same one.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is not None:
                found.setdefault(operation["operationId"], []).append((method.upper(), path))
    return found


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = spec["components"][kind][name]
    return node


def _body_fields(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> set[str]:
    schema = _resolve(spec, schema)
    fields = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        fields |= _body_fields(spec, part)
    return fields


def accepted(spec: Mapping[str, Any]) -> dict[str, tuple[list[str], list[str]]]:
    """Return operationId → (sorted query parameter names, sorted JSON body field names)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for item in spec["paths"].values():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [_resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
            query = sorted({p["name"] for p in parameters if p["in"] == "query"})
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            body = sorted(_body_fields(spec, schema)) if schema else []
            found[operation["operationId"]] = (query, body)
    return found
