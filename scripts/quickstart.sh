#!/usr/bin/env bash
# Set up .venv, start a local Airflow 2.11.2 (webserver + scheduler on 127.0.0.1), run
# examples/quickstart.py against it, and stop the server again.
#
#   bash scripts/quickstart.sh            # then: the server is stopped
#   KEEP_SERVER=1 bash scripts/quickstart.sh   # leave it running to try more by hand
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-dev.sh
if [ "${KEEP_SERVER:-0}" != 1 ]; then
    trap '.venv/bin/python scripts/airflow_server.py stop --version 2.11.2 || true' EXIT
fi
.venv/bin/python scripts/airflow_server.py start --version 2.11.2
AIRFLOW_TEST_STATE_FILE="$PWD/.cache/airflow-server/2.11.2/state.json" \
    .venv/bin/python examples/quickstart.py "$@"
