"""``client.dag_parsing``: asking the server to parse a DAG file again."""

from __future__ import annotations

from .._http import build_path
from ._base import Resource

__all__ = ["DagParsingResource"]


class DagParsingResource(Resource):
    """Reparse requests for DAG files."""

    async def reparse(self, file_token: str) -> None:
        """Ask the DAG processor to parse a DAG file again, ahead of its usual interval.

        ``PUT /parseDagFile/{file_token}``

        The server only records the request (answering 201 with an empty body); the
        file is parsed on the processor's next loop.

        Args:
            file_token: The file's token, from :attr:`DAG.file_token` (e.g.
                ``(await client.dags.get(dag_id)).file_token``).

        Raises:
            NotFoundError: The token names no DAG file.
        """
        path = build_path("/parseDagFile/{file_token}", file_token=file_token)
        await self._http.request_empty("PUT", path)
