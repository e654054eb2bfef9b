"""``client.dag_sources``: the source code of DAG files."""

from __future__ import annotations

from .._errors import ResponseValidationError, request_path
from .._http import build_path, decode_json
from ._base import Resource

__all__ = ["DagSourcesResource"]


class DagSourcesResource(Resource):
    """The source code of DAG files, by file token."""

    async def get(self, file_token: str) -> str:
        """Get the source code of a DAG file.

        ``GET /dagSources/{file_token}``

        Asks for the JSON form (``{"content": ...}``), whose encoding JSON fixes as UTF-8;
        the server's ``text/plain`` answer names no charset (see :meth:`get_text`).

        Args:
            file_token: The file's token, from :attr:`DAG.file_token` (e.g.
                ``(await client.dags.get(dag_id)).file_token``).

        Returns:
            The file's text.

        Raises:
            NotFoundError: The token names no DAG file.
        """
        path = build_path("/dagSources/{file_token}", file_token=file_token)
        response = await self._http.request("GET", path)
        data = decode_json(response)
        content = data.get("content") if isinstance(data, dict) else None
        if not isinstance(content, str):
            raise ResponseValidationError(
                f"GET {request_path(response.request)}: expected an object with a string 'content'",
                response=response,
                body=response.content,
                expected="DAG source",
            )
        return content

    async def get_text(self, file_token: str) -> str:
        """Get the source code of a DAG file in its ``text/plain`` form.

        ``GET /dagSources/{file_token}`` (``Accept: text/plain``)

        The same text as :meth:`get`. The server names no charset, so the body is
        decoded with the httpx client's default encoding (UTF-8 unless configured).

        Raises:
            NotFoundError: The token names no DAG file.
        """
        path = build_path("/dagSources/{file_token}", file_token=file_token)
        return await self._http.request_text("GET", path)
