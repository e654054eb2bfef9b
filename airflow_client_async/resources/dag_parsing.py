"""``client.dag_parsing``: asking the server to parse a DAG file again."""

from __future__ import annotations

from .._routes import Routes
from ._base import Resource

__all__ = ["DagParsingResource"]


class DagParsingResource(Resource):
    """Ask the DAG processor to parse a DAG file again: reparse."""

    namespace = "dag_parsing"

    _reparse = Routes.both("PUT", "/parseDagFile/{file_token}", "reparse_dag_file")

    async def reparse(self, file_token: str) -> None:
        """Ask the DAG processor to parse a DAG file again, ahead of its usual interval.

        The server only records the request (answering 201 with an empty body); the
        file is parsed on the processor's next loop.

        Args:
            file_token: The file's token, from :attr:`DAG.file_token` (e.g.
                ``(await client.dags.get(dag_id)).file_token``).

        Raises:
            NotFoundError: The token names no DAG file.
        """
        await self._send(self._reparse, path={"file_token": file_token})
