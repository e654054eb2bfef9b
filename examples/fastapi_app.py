"""A FastAPI backend that triggers DAG runs and reads them through one shared client.

The AsyncClient is created once in the app's lifespan and handed to endpoints by a
dependency, so every request shares one connection pool. The endpoints declare and return
the client's own models: FastAPI serialises them with their ``to_dict()`` and the app's
OpenAPI document describes their fields, so nothing is copied by hand. A request body is a
model too (``Body()`` tells FastAPI to read it from the body). Airflow's errors become HTTP
answers that make sense to this API's callers: a missing DAG is their 404, a duplicate run
id their 409, a refused ``conf`` their 422; Airflow being down, slow or misconfigured is a
502/503/504 of this backend, never a 500 with a traceback.

    python examples/fastapi_app.py            # serves on http://127.0.0.1:8000
    uvicorn examples.fastapi_app:app          # or with uvicorn directly (pip install uvicorn)
"""

from __future__ import annotations

import contextlib
import pathlib
import sys
from collections.abc import AsyncGenerator, Callable
from typing import Annotated

from fastapi import Body, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from airflow_client_async import (
    UNSET,
    AirflowError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    BadRequestError,
    ConflictError,
    JsonValue,
    NotFoundError,
    ResponseValidationError,
)
from airflow_client_async.models import DAG, DAGRun, TriggerDAGRunPostBody

ClientFactory = Callable[[], AsyncClient]


def _status_for(exc: AirflowError) -> int:
    # The caller's mistakes keep their meaning; Airflow's own trouble is a gateway error.
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, BadRequestError):
        return 422
    if isinstance(exc, APITimeoutError):
        return 504
    if isinstance(exc, APIConnectionError):
        return 503
    return 502  # 401/403 (our credentials), 5xx, bodies that do not decode


def get_airflow(request: Request) -> AsyncClient:
    """The dependency that hands an endpoint the app's one AsyncClient."""
    client: AsyncClient = request.app.state.airflow
    return client


# At module level, so FastAPI can resolve the annotations by name.
Airflow = Annotated[AsyncClient, Depends(get_airflow)]
TriggerBody = Annotated[TriggerDAGRunPostBody, Body()]


def create_app(client_factory: ClientFactory) -> FastAPI:
    """Build the app; ``client_factory`` makes the one AsyncClient of its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None, None]:
        async with client_factory() as client:
            app.state.airflow = client
            yield

    app = FastAPI(title="DAG runs", lifespan=lifespan)

    @app.exception_handler(AirflowError)
    async def airflow_error(request: Request, exc: AirflowError) -> JSONResponse:
        status = _status_for(exc)
        body: dict[str, JsonValue] = {"error": type(exc).__name__}
        if isinstance(exc, APIStatusError):
            body["airflow_status"] = exc.status
            body["detail"] = exc.detail or exc.title
        elif isinstance(exc, ResponseValidationError):
            body["detail"] = "Airflow answered with an unexpected body"
        else:
            body["detail"] = str(exc)
        return JSONResponse(body, status_code=status)

    @app.get("/dags")
    async def dags(client: Airflow, limit: int = 20) -> list[DAG]:
        """List the first DAGs."""
        page = await client.dags.list(limit=limit)
        return list(page.items)

    @app.post("/dags/{dag_id}/runs", status_code=201)
    async def trigger(dag_id: str, body: TriggerBody, client: Airflow) -> DAGRun:
        """Trigger a run of a DAG."""
        return await client.dag_runs.trigger(
            dag_id,
            dag_run_id=body.dag_run_id or UNSET,
            conf=body.conf or {},
            note=body.note if body.note is not None else UNSET,
        )

    @app.get("/dags/{dag_id}/runs/{dag_run_id}")
    async def read(dag_id: str, dag_run_id: str, client: Airflow) -> DAGRun:
        """Read a run."""
        return await client.dag_runs.get(dag_id, dag_run_id)

    return app


def _client_from_settings() -> AsyncClient:
    # _settings sits beside this file, which is not a package.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    from _settings import airflow_settings

    base_url, auth = airflow_settings()
    return AsyncClient(base_url, auth=auth)


app = create_app(_client_from_settings)

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=8000)
