"""``client.dag_sources``: the source code of DAG files."""

from __future__ import annotations

from .._http import invalid_response
from .._routes import ApiVersion, Route, Routes
from ..models import DAG, DAGSource
from ._base import Resource, Sent
from .dags import DagsResource

__all__ = ["DagSourcesResource"]


class DagSourcesResource(Resource):
    """The source code of a DAG's file: get (JSON), get_text (plain text)."""

    namespace = "dag_sources"

    # Airflow 2 keys the source by the file's token (a DAG's file_token), Airflow 3 by
    # the DAG id and version.
    _get = Routes(
        v1=Route("GET", "/dagSources/{file_token}", "get_dag_source"),
        v2=Route("GET", "/dagSources/{dag_id}", "get_dag_source"),
    )

    async def get(self, dag_id: str, *, version_number: int | None = None) -> DAGSource:
        """Get the source code of a DAG's file.

        Asks for the JSON form, whose encoding JSON fixes as UTF-8 (the ``text/plain``
        answer names no charset, see :meth:`get_text`). On Airflow 2 this takes two
        requests: the DAG's ``file_token`` first, then the source.

        Args:
            dag_id: The DAG id.
            version_number: The DAG version (Airflow 3 only; default: the latest).

        Returns:
            The source, with ``content`` holding the file's text.

        Raises:
            NotFoundError: No such DAG (or version).
            UnsupportedByServerError: ``version_number`` on Airflow 2 (nothing was sent).
            ResponseValidationError: The answer holds no string ``content``.
        """
        sent, _ = await self._source(dag_id, version_number, "application/json")
        # Airflow 2 answers with the content alone; the DAG is the one asked for.
        source = sent.model(DAGSource, fill={"dag_id": dag_id})
        if not isinstance(source.content, str):
            raise invalid_response(
                sent.response, "DAGSource", "expected an object with a string 'content'"
            )
        return source

    async def get_text(self, dag_id: str, *, version_number: int | None = None) -> str:
        """Get the source code of a DAG's file in its ``text/plain`` form.

        The same text as :meth:`get`'s ``content``. The server names no charset, so the
        body is decoded with the httpx client's default encoding (UTF-8 unless
        configured). On Airflow 2 this takes two requests, as :meth:`get` does.

        Raises:
            NotFoundError: No such DAG (or version).
            UnsupportedByServerError: ``version_number`` on Airflow 2 (nothing was sent).
        """
        sent, _ = await self._source(dag_id, version_number, "text/plain")
        return sent.text()

    async def _source(
        self, dag_id: str, version_number: int | None, accept: str
    ) -> tuple[Sent, ApiVersion]:
        _, api_version = await self._route(self._get)
        if api_version == "v2":
            query = {"version_number": version_number}
            sent = await self._send(self._get, path={"dag_id": dag_id}, query=query, accept=accept)
            return sent, api_version
        if version_number is not None:
            raise await self._unsupported(self._get, parameter="version_number")
        # The DAG's own route (dags.get), for the file token Airflow 2 keys sources by.
        dag_route = DagsResource._get  # pyright: ignore[reportPrivateUsage]
        found = await self._send(
            dag_route, path={"dag_id": dag_id}, query={"fields": ["dag_id", "file_token"]}
        )
        token = found.model(DAG).file_token
        if not token:
            raise invalid_response(found.response, "DAG", "the DAG has no file_token")
        sent = await self._send(self._get, path={"file_token": token}, accept=accept)
        return sent, api_version
