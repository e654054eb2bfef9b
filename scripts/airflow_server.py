"""Install, start and stop a real Apache Airflow 2.x server for the integration tests.

The server is a webserver (gunicorn, two workers) and a scheduler (SequentialExecutor) on
SQLite, bound to 127.0.0.1, with a fresh ``AIRFLOW_HOME`` under the state directory on every
``start``. Airflow lives in its own venv, ``<repo>/.cache/airflow-<version>-venv``, kept between
runs and never mixed with the client's own environment.

Settings the tests depend on:

* ``[api] auth_backends`` is basic auth, and ``webserver_config.py`` sets
  ``AUTH_ROLE_PUBLIC = None``: wrong or missing credentials answer **401** problem+json. With
  Flask-AppBuilder's default (``"Public"``) real deployments answer 403 instead.
* ``[api] maximum_page_limit`` is 10, so any ``limit`` above 10 is cut to 10 and listing the
  example DAGs, connections or task instances really spans several pages.
* ``[webserver] expose_config`` and ``[core] test_connection`` are on, so ``GET /config`` and
  ``POST /connections/test`` answer instead of 403.
* DAGs are paused at creation; the example DAGs are loaded, and the files of
  ``tests/integration/dags`` are copied into the dags folder.
* The scheduler lists the dags folder every few seconds, so a DAG file dropped in later (for
  instance a broken one, to produce an import error) is seen within about 10-20 s. Airflow only
  parses files whose text contains both ``airflow`` and ``dag``.
* The two test users are ``admin`` (role Admin) and ``viewer`` (role Viewer). Their passwords
  are stored with a one-round PBKDF2 hash: Airflow's default scrypt hash costs ~126 ms on every
  basic-auth request.

``start`` writes ``state.json`` in the state directory (base URL, credentials, paths, PIDs);
``tests/integration/_server.py`` reads it. ``stop`` ends exactly the processes ``start`` began.

Usage::

    python scripts/airflow_server.py install [--version 2.11.2]
    python scripts/airflow_server.py start [--version 2.11.2] [--port 0] [--state-dir DIR]
    python scripts/airflow_server.py status
    eval "$(python scripts/airflow_server.py env)"
    python scripts/airflow_server.py stop

This script uses only the standard library and never imports the client package.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

REPO = pathlib.Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache"
DEFAULT_VERSION = "2.11.2"
DEFAULT_STATE_DIR = CACHE / "airflow-server"
OWN_DAGS = REPO / "tests" / "integration" / "dags"
STATE_FILE_NAME = "state.json"

ADMIN = {"username": "admin", "password": "admin-test-password", "role": "Admin"}
VIEWER = {"username": "viewer", "password": "viewer-test-password", "role": "Viewer"}
# Fixed so sessions and encrypted fields stay valid across a restart of the processes.
SECRET_KEY = "airflow-client-async-integration-secret"
FERNET_KEY = base64.urlsafe_b64encode(b"airflow-client-async-fernet-key!").decode("ascii")
# One PBKDF2 round: the hash is only a test fixture and must be cheap to check.
CHEAP_HASH_METHOD = "pbkdf2:sha256:1"

WEBSERVER_CONFIG = '''\
"""Flask-AppBuilder settings of the integration-test webserver."""

from flask_appbuilder.const import AUTH_DB

AUTH_TYPE = AUTH_DB
# No anonymous role: a request with wrong or missing credentials gets 401, not 403.
AUTH_ROLE_PUBLIC = None
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
'''

# Runs inside the Airflow venv (Flask-AppBuilder and werkzeug are Airflow's, not ours). One
# interpreter start instead of `airflow sync-perm` plus one `airflow users create` a user; the
# roles must be synced first because only Admin exists before the webserver's first start.
USERS_SNIPPET = """\
import json, sys
from werkzeug.security import generate_password_hash
try:
    from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder
except ImportError:
    from airflow.utils.cli_app_builder import get_application_builder
