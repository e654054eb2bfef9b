"""Install, start, check and stop real Apache Airflow servers for the integration tests.

Each Airflow release runs as its own server, and several can run at once:

=========  =====  ==========================  ==========  ====================================
release    API    processes                   database    auth manager
=========  =====  ==========================  ==========  ====================================
2.11.2     v1     webserver, scheduler        SQLite      FAB, basic auth on ``/api/v1``
3.0.x      v2     api-server, scheduler,      PostgreSQL  simple (users in
                  dag-processor                           ``[core] simple_auth_manager_users``)
3.1+       v2     api-server, scheduler,      PostgreSQL  FAB (``FabAuthManager``; users and
                  dag-processor                           roles in the database)
=========  =====  ==========================  ==========  ====================================

Every process is bound to 127.0.0.1 on a port picked free at ``start``, with a fresh
``AIRFLOW_HOME`` (and, on 3.x, a fresh database) every time. Airflow lives in its own venv,
``<repo>/.cache/airflow-<version>-venv``, kept between runs and never mixed with the client's
own environment; ``scripts/airflow-constraints-<version>.txt`` pins what goes into it.

Settings the tests depend on, on every release:

* Wrong or missing credentials answer **401**. On 2.x that takes ``AUTH_ROLE_PUBLIC = None`` in
  ``webserver_config.py`` (with Flask-AppBuilder's default, ``"Public"``, deployments answer
  403). On 3.x ``/api/v2`` takes a JWT from ``POST /auth/token`` (JSON ``{"username",
  "password"}`` -> 201 ``{"access_token"}``); basic auth is not accepted there.
* ``[api] maximum_page_limit`` is 10, so any ``limit`` above 10 is cut to 10 and listing the
  example DAGs, connections or task instances really spans several pages. (Airflow 3.0 and
  3.1 do not apply it on ``/api/v2``: there any ``limit`` is served in full.)
* ``GET /config`` and ``POST /connections/test`` answer instead of 403 (``expose_config``,
  ``[core] test_connection``).
* DAGs are paused at creation; the example DAGs are loaded, and our own test DAGs are copied
  into the dags folder: the files of ``tests/integration/dags`` on every server, plus those of
  each ``tests/integration/dags/since-<X.Y>`` folder on servers of release X.Y or later.
  ``start`` waits until all of them are listed and fails on an import error in any of them.
* New DAG files are seen within about 10-20 s. Airflow only parses files whose text contains
  both ``airflow`` and ``dag``.
* Two users: ``admin`` (role Admin) and ``viewer`` (role Viewer), with the passwords in the
  state file. Under FAB their passwords are stored with a one-round PBKDF2 hash: checking
  the default scrypt hash costs ~0.1 s on an idle machine, on every basic-auth request (2.x)
  and every ``POST /auth/token`` (3.x; 0.86 s against 0.09 s measured on a busy one).

On 3.x, in addition:

* PostgreSQL: ``initdb`` makes a cluster in the server's state directory, started on a free
  port of 127.0.0.1 only (no Unix socket), with ``fsync`` off: the data is thrown away at the
  next ``start``. SQLite is not an option there: it answers 500 "database is locked" as soon as
  a few requests write at once. When run as root, the cluster runs as the ``postgres`` system
  user that Debian's ``postgresql`` package creates (PostgreSQL refuses to run as root; using
  the account the package made adds no account to the machine); otherwise as the caller. When
  no PostgreSQL is found under ``/usr/lib/postgresql``, it is installed with ``apt-get``.
* LocalExecutor with two task slots. Task logs are read from local files: no log server is
  started (it would listen on every interface), so while a task runs its log's source list
  says the log server could not be reached.
* ``start`` sends one request to the execution API before it reports the server ready: that
  API builds its routes on its first request, holding the api-server's only event loop for
  tens of seconds on a busy machine, long enough for the first task's own calls to time out.
* ``stop`` signals each process group and session, and SIGKILLs what is left after a grace
  period: the dag-processor may ignore SIGTERM for more than 30 s, and the api-server spends
  10-20 s in the interpreter's final garbage collection after it has closed. PostgreSQL is
  stopped with ``pg_ctl stop -m fast``.

``start`` writes ``<state-dir>/<version>/state.json`` (base URL, API version, auth manager,
credentials, paths, PIDs); ``tests/integration/_server.py`` reads it. ``stop`` ends exactly
the processes ``start`` began, even after a start that failed half-way.

Usage::

    python scripts/airflow_server.py install [--version V ...] [--all]
    python scripts/airflow_server.py start [--version V ...] [--all] [--port 0] [--state-dir DIR]
    python scripts/airflow_server.py check [--version V ...]   # an end-to-end smoke test
    python scripts/airflow_server.py status [--version V ...]
    eval "$(python scripts/airflow_server.py env --version V)"
    python scripts/airflow_server.py stop [--version V ...]    # default: every recorded server
    python scripts/airflow_server.py freeze --version V        # rewrite the constraints file

``--version`` may be repeated; several servers start (and stop) in parallel. Without it,
``start``, ``install``, ``check`` and ``env`` use 2.11.2, ``status`` and ``stop`` every server
recorded under the state directory. ``--all`` means 2.11.2, 3.0.6 and 3.3.2.

This script uses only the standard library and never imports the client package.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import os
import pathlib
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

REPO = pathlib.Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache"
DEFAULT_VERSION = "2.11.2"
ALL_VERSIONS = ("2.11.2", "3.0.6", "3.3.2")
DEFAULT_STATE_DIR = CACHE / "airflow-server"
OWN_DAGS = REPO / "tests" / "integration" / "dags"
STATE_FILE_NAME = "state.json"
INSTALL_MARK = "airflow-server-install.json"

ADMIN = {"username": "admin", "password": "admin-test-password", "role": "Admin"}
VIEWER = {"username": "viewer", "password": "viewer-test-password", "role": "Viewer"}
# Fixed so sessions, tokens and encrypted fields stay valid across a restart of the processes.
SECRET_KEY = "airflow-client-async-integration-secret"
JWT_SECRET = "airflow-client-async-integration-jwt-secret-0123456789"
FERNET_KEY = base64.urlsafe_b64encode(b"airflow-client-async-fernet-key!").decode("ascii")
# One PBKDF2 round: the hash is only a test fixture and must be cheap to check.
CHEAP_HASH_METHOD = "pbkdf2:sha256:1"
# The database's own account; only 127.0.0.1 can reach the cluster.
PG_USER = "airflow"
PG_PASSWORD = "airflow-test-password"
PG_DATABASE = "airflow"
PG_SYSTEM_USER = "postgres"
PG_ROOT = pathlib.Path("/usr/lib/postgresql")

WEBSERVER_CONFIG = '''\
"""Flask-AppBuilder settings of the integration-test server."""

from flask_appbuilder.const import AUTH_DB

AUTH_TYPE = AUTH_DB
# No anonymous role: a request with wrong or missing credentials gets 401, not 403.
AUTH_ROLE_PUBLIC = None
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
'''

# Runs inside the Airflow venv (Flask-AppBuilder and werkzeug are Airflow's, not ours). One
# interpreter start instead of `airflow sync-perm` plus one `airflow users create` a user; the
# roles must be synced first because only Admin exists before the server's first start. Prints
# the hash method each user's stored password uses, so the caller can check it.
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
    stored = {u["username"]: sm.find_user(username=u["username"]).password for u in users}
print("USERS " + json.dumps({name: value.split("$")[0] for name, value in stored.items()}))
"""


