"""What the client guarantees about hostile input and secrets, checked where it matters.

* Path ids: whatever a caller passes, the request line a real socket server on 127.0.0.1
  receives has the route's own segments, each id in exactly one segment that decodes back
  to the id. Checked through every transport the client can send with, because a
  transport may rewrite a URL after the client built it.
* Secrets (basic-auth password, bearer token, credentials in the base URL, a connection's
  password and ``extra``) never appear in a ``repr``, a ``str``, an exception (with its
  chain and traceback) or a log record of the client, httpx, httpcore or aiohttp.
* Credentials for plain ``http://`` warn; CR/LF in anything that becomes a header is
  refused, so no value can add a header line.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import string
import traceback
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import airflow_client_async as af
from airflow_client_async import AsyncClient, BasicAuth, BearerAuth, TransportKind
from tests.support.wire_server import RawRequest, Responder, WireServer

#: Examples per transport; ``FUZZ_EXAMPLES=5000 pytest tests/reliability`` searches longer.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))

UNRESERVED = set(string.ascii_letters + string.digits + "-._~")

# -- path ids on the wire ------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A method that takes path ids, the route it must reach and the query it sends."""

    name: str
    method: str
    template: str
    call: Callable[[AsyncClient, dict[str, str]], Awaitable[object]]
    query: str = ""

    @property
    def params(self) -> list[str]:
        return [s[1:-1] for s in self.template.split("/") if s.startswith("{")]


_RUN = "/dags/{dag_id}/dagRuns/{dag_run_id}"
_TI = _RUN + "/taskInstances/{task_id}"

ROUTES = [
    Route("dags.get", "GET", "/dags/{dag_id}", lambda c, i: c.dags.get(i["dag_id"])),
    Route("dags.delete", "DELETE", "/dags/{dag_id}", lambda c, i: c.dags.delete(i["dag_id"])),
    Route(
        "tasks.get",
        "GET",
        "/dags/{dag_id}/tasks/{task_id}",
        lambda c, i: c.tasks.get(i["dag_id"], i["task_id"]),
    ),
    Route("dag_runs.get", "GET", _RUN, lambda c, i: c.dag_runs.get(i["dag_id"], i["dag_run_id"])),
    Route(
        "dag_runs.update",
        "PATCH",
        _RUN + "/setNote",
        lambda c, i: c.dag_runs.update(i["dag_id"], i["dag_run_id"], note="n"),
    ),
    Route(
        "task_instances.get",
        "GET",
        _TI,
        lambda c, i: c.task_instances.get(i["dag_id"], i["dag_run_id"], i["task_id"]),
    ),
    Route(
        "task_instances.get_log",
        "GET",
        _TI + "/logs/3",
        lambda c, i: c.task_instances.get_log(i["dag_id"], i["dag_run_id"], i["task_id"], 3),
    ),
    Route(
        "xcom_entries.get",
        "GET",
        _TI + "/xcomEntries/{xcom_key}",
        lambda c, i: c.xcom_entries.get(i["dag_id"], i["dag_run_id"], i["task_id"], i["xcom_key"]),
        query="stringify=false",
    ),
    Route(
        "variables.get",
        "GET",
        "/variables/{variable_key}",
        lambda c, i: c.variables.get(i["variable_key"]),
    ),
    Route(
        "variables.update",
        "PATCH",
        "/variables/{variable_key}",
        lambda c, i: c.variables.update(i["variable_key"], value="v"),
        query="update_mask=val",
    ),
    Route(
        "variables.delete",
        "DELETE",
        "/variables/{variable_key}",
        lambda c, i: c.variables.delete(i["variable_key"]),
    ),
    Route(
        "connections.get",
        "GET",
        "/connections/{connection_id}",
        lambda c, i: c.connections.get(i["connection_id"]),
    ),
    Route(
        "connections.update",
        "PATCH",
        "/connections/{connection_id}",
        lambda c, i: c.connections.update(i["connection_id"], host="h"),
        query="update_mask=host",
    ),
    Route(
        "connections.delete",
        "DELETE",
        "/connections/{connection_id}",
        lambda c, i: c.connections.delete(i["connection_id"]),
    ),
    Route("pools.get", "GET", "/pools/{pool_name}", lambda c, i: c.pools.get(i["pool_name"])),
    Route(
        "pools.update",
        "PATCH",
        "/pools/{pool_name}",
        lambda c, i: c.pools.update(i["pool_name"], slots=1),
        query="update_mask=slots",
    ),
    Route(
        "pools.delete", "DELETE", "/pools/{pool_name}", lambda c, i: c.pools.delete(i["pool_name"])
    ),
    Route("assets.get", "GET", "/datasets/{uri}", lambda c, i: c.assets.get(i["uri"])),
    Route(
        "assets.get_dag_queued_event",
        "GET",
        "/dags/{dag_id}/datasets/queuedEvent/{uri}",
        lambda c, i: c.assets.get_dag_queued_event(i["dag_id"], i["uri"]),
    ),
    Route("users.get", "GET", "/users/{username}", lambda c, i: c.users.get(i["username"])),
    Route(
        "users.delete", "DELETE", "/users/{username}", lambda c, i: c.users.delete(i["username"])
    ),
    Route("roles.get", "GET", "/roles/{role_name}", lambda c, i: c.roles.get(i["role_name"])),
    Route(
        "roles.delete",
        "DELETE",
        "/roles/{role_name}",
        lambda c, i: c.roles.delete(i["role_name"]),
    ),
]

