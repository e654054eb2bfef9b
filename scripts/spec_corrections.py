"""Every place where Airflow's real server disagrees with its own ``openapi.json``.

``openapi.json`` stays Airflow's text, unchanged. This module is the one documented list of
corrections; the model generator applies them to the loaded spec before it writes the
models, and tests (and anyone reading the client) can import the same list.

Each correction is a small function with a docstring saying why it exists, registered in
:data:`CORRECTIONS` in the order it is applied. A correction edits the spec dict in place
so that, once all are applied, the spec tells the truth about what the server sends.
Facts the client acts on at run time are also exported as plain data
(:data:`RESPONSE_SHAPES`, :data:`ERROR_MEDIA_TYPE`), because ``scripts/`` is not shipped
in the package and the client cannot import this module.

Usage::

    from spec_corrections import CORRECTIONS, apply_corrections

    spec = apply_corrections(json.loads(pathlib.Path("openapi.json").read_text()))
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
from collections.abc import Callable, Iterator
from typing import Any

__all__ = [
    "CORRECTIONS",
    "ERROR_MEDIA_TYPE",
    "RESPONSE_SHAPES",
    "SERVER_BEHAVIOUR",
    "Correction",
    "apply_corrections",
]

Spec = dict[str, Any]

#: The media type of every error body the server sends (RFC 7807), whatever the spec says.
ERROR_MEDIA_TYPE = "application/problem+json"

#: operationId → the JSON schema of what the server really answers with 200, where the
#: spec declares something else.
RESPONSE_SHAPES: dict[str, dict[str, Any]] = {
    "get_extra_links": {
        "type": "object",
        "description": "Link name → URL; the URL is null when the link has no target.",
        "additionalProperties": {"type": "string", "nullable": True},
    },
}


@dataclasses.dataclass(frozen=True)
class Correction:
    """One named correction to the spec.

    Attributes:
        name: A short identifier, e.g. ``"basic_dag_run_id"``.
        reason: Why it is needed: what the spec says and what the server does.
        apply: Edits a loaded spec dict in place.
    """

    name: str
    reason: str
    apply: Callable[[Spec], None]


#: Every correction, in the order :func:`apply_corrections` applies them.
CORRECTIONS: list[Correction] = []


def _correction(func: Callable[[Spec], None]) -> Callable[[Spec], None]:
    CORRECTIONS.append(Correction(func.__name__, inspect.getdoc(func) or "", func))
    return func


def _schemas(spec: Spec) -> dict[str, Any]:
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the properties dict of a schema, or of its inline ``allOf`` part."""
    if "properties" in schema:
        props: dict[str, Any] = schema["properties"]
        return props
    for part in schema.get("allOf", []):
        if "properties" in part:
            return part["properties"]  # type: ignore[no-any-return]
    raise KeyError("schema has no properties")


def _operations(spec: Spec) -> Iterator[dict[str, Any]]:
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options"}:
                yield operation


@_correction
def basic_dag_run_id(spec: Spec) -> None:
    """BasicDAGRun declares ``run_id``, but the server sends the run id as ``dag_run_id``.

    Airflow's BasicDAGRunSchema (the ``created_dagruns`` of a dataset event) dumps the
    run id under ``data_key="dag_run_id"``, like every other DAG run body. The declared
    ``run_id`` is kept so that a server that ever follows the spec still decodes.
    """
    props = _properties(_schemas(spec)["BasicDAGRun"])
    dag_run_id = {
        "type": "string",
        "readOnly": True,
        "description": "Run ID (the key the server really sends).",
    }
    # Put dag_run_id first, where run_id sits, so the model reads naturally.
    items = list(props.items())
    props.clear()
    props["dag_run_id"] = dag_run_id
    props.update(items)