class ServerError(Exception):
    """A step of installing, starting or checking a server failed."""


# --------------------------------------------------------------------------------------------
# Releases


def version_tuple(version: str) -> tuple[int, ...]:
    """Return ``"3.0.6"`` as ``(3, 0, 6)``; raise ``ValueError`` on anything else."""
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        raise ValueError(f"not a release number: {version!r}")
    return tuple(int(part) for part in version.split("."))


@dataclasses.dataclass(frozen=True)
class Lane:
    """What a server of one Airflow release runs and how it is reached."""

    version: str
    api_version: str
    """``"v1"`` (Airflow 2) or ``"v2"`` (Airflow 3)."""
    auth_manager: str
    """``"fab"`` or ``"simple"``."""
    database: str
    """``"sqlite"`` or ``"postgres"``."""
    providers: tuple[str, ...]
    """Provider distributions installed beside ``apache-airflow`` (pinned by the constraints)."""

    @property
    def version_info(self) -> tuple[int, ...]:
        """Return the release as a tuple of integers."""
        return version_tuple(self.version)

    @property
    def api_root(self) -> str:
        """Return the path of the REST API, ``/api/v1`` or ``/api/v2``."""
        return f"/api/{self.api_version}"

    @property
    def health_path(self) -> str:
        """Return the path of the unauthenticated health endpoint."""
        return "/api/v1/health" if self.api_version == "v1" else "/api/v2/monitor/health"


def lane(version: str) -> Lane:
    """Return the lane of ``version``.

    Airflow 3.0 runs the simple auth manager and later 3.x releases the FAB one, so the two
    Airflow 3 servers the suite uses cover both ways a 3.x server authenticates.
    """
    info = version_tuple(version)
    if info[0] < 3:
        return Lane(version, "v1", "fab", "sqlite", ())
    providers = ("apache-airflow-providers-postgres", "apache-airflow-providers-standard")
    if info[:2] == (3, 0):
        return Lane(version, "v2", "simple", "postgres", providers)
    return Lane(version, "v2", "fab", "postgres", ("apache-airflow-providers-fab", *providers))


# --------------------------------------------------------------------------------------------
# Paths and the venv


def venv_dir(version: str) -> pathlib.Path:
    """Return the venv directory that holds apache-airflow ``version``."""
    return CACHE / f"airflow-{version}-venv"


def venv_bin(version: str, name: str) -> pathlib.Path:
    """Return the path of executable ``name`` inside the venv of ``version``."""
    return venv_dir(version) / "bin" / name


def constraints_path(version: str) -> pathlib.Path:
    """Return where the frozen constraints file of ``version`` lives (it may not exist)."""
    return REPO / "scripts" / f"airflow-constraints-{version}.txt"


def constraints_file(version: str) -> pathlib.Path | None:
    """Return the frozen constraints file for ``version`` if the repo has one."""
    path = constraints_path(version)
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


def install_request(version: str) -> dict[str, Any]:
    """Describe what the venv of ``version`` must hold: requirements and the constraints' hash."""
    constraints = constraints_file(version)
    return {
        "requirements": [f"apache-airflow=={version}", *lane(version).providers],
        "constraints_sha256": (
            hashlib.sha256(constraints.read_bytes()).hexdigest() if constraints else None
        ),
    }


def is_installed(version: str) -> bool:
    """Tell whether the venv of ``version`` holds exactly what ``install`` would put there."""
    if installed_version(version) != version:
        return False
    try:
        recorded = json.loads((venv_dir(version) / INSTALL_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(recorded == install_request(version))


def find_uv() -> str | None:
    """Return the uv executable on PATH or beside this interpreter (``.venv/bin/uv``)."""
    found = shutil.which("uv")
    if found:
        return found
    beside = pathlib.Path(sys.executable).parent / "uv"
    return str(beside) if beside.is_file() else None


def install(version: str, python: str) -> float:
    """Create the venv of ``version`` with apache-airflow installed; return seconds spent.

    Does nothing when the venv already holds that version, its providers and the current
    constraints. Bytecode is compiled at install time because ``PYTHONDONTWRITEBYTECODE`` may
    be set, and without ``.pyc`` files every ``airflow`` command pays seconds of compiling.
    """
    if is_installed(version):
        return 0.0
    started = time.monotonic()
    venv = venv_dir(version)
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    request = install_request(version)
    requirement = list(request["requirements"])
    constraints = constraints_file(version)
    if constraints is not None:
        requirement += ["-c", str(constraints)]
    uv = find_uv()
    if uv:
        run([uv, "venv", "--quiet", "--python", python, str(venv)])
        python_in_venv = str(venv / "bin" / "python")
        run(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--python",
                python_in_venv,
                "--compile-bytecode",
                *requirement,
            ]
        )
    else:
        run([python, "-m", "venv", str(venv)])
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        run([*pip, "install", "--quiet", *requirement])
        run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(venv / "lib")])
    if installed_version(version) != version:
        raise ServerError(f"apache-airflow=={version} is not in {venv} after installing")
    (venv / INSTALL_MARK).write_text(json.dumps(request) + "\n", encoding="utf-8")
    return time.monotonic() - started


# --------------------------------------------------------------------------------------------
# Processes