#: Pieces that have broken path handling somewhere: dot segments, separators and their
#: escapes (both cases), query and fragment starters, backslashes, control characters,
#: and unicode that normalises to ASCII separators (fullwidth solidus and full stop).
TRICKY = [
    ".",
    "..",
    "/",
    "%2F",
    "%2f",
    "%2E",
    "%2e",
    "%",
    "%25",
    "?",
    "#",
    "\\",
    "%5C",
    ";",
    "&",
    "=",
    "+",
    " ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u0301",
    "é",
    "☃",
    "🐍",
    "\uff0f",
    "\uff0e",
    "../",
    "/..",
    "..%2F",
    "%2E%2E",
]

path_ids = st.one_of(
    st.sampled_from([".", "..", "...", "/", "%2E%2E", "..%2F..%2Fconfig", "?x=1#f"]),
    st.lists(
        st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=["Cs"])),
        min_size=1,
        max_size=8,
    ).map("".join),
)


@st.composite
def route_calls(draw: st.DrawFn) -> tuple[Route, dict[str, str]]:
    route = draw(st.sampled_from(ROUTES))
    return route, {name: draw(path_ids) for name in route.params}


@dataclass
class Wire:
    """A client on one transport and event loop, and the socket server it sends to."""

    kind: str
    server: WireServer
    portal: BlockingPortal
    client: AsyncClient
    examples: int = 0
    routes: set[str] = field(default_factory=set)

    def send(self, route: Route, ids: dict[str, str]) -> None:
        async def call() -> None:
            # Decoding the stub's answer may fail for some models; the wire is what counts.
            with contextlib.suppress(af.ResponseValidationError):
                await route.call(self.client, ids)

        self.portal.call(call)


WIRES = ["aiohttp", "httpx", "httpx on trio"]


@pytest.fixture(scope="module", params=WIRES)
def wire(request: pytest.FixtureRequest) -> Iterator[Wire]:
    kind: str = request.param
    backend = "trio" if kind.endswith("trio") else "asyncio"
    transport: TransportKind = "aiohttp" if kind == "aiohttp" else "httpx"
    with WireServer() as server, start_blocking_portal(backend) as portal:
        client = AsyncClient(server.url, transport=transport, max_retries=0, api_version="v1")
        running = Wire(kind, server, portal, client)
        yield running
        portal.call(client.aclose)
        print(
            f"\npath fuzz through {kind}: {running.examples} examples, {len(running.routes)} routes"
        )
    assert server.errors == []


