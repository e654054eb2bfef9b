"""The bodies of the fake's answers: each object with the keys its release gives it.

:class:`BodiesMixin` gives :class:`~._server.FakeServer` one builder per kind of object.
Bodies carry the same keys, per release, as the real servers' answers recorded in
``tests/fixtures/suite``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ._auth import b64
from ._dialect import Dialect
from ._reading import json_object
from ._state import (
    FINISHED,
    Connection,
    Dag,
    DagImportError,
    EventLog,
    Pool,
    Run,
    TaskInstance,
    Variable,
)

__all__ = ["BodiesMixin", "masked_extra"]

#: Keys of a connection's JSON ``extra`` whose values the servers mask (substring match).
_SENSITIVE = (
    "access_token",
    "api_key",
    "apikey",
    "authorization",
    "passphrase",
    "passwd",
    "password",
    "private_key",
    "secret",
    "token",
    "keyfile_dict",
    "service_account",
)


class BodiesMixin:
    """Answer bodies, for the server that holds ``dialect``, ``dags`` and ``runs``."""

    dialect: Dialect
    dags: dict[str, Dag]
    runs: dict[tuple[str, str], Run]
    started: float

    def event_log_body(self, entry: EventLog) -> dict[str, Any]:
        """An entry of the audit log."""
        d = self.dialect
        body: dict[str, Any] = {
            "dag_id": entry.dag_id,
            "event": entry.event,
            "event_log_id": entry.event_log_id,
            "extra": entry.extra,
            "map_index": None,
            "owner": entry.owner,
            "run_id": entry.run_id,
            "task_id": entry.task_id,
            "try_number": None,
            "when": d.timestamp(entry.when),
        }
        body["logical_date" if d.v2 else "execution_date"] = None
        if d.minor >= (3, 3):
            body.update(dag_display_name=entry.dag_id, task_display_name=entry.task_id)
        return body

    def dag_body(self, dag: Dag) -> dict[str, Any]:
        """A DAG as ``GET /dags/{dag_id}`` answers it."""
        d = self.dialect
        ts = d.timestamp
        body: dict[str, Any] = {
            "dag_display_name": dag.dag_id,
            "dag_id": dag.dag_id,
            "description": dag.description,
            "file_token": b64(hashlib.sha1(dag.fileloc.encode()).digest()),
            "fileloc": dag.fileloc,
            "has_import_errors": False,
            "has_task_concurrency_limits": False,
            "is_paused": dag.is_paused,
            "last_expired": None,
            "last_parsed_time": ts(self.started),
            "max_active_runs": 16,
            "max_active_tasks": 16,
            "max_consecutive_failed_dag_runs": 0,
            "next_dagrun_data_interval_end": None,
            "next_dagrun_data_interval_start": None,
            "owners": list(dag.owners),
            "timetable_description": "Never, external triggers only"
            if dag.schedule is None
            else dag.schedule,
        }
        if d.v2:
            tag_extra = {"dag_display_name": dag.dag_id} if d.minor >= (3, 3) else {}
            body.update(
                bundle_name="dags-folder",
                bundle_version=None,
                is_stale=False,
                next_dagrun_logical_date=None,
                next_dagrun_run_after=None,
                relative_fileloc=dag.fileloc.rsplit("/", 1)[-1],
                tags=[{"dag_id": dag.dag_id, "name": tag, **tag_extra} for tag in dag.tags],
                timetable_summary=dag.schedule,
            )
            if d.minor >= (3, 3):
                body.update(
                    allowed_run_types=None,
                    is_backfillable=dag.schedule is not None,
                    last_parse_duration=0.01,
                    timetable_partitioned=False,
                    timetable_periodic=dag.schedule is not None,
                )
        else:
            body.update(
                default_view="grid",
                is_active=True,
                is_subdag=False,
                last_pickled=None,
                next_dagrun=None,
                next_dagrun_create_after=None,
                pickle_id=None,
                root_dag_id=None,
                schedule_interval=None
                if dag.schedule is None
                else {"__type": "CronExpression", "value": dag.schedule},
                scheduler_lock=None,
                tags=[{"name": tag} for tag in dag.tags],
            )
        return body

    def dag_details_body(self, dag: Dag) -> dict[str, Any]:
        """A DAG as ``GET /dags/{dag_id}/details`` answers it."""
        d = self.dialect
        body = self.dag_body(dag)
        body.update(
            catchup=False,
            concurrency=16,
            dag_run_timeout=None,
            doc_md=None,
            end_date=None,
            is_paused_upon_creation=None,
            last_parsed=d.timestamp(self.started),
            params={name: self.param_body(value) for name, value in dag.params.items()},
            render_template_as_native_obj=False,
            start_date=d.timestamp(dag.created),
            timezone="UTC",
        )
        if d.v2:
            body.update(
                asset_expression=None,
                latest_dag_version=self.dag_version_body(dag),
                owner_links=None,
                template_search_path=None,
            )
            if d.minor >= (3, 3):
                body.update(
                    active_runs_count=sum(
                        1
                        for run in self.runs.values()
                        if run.dag_id == dag.dag_id and run.state not in FINISHED
                    ),
                    default_args={},
                    is_favorite=False,
                    rerun_with_latest_version=None,
                )
        else:
            body.update(dataset_expression=None, orientation="LR", template_searchpath=None)
        return body

    def param_body(self, value: Any) -> dict[str, Any]:
        """A DAG param as the release serialises it."""
        d = self.dialect
        body: dict[str, Any] = {"description": None, "schema": {}, "value": value}
        if not d.v2:
            body["__class"] = "airflow.models.param.Param"
        elif d.minor < (3, 3):
            body["__class"] = "airflow.sdk.definitions.param.Param"
        else:
            body["source"] = None
        return body

    def dag_version_body(self, dag: Dag) -> dict[str, Any]:
        """The one version of a DAG (Airflow 3)."""
        body: dict[str, Any] = {
            "bundle_name": "dags-folder",
            "bundle_url": None,
            "bundle_version": None,
            "created_at": self.dialect.timestamp(dag.created),
            "dag_id": dag.dag_id,
            "id": dag.version_id,
            "version_number": 1,
        }
        if self.dialect.minor >= (3, 3):
            body["dag_display_name"] = dag.dag_id
        return body

    def run_body(self, run: Run) -> dict[str, Any]:
        """A DAG run."""
        d = self.dialect
        ts = d.timestamp
        body: dict[str, Any] = {
            "conf": run.conf,
            "dag_id": run.dag_id,
            "dag_run_id": run.run_id,
            "data_interval_end": ts(run.logical_date),
            "data_interval_start": ts(run.logical_date),
            "end_date": ts(run.end_date),
            "last_scheduling_decision": ts(run.end_date),
            "logical_date": ts(run.logical_date),
            "note": run.note,
            "run_type": run.run_type,
            "start_date": ts(run.start_date),
            "state": run.state,
        }
        if d.v2:
            dag = self.dags[run.dag_id]
            body.update(
                bundle_version=None,
                dag_versions=[self.dag_version_body(dag)],
                queued_at=ts(run.queued_at),
                run_after=ts(run.run_after),
                triggered_by="rest_api",
            )
            if d.minor >= (3, 3):
                body.update(
                    dag_display_name=run.dag_id,
                    duration=run.duration,
                    partition_date=None,
                    partition_key=None,
                    triggering_user_name=run.user,
                )
        else:
            body.update(
                execution_date=ts(
                    run.logical_date if run.logical_date is not None else run.run_after
                ),
                external_trigger=True,
            )
            body["logical_date"] = body["execution_date"]
            body["data_interval_start"] = body["data_interval_end"] = body["execution_date"]
        return body

    def ti_body(self, run: Run, ti: TaskInstance) -> dict[str, Any]:
        """A task instance."""
        d = self.dialect
        ts = d.timestamp
        started = ti.start_date is not None
        body: dict[str, Any] = {
            "dag_id": run.dag_id,
            "dag_run_id": run.run_id,
            "duration": ti.duration,
            "end_date": ts(ti.end_date),
            "executor": None,
            "executor_config": "{}",
            "hostname": "fake-airflow" if started else "",
            "map_index": ti.map_index,
            "max_tries": 0,
            "note": ti.note,
            "operator": "PythonOperator",
            "pid": 4242 if started else None,
            "pool": "default_pool",
            "pool_slots": 1,
            "priority_weight": 1,
            "queue": "default",
            "queued_when": ts(ti.queued_when),
            "rendered_fields": self._rendered_fields(run, ti),
            "rendered_map_index": None,
            "start_date": ts(ti.start_date),
            "state": ti.state,
            "task_display_name": ti.task_id,
            "task_id": ti.task_id,
            "trigger": None,
            "triggerer_job": None,
            "try_number": ti.try_number,
            "unixname": "airflow",
        }
        if d.v2:
            body.update(
                dag_version=self.dag_version_body(self.dags[run.dag_id]),
                id=ti.id,
                logical_date=ts(run.logical_date),
                run_after=ts(run.run_after),
                scheduled_when=ts(ti.queued_when),
            )
            if d.minor >= (3, 3):
                body.update(dag_display_name=run.dag_id, operator_name="PythonOperator")
        else:
            body.update(
                execution_date=ts(
                    run.logical_date if run.logical_date is not None else run.run_after
                ),
                sla_miss=None,
                state=ti.state if ti.state is not None else None,
            )
        return body

    def _rendered_fields(self, run: Run, ti: TaskInstance) -> dict[str, Any]:
        expanded = self.dags[run.dag_id].mapped.get(ti.task_id)
        if expanded is None or ti.map_index < 0 or ti.start_date is None:
            return {}
        return {"op_args": [], "op_kwargs": expanded[ti.map_index], "templates_dict": None}

    def try_body(self, run: Run, ti: TaskInstance, attempt: int) -> dict[str, Any]:
        """One try of a task instance, as its history keeps it."""
        d = self.dialect
        body = self.ti_body(run, ti)
        entry = next((e for e in ti.history if e["try_number"] == attempt), None)
        if entry is not None:
            body.update(
                state=entry["state"],
                start_date=d.timestamp(entry["start_date"]),
                end_date=d.timestamp(entry["end_date"]),
                queued_when=d.timestamp(entry["queued_when"]),
                duration=round(entry["end_date"] - entry["start_date"], 6),
            )
        body["try_number"] = attempt
        for key in (
            "id",
            "logical_date",
            "note",
            "rendered_fields",
            "rendered_map_index",
            "run_after",
            "trigger",
            "triggerer_job",
            "execution_date",
            "sla_miss",
        ):
            body.pop(key, None)
        if d.v2:
            body["scheduled_when"] = body.get("queued_when")
        return body

    def task_body(self, dag: Dag, task_id: str) -> dict[str, Any]:
        """A task of a DAG."""
        d = self.dialect
        downstream = list(dag.downstream.get(task_id, []))
        return {
            "class_ref": {
                "class_name": dag.operator,
                "module_path": _operator_module(d, dag.operator),
            },
            "depends_on_past": False,
            "doc_md": None,
            "downstream_task_ids": downstream,
            "end_date": None,
            "execution_timeout": None,
            "extra_links": [],
            "is_mapped": False,
            "operator_name": dag.operator,
            "owner": "airflow",
            "params": {},
            "pool": "default_pool",
            "pool_slots": 1.0,
            "priority_weight": 1.0,
            "queue": "default",
            "retries": 0.0,
            "retry_delay": {"__type": "TimeDelta", "days": 0, "microseconds": 0, "seconds": 300},
            "retry_exponential_backoff": 0.0 if d.minor >= (3, 3) else False,
            "start_date": d.timestamp(dag.created),
            "task_display_name": task_id,
            "task_id": task_id,
            "template_fields": [],
            "trigger_rule": "all_success",
            "ui_color": "#ffefeb",
            "ui_fgcolor": "#000",
            "wait_for_downstream": False,
            "weight_rule": "downstream",
        }

    def pool_body(self, pool: Pool) -> dict[str, Any]:
        """A pool."""
        body: dict[str, Any] = {
            "deferred_slots": 0,
            "description": pool.description,
            "include_deferred": pool.include_deferred,
            "name": pool.name,
            "occupied_slots": 0,
            "open_slots": pool.slots,
            "queued_slots": 0,
            "running_slots": 0,
            "scheduled_slots": 0,
            "slots": pool.slots,
        }
        if self.dialect.minor >= (3, 3):
            body["team_name"] = None
        return body

    def variable_body(self, variable: Variable) -> dict[str, Any]:
        """A variable."""
        body: dict[str, Any] = {
            "description": variable.description,
            "key": variable.key,
            "value": variable.value,
        }
        if self.dialect.v2:
            body["is_encrypted"] = True
            if self.dialect.minor >= (3, 3):
                body["team_name"] = None
        return body

    def connection_body(self, connection: Connection, *, listed: bool = False) -> dict[str, Any]:
        """A connection (secrets redacted, as the servers answer them)."""
        body: dict[str, Any] = {
            "conn_type": connection.conn_type,
            "connection_id": connection.connection_id,
            "description": connection.description,
            "host": connection.host,
            "login": connection.login,
            "port": connection.port,
            "schema": connection.schema,
        }
        if self.dialect.v2:
            body["extra"] = masked_extra(connection.extra)
            body["password"] = None if connection.password is None else "***"
            if self.dialect.minor >= (3, 3):
                body["team_name"] = None
        elif not listed:
            body["extra"] = masked_extra(connection.extra)
        return body

    def xcom_body(
        self,
        run: Run,
        task_id: str,
        map_index: int,
        key: str,
        value: Any,
        when: float,
        *,
        with_value: bool,
    ) -> dict[str, Any]:
        """An XCom entry (Airflow 3's list leaves out the value, as does Airflow 2's)."""
        d = self.dialect
        body: dict[str, Any] = {
            "dag_id": run.dag_id,
            "key": key,
            "map_index": map_index,
            "task_id": task_id,
            "timestamp": d.timestamp(when),
        }
        if d.v2:
            body.update(logical_date=d.timestamp(run.logical_date), run_id=run.run_id)
            if d.minor >= (3, 3):
                body.update(
                    dag_display_name=run.dag_id,
                    run_after=d.timestamp(run.run_after),
                    task_display_name=task_id,
                )
        else:
            body["execution_date"] = d.timestamp(
                run.logical_date if run.logical_date is not None else run.run_after
            )
        if with_value:
            body["value"] = value
        return body

    def import_error_body(self, error: DagImportError) -> dict[str, Any]:
        """An import error."""
        body: dict[str, Any] = {
            "filename": error.filename,
            "import_error_id": error.import_error_id,
            "stack_trace": error.stack_trace,
            "timestamp": self.dialect.timestamp(error.timestamp),
        }
        if self.dialect.v2:
            body["bundle_name"] = "dags-folder"
        return body


def _operator_module(dialect: Dialect, operator: str) -> str:
    """Where the release keeps a standard operator's class."""
    module = {"BashOperator": "bash", "EmptyOperator": "empty"}.get(operator, "python")
    if dialect.v2:
        return f"airflow.providers.standard.operators.{module}"
    return f"airflow.operators.{module}"


def masked_extra(extra: str | None) -> str | None:
    """A connection's ``extra`` as the servers show it: secret-looking keys masked."""
    if extra is None:
        return None
    try:
        loaded = json.loads(extra)
    except ValueError:
        return extra
    loaded = json_object(loaded)
    if loaded is None:
        return extra
    masked = {
        key: "***" if any(word in key.lower() for word in _SENSITIVE) else value
        for key, value in loaded.items()
    }
    return json.dumps(masked)