def run(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    log: pathlib.Path | None = None,
    timeout: float | None = None,
    abortable: bool = True,
) -> str:
    """Run ``cmd`` to completion; return its stdout, appending all output to ``log``.

    Raises ``ServerError`` with the output's tail when the command fails or times out, or,
    when ``abortable``, as soon as the user asks to stop (the command is killed).
    """
    if abortable:
        check_abort()
    began = time.monotonic()
    with subprocess.Popen(
        list(cmd),
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        while True:
            try:
                stdout, stderr = proc.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                interrupted = abortable and ABORT.is_set()
                if interrupted or (timeout is not None and time.monotonic() - began > timeout):
                    proc.kill()
                    proc.communicate()
                    why = "interrupted" if interrupted else f"timed out after {timeout} s"
                    raise ServerError(f"command {why}: {' '.join(cmd)}") from None
    if log is not None:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{stdout}{stderr}\n")
    if proc.returncode != 0:
        lines = (stdout + stderr).splitlines()[-30:]
        raise ServerError(
            f"command failed ({proc.returncode}): {' '.join(cmd)}\n" + "\n".join(lines)
        )
    return stdout


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
    """Send ``sig`` to every process group of session ``sid``.

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


# Seconds between SIGTERM and SIGKILL, per process name. The dag-processor can sit on SIGTERM
# for more than 30 s; the api-server closes its app within a second but then spends 10-20 s in
# the interpreter's final garbage collection. Neither holds anything worth waiting for, and
# the next start begins afresh anyway.
GRACE = {"dag-processor": 5.0, "api-server": 3.0, "webserver": 20.0, "scheduler": 20.0}


def stop_processes(pids: Mapping[str, Any], grace: Mapping[str, float] | None = None) -> list[str]:
    """End the sessions recorded in ``pids`` (name -> {pid, started}): TERM, wait, then KILL.

    Every session gets SIGTERM at once; each one that outlives its grace period (``grace`` by
    name, else 20 s) gets SIGKILL. Returns the names of those that needed SIGKILL.
    """
    grace = GRACE if grace is None else grace
    live = {
        name: int(entry["pid"])
        for name, entry in pids.items()
        if alive(int(entry["pid"]), entry.get("started"))
    }
    for sid in live.values():
        signal_session(sid, signal.SIGTERM)
    began = time.monotonic()
    pending = dict(live)
    killed = []
    while pending:
        for name, sid in list(pending.items()):
            if not _session_alive(sid):
                del pending[name]
            elif time.monotonic() - began > grace.get(name, 20.0):
                signal_session(sid, signal.SIGKILL)
                killed.append(name)
                del pending[name]
        time.sleep(0.2)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_session_alive(sid) for sid in live.values()):
        for sid in live.values():
            signal_session(sid, signal.SIGKILL)
        time.sleep(0.1)
    return killed


def _session_alive(sid: int) -> bool:
    if pathlib.Path("/proc").is_dir():
        return bool(session_members(sid))
    try:
        os.killpg(sid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


_PORTS_LOCK = threading.Lock()
_PORTS_GIVEN: set[int] = set()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now and not yet given to a server."""
    with _PORTS_LOCK:
        while True:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
            if port not in _PORTS_GIVEN:
                _PORTS_GIVEN.add(port)
                return port


def tail(path: pathlib.Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of ``path`` (or a note that it is missing)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"({path} does not exist)"
    return "\n".join(text.splitlines()[-lines:])


def rss_mib(sids: Iterable[int]) -> float:
    """Return the resident memory of every process in the sessions ``sids``, in MiB (Linux)."""
    total_kib = 0
    for sid in sids:
        for pid in session_members(sid):
            try:
                status = pathlib.Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


# --------------------------------------------------------------------------------------------
# PostgreSQL


def postgres_bin_dir() -> pathlib.Path | None:
    """Return the newest ``/usr/lib/postgresql/<major>/bin`` holding initdb, if any."""
    candidates = []
    for path in PG_ROOT.glob("*/bin"):
        if path.parent.name.isdigit() and (path / "initdb").is_file():
            candidates.append((int(path.parent.name), path))
    return max(candidates)[1] if candidates else None


def install_postgres(log: Callable[[str], None]) -> None:
    """Install Debian's ``postgresql`` package without questions and without its own cluster.

    ``create_main_cluster = false`` stops the package from creating and starting a
    ``main`` cluster on port 5432 that nothing here would stop.
    """
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ServerError(
            f"PostgreSQL not found under {PG_ROOT}; install it (Debian: apt-get install postgresql)"
        )
    log("installing PostgreSQL with apt-get")
    conf = pathlib.Path("/etc/postgresql-common/createcluster.conf")
    if not conf.exists():
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text("create_main_cluster = false\n", encoding="utf-8")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = [
        "apt-get",
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "-o",
        "Dpkg::Options::=--force-confold",
        "postgresql",
    ]
    try:
        run(cmd, env=env)
    except ServerError:
        # A fresh machine may have no package lists yet.
        run(["apt-get", "update", "-q"], env=env)
        run(cmd, env=env)


_PG_INSTALL_LOCK = threading.Lock()


def ensure_postgres(log: Callable[[str], None]) -> pathlib.Path:
    """Return PostgreSQL's bin directory, installing the server first when it is missing."""
    with _PG_INSTALL_LOCK:
        found = postgres_bin_dir()
        if found is None:
            install_postgres(log)
            found = postgres_bin_dir()
        if found is None:
            raise ServerError(f"PostgreSQL is still not under {PG_ROOT} after installing it")
        return found


def as_cluster_owner(cmd: Sequence[str]) -> list[str]:
    """Return ``cmd`` run as the account the cluster belongs to (see the module docstring)."""
    if os.geteuid() != 0:
        return list(cmd)
    return ["runuser", "-u", PG_SYSTEM_USER, "--", *cmd]


def cluster_owner_ids() -> tuple[int, int] | None:
    """Return (uid, gid) to own the cluster's files when running as root, else None."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        raise ServerError(
            f"running as root needs the {PG_SYSTEM_USER!r} account to run PostgreSQL; "
            "Debian's postgresql package creates it"
        ) from None
    return entry.pw_uid, entry.pw_gid


def postmaster_pid(data: pathlib.Path) -> int | None:
    """Return the PID in ``postmaster.pid`` when that process runs on ``data``, else None."""
    try:
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError, IndexError):
        return None
    # Only a postgres process started on our own data directory counts as ours.
    return pid if str(data).encode() in cmdline and proc_stat(pid) is not None else None


def pg_stop(bin_dir: pathlib.Path, data: pathlib.Path) -> None:
    """Stop the cluster on ``data`` with a fast shutdown, when one runs there."""
    if postmaster_pid(data) is None:
        return
    cmd = as_cluster_owner(
        [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop"]
    )
    try:
        run(cmd, timeout=40, abortable=False)
    except ServerError:
        # The session kill in stop_server is the fallback.
        return


def pg_start(
    bin_dir: pathlib.Path, pg_dir: pathlib.Path, port: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Create a fresh cluster in ``pg_dir``, start it on ``port``; return its state entry."""
    data = pg_dir / "data"
    if pg_dir.exists():
        pg_stop(bin_dir, data)
        shutil.rmtree(pg_dir)
    pg_dir.mkdir(parents=True)
    owner = cluster_owner_ids()
    password_file = pg_dir / "password"
    password_file.write_text(PG_PASSWORD + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    if owner is not None:
        os.chown(pg_dir, *owner)
        os.chown(password_file, *owner)
        probe = subprocess.run(as_cluster_owner(["test", "-w", str(pg_dir)]), check=False)
        if probe.returncode != 0:
            raise ServerError(
                f"the {PG_SYSTEM_USER!r} account cannot reach {pg_dir}: every directory above "
                "it must be searchable by other users"
            )
    step = time.monotonic()
    run(
        as_cluster_owner(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                PG_USER,
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        log=pg_dir / "initdb.log",
    )
    password_file.unlink()
    # Test data only: durability is traded for speed, and only TCP on 127.0.0.1 is offered.
    options = " ".join(
        f"-c {shlex.quote(setting)}"
        for setting in (
            f"port={port}",
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=200",
            # A request stuck behind another transaction's row lock shows up in the log.
            "log_lock_waits=on",
        )
    )
    server_log = pg_dir / "postgres.log"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(server_log), "-w", "-t", "60"]
    run(as_cluster_owner([*pg_ctl, "-o", options, "start"]), timeout=90)
    pid = postmaster_pid(data)
    if pid is None:
        raise ServerError(f"PostgreSQL did not start; see {server_log}")
    log(f"  postgres           {time.monotonic() - step:5.1f} s  (port {port})")
    return {"pid": pid, "started": start_time(pid)}


def pg_create_database(bin_dir: pathlib.Path, port: int, log_file: pathlib.Path) -> None:
    """Create the Airflow database in the cluster listening on ``port``."""
    env = {**os.environ, "PGPASSWORD": PG_PASSWORD}
    cmd = [
        str(bin_dir / "createdb"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        PG_USER,
        PG_DATABASE,
    ]
    run(cmd, env=env, log=log_file)


# --------------------------------------------------------------------------------------------
# HTTP


@dataclasses.dataclass
class Response:
    """A decoded HTTP answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        """Return the body decoded as JSON."""
        return json.loads(self.body.decode("utf-8"))


def http(
    method: str,
    url: str,
    *,
    body: Any = None,
    token: str | None = None,
    basic: tuple[str, str] | None = None,
    accept: str = "application/json",
    timeout: float = 10.0,
) -> Response:
    """Send one request and return the answer, whatever its status (non-2xx included)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": accept})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    elif basic is not None:
        encoded = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {encoded}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, answer.headers.get("Content-Type", ""), answer.read())
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.headers.get("Content-Type", ""), exc.read())


class Api:
    """Authenticated JSON calls to one server's REST API as one user."""

    def __init__(self, base_url: str, lane_: Lane, user: Mapping[str, str]) -> None:
        self.base_url = base_url
        self.lane = lane_
        self.user = (user["username"], user["password"])
        self._token: str | None = None

    def token(self) -> str:
        """Return a JWT from ``POST /auth/token`` (Airflow 3), fetched once."""
        if self._token is None:
            answer = http(
                "POST",
                f"{self.base_url}/auth/token",
                body={"username": self.user[0], "password": self.user[1]},
            )
            if answer.status != 201:
                raise ServerError(
                    f"POST /auth/token answered {answer.status}: {answer.body[:200]!r}"
                )
            self._token = str(answer.json()["access_token"])
        return self._token

    def call(
        self, method: str, path: str, body: Any = None, *, accept: str = "application/json"
    ) -> Response:
        """Send ``method path`` (path below the server root) with this user's credentials."""
        url = self.base_url + path
        if self.lane.api_version == "v1":
            return http(method, url, body=body, basic=self.user, accept=accept)
        return http(method, url, body=body, token=self.token(), accept=accept)

    def json(self, method: str, path: str, body: Any = None, *, expect: int = 200) -> Any:
        """Send a request below the API root and return its JSON; raise unless ``expect``."""
        answer = self.call(method, self.lane.api_root + path, body)
        if answer.status != expect:
            raise ServerError(
                f"{method} {self.lane.api_root}{path} answered {answer.status}, not {expect}: "
                f"{answer.body[:300]!r}"
            )
        return answer.json()


def health(base_url: str, lane_: Lane) -> dict[str, Any] | None:
    """Return the health body, or None when the server does not answer 200 with JSON."""
    try:
        answer = http("GET", base_url + lane_.health_path, timeout=3.0)
        body = answer.json() if answer.status == 200 else None
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def is_healthy(body: Mapping[str, Any] | None, lane_: Lane) -> bool:
    """Tell whether a health body reports every part the server runs as healthy.

    That is the database and the scheduler, and on Airflow 3 the standalone DAG processor too
    (Airflow 2 reports no DAG processor of its own).
    """
    if not body:
        return False
    parts = ["metadatabase", "scheduler"]
    if lane_.api_version == "v2":
        parts.append("dag_processor")
    return all((body.get(part) or {}).get("status") == "healthy" for part in parts)


# --------------------------------------------------------------------------------------------
# Our DAGs


def dag_sources(version: str) -> list[pathlib.Path]:
    """Return the DAG files a server of ``version`` gets, from ``tests/integration/dags``.

    Files at the top are for every release; a folder ``since-X.Y`` holds files only for
    releases X.Y and later.
    """
    info = version_tuple(version)
    files = sorted(OWN_DAGS.glob("*.py"))
    for folder in sorted(OWN_DAGS.glob("since-*")):
        if folder.is_dir() and info >= version_tuple(folder.name[len("since-") :]):
            files += sorted(folder.glob("*.py"))
    names = [path.name for path in files]
    if len(set(names)) != len(names):
        raise ServerError(f"two DAG files share a name in {OWN_DAGS}: {sorted(names)}")
    return files


def own_dag_ids(version: str) -> list[str]:
    """Return the DAG ids declared in ``version``'s DAG files (``dag_id="..."`` literals)."""
    ids = []
    for path in dag_sources(version):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith('dag_id="'):
                ids.append(stripped.split('"')[1])
    return ids


def missing_dags(api: Api, wanted: Sequence[str]) -> list[str]:
    """Return the ids of ``wanted`` not yet listed by ``GET /dags`` (all when it fails)."""
    try:
        total = api.json("GET", "/dags?limit=1")["total_entries"]
        found: set[str] = set()
        for dag_id in wanted:
            body = api.json("GET", f"/dags?dag_id_pattern={dag_id}&limit=10")
            found.update(dag["dag_id"] for dag in body["dags"])
    except (OSError, ValueError, KeyError, ServerError):
        return list(wanted)
    # Our DAGs alone are not enough: the example DAGs must be listed too.
    if total <= len(wanted):
        return [*sorted(set(wanted) - found), "(example DAGs)"]
    return sorted(set(wanted) - found)


def own_import_errors(api: Api, files: Sequence[str]) -> dict[str, str]:
    """Return ``{file name: stack trace}`` of the import errors in any of ``files``."""
    errors: dict[str, str] = {}
    offset = 0
    while True:
        body = api.json("GET", f"/importErrors?limit=10&offset={offset}")
        page = body["import_errors"]
        for error in page:
            name = pathlib.PurePath(str(error.get("filename"))).name
            if name in files:
                errors[name] = str(error.get("stack_trace"))
        offset += len(page)
        if not page or offset >= body["total_entries"]:
            return errors


# --------------------------------------------------------------------------------------------
# State


def server_dir(root: pathlib.Path, version: str) -> pathlib.Path:
    """Return the state directory of ``version``'s server under ``root``."""
    return root / version


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


def recorded_versions(root: pathlib.Path) -> list[str]:
    """Return the versions that have a state file under ``root``, oldest release first."""
    found = []
    for path in root.glob(f"*/{STATE_FILE_NAME}"):
        try:
            version_tuple(path.parent.name)
        except ValueError:
            continue
        found.append(path.parent.name)
    return sorted(found, key=version_tuple)


# --------------------------------------------------------------------------------------------
# Start


def airflow_env(
    lane_: Lane, home: pathlib.Path, dags: pathlib.Path, port: int, pg_port: int | None
) -> dict[str, str]:
    """Return the environment of every Airflow command: ours, with outside Airflow vars removed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    # The executor runs each task as a bare `airflow ...` command, found on PATH.
    venv = venv_dir(lane_.version)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", os.defpath)])
    env["VIRTUAL_ENV"] = str(venv)
    # .pyc files for DAGs and anything not compiled at install time are worth keeping.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    base_url = f"http://127.0.0.1:{port}"
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "True",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
            "AIRFLOW__CORE__FERNET_KEY": FERNET_KEY,
            "AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL": "5",
            "AIRFLOW__CORE__MIN_SERIALIZED_DAG_FETCH_INTERVAL": "2",
            "AIRFLOW__API__MAXIMUM_PAGE_LIMIT": "10",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
            "AIRFLOW__SCHEDULER__CATCHUP_BY_DEFAULT": "False",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        }
    )
    if lane_.api_version == "v1":
        env.update(
            {
                "AIRFLOW__CORE__EXECUTOR": "SequentialExecutor",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
                "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth",
                "AIRFLOW__WEBSERVER__EXPOSE_CONFIG": "True",
                "AIRFLOW__WEBSERVER__SECRET_KEY": SECRET_KEY,
                "AIRFLOW__WEBSERVER__WORKERS": "2",
                "AIRFLOW__WEBSERVER__WEB_SERVER_HOST": "127.0.0.1",
                "AIRFLOW__WEBSERVER__WEB_SERVER_PORT": str(port),
                "AIRFLOW__WEBSERVER__BASE_URL": base_url,
                "AIRFLOW__WEBSERVER__WARN_DEPLOYMENT_EXPOSURE": "False",
                "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
                "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
                "AIRFLOW__SCHEDULER__PARSING_PROCESSES": "1",
            }
        )
        return env
    auth_manager = {
        "fab": "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
        "simple": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
    }[lane_.auth_manager]
    env.update(
        {
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "2",
            "AIRFLOW__CORE__AUTH_MANAGER": auth_manager,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": (
                f"postgresql+psycopg2://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{pg_port}/{PG_DATABASE}"
            ),
            "AIRFLOW__API__BASE_URL": base_url,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__EXPOSE_CONFIG": "True",
            "AIRFLOW__API__SECRET_KEY": SECRET_KEY,
            "AIRFLOW__API_AUTH__JWT_SECRET": JWT_SECRET,
            # A new file is picked up within 5 s; unchanged ones are parsed again only every
            # 5 minutes (each parse also syncs FAB's per-DAG permissions), so idle servers
            # leave the two cores free.
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "300",
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
            # Deprecation warnings of example DAGs would fill every log.
            "PYTHONWARNINGS": "ignore",
        }
    )
    if lane_.auth_manager == "simple":
        env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = ",".join(
            f"{user['username']}:{user['role'].lower()}" for user in (ADMIN, VIEWER)
        )
        env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"] = str(home / "passwords.json")
    return env


def prepare_home(state_dir: pathlib.Path, lane_: Lane) -> tuple[pathlib.Path, pathlib.Path]:
    """Create a fresh AIRFLOW_HOME with our auth settings and DAGs; return (home, dags)."""
    home = state_dir / "home"
    if home.exists():
        shutil.rmtree(home)
    dags = home / "dags"
    dags.mkdir(parents=True)
    if lane_.auth_manager == "fab":
        (home / "webserver_config.py").write_text(WEBSERVER_CONFIG, encoding="utf-8")
    else:
        # Read at the api-server's start; without it the server invents passwords.
        passwords = {user["username"]: user["password"] for user in (ADMIN, VIEWER)}
        (home / "passwords.json").write_text(json.dumps(passwords), encoding="utf-8")
    for source in dag_sources(lane_.version):
        shutil.copy2(source, dags / source.name)
    return home, dags


def create_users(version: str, env: Mapping[str, str], log: pathlib.Path) -> None:
    """Create the admin and viewer users with cheap password hashes, and check the hashes."""
    users = [ADMIN, VIEWER]
    python = str(venv_bin(version, "python"))
    out = run([python, "-c", USERS_SNIPPET, json.dumps(users), CHEAP_HASH_METHOD], env=env, log=log)
    reported = [line for line in out.splitlines() if line.startswith("USERS ")]
    methods = json.loads(reported[-1][len("USERS ") :]) if reported else {}
    for user in users:
        if methods.get(user["username"]) != CHEAP_HASH_METHOD:
            raise ServerError(f"user {user['username']!r} has no cheap password hash: {methods}")


def commands(lane_: Lane, port: int) -> dict[str, list[str]]:
    """Return the long-running processes of a server: name -> command line."""
    airflow = str(venv_bin(lane_.version, "airflow"))
    if lane_.api_version == "v1":
        return {
            "webserver": [airflow, "webserver", "--hostname", "127.0.0.1", "--port", str(port)],
            # No log server: the SequentialExecutor writes task logs under AIRFLOW_HOME/logs
            # and the webserver reads them from there, also while a task runs.
            "scheduler": [airflow, "scheduler", "--skip-serve-logs"],
        }
    return {
        "api-server": [airflow, "api-server", "--host", "127.0.0.1", "--port", str(port)],
        # The log server would listen on every interface; local files serve the api-server.
        "scheduler": [airflow, "scheduler", "--skip-serve-logs"],
        "dag-processor": [airflow, "dag-processor"],
    }


def wait_ready(
    base_url: str,
    lane_: Lane,
    procs: Mapping[str, Mapping[str, Any]],
    timeout: float,
    dag_files: Sequence[str],
) -> dict[str, Any]:
    """Wait until health is good and every DAG of ours is listed; return the health body.

    Raises ``ServerError`` on timeout, when a process dies, or when one of our DAG files has
    an import error.
    """
    api = Api(base_url, lane_, ADMIN)
    wanted = own_dag_ids(lane_.version)
    deadline = time.monotonic() + timeout
    waiting_for = "health"
    while time.monotonic() < deadline:
        check_abort()
        for name, entry in procs.items():
            if not alive(int(entry["pid"]), entry.get("started")):
                raise ServerError(f"the {name} exited while starting")
        body = health(base_url, lane_)
        if is_healthy(body, lane_):
            try:
                broken = own_import_errors(api, dag_files)
            except (OSError, ValueError, KeyError, ServerError):
                broken = {}
            if broken:
                details = "\n".join(f"--- {name}\n{trace}" for name, trace in broken.items())
                raise ServerError(f"import errors in our DAG files:\n{details}")
            missing = missing_dags(api, wanted)
            if not missing:
                if lane_.api_version == "v2":
                    warm_up_execution_api(base_url, deadline - time.monotonic())
                return body or {}
            waiting_for = f"DAGs {', '.join(missing)}"
        elif body:
            waiting_for = f"health {json.dumps(body)}"
        time.sleep(0.5)
    raise ServerError(f"not ready after {timeout:.0f} s; still waiting for {waiting_for}")


def warm_up_execution_api(base_url: str, timeout: float) -> None:
    """Make the api-server build its task execution API now, not under the first task.

    The execution API (Cadwyn) generates its versioned routes on its first request, on the
    server's only event loop: for 30-40 s on a busy 2-core machine every request waits, and
    the first task's own calls time out, so the first run fails.
    """
    try:
        http("GET", f"{base_url}/execution/health", timeout=max(timeout, 30.0))
    except OSError as exc:
        raise ServerError(f"the execution API did not answer: {exc}") from exc


def start_server(
    version: str,
    root: pathlib.Path,
    *,
    port: int,
    timeout: float,
    python: str,
    log: Callable[[str], None],
) -> bool:
    """Start the server of ``version``, or keep the running one when it is healthy.

    Writes the state file as soon as there is a process to record, so ``stop`` can end what
    was started whatever happens next; on any failure everything started is stopped again.
    Returns whether the server is ready.
    """
    lane_ = lane(version)
    state_dir = server_dir(root, version)
    began = time.monotonic()
    state = read_state(state_dir)
    if state and state.get("pids"):
        alive_map = running(state)
        same = port in (0, state.get("port"))
        if (
            same
            and alive_map
            and all(alive_map.values())
            and is_healthy(health(state["base_url"], lane_), lane_)
        ):
            log(f"Airflow {version} already running at {state['base_url']}")
            return True
        stop_server(state)

    try:
        spent = install(version, python)
    except ServerError as exc:
        log(str(exc))
        return False
    if spent:
        log(f"installed apache-airflow=={version} in {spent:.1f} s")

    state_dir.mkdir(parents=True, exist_ok=True)
    logs = state_dir / "logs"
    if logs.exists():
        shutil.rmtree(logs)
    logs.mkdir()
    setup_log = logs / "setup.log"
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    procs: dict[str, dict[str, Any]] = {}
    state = {
        "version": version,
        "api_version": lane_.api_version,
        "auth_manager": lane_.auth_manager,
        "database": lane_.database,
        "base_url": base_url,
        "port": port,
        "admin": {"username": ADMIN["username"], "password": ADMIN["password"]},
        "viewer": {"username": VIEWER["username"], "password": VIEWER["password"]},
        "venv": str(venv_dir(version)),
        "logs": {"setup": str(setup_log)},
        "pids": procs,
    }
    try:
        pg_port = None
        if lane_.database == "postgres":
            bin_dir = ensure_postgres(log)
            pg_port = free_port()
            pg_dir = state_dir / "postgres"
            procs["postgres"] = pg_start(bin_dir, pg_dir, pg_port, log)
            state["postgres"] = {"bin": str(bin_dir), "data": str(pg_dir / "data"), "port": pg_port}
            state["logs"]["postgres"] = str(pg_dir / "postgres.log")
            write_state(state_dir, state)
            pg_create_database(bin_dir, pg_port, setup_log)

        home, dags = prepare_home(state_dir, lane_)
        env = airflow_env(lane_, home, dags, port, pg_port)
        state.update(
            {
                "airflow_home": str(home),
                "dags_folder": str(dags),
                "dag_ids": own_dag_ids(version),
                "env": {key: value for key, value in env.items() if key.startswith("AIRFLOW")},
            }
        )
        airflow = str(venv_bin(version, "airflow"))
        step = time.monotonic()
        run([airflow, "db", "migrate"], env=env, log=setup_log)
        log(f"  db migrate         {time.monotonic() - step:5.1f} s")
        if lane_.auth_manager == "fab":
            step = time.monotonic()
            create_users(version, env, setup_log)
            log(f"  users              {time.monotonic() - step:5.1f} s")
        step = time.monotonic()
        # Without this the API lists the example DAGs only after a single parsing process
        # has reached them, 40-60 s after start.
        run([airflow, "dags", "reserialize"], env=env, log=setup_log)
        log(f"  dags reserialize   {time.monotonic() - step:5.1f} s")

        step = time.monotonic()
        for name, cmd in commands(lane_, port).items():
            pid = spawn(cmd, env, logs / f"{name}.log")
            procs[name] = {"pid": pid, "started": start_time(pid)}
            state["logs"][name] = str(logs / f"{name}.log")
        write_state(state_dir, state)
        files = [path.name for path in dag_sources(version)]
        wait_ready(base_url, lane_, procs, timeout, files)
        log(f"  ready              {time.monotonic() - step:5.1f} s")
    except BaseException as exc:
        # Whatever went wrong (Ctrl-C included), nothing started may be left running.
        log(f"Airflow {version} failed to start: {exc!r}")
        for name, path in state["logs"].items():
            if name != "setup":
                log(f"--- tail of {path}\n{tail(pathlib.Path(path))}")
        stop_server(state)
        state["pids"] = {}
        write_state(state_dir, state)
        if not isinstance(exc, (ServerError, OSError)):
            raise
        log(f"setup log: {setup_log}")
        return False

    state["started_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    write_state(state_dir, state)
    log(f"Airflow {version} ready at {base_url} in {time.monotonic() - began:.1f} s")
    log(f"state: {state_path(state_dir)}")
    return True


def stop_server(state: Mapping[str, Any]) -> list[str]:
    """Stop the processes recorded in ``state``: Airflow's first, then PostgreSQL.

    Returns the names of the processes that ignored SIGTERM and were killed.
    """
    pids = dict(state.get("pids") or {})
    database = pids.pop("postgres", None)
    killed = stop_processes(pids)
    postgres = state.get("postgres") or {}
    if postgres:
        pg_stop(pathlib.Path(postgres["bin"]), pathlib.Path(postgres["data"]))
    if database is not None:
        killed += stop_processes({"postgres": database}, grace={"postgres": 10.0})
    return killed


# --------------------------------------------------------------------------------------------
# Check


def check_server(state: Mapping[str, Any], log: Callable[[str], None]) -> None:
    """Prove the running server works end to end; raise ``ServerError`` at the first failure.

    Gets credentials accepted, lists the DAGs, triggers ``client_test_fast`` and waits for it
    to succeed, reads its task log, lists the users (or, under the simple auth manager, sees
    that the FAB route is only the UI's HTML page), checks that the viewer cannot write, and
    asks for a backfill dry run (Airflow 3).
    """
    lane_ = lane(state["version"])
    base_url = state["base_url"]
    admin = Api(base_url, lane_, state["admin"])
    viewer = Api(base_url, lane_, state["viewer"])
    dag_id, task_id = "client_test_fast", "say_hello"

    def step(name: str, began: float) -> None:
        log(f"  {name:<34} {time.monotonic() - began:5.2f} s")

    began = time.monotonic()
    if lane_.api_version == "v2":
        admin.token()
        viewer.token()
    step("credentials", began)

    began = time.monotonic()
    listed = admin.json("GET", f"/dags?dag_id_pattern={dag_id}")
    total = admin.json("GET", "/dags?limit=1")["total_entries"]
    if dag_id not in [dag["dag_id"] for dag in listed["dags"]] or total < 20:
        raise ServerError(f"{dag_id} or the example DAGs are not listed ({total} DAGs)")
    step(f"list DAGs ({total})", began)

    began = time.monotonic()
    was_paused = admin.json("GET", f"/dags/{dag_id}")["is_paused"]
    run_id = f"check-{int(time.time() * 1000)}"
    body: dict[str, Any] = {"dag_run_id": run_id}
    if lane_.api_version == "v2":
        body["logical_date"] = None
    state_ = "queued"
    # A run of a paused DAG stays queued.
    admin.json("PATCH", f"/dags/{dag_id}?update_mask=is_paused", {"is_paused": False})
    try:
        admin.json("POST", f"/dags/{dag_id}/dagRuns", body)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            state_ = admin.json("GET", f"/dags/{dag_id}/dagRuns/{run_id}")["state"]
            if state_ in ("success", "failed"):
                break
            time.sleep(0.5)
    finally:
        if was_paused:
            admin.json("PATCH", f"/dags/{dag_id}?update_mask=is_paused", {"is_paused": True})
    if state_ != "success":
        raise ServerError(f"run {run_id} of {dag_id} ended {state_!r}")
    step("trigger and wait for success", began)

    began = time.monotonic()
    log_path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/1"
    if lane_.api_version == "v1":
        answer = admin.call("GET", lane_.api_root + log_path, accept="text/plain")
        text = answer.body.decode("utf-8", "replace")
    else:
        content = admin.json("GET", log_path)["content"]
        text = "\n".join(
            str(line.get("event", "")) if isinstance(line, dict) else str(line) for line in content
        )
    if f"client-test says hello from run {run_id}" not in text:
        raise ServerError(
            f"the task log of {run_id} does not show the task's output:\n{text[-2000:]}"
        )
    step("task log", began)

    began = time.monotonic()
    if lane_.api_version == "v1":
        users = admin.json("GET", "/users")["users"]
    elif lane_.auth_manager == "fab":
        answer = admin.call("GET", "/auth/fab/v1/users")
        if answer.status != 200:
            raise ServerError(f"GET /auth/fab/v1/users answered {answer.status}")
        users = answer.json()["users"]
    else:
        answer = admin.call("GET", "/auth/fab/v1/users")
        if answer.status != 200 or not answer.content_type.startswith("text/html"):
            raise ServerError(
                f"GET /auth/fab/v1/users under the simple auth manager answered {answer.status} "
                f"{answer.content_type!r}, not the UI's HTML page"
            )
        users = []
    roles = {user["username"]: sorted(role["name"] for role in user["roles"]) for user in users}
    if users and (roles.get("admin") != ["Admin"] or roles.get("viewer") != ["Viewer"]):
        raise ServerError(f"admin and viewer do not have their roles: {roles}")
    step("users" if users else "FAB route is the UI page (simple)", began)

    began = time.monotonic()
    denied = viewer.call(
        "PATCH", f"{lane_.api_root}/dags/{dag_id}?update_mask=is_paused", {"is_paused": True}
    )
    if denied.status != 403:
        raise ServerError(f"the viewer's PATCH of {dag_id} answered {denied.status}, not 403")
    step("viewer cannot write", began)

    if lane_.api_version == "v2":
        began = time.monotonic()
        dry_run = admin.json(
            "POST",
            "/backfills/dry_run",
            {
                "dag_id": "client_test_backfill",
                "from_date": "2024-01-01T00:00:00Z",
                "to_date": "2024-01-03T00:00:00Z",
            },
        )
        dates = [run["logical_date"][:10] for run in dry_run["backfills"]]
        if dates != ["2024-01-01", "2024-01-02", "2024-01-03"]:
            raise ServerError(f"the backfill dry run would create {dates}")
        step("backfill dry run (3 runs)", began)


# --------------------------------------------------------------------------------------------
# Commands


def _printer(prefix: str) -> Callable[[str], None]:
    lock = _PRINT_LOCK

    def log(message: str) -> None:
        with lock:
            for line in message.splitlines() or [""]:
                print(f"{prefix}{line}", flush=True)

    return log


_PRINT_LOCK = threading.Lock()


def in_parallel(
    versions: Sequence[str], work: Callable[[str, Callable[[str], None]], bool]
) -> bool:
    """Run ``work(version, log)`` for every version at once; tell whether all succeeded.

    With more than one version each output line starts with ``[version]``.
    """
    results: dict[str, bool] = {}
    finished = {version: threading.Event() for version in versions}

    def one(version: str) -> None:
        log = _printer(f"[{version}] " if len(versions) > 1 else "")
        try:
            results[version] = work(version, log)
        except Exception as exc:
            log(f"failed: {exc!r}")
            results[version] = False
        finally:
            finished[version].set()

    for version in versions:
        threading.Thread(target=one, args=(version,)).start()
    interrupted: KeyboardInterrupt | None = None
    # Waiting by sleeping, not Thread.join(): an exception raised by a signal handler inside
    # join() can mark a running thread as stopped, and the interpreter would then exit
    # without waiting for it to undo what it started.
    while not all(event.is_set() for event in finished.values()):
        try:
            time.sleep(0.2)
        except KeyboardInterrupt as exc:
            # Ctrl-C reaches only this thread: tell the others to undo what they started.
            ABORT.set()
            interrupted = exc
    if interrupted is not None:
        raise interrupted
    return all(results.get(version, False) for version in versions)


#: Set on Ctrl-C: every start in progress stops what it started and gives up.
ABORT = threading.Event()


def check_abort() -> None:
    """Raise ``ServerError`` when the user asked to stop (see ``ABORT``)."""
    if ABORT.is_set():
        raise ServerError("interrupted")


def start(args: argparse.Namespace) -> int:
    """Start every requested server (in parallel) and write their state files."""
    if args.port and len(args.versions) > 1:
        print("--port needs exactly one --version", file=sys.stderr)
        return 2
    began = time.monotonic()

    def work(version: str, log: Callable[[str], None]) -> bool:
        return start_server(
            version,
            args.state_dir,
            port=args.port,
            timeout=args.timeout,
            python=args.python,
            log=log,
        )

    ok = in_parallel(args.versions, work)
    if len(args.versions) > 1:
        verdict = "ready" if ok else "NOT all ready"
        print(f"{len(args.versions)} servers {verdict} in {time.monotonic() - began:.1f} s")
    return 0 if ok else 1


def stop(args: argparse.Namespace) -> int:
    """Stop the requested servers (default: every recorded one), in parallel."""
    versions = args.versions or recorded_versions(args.state_dir)
    # A state file from before servers had a directory each.
    legacy = read_state(args.state_dir)
    if legacy and legacy.get("pids") and not args.versions:
        stop_server(legacy)
        legacy["pids"] = {}
        write_state(args.state_dir, legacy)
        print(f"Airflow {legacy.get('version')} (old state file) stopped")

    def work(version: str, log: Callable[[str], None]) -> bool:
        state_dir = server_dir(args.state_dir, version)
        state = read_state(state_dir)
        if not state or not state.get("pids"):
            log(f"Airflow {version} is not running")
            return True
        began = time.monotonic()
        killed = stop_server(state)
        state["pids"] = {}
        write_state(state_dir, state)
        note = f" (SIGKILL after the grace period: {', '.join(killed)})" if killed else ""
        log(f"Airflow {version} stopped in {time.monotonic() - began:.1f} s{note}")
        return True

    if not versions:
        print("no Airflow server is recorded")
        return 0
    in_parallel(versions, work)
    return 0


def status(args: argparse.Namespace) -> int:
    """Print whether the recorded processes live and health answers; 0 only when all is well."""
    versions = args.versions or recorded_versions(args.state_dir)
    ok = bool(versions)
    for version in versions:
        state = read_state(server_dir(args.state_dir, version))
        if not state or not state.get("pids"):
            print(f"Airflow {version} is not running")
            ok = False
            continue
        lane_ = lane(version)
        alive_map = running(state)
        body = health(state["base_url"], lane_)
        live = [int(entry["pid"]) for name, entry in state["pids"].items() if alive_map[name]]
        print(f"Airflow {version} at {state['base_url']} ({rss_mib(live):.0f} MiB resident)")
        for name, entry in state["pids"].items():
            print(f"  {name:14} pid {entry['pid']:>7}  {'alive' if alive_map[name] else 'dead'}")
        print(f"  health {lane_.health_path} -> {json.dumps(body)}")
        ok = ok and all(alive_map.values()) and is_healthy(body, lane_)
    if not versions:
        print("no Airflow server is recorded")
    return 0 if ok else 1


def check(args: argparse.Namespace) -> int:
    """Run the end-to-end smoke test on every requested running server."""

    def work(version: str, log: Callable[[str], None]) -> bool:
        state = read_state(server_dir(args.state_dir, version))
        if not state or not state.get("pids"):
            log(f"Airflow {version} is not running; run `start --version {version}` first")
            return False
        began = time.monotonic()
        try:
            check_server(state, log)
        except (ServerError, OSError, ValueError, KeyError) as exc:
            log(f"check of Airflow {version} FAILED: {exc}")
            return False
        log(f"check of Airflow {version} passed in {time.monotonic() - began:.1f} s")
        return True

    return 0 if in_parallel(args.versions, work) else 1


def shell_env(args: argparse.Namespace) -> int:
    """Print ``export`` lines describing one running server for a shell or CI step."""
    if len(args.versions) != 1:
        print("env needs exactly one --version", file=sys.stderr)
        return 2
    state_dir = server_dir(args.state_dir, args.versions[0])
    state = read_state(state_dir)
    if not state or not state.get("pids"):
        print(f"Airflow {args.versions[0]} is not running; run `start` first", file=sys.stderr)
        return 1
    values = {
        "AIRFLOW_TEST_STATE_FILE": str(state_path(state_dir)),
        "AIRFLOW_TEST_BASE_URL": state["base_url"],
        "AIRFLOW_TEST_API_VERSION": state["api_version"],
        "AIRFLOW_TEST_AUTH_MANAGER": state["auth_manager"],
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
    """Install apache-airflow into the venv of every requested version, in parallel."""

    def work(version: str, log: Callable[[str], None]) -> bool:
        try:
            spent = install(version, args.python)
        except ServerError as exc:
            log(str(exc))
            return False
        what = f"installed in {spent:.1f} s" if spent else "already installed"
        log(f"apache-airflow=={version} {what}: {venv_dir(version)}")
        return True

    return 0 if in_parallel(args.versions, work) else 1


def freeze(args: argparse.Namespace) -> int:
    """Write what the venv of one version holds into its constraints file."""
    if len(args.versions) != 1:
        print("freeze needs exactly one --version", file=sys.stderr)
        return 2
    version = args.versions[0]
    if installed_version(version) != version:
        print(f"apache-airflow=={version} is not installed; run `install` first", file=sys.stderr)
        return 1
    uv = find_uv()
    python = str(venv_bin(version, "python"))
    cmd = [uv, "pip", "freeze", "--python", python] if uv else [python, "-m", "pip", "freeze"]
    pins = sorted(
        (line for line in run(cmd).splitlines() if "==" in line and not line.startswith("-e")),
        key=str.lower,
    )
    requirements = install_request(version)["requirements"]
    header = [
        f"# Working set of apache-airflow=={version} on Python "
        f"{'.'.join(map(str, sys.version_info[:2]))}, frozen after a clean install of",
        f"#   {requirements[0]}",
        *(f"#     {requirement}" for requirement in requirements[1:]),
        "# Used as a pip/uv constraints file (-c) by scripts/airflow_server.py so every install",
        "# of the integration-test server gets the same versions.",
    ]
    header += [f"# {note}" for note in args.note]
    path = constraints_path(version)
    path.write_text("\n".join([*header, *pins]) + "\n", encoding="utf-8")
    print(f"wrote {len(pins)} pins to {path}")
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--version",
        dest="versions",
        action="append",
        default=[],
        help="apache-airflow release; repeat for several servers",
    )
    common.add_argument("--all", action="store_true", help=f"every lane: {', '.join(ALL_VERSIONS)}")
    common.add_argument(
        "--state-dir",
        type=pathlib.Path,
        default=DEFAULT_STATE_DIR,
        help="one directory per server: state.json, logs, AIRFLOW_HOME (default: %(default)s)",
    )
    common.add_argument(
        "--python", default=sys.executable, help="interpreter for the Airflow venvs"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start_parser = sub.add_parser("start", parents=[common], help="install if needed and start")
    start_parser.add_argument(
        "--port", type=int, default=0, help="API port on 127.0.0.1 (0: pick a free one)"
    )
    start_parser.add_argument(
        "--timeout", type=float, default=240.0, help="seconds to wait for a ready API"
    )
    for name, help_text in (
        ("install", "only install Airflow into its venv"),
        ("stop", "stop the processes started by `start`"),
        ("status", "report process and health state"),
        ("check", "smoke-test running servers end to end"),
        ("env", "print shell export lines for one running server"),
    ):
        sub.add_parser(name, parents=[common], help=help_text)
    freeze_parser = sub.add_parser("freeze", parents=[common], help="rewrite the constraints file")
    freeze_parser.add_argument(
        "--note", action="append", default=[], help="a line for the file's header (repeatable)"
    )
    args = parser.parse_args(argv)
    args.state_dir = args.state_dir.resolve()
    if args.all:
        args.versions = [*args.versions, *ALL_VERSIONS]
    if not args.versions and args.command not in ("stop", "status"):
        args.versions = [DEFAULT_VERSION]
    args.versions = list(dict.fromkeys(args.versions))
    for version in args.versions:
        try:
            version_tuple(version)
        except ValueError as exc:
            parser.error(str(exc))
    return args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the subcommand given on the command line.

    SIGTERM (a CI job's timeout, for one) is handled like Ctrl-C: a start in progress stops
    what it started. Ctrl-C works even where a shell started this in the background with
    SIGINT ignored.
    """
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    args = parse_args(argv)
    try:
        return _run_command(args)
    except KeyboardInterrupt as exc:
        print(f"interrupted ({exc})", file=sys.stderr)
        return 130


def _run_command(args: argparse.Namespace) -> int:
    handlers = {
        "install": install_command,
        "start": start,
        "stop": stop,
        "status": status,
        "check": check,
        "env": shell_env,
        "freeze": freeze,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
