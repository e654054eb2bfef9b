"""Retry decisions as pure functions: (what happened, attempt) -> delay in seconds, or None.

Nothing here sleeps, sends or reads a clock by itself, so every rule is tested without a
network. The request pipeline asks :func:`retry_delay` after each failed attempt.

The rules:

* A request that never reached the server (connection refused, DNS failure, connect
  timeout, no free pooled connection) is retried whatever its method: nothing was done.
  A refused TLS certificate is not retried: it would be refused again.
* A request that may have reached the server (read timeout, reset mid-response, a 408,
  502, 503 or 504) is retried only when replaying it is harmless: GET, HEAD, OPTIONS, PUT
  and DELETE, or a POST/PATCH the caller marked idempotent. A trigger is never sent twice
  by accident.
* A 429 says the server refused to do the work, so it is retried for every method.
* ``Retry-After`` (seconds or an HTTP date) sets the delay when present, capped at
  :attr:`RetryPolicy.max_retry_after`; otherwise the delay grows exponentially with jitter.
"""

from __future__ import annotations

import email.utils
import random
import ssl
from collections.abc import Callable, Mapping
from datetime import datetime, timezone

import attrs
import httpx

from ._transports import find_cause

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "parse_retry_after",
    "retry_delay",
]

#: Methods whose replay is harmless by HTTP's definition.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

#: Statuses that say "try again later".
RETRYABLE_STATUSES = frozenset({408, 429, 502, 503, 504})

# The request was never written to the server: retrying cannot do anything twice.
_NOT_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)

# The request may have reached the server; only idempotent requests are replayed.
_AMBIGUOUS_ERRORS: tuple[type[Exception], ...] = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How often and how patiently to retry.

    Attributes:
        max_retries: Retries after the first attempt; ``0`` turns retrying off.
        backoff_initial: Delay before the first retry, in seconds.
        backoff_max: Upper bound of the exponential delay, in seconds.
        jitter: Fraction of the delay that is randomised (0 = none, 1 = "full jitter").
        max_retry_after: Upper bound for a server's ``Retry-After``, in seconds.
        statuses: Statuses worth retrying.
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    backoff_initial: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    backoff_max: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    jitter: float = attrs.field(
        default=0.25, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    statuses: frozenset[int] = RETRYABLE_STATUSES


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the delay a ``Retry-After`` header asks for, in seconds, or ``None``.

    Args:
        value: The header's value: a number of seconds or an HTTP date.
        now: The current time for the HTTP-date form (default: the system clock).

    Returns:
        A delay of zero or more seconds, or ``None`` when the header is absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        # float() also reads "nan" and "inf"; neither is a delay.
        return max(seconds, 0.0) if seconds == seconds and seconds != float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now or datetime.now(timezone.utc)
    return max((when - current).total_seconds(), 0.0)


def _may_replay(method: str, idempotent: bool | None) -> bool:
    if idempotent is not None:
        return idempotent
    return method.upper() in IDEMPOTENT_METHODS


def _backoff(policy: RetryPolicy, attempt: int, random_value: float) -> float:
    delay = min(policy.backoff_max, policy.backoff_initial * (2.0**attempt))
    return delay * (1.0 - policy.jitter * random_value)


def retry_delay(
    policy: RetryPolicy,
    *,
    method: str,
    attempt: int,
    status: int | None = None,
    error: BaseException | None = None,
    headers: Mapping[str, str] | None = None,
    idempotent: bool | None = None,
    now: datetime | None = None,
    random_value: Callable[[], float] = random.random,
) -> float | None:
    """Decide whether to retry after a failed attempt, and after how long.

    Args:
        policy: The retry policy.
        method: The request's HTTP method.
        attempt: How many retries were already made (0 after the first attempt failed).
        status: The response status, when a response arrived.
        error: The transport error, when no response arrived.
        headers: The response headers (for ``Retry-After``).
        idempotent: Overrides the method's own idempotency: ``True`` lets a POST be
            replayed, ``False`` forbids replaying even a GET.
        now: The current time, for HTTP-date ``Retry-After`` values.
        random_value: Source of jitter in ``[0, 1)``.

    Returns:
        Seconds to wait before the next attempt, or ``None`` to give up.
    """
    if attempt >= policy.max_retries:
        return None
    if error is not None:
        if find_cause(error, ssl.SSLCertVerificationError) is not None:
            return None  # the same certificate will be refused again
        if isinstance(error, _NOT_SENT_ERRORS):
            return _backoff(policy, attempt, random_value())
        if isinstance(error, _AMBIGUOUS_ERRORS) and _may_replay(method, idempotent):
            return _backoff(policy, attempt, random_value())
        return None
    if status is None or status not in policy.statuses:
        return None
    if status != 429 and not _may_replay(method, idempotent):
        return None
    retry_after = parse_retry_after((headers or {}).get("retry-after"), now=now)
    if retry_after is not None:
        return min(retry_after, policy.max_retry_after)
    return _backoff(policy, attempt, random_value())