def check_target(received: RawRequest, route: Route, ids: dict[str, str]) -> None:
    assert received.method == route.method
    assert received.version == "HTTP/1.1", received.request_line
    path, _, query = received.target.partition("?")
    assert "#" not in received.target
    assert query == route.query
    expected = ("/api/v1" + route.template).split("/")
    segments = path.split("/")
    assert len(segments) == len(expected), (received.target, ids)
    for want, got in zip(expected, segments, strict=True):
        if not want.startswith("{"):
            assert got == want, (received.target, ids)
            continue
        assert got not in {".", ".."}
        assert set(got) <= UNRESERVED | {"%"}, got
        assert unquote(got, errors="strict") == ids[want[1:-1]], (got, ids)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(call=route_calls())
def test_path_ids_reach_only_their_own_segment(
    wire: Wire, call: tuple[Route, dict[str, str]]
) -> None:
    route, ids = call
    wire.server.clear()
    wire.send(route, ids)
    [received] = wire.server.requests
    check_target(received, route, ids)
    wire.examples += 1
    wire.routes.add(route.name)


@pytest.mark.parametrize("kind", ["aiohttp", "httpx"])
async def test_every_route_is_fuzzed_with_the_worst_ids(kind: TransportKind) -> None:
    # The fixed worst cases through every route, so no route depends on the random draw.
    worst = [".", "..", "../..", "%2E%2E", "a/b", "%2F", "?q=1", "#f", "\\..\\", "\r\nX: y"]
    with WireServer() as server:
        async with AsyncClient(server.url, transport=kind, max_retries=0, api_version="v1") as api:
            for route in ROUTES:
                for value in worst:
                    ids = dict.fromkeys(route.params, value)
                    server.clear()
                    with contextlib.suppress(af.ResponseValidationError):
                        await route.call(api, ids)
                    [received] = server.requests
                    check_target(received, route, ids)
    assert server.errors == []


async def test_ids_that_cannot_be_encoded_fail_before_any_io(transport: TransportKind) -> None:
    with WireServer() as server:
        async with AsyncClient(server.url, transport=transport, api_version="v1") as api:
            for bad in ["", "\ud800", "a\udfffb"]:
                with pytest.raises(ValueError, match=r"non-empty|surrogates"):
                    await api.variables.get(bad)
            with pytest.raises(TypeError):
                await api.pools.get(None)  # type: ignore[arg-type]
        assert server.requests == []


# -- secrets -------------------------------------------------------------------------------

BASIC_PASSWORD = "basic-pw-Zq7%secret"
BEARER_TOKEN = "bearer-tok-Zq7secret"
REFRESHED_TOKEN = "refreshed-tok-Zq7secret"
URL_PASSWORD = "url-pw-Zq7secret"
CONN_PASSWORD = "conn-pw-Zq7secret"
EXTRA_SECRET = "extra-key-Zq7secret"

PROBLEM = ("Content-Type", "application/problem+json")
JSON = ("Content-Type", "application/json")


def secret_forms() -> dict[str, str]:
    """Every secret in every form it could be printed in: raw, percent-encoded, base64."""
    forms: dict[str, str] = {}
    for secret in (BASIC_PASSWORD, BEARER_TOKEN, REFRESHED_TOKEN, URL_PASSWORD):
        forms[secret] = secret
        forms[secret + " (percent-encoded)"] = quote(secret, safe="")
    for secret in (CONN_PASSWORD, EXTRA_SECRET):
        forms[secret] = secret
    for user, password in (("admin", BASIC_PASSWORD), ("admin", URL_PASSWORD)):
        credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
        forms[f"{user}:{password} (basic header)"] = credentials
    # The middle of a base64 string does not depend on where the string was cut.
    forms["Zq7secret (in base64)"] = base64.b64encode(b"Zq7secret").decode()[2:10]
    return forms


def leaked(texts: list[str]) -> list[tuple[str, str]]:
    """(secret, text) for each text that shows a secret in any of its forms."""
    found = []
    for text in texts:
        for name, form in secret_forms().items():
            if form in text:
                found.append((name, text[:300]))
    return found


def exception_texts(exc: BaseException) -> list[str]:
    """str, repr and the full formatted traceback (with its chain), and the request's repr."""
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        request = getattr(current, "request", None)
        if isinstance(request, httpx.Request):
            texts += [repr(request), str(request.url), repr(request.headers)]
        response = getattr(current, "response", None)
        if isinstance(response, httpx.Response):
            texts += [repr(response), repr(response.headers)]
        current = current.__cause__ or current.__context__
    return texts


