"""Extract Airflow's stable REST API spec (v1) from the apache-airflow wheel on PyPI.

The wheel carries ``airflow/api_connexion/openapi/v1.yaml``; this script downloads the
wheel with ``pip download --no-deps``, reads that file and writes it, unchanged, as JSON.
Corrections for places where the server disagrees with the spec are not applied here:
they live in ``scripts/spec_corrections.py`` and are applied by the model generator and
documented there, so ``openapi.json`` stays Airflow's own text.

Usage::

    python scripts/extract_spec.py [--version 2.11.2] [--output openapi.json]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import yaml

SPEC_MEMBER = "airflow/api_connexion/openapi/v1.yaml"
DEFAULT_VERSION = "2.11.2"


def download_wheel(version: str, dest: pathlib.Path) -> pathlib.Path:
    """Download the apache-airflow wheel of ``version`` into ``dest`` and return its path."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            f"apache-airflow=={version}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    wheels = sorted(dest.glob("apache_airflow-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one apache-airflow wheel in {dest}, found {wheels}")
    return wheels[0]


def read_spec(wheel: pathlib.Path) -> dict[str, object]:
    """Return the v1 spec inside ``wheel`` as a dict."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(SPEC_MEMBER).decode("utf-8")
    spec = yaml.safe_load(text)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SystemExit(f"{SPEC_MEMBER} in {wheel.name} is not an OpenAPI document")
    return spec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION, help="apache-airflow release")
    parser.add_argument("--output", default="openapi.json", type=pathlib.Path)
    parser.add_argument("--wheel", type=pathlib.Path, help="use this wheel, skip the download")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(args.version, pathlib.Path(tmp))
        spec = read_spec(wheel)
    # The spec's own info.version is the API version (2.10.5 in Airflow 2.11.2); record which
    # distribution it came from as an extension field so a reader knows its source.
    spec["x-extracted-from"] = f"apache-airflow=={args.version}:{SPEC_MEMBER}"
    args.output.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    operations = sum(
        1
        for item in spec["paths"].values()  # type: ignore[attr-defined]
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    )
    print(f"wrote {args.output}: {operations} operations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
