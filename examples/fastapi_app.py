"""A FastAPI backend that triggers DAG runs and reads their state through one shared client.

The AsyncClient is created once in the app's lifespan and handed to endpoints by a
dependency, so every request shares one connection pool. Airflow's errors become HTTP
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
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from airflow_client_async import (
    AirflowError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    ResponseValidationError,
)

ClientFactory = Callable[[], AsyncClient]


class TriggerBody(BaseModel):
    """What a caller may send to trigger a run."""

    conf: dict[str, Any] = Field(default_factory=dict)
    dag_run_id: str | None = None
    note: str | None = None


class RunState(BaseModel):
    """What this API tells about a run."""

    dag_id: str
    dag_run_id: str
    state: str | None
    start_date: str | None = None
    end_date: str | None = None


def _run_state(run: Any) -> RunState:
    return RunState(
        dag_id=run.dag_id or "",
        dag_run_id=run.dag_run_id or "",
        state=str(run.state) if run.state is not None else None,
        start_date=run.start_date.isoformat() if run.start_date else None,
        end_date=run.end_date.isoformat() if run.end_date else None,
    )


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


# At module level, so FastAPI can resolve the annotation by name.
Airflow = Annotated[AsyncClient, Depends(get_airflow)]


def create_app(client_factory: ClientFactory) -> FastAPI:
    """Build the app; ``client_factory`` makes the one AsyncClient of its lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with client_factory() as client:
            app.state.airflow = client
            yield

    app = FastAPI(title="DAG runs", lifespan=lifespan)

    @app.exception_handler(AirflowError)
    async def airflow_error(request: Request, exc: AirflowError) -> JSONResponse:
        status = _status_for(exc)
        body: dict[str, Any] = {"error": type(exc).__name__}
        if isinstance(exc, APIStatusError):
            body["airflow_status"] = exc.status
            body["detail"] = exc.detail or exc.title
        elif isinstance(exc, ResponseValidationError):
            body["detail"] = "Airflow answered with an unexpected body"
        else:
            body["detail"] = str(exc)
        return JSONResponse(body, status_code=status)

    @app.post("/dags/{dag_id}/runs", status_code=201)
    async def trigger(dag_id: str, body: TriggerBody, client: Airflow) -> RunState:
        """Trigger a run of a DAG."""
        run = await client.dag_runs.trigger(
            dag_id,
            conf=body.conf,
            **({"dag_run_id": body.dag_run_id} if body.dag_run_id else {}),
            **({"note": body.note} if body.note is not None else {}),
        )
        return _run_state(run)

    @app.get("/dags/{dag_id}/runs/{dag_run_id}")
    async def read(dag_id: str, dag_run_id: str, client: Airflow) -> RunState:
        """Read a run's state."""
        return _run_state(await client.dag_runs.get(dag_id, dag_run_id))

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
