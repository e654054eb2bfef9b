#!/usr/bin/env bash
# The benchmarks, in one command: prepare their own environments (benchmarks/.venv, with
# this package and its fast extra, apache-airflow-client 2.10.0, pyinstrument and
# matplotlib for the figures; benchmarks/.venv-v3 with apache-airflow-client 3.3.2, which
# cannot share one with 2.x),
# then run them against a local stub server that benchmarks/run.py starts and stops.
#
#   bash benchmarks/run.sh              # full run, writes benchmarks/RESULTS.md and its PNGs
#   bash benchmarks/run.sh --smoke      # tiny sizes (<1 min), writes temporary files
#   bash benchmarks/run.sh --only a,b   # some scenarios, printed to stdout
#   bash benchmarks/run.sh --real       # fan-out against the real servers of
#                                       # scripts/airflow_server.py (benchmarks/real_fanout.py,
#                                       # writes benchmarks/RESULTS-real.md; never in --smoke)
#
# Other arguments go to benchmarks/run.py.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=benchmarks/.venv
VENV_V3=benchmarks/.venv-v3
PYTHON="${PYTHON:-python3}"
REQUIREMENTS=(apache-airflow-client==2.10.0 pyinstrument matplotlib)
REQUIREMENTS_V3=(apache-airflow-client==3.3.2)

if [ -x .venv/bin/uv ]; then
    UV=.venv/bin/uv
elif command -v uv >/dev/null 2>&1; then
    UV=uv
else
    UV=
fi

for venv in "$VENV" "$VENV_V3"; do
    if [ ! -x "$venv/bin/python" ]; then
        "$PYTHON" -m venv "$venv"
    fi
done
# A regular (not editable) install with bytecode compiled ahead, so import times are what
# users get; reinstalled every run so the working tree's code is what gets measured.
if [ -n "$UV" ]; then
    "$UV" pip install --quiet --python "$VENV/bin/python" --compile-bytecode \
        --reinstall-package airflow-client-async ".[fast]" "${REQUIREMENTS[@]}"
    "$UV" pip install --quiet --python "$VENV_V3/bin/python" --compile-bytecode \
        "${REQUIREMENTS_V3[@]}"
else
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --force-reinstall --no-deps .
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ".[fast]" \
        "${REQUIREMENTS[@]}"
    "$VENV_V3/bin/python" -m pip install --quiet --disable-pip-version-check \
        "${REQUIREMENTS_V3[@]}"
fi

export BENCHMARK_COMMAND="bash benchmarks/run.sh${*:+ $*}"
if [ "${1:-}" = "--real" ]; then
    shift
    exec "$VENV/bin/python" benchmarks/real_fanout.py "$@"
fi
exec "$VENV/bin/python" benchmarks/run.py "$@"
