"""Retry decisions, tested as pure functions: no network, no clock, no sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from airflow_client_async._retry import RetryPolicy, parse_retry_after, retry_delay

POLICY = RetryPolicy(max_retries=3, backoff_initial=0.5, backoff_max=8.0, jitter=0.0)
NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


def decide(**kwargs: object) -> float | None:
    defaults: dict[str, object] = {"method": "GET", "attempt": 0, "now": NOW}
    defaults.update(kwargs)
    return retry_delay(POLICY, **defaults)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE"])
def test_idempotent_methods_retry_retryable_statuses(method: str, status: int) -> None:
    assert decide(method=method, status=status) == 0.5


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 500, 501])
def test_other_statuses_are_final(status: int) -> None:
    assert decide(status=status) is None


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("status", [408, 502, 503, 504])
def test_post_and_patch_are_not_replayed_on_ambiguous_statuses(method: str, status: int) -> None:
    assert decide(method=method, status=status) is None
    assert decide(method=method, status=status, idempotent=True) == 0.5


def test_429_is_retried_for_post_since_the_server_did_no_work() -> None:
    assert decide(method="POST", status=429) == 0.5


def test_idempotent_false_forbids_replaying_a_get() -> None:
    assert decide(method="GET", status=503, idempotent=False) is None


@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")]
)
@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
def test_errors_before_sending_are_retried_for_any_method(method: str, error: Exception) -> None:
    assert decide(method=method, error=error) == 0.5


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("t"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed"),
        httpx.WriteError("w"),
    ],
)
def test_ambiguous_errors_are_retried_only_when_replay_is_harmless(error: Exception) -> None:
    assert decide(method="GET", error=error) == 0.5
    assert decide(method="POST", error=error) is None
    assert decide(method="POST", error=error, idempotent=True) == 0.5


def test_unknown_errors_are_not_retried() -> None:
    assert decide(error=ValueError("bug")) is None
    assert decide(error=httpx.UnsupportedProtocol("ftp")) is None


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=10, backoff_initial=0.5, backoff_max=3.0, jitter=0.0)
    delays = [retry_delay(policy, method="GET", attempt=n, status=503, now=NOW) for n in range(6)]
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_jitter_shortens_the_delay_by_at_most_its_fraction() -> None:
    policy = RetryPolicy(backoff_initial=1.0, jitter=0.5)
    low = retry_delay(policy, method="GET", attempt=0, status=503, random_value=lambda: 0.999)
    high = retry_delay(policy, method="GET", attempt=0, status=503, random_value=lambda: 0.0)
    assert high == 1.0
    assert low is not None and 0.5 < low < 0.51


def test_max_retries_bounds_the_attempts() -> None:
    assert decide(status=503, attempt=2) is not None
    assert decide(status=503, attempt=3) is None
    off = RetryPolicy(max_retries=0)
    assert retry_delay(off, method="GET", attempt=0, status=503) is None
    assert retry_delay(off, method="GET", attempt=0, error=httpx.ConnectError("x")) is None


def test_retry_after_seconds_sets_the_delay() -> None:
    assert decide(status=503, headers={"retry-after": "7"}) == 7.0
    assert decide(status=429, headers={"retry-after": "0"}) == 0.0


def test_retry_after_is_capped() -> None:
    assert decide(status=429, headers={"retry-after": "3600"}) == POLICY.max_retry_after


def test_retry_after_http_date() -> None:
    later = NOW + timedelta(seconds=30)
    value = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert decide(status=503, headers={"retry-after": value}) == 30.0


def test_retry_after_in_the_past_means_now() -> None:
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now=NOW) == 0.0


@pytest.mark.parametrize("value", ["soon", "", "nan", "inf", "Thu, 99 Foo 2024"])
def test_unreadable_retry_after_falls_back_to_backoff(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None
    assert decide(status=503, headers={"retry-after": value}) == 0.5


def test_retry_after_does_not_make_a_post_replayable() -> None:
    assert decide(method="POST", status=503, headers={"retry-after": "1"}) is None


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=2.0)


def test_a_refused_certificate_is_not_retried() -> None:
    import ssl

    refused = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")
    refused.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert decide(error=refused) is None
    assert decide(error=httpx.ConnectError("refused")) == 0.5