@_correction
def extra_links_plain_object(spec: Spec) -> None:
    """``get_extra_links`` answers a plain ``{name: url}`` object, not ExtraLinkCollection.

    The spec declares ``{"extra_links": [{"name", "href", "class_ref"}]}``; Airflow's
    endpoint returns ``{link_name: url_or_null, ...}`` directly. The response schema is
    replaced by :data:`RESPONSE_SHAPES` so the spec states what the client must decode;
    the ExtraLink and ExtraLinkCollection models are still generated (the spec names them).
    """
    for operation in _operations(spec):
        shape = RESPONSE_SHAPES.get(operation.get("operationId", ""))
        if shape is None:
            continue
        content = operation["responses"]["200"]["content"]
        for media in content.values():
            media["schema"] = copy.deepcopy(shape)


@_correction
def errors_are_problem_json(spec: Spec) -> None:
    """Errors are served as ``application/problem+json``, not the declared ``application/json``.

    connexion renders every error as an RFC 7807 problem with that media type
    (:data:`ERROR_MEDIA_TYPE`). The body is the spec's Error schema, but ``detail`` is
    often null with the message in ``title``. A client that only accepts
    ``application/json`` for errors would fail to parse them.
    """
    for response in spec["components"]["responses"].values():
        content = response.get("content", {})
        if "application/json" in content:
            content[ERROR_MEDIA_TYPE] = content.pop("application/json")


@_correction
def nullable_beside_ref(spec: Spec) -> None:
    """``nullable: true`` written beside a ``$ref`` is ignored by OpenAPI 3.0 tools.

    In OpenAPI 3.0, siblings of ``$ref`` are ignored, so e.g. ``DAGDetail.timezone`` or
    ``dag_run_timeout`` are non-nullable to a strict tool while the server sends null.
    Each such property is rewritten as ``{"allOf": [{"$ref": ...}], "nullable": true}``,
    the 3.0 way to say it. Our models make every field optional (default ``None``) and
    accept null everywhere anyway, so this matters to readers and other tools, not to
    decoding.
    """
    for schema in _schemas(spec).values():
        parts = [schema, *schema.get("allOf", [])]
        for part in parts:
            for name, prop in part.get("properties", {}).items():
                if "$ref" in prop and prop.get("nullable"):
                    rest = {k: v for k, v in prop.items() if k not in {"$ref", "type"}}
                    part["properties"][name] = {"allOf": [{"$ref": prop["$ref"]}], **rest}


@_correction
def collections_total_entries(spec: Spec) -> None:
    """ProviderCollection and TaskCollection lack ``total_entries``, which the server sends.

    Airflow's TaskCollectionSchema dumps ``total_entries`` beside ``tasks``, and
    ``get_providers`` declares its own response as ``allOf: [ProviderCollection,
    CollectionInfo]`` inline. Both schemas gain CollectionInfo like every other collection,
    so paging code can read ``total_entries`` from them.
    """
    for name in ("ProviderCollection", "TaskCollection"):
        schema = _schemas(spec)[name]
        if "allOf" in schema:
            continue
        own = {"type": "object", "properties": schema.pop("properties")}
        schema["allOf"] = [own, {"$ref": "#/components/schemas/CollectionInfo"}]


@_correction
def task_extra_links_are_class_references(spec: Spec) -> None:
    """A task's ``extra_links`` items are class references, not ``{"class_ref": ...}``.

    The spec wraps each item in an object with a ``class_ref`` property; Airflow's
    TaskSchema dumps each operator extra link with ClassReferenceSchema directly, so an
    item is ``{"class_name": ..., "module_path": ...}``.
    """
    _properties(_schemas(spec)["Task"])["extra_links"]["items"] = {
        "$ref": "#/components/schemas/ClassReference"
    }


@_correction
def weight_rule_known_values(spec: Spec) -> None:
    """WeightRule is a bare string; its description names three built-in values.

    Since Airflow 2.9 a weight rule may also be the import path of a custom priority
    weight strategy, so the spec dropped the enum. The built-in values ``downstream``,
    ``upstream`` and ``absolute`` are restored as an enum to give them names; because
    every enum-typed field also accepts a plain string, a custom strategy path still
    decodes (as ``str``).
    """
    schema = _schemas(spec)["WeightRule"]
    schema.setdefault("enum", ["downstream", "upstream", "absolute"])


