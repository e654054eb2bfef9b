"""The clients measured, each set up the way its users would set it up.

* ours: ``airflow_client_async.AsyncClient`` on the aiohttp-backed transport (the default
  on asyncio) or on httpx's own transport;
* raw httpx: an ``httpx.AsyncClient`` plus :func:`json.loads`, on the same two transports
  and with the same pool limits — the floor for any client built on httpx;
* raw aiohttp: an ``aiohttp.ClientSession`` plus :func:`json.loads` — the floor here;
* official: ``apache-airflow-client`` (urllib3, synchronous), with a pool as large as the
  thread pool that drives it.

Every client sends ``Accept: application/json`` and basic auth, or on ``/api/v2`` (Airflow
3) a bearer token that it gets once from ``POST /auth/token`` in exchange for the same
credentials, as Airflow 3 requires (ours does that exchange by itself).
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import aiohttp
import httpx

from airflow_client_async import DEFAULT_LIMITS, AsyncClient
from airflow_client_async._transports import AiohttpTransport, TransportSettings

__all__ = [
    "APIS",
    "AUTH",
    "HEALTH_PATHS",
    "TRANSPORTS",
    "RawAiohttp",
    "RawHttpx",
    "official_api",
    "ours",
]

AUTH = ("admin", "admin")
TRANSPORTS = ("aiohttp", "httpx")
APIS = ("v1", "v2")
#: The health route below each API root.
HEALTH_PATHS = {"v1": "/health", "v2": "/monitor/health"}
_HEADERS = {"Accept": "application/json"}
_JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def ours(base_url: str, transport: str, api_version: str = "v1") -> AsyncClient:
    """Our client as a user builds it (``transport="auto"`` picks aiohttp on asyncio)."""
    return AsyncClient(
        base_url,
        auth=AUTH,
        transport=transport,  # type: ignore[arg-type]
        api_version=api_version,  # type: ignore[arg-type]
    )


def _auth_header(base_url: str, api_version: str) -> dict[str, str]:
    """Basic credentials (Airflow 2), or the bearer token they are exchanged for (Airflow 3)."""
    if api_version == "v1":
        token = base64.b64encode(":".join(AUTH).encode()).decode()
        return {"Authorization": f"Basic {token}"}
    answer = httpx.post(
        base_url + "/auth/token", json={"username": AUTH[0], "password": AUTH[1]}, trust_env=False
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _trigger_body(api: str) -> dict[str, Any]:
    # Airflow 3 wants the logical date given, null for none (Airflow 2 takes "now").
    if api.endswith("/api/v2"):
        return {"dag_run_id": uuid.uuid4().hex, "logical_date": None}
    return {"dag_run_id": uuid.uuid4().hex}


class RawHttpx:
    """httpx plus ``json.loads``: what a hand-written httpx client does at the least."""

    def __init__(self, base_url: str, transport: str, api_version: str = "v1") -> None:
        self.api = f"{base_url}/api/{api_version}"
        pool: httpx.AsyncBaseTransport
        if transport == "aiohttp":
            pool = AiohttpTransport(TransportSettings(limits=DEFAULT_LIMITS))
        else:
            pool = httpx.AsyncHTTPTransport(limits=DEFAULT_LIMITS)
        if api_version == "v1":
            self.client = httpx.AsyncClient(transport=pool, auth=AUTH, trust_env=False)
        else:
            headers = _auth_header(base_url, api_version)
            self.client = httpx.AsyncClient(transport=pool, headers=headers, trust_env=False)

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = await self.client.get(self.api + path, params=params, headers=_HEADERS)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        return json.loads(response.content)

    async def trigger(self, dag_id: str) -> Any:
        body = json.dumps(_trigger_body(self.api)).encode()
        response = await self.client.post(
            f"{self.api}/dags/{dag_id}/dagRuns", content=body, headers=_JSON_HEADERS
        )
        if response.status_code != 200:
            raise RuntimeError(f"POST dagRuns: {response.status_code}")
        return json.loads(response.content)

    async def aclose(self) -> None:
        await self.client.aclose()


class RawAiohttp:
    """aiohttp plus ``json.loads``: the least any Python client does here."""

    def __init__(self, base_url: str, api_version: str = "v1") -> None:
        self.api = f"{base_url}/api/{api_version}"
        self.headers = {**_HEADERS, **_auth_header(base_url, api_version)}
        self.session: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        # Created inside the running loop, as aiohttp requires.
        if self.session is None:
            limit = DEFAULT_LIMITS.max_connections or 0
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit))
        return self.session

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        async with self._session().get(self.api + path, params=params, headers=self.headers) as r:
            if r.status != 200:
                raise RuntimeError(f"GET {path}: {r.status}")
            return json.loads(await r.read())

    async def trigger(self, dag_id: str) -> Any:
        body = json.dumps(_trigger_body(self.api)).encode()
        headers = {**self.headers, "Content-Type": "application/json"}
        url = f"{self.api}/dags/{dag_id}/dagRuns"
        async with self._session().post(url, data=body, headers=headers) as r:
            if r.status != 200:
                raise RuntimeError(f"POST dagRuns: {r.status}")
            return json.loads(await r.read())

    async def aclose(self) -> None:
        if self.session is not None:
            await self.session.close()


def official_api(base_url: str, pool_size: int = 32) -> Any:
    """An ``ApiClient`` of apache-airflow-client with ``pool_size`` pooled connections."""
    from airflow_client.client import ApiClient, Configuration

    config = Configuration(host=base_url + "/api/v1", username=AUTH[0], password=AUTH[1])
    # Its default pool (5 per CPU) would drop connections under 32 threads.
    config.connection_pool_maxsize = pool_size
    return ApiClient(config)
