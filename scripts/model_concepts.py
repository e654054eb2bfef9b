"""Which schemas of the three specs each model stands for: the concept map of the generator.

``scripts/generate_models.py`` writes one model set for Airflow 2 (``openapi.json``,
``/api/v1``) and Airflow 3 (``openapi-v2.json``, ``/api/v2``, and the FAB auth manager's
``openapi-fab.json``). A :class:`Concept` names one model and the schemas it stands for in
each spec; its fields are the union of theirs, so code written against the model runs on
both versions. Everything a model's fields mean beyond the specs is stated here, with its
reason:

* :attr:`Concept.identity`: the fields that identify the object. They are typed without
  ``None`` and are required when decoding (a body without one is an error naming it); a
  field is listed only if every version's schema of the concept has it and real servers
  always send it. Every other field is optional: Airflow 3's ``required`` lists are not
  enforced, since fields required in 3.3 are absent on 3.0 servers.
* :attr:`Concept.types`: where the versions type a field differently, the one Python type
  it gets (the converter accepts every version's shape). The generator fails on a
  conflict not resolved here, except in three cases it resolves itself: a field nullable in
  one version only, a plain string in one version and an enum in another (the enum, which
  keeps unknown values as strings), and one version's alias of the other's type.
* :attr:`Concept.fills`: where two versions name the same meaning differently, the
  Airflow 3 name is filled on decode from the Airflow 2 one (when the body lacks it or sends
  null). Both names stay fields. Only identical meanings are filled.

Schemas no concept names keep their own name: a v1 schema's as it is, a v2 or FAB schema's
without a trailing ``Response``, and a pydantic generic's (``BulkBody_PoolBody_``) joined
(``BulkBodyPoolBody``). A name that two schemas would share is an error, so every merge is
written here. Inline enums and objects are named after their owner's model and the field
(``INLINE_NAMES`` where that reads badly).

``python scripts/model_concepts.py`` prints the map as a Markdown table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CONCEPTS",
    "INLINE_NAMES",
    "SECRET_FIELDS",
    "Concept",
    "FieldType",
    "Fill",
    "markdown_table",
]


@dataclasses.dataclass(frozen=True)
class FieldType:
    """The one Python type of a field the versions type differently.

    Attributes:
        annotation: The annotation, in the generated module's names (``"float"``,
            ``"datetime.timedelta"``, ``"list[ClassReference | str]"``, ``"JsonValue"``).
        reason: What each version sends and why this type holds all of it.
        decoder: The name of a field decoder in ``airflow_client_async._converter``, for a
            shape no type decodes by itself (``"backoff_multiplier"``).
    """

    annotation: str
    reason: str
    decoder: str | None = None


@dataclasses.dataclass(frozen=True)
class Fill:
    """A field filled on decode from another version's name for the same meaning.

    Attributes:
        field: The name Airflow 3 sends (the canonical one).
        source: The name Airflow 2 (or an older 3.x) sends instead.
        reason: Why the two mean exactly the same.
    """

    field: str
    source: str
    reason: str


@dataclasses.dataclass(frozen=True)
class Concept:
    """One model and the schemas it stands for.

    Attributes:
        name: The model's name.
        v1: Schemas of ``openapi.json`` (inline ones by their generated name).
        v2: Schemas of ``openapi-v2.json``.
        fab: Schemas of ``openapi-fab.json``.
        identity: JSON keys of the fields that identify the object (see the module doc).
        types: JSON key → the field's one type, where the versions differ.
        fills: Fields filled from another version's name.
        note: More for the model's docstring (e.g. why two similar fields are both kept).
    """

    name: str
    v1: tuple[str, ...] = ()
    v2: tuple[str, ...] = ()
    fab: tuple[str, ...] = ()
    identity: tuple[str, ...] = ()
    types: Mapping[str, FieldType] = dataclasses.field(default_factory=dict)
    fills: tuple[Fill, ...] = ()
    note: str = ""


def _types(**entries: FieldType) -> Mapping[str, FieldType]:
    return MappingProxyType(entries)


# -- reasons used more than once ----------------------------------------------------------

_LOGICAL_DATE = Fill(
    "logical_date",
    "execution_date",
    "Airflow 2 sends the run's date as execution_date; Airflow 2.2 renamed it logical_date "
    "(both keys carry the DAG run's execution_date column) and Airflow 3 sends only "
    "logical_date, the same date.",
)
_NEXT_DAGRUN = Fill(
    "next_dagrun_logical_date",
    "next_dagrun",
    "Both are the dag table's next_dagrun column: Airflow 3 renames it in the response "
    "(DAG_ALIAS_MAPPING in datamodels/dags.py).",
)
_NEXT_RUN_AFTER = Fill(
    "next_dagrun_run_after",
    "next_dagrun_create_after",
    "Both are the dag table's next_dagrun_create_after column: Airflow 3 renames it in the "
    "response (DAG_ALIAS_MAPPING in datamodels/dags.py).",
)
_DURATION = FieldType(
    "datetime.timedelta",
    'A duration: both versions send {"__type": "TimeDelta", "days", "seconds", "microseconds"}.',
)
_OPERATOR_INT = (
    "Airflow validates it as an int when the operator is built "
    "(BASEOPERATOR_ARGS_EXPECTED_TYPES); both versions write it as a JSON number such as 1.0."
)
_DAG_IS_ACTIVE = (
    "is_active (Airflow 2) and is_stale (Airflow 3) are both kept and neither is filled "
    "from the other: a DAG is stale when its file was not seen by the last parse, which is "
    "not exactly Airflow 2's inactive. schedule_interval (Airflow 2's schedule object) and "
    "timetable_summary (Airflow 3's text) are different things and are both kept too."
)

#: Every model that stands for more than one schema, or whose name or fields need saying.
CONCEPTS: tuple[Concept, ...] = (
    # -- DAGs ---------------------------------------------------------------------------
    Concept(
        "DAG",
        v1=("DAG",),
        v2=("DAGResponse",),
        identity=("dag_id", "file_token"),
        fills=(_NEXT_DAGRUN, _NEXT_RUN_AFTER),
        note=_DAG_IS_ACTIVE,
    ),
    Concept("DAGCollection", v1=("DAGCollection",), v2=("DAGCollectionResponse",)),
    Concept(
        "DAGDetail",
        v1=("DAGDetail",),
        v2=("DAGDetailsResponse",),
        identity=("dag_id", "file_token"),
        types=_types(
            dag_run_timeout=FieldType(
                "datetime.timedelta",
                'Airflow 2 sends {"__type": "TimeDelta", "days", "seconds", "microseconds"}, '
                'Airflow 3 an ISO 8601 duration ("PT1H").',
            ),
        ),
        fills=(_NEXT_DAGRUN, _NEXT_RUN_AFTER),
        note=_DAG_IS_ACTIVE
        + " template_searchpath (what a 2.x server sends: the search path as text) and "
        "template_search_path (Airflow 3's list of paths) are both kept: the text of a list "
        "cannot be read back as paths reliably. dataset_expression (Airflow 2) and "
        "asset_expression (Airflow 3) are both kept: their contents are written in each "
        "version's own vocabulary.",
    ),
    Concept("Tag", v1=("Tag",), v2=("DagTagResponse",), identity=("name",)),
    Concept(
        "DAGTagCollection",
        v2=("DAGTagCollectionResponse",),
    ),
    Concept(
        "Task",
        v1=("Task",),
        v2=("TaskResponse",),
        identity=("task_id",),
        types=_types(
            execution_timeout=_DURATION,
            retry_delay=_DURATION,
            retries=FieldType("int", _OPERATOR_INT),
            pool_slots=FieldType("int", _OPERATOR_INT),
            priority_weight=FieldType("int", _OPERATOR_INT),
            retry_exponential_backoff=FieldType(
                "float",
                "The backoff multiplier between retries (0: none). Airflow 2, 3.0 and 3.1 "
                "send a boolean; from 3.2 it is a number, and Airflow reads an old true as "
                "2.0 and false as 0 (serialization/serialized_objects.py): the converter "
                "does the same.",
                decoder="backoff_multiplier",
            ),
            class_ref=FieldType(
                "ClassReference",
                "Airflow 3 declares a free-form object but fills it with the same two keys, "
                "module_path and class_name (datamodels/tasks.py _get_class_ref).",
            ),
            extra_links=FieldType(
                "list[ClassReference | str]",
                "Airflow 2 sends the class of each operator extra link, Airflow 3 the link's "
                "name: each item is decoded by its shape.",
            ),
        ),
    ),
    Concept("TaskCollection", v1=("TaskCollection",), v2=("TaskCollectionResponse",)),
    Concept(
        "DagVersion",
        v2=("DagVersionResponse",),
        identity=("id", "version_number", "dag_id"),
    ),
    Concept("DAGSource", v2=("DAGSourceResponse",), identity=("dag_id",)),
    # -- DAG runs -------------------------------------------------------------------------
    Concept(
        "DAGRun",
        v1=("DAGRun",),
        v2=("DAGRunResponse",),
        identity=("dag_id", "dag_run_id"),
        note="execution_date (Airflow 2 only) always equals logical_date, which both "
        "versions send. external_trigger (Airflow 2) and triggered_by (Airflow 3) are "
        "different things and are both kept.",
    ),
    Concept("DAGRunCollection", v1=("DAGRunCollection",), v2=("DAGRunCollectionResponse",)),
    Concept("DagRunState", v1=("DagState",), v2=("DagRunState",)),
    Concept("DagRunType", v1=("DagRunType",), v2=("DagRunType",)),
    Concept("DagRunMutableStates", v1=("UpdateDagState",), v2=("DagRunMutableStates",)),
    Concept(
        "BasicDAGRun",
        v1=("BasicDAGRun",),
        v2=("DagRunAssetReference",),
        identity=("dag_id", "run_id"),
        fills=(
            Fill(
                "run_id",
                "dag_run_id",
                "Airflow 2 sends the run id of an asset event's created run as dag_run_id "
                "(BasicDAGRunSchema's data_key), Airflow 3 as run_id: the same run id.",
            ),
        ),
    ),
    Concept(
        "DagStatsCollection", v1=("DagStatsCollectionSchema",), v2=("DagStatsCollectionResponse",)
    ),
    Concept(
        "DagStats", v1=("DagStatsCollectionItem",), v2=("DagStatsResponse",), identity=("dag_id",)
    ),
    Concept("DagStatsState", v1=("DagStatsStateCollectionItem",), v2=("DagStatsStateResponse",)),
    Concept(
        "DagWarning",
        v1=("DagWarning",),
        v2=("DAGWarningResponse",),
        identity=("dag_id", "warning_type"),
    ),
    Concept(
        "DagWarningCollection",
        v1=("DagWarningCollection",),
        v2=("DAGWarningCollectionResponse",),
    ),
    # -- task instances ---------------------------------------------------------------------
    Concept(
        "TaskInstance",
        v1=("TaskInstance",),
        v2=("TaskInstanceResponse",),
        identity=("dag_id", "dag_run_id", "task_id", "map_index", "try_number"),
        fills=(_LOGICAL_DATE,),
        note="id (Airflow 3's uuid of the task instance) has no Airflow 2 counterpart.",
    ),
    Concept(
        "TaskInstanceCollection",
        v1=("TaskInstanceCollection",),
        v2=("TaskInstanceCollectionResponse",),
    ),
    Concept(
        "TaskInstanceHistory",
        v1=("TaskInstanceHistory",),
        v2=("TaskInstanceHistoryResponse",),
        identity=("dag_id", "dag_run_id", "task_id", "map_index", "try_number"),
    ),
    Concept(
        "TaskInstanceHistoryCollection",
        v1=("TaskInstanceHistoryCollection",),
        v2=("TaskInstanceHistoryCollectionResponse",),
        fills=(
            Fill(
                "task_instances",
                "task_instances_history",
                "The spec of Airflow 2 names the list task_instances_history, its server "
                "and Airflow 3 send task_instances: the same tries.",
            ),
        ),
    ),
    Concept(
        "TaskInstanceReference",
        v1=("TaskInstanceReference",),
        identity=("dag_id", "dag_run_id", "task_id"),
    ),
    Concept("TaskInstanceState", v1=("TaskState",), v2=("TaskInstanceState",)),
    Concept(
        "TaskFailedDependency",
        v1=("TaskFailedDependency",),
        v2=("TaskDependencyResponse",),
    ),
    Concept(
        "TaskInstanceDependencyCollection",
        v1=("TaskInstanceDependencyCollection",),
        v2=("TaskDependencyCollectionResponse",),
    ),
    Concept("ClearTaskInstanceCollection", v2=("ClearTaskInstanceCollectionResponse",)),
    Concept("NewTask", v2=("NewTaskResponse",), identity=("task_id",)),
    Concept("Trigger", v1=("Trigger",), v2=("TriggerResponse",), identity=("id",)),
    Concept("Job", v1=("Job",), v2=("JobResponse",), identity=("id",)),
    Concept(
        "ExtraLinks",
        v2=("ExtraLinkCollectionResponse",),
        note="Airflow 2 answers get_extra_links with the bare {name: url} map (see the "
        "correction extra_links_plain_object); its spec's ExtraLinkCollection, a list of "
        "ExtraLink that no 2.x server sends, keeps that name.",
    ),
    Concept("TaskInstancesLog", v2=("TaskInstancesLogResponse",)),
    # -- XComs ------------------------------------------------------------------------------
    Concept(
        "XCom",
        v1=("XCom", "XComCollectionItem"),
        v2=("XComResponse", "XComResponseNative", "XComResponseString"),
        identity=("dag_id", "task_id", "key", "map_index"),
        types=_types(
            value=FieldType(
                "JsonValue",
                "Airflow 2 sends the value as text by default (stringify), Airflow 3 the "
                "stored JSON value (or its text with stringify=true); a list item has none.",
            ),
        ),
        fills=(_LOGICAL_DATE,),
        note="A list item and a single entry are the same class; value is None in a list.",
    ),
    Concept("XComCollection", v1=("XComCollection",), v2=("XComCollectionResponse",)),
    # -- pools, variables, connections --------------------------------------------------------
    Concept("Pool", v1=("Pool",), v2=("PoolResponse",), identity=("name",)),
    Concept("PoolCollection", v1=("PoolCollection",), v2=("PoolCollectionResponse",)),
    Concept(
        "Variable",
        v1=("Variable", "VariableCollectionItem"),
        v2=("VariableResponse",),
        identity=("key",),
    ),
    Concept("VariableCollection", v1=("VariableCollection",), v2=("VariableCollectionResponse",)),
    Concept(
        "Connection",
        v1=("Connection", "ConnectionCollectionItem"),
        v2=("ConnectionResponse",),
        identity=("connection_id",),
        note="Airflow 3 returns password and extra redacted; Airflow 2 never returns the password.",
    ),
    Concept(
        "ConnectionCollection",
        v1=("ConnectionCollection",),
        v2=("ConnectionCollectionResponse",),
    ),
    Concept("ConnectionTest", v1=("ConnectionTest",), v2=("ConnectionTestResponse",)),
    # -- assets (datasets on Airflow 2) -------------------------------------------------------
    Concept(
        "Asset",
        v1=("Dataset",),
        v2=("AssetResponse",),
        identity=("id", "uri"),
        fills=(
            Fill(
                "scheduled_dags",
                "consuming_dags",
                "Airflow 2 and 3.0 list the DAGs scheduled on the asset as consuming_dags; "
                "Airflow 3.1 renamed the field scheduled_dags (same items).",
            ),
        ),
        note="An Airflow 2 dataset. Airflow 3's consuming_tasks (tasks with the asset as an "
        "inlet) is another list, with no Airflow 2 counterpart.",
    ),
    Concept(
        "AssetCollection",
        v1=("DatasetCollection",),
        v2=("AssetCollectionResponse",),
        fills=(
            Fill(
                "assets",
                "datasets",
                "The page's items: Airflow 2 names the list datasets, Airflow 3 assets.",
            ),
        ),
    ),
    Concept(
        "AssetAlias", v1=("DatasetAlias",), v2=("AssetAliasResponse",), identity=("id", "name")
    ),
    Concept(
        "AssetEvent",
        v1=("DatasetEvent",),
        v2=("AssetEventResponse",),
        identity=("id",),
        fills=(
            Fill(
                "asset_id",
                "dataset_id",
                "The id of the event's asset: Airflow 2 calls assets datasets.",
            ),
            Fill(
                "uri",
                "dataset_uri",
                "The URI of the event's asset: Airflow 2 calls assets datasets.",
            ),
        ),
    ),
    Concept(
        "AssetEventCollection",
        v1=("DatasetEventCollection",),
        v2=("AssetEventCollectionResponse",),
        fills=(
            Fill(
                "asset_events",
                "dataset_events",
                "The page's items: Airflow 2 names the list dataset_events, Airflow 3 "
                "asset_events.",
            ),
        ),
    ),
    Concept(
        "DagScheduleAssetReference",
        v1=("DagScheduleDatasetReference",),
        v2=("DagScheduleAssetReference",),
        identity=("dag_id",),
    ),
    Concept(
        "TaskOutletAssetReference",
        v1=("TaskOutletDatasetReference",),
        v2=("TaskOutletAssetReference",),
        identity=("dag_id", "task_id"),
    ),
    Concept(
        "TaskInletAssetReference",
        v2=("TaskInletAssetReference",),
        identity=("dag_id", "task_id"),
    ),
    Concept(
        "QueuedEvent",
        v1=("QueuedEvent",),
        v2=("QueuedEventResponse",),
        identity=("dag_id",),
        note="uri (Airflow 2) and asset_id (Airflow 3) both name the asset, by different "
        "keys: both are kept, neither is filled.",
    ),
    Concept(
        "QueuedEventCollection",
        v1=("QueuedEventCollection",),
        v2=("QueuedEventCollectionResponse",),
        fills=(
            Fill(
                "queued_events",
                "datasets",
                "Airflow 2's spec names the list datasets, its server and Airflow 3 send "
                "queued_events: the same events.",
            ),
        ),
    ),
    # -- the rest of the API ------------------------------------------------------------------
    Concept(
        "EventLog",
        v1=("EventLog",),
        v2=("EventLogResponse",),
        identity=("event_log_id",),
        fills=(
            Fill(
                "logical_date",
                "execution_date",
                "The log table's execution_date column was renamed logical_date in Airflow "
                "3: the same date of the task instance's run.",
            ),
        ),
    ),
    Concept("EventLogCollection", v1=("EventLogCollection",), v2=("EventLogCollectionResponse",)),
    Concept(
        "DagImportError",
        v1=("ImportError",),
        v2=("ImportErrorResponse",),
        identity=("import_error_id",),
        note="Named so as not to shadow the builtin ImportError.",
    ),
    Concept(
        "DagImportErrorCollection",
        v1=("ImportErrorCollection",),
        v2=("ImportErrorCollectionResponse",),
    ),
    Concept("HealthInfo", v1=("HealthInfo",), v2=("HealthInfoResponse",)),
    Concept("MetadatabaseStatus", v1=("MetadatabaseStatus",), v2=("BaseInfoResponse",)),
    Concept("SchedulerStatus", v1=("SchedulerStatus",), v2=("SchedulerInfoResponse",)),
    Concept("TriggererStatus", v1=("TriggererStatus",), v2=("TriggererInfoResponse",)),
    Concept("DagProcessorStatus", v1=("DagProcessorStatus",), v2=("DagProcessorInfoResponse",)),
    Concept("VersionInfo", v1=("VersionInfo",), v2=("VersionInfo",)),
    Concept("Config", v1=("Config",), v2=("Config",)),
    Concept("ConfigSection", v1=("ConfigSection",), v2=("ConfigSection",), identity=("name",)),
    Concept(
        "ConfigOption",
        v1=("ConfigOption",),
        v2=("ConfigOption",),
        identity=("key",),
        types=_types(
            value=FieldType(
                "str | tuple[str, str]",
                "Airflow 2 sends the value; Airflow 3 the value, or a (value, source) pair "
                "when display_source is true.",
            ),
        ),
    ),
    Concept("Provider", v1=("Provider",), v2=("ProviderResponse",), identity=("package_name",)),
    Concept("ProviderCollection", v1=("ProviderCollection",), v2=("ProviderCollectionResponse",)),
    Concept(
        "Plugin",
        v1=("PluginCollectionItem",),
        v2=("PluginResponse",),
        identity=("name",),
        types=_types(
            appbuilder_views=FieldType(
                "list[AppBuilderView]",
                "Airflow 2 sends each view as the plugin declared it (a free-form object "
                "with name, category, view and label), Airflow 3 as AppBuilderViewResponse: "
                "keys a plugin adds are kept in extra_fields.",
            ),
            appbuilder_menu_items=FieldType(
                "list[AppBuilderMenuItem]",
                "Airflow 2 sends each menu item as the plugin declared it (name, href, "
                "category), Airflow 3 as AppBuilderMenuItemResponse.",
            ),
        ),
    ),
    Concept("PluginCollection", v1=("PluginCollection",), v2=("PluginCollectionResponse",)),
    Concept(
        "Error",
        v1=("Error",),
        v2=("HTTPExceptionResponse",),
        fab=("HTTPExceptionResponse",),
        types=_types(
            detail=FieldType(
                "str | dict[str, JsonValue]",
                "Airflow 2's problem detail is text; Airflow 3's detail is text or an object "
                '(e.g. {"reason": "Unique constraint violation", ...}).',
            ),
        ),
        note="Airflow 2's RFC 7807 problem, or Airflow 3's HTTPException body. Airflow 3's "
        "request validation errors (422) are HTTPValidationError.",
    ),
    Concept("HTTPValidationError", v2=("HTTPValidationError",), fab=("HTTPValidationError",)),
    Concept("ValidationError", v2=("ValidationError",), fab=("ValidationError",)),
    Concept("TimeDelta", v1=("TimeDelta",), v2=("TimeDelta",)),
    Concept("Backfill", v2=("BackfillResponse",), identity=("id", "dag_id")),
    Concept("BulkActionResult", v2=("BulkActionResponse",)),
    Concept(
        "BulkResponse",
        v2=("BulkResponse",),
        note="Named as the spec names it: airflow_client_async.BulkResult is what bulk() "
        "returns, one outcome per entity.",
    ),
    Concept("ClearPartitionsResult", v2=("ClearPartitionsResponse",)),
    Concept(
        "HITLDetailUpdate",
        v2=("HITLDetailResponse",),
        note="The answer to update_hitl_detail: what the human chose (HITLDetail is the "
        "whole request for input).",
    ),
    # -- users, roles and permissions (the FAB auth manager's API on Airflow 3) -------------
    Concept(
        "User",
        v1=("User", "UserCollectionItem"),
        fab=("UserResponse",),
        identity=("username",),
        fills=(
            Fill(
                "fail_login_count",
                "failed_login_count",
                "Airflow 2's spec names the count failed_login_count; both servers send "
                "fail_login_count, Flask-AppBuilder's column.",
            ),
        ),
    ),
    Concept("UserCollection", v1=("UserCollection",), fab=("UserCollectionResponse",)),
    Concept("UserRole", v1=("UserRole",), fab=("Role",), identity=("name",)),
    Concept("Role", v1=("Role",), fab=("RoleResponse",), identity=("name",)),
    Concept("RoleCollection", v1=("RoleCollection",), fab=("RoleCollectionResponse",)),
    Concept("Action", v1=("Action",), fab=("Action",)),
    Concept("Resource", v1=("Resource",), fab=("Resource",)),
    Concept("ActionResource", v1=("ActionResource",), fab=("ActionResource",)),
    Concept(
        "PermissionCollection",
        fab=("PermissionCollectionResponse",),
        note="Airflow 2's permissions list is ActionCollection (action names only); the FAB "
        "API lists action and resource pairs.",
    ),
    Concept("AccessToken", fab=("LoginResponse",)),
)

#: Names for inline schemas where the default rule (owner model + field name) reads badly.
INLINE_NAMES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("DAGRun", "run_type"): "DagRunType",
        ("UpdateDagRunState", "state"): "UpdateDagState",
        ("UserCollectionItem", "roles"): "UserRole",
        ("User", "roles"): "UserRole",
    }
)

#: (model, JSON key) pairs that hold secrets besides any ``password``.
SECRET_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Connection", "extra"),
        # Whoever holds a queued connection test's token can read its outcome.
        ("ConnectionTestQueued", "token"),
        ("AsyncConnectionTest", "token"),
    }
)


def markdown_table() -> str:
    """Return the concept map as a Markdown table (model, sources, identity fields)."""
    rows = ["| model | v1 | v2 | FAB | identity |", "|---|---|---|---|---|"]
    for concept in sorted(CONCEPTS, key=lambda c: c.name):
        cells = [
            f"`{concept.name}`",
            ", ".join(concept.v1) or "—",
            ", ".join(concept.v2) or "—",
            ", ".join(concept.fab) or "—",
            ", ".join(concept.identity) or "—",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