@_correction
def task_state_update_flags_required(spec: Spec) -> None:
    """UpdateTaskInstancesState's four ``include_*`` flags are required by the server.

    The spec lists ``include_upstream``, ``include_downstream``, ``include_future`` and
    ``include_past`` as optional; Airflow's SetTaskInstanceStateFormSchema declares them
    ``required=True`` and answers 400 ("Missing data for required field") without them.
    The client always sends them (default ``false``).
    """
    schema = _schemas(spec)["UpdateTaskInstancesState"]
    flags = ["include_upstream", "include_downstream", "include_future", "include_past"]
    schema["required"] = sorted({*schema.get("required", []), *flags})


@_correction
def dag_run_id_pattern(spec: Spec) -> None:
    """A triggered run's ``dag_run_id`` must match ``^[A-Za-z0-9_.~:+-]+$``.

    The spec accepts any string; Airflow 2.11 checks run ids against
    ``[scheduler] allowed_run_id_pattern`` (default above) or its built-in
    ``<run_type>__<timestamp>`` form, refuses the ``scheduled__`` and ``dataset_triggered__``
    prefixes for manual runs with a 400, and answers any other id with a **500 HTML page**
    (an uncaught AirflowException). The pattern is recorded so readers and tools see it.
    """
    prop = _properties(_schemas(spec)["DAGRun"])["dag_run_id"]
    prop["pattern"] = r"^[A-Za-z0-9_.~:+-]+$"


@_correction
def user_timestamps_without_offset(spec: Spec) -> None:
    """The users endpoints send ``created_on``, ``changed_on`` and ``last_login`` naive.

    Flask-AppBuilder's user model stores naive timestamps and the schema dumps them
    without an offset (``2026-11-27T03:45:44.904515``), which is not RFC 3339
    ``date-time``. They are UTC on a default deployment; the converter reads any
    offset-less datetime as UTC, and the descriptions say so here.
    """
    props = _properties(_schemas(spec)["UserCollectionItem"])
    for name in ("created_on", "changed_on", "last_login"):
        if name in props:
            note = "Sent without an offset; read as UTC."
            text = props[name].get("description", "").rstrip()
            props[name]["description"] = f"{text}\n\n{note}" if text else note


@_correction
def variable_list_items_carry_value(spec: Spec) -> None:
    """``GET /variables`` sends each variable's ``value``; the spec's list item has none.

    VariableCollectionItem says the value is left out of lists "due to the sensitivity of
    this data", but Airflow 2.11's VariableCollectionSchema nests the full VariableSchema.
    The list's items become Variable (the list item plus ``value``), so nothing is lost.
    """
    props = _properties(_schemas(spec)["VariableCollection"])
    props["variables"]["items"] = {"$ref": "#/components/schemas/Variable"}


@_correction
def queued_events_key(spec: Spec) -> None:
    """QueuedEventCollection's list is sent as ``queued_events``, not ``datasets``.

    Airflow's QueuedEventCollectionSchema dumps the list under ``queued_events``. Both keys
    are declared, so a server that follows the spec still decodes.
    """
    props = _properties(_schemas(spec)["QueuedEventCollection"])
    props["queued_events"] = copy.deepcopy(props["datasets"])


@_correction
def user_fail_login_count(spec: Spec) -> None:
    """Users carry ``fail_login_count``; the spec names it ``failed_login_count``.

    Flask-AppBuilder's user model and Airflow's UserCollectionItemSchema use
    ``fail_login_count``. Both names are declared.
    """
    props = _properties(_schemas(spec)["UserCollectionItem"])
    props["fail_login_count"] = {
        "type": "integer",
        "readOnly": True,
        "nullable": True,
        "description": "The number of failed logins (the key the server really sends).",
    }


@_correction
def task_instance_tries_key(spec: Spec) -> None:
    """A task instance's tries are sent as ``task_instances``, not ``task_instances_history``.

    Airflow 2.11's TaskInstanceHistoryCollectionSchema dumps the list under
    ``task_instances``. Both keys are declared.
    """
    schema = _schemas(spec)["TaskInstanceHistoryCollection"]
    props = _properties(schema)
    props["task_instances"] = copy.deepcopy(props["task_instances_history"])


