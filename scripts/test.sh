#!/usr/bin/env bash
# The project's test command: unit tests, then the integration suite against a real Airflow
# server that this script starts (and stops again, whatever happens).
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -m "not integration"   # the fast layer only, no server
#
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-dev.sh

needs_server=1
for arg in "$@"; do
    case "$arg" in
        "not integration") needs_server=0 ;;
    esac
done

if [ "$needs_server" = 1 ]; then
    trap '.venv/bin/python scripts/airflow_server.py stop || true' EXIT
    .venv/bin/python scripts/airflow_server.py start
    export AIRFLOW_CLIENT_REQUIRE_SERVER=1
fi

.venv/bin/python -m pytest "$@"
