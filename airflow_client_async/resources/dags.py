"""``client.dags``: the DAG tag of both APIs."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, TypedDict

import attrs

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import DAG, DAGCollection, DAGDetail, DagRunState, DAGTagCollection
from ._base import DateTimeFilter, OrderBy, Resource, checked_filters

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["DagFilters", "DagListFilters", "DagsResource", "with_identity"]

_DAG = "/dags/{dag_id}"

# Airflow 2 spells exclude_stale as only_active: the same meaning and the same values
# (True leaves out the DAGs whose file is gone), and the same default, True.
_EXCLUDE_STALE = {"exclude_stale": "only_active"}


class DagFilters(TypedDict, total=False):
    """Which DAGs a list or a bulk update applies to.

    Keys:
        tags: DAGs with any of these tags (all of them with ``tags_match_mode="all"``).
        tags_match_mode: ``"any"`` (the default) or ``"all"``. Airflow 3 only.
        owners: DAGs owned by any of these. Airflow 3 only.
        dag_id_pattern: DAGs whose id contains this, case-insensitively (SQL ``ILIKE``,
            ``%`` and ``_`` as wildcards; ``"%"`` or ``"~"`` matches every DAG).
        dag_id_prefix_pattern: DAGs whose id starts with this. Airflow 3 only.
        exclude_stale: Leave out DAGs whose file is gone (the default, ``True``; Airflow 2
            calls it ``only_active``).
        paused: Only paused (``True``) or unpaused (``False``) DAGs. On a bulk update,
            Airflow 3 only.
    """

    tags: Sequence[str]
    tags_match_mode: Literal["any", "all"]
    owners: Sequence[str]
    dag_id_pattern: str
    dag_id_prefix_pattern: str
    exclude_stale: bool
    paused: bool


class DagListFilters(DagFilters, total=False):
    """The filters of :meth:`DagsResource.list`: :class:`DagFilters` and these.

    Every key below is Airflow 3 only.

    Keys:
        dag_display_name_pattern: DAGs whose display name contains this (``ILIKE``).
        dag_display_name_prefix_pattern: DAGs whose display name starts with this.
        has_import_errors: DAGs whose file fails (``True``) or does not (``False``).
        last_dag_run_state: DAGs whose latest run is in this state.
        bundle_name: DAGs of this bundle.
        bundle_version: DAGs of this bundle version.
        has_asset_schedule: DAGs scheduled on assets (``True``) or not (``False``).
        asset_dependency: DAGs depending on an asset whose name or URI contains this.
        dag_run_start_date_gte: DAGs with a run started at or after this time.
        dag_run_start_date_gt: DAGs with a run started after this time.
        dag_run_start_date_lte: DAGs with a run started at or before this time.
        dag_run_start_date_lt: DAGs with a run started before this time.
        dag_run_end_date_gte: DAGs with a run ended at or after this time.
        dag_run_end_date_gt: DAGs with a run ended after this time.
        dag_run_end_date_lte: DAGs with a run ended at or before this time.
        dag_run_end_date_lt: DAGs with a run ended before this time.
        dag_run_state: DAGs with a run in any of these states.
        is_favorite: DAGs the caller marked as favourite (``True``) or not (``False``).
        timetable_type: DAGs whose timetable is any of these classes (e.g.
            ``"airflow.timetables.simple.NullTimetable"``).
    """

    dag_display_name_pattern: str
    dag_display_name_prefix_pattern: str
    has_import_errors: bool
    last_dag_run_state: DagRunState | str
    bundle_name: str
    bundle_version: str
    has_asset_schedule: bool
    asset_dependency: str
    dag_run_start_date_gte: DateTimeFilter
    dag_run_start_date_gt: DateTimeFilter
    dag_run_start_date_lte: DateTimeFilter
    dag_run_start_date_lt: DateTimeFilter
    dag_run_end_date_gte: DateTimeFilter
    dag_run_end_date_gt: DateTimeFilter
    dag_run_end_date_lte: DateTimeFilter
    dag_run_end_date_lt: DateTimeFilter
    dag_run_state: Sequence[DagRunState | str]
    is_favorite: bool
    timetable_type: Sequence[str]


def with_identity(fields: Sequence[str] | None, *identity: str) -> list[str] | None:
    """``fields`` with the identity fields added (in front) when a partial object is asked.

    Airflow 2 returns only the fields named in ``fields=``; the fields that identify the
    object are added so that every object can still be told apart and fetched again.
    """
    if fields is None:
        return None
    if isinstance(fields, str):
        raise TypeError("fields must be a sequence of field names, not a string")
    return [*identity, *(name for name in fields if name not in identity)]


class DagsResource(Resource):
    """DAGs: list, get, details, update (pause and unpause), delete, favourites, tags."""

    namespace = "dags"

    _list = Routes(
        v1=Route("GET", "/dags", "get_dags", params=_EXCLUDE_STALE),
        # Airflow 3 always answers whole DAGs.
        v2=Route("GET", "/dags", "get_dags", unneeded={"fields"}),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        fields: Sequence[str] | None = None,
        **filters: Unpack[DagListFilters],
    ) -> AsyncPaginator[DAG]:
        """List DAGs: await for one page, ``async for`` for every DAG.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse (Airflow 2: one field).
            fields: Airflow 2: return only these fields of each DAG (``dag_id`` is always
                added). Airflow 3 always returns whole DAGs, so it is not sent there.
            **filters: Which DAGs to list: see :class:`DagListFilters`.

        Returns:
            A paginator of :class:`DAG`.

        Raises:
            TypeError: A filter that is not a :class:`DagListFilters` key.
            UnsupportedByServerError: Airflow 2 was given a filter only Airflow 3 has
                (nothing was sent).
        """
        query = {
            **checked_filters(filters, DagListFilters),
            "order_by": order_by,
            "fields": with_identity(fields, "dag_id", "file_token"),
        }
        return self._paginate(
            self._list, DAGCollection, lambda c: c.dags, query=query, offset=offset, limit=limit
        )

    _get = Routes(
        v1=Route("GET", _DAG, "get_dag"),
        v2=Route("GET", _DAG, "get_dag", unneeded={"fields"}),
    )

    async def get(self, dag_id: str, *, fields: Sequence[str] | None = None) -> DAG:
        """Get one DAG.

        Args:
            dag_id: The DAG id.
            fields: Airflow 2: return only these fields (``dag_id`` is always added).
                Airflow 3 always returns the whole DAG.

        Raises:
            NotFoundError: No such DAG.
        """
        query = {"fields": with_identity(fields, "dag_id", "file_token")}
        sent = await self._send(self._get, path={"dag_id": dag_id}, query=query)
        return sent.model(DAG)

    _get_details = Routes(
        v1=Route("GET", _DAG + "/details", "get_dag_details"),
        v2=Route("GET", _DAG + "/details", "get_dag_details", unneeded={"fields"}),
    )

    async def get_details(self, dag_id: str, *, fields: Sequence[str] | None = None) -> DAGDetail:
        """Get a DAG with the details its file declares (schedule, params, owners, …).

        Args:
            dag_id: The DAG id.
            fields: Airflow 2: return only these fields (``dag_id`` is always added).
                Airflow 3 always returns every detail.

        Raises:
            NotFoundError: No such DAG.
        """
        query = {"fields": with_identity(fields, "dag_id", "file_token")}
        sent = await self._send(self._get_details, path={"dag_id": dag_id}, query=query)
        return sent.model(DAGDetail)

    _update = Routes.both("PATCH", _DAG, "patch_dag")

    async def update(self, dag_id: str, *, is_paused: Missing[bool] = UNSET) -> DAG:
        """Update a DAG; only the fields given are sent, named in ``update_mask``.

        Args:
            dag_id: The DAG id.
            is_paused: Pause (``True``) or unpause (``False``) the DAG.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such DAG.
        """
        sent = await self._send(
            self._update, path={"dag_id": dag_id}, update={"is_paused": is_paused}
        )
        return sent.model(DAG)

    async def pause(self, dag_id: str) -> DAG:
        """Pause a DAG: ``update(dag_id, is_paused=True)``."""
        return await self.update(dag_id, is_paused=True)

    async def unpause(self, dag_id: str) -> DAG:
        """Unpause a DAG: ``update(dag_id, is_paused=False)``."""
        return await self.update(dag_id, is_paused=False)

    _update_many = Routes(
        v1=Route("PATCH", "/dags", "patch_dags", params=_EXCLUDE_STALE),
        v2=Route("PATCH", "/dags", "patch_dags"),
    )

    async def update_many(
        self, *, is_paused: bool, **filters: Unpack[DagFilters]
    ) -> builtins.list[DAG]:
        """Pause or unpause every DAG the filters select, and return them.

        Airflow 2 updates one page of DAGs per request, so this sends one request per
        page. Airflow 3 updates every match with one request but answers with one page
        of them; when there are more, they are read with :meth:`list` (before the update
        when ``paused`` selects DAGs the update takes out of that selection).

        Args:
            is_paused: The new paused state.
            **filters: Which DAGs: see :class:`DagFilters`. ``dag_id_pattern`` (``"%"``
                for every DAG) or ``dag_id_prefix_pattern`` is required, as both servers
                select nothing without one.

        Returns:
            The updated DAGs.

        Raises:
            ValueError: Neither pattern was given.
            UnsupportedByServerError: Airflow 2 was given a filter only Airflow 3 has.
        """
        chosen = checked_filters(filters, DagFilters)
        if chosen.get("dag_id_pattern") is None and chosen.get("dag_id_prefix_pattern") is None:
            raise ValueError("give dag_id_pattern ('%' for every DAG) or dag_id_prefix_pattern")
        change = {"is_paused": is_paused}
        _, api_version = await self._route(self._update_many)
        if api_version == "v1":
            updated: builtins.list[DAG] = []
            while True:
                query = {**chosen, "offset": len(updated) or None}
                page = (await self._send(self._update_many, query=query, update=change)).model(
                    DAGCollection
                )
                updated.extend(page.dags or [])
                total = page.total_entries
                if not page.dags or total is None or len(updated) >= total:
                    return updated
        leaving = chosen.get("paused") not in (None, is_paused)
        # Afterwards no DAG matches a paused filter the update contradicts: read them first.
        before = [dag async for dag in self.list(**filters)] if leaving else None
        page = (await self._send(self._update_many, query=chosen, update=change)).model(
            DAGCollection
        )
        dags = page.dags or []
        if page.total_entries is None or page.total_entries <= len(dags):
            return dags
        if before is not None:
            # The server applied the new state to each of them.
            return [attrs.evolve(dag, is_paused=is_paused) for dag in before]
        return [dag async for dag in self.list(**filters)]

    _delete = Routes.both("DELETE", _DAG, "delete_dag")

    async def delete(self, dag_id: str) -> None:
        """Delete a DAG and all its metadata (runs, task instances, …).

        The DAG comes back when its file is parsed again, unless the file is gone.

        Raises:
            NotFoundError: No such DAG.
            ConflictError: The DAG has running task instances.
        """
        await self._send(self._delete, path={"dag_id": dag_id})

    _favorite = Routes(v2=Route("POST", _DAG + "/favorite", "favorite_dag"))

    async def favorite(self, dag_id: str) -> None:
        """Mark a DAG as a favourite of the calling user. Airflow 3.1 and later.

        Raises:
            NotFoundError: No such DAG.
            UnsupportedByServerError: The server is Airflow 2 or 3.0.
        """
        await self._send(self._favorite, path={"dag_id": dag_id})

    _unfavorite = Routes(v2=Route("POST", _DAG + "/unfavorite", "unfavorite_dag"))

    async def unfavorite(self, dag_id: str) -> None:
        """Remove a DAG from the calling user's favourites. Airflow 3.1 and later.

        Raises:
            NotFoundError: No such DAG.
            ConflictError: The DAG is not a favourite.
            UnsupportedByServerError: The server is Airflow 2 or 3.0.
        """
        await self._send(self._unfavorite, path={"dag_id": dag_id})

    _list_tags = Routes(v2=Route("GET", "/dagTags", "get_dag_tags"))

    def list_tags(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        tag_name_pattern: str | None = None,
        tag_name_prefix_pattern: str | None = None,
    ) -> AsyncPaginator[str]:
        """List the tag names the DAGs carry, each once. Airflow 3 only.

        Args:
            limit: Page size.
            offset: Where to start.
            order_by: ``"name"`` (the default) or ``"-name"``.
            tag_name_pattern: Tags containing this, case-insensitively (``ILIKE``).
            tag_name_prefix_pattern: Tags starting with this.

        Returns:
            A paginator of tag names.

        Raises:
            UnsupportedByServerError: The server is Airflow 2 (raised when the paginator
                is first awaited or iterated).
        """
        query = {
            "order_by": order_by,
            "tag_name_pattern": tag_name_pattern,
            "tag_name_prefix_pattern": tag_name_prefix_pattern,
        }
        return self._paginate(
            self._list_tags,
            DAGTagCollection,
            lambda c: c.tags,
            query=query,
            offset=offset,
            limit=limit,
        )
