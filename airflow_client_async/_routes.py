"""Each operation's route on Airflow 2's ``/api/v1`` and Airflow 3's ``/api/v2``, as data.

A namespace method is written once. What differs between the two APIs (the path, the
operationId, a query parameter's name, how a list is encoded, a body key, the name the
``update_mask`` uses) is declared beside the method in a :class:`Routes` pair, and the
request pipeline applies it; methods do not test the version themselves except where the
two APIs disagree on meaning rather than on spelling.

A :class:`Routes` is a class attribute of its namespace, named after the method it serves
(``_get`` for ``get``; ``_get__mapped`` for a second route of ``get``), so that the error
for a route the server lacks can name the public method, and the README's API table can
list each method with its v1 and v2 routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final, Literal

import anyio
import attrs

if TYPE_CHECKING:
    from ._auth import TokenExchangeAuth

__all__ = [
    "API_PREFIXES",
    "ApiVersion",
    "Route",
    "Routes",
    "ServerState",
    "ServerVersion",
    "parse_release",
]

#: The two REST APIs: ``"v1"`` (Airflow 2.x) and ``"v2"`` (Airflow 3.x).
ApiVersion = Literal["v1", "v2"]

#: Where each API lives under the server's root.
API_PREFIXES: Final[Mapping[ApiVersion, str]] = {"v1": "/api/v1", "v2": "/api/v2"}

#: Where a route lives: the core API (``/api/v1`` or ``/api/v2``), or the FAB auth
#: manager's API of Airflow 3 (``/auth/fab/v1``, for users, roles and permissions).
RouteBase = Literal["api", "fab"]

_FAB_PREFIX = "/auth/fab/v1"
_PLACEHOLDER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")
_RELEASE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def parse_release(text: str) -> tuple[int, int, int] | None:
    """Return ``(major, minor, patch)`` of an Airflow release string such as ``"3.3.2"``.

    Suffixes (``"3.1.0rc1"``, ``"2.11.2+astro.1"``) are ignored; ``None`` if the text does
    not start with a version.
    """
    match = _RELEASE.match(text.strip())
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3] or 0)


@attrs.frozen(kw_only=True)
class ServerVersion:
    """Which Airflow a client talks to.

    Attributes:
        api_version: ``"v1"`` (Airflow 2.x, ``/api/v1``) or ``"v2"`` (Airflow 3.x).
        release: The release the server reports, e.g. ``"3.3.2"``; ``None`` when the
            server did not say (the version was fixed by the caller and not asked for).
        git_version: The server's build identifier, when it reports one.
    """

    api_version: ApiVersion
    release: str | None = None
    git_version: str | None = attrs.field(default=None, repr=False)

    @property
    def version_info(self) -> tuple[int, int, int] | None:
        """``(major, minor, patch)`` of :attr:`release`, or ``None`` when unknown."""
        return parse_release(self.release) if self.release else None

    @property
    def minor(self) -> tuple[int, int] | None:
        """``(major, minor)`` of :attr:`release`: the 3.x API grows with each minor."""
        info = self.version_info
        return info[:2] if info else None

    def __str__(self) -> str:
        release = f"Airflow {self.release}" if self.release else "Airflow"
        return f"{release} (/api/{self.api_version})"


@attrs.define(kw_only=True)
class ServerState:
    """What a client knows about its server, shared by every copy ``with_options`` makes.

    Attributes:
        fixed_api_version: The API the caller fixed (``api_version=`` or a base URL ending
            in ``/api/v1`` or ``/api/v2``); ``None`` to detect it.
        version: The server's version once known.
        token_auth: Airflow 3's token, exchanged for the client's basic credentials.
        lock: Held while the version is asked for, so concurrent first calls share one probe.
    """

    fixed_api_version: ApiVersion | None = None
    version: ServerVersion | None = None
    token_auth: TokenExchangeAuth | None = None
    lock: anyio.Lock | None = attrs.field(default=None, repr=False)


def _frozen_map(value: Mapping[str, str | None]) -> Mapping[str, str | None]:
    return dict(value)


def _no_map() -> dict[str, str | None]:
    return {}


def _no_minors() -> dict[str, tuple[int, int]]:
    return {}


def _frozen_minors(value: Mapping[str, tuple[int, int]]) -> Mapping[str, tuple[int, int]]:
    return dict(value)


def _no_names() -> frozenset[str]:
    return frozenset()


def _frozen_set(value: Iterable[str]) -> frozenset[str]:
    # A typed converter: with the bare ``frozenset`` type checkers cannot tell what the
    # attribute takes, and refuse every argument.
    return frozenset(value)


@attrs.frozen
class Route:
    """One operation's route on one API version.

    Attributes:
        method: The HTTP method.
        path: The path template below the API root, e.g. ``"/pools/{pool_name}"``; each
            ``{name}`` is filled with one percent-encoded segment.
        operation_id: The spec's operationId; ``None`` for a route a convenience method
            builds on another operation.
        base: ``"api"`` (the core API) or ``"fab"`` (Airflow 3's FAB auth manager API).
        params: Query parameters whose name on this version differs from the method's
            keyword (keyword → wire name), or that this version lacks (keyword → ``None``):
            a lacking one given a value is refused before any I/O.
        comma: Query parameters this version reads as one comma-separated value rather
            than as a repeated key.
        body: Body fields renamed (field → wire key) or lacking (field → ``None``), as
            for ``params``.
        mask: ``update_mask`` names that differ from the body field's name.
        unneeded: Parameters this version does not take although its answer already does
            what they ask (``fields=`` on ``/api/v2``, which always sends whole objects):
            they are not sent.
        paged: Whether the route takes ``limit`` and ``offset``. When it does not, the
            server sends the whole list at once and the client pages through it itself.
        since: The first ``(major, minor)`` release that has the route, when later than
            the API's first release (and later than what the generated tables say).
        since_fields: Parameters, body fields or nested fields (under the method's keyword
            names) that a later release added to the route, with that release: given a
            value on an older server, they are refused before any I/O. The generated tables
            already know the top-level ones of ``/api/v2``; this names what they cannot see,
            such as a field inside each action of a bulk body.
    """

    method: str
    path: str
    operation_id: str | None = None
    base: RouteBase = attrs.field(default="api", kw_only=True)
    params: Mapping[str, str | None] = attrs.field(
        kw_only=True, factory=_no_map, converter=_frozen_map
    )
    comma: frozenset[str] = attrs.field(kw_only=True, factory=_no_names, converter=_frozen_set)
    body: Mapping[str, str | None] = attrs.field(
        kw_only=True, factory=_no_map, converter=_frozen_map
    )
    mask: Mapping[str, str | None] = attrs.field(
        kw_only=True, factory=_no_map, converter=_frozen_map
    )
    unneeded: frozenset[str] = attrs.field(kw_only=True, factory=_no_names, converter=_frozen_set)
    paged: bool = attrs.field(default=True, kw_only=True)
    since: tuple[int, int] | None = attrs.field(default=None, kw_only=True)
    since_fields: Mapping[str, tuple[int, int]] = attrs.field(
        kw_only=True, factory=_no_minors, converter=_frozen_minors
    )

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The names of the path's ``{placeholders}``, in order."""
        return tuple(_PLACEHOLDER.findall(self.path))

    def prefix(self, api_version: ApiVersion) -> str:
        """The path of the API root this route lives under, on ``api_version``."""
        return _FAB_PREFIX if self.base == "fab" else API_PREFIXES[api_version]

    def display(self, api_version: ApiVersion) -> str:
        """``"GET /api/v2/pools/{pool_name}"``: the route as the README shows it."""
        return f"{self.method} {self.prefix(api_version)}{self.path}"


@attrs.define(kw_only=True, eq=False)
class Routes:
    """An operation's routes on ``/api/v1`` and ``/api/v2``; ``None`` where there is none.

    Declared as a class attribute of a namespace, it learns the method it serves from its
    own attribute name (``_get`` serves ``get``; ``_get__mapped`` serves ``get`` too).

    Attributes:
        v1: The route on Airflow 2's ``/api/v1``, or ``None``.
        v2: The route on Airflow 3's ``/api/v2`` (or the FAB API), or ``None``.
        method_name: The public method, e.g. ``"pools.get"``; set when the class is built.
    """

    v1: Route | None = None
    v2: Route | None = None
    method_name: str = attrs.field(default="", init=False)

    @classmethod
    def both(cls, method: str, path: str, operation_id: str | None = None) -> Routes:
        """The same method, path and operationId on both APIs."""
        route = Route(method, path, operation_id)
        return cls(v1=route, v2=route)

    def __set_name__(self, owner: type, name: str) -> None:
        namespace = getattr(owner, "namespace", owner.__name__)
        method = name.lstrip("_").split("__", 1)[0]
        self.method_name = f"{namespace}.{method}"

    def for_version(self, api_version: ApiVersion) -> Route | None:
        """The route on ``api_version``, or ``None`` when that API has no such operation."""
        return self.v1 if api_version == "v1" else self.v2