@_correction
def dag_detail_template_searchpath(spec: Spec) -> None:
    """DAGDetail's search path is sent as ``template_searchpath``, a string.

    Airflow 2.11's DAGDetailSchema dumps ``template_searchpath = fields.String()``: the DAG's
    own value as text (a path, or the Python repr of a list of paths), under that key. The
    spec's ``template_search_path`` (an array) is never sent by a 2.x server; it is kept,
    since Airflow 3 sends exactly that key and shape.
    """
    props = _properties(_schemas(spec)["DAGDetail"])
    props["template_searchpath"] = {
        "type": "string",
        "nullable": True,
        "readOnly": True,
        "description": (
            "The DAG's template search path as the server writes it: a path, or the text "
            "of a list of paths (the key a 2.x server really sends)."
        ),
    }


@_correction
def task_operator_name_and_params(spec: Spec) -> None:
    """Tasks carry ``operator_name`` and ``params``, which the spec leaves out.

    Airflow 2.11's TaskSchema dumps ``operator_name`` (the operator's display name, e.g.
    ``"BashOperator"``, or a custom ``custom_operator_name``) and ``params``, each of the
    task's params dumped by ``Param.dump()`` (``{"__class", "value", "description",
    "schema"}``).
    """
    props = _properties(_schemas(spec)["Task"])
    props["operator_name"] = {
        "type": "string",
        "readOnly": True,
        "description": "The operator's display name.",
    }
    props["params"] = {
        "type": "object",
        "readOnly": True,
        "nullable": True,
        "description": "The task's params, each as Param.dump() writes it.",
    }


@_correction
def dataset_aliases(spec: Spec) -> None:
    """Datasets carry ``aliases``, a list of ``{"id", "name"}``, which the spec leaves out.

    Airflow 2.11's DatasetSchema dumps ``aliases`` with DatasetAliasSchema (``id`` and
    ``name`` of each dataset alias the dataset belongs to). The schema is added as
    DatasetAlias.
    """
    _schemas(spec)["DatasetAlias"] = {
        "type": "object",
        "description": "A dataset alias.",
        "properties": {
            "id": {"type": "integer", "readOnly": True, "description": "The alias id."},
            "name": {"type": "string", "readOnly": True, "description": "The alias name."},
        },
    }
    props = _properties(_schemas(spec)["Dataset"])
    props["aliases"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/DatasetAlias"},
        "readOnly": True,
        "description": "The aliases of this dataset.",
    }


@_correction
def dataset_event_id(spec: Spec) -> None:
    """Dataset events carry their own ``id``, which the spec leaves out.

    Airflow 2.11's DatasetEventSchema dumps ``id`` (the event's primary key) before
    ``dataset_id``.
    """
    props = _properties(_schemas(spec)["DatasetEvent"])
    items = list(props.items())
    props.clear()
    props["id"] = {"type": "integer", "readOnly": True, "description": "The event id."}
    props.update(items)


#: (schema, property) pairs of timestamps the spec leaves as plain strings.
_UNFORMATTED_TIMESTAMPS = (
    ("Dataset", "created_at"),
    ("Dataset", "updated_at"),
    ("DagScheduleDatasetReference", "created_at"),
    ("DagScheduleDatasetReference", "updated_at"),
    ("TaskOutletDatasetReference", "created_at"),
    ("TaskOutletDatasetReference", "updated_at"),
    ("DatasetEvent", "timestamp"),
    ("TaskInstance", "queued_when"),
    ("TaskInstanceHistory", "queued_when"),
)


@_correction
def timestamps_are_datetimes(spec: Spec) -> None:
    """Dataset timestamps and ``queued_when`` are ISO 8601 datetimes, declared as strings.

    The marshmallow schemas dump these columns (UtcDateTime in the database) with their
    ``auto_field``, which writes ISO 8601 with an offset, like every other timestamp the
    spec does format as ``date-time``; the spec gives them no format.
    """
    for name, key in _UNFORMATTED_TIMESTAMPS:
        _properties(_schemas(spec)[name])[key]["format"] = "date-time"


