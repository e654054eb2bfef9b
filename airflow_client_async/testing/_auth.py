"""Who may call the fake: its users, Basic auth (Airflow 2), JWTs (Airflow 3), and roles.

:class:`AuthMixin` gives :class:`~._server.FakeServer` its authentication; the server keeps
the users and the secret its tokens are signed with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

import httpx

from ._dialect import Answer, Dialect
from ._reading import json_object

__all__ = ["AuthMixin", "User", "b64"]

#: Writes a Viewer may send: they only read.
_VIEWER_MAY_POST = frozenset({"get_dag_runs_batch", "get_task_instances_batch"})
#: Reads a Viewer may not do: connections hold secrets.
_ADMIN_READS = frozenset({"get_connections", "get_connection"})
#: Seconds a token from ``/auth/token`` stays valid.
_TOKEN_LIFETIME = 86400


class User:
    """A user of the fake server: a name, a password and a role (``Admin``, ``Viewer``)."""

    def __init__(self, username: str, password: str, role: str) -> None:
        self.username = username
        self.password = password
        self.role = role

    def __repr__(self) -> str:
        return f"User({self.username!r}, role={self.role!r})"


def b64(data: bytes) -> str:
    """``data`` in unpadded URL-safe base64, as JWTs and file tokens carry it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class AuthMixin:
    """Authentication and roles, for the server that holds ``users`` and ``_secret``."""

    dialect: Dialect
    users: dict[str, User]
    _secret: bytes

    def _authorize(self, user: User | None, operation_id: str, writes: bool) -> Answer | None:
        """The release's refusal when ``user``'s role may not call ``operation_id``, else None."""
        if user is None or user.role != "Viewer":
            return None
        if (writes and operation_id not in _VIEWER_MAY_POST) or operation_id in _ADMIN_READS:
            return self.dialect.error(403, "Forbidden")
        return None

    def _authenticate(
        self, request: httpx.Request, operation_id: str
    ) -> tuple[User | None, Answer | None]:
        dialect = self.dialect
        header = request.headers.get("authorization", "")
        if dialect.v2:
            if operation_id in ("get_version", "get_health"):
                return None, None
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None, dialect.error(401, "Not authenticated")
            claims = self._verify(token.strip())
            if claims is None:
                return None, dialect.error(403, "Invalid JWT token")
            if claims.get("exp", 0) < time.time():
                return None, dialect.error(401, "Token Expired")
            user = self.users.get(str(claims.get("sub")))
            if user is None:
                return None, dialect.error(403, "Invalid JWT token")
            return user, None
        if operation_id in ("get_health", "get_version"):
            # Airflow 2 serves these two to anyone, whatever credentials come along.
            return None, None
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                name, _, password = base64.b64decode(encoded).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                name, password = "", ""
            user = self.users.get(name)
            if user is not None and hmac.compare_digest(user.password, password):
                return user, None
        answer = dialect.error(401, None)
        return None, Answer(
            answer.status,
            answer.body,
            {**answer.headers, "www-authenticate": 'Basic realm="Authentication Required"'},
        )

    def _token(self, request: httpx.Request, body: bytes) -> Answer:
        dialect = self.dialect
        if request.method != "POST":
            return dialect.error(403, "Forbidden")
        content_type = request.headers.get("content-type", "")
        fields: dict[str, Any]
        try:
            if "json" in content_type:
                loaded = json.loads(body or b"{}")
                fields = json_object(loaded) or {}
            else:
                fields = dict(urllib.parse.parse_qsl(body.decode()))
        except ValueError:
            fields = {}
        username, password = fields.get("username"), fields.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return dialect.ok({"detail": "username and password are required"}, 422)
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(user.password, password):
            return dialect.error(401, "Invalid credentials")
        now = int(time.time())
        claims = {
            "sub": user.username,
            "role": user.role,
            "iat": now,
            "nbf": now,
            "exp": now + _TOKEN_LIFETIME,
            "aud": "apache-airflow",
        }
        return dialect.ok({"access_token": self.sign(claims)}, 201)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Return a JWT (HS256, the fake's own secret) carrying ``claims``."""
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = b64(json.dumps(dict(claims)).encode())
        signature = hmac.new(self._secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
        return f"{head}.{payload}.{b64(signature)}"

    def _verify(self, token: str) -> dict[str, Any] | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(
            self._secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(b64(expected), parts[2]):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        return json_object(claims)