users, method = json.loads(sys.argv[1]), sys.argv[2]
with get_application_builder() as appbuilder:
    sm = appbuilder.sm
    appbuilder.add_permissions(update_perms=True)
    sm.sync_roles()
    for user in users:
        hashed = generate_password_hash(user["password"], method=method)
        existing = sm.find_user(username=user["username"])
        if existing is not None:
            existing.password = hashed
            sm.update_user(existing)
            continue
        created = sm.add_user(
            username=user["username"],
            first_name=user["username"].capitalize(),
            last_name="Test",
            email=user["username"] + "@example.com",
            role=sm.find_role(user["role"]),
            hashed_password=hashed,
        )
        if not created:
            sys.exit("could not create user " + user["username"])
"""


class ServerError(Exception):
    """A step of installing or starting the server failed."""


# --------------------------------------------------------------------------------------------
# Paths and the venv


def venv_dir(version: str) -> pathlib.Path:
    """Return the venv directory that holds apache-airflow ``version``."""
    return CACHE / f"airflow-{version}-venv"


def venv_bin(version: str, name: str) -> pathlib.Path:
    """Return the path of executable ``name`` inside the venv of ``version``."""
    return venv_dir(version) / "bin" / name


def constraints_file(version: str) -> pathlib.Path | None:
    """Return the frozen constraints file for ``version`` if the repo has one."""
    path = REPO / "scripts" / f"airflow-constraints-{version}.txt"
    return path if path.is_file() else None


def installed_version(version: str) -> str | None:
    """Return the apache-airflow version installed in the venv of ``version``, if any."""
    venv = venv_dir(version)
    if not (venv / "bin" / "python").exists():
        return None
    for dist_info in venv.glob("lib/python*/site-packages/apache_airflow-*.dist-info"):
        # Directory names are ``apache_airflow-<version>.dist-info``.
        return dist_info.name[len("apache_airflow-") : -len(".dist-info")]
    return None


def install(version: str, python: str) -> float:
    """Create the venv of ``version`` with apache-airflow installed; return seconds spent.

    Does nothing when the venv already holds that version. Bytecode is compiled at install
    time because ``PYTHONDONTWRITEBYTECODE`` may be set, and without ``.pyc`` files every
    ``airflow`` command pays seconds of compiling.
    """
    if installed_version(version) == version:
        return 0.0
    started = time.monotonic()
    venv = venv_dir(version)
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    requirement = [f"apache-airflow=={version}"]
    constraints = constraints_file(version)
    if constraints is not None:
        requirement += ["-c", str(constraints)]
    uv = shutil.which("uv")
    if uv:
        run([uv, "venv", "--quiet", "--python", python, str(venv)])
        python_in_venv = str(venv / "bin" / "python")
        run([uv, "pip", "install", "--python", python_in_venv, "--compile-bytecode", *requirement])
    else:
        run([python, "-m", "venv", str(venv)])
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        run([*pip, "install", "--quiet", *requirement])
        run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(venv / "lib")])
    if installed_version(version) != version:
        raise ServerError(f"apache-airflow=={version} is not in {venv} after installing")
    return time.monotonic() - started


# --------------------------------------------------------------------------------------------
# Processes


def run(
    cmd: Sequence[str], *, env: Mapping[str, str] | None = None, log: pathlib.Path | None = None
) -> str:
    """Run ``cmd`` to completion; return its stdout, appending all output to ``log``.

    Raises ``ServerError`` with the output's tail when the command fails.
    """
    result = subprocess.run(
        list(cmd),
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if log is not None:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise ServerError(f"command failed ({result.returncode}): {' '.join(cmd)}\n{tail}")
    return result.stdout


def spawn(cmd: Sequence[str], env: Mapping[str, str], log: pathlib.Path) -> int:
    """Start ``cmd`` in its own session with output to ``log``; return its PID.

    A new session makes the PID the session and process-group id of everything it forks,
    which is how ``stop`` finds them all and nothing else.
    """
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(cmd),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return proc.pid


def proc_stat(pid: int | str) -> list[str] | None:
    """Return the fields of ``/proc/<pid>/stat`` after the command name, or None if gone."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after its ")" are fixed:
    # state, ppid, pgrp, session, ..., starttime (the 20th of them).
    fields = stat[stat.rindex(")") + 2 :].split()
    # A zombie has ended; it only waits for its parent to read its exit status.
    return None if fields[0] == "Z" else fields


