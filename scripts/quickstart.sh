#!/usr/bin/env bash
# Set up .venv, start a local Airflow (2.11.2 unless AIRFLOW_VERSION names another release the
# server script knows, such as 3.3.2 or 3.0.6) on 127.0.0.1, run examples/quickstart.py
# against it, and stop the server again. The example is the same for every release.
#
#   bash scripts/quickstart.sh            # then: the server is stopped
#   AIRFLOW_VERSION=3.3.2 bash scripts/quickstart.sh   # the same against Airflow 3
#   KEEP_SERVER=1 bash scripts/quickstart.sh   # leave it running to try more by hand
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-dev.sh
version="${AIRFLOW_VERSION:-2.11.2}"
if [ "${KEEP_SERVER:-0}" != 1 ]; then
    trap '.venv/bin/python scripts/airflow_server.py stop --version "$version" || true' EXIT
fi
.venv/bin/python scripts/airflow_server.py start --version "$version"
AIRFLOW_TEST_STATE_FILE="$PWD/.cache/airflow-server/$version/state.json" \
    .venv/bin/python examples/quickstart.py "$@"