def connection_json(connection_id: str) -> bytes:
    # A server that (wrongly) sends the secrets back, to prove the models hide them.
    return json.dumps(
        {
            "connection_id": connection_id,
            "conn_type": "postgres",
            "host": "db",
            "password": CONN_PASSWORD,
            "extra": json.dumps({"api_key": EXTRA_SECRET}),
        }
    ).encode()


class Misbehaving:
    """Answers by the last path segment: the error and edge cases a real deployment shows."""

    def __init__(self) -> None:
        self.flaky_seen = 0

    async def __call__(self, request: RawRequest, responder: Responder) -> None:
        name = request.target.split("?")[0].rsplit("/", 1)[-1]
        body: dict[str, Any]
        if name == "bad-request":
            body = {"type": "about:blank", "title": "Bad Request", "detail": "slots: not an int"}
            await responder.respond(400, [PROBLEM], json.dumps(body).encode(), reason="BAD")
        elif name == "unauthorized":
            body = {"title": "Unauthorized", "detail": None, "status": 401}
            await responder.respond(401, [PROBLEM], json.dumps(body).encode(), reason="NO")
        elif name == "server-error":
            page = b"<html><body><h1>500 Internal Server Error</h1>oops</body></html>"
            await responder.respond(500, [("Content-Type", "text/html")], page, reason="ERR")
        elif name == "not-json":
            await responder.respond(200, [("Content-Type", "text/html")], b"<html>login</html>")
        elif name == "wrong-shape":
            body = {"connection_id": "c", "password": [CONN_PASSWORD], "extra": {"k": 1}}
            await responder.respond(200, [JSON], json.dumps(body).encode())
        elif name == "flaky":
            self.flaky_seen += 1
            if self.flaky_seen % 2:
                await responder.respond(503, [("Retry-After", "0")], b"busy")
            else:
                await responder.respond(200, [JSON], b'{"name": "flaky", "slots": 1}')
        elif name == "slow":
            await asyncio.sleep(1)
            await responder.respond(200, [JSON], b"{}")
        elif name == "reset":
            await responder.send_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{")
            await responder.reset()
        elif name == "redirect":
            await responder.respond(302, [("Location", "http://127.0.0.1:9/elsewhere")])
        elif request.target.startswith("/api/v1/connections"):
            if request.method == "DELETE":
                await responder.respond(204)
            else:
                await responder.respond(200, [JSON], connection_json(name))
        else:
            await responder.respond(200, [JSON], b'{"name": "p", "slots": 1}')


CALLS: list[tuple[str, Callable[[AsyncClient], Awaitable[object]]]] = [
    ("400 problem", lambda c: c.pools.update("bad-request", slots=2)),
    ("401", lambda c: c.pools.get("unauthorized")),
    ("500 html", lambda c: c.pools.get("server-error")),
    ("200 html", lambda c: c.pools.get("not-json")),
    ("wrong shape", lambda c: c.connections.get("wrong-shape")),
    ("503 then 200", lambda c: c.pools.get("flaky")),
    ("read timeout", lambda c: c.with_options(timeout=0.2, max_retries=0).pools.get("slow")),
    ("reset mid-body", lambda c: c.pools.get("reset")),
    ("redirect", lambda c: c.pools.get("redirect")),
    (
        "connection create",
        lambda c: c.connections.create(
            "conn-a",
            conn_type="postgres",
            password=CONN_PASSWORD,
            extra={"api_key": EXTRA_SECRET},
        ),
    ),
    (
        "connection update",
        lambda c: c.connections.update(
            "conn-a", password=CONN_PASSWORD, extra=json.dumps({"api_key": EXTRA_SECRET})
        ),
    ),
    (
        "connection test",
        lambda c: c.connections.test(
            conn_type="postgres", password=CONN_PASSWORD, extra={"api_key": EXTRA_SECRET}
        ),
    ),
    (
        "connection update refused",
        lambda c: c.connections.update("bad-request", password=CONN_PASSWORD),
    ),
    ("connection get", lambda c: c.connections.get("conn-a")),
    ("connection list", lambda c: c.connections.list().to_list()),
]

LOGGERS = ["airflow_client_async", "httpx", "httpcore", "aiohttp", "asyncio"]


async def fetch_token() -> str:
    return REFRESHED_TOKEN


def make_clients(url: str, transport: TransportKind) -> dict[str, AsyncClient]:
    with_url_credentials = url.replace("http://", f"http://admin:{quote(URL_PASSWORD)}@")
    options: dict[str, Any] = {
        "transport": transport,
        "retry_policy": af.RetryPolicy(max_retries=1, backoff_initial=0.0),
    }
    return {
        "basic": AsyncClient(url, auth=("admin", BASIC_PASSWORD), **options, api_version="v1"),
        "bearer": AsyncClient(url, auth=BearerAuth(BEARER_TOKEN), **options, api_version="v1"),
        "refreshing bearer": AsyncClient(
            url, auth=BearerAuth(fetch_token), **options, api_version="v1"
        ),
        "url credentials": AsyncClient(with_url_credentials, **options, api_version="v1"),
    }


async def test_no_secret_in_any_repr_exception_or_log_record(
    transport: TransportKind, caplog: pytest.LogCaptureFixture
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    texts: list[str] = []
    outcomes: dict[str, str] = {}
    with WireServer(Misbehaving()) as server:
        clients = make_clients(server.url, transport)
        for api in clients.values():
            texts += [repr(api), str(api), repr(api.with_options(max_retries=0))]
            texts += [repr(api.connections), repr(api.connections.list())]
            texts.append(repr(api._http.auth))
            for call_name, call in CALLS:
                try:
                    result = await call(api)
                except af.AirflowError as exc:
                    outcomes[call_name] = type(exc).__name__
                    texts += exception_texts(exc)
                else:
                    outcomes[call_name] = "ok"
                    texts += [repr(result), str(result)]
                    if isinstance(result, list):
                        texts += [repr(item) for item in result]
            await api.aclose()
            texts += [repr(api), str(api)]

        # Refused: nothing listens there any more.
        refused = make_clients(server.url, transport)
    for api in refused.values():
        with pytest.raises(af.APIConnectionError) as caught:
            await api.with_options(max_retries=0).pools.get("refused")
        texts += exception_texts(caught.value)
        await api.aclose()

    # The secrets really were on the wire, so finding none in the texts means something.
    heads = b"".join(r.head for r in server.requests).decode("latin-1")
    bodies = b"".join(r.body for r in server.requests).decode("utf-8")
    for secret in ("admin:" + BASIC_PASSWORD, "admin:" + URL_PASSWORD):
        assert base64.b64encode(secret.encode()).decode() in heads
    assert f"Bearer {BEARER_TOKEN}" in heads and f"Bearer {REFRESHED_TOKEN}" in heads
    assert CONN_PASSWORD in bodies and EXTRA_SECRET in bodies

    records = [logging.Formatter("%(name)s %(message)s").format(r) for r in caplog.records]
    records += [repr(r.args) for r in caplog.records]
    http_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any("HTTP Request: GET http://127.0.0.1" in line for line in http_lines)
    assert {r.name.split(".")[0] for r in caplog.records} >= {"airflow_client_async", "httpx"}
    assert leaked(texts + records) == []
    assert outcomes == {
        "400 problem": "BadRequestError",
        "401": "AuthenticationError",
        "500 html": "InternalServerError",
        "200 html": "ResponseValidationError",
        "wrong shape": "ResponseValidationError",
        "503 then 200": "ok",
        "read timeout": "APITimeoutError",
        "reset mid-body": "APIConnectionError",
        "redirect": "APIStatusError",
        "connection create": "ok",
        "connection update": "ok",
        "connection test": "ok",
        "connection update refused": "BadRequestError",
        "connection get": "ok",
        "connection list": "ok",
    }


def test_auth_objects_never_print_their_secret() -> None:
    texts = []
    for auth in (
        BasicAuth("admin", BASIC_PASSWORD),
        BearerAuth(BEARER_TOKEN),
        BearerAuth(fetch_token),
    ):
        texts += [repr(auth), str(auth), repr(vars(auth).keys())]
    assert leaked(texts) == []


def test_a_token_passed_as_a_header_is_not_printed() -> None:
    api = AsyncClient(
        "https://airflow.test",
        headers={"Authorization": f"Bearer {BEARER_TOKEN}"},
        api_version="v1",
    )
    texts = [repr(api), str(api), repr(api.dags), repr(api._http)]
    assert leaked(texts) == []


# -- plain http and header injection ---------------------------------------------------------


def test_credentials_for_plain_http_warn_without_printing_them() -> None:
    remote = [
        ("http://admin:" + URL_PASSWORD + "@airflow.example.com", None),
        ("http://airflow.example.com:8080", ("admin", BASIC_PASSWORD)),
        ("http://10.0.0.7", BearerAuth(BEARER_TOKEN)),
    ]
    for url, auth in remote:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            api = AsyncClient(url, auth=auth, api_version="v1")
        messages = [str(w.message) for w in caught]
        assert len(messages) == 1 and "unencrypted" in messages[0], (url, messages)
        assert leaked([*messages, repr(api), api.base_url]) == []
        assert URL_PASSWORD not in api.base_url

    # https, and plain http to this machine, are quiet.
    for url in ("https://admin:" + URL_PASSWORD + "@airflow.example.com", "http://localhost"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            AsyncClient(url, auth=("admin", BASIC_PASSWORD), api_version="v1")


_latin1 = st.text(st.characters(codec="latin-1"), max_size=10)


@given(
    value=st.tuples(_latin1, st.sampled_from(["\r", "\n", "\r\n", "\x00"]), _latin1).map("".join)
)
@settings(max_examples=100, deadline=None)
def test_cr_lf_nul_in_any_header_value_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="CR, LF"):
        AsyncClient("https://airflow.test", headers={"X-Team": value}, api_version="v1")
    with pytest.raises(ValueError, match="CR, LF"):
        AsyncClient("https://airflow.test", headers={value: "v"}, api_version="v1")
    with pytest.raises(ValueError, match="CR, LF"):
        AsyncClient("https://airflow.test", api_version="v1").with_options(
            headers={"X-Team": value}
        )
    with pytest.raises(ValueError, match="CR, LF"):
        BearerAuth("tok" + value)


async def test_no_user_value_adds_a_header_line_on_the_wire(transport: TransportKind) -> None:
    injection = "x\r\nX-Injected: 1\r\n\r\nGET /api/v1/config HTTP/1.1"

    async def crlf_token() -> str:
        return "tok" + injection

    with WireServer() as server:
        async with AsyncClient(
            server.url,
            transport=transport,
            auth=("ad\r\nX-Injected", "pw\r\nX-Injected: 1"),
            api_version="v1",
        ) as api:
            await api.variables.get(injection)
            await api.dags.list(dag_id_pattern=injection, tags=[injection])
            await api.dags.get("d", fields=[injection])
            await api.variables.create(injection, value=injection, description=injection)
        async with AsyncClient(
            server.url, transport=transport, auth=BearerAuth(crlf_token), api_version="v1"
        ) as api:
            with pytest.raises(ValueError, match="CR, LF"):
                await api.pools.get("p")
        with pytest.raises(httpx.InvalidURL):
            AsyncClient(server.url + "/x\r\nX-Injected: 1", api_version="v1")

        requests = server.requests
        assert len(requests) == 4
        for received in requests:
            assert received.version == "HTTP/1.1"
            assert received.header_values("X-Injected") == []
            assert len(received.header_values("Authorization")) == 1
            assert "\r" not in received.target and "\n" not in received.target
            assert received.target.startswith(("/api/v1/variables", "/api/v1/dags"))
    assert server.errors == []


async def test_redirects_are_not_followed_so_credentials_stay_with_the_server(
    transport: TransportKind,
) -> None:
    with WireServer() as elsewhere:

        async def redirect(request: RawRequest, responder: Responder) -> None:
            location = elsewhere.url + "/steal"
            await responder.respond(302, [("Location", location)])

        with WireServer(redirect) as server:
            async with AsyncClient(
                server.url,
                transport=transport,
                auth=("admin", BASIC_PASSWORD),
                api_version="v1",
            ) as api:
                with pytest.raises(af.APIStatusError) as caught:
                    await api.pools.get("p")
            assert caught.value.status == 302
        assert elsewhere.requests == []


# -- header names and strict JSON: the same rules on every transport -------------------------

BAD_HEADER_NAMES = [
    "X-Evil: forged",
    "X Evil",
    "X-Evil ",
    "",
    "X-Évil",
    "X\tEvil",
    "(X)",
    "X/Y",
    'X"Y',
    "X,Y",
    "X=Y",
    "X\rY",
    "X\nY",
    "X\x00Y",
]


@pytest.mark.parametrize("name", BAD_HEADER_NAMES)
def test_a_header_name_that_is_not_a_token_is_refused_before_any_io(name: str) -> None:
    with pytest.raises(ValueError, match="RFC 9110 token"):
        AsyncClient("https://airflow.test", headers={name: "v"}, api_version="v1")
    with pytest.raises(ValueError, match="RFC 9110 token"):
        AsyncClient("https://airflow.test", api_version="v1").with_options(headers={name: "v"})


def test_every_token_character_is_a_valid_header_name() -> None:
    name = "!#$%&'*+-.^_`|~09azAZ"
    api = AsyncClient(
        "https://airflow.test", headers={name: "v", "X-Team": "a: b, c"}, api_version="v1"
    )
    assert api._http.headers[name] == "v"


def test_a_header_name_is_not_quoted_in_its_error() -> None:
    # A mistyped header can carry its secret in the name.
    with pytest.raises(ValueError, match="token") as caught:
        AsyncClient(
            "https://airflow.test",
            headers={f"Authorization: Bearer {BEARER_TOKEN}": ""},
            api_version="v1",
        )
    assert leaked(exception_texts(caught.value)) == []


class ForgingAuth(httpx.Auth):
    """An httpx.Auth that adds a header line of its own, as a broken plug-in might."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers[self.name] = self.value
        yield request


@pytest.mark.parametrize("kind", WIRES)
@pytest.mark.parametrize(
    ("name", "value"),
    [("X-Evil: forged", "v"), ("X Evil", "v"), ("X-Evil", "a\r\nX-Injected: 1")],
    ids=["colon", "space", "crlf-value"],
)
def test_a_bad_header_added_after_the_client_checked_is_refused_on_every_transport(
    kind: str, name: str, value: str
) -> None:
    # A header added during sending (here by an auth plug-in) is checked by the transport
    # itself: aiohttp writes whatever it is given, h11 refuses it; both refuse it now.
    backend = "trio" if kind.endswith("trio") else "asyncio"
    transport: TransportKind = "aiohttp" if kind == "aiohttp" else "httpx"

    async def main() -> None:
        async with AsyncClient(
            server.url,
            transport=transport,
            auth=ForgingAuth(name, value),
            max_retries=0,
            api_version="v1",
        ) as api:
            with pytest.raises(af.APIConnectionError, match="LocalProtocolError"):
                await api.pools.get("p")

    with WireServer() as server:
        with start_blocking_portal(backend) as portal:
            portal.call(main)
        assert server.requests == []
        assert server.accepted_connections <= 1


NOT_JSON = [float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("kind", WIRES)
@pytest.mark.parametrize("number", NOT_JSON, ids=["nan", "inf", "-inf"])
def test_nan_and_infinity_are_refused_before_any_io_on_every_transport(
    kind: str, number: float
) -> None:
    backend = "trio" if kind.endswith("trio") else "asyncio"
    transport: TransportKind = "aiohttp" if kind == "aiohttp" else "httpx"

    async def main() -> None:
        async with AsyncClient(
            server.url, transport=transport, max_retries=0, api_version="v1"
        ) as api:
            with pytest.raises(ValueError, match="POST /api/v1/dags/etl/dagRuns: NaN and infinite"):
                await api.dag_runs.trigger("etl", conf={"x": number})
            with pytest.raises(ValueError, match="NaN and infinite"):
                await api.dag_runs.trigger("etl", conf={"deep": [1, {"x": [number]}]})
            with pytest.raises(ValueError, match="NaN and infinite"):
                await api.connections.create("c", conn_type="http", extra={"x": number})
            with pytest.raises(ValueError, match="NaN and infinite"):
                await api.pools.update("p", description="d", slots=number)  # type: ignore[arg-type]
            # Everything else about floats is unchanged.
            await api.dag_runs.trigger("etl", conf={"x": 1.5, "y": -0.0, "z": 1e300})

    with WireServer() as server:
        with start_blocking_portal(backend) as portal:
            portal.call(main)
        [received] = server.requests
        assert received.body == b'{"conf":{"x":1.5,"y":-0.0,"z":1e+300}}'


# -- secrets in the transports' own exceptions -----------------------------------------------


def chained(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception reachable from it through ``__cause__`` and ``__context__``."""
    found: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if any(current is seen for seen in found):
            continue
        found.append(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += list(getattr(current, "exceptions", ()))
    return found


def every_text(exc: BaseException) -> list[str]:
    """str, repr, args and notes of each exception in the chain, and the whole traceback."""
    texts = ["".join(traceback.format_exception(exc))]
    for current in chained(exc):
        texts += [str(current), repr(current), repr(current.args)]
        texts += [str(note) for note in getattr(current, "__notes__", [])]
        for value in vars(current).values() if hasattr(current, "__dict__") else []:
            if not isinstance(value, httpx.Request | httpx.Response):
                texts.append(repr(value))
    return texts


QUERY_SECRET = "query-Zq7secret"

MALFORMED = {
    "bad-status-line": b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}",
    "bad-header-line": b"HTTP/1.1 200 OK\r\nBroken header line\r\nContent-Length: 2\r\n\r\n{}",
    "bad-chunk-size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    "te-and-cl": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n",
    "short-body": b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}",
    "not-http": b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
}


@pytest.mark.parametrize("kind", WIRES)
def test_no_secret_or_query_in_any_exception_of_a_malformed_answer(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    for name in [*LOGGERS, "h11"]:
        caplog.set_level(logging.DEBUG, logger=name)
    backend = "trio" if kind.endswith("trio") else "asyncio"
    transport: TransportKind = "aiohttp" if kind == "aiohttp" else "httpx"
    answers = list(MALFORMED.values())

    async def malformed(request: RawRequest, responder: Responder) -> None:
        await responder.send_raw(answers[(len(server.requests) - 1) % len(answers)])
        await responder.close()

    texts: list[str] = []
    raised: list[str] = []

    async def main() -> None:
        async with AsyncClient(
            server.url,
            transport=transport,
            auth=("admin", BASIC_PASSWORD),
            max_retries=0,
            api_version="v1",
        ) as api:
            for _ in answers:
                with pytest.raises(af.APIError) as caught:
                    await api.dags.list(dag_id_pattern=QUERY_SECRET)
                raised.append(type(caught.value).__name__)
                texts.extend(every_text(caught.value))
                assert "GET /dags" in str(caught.value) or "GET /api/v1/dags" in str(caught.value)

    with WireServer(malformed) as server:
        with start_blocking_portal(backend) as portal:
            portal.call(main)
        # The secrets really went out, so finding none means something.
        assert base64.b64encode(f"admin:{BASIC_PASSWORD}".encode()).decode() in (
            server.requests[0].head.decode("latin-1")
        )
        assert QUERY_SECRET in server.requests[0].target
    records = [logging.Formatter("%(name)s %(message)s").format(r) for r in caplog.records]
    records += [repr(r.args) for r in caplog.records if r.name != "httpx"]
    print(f"\n{kind}: {raised}")
    assert leaked(texts + records) == []
    # httpx itself logs each URL at INFO (see SECURITY.md); nothing else names the query.
    assert [t[:200] for t in texts if QUERY_SECRET in t] == []
    assert [r for r in records if QUERY_SECRET in r and not r.startswith("httpx ")] == []
