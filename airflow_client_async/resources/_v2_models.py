"""Models of the ``/api/v2`` answers that have no ``/api/v1`` counterpart.

Written in the shape of the generated models (``@attrs.frozen`` classes on
:class:`~airflow_client_async.models._base.Model`, every field optional, unknown keys kept
in ``extra_fields``), so the package's converter decodes them the same way. The namespaces
that return them re-export them.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from .._types import JsonValue
from ..models import DatasetEvent, Job
from ..models._base import Model, StrEnum

__all__ = [
    "Backfill",
    "BackfillCollection",
    "ClearPartitionsResult",
    "DagSource",
    "DagTagCollection",
    "DagVersion",
    "DagVersionCollection",
    "DryRunBackfill",
    "DryRunBackfillCollection",
    "JobCollection",
    "ReprocessBehavior",
    "UpstreamEventCollection",
]


def _extra() -> dict[str, JsonValue]:
    return {}


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DagVersion(Model):
    """One version of a DAG: the code it was parsed from, in a bundle (Airflow 3)."""

    id: str | None = None
    """The version's UUID."""
    version_number: int | None = None
    """Counts the DAG's versions from 1."""
    dag_id: str | None = None
    bundle_name: str | None = None
    bundle_version: str | None = None
    created_at: datetime.datetime | None = None
    dag_display_name: str | None = None
    bundle_url: str | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)
    """JSON keys the model does not declare, kept as decoded."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DagVersionCollection(Model):
    """A page of DAG versions."""

    dag_versions: list[DagVersion] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)


class ReprocessBehavior(StrEnum):
    """Which existing runs a backfill runs again."""

    FAILED = "failed"
    COMPLETED = "completed"
    NONE = "none"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class Backfill(Model):
    """A backfill: runs of a DAG over a range of logical dates (Airflow 3)."""

    id: int | None = None
    dag_id: str | None = None
    from_date: datetime.datetime | None = None
    to_date: datetime.datetime | None = None
    dag_run_conf: dict[str, Any] | None = None
    """The ``conf`` every run of the backfill gets."""
    is_paused: bool | None = None
    reprocess_behavior: ReprocessBehavior | str | None = None
    max_active_runs: int | None = None
    created_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None
    """When it ended (finished or cancelled); ``None`` while it runs."""
    updated_at: datetime.datetime | None = None
    dag_display_name: str | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)
    """JSON keys the model does not declare, kept as decoded."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class BackfillCollection(Model):
    """A page of backfills."""

    backfills: list[Backfill] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DryRunBackfill(Model):
    """A run a backfill would create."""

    logical_date: datetime.datetime | None = None
    partition_key: str | None = None
    partition_date: datetime.datetime | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)
    """JSON keys the model does not declare, kept as decoded."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DryRunBackfillCollection(Model):
    """The runs a backfill would create."""

    backfills: list[DryRunBackfill] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class JobCollection(Model):
    """A page of jobs (schedulers, triggerers, DAG processors, …)."""

    jobs: list[Job] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DagTagCollection(Model):
    """A page of the tag names DAGs carry."""

    tags: list[str] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class ClearPartitionsResult(Model):
    """What clearing partitions of DAG runs changed, or would change."""

    dag_runs_cleared: int | None = None
    task_instances_cleared: int | None = None
    dry_run: bool | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)
    """JSON keys the model does not declare, kept as decoded."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class DagSource(Model):
    """The source code of a DAG's file.

    Airflow 2 answers with ``content`` alone; the client fills in ``dag_id`` from the
    request. Airflow 3 also tells which version of the DAG the code is.
    """

    content: str | None = None
    dag_id: str | None = None
    version_number: int | None = None
    """The DAG version the code belongs to (Airflow 3)."""
    dag_display_name: str | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)
    """JSON keys the model does not declare, kept as decoded."""


@attrs.frozen(kw_only=True, eq=False, repr=False)
class UpstreamEventCollection(Model):
    """The events that triggered a run: Airflow 2 lists ``dataset_events``, 3 ``asset_events``."""

    dataset_events: list[DatasetEvent] | None = None
    asset_events: list[DatasetEvent] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_extra, repr=False)