@_correction
def integral_numbers(spec: Spec) -> None:
    """``Error.status`` and ``DAGDetail.concurrency`` are integers, declared as numbers.

    connexion writes the problem's HTTP status as an int, and DAGDetailSchema's
    ``get_concurrency`` returns the DAG's ``max_active_tasks``, an int; the spec types both
    as ``number``.
    """
    _properties(_schemas(spec)["Error"])["status"]["type"] = "integer"
    _properties(_schemas(spec)["DAGDetail"])["concurrency"]["type"] = "integer"


#: What the server does that the spec does not say, by operationId, and how the client
#: meets it. These need no change to the models; they are kept here so that every known
#: disagreement is in one place. Each is shown by a test against the real server.
SERVER_BEHAVIOUR: dict[str, str] = {
    "post_dag_run": (
        "A dag_run_id outside ^[A-Za-z0-9_.~:+-]+$ gets a 500 HTML page; the scheduled__ and "
        "dataset_triggered__ prefixes get 400. trigger_many makes ids inside the pattern."
    ),
    "post_set_task_instances_state": (
        "include_upstream/downstream/future/past are required (400 without them): always sent."
    ),
    "patch_variable": (
        "The body must carry key (equal to the path's) and value even with update_mask, the "
        "mask names the value 'val', and description may not be null: the client fills them."
    ),
    "post_variables": "A duplicate key is overwritten (no 409); an omitted description is cleared.",
    "patch_role": "The body must carry name even with update_mask=actions: the client sends it.",
    "post_role": (
        "Answers 200 with {} instead of the role, and 500 without actions: the client always "
        "sends actions and reads the role back."
    ),
    "patch_user": (
        "username, email, first_name and last_name are required whatever update_mask says, "
        "and a password set together with roles is ignored: the client fills the fields "
        "from a GET and sends the password in a PATCH of its own."
    ),
    "get_roles": "order_by refuses a descending (-) field.",
    "get_users": "order_by refuses a descending (-) field and 'username'.",
    "get_dag_stats": (
        "dag_ids is one comma-separated value (repeated parameters keep the last); limit and "
        "offset are refused; nothing is paged."
    ),
    "get_providers": "limit and offset are ignored: every provider comes in one page.",
    "get_task_instance_tries": "limit, offset and order_by are ignored: every try comes back.",
    "get_mapped_task_instance_tries": "limit, offset and order_by are ignored.",
    "patch_task_instance": "With dry_run false the answer is {}: the client fills in the ids.",
    "patch_mapped_task_instance": "new_state is required; with dry_run false the answer is {}.",
    "get_task_instances_batch": "duration_gte/lte are read as integers (the fraction is cut).",
    "get_task_instances": "maximum_page_limit is not applied; order_by is refused.",
    "get_dataset_queued_events": "An empty queue answers 404: the client returns [].",
    "get_dag_dataset_queued_events": "An empty queue answers 404: the client returns [].",
    "get_datasets": "total_entries counts every dataset, whatever the filters.",
    "test_connection": "connection_id is required in the body: the client sends a placeholder.",
    "post_connection": (
        "Ids with '/', spaces or '+' get 400; a non-ASCII id passes validation and then "
        "fails with a 500 HTML page."
    ),
    "get_log": (
        "The JSON form's content is a Python repr of (host, text) tuples: parsed with "
        "ast.literal_eval, raw text kept when it is anything else."
    ),
    "reparse_dag_file": "Answers 201 with an empty text/html body.",
    "*": (
        "A %2F in a path parameter is decoded before routing: routes declared without a path "
        "converter (pools, connections, users, …) answer 404, never another endpoint. Naive "
        "date-time query values get 400."
    ),
}


def apply_corrections(spec: Spec) -> Spec:
    """Return a deep copy of ``spec`` with every correction in :data:`CORRECTIONS` applied."""
    corrected = copy.deepcopy(spec)
    for correction in CORRECTIONS:
        correction.apply(corrected)
    return corrected
