"""Every place where Airflow 3's servers disagree with ``openapi-v2.json`` or ``openapi-fab.json``.

The v2 counterpart of ``scripts/spec_corrections.py``: the spec files stay Airflow's text,
and this module is the one documented list of corrections the model generator applies to
them. :data:`CORRECTIONS` edits the core spec (apache-airflow-core 3.3.2),
:data:`FAB_CORRECTIONS` the FAB auth manager's (apache-airflow-providers-fab 3.10.2).

A server may run any 3.x minor, while the specs are 3.3.2's. Where an older minor sends a
field or a shape that 3.3.2's spec no longer declares (found by diffing the specs of
3.0.0, 3.1.0, 3.2.0 and 3.3.2), a correction declares it too, so that every field any 3.x
server sends has a typed attribute.

Facts the spec already states correctly, or that need no change to any schema, are in
:data:`SERVER_BEHAVIOUR`, so that every known difference from Airflow 2 is in one place.

Usage::

    from spec_corrections_v2 import apply_corrections, apply_fab_corrections
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

from spec_corrections import Correction

__all__ = [
    "CORRECTIONS",
    "FAB_CORRECTIONS",
    "SERVER_BEHAVIOUR",
    "apply_corrections",
    "apply_fab_corrections",
]

Spec = dict[str, Any]

#: Every correction of the core spec, in the order :func:`apply_corrections` applies them.
CORRECTIONS: list[Correction] = []

#: Every correction of the FAB spec, in the order :func:`apply_fab_corrections` applies them.
FAB_CORRECTIONS: list[Correction] = []

_HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def _correction(func: Callable[[Spec], None]) -> Callable[[Spec], None]:
    CORRECTIONS.append(Correction(func.__name__, inspect.getdoc(func) or "", func))
    return func


def _fab_correction(func: Callable[[Spec], None]) -> Callable[[Spec], None]:
    FAB_CORRECTIONS.append(Correction(func.__name__, inspect.getdoc(func) or "", func))
    return func


def _schemas(spec: Spec) -> dict[str, Any]:
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def _operation(spec: Spec, operation_id: str) -> dict[str, Any]:
    for item in spec["paths"].values():
        for method in _HTTP_METHODS:
            operation = item.get(method)
            if operation is not None and operation.get("operationId") == operation_id:
                return operation  # type: ignore[no-any-return]
    raise KeyError(operation_id)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answers(spec: Spec, operation_id: str, status: str, schema: dict[str, Any]) -> None:
    """Make ``status`` the success answer of an operation, with a JSON body of ``schema``."""
    responses = _operation(spec, operation_id)["responses"]
    for code in [c for c in responses if c.startswith("2")]:
        del responses[code]
    responses[status] = {
        "description": "Successful Response",
        "content": {"application/json": {"schema": schema}},
    }


# -- the core spec ------------------------------------------------------------------------


@_correction
def delete_dag_no_content(spec: Spec) -> None:
    """``delete_dag`` answers 204 with an empty body; the spec says 200 with any JSON.

    The route (``routes/public/dags.py``) ends with ``return
    Response(status_code=status.HTTP_204_NO_CONTENT)``, but declares no status code, so
    FastAPI documents its default 200.
    """
    responses = _operation(spec, "delete_dag")["responses"]
    del responses["200"]
    responses["204"] = {"description": "Successful Response"}


@_correction
def null_bodies(spec: Spec) -> None:
    """Four operations answer the JSON ``null``; the spec says any JSON.

    ``delete_task_instance`` (200), ``patch_task_state_store`` (200) and
    ``reparse_dag_file`` (201) are handlers annotated ``-> None`` that return nothing, so
    FastAPI writes ``null``; the spec's empty schema says nothing about it.
    """
    for operation_id, status in (
        ("delete_task_instance", "200"),
        ("patch_task_state_store", "200"),
        ("reparse_dag_file", "201"),
    ):
        _answers(spec, operation_id, status, {"type": "null"})


@_correction
def asset_alias_response(spec: Spec) -> None:
    """``get_asset_alias`` answers an AssetAliasResponse; the spec says any JSON.

    The handler has no return annotation, so FastAPI documents nothing, but it returns
    ``AssetAliasResponse.model_validate(alias)``.
    """
    _answers(spec, "get_asset_alias", "200", _ref("AssetAliasResponse"))


@_correction
def xcom_entry_one_shape(spec: Spec) -> None:
    """``get_xcom_entry`` answers one XCom shape; the spec offers two without a discriminator.

    The 200 answer is ``anyOf: [XComResponseNative, XComResponseString]``: the same keys,
    with ``value`` the stored JSON value (``stringify=false``, the v2 default) or its text
    (``stringify=true``). Nothing in the body says which one it is, and XComResponseNative's
    ``value`` (any JSON) already covers a string; the answer is declared as that one.
    """
    _answers(spec, "get_xcom_entry", "200", _ref("XComResponseNative"))


@_correction
def retry_exponential_backoff_was_boolean(spec: Spec) -> None:
    """``TaskResponse.retry_exponential_backoff`` is a boolean on 3.0 and 3.1 servers.

    3.0.0's and 3.1.0's specs declare a boolean; from 3.2 the task field is the backoff
    multiplier, a number. Airflow 3.2+ reads an old boolean as ``2.0`` for ``true`` and
    ``0`` for ``false`` (``serialization/serialized_objects.py``); both shapes are declared.
    """
    props = _schemas(spec)["TaskResponse"]["properties"]
    prop = props["retry_exponential_backoff"]
    title = prop.get("title", "Retry Exponential Backoff")
    props["retry_exponential_backoff"] = {
        "anyOf": [{"type": "number"}, {"type": "boolean"}],
        "title": title,
        "description": (
            "The backoff multiplier between retries (0: no exponential backoff); a boolean "
            "on Airflow 3.0 and 3.1."
        ),
    }


@_correction
def asset_consuming_dags_before_3_1(spec: Spec) -> None:
    """AssetResponse is sent with ``consuming_dags`` by Airflow 3.0 servers.

    3.0.0's AssetResponse lists the DAGs scheduled on the asset as ``consuming_dags``;
    3.1.0 renamed the field ``scheduled_dags`` (same items, DagScheduleAssetReference).
    The old key is declared so that a 3.0 server's answer decodes in full.
    """
    props = _schemas(spec)["AssetResponse"]["properties"]
    props["consuming_dags"] = {
        "items": _ref("DagScheduleAssetReference"),
        "type": "array",
        "title": "Consuming Dags",
        "description": "The DAGs scheduled on this asset (the key a 3.0 server sends).",
    }


@_correction
def health_heartbeats_are_datetimes(spec: Spec) -> None:
    """The health answer's heartbeats are ISO 8601 datetimes, declared as plain strings.

    ``airflow/api/common/airflow_health.py`` fills them with
    ``job.latest_heartbeat.isoformat()`` of the newest job (UTC, ``+00:00``), and the
    response models type them ``str | None``.
    """
    for name, key in (
        ("SchedulerInfoResponse", "latest_scheduler_heartbeat"),
        ("TriggererInfoResponse", "latest_triggerer_heartbeat"),
        ("DagProcessorInfoResponse", "latest_dag_processor_heartbeat"),
    ):
        props = _schemas(spec)[name]["properties"]
        props[key] = {
            "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
            "title": props[key].get("title", key),
        }


@_correction
def route_errors_carry_error(spec: Spec) -> None:
    """A 404 for an unknown route carries ``{"error": ...}``, not ``{"detail": ...}``.

    ``core_api/app.py`` answers any unknown ``/api/v2`` path with ``{"error": "API route
    not found"}`` and any ``/api/v1`` path with ``{"error": "/api/v1 has been removed in
    Airflow 3, please use its upgraded version /api/v2 instead."}``. HTTPExceptionResponse
    declares ``error`` beside ``detail`` so that both error bodies decode.
    """
    props = _schemas(spec)["HTTPExceptionResponse"]["properties"]
    props["error"] = {
        "type": "string",
        "title": "Error",
        "description": "The message of a 404 for a route the server does not have.",
    }


# -- the FAB spec ---------------------------------------------------------------------------


@_fab_correction
def fab_user_timestamps_without_offset(spec: Spec) -> None:
    """FAB users' ``created_on``, ``changed_on`` and ``last_login`` are sent without an offset.

    Flask-AppBuilder stores them as naive ``DateTime`` columns and UserResponse types them
    ``datetime``, which pydantic writes without an offset. They are UTC on a default
    deployment; the converter reads an offset-less datetime as UTC.
    """
    props = _schemas(spec)["UserResponse"]["properties"]
    for name in ("created_on", "changed_on", "last_login"):
        note = "Sent without an offset; read as UTC."
        text = props[name].get("description", "").rstrip()
        props[name]["description"] = f"{text}\n\n{note}" if text else note


@_fab_correction
def fab_delete_role_null(spec: Spec) -> None:
    """``delete_role`` answers 200 with the JSON ``null``; the spec says any JSON.

    The handler is annotated ``-> None`` and returns the service's ``None``.
    """
    _answers(spec, "delete_role", "200", {"type": "null"})


#: What Airflow 3's servers do that needs no schema change, by operationId (``*``: all),
#: including the differences from Airflow 2 a client of both must know. Each was measured
#: on a real 3.3.2 server or read in its source.
SERVER_BEHAVIOUR: dict[str, str] = {
    "*": (
        "Lists default to limit 50, capped silently at [api] maximum_page_limit; limit=0 "
        "returns no items. Array query parameters repeat the key; unknown query parameters "
        "are ignored and unknown body fields refused with 422. Naive datetimes in queries "
        "get a 500. Errors are {'detail': str | object | list} (422: HTTPValidationError); "
        "unknown routes {'error': str}."
    ),
    "get_extra_links": (
        "Answers {'extra_links': {name: url | null}, 'total_entries': n}, as the spec says "
        "(Airflow 2 answered the bare map)."
    ),
    "get_config": (
        "ConfigOption.value is a string, or a [value, source] pair when display_source is "
        "true, as the spec says (prefixItems)."
    ),
    "get_xcom_entry": "stringify defaults to false (Airflow 2: true).",
    "clear_dag_run": (
        "dry_run (default true) answers ClearTaskInstanceCollectionResponse, otherwise "
        "DAGRunResponse; the body carries no discriminator."
    ),
    "get_log": (
        "content is a list of structured messages (or strings for old logs); "
        "Accept: text/plain is refused with 406."
    ),
    "post_pool": "201; the PATCH body names the pool 'pool', not 'name'.",
    "post_variable": "201; value is any JSON, non-strings are stored as their JSON text.",
    "post_connection": "201.",
    "trigger_dag_run": "200; logical_date is required in the body but may be null.",
    "get_connections": "password and extra are returned redacted.",
    "get_health": "No authentication; heartbeats use +00:00; dag_processor may be absent.",
    "get_version": "No authentication.",
}


def apply_corrections(spec: Spec) -> Spec:
    """Return a deep copy of the core spec with every correction in :data:`CORRECTIONS`."""
    corrected = copy.deepcopy(spec)
    for correction in CORRECTIONS:
        correction.apply(corrected)
    return corrected


def apply_fab_corrections(spec: Spec) -> Spec:
    """Return a deep copy of the FAB spec with every correction in :data:`FAB_CORRECTIONS`."""
    corrected = copy.deepcopy(spec)
    for correction in FAB_CORRECTIONS:
        correction.apply(corrected)
    return corrected
