"""``client.config``: the Config tag of both APIs."""

from __future__ import annotations

from .._converter import structure
from .._http import invalid_response
from .._routes import Route, Routes
from .._types import JsonValue
from ..models import Config
from ._base import Resource, Sent

__all__ = ["ConfigResource"]


def _flat_option(option: JsonValue) -> JsonValue:
    """An option whose value is ``[value, source]`` as one with ``value`` and ``source``.

    Airflow 3's spec lets an option's value be a pair of its value and where it was set
    (servers asked to show sources send that); the value stays a string either way.
    """
    if not isinstance(option, dict):
        return option
    value = option.get("value")
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return {**option, "value": value[0], "source": value[1]}
    return option


def _flat_section(section: JsonValue) -> JsonValue:
    if not isinstance(section, dict):
        return section
    options = section.get("options")
    if not isinstance(options, list):
        return section
    return {**section, "options": [_flat_option(option) for option in options]}


def _config(sent: Sent) -> Config:
    """Decode a ``Config`` answer, flattening ``[value, source]`` values."""
    data = sent.json()
    if isinstance(data, dict):
        sections = data.get("sections")
        if isinstance(sections, list):
            data = {**data, "sections": [_flat_section(section) for section in sections]}
    try:
        return structure(data, Config)
    except Exception as exc:
        raise invalid_response(
            sent.response, "Config", f"the body does not fit Config: {exc}"
        ) from exc


class ConfigResource(Resource):
    """The server's configuration, as JSON, as ``airflow.cfg`` text, or one option at a time.

    Airflow 2 answers 403 unless ``[webserver] expose_config`` is on, Airflow 3 unless
    ``[api] expose_config`` is; sensitive options (connection strings, keys) come back as
    ``"< hidden >"``.
    """

    namespace = "config"

    _get = Routes.both("GET", "/config", "get_config")

    async def get(self, *, section: str | None = None) -> Config:
        """Get the configuration, section by section.

        An option whose value the server sends as ``[value, source]`` (Airflow 3 allows
        it) gets the value as ``value`` and the source in ``extra_fields["source"]``.

        Args:
            section: Only this section (e.g. ``"core"``).

        Raises:
            NotFoundError: No such section.
            PermissionDeniedError: The server does not expose its configuration.
        """
        return _config(await self._read(section, "application/json"))

    _get_value = Routes(
        v1=Route("GET", "/config/section/{section}/option/{option}", "get_value"),
        v2=Route("GET", "/config/section/{section}/option/{option}", "get_config_value"),
    )

    async def get_value(self, section: str, option: str) -> str | None:
        """Get the value of one option.

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
        sent = await self._send(self._get_value, path={"section": section, "option": option})
        config = _config(sent)
        for found in config.sections or []:
            if found.name != section:
                continue
            for entry in found.options or []:
                if entry.key == option:
                    # A (value, source) pair when the server was asked for sources.
                    value = entry.value
                    return value[0] if isinstance(value, tuple) else value
        raise invalid_response(
            sent.response, "Config", f"the answer holds no option [{section}] {option}"
        )

    async def _read(self, section: str | None, accept: str) -> Sent:
        return await self._send(self._get, query={"section": section}, accept=accept)

    async def get_text(self, *, section: str | None = None) -> str:
        """Get the configuration as ``airflow.cfg``-style text (``[section]``, ``key = value``).

        The operation of :meth:`get`, asked for ``text/plain``.

        Args:
            section: Only this section.

        Raises:
            NotFoundError: No such section.
            PermissionDeniedError: The server does not expose its configuration.
        """
        return (await self._read(section, "text/plain")).text()
