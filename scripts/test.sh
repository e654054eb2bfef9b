#!/usr/bin/env bash
# The project's test command: unit tests, then the integration suite against a real Airflow
# server that this script starts (and stops again, whatever happens).
#
#   bash scripts/test.sh                 # everything, then the integration suite over httpx
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

if [ "$#" = 0 ]; then
    # The integration suite again, over httpx's own transport (the first run used the
    # default one, aiohttp on asyncio), so both transports pass the same real-server suite.
    AIRFLOW_CLIENT_TRANSPORT=httpx .venv/bin/python -m pytest tests/integration
fi
