"""Parameters an Airflow 3 minor added after the operation that takes them.

``Route.since`` refuses a whole operation a server's minor lacks. Some operations gained a
parameter later, and an older server either refuses it loudly (a 422) or, worse, ignores
it; :func:`check_since` refuses it before any I/O instead.
"""

from __future__ import annotations

from .._errors import UnsupportedByServerError
from .._routes import ServerVersion

__all__ = ["check_since"]


def check_since(server: ServerVersion, method: str, parameter: str, since: tuple[int, int]) -> None:
    """Refuse ``parameter`` of ``method`` when ``server`` is an Airflow 3 older than ``since``.

    Raises:
        UnsupportedByServerError: The server runs a 3.x minor before ``since``.
    """
    minor = server.minor
    if server.api_version != "v2" or minor is None or minor >= since:
        return
    raise UnsupportedByServerError(
        f"{method}: {server} does not take {parameter}, which needs Airflow "
        f"{since[0]}.{since[1]} or later",
        method=method,
        server=server,
        parameter=parameter,
        since=since,
    )
