#!/usr/bin/env bash
# The project's test command: unit tests, then the integration suite against the real Airflow
# servers that this script starts (and stops again, whatever happens).
#
#   bash scripts/test.sh                 # everything, then the integration suite over httpx
#   bash scripts/test.sh -m "not integration"   # the fast layer only, no server
#   AIRFLOW_TEST_SERVERS="3.3.2" bash scripts/test.sh   # the suite against one server
#
# AIRFLOW_TEST_SERVERS lists the Airflow releases to start and test (spaces or commas;
# default: 2.11.2, 3.0.6 and 3.3.2, side by side). Every server-bound test runs once per
# server. Each server is smoke-tested (`airflow_server.py check`) before the suite.
# AIRFLOW_TEST_HTTPX_SERVERS lists the servers the suite runs against a second time over
# httpx's own transport (default: 3.3.2, the newest). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-dev.sh

needs_server=1
for arg in "$@"; do
    case "$arg" in
        "not integration") needs_server=0 ;;
    esac
done

export AIRFLOW_TEST_SERVERS="${AIRFLOW_TEST_SERVERS:-2.11.2 3.0.6 3.3.2}"
servers=()
for version in ${AIRFLOW_TEST_SERVERS//,/ }; do
    servers+=(--version "$version")
done

if [ "$needs_server" = 1 ]; then
    trap '.venv/bin/python scripts/airflow_server.py stop "${servers[@]}" || true' EXIT
    .venv/bin/python scripts/airflow_server.py start "${servers[@]}"
    .venv/bin/python scripts/airflow_server.py check "${servers[@]}"
    export AIRFLOW_CLIENT_REQUIRE_SERVER=1
fi

status=0
.venv/bin/python -m pytest "$@" || status=$?

if [ "$#" = 0 ]; then
    # The integration suite again, over httpx's own transport (the first run used the
    # default one, aiohttp on asyncio), so both transports pass the same real-server suite;
    # and reading with msgspec (the first run used json.loads), so both parsers do too.
    # It runs even when the first run failed, so one red test does not hide this lane.
    AIRFLOW_TEST_SERVERS="${AIRFLOW_TEST_HTTPX_SERVERS:-3.3.2}" \
        AIRFLOW_CLIENT_TRANSPORT=httpx AIRFLOW_CLIENT_TEST_JSON=msgspec \
        .venv/bin/python -m pytest tests/integration || status=$?
fi
exit "$status"
