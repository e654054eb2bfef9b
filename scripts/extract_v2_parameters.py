"""Record which Airflow 3 minor added each ``/api/v2`` query parameter and body field.

A server of an older 3.x minor ignores a query parameter it does not know and answers 200,
so a filter it lacks would be dropped without a word. This script reads the v2 spec inside
the ``apache-airflow-core`` wheel of the first release of each minor (and of the release
``openapi-v2.json`` is taken from), and writes ``openapi-v2-parameters.json``: for every
operation, the parameters and body fields that arrived after the operation itself, with
the first release that has them. ``scripts/generate_operations.py`` turns it into the
table the client refuses such values by.

``python scripts/generate.py --extract`` runs it (and ``extract_spec.py``) before the
generators; alone::

    python scripts/extract_v2_parameters.py [--wheels DIR] [--output openapi-v2-parameters.json]

``--wheels`` names a folder that already holds the wheels; missing ones are downloaded with
``pip download --no-deps``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import tempfile
from typing import Any

from _output import Outputs, sync
from _spec import V2_PARAMETERS_PATH, V2_RELEASES, Wheels, accepted, core_source, read_wheel_spec

__all__ = ["extract", "history", "main"]


def history(specs: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, str]]]:
    """operationId → {"query"/"body": {name: first release}}, for names newer than the op.

    ``specs`` maps each release of :data:`~_spec.V2_RELEASES` to its v2 spec.
    """
    seen = {release: accepted(spec) for release, spec in specs.items()}
    newest = seen[V2_RELEASES[-1]]
    table: dict[str, dict[str, dict[str, str]]] = {}
    for operation_id in sorted(newest):
        present = [r for r in V2_RELEASES if operation_id in seen[r]]
        for place, index in (("query", 0), ("body", 1)):
            for name in newest[operation_id][index]:
                first = next(r for r in present if name in seen[r][operation_id][index])
                if first != present[0]:
                    table.setdefault(operation_id, {}).setdefault(place, {})[name] = first
    return table


def extract(wheels: Wheels, output: pathlib.Path = V2_PARAMETERS_PATH) -> Outputs:
    """Return the text of ``openapi-v2-parameters.json``, keyed by ``output``."""
    sources = [core_source(release) for release in V2_RELEASES]
    specs = {s.version: read_wheel_spec(wheels.get(s), s.member) for s in sources}
    document = {
        "x-extracted-from": [s.describe() for s in sources],
        "releases": list(V2_RELEASES),
        "operations": history(specs),
    }
    return {output: json.dumps(document, indent=1, sort_keys=True) + "\n"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--wheels", type=pathlib.Path, help="folder holding the wheels")
    parser.add_argument("--output", type=pathlib.Path, default=V2_PARAMETERS_PATH)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        outputs = extract(Wheels([], args.wheels or pathlib.Path(scratch)), args.output)
    sync(outputs, check=False)
    document = json.loads(outputs[args.output])
    count = sum(len(names) for op in document["operations"].values() for names in op.values())
    print(f"{args.output.name}: {count} names newer than their operation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
