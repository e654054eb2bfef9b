"""The converter: decoding real-looking Airflow 2.11 JSON, encoding it back, and failing well."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import re
import types
import typing
import weakref
from typing import Any

import attrs
import pytest
from cattrs.errors import BaseValidationError, ClassValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_client_async import _converter, models
from airflow_client_async._converter import (
    _codecs,
    _codegen,
    parse_datetime,
    structure,
    unstructure,
)
from airflow_client_async.models import (
    DAG,
    BasicDAGRun,
    ClassReference,
    Connection,
    CronExpression,
    DAGCollection,
    DAGDetail,
    DAGRun,
    DagRunState,
    DagRunTriggeredByType,
    DagRunType,
    HealthInfo,
    HealthStatus,
    RelativeDelta,
    ScheduleInterval,
    Task,
    TaskInstance,
    TaskInstanceState,
    TimeDelta,
    TriggerRule,
    User,
    WeightRule,
    XCom,
)

UTC = dt.timezone.utc

# The identity fields each model requires, for bodies that are about other fields.
DAG_IDS: dict[str, Any] = {"dag_id": "d", "file_token": "t"}
RUN_IDS: dict[str, Any] = {"dag_id": "d", "dag_run_id": "r"}
TI_IDS: dict[str, Any] = {**RUN_IDS, "task_id": "t", "map_index": -1, "try_number": 1}
TASK_IDS: dict[str, Any] = {"task_id": "t"}
XCOM_IDS: dict[str, Any] = {"dag_id": "d", "task_id": "t", "key": "k", "map_index": -1}

# -- bodies as Airflow 2.11 sends them (nulls, and a key the spec does not declare) -------

DAG_JSON: dict[str, Any] = {
    "dag_id": "example_bash_operator",
    "dag_display_name": "example_bash_operator",
    "default_view": "grid",
    "description": None,
    "file_token": "Ii9vcHQvYWlyZmxvdy9leGFtcGxlX2Jhc2hfb3BlcmF0b3IucHki.2h4_Xb-hcqqO9BeW",
    "fileloc": "/opt/airflow/airflow/example_dags/example_bash_operator.py",
    "has_import_errors": False,
    "has_task_concurrency_limits": False,
    "is_active": True,
    "is_paused": True,
    "is_subdag": False,
    "last_expired": None,
    "last_parsed_time": "2025-03-01T09:12:45.374812+00:00",
    "last_pickled": None,
    "max_active_runs": 16,
    "max_active_tasks": 16,
    "max_consecutive_failed_dag_runs": 0,
    "next_dagrun": "2025-03-01T00:00:00+00:00",
    "next_dagrun_create_after": "2025-03-02T00:00:00+00:00",
    "next_dagrun_data_interval_end": "2025-03-02T00:00:00+00:00",
    "next_dagrun_data_interval_start": "2025-03-01T00:00:00+00:00",
    "owners": ["airflow"],
    "pickle_id": None,
    "root_dag_id": None,
    "schedule_interval": {"__type": "CronExpression", "value": "0 0 * * *"},
    "scheduler_lock": None,
    "tags": [{"name": "example"}, {"name": "example2"}],
    "timetable_description": "At 00:00",
    "owner_links": {},
}

DAG_RUN_JSON: dict[str, Any] = {
    "conf": {"key": "value", "nested": {"n": [1, 2]}},
    "dag_id": "example_bash_operator",
    "dag_run_id": "manual__2025-03-01T09:20:11.512394+00:00",
    "data_interval_end": "2025-03-01T09:20:11.512394+00:00",
    "data_interval_start": "2025-03-01T09:20:11.512394+00:00",
    "end_date": None,
    "execution_date": "2025-03-01T09:20:11.512394+00:00",
    "external_trigger": True,
    "last_scheduling_decision": None,
    "logical_date": "2025-03-01T09:20:11.512394+00:00",
    "note": None,
    "run_type": "manual",
    "start_date": None,
    "state": "queued",
    "triggered_by": "rest_api",
}

TASK_INSTANCE_JSON: dict[str, Any] = {
    "dag_id": "example_bash_operator",
    "dag_run_id": "manual__2025-03-01T09:20:11.512394+00:00",
    "duration": None,
    "end_date": None,
    "execution_date": "2025-03-01T09:20:11.512394+00:00",
    "executor": None,
    "executor_config": "{}",
    "hostname": "",
    "map_index": -1,
    "max_tries": 0,
    "note": None,
    "operator": "BashOperator",
    "pid": None,
    "pool": "default_pool",
    "pool_slots": 1,
    "priority_weight": 3,
    "queue": "default",
    "queued_when": None,
    "rendered_fields": {},
    "rendered_map_index": None,
    "sla_miss": None,
    "start_date": None,
    "state": None,
    "task_display_name": "runme_0",
    "task_id": "runme_0",
    "trigger": None,
    "triggerer_job": None,
    "try_number": 0,
    "unixname": "airflow",
}

TASK_JSON: dict[str, Any] = {
    "class_ref": {
        "class_name": "BashOperator",
        "module_path": "airflow.operators.bash",
    },
    "depends_on_past": False,
    "doc_md": None,
    "downstream_task_ids": ["run_after_loop"],
    "end_date": None,
    "execution_timeout": None,
    "executor": None,
    "extra_links": [
        {"class_name": "GithubLink", "module_path": "my_plugin.links"},
    ],
    "is_mapped": False,
    "operator_name": "BashOperator",
    "params": {},
    "owner": "airflow",
    "pool": "default_pool",
    "pool_slots": 1.0,
    "priority_weight": 1.0,
    "queue": "default",
    "retries": 0.0,
    "retry_delay": {"__type": "TimeDelta", "days": 0, "microseconds": 0, "seconds": 300},
    "retry_exponential_backoff": False,
    "start_date": "2021-01-01T00:00:00+00:00",
    "task_display_name": "runme_0",
    "task_id": "runme_0",
    "template_fields": ["bash_command", "env", "cwd"],
    "trigger_rule": "all_success",
    "ui_color": "#f0ede4",
    "ui_fgcolor": "#000",
    "wait_for_downstream": False,
    "weight_rule": "downstream",
    "sub_dag": None,
}

CONNECTION_JSON: dict[str, Any] = {
    "conn_type": "postgres",
    "connection_id": "warehouse",
    "description": None,
    "extra": '{"sslmode": "require", "token": "s3cr3t-extra"}',
    "host": "db.internal",
    "login": "etl",
    "password": "s3cr3t-password",
    "port": 5432,
    "schema": "analytics",
}

# Every collection, with one realistic item (keys the spec does not declare included).
COLLECTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "DAGCollection": ("dags", DAG_JSON),
    "DAGRunCollection": ("dag_runs", DAG_RUN_JSON),
    "TaskInstanceCollection": ("task_instances", TASK_INSTANCE_JSON),
    "TaskCollection": ("tasks", TASK_JSON),
    "ConnectionCollection": (
        "connections",
        {k: v for k, v in CONNECTION_JSON.items() if k not in {"password", "extra"}},
    ),
    "PoolCollection": (
        "pools",
        {
            "deferred_slots": 0,
            "description": "Default pool",
            "include_deferred": False,
            "name": "default_pool",
            "occupied_slots": 0,
            "open_slots": 128,
            "queued_slots": 0,
            "running_slots": 0,
            "scheduled_slots": 0,
            "slots": 128,
        },
    ),
    "VariableCollection": ("variables", {"description": None, "key": "env", "value": None}),
    "XComCollection": (
        "xcom_entries",
        {
            "dag_id": "example_xcom",
            "execution_date": "2025-03-01T09:20:11.512394+00:00",
            "key": "return_value",
            "map_index": -1,
            "task_id": "push",
            "timestamp": "2025-03-01T09:20:14.001122+00:00",
        },
    ),
    "DagImportErrorCollection": (
        "import_errors",
        {
            "filename": "/opt/airflow/dags/broken.py",
            "import_error_id": 1,
            "stack_trace": 'Traceback (most recent call last):\n  File "broken.py", line 1\n',
            "timestamp": "2025-03-01T09:00:00.101010+00:00",
        },
    ),
    "EventLogCollection": (
        "event_logs",
        {
            "dag_id": None,
            "event": "cli_webserver",
            "event_log_id": 1,
            "execution_date": None,
            "extra": '{"host_name": "af", "full_command": "[\'airflow\', \'webserver\']"}',
            "map_index": None,
            "owner": "airflow",
            "run_id": None,
            "task_id": None,
            "try_number": None,
            "when": "2025-03-01T08:59:58.120331+00:00",
        },
    ),
    "AssetCollection": (
        "datasets",
        {
            "consuming_dags": [
                {
                    "created_at": "2025-03-01T09:00:01.000001+00:00",
                    "dag_id": "consumer",
                    "updated_at": "2025-03-01T09:00:01.000001+00:00",
                }
            ],
            "created_at": "2025-03-01T09:00:01.000001+00:00",
            "extra": {},
            "id": 1,
            "producing_tasks": [
                {
                    "created_at": "2025-03-01T09:00:01.000001+00:00",
                    "dag_id": "producer",
                    "task_id": "produce",
                    "updated_at": "2025-03-01T09:00:01.000001+00:00",
                }
            ],
            "updated_at": "2025-03-01T09:00:01.000001+00:00",
            "uri": "s3://bucket/key",
        },
    ),
    "AssetEventCollection": (
        "dataset_events",
        {
            "id": 1,
            "created_dagruns": [
                {
                    "dag_id": "consumer",
                    "dag_run_id": "dataset_triggered__2025-03-01T09:30:00+00:00",
                    "data_interval_end": "2025-03-01T09:30:00+00:00",
                    "data_interval_start": "2025-03-01T09:30:00+00:00",
                    "end_date": None,
                    "logical_date": "2025-03-01T09:30:00+00:00",
                    "start_date": None,
                    "state": "queued",
                }
            ],
            "dataset_id": 1,
            "dataset_uri": "s3://bucket/key",
            "extra": {"from_rest_api": True},
            "source_dag_id": None,
            "source_map_index": -1,
            "source_run_id": None,
            "source_task_id": None,
            "timestamp": "2025-03-01T09:30:00.000000+00:00",
        },
    ),
    "QueuedEventCollection": (
        "datasets",
        {
            "created_at": "2025-03-01T09:30:00+00:00",
            "dag_id": "consumer",
            "uri": "s3://bucket/key",
        },
    ),
    "UserCollection": (
        "users",
        {
            "active": True,
            "changed_on": "2025-03-01T08:59:00.000000",
            "created_on": "2025-03-01T08:59:00.000000",
            "email": "admin@example.com",
            "failed_login_count": None,
            "first_name": "Ada",
            "last_login": None,
            "last_name": "Admin",
            "login_count": None,
            "roles": [{"name": "Admin"}],
            "username": "admin",
        },
    ),
    "RoleCollection": (
        "roles",
        {
            "actions": [
                {"action": {"name": "can_read"}, "resource": {"name": "DAGs"}},
            ],
            "name": "Viewer",
        },
    ),
    "ActionCollection": ("actions", {"name": "can_edit"}),
    "PluginCollection": (
        "plugins",
        {
            "appbuilder_menu_items": [],
            "appbuilder_views": [{"name": "v", "category": "c", "view": None}],
            "executors": [],
            "flask_blueprints": ["<flask.blueprints.Blueprint object at 0x7f>"],
            "global_operator_extra_links": [],
            "hooks": [],
            "listeners": [],
            "macros": [],
            "name": "my_plugin",
            "operator_extra_links": [],
            "priority_weight_strategies": [],
            "source": "$PLUGINS_FOLDER/my_plugin.py",
            "ti_deps": [],
            "timetables": [],
        },
    ),
    "ProviderCollection": (
        "providers",
        {
            "description": "Apache HTTP",
            "package_name": "apache-airflow-providers-http",
            "version": "5.2.0",
        },
    ),
    "DagStatsCollection": (
        "dags",
        {
            "dag_id": "example_bash_operator",
            "stats": [{"count": 0, "state": "queued"}, {"count": 1, "state": "success"}],
        },
    ),
    "DagWarningCollection": (
        "dag_warnings",
        {
            "dag_id": "example",
            "message": "Dag 'example' references non-existent pools: ['nope']",
            "timestamp": "2025-03-01T09:00:00.000000+00:00",
            "warning_type": "non-existent pool",
        },
    ),
    "TaskInstanceReferenceCollection": (
        "task_instances",
        {
            "dag_id": "example_bash_operator",
            "dag_run_id": "manual__2025-03-01T09:20:11.512394+00:00",
            "execution_date": "2025-03-01T09:20:11.512394+00:00",
            "task_id": "runme_0",
        },
    ),
    "TaskInstanceDependencyCollection": (
        "dependencies",
        {"name": "Trigger Rule", "reason": "Task's trigger rule 'all_success' requires..."},
    ),
    "TaskInstanceHistoryCollection": (
        "task_instances_history",
        {
            k: v
            for k, v in TASK_INSTANCE_JSON.items()
            if k not in {"sla_miss", "trigger", "triggerer_job", "note", "rendered_fields"}
            and k not in {"rendered_map_index", "execution_date"}
        },
    ),
}


def _page(name: str, *, total: int | None = 2) -> dict[str, Any]:
    key, item = COLLECTIONS[name]
    other = copy.deepcopy(item)
    other["a_key_from_a_newer_airflow"] = {"x": [1, None]}
    page: dict[str, Any] = {key: [copy.deepcopy(item), other]}
    if total is not None:
        page["total_entries"] = total
    return page


# -- collections ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_collection_decodes_and_round_trips(name: str) -> None:
    cls = getattr(models, name)
    key, _ = COLLECTIONS[name]
    page = _page(name)

    decoded = structure(page, cls)

    items = getattr(decoded, key)
    assert len(items) == 2
    item_cls = type(items[0])
    declared = {f.metadata.get("json", f.name) for f in attrs.fields(item_cls)}
    undeclared = {k: v for k, v in page[key][0].items() if k not in declared}
    assert items[0].extra_fields == undeclared
    assert items[1].extra_fields == {**undeclared, "a_key_from_a_newer_airflow": {"x": [1, None]}}
    assert structure(unstructure(decoded), cls) == decoded
    # Encoding gives plain JSON.
    json.dumps(unstructure(decoded))


# Airflow sends no total_entries for these two.
WITHOUT_TOTAL = {"TaskInstanceDependencyCollection", "TaskInstanceReferenceCollection"}


@pytest.mark.parametrize("name", sorted(set(COLLECTIONS) - WITHOUT_TOTAL))
def test_total_entries_decodes(name: str) -> None:
    decoded = structure(_page(name, total=7), getattr(models, name))
    # ProviderCollection and TaskCollection lack it in the spec; the corrections add it.
    assert decoded.total_entries == 7
    assert "total_entries" not in decoded.extra_fields


def test_dag_fields() -> None:
    dag = structure(DAG_JSON, DAG)

    assert dag.dag_id == "example_bash_operator"
    assert dag.description is None
    assert dag.root_dag_id is None
    assert dag.owners == ["airflow"]
    assert [tag.name for tag in dag.tags or []] == ["example", "example2"]
    assert dag.schedule_interval == CronExpression(type="CronExpression", value="0 0 * * *")
    assert dag.last_parsed_time == dt.datetime(2025, 3, 1, 9, 12, 45, 374812, tzinfo=UTC)
    assert dag.last_pickled is None
    assert dag.extra_fields == {"owner_links": {}}


def test_dag_run_fields_and_free_form_conf() -> None:
    run = structure(DAG_RUN_JSON, DAGRun)

    assert run.state is DagRunState.QUEUED
    assert run.run_type is DagRunType.MANUAL
    assert run.conf == {"key": "value", "nested": {"n": [1, 2]}}
    assert run.end_date is None
    # triggered_by is Airflow 3's; a body carrying it decodes it all the same.
    assert run.triggered_by is DagRunTriggeredByType.REST_API
    assert run.extra_fields == {}


def test_pending_task_instance_has_null_state_and_duration() -> None:
    ti = structure(TASK_INSTANCE_JSON, TaskInstance)

    assert ti.state is None
    assert ti.duration is None
    assert ti.hostname == ""
    assert ti.priority_weight == 3
    assert ti.rendered_fields == {}


def test_task_with_timedelta_and_enums() -> None:
    task = structure(TASK_JSON, Task)

    assert task.retry_delay == dt.timedelta(minutes=5)
    assert task.execution_timeout is None
    assert task.trigger_rule is TriggerRule.ALL_SUCCESS
    assert task.weight_rule is WeightRule.DOWNSTREAM
    assert task.class_ref is not None
    assert task.class_ref.class_name == "BashOperator"
    assert task.extra_links == [
        ClassReference(class_name="GithubLink", module_path="my_plugin.links")
    ]
    assert task.operator_name == "BashOperator"
    assert task.params == {}
    assert task.extra_fields == {}


def test_dag_detail_params_keep_class_objects() -> None:
    detail_json = {
        **DAG_JSON,
        "catchup": False,
        "concurrency": 16,
        "dag_run_timeout": None,
        "dataset_expression": None,
        "doc_md": None,
        "end_date": None,
        "is_paused_upon_creation": None,
        "last_parsed": "2025-03-01T09:12:45.374812+00:00",
        "orientation": "LR",
        "params": {
            "example_key": {
                "__class": "airflow.models.param.Param",
                "description": None,
                "schema": {},
                "value": "example_value",
            }
        },
        "render_template_as_native_obj": False,
        "start_date": "2021-01-01T00:00:00+00:00",
        "template_search_path": None,
        "timezone": "Timezone('UTC')",
    }

    detail = structure(detail_json, DAGDetail)

    assert detail.params is not None
    assert detail.params["example_key"]["__class"] == "airflow.models.param.Param"
    assert detail.timezone == "Timezone('UTC')"
    assert detail.concurrency == 16
    assert detail.dag_run_timeout is None
    assert structure(unstructure(detail), DAGDetail) == detail


def test_health_with_null_status_and_heartbeat() -> None:
    health = structure(
        {
            "dag_processor": {"latest_dag_processor_heartbeat": None, "status": None},
            "metadatabase": {"status": "healthy"},
            "scheduler": {
                "latest_scheduler_heartbeat": "2025-03-01T09:21:00.000001+00:00",
                "status": "healthy",
            },
            "triggerer": {"latest_triggerer_heartbeat": None, "status": None},
        },
        HealthInfo,
    )

    assert health.metadatabase is not None
    assert health.metadatabase.status is HealthStatus.HEALTHY
    assert health.triggerer is not None
    assert health.triggerer.status is None


def test_basic_dag_run_reads_dag_run_id() -> None:
    run = structure({"dag_run_id": "r1", "dag_id": "d", "state": "success"}, BasicDAGRun)

    assert run.dag_run_id == "r1"
    # Airflow 3 names the run id run_id: it is filled from Airflow 2's key.
    assert run.run_id == "r1"
    assert run.extra_fields == {}


def test_xcom_value_is_any_json() -> None:
    for value in ("text", 3, 2.5, True, None, [1, "a"], {"k": {"n": None}}):
        xcom = structure({**XCOM_IDS, "key": "return_value", "value": value}, XCom)
        assert xcom.value == value


def test_extra_links_shape() -> None:
    links = structure({"Google": "https://www.google.com", "Missing": None}, dict[str, str | None])

    assert links == {"Google": "https://www.google.com", "Missing": None}


def test_top_level_list_of_models() -> None:
    dags = structure([DAG_JSON, DAG_JSON], list[DAG])

    assert [d.dag_id for d in dags] == ["example_bash_operator"] * 2


def test_mapping_that_is_not_a_dict_is_accepted() -> None:
    dag = structure(types.MappingProxyType({"dag_id": "x", "file_token": "t"}), DAG)

    assert dag.dag_id == "x"


# -- enums ----------------------------------------------------------------------------


def test_unknown_enum_values_are_kept_as_strings() -> None:
    run = structure({**DAG_RUN_JSON, "state": "paused_forever", "run_type": "asset"}, DAGRun)

    assert run.state == "paused_forever"
    assert type(run.state) is str
    assert run.run_type == "asset"
    assert unstructure(run)["state"] == "paused_forever"


def test_custom_weight_rule_path_is_kept() -> None:
    task = structure({**TASK_IDS, "weight_rule": "my_company.strategies.Custom"}, Task)

    assert task.weight_rule == "my_company.strategies.Custom"


def test_task_state_none_member_and_null() -> None:
    assert structure({**TI_IDS, "state": "none"}, TaskInstance).state is TaskInstanceState.NONE
    assert structure({**TI_IDS, "state": None}, TaskInstance).state is None


def test_open_enum_top_level() -> None:
    assert structure("running", DagRunState | str) is DagRunState.RUNNING
    assert structure("later", DagRunState | str) == "later"
    with pytest.raises(TypeError):
        structure(3, DagRunState | str)


def test_enum_field_refuses_non_strings() -> None:
    with pytest.raises(ClassValidationError, match="state"):
        structure({**RUN_IDS, "state": 3}, DAGRun)
    with pytest.raises(ClassValidationError, match="state"):
        structure({**RUN_IDS, "state": ["running"]}, DAGRun)


# -- strings --------------------------------------------------------------------------


def test_null_never_becomes_the_string_none() -> None:
    dag = structure({**DAG_IDS, "description": None, "pickle_id": None}, DAG)

    assert dag.description is None
    assert dag.pickle_id is None
    assert structure({"a": None}, dict[str, str | None]) == {"a": None}
    with pytest.raises(TypeError):
        structure(None, str)


@pytest.mark.parametrize(
    ("value", "text"),
    [(3, "3"), (2.5, "2.5"), (True, "true"), (False, "false"), ("x", "x"), ("", "")],
)
def test_scalars_where_a_string_is_declared_become_json_text(value: Any, text: str) -> None:
    assert structure({**DAG_IDS, "dag_id": value}, DAG).dag_id == text
    assert structure(value, str) == text


@pytest.mark.parametrize("value", [[1], {"a": 1}, []])
def test_arrays_and_objects_where_a_string_is_declared_raise(value: Any) -> None:
    with pytest.raises(ClassValidationError, match=r"DAG: dag_id: expected a string"):
        structure({**DAG_IDS, "dag_id": value}, DAG)


def test_enum_member_in_a_string_field_becomes_its_value() -> None:
    assert structure(DagRunState.RUNNING, str) == "running"
    assert type(structure(DagRunState.RUNNING, str)) is str


# -- numbers and booleans -------------------------------------------------------------


def test_int_fields() -> None:
    assert structure({**DAG_IDS, "max_active_runs": 3}, DAG).max_active_runs == 3
    assert structure({**DAG_IDS, "max_active_runs": 3.0}, DAG).max_active_runs == 3
    for bad in (True, "3", 3.5, [3]):
        with pytest.raises(ClassValidationError, match="max_active_runs"):
            structure({**DAG_IDS, "max_active_runs": bad}, DAG)


def test_float_fields_accept_ints() -> None:
    assert structure({**TI_IDS, "duration": 2}, TaskInstance).duration == 2
    assert structure({**TI_IDS, "duration": 2.5}, TaskInstance).duration == 2.5
    for bad in (True, "2", {"n": 2}):
        with pytest.raises(ClassValidationError, match="duration"):
            structure({**TI_IDS, "duration": bad}, TaskInstance)


def test_operator_counts_are_ints_sent_as_floats() -> None:
    assert structure({**TASK_IDS, "retries": 2.0}, Task).retries == 2
    assert type(structure({**TASK_IDS, "pool_slots": 1.0}, Task).pool_slots) is int
    with pytest.raises(ClassValidationError, match="retries: expected an integer"):
        structure({**TASK_IDS, "retries": 2.5}, Task)


def test_bool_fields_are_strict() -> None:
    assert structure({**DAG_IDS, "is_paused": False}, DAG).is_paused is False
    for bad in (0, "false", None):
        if bad is None:
            assert structure({**DAG_IDS, "is_paused": bad}, DAG).is_paused is None
            continue
        with pytest.raises(ClassValidationError, match="is_paused"):
            structure({**DAG_IDS, "is_paused": bad}, DAG)


# -- datetimes ------------------------------------------------------------------------

EXPECTED = dt.datetime(2025, 3, 1, 9, 12, 45, 374812, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T09:12:45.374812+00:00", EXPECTED),
        ("2025-03-01T09:12:45.374812Z", EXPECTED),
        ("2025-03-01T09:12:45.374812z", EXPECTED),
        ("2025-03-01 09:12:45.374812+00:00", EXPECTED),
        ("2025-03-01T11:12:45.374812+02:00", EXPECTED),
        ("2025-03-01T04:12:45.374812-05:00", EXPECTED),
        ("2025-03-01T09:12:45.374812", EXPECTED),  # naive: taken as UTC
        ("2025-03-01T09:12:45.374812999+00:00", EXPECTED),  # nanoseconds: truncated
        ("2025-03-01T09:12:45.3+00:00", EXPECTED.replace(microsecond=300000)),
        ("2025-03-01T09:12:45.37481+00:00", EXPECTED.replace(microsecond=374810)),
        ("2025-03-01T09:12:45+00:00", EXPECTED.replace(microsecond=0)),
        ("2025-03-01T09:12+00:00", EXPECTED.replace(second=0, microsecond=0)),
        ("2025-03-01", dt.datetime(2025, 3, 1, tzinfo=UTC)),
    ],
)
def test_datetime_forms(text: str, expected: dt.datetime) -> None:
    parsed = structure({**DAG_IDS, "last_parsed_time": text}, DAG).last_parsed_time

    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-01T09:12:45.374812Z",
        "2025-03-01 09:12:45,5+0530",
        "2025-03-01T09:12:45.374812999-03:30",
        "2025-03-01T09:12",
    ],
)
def test_slow_datetime_parser_agrees_with_the_fast_one(text: str) -> None:
    # The regex parser is what Python 3.10 falls back on; keep it equal to fromisoformat.
    slow = _codecs._parse_iso_slow(text)
    if slow.tzinfo is None:
        slow = slow.replace(tzinfo=UTC)
    assert slow == parse_datetime(text)


def test_spec_datetime_format_fields_decode() -> None:
    # TaskInstance.execution_date uses the spec's non-standard "format: datetime".
    ti = structure({**TI_IDS, "execution_date": "2025-03-01T09:12:45.374812+00:00"}, TaskInstance)
    # Airflow 2's execution_date is the logical date Airflow 3 sends under that name.
    assert ti.logical_date == EXPECTED

    assert ti.execution_date == EXPECTED


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01T00:00:00", 1740820365, ["2025-03-01"]])
def test_bad_datetimes_raise_naming_the_field(bad: Any) -> None:
    with pytest.raises(ClassValidationError, match="last_parsed_time"):
        structure({**DAG_IDS, "last_parsed_time": bad}, DAG)


def test_datetimes_unstructure_with_offset() -> None:
    aware = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    naive = dt.datetime(2025, 3, 1, 9, 0)

    assert unstructure(aware) == "2025-03-01T09:00:00+02:00"
    assert unstructure(naive) == "2025-03-01T09:00:00+00:00"
    encoded = unstructure(DAG(**DAG_IDS, next_dagrun=aware))
    assert encoded["next_dagrun"] == "2025-03-01T09:00:00+02:00"


_OFFSETS = st.builds(
    dt.timezone,
    st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23)),
)


@given(st.datetimes(timezones=_OFFSETS))
def test_datetime_round_trip(value: dt.datetime) -> None:
    # The instant always survives; the offset too when RFC 3339 can write it (whole
    # minutes). Sub-minute offsets are written in UTC: Airflow refuses anything else, and
    # CPython 3.11's fromisoformat drops an offset's microseconds.
    parsed = parse_datetime(unstructure(value))

    assert parsed == value
    offset = value.utcoffset()
    assert offset is not None
    if offset.seconds % 60 or offset.microseconds:
        assert parsed.utcoffset() == dt.timedelta(0)
    else:
        assert parsed.utcoffset() == offset


# -- schedule intervals (the __type tagged union) ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"__type": "CronExpression", "value": "@daily"},
            CronExpression(type="CronExpression", value="@daily"),
        ),
        (
            {"__type": "TimeDelta", "days": 1, "seconds": 0, "microseconds": 0},
            TimeDelta(type="TimeDelta", days=1, seconds=0, microseconds=0),
        ),
        (
            {
                "__type": "RelativeDelta",
                "years": 0,
                "months": 1,
                "days": 0,
                "leapdays": 0,
                "hours": 0,
                "minutes": 0,
                "seconds": 0,
                "microseconds": 0,
                "year": None,
                "month": None,
                "day": 1,
                "hour": None,
                "minute": None,
                "second": None,
                "microsecond": None,
            },
            RelativeDelta(
                type="RelativeDelta",
                years=0,
                months=1,
                days=0,
                leapdays=0,
                hours=0,
                minutes=0,
                seconds=0,
                microseconds=0,
                day=1,
            ),
        ),
        (None, None),
    ],
)
def test_schedule_interval_variants(raw: Any, expected: Any) -> None:
    dag = structure({**DAG_JSON, "schedule_interval": raw}, DAG)

    assert dag.schedule_interval == expected
    encoded = unstructure(dag)
    if raw is None:
        assert "schedule_interval" not in encoded
    else:
        # Nulls are left out when encoding; decoding treats absent and null alike.
        assert encoded["schedule_interval"] == {k: v for k, v in raw.items() if v is not None}
    assert structure(encoded, DAG) == dag


def test_unknown_schedule_type_keeps_the_raw_dict() -> None:
    raw = {"__type": "DatasetTriggeredTimetable", "datasets": ["s3://x"]}

    dag = structure({**DAG_IDS, "schedule_interval": raw}, DAG)

    assert dag.schedule_interval == raw
    assert unstructure(dag) == {**DAG_IDS, "schedule_interval": raw}
    assert structure(raw, ScheduleInterval) == raw


def test_schedule_interval_wrong_shape_raises() -> None:
    with pytest.raises(ClassValidationError, match=r"schedule_interval: expected an object"):
        structure({**DAG_IDS, "schedule_interval": "0 0 * * *"}, DAG)


def test_tagged_model_without_type_is_written_with_its_tag() -> None:
    encoded = unstructure(DAG(**DAG_IDS, schedule_interval=CronExpression(value="@hourly")))

    assert encoded == {
        **DAG_IDS,
        "schedule_interval": {"__type": "CronExpression", "value": "@hourly"},
    }
    assert structure(encoded, DAG).schedule_interval == CronExpression(
        type="CronExpression", value="@hourly"
    )


# -- unstructure ----------------------------------------------------------------------


def test_unstructure_rules() -> None:
    run = DAGRun(
        dag_id="d",
        dag_run_id="r",
        state=DagRunState.RUNNING,
        logical_date=dt.datetime(2025, 3, 1, tzinfo=UTC),
        note=None,
        conf={"when": dt.datetime(2025, 3, 1, tzinfo=UTC), "states": [DagRunState.FAILED]},
        extra_fields={"a_new_key": "kept", "dag_run_id": "ignored"},
    )

    encoded = unstructure(run)

    assert encoded == {
        "dag_run_id": "r",
        "dag_id": "d",
        "state": "running",
        "logical_date": "2025-03-01T00:00:00+00:00",
        "conf": {"when": "2025-03-01T00:00:00+00:00", "states": ["failed"]},
        "a_new_key": "kept",
    }
    assert type(encoded["state"]) is str
    json.dumps(encoded)


def test_unstructure_renames_attributes_back_to_json_keys() -> None:
    assert unstructure(TimeDelta(type="TimeDelta", days=1)) == {"__type": "TimeDelta", "days": 1}


def test_unstructure_scalars() -> None:
    assert unstructure(DagRunState.SUCCESS) == "success"
    assert unstructure([DagRunState.SUCCESS, None, 1]) == ["success", None, 1]
    assert unstructure({"k": TaskInstanceState.QUEUED}) == {"k": "queued"}


def test_round_trip_keeps_unknown_fields() -> None:
    body = {**DAG_JSON, "new_list": [1, {"a": None}], "new_null": None}

    dag = structure(body, DAG)

    assert dag.extra_fields["new_null"] is None
    encoded = unstructure(dag)
    assert encoded["new_list"] == [1, {"a": None}]
    assert encoded["new_null"] is None
    assert structure(encoded, DAG) == dag


# -- wrong shapes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "data", "path"),
    [
        (DAG, [], "DAG: expected an object, got an array"),
        (DAG, "dag", "DAG: expected an object, got a string"),
        (DAG, None, "DAG: expected an object, got null"),
        (DAG, {**DAG_IDS, "tags": {"name": "x"}}, "DAG: tags: expected an array, got an object"),
        (DAG, {**DAG_IDS, "tags": ["x"]}, "DAG: tags[0]: expected an object, got a string"),
        (DAG, {**DAG_IDS, "owners": "airflow"}, "DAG: owners: expected an array, got a string"),
        (DAG, {**DAG_IDS, "owners": [["a"]]}, "DAG: owners[0]: expected a string, got an array"),
        (DAG, {**DAG_IDS, "max_active_runs": "16"}, "DAG: max_active_runs: expected an integer"),
        (DAGRun, {**RUN_IDS, "conf": ["a"]}, "DAGRun: conf: expected an object, got an array"),
        (TaskInstance, {**TI_IDS, "sla_miss": []}, "TaskInstance: sla_miss: expected an object"),
        (DAGRun, {"dag_id": "d"}, "DAGRun: dag_run_id: required field missing"),
        (DAGRun, {**RUN_IDS, "dag_run_id": None}, "DAGRun: dag_run_id: required field is null"),
        (
            DAGCollection,
            {"dags": [DAG_JSON, {"dag_id": "x"}]},
            "DAGCollection: dags[1].file_token: required field missing",
        ),
        (
            DAGCollection,
            {"dags": [DAG_JSON, {**DAG_JSON, "tags": [{"name": {}}]}]},
            "DAGCollection: dags[1].tags[0].name: expected a string, got an object",
        ),
        (
            DAGCollection,
            {"dags": [{**DAG_IDS, "schedule_interval": {"__type": "TimeDelta", "days": "1"}}]},
            "DAGCollection: dags[0].schedule_interval.days: expected an integer",
        ),
        (DAGCollection, {"dags": {}}, "DAGCollection: dags: expected an array, got an object"),
    ],
)
def test_wrong_shapes_raise_naming_class_and_field(cls: type, data: Any, path: str) -> None:
    with pytest.raises(ClassValidationError) as caught:
        structure(data, cls)

    assert str(caught.value).startswith(f"While structuring {path}")


def test_several_bad_fields_are_all_reported() -> None:
    with pytest.raises(ClassValidationError) as caught:
        structure({**DAG_IDS, "dag_id": [], "is_paused": "no", "tags": 3}, DAG)

    message = str(caught.value)
    assert "dag_id" in message
    assert "is_paused" in message
    assert "tags" in message
    assert len(caught.value.exceptions) == 3


def test_wrong_shape_in_a_top_level_list_names_the_index() -> None:
    with pytest.raises(BaseValidationError) as caught:
        structure([DAG_JSON, {"dag_id": {}}], list[DAG])

    assert not isinstance(caught.value, (AttributeError, KeyError))


def _json_values() -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**40), max_value=2**40)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
        | st.sampled_from(["2025-03-01T00:00:00+00:00", "running", "CronExpression", "TimeDelta"])
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=6,
    )


def _model_classes() -> list[type]:
    return [
        getattr(models, name)
        for name in models.__all__
        if isinstance(getattr(models, name), type) and attrs.has(getattr(models, name))
    ]


@st.composite
def _model_and_body(draw: st.DrawFn) -> tuple[type, dict[str, Any]]:
    cls = draw(st.sampled_from(_model_classes()))
    keys = [f.metadata.get("json", f.name) for f in attrs.fields(cls)[:-1]]
    body = draw(st.dictionaries(st.sampled_from(keys), _json_values(), max_size=6))
    if keys and "__type" in keys and draw(st.booleans()):
        body["__type"] = cls.__name__
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=6), _json_values(), max_size=2))
    return cls, {**extra, **body}


@settings(max_examples=400, deadline=None)
@given(_model_and_body())
def test_any_json_either_decodes_and_round_trips_or_raises_a_validation_error(
    case: tuple[type, dict[str, Any]],
) -> None:
    cls, body = case
    try:
        decoded = structure(body, cls)
    except BaseValidationError as exc:
        error = str(exc)
    else:
        error = ""
    if error:
        assert error.startswith(f"While structuring {cls.__name__}")
        return
    encoded = unstructure(decoded)
    json.dumps(encoded)
    again = structure(encoded, cls)
    if getattr(decoded, "type", "") is None and cls in (TimeDelta, RelativeDelta, CronExpression):
        # A tagged class is written with its tag even when the field was left empty.
        decoded = attrs.evolve(decoded, type=cls.__name__)
    assert again == decoded


# -- secrets ----------------------------------------------------------------------------


def test_secrets_are_not_in_repr() -> None:
    connection = structure(CONNECTION_JSON, Connection)
    user = structure({"username": "u", "password": "hunter2-pass"}, User)

    assert connection.password == "s3cr3t-password"
    assert "s3cr3t" not in repr(connection)
    assert "warehouse" in repr(connection)
    assert "hunter2" not in repr(user)
    assert "s3cr3t" not in str(connection)


def test_extra_fields_are_not_in_repr() -> None:
    dag = structure({**DAG_IDS, "api_token": "zzz-token"}, DAG)

    assert "zzz-token" not in repr(dag)


# -- the converter is the one place -------------------------------------------------------


def test_module_api() -> None:
    assert _converter.structure is structure
    assert _converter.unstructure is unstructure
    assert set(_converter.__all__) >= {"converter", "structure", "unstructure"}
    assert structure(DAG_JSON, DAG) == _converter.converter.structure(DAG_JSON, DAG)


def test_hand_written_attrs_classes_still_work() -> None:
    @attrs.frozen
    class Plain:
        name: str
        count: int = 0

    assert structure({"name": "n"}, Plain) == Plain(name="n")
    assert unstructure(Plain(name="n", count=2)) == {"name": "n", "count": 2}


def test_models_decoded_are_the_generated_classes() -> None:
    for cls in _model_classes():
        hints = typing.get_type_hints(cls)
        required = [f for f in attrs.fields(cls)[:-1] if f.default is attrs.NOTHING]
        ids = {f.metadata.get("json", f.name): 1 if hints[f.name] is int else "x" for f in required}
        decoded = structure(ids, cls)
        assert type(decoded) is cls
        for field in attrs.fields(cls)[:-1]:
            if field.default is not attrs.NOTHING:
                assert getattr(decoded, field.name) == field.default


def _sample_model() -> type:
    # A fresh class each time, so its structure function is generated in the test.
    @attrs.frozen(kw_only=True)
    class Sample:
        name: str
        count: int | None = None
        extra_fields: dict[str, Any] = attrs.field(factory=dict)

    return Sample


def test_a_decoded_model_is_what_its_constructor_builds() -> None:
    cls = _sample_model()
    decoded = structure({"name": "n", "count": 2, "other": True}, cls)
    assert type(decoded) is cls
    assert decoded == cls(name="n", count=2, extra_fields={"other": True})
    assert weakref.ref(decoded)() is decoded
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decoded.name = "m"  # type: ignore[misc]
    assert type(structure({"name": "n"}, cls)) is cls


@pytest.mark.parametrize("refused", ["assignment", "plain slots"])
def test_models_decode_the_same_where_the_fast_construction_is_refused(
    refused: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if refused == "assignment":
        monkeypatch.setattr(_codegen, "_builder", lambda cls: None)
    else:
        monkeypatch.setattr(_codegen, "_plain_slots", lambda cls: False)
    cls = _sample_model()
    decoded = structure({"name": "n", "count": 2, "other": True}, cls)
    assert type(decoded) is cls
    assert decoded == cls(name="n", count=2, extra_fields={"other": True})


def test_a_missing_identity_field_is_named() -> None:
    for cls in _model_classes():
        for field in attrs.fields(cls)[:-1]:
            if field.default is attrs.NOTHING:
                with pytest.raises(ClassValidationError, match=f"{field.name}: required field"):
                    structure({}, cls)


def test_enums_are_plain_strings_when_printed() -> None:
    assert str(DagRunState.RUNNING) == "running"
    assert f"{TaskInstanceState.UP_FOR_RETRY}" == "up_for_retry"
    assert isinstance(DagRunState.RUNNING, str)
    assert isinstance(DagRunState.RUNNING, enum.Enum)


# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ({"__type": "TimeDelta", "days": 1, "seconds": 30, "microseconds": 5}, (1, 30, 5)),
        ({"days": 0, "seconds": 300, "microseconds": 0}, (0, 300, 0)),
        ("PT1H", (0, 3600, 0)),
        ("PT300S", (0, 300, 0)),
        ("P1DT2H3M4.5S", (1, 7384, 500000)),
        ("P2W", (14, 0, 0)),
        ("-PT30S", (-1, 86370, 0)),
        ("PT0S", (0, 0, 0)),
        ("pt1,5s", (0, 1, 500000)),
        (90, (0, 90, 0)),
        (1.5, (0, 1, 500000)),
    ],
)
def test_durations_in_every_shape_a_server_sends(sent: Any, expected: tuple[int, int, int]) -> None:
    days, seconds, micro = expected
    want = dt.timedelta(days=days, seconds=seconds, microseconds=micro)

    assert structure({**TASK_IDS, "retry_delay": sent}, Task).retry_delay == want
    assert structure(sent, dt.timedelta) == want


@pytest.mark.parametrize("bad", ["P1Y", "P1M", "PT", "P", "1 hour", True, [1], {"weeks": 1}])
def test_bad_durations_raise_naming_the_field(bad: Any) -> None:
    with pytest.raises(ClassValidationError, match="retry_delay"):
        structure({**TASK_IDS, "retry_delay": bad}, Task)


@given(st.timedeltas(min_value=-dt.timedelta(days=10**5), max_value=dt.timedelta(days=10**5)))
def test_durations_round_trip_through_iso_8601(value: dt.timedelta) -> None:
    text = _converter.format_duration(value)

    assert _converter.parse_duration(text) == value
    assert re.fullmatch(r"-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?", text)


def test_duration_text() -> None:
    assert _converter.format_duration(dt.timedelta(minutes=5)) == "PT5M"
    assert _converter.format_duration(dt.timedelta(days=1, seconds=0.5)) == "P1DT0.5S"
    assert _converter.format_duration(dt.timedelta(0)) == "PT0S"
    assert _converter.format_duration(-dt.timedelta(seconds=30)) == "-PT30S"
    assert unstructure(dt.timedelta(hours=2)) == "PT2H"


# -- fields the versions type differently ------------------------------------------------------


@pytest.mark.parametrize(("sent", "multiplier"), [(True, 2.0), (False, 0.0), (2.5, 2.5), (0, 0)])
def test_retry_backoff_reads_old_booleans_as_multipliers(sent: Any, multiplier: float) -> None:
    task = structure({**TASK_IDS, "retry_exponential_backoff": sent}, Task)

    assert task.retry_exponential_backoff == multiplier
    assert type(task.retry_exponential_backoff) is type(multiplier)


def test_retry_backoff_refuses_other_shapes() -> None:
    with pytest.raises(ClassValidationError, match="retry_exponential_backoff: expected a number"):
        structure({**TASK_IDS, "retry_exponential_backoff": "yes"}, Task)


def test_union_items_are_decided_by_their_json_kind() -> None:
    task = structure(
        {**TASK_IDS, "extra_links": ["Link", {"class_name": "GithubLink", "module_path": "p"}]},
        Task,
    )
    option = structure({"key": "k", "value": ["v", "airflow.cfg"]}, models.ConfigOption)
    plain = structure({"key": "k", "value": "v"}, models.ConfigOption)
    error = structure({"detail": {"reason": "Unique constraint violation"}}, models.Error)

    assert task.extra_links == ["Link", ClassReference(class_name="GithubLink", module_path="p")]
    assert option.value == ("v", "airflow.cfg")
    assert plain.value == "v"
    assert error.detail == {"reason": "Unique constraint violation"}
    with pytest.raises(ClassValidationError, match=r"value: expected an array of 2 items"):
        structure({"key": "k", "value": ["v"]}, models.ConfigOption)
    with pytest.raises(ClassValidationError, match=r"extra_links\[0\]: expected"):
        structure({**TASK_IDS, "extra_links": [3]}, Task)


def test_models_of_one_union_are_told_apart_by_their_keys() -> None:
    instance = {**TI_IDS, "state": "success"}
    new_task = {"task_id": "t2", "task_display_name": "T2"}

    cleared = structure(
        {"task_instances": [instance, new_task], "total_entries": 2},
        models.ClearTaskInstanceCollection,
    )

    assert [type(item) for item in cleared.task_instances or []] == [TaskInstance, models.NewTask]


def test_literal_fields_tell_bulk_actions_apart() -> None:
    body = structure(
        {
            "actions": [
                {"action": "create", "entities": [{"name": "p", "slots": 1}]},
                {"action": "delete", "entities": ["old", {"name": "older"}]},
                {"action": "update", "entities": [], "update_mask": ["slots"]},
            ]
        },
        models.BulkBodyPoolBody,
    )

    kinds = [type(action).__name__ for action in body.actions or []]
    assert kinds == [
        "BulkCreateActionPoolBody",
        "BulkDeleteActionPoolBody",
        "BulkUpdateActionPoolBody",
    ]
    assert models.BulkCreateActionPoolBody(entities=[]).action == "create"
    assert unstructure(models.BulkDeleteActionPoolBody(entities=["x"])) == {
        "action": "delete",
        "entities": ["x"],
    }
    with pytest.raises(ClassValidationError, match="cannot tell which"):
        structure({"actions": [{"action": "rename", "entities": []}]}, models.BulkBodyPoolBody)


def test_a_literal_or_a_datetime() -> None:
    assert structure(
        {"value": 1, "expires_at": "default"}, models.TaskStateStoreBody
    ).expires_at == ("default")
    when = structure({"value": 1, "expires_at": "2025-03-01T09:00:00Z"}, models.TaskStateStoreBody)
    assert when.expires_at == dt.datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_a_model_instance_passes_as_it_is() -> None:
    tag = models.Tag(name="a")
    dag = structure({**DAG_IDS, "tags": [tag]}, DAG)

    assert (dag.tags or [])[0] is tag
    assert structure(dag, DAG) is dag


def test_optional_unions_at_the_top_level() -> None:
    assert structure(None, DagRunState | str | None) is None
    assert structure("running", DagRunState | str | None) is DagRunState.RUNNING
    assert structure(["x", None], list[ClassReference | str | None]) == ["x", None]


def test_error_lines_name_each_bad_field() -> None:
    with pytest.raises(ClassValidationError) as caught:
        structure({"dag_id": [], "tags": 3}, DAG)

    assert _converter.error_lines(caught.value) == [
        "dag_id: expected a string, got an array",
        "tags: expected an array, got a number",
        "file_token: required field missing",
    ]
