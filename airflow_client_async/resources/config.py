"""``client.config``: the Config tag of the API."""

from __future__ import annotations

from .._errors import ResponseValidationError, request_path
from .._http import build_path, decode_model, query_params
from ..models import Config
from ._base import Resource

__all__ = ["ConfigResource"]


class ConfigResource(Resource):
    """The server's configuration, as JSON, as ``airflow.cfg`` text, or one option at a time.

    The server answers 403 unless ``[webserver] expose_config`` is on; sensitive options
    (connection strings, keys) come back as ``"< hidden >"``.
    """

    async def get(self, *, section: str | None = None) -> Config:
        """Get the configuration, section by section.

        ``GET /config``

        Args:
            section: Only this section (e.g. ``"core"``).

        Raises:
            NotFoundError: No such section.
            PermissionDeniedError: The server does not expose its configuration.
        """
        return await self._http.request_model(
            "GET", "/config", Config, params=query_params(section=section)
        )

    async def get_text(self, *, section: str | None = None) -> str:
        """Get the configuration as ``airflow.cfg``-style text (``[section]``, ``key = value``).

        ``GET /config`` (``Accept: text/plain``)

        Args:
            section: Only this section.

        Raises:
            NotFoundError: No such section.
            PermissionDeniedError: The server does not expose its configuration.
        """
        return await self._http.request_text("GET", "/config", params=query_params(section=section))

    async def get_value(self, section: str, option: str) -> str | None:
        """Get the value of one option.

        ``GET /config/section/{section}/option/{option}``

        Args:
            section: The section (e.g. ``"core"``).
            option: The option (e.g. ``"executor"``).

        Returns:
            The value, as the text the server holds (``"< hidden >"`` for sensitive ones).

        Raises:
            NotFoundError: No such section or option.
            PermissionDeniedError: The server does not expose its configuration.
            ResponseValidationError: The answer does not hold the option asked for.
        """
        path = build_path(
            "/config/section/{section}/option/{option}", section=section, option=option
        )
        response = await self._http.request("GET", path)
        config = decode_model(response, Config)
        for found in config.sections or []:
            if found.name != section:
                continue
            for entry in found.options or []:
                if entry.key == option:
                    return entry.value
        raise ResponseValidationError(
            f"GET {request_path(response.request)}: the answer holds no option "
            f"[{section}] {option}",
            response=response,
            body=response.content,
            expected="Config",
        )
