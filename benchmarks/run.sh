#!/usr/bin/env bash
# The benchmarks, in one command: prepare their own environment (benchmarks/.venv, with
# this package, apache-airflow-client 2.10.0, pyinstrument and matplotlib for the figures),
# then run them against a local stub server that benchmarks/run.py starts and stops.
#
#   bash benchmarks/run.sh              # full run, writes benchmarks/RESULTS.md and its PNGs
#   bash benchmarks/run.sh --smoke      # tiny sizes (<1 min), writes temporary files
#   bash benchmarks/run.sh --only a,b   # some scenarios, printed to stdout
#
# Other arguments go to benchmarks/run.py.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=benchmarks/.venv
PYTHON="${PYTHON:-python3}"
REQUIREMENTS=(apache-airflow-client==2.10.0 pyinstrument matplotlib)

if [ -x .venv/bin/uv ]; then
    UV=.venv/bin/uv
elif command -v uv >/dev/null 2>&1; then
    UV=uv
else
    UV=
fi

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
# A regular (not editable) install with bytecode compiled ahead, so import times are what
# users get; reinstalled every run so the working tree's code is what gets measured.
if [ -n "$UV" ]; then
    "$UV" pip install --quiet --python "$VENV/bin/python" --compile-bytecode \
        --reinstall-package airflow-client-async . "${REQUIREMENTS[@]}"
else
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --force-reinstall --no-deps .
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check . "${REQUIREMENTS[@]}"
fi

export BENCHMARK_COMMAND="bash benchmarks/run.sh${*:+ $*}"
exec "$VENV/bin/python" benchmarks/run.py "$@"
