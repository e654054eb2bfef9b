"""``client.import_errors``: the ImportError tag of the API."""

from __future__ import annotations

from .._http import build_path, query_params
from .._pagination import AsyncPaginator

# The model is named after the spec's schema; aliased so the builtin stays usable here.
from ..models import ImportError as DagImportError
from ..models import ImportErrorCollection
from ._base import Resource

__all__ = ["ImportErrorsResource"]


class ImportErrorsResource(Resource):
    """Errors met while parsing DAG files: list, get."""

    def list(
        self, *, limit: int | None = None, offset: int = 0, order_by: str | None = None
    ) -> AsyncPaginator[DagImportError]:
        """List DAG import errors: await for one page, ``async for`` for every error.

        ``GET /importErrors``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: A field to sort by, ``-`` in front to reverse (e.g. ``"-timestamp"``).

        Returns:
            A paginator of :class:`airflow_client_async.models.ImportError`.
        """
        return self._paginate(
            "/importErrors",
            ImportErrorCollection,
            lambda c: c.import_errors,
            params=query_params(order_by=order_by),
            offset=offset,
            limit=limit,
        )

    async def get(self, import_error_id: int) -> DagImportError:
        """Get one import error, with its stack trace.

        ``GET /importErrors/{import_error_id}``

        Args:
            import_error_id: The error's id (``import_error_id`` of a listed error).

        Raises:
            NotFoundError: No such import error (the file was fixed or removed).
        """
        path = build_path("/importErrors/{import_error_id}", import_error_id=import_error_id)
        return await self._http.request_model("GET", path, DagImportError)
