"""Every type the client's methods take or return, for annotating your own code.

The package exports the client, its exceptions and the values most code meets
(:class:`~airflow_client_async.Page`, :class:`~airflow_client_async.AsyncPaginator`,
:class:`~airflow_client_async.RawResponse`, :class:`~airflow_client_async.BulkResult`, the
fan-out's :class:`~airflow_client_async.RunOk` and :class:`~airflow_client_async.RunError`, …);
:mod:`airflow_client_async.models` has the server's objects. This module has the rest, each
under the name the methods' signatures use::

    from airflow_client_async.types import DagRunListFilters, PoolEntity, TaskLog

    async def failed_runs(client: AsyncClient, **filters: Unpack[DagRunListFilters]) -> ...

Importing it imports the namespaces' modules (the package itself imports them on first
use); for annotations alone, import it under ``if TYPE_CHECKING:``.

Namespaces:
    The class of each ``client.<namespace>``, e.g. :class:`DagsResource` for
    ``client.dags``.

Filters and bulk entities (``TypedDict``):
    :class:`DagFilters`, :class:`DagListFilters`, :class:`DagRunFilters`,
    :class:`DagRunListFilters`, :class:`DagRunBulkUpdate`, :class:`TaskInstanceFilters`,
    :class:`TaskInstanceKey`, :class:`TaskInstanceChange`, :class:`XComFilters`,
    :class:`PoolEntity`, :class:`VariableEntity`, :class:`ConnectionEntity`, and the
    date and duration bounds the filters share: :class:`RunRanges` (of
    :class:`RunDateRanges` and :class:`DurationRanges`), :class:`UpdatedAtRanges`.

Values:
    :class:`TaskLog` and :class:`TaskLogEvent`, what ``task_instances.get_log`` returns.

Aliases:
    :data:`OrderBy`, :data:`DateTimeFilter`, :data:`ConnectionExtra`,
    :data:`ActionResourceInput`, :data:`BulkAction`, :data:`OnExistence`,
    :data:`OnNonExistence`, :data:`AuthTypes`, :data:`VerifyTypes`, :data:`CertTypes`.
"""

from ._auth import AuthTypes
from ._bulk import BulkAction, OnExistence, OnNonExistence
from ._transports import CertTypes, VerifyTypes
from .resources._base import DateTimeFilter, OrderBy
from .resources._ranges import DurationRanges, RunDateRanges, RunRanges, UpdatedAtRanges
from .resources.asset_state_store import AssetStateStoreResource
from .resources.assets import AssetsResource
from .resources.backfills import BackfillsResource
from .resources.config import ConfigResource
from .resources.connections import ConnectionEntity, ConnectionExtra, ConnectionsResource
from .resources.dag_parsing import DagParsingResource
from .resources.dag_runs import (
    DagRunBulkUpdate,
    DagRunFilters,
    DagRunListFilters,
    DagRunsResource,
)
from .resources.dag_sources import DagSourcesResource
from .resources.dag_stats import DagStatsResource
from .resources.dag_versions import DagVersionsResource
from .resources.dag_warnings import DagWarningsResource
from .resources.dags import DagFilters, DagListFilters, DagsResource
from .resources.event_logs import EventLogsResource
from .resources.hitl_details import HITLDetailsResource
from .resources.import_errors import ImportErrorsResource
from .resources.jobs import JobsResource
from .resources.monitoring import MonitoringResource
from .resources.permissions import PermissionsResource
from .resources.plugins import PluginsResource
from .resources.pools import PoolEntity, PoolsResource
from .resources.providers import ProvidersResource
from .resources.roles import ActionResourceInput, RolesResource
from .resources.task_instances import (
    TaskInstanceChange,
    TaskInstanceFilters,
    TaskInstanceKey,
    TaskInstancesResource,
    TaskLog,
    TaskLogEvent,
)
from .resources.task_state_store import TaskStateStoreResource
from .resources.tasks import TasksResource
from .resources.users import UsersResource
from .resources.variables import VariableEntity, VariablesResource
from .resources.xcom_entries import XComEntriesResource, XComFilters

__all__ = [
    "ActionResourceInput",
    "AssetsResource",
    "AssetStateStoreResource",
    "AuthTypes",
    "BackfillsResource",
    "BulkAction",
    "CertTypes",
    "ConfigResource",
    "ConnectionEntity",
    "ConnectionExtra",
    "ConnectionsResource",
    "DagFilters",
    "DagListFilters",
    "DagParsingResource",
    "DagRunBulkUpdate",
    "DagRunFilters",
    "DagRunListFilters",
    "DagRunsResource",
    "DagSourcesResource",
    "DagsResource",
    "DagStatsResource",
    "DagVersionsResource",
    "DagWarningsResource",
    "DateTimeFilter",
    "DurationRanges",
    "EventLogsResource",
    "HITLDetailsResource",
    "ImportErrorsResource",
    "JobsResource",
    "MonitoringResource",
    "OnExistence",
    "OnNonExistence",
    "OrderBy",
    "PermissionsResource",
    "PluginsResource",
    "PoolEntity",
    "PoolsResource",
    "ProvidersResource",
    "RolesResource",
    "RunDateRanges",
    "RunRanges",
    "TaskInstanceChange",
    "TaskInstanceFilters",
    "TaskInstanceKey",
    "TaskInstancesResource",
    "TaskLog",
    "TaskLogEvent",
    "TasksResource",
    "TaskStateStoreResource",
    "UpdatedAtRanges",
    "UsersResource",
    "VariableEntity",
    "VariablesResource",
    "VerifyTypes",
    "XComEntriesResource",
    "XComFilters",
]