def start_time(pid: int) -> str | None:
    """Return the kernel start time of ``pid`` (Linux), or None when it is gone or unknown."""
    fields = proc_stat(pid)
    return fields[19] if fields else None


def alive(pid: int, started: str | None) -> bool:
    """Tell whether ``pid`` is still the process started at ``started``."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    if started is None or not pathlib.Path("/proc").is_dir():
        return True
    return start_time(pid) == started


def session_members(sid: int) -> list[int]:
    """Return the PIDs of every live process in session ``sid`` (Linux ``/proc``)."""
    members = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = proc_stat(entry.name)
            if fields is not None and int(fields[3]) == sid:
                members.append(int(entry.name))
    return members


def signal_session(sid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to every process of session ``sid``.

    Processes may move to their own process group (Airflow's task runner does), but they stay
    in the session, so the session is walked where ``/proc`` exists.
    """
    pids = session_members(sid) if pathlib.Path("/proc").is_dir() else []
    groups = {sid}
    for pid in pids:
        try:
            groups.add(os.getpgid(pid))
        except ProcessLookupError:
            continue
    for group in groups:
        try:
            os.killpg(group, sig)
        except (ProcessLookupError, PermissionError):
            continue


def stop_processes(pids: Mapping[str, Any], grace: float = 20.0) -> None:
    """End the sessions recorded in ``pids`` (name -> {pid, started}): TERM, wait, then KILL."""
    live = {
        name: int(entry["pid"])
        for name, entry in pids.items()
        if alive(int(entry["pid"]), entry.get("started"))
    }
    for sid in live.values():
        signal_session(sid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not any(_session_alive(sid) for sid in live.values()):
            return
        time.sleep(0.2)
    for sid in live.values():
        signal_session(sid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_session_alive(sid) for sid in live.values()):
        time.sleep(0.1)


def _session_alive(sid: int) -> bool:
    if pathlib.Path("/proc").is_dir():
        return bool(session_members(sid))
    try:
        os.killpg(sid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: pathlib.Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of ``path`` (or a note that it is missing)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------------------------
# HTTP


def http_get(url: str, auth: tuple[str, str] | None = None, timeout: float = 5.0) -> Any:
    """GET ``url`` and return the decoded JSON body; raise on a non-2xx answer."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def health(base_url: str) -> dict[str, Any] | None:
    """Return ``GET /api/v1/health``'s body, or None when the server does not answer 200."""
    try:
        body = http_get(f"{base_url}/api/v1/health", timeout=3.0)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return body if isinstance(body, dict) else None


def is_healthy(body: Mapping[str, Any] | None) -> bool:
    """Tell whether a health body reports both the database and the scheduler healthy."""
    if not body:
        return False
    return all(
        (body.get(part) or {}).get("status") == "healthy" for part in ("metadatabase", "scheduler")
    )


def own_dag_ids() -> list[str]:
    """Return the DAG ids declared in ``tests/integration/dags`` (``dag_id="..."`` literals)."""
    ids = []
    for path in sorted(OWN_DAGS.glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith('dag_id="'):
                ids.append(stripped.split('"')[1])
    return ids


def missing_dags(base_url: str, auth: tuple[str, str], wanted: Sequence[str]) -> list[str]:
    """Return the ids of ``wanted`` not yet listed by ``GET /dags`` (all when it fails)."""
    try:
        total = http_get(f"{base_url}/api/v1/dags?limit=1", auth=auth)["total_entries"]
        found: set[str] = set()
        for dag_id in wanted:
            body = http_get(f"{base_url}/api/v1/dags?dag_id_pattern={dag_id}&limit=10", auth=auth)
            found.update(dag["dag_id"] for dag in body["dags"])
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        return list(wanted)
    # Our DAGs alone are not enough: the example DAGs must be listed too.
    if total <= len(wanted):
        return [*sorted(set(wanted) - found), "(example DAGs)"]
    return sorted(set(wanted) - found)


# --------------------------------------------------------------------------------------------
# State


def state_path(state_dir: pathlib.Path) -> pathlib.Path:
    """Return the path of the state file in ``state_dir``."""
    return state_dir / STATE_FILE_NAME


def read_state(state_dir: pathlib.Path) -> dict[str, Any] | None:
    """Return the recorded state, or None when there is none."""
    try:
        return json.loads(state_path(state_dir).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def write_state(state_dir: pathlib.Path, state: Mapping[str, Any]) -> None:
    """Write ``state`` atomically so a reader never sees half a file."""
    path = state_path(state_dir)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def running(state: Mapping[str, Any] | None) -> dict[str, bool]:
    """Return, for each recorded process, whether it is still alive."""
    if not state:
        return {}
    return {
        name: alive(int(entry["pid"]), entry.get("started"))
        for name, entry in (state.get("pids") or {}).items()
    }


# --------------------------------------------------------------------------------------------
# Start


def airflow_env(version: str, home: pathlib.Path, dags: pathlib.Path, port: int) -> dict[str, str]:
    """Return the environment of every Airflow command: ours, with outside Airflow vars removed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    # The executor runs each task as a bare `airflow tasks run ...`, found on PATH.
    venv = venv_dir(version)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", os.defpath)])
    env["VIRTUAL_ENV"] = str(venv)
    # .pyc files for DAGs and anything not compiled at install time are worth keeping.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__EXECUTOR": "SequentialExecutor",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "True",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
            "AIRFLOW__CORE__FERNET_KEY": FERNET_KEY,
            "AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL": "5",
            "AIRFLOW__CORE__MIN_SERIALIZED_DAG_FETCH_INTERVAL": "2",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth",
            "AIRFLOW__API__MAXIMUM_PAGE_LIMIT": "10",
            "AIRFLOW__WEBSERVER__EXPOSE_CONFIG": "True",
            "AIRFLOW__WEBSERVER__SECRET_KEY": SECRET_KEY,
            "AIRFLOW__WEBSERVER__WORKERS": "2",
            "AIRFLOW__WEBSERVER__WEB_SERVER_HOST": "127.0.0.1",
            "AIRFLOW__WEBSERVER__WEB_SERVER_PORT": str(port),
            "AIRFLOW__WEBSERVER__BASE_URL": f"http://127.0.0.1:{port}",
            "AIRFLOW__WEBSERVER__WARN_DEPLOYMENT_EXPOSURE": "False",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__PARSING_PROCESSES": "1",
            "AIRFLOW__SCHEDULER__CATCHUP_BY_DEFAULT": "False",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        }
    )
    return env


def prepare_home(state_dir: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """Create a fresh AIRFLOW_HOME with our webserver config and DAGs; return (home, dags)."""
    home = state_dir / "home"
    if home.exists():
        shutil.rmtree(home)
    dags = home / "dags"
    dags.mkdir(parents=True)
    (home / "webserver_config.py").write_text(WEBSERVER_CONFIG, encoding="utf-8")
    for source in sorted(OWN_DAGS.glob("*.py")):
        shutil.copy2(source, dags / source.name)
    return home, dags


def create_users(version: str, env: Mapping[str, str], db: pathlib.Path, log: pathlib.Path) -> None:
    """Create the admin and viewer users with cheap password hashes, then check ``ab_user``."""
    users = [ADMIN, VIEWER]
    python = str(venv_bin(version, "python"))
    run([python, "-c", USERS_SNIPPET, json.dumps(users), CHEAP_HASH_METHOD], env=env, log=log)
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT username, password FROM ab_user").fetchall())
    conn.close()
    for user in users:
        if not str(rows.get(user["username"], "")).startswith(CHEAP_HASH_METHOD + "$"):
            raise ServerError(f"user {user['username']!r} has no cheap password hash in {db}")


def wait_ready(
    base_url: str, procs: Mapping[str, Mapping[str, Any]], timeout: float
) -> dict[str, Any]:
    """Wait until health is good and every DAG is listed; return the health body.

    Raises ``ServerError`` on timeout or when a process dies.
    """
    auth = (ADMIN["username"], ADMIN["password"])
    wanted = own_dag_ids()
    deadline = time.monotonic() + timeout
    waiting_for = "health"
    while time.monotonic() < deadline:
        for name, entry in procs.items():
            if not alive(int(entry["pid"]), entry.get("started")):
                raise ServerError(f"the {name} exited while starting")
        body = health(base_url)
        if is_healthy(body):
            missing = missing_dags(base_url, auth, wanted)
            if not missing:
                return body or {}
            waiting_for = f"DAGs {', '.join(missing)}"
        elif body:
            waiting_for = f"health {json.dumps(body)}"
        time.sleep(0.5)
    raise ServerError(f"not ready after {timeout:.0f} s; still waiting for {waiting_for}")


def start(args: argparse.Namespace) -> int:
    """Start the server, or keep the running one when it is healthy; write the state file."""
    state_dir: pathlib.Path = args.state_dir
    began = time.monotonic()
    state = read_state(state_dir)
    if state and state.get("pids"):
        alive_map = running(state)
        same = state.get("version") == args.version and args.port in (0, state.get("port"))
        if same and alive_map and all(alive_map.values()) and is_healthy(health(state["base_url"])):
            print(f"Airflow {state['version']} already running at {state['base_url']}")
            return 0
        stop_processes(state["pids"])

    spent = install(args.version, args.python)
    if spent:
        print(f"installed apache-airflow=={args.version} in {spent:.1f} s")

    state_dir.mkdir(parents=True, exist_ok=True)
    logs = state_dir / "logs"
    if logs.exists():
        shutil.rmtree(logs)
    logs.mkdir()
    home, dags = prepare_home(state_dir)
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = airflow_env(args.version, home, dags, port)
    airflow = str(venv_bin(args.version, "airflow"))
    setup_log = logs / "setup.log"

    try:
        step = time.monotonic()
        run([airflow, "db", "migrate"], env=env, log=setup_log)
        print(f"  db migrate         {time.monotonic() - step:5.1f} s")
        step = time.monotonic()
        create_users(args.version, env, home / "airflow.db", setup_log)
        print(f"  users              {time.monotonic() - step:5.1f} s")
        step = time.monotonic()
        # Without this the API lists the example DAGs only after the scheduler's single
        # parsing process has reached them, 40-60 s after start.
        run([airflow, "dags", "reserialize"], env=env, log=setup_log)
        print(f"  dags reserialize   {time.monotonic() - step:5.1f} s")
    except ServerError as exc:
        print(exc, file=sys.stderr)
        return 1

    procs: dict[str, dict[str, Any]] = {}
    commands = {
        "webserver": [airflow, "webserver", "--hostname", "127.0.0.1", "--port", str(port)],
        # No log server: the SequentialExecutor writes task logs under AIRFLOW_HOME/logs and
        # the webserver reads them from there, also while a task runs.
        "scheduler": [airflow, "scheduler", "--skip-serve-logs"],
    }
    for name, cmd in commands.items():
        pid = spawn(cmd, env, logs / f"{name}.log")
        procs[name] = {"pid": pid, "started": start_time(pid)}

    state = {
        "version": args.version,
        "base_url": base_url,
        "port": port,
        "admin": {"username": ADMIN["username"], "password": ADMIN["password"]},
        "viewer": {"username": VIEWER["username"], "password": VIEWER["password"]},
        "airflow_home": str(home),
        "dags_folder": str(dags),
        "venv": str(venv_dir(args.version)),
        "logs": {name: str(logs / f"{name}.log") for name in ("setup", *commands)},
        "pids": procs,
        "env": {key: value for key, value in env.items() if key.startswith("AIRFLOW")},
    }
    # Written before waiting so ``stop`` can end the processes even if waiting fails.
    write_state(state_dir, state)

    try:
        step = time.monotonic()
        wait_ready(base_url, procs, args.timeout)
        print(f"  ready              {time.monotonic() - step:5.1f} s")
    except ServerError as exc:
        print(exc, file=sys.stderr)
        for name in commands:
            print(f"--- tail of {logs / f'{name}.log'}", file=sys.stderr)
            print(tail(logs / f"{name}.log"), file=sys.stderr)
        stop_processes(procs)
        state["pids"] = {}
        write_state(state_dir, state)
        return 1

    state["started_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_state(state_dir, state)
    print(f"Airflow {args.version} ready at {base_url} in {time.monotonic() - began:.1f} s")
    print(f"state: {state_path(state_dir)}")
    return 0


# --------------------------------------------------------------------------------------------
# Other commands


def stop(args: argparse.Namespace) -> int:
    """Stop the processes recorded in the state file; do nothing when none are recorded."""
    state = read_state(args.state_dir)
    if not state or not state.get("pids"):
        print("Airflow server is not running")
        return 0
    stop_processes(state["pids"])
    state["pids"] = {}
    write_state(args.state_dir, state)
    print("Airflow server stopped")
    return 0


def status(args: argparse.Namespace) -> int:
    """Print whether the recorded processes live and health answers; 0 only when all is well."""
    state = read_state(args.state_dir)
    if not state or not state.get("pids"):
        print("Airflow server is not running")
        return 1
    alive_map = running(state)
    body = health(state["base_url"])
    for name, entry in state["pids"].items():
        print(f"{name:10} pid {entry['pid']:>7}  {'alive' if alive_map[name] else 'dead'}")
    print(f"health     {state['base_url']}/api/v1/health -> {json.dumps(body)}")
    return 0 if all(alive_map.values()) and is_healthy(body) else 1


def shell_env(args: argparse.Namespace) -> int:
    """Print ``export`` lines describing the running server for a shell or CI step."""
    state = read_state(args.state_dir)
    if not state or not state.get("pids"):
        print("Airflow server is not running; run `start` first", file=sys.stderr)
        return 1
    values = {
        "AIRFLOW_TEST_STATE_FILE": str(state_path(args.state_dir)),
        "AIRFLOW_TEST_BASE_URL": state["base_url"],
        "AIRFLOW_TEST_USERNAME": state["admin"]["username"],
        "AIRFLOW_TEST_PASSWORD": state["admin"]["password"],
        "AIRFLOW_TEST_VIEWER_USERNAME": state["viewer"]["username"],
        "AIRFLOW_TEST_VIEWER_PASSWORD": state["viewer"]["password"],
        "AIRFLOW_TEST_AIRFLOW_HOME": state["airflow_home"],
        "AIRFLOW_TEST_DAGS_FOLDER": state["dags_folder"],
    }
    for key, value in values.items():
        print(f"export {key}={shell_quote(value)}")
    return 0


def shell_quote(value: str) -> str:
    """Quote ``value`` for a POSIX shell."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


def install_command(args: argparse.Namespace) -> int:
    """Install apache-airflow into its venv and report where and how long."""
    try:
        spent = install(args.version, args.python)
    except ServerError as exc:
        print(exc, file=sys.stderr)
        return 1
    what = f"installed in {spent:.1f} s" if spent else "already installed"
    print(f"apache-airflow=={args.version} {what}: {venv_dir(args.version)}")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--version", default=DEFAULT_VERSION, help="apache-airflow release")
    common.add_argument(
        "--state-dir",
        type=pathlib.Path,
        default=DEFAULT_STATE_DIR,
        help="where state.json, logs and AIRFLOW_HOME live (default: %(default)s)",
    )
    common.add_argument("--python", default=sys.executable, help="interpreter for the Airflow venv")
    sub = parser.add_subparsers(dest="command", required=True)
    start_parser = sub.add_parser("start", parents=[common], help="install if needed and start")
    start_parser.add_argument(
        "--port", type=int, default=0, help="webserver port on 127.0.0.1 (0: pick a free one)"
    )
    start_parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds to wait for a ready API"
    )
    for name, help_text in (
        ("install", "only install Airflow into its venv"),
        ("stop", "stop the processes started by `start`"),
        ("status", "report process and health state"),
        ("env", "print shell export lines for the running server"),
    ):
        sub.add_parser(name, parents=[common], help=help_text)
    args = parser.parse_args(argv)
    args.state_dir = args.state_dir.resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the subcommand given on the command line."""
    args = parse_args(argv)
    handlers = {
        "install": install_command,
        "start": start,
        "stop": stop,
        "status": status,
        "env": shell_env,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
