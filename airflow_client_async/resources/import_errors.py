"""``client.import_errors``: the Import Error tag of both APIs."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Routes

# The model is named after the spec's schema; aliased so the builtin stays usable here.
from ..models import DagImportError, DagImportErrorCollection
from ._base import OrderBy, Resource

__all__ = ["ImportErrorsResource"]


class ImportErrorsResource(Resource):
    """Errors met while parsing DAG files: list, get."""

    namespace = "import_errors"

    _list = Routes.both("GET", "/importErrors", "get_import_errors")

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        filename: str | None = None,
        filename_pattern: str | None = None,
        filename_prefix_pattern: str | None = None,
        bundle_name: str | None = None,
    ) -> AsyncPaginator[DagImportError]:
        """List DAG import errors: await for one page, ``async for`` for every error.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse (e.g. ``"-timestamp"``;
                Airflow 2: one field).
            filename: Only the error of this file. Airflow 3 only, as are the filters
                below.
            filename_pattern: Only files whose path contains this (SQL ``ILIKE``).
            filename_prefix_pattern: Only files whose path starts with this.
            bundle_name: Only errors of this DAG bundle.

        Returns:
            A paginator of :class:`airflow_client_async.models.DagImportError`.

        Raises:
            UnsupportedByServerError: An Airflow 3 filter on Airflow 2.
        """
        query = {
            "order_by": order_by,
            "filename": filename,
            "filename_pattern": filename_pattern,
            "filename_prefix_pattern": filename_prefix_pattern,
            "bundle_name": bundle_name,
        }
        return self._paginate(
            self._list,
            DagImportErrorCollection,
            lambda c: c.import_errors,
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", "/importErrors/{import_error_id}", "get_import_error")

    async def get(self, import_error_id: int) -> DagImportError:
        """Get one import error, with its stack trace.

        Args:
            import_error_id: The error's id (``import_error_id`` of a listed error).

        Raises:
            NotFoundError: No such import error (the file was fixed or removed).
        """
        sent = await self._send(self._get, path={"import_error_id": import_error_id})
        return sent.model(DagImportError)
