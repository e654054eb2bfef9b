"""ResponseFraming: where a response ends, and when a connection must not be reused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_client_async._transports._framing import ResponseFraming

GET = b"GET /api/v1/dags HTTP/1.1\r\nHost: h\r\n\r\n"
HEAD = b"HEAD /api/v1/dags HTTP/1.1\r\nHost: h\r\n\r\n"

CLEAN = [
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", id="content-length"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", id="empty"),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}", id="repeated-length"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", id="chunked"
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
        b"1;ext=1\r\n{\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n",
        id="chunked-with-extension-and-trailer",
    ),
    pytest.param(b"HTTP/1.1 204 No Content\r\n\r\n", id="204"),
    pytest.param(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", id="304"),
    pytest.param(
        b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        id="interim-responses",
    ),
]


def exchange(response: bytes, request: bytes = GET, split: int = 0) -> ResponseFraming:
    framing = ResponseFraming()
    framing.sent(request)
    if split:
        for start in range(0, len(response), split):
            framing.received(response[start : start + split])
    else:
        framing.received(response)
    return framing


@pytest.mark.parametrize("response", CLEAN)
@pytest.mark.parametrize("split", [0, 1, 3])
def test_a_clean_response_leaves_the_connection_reusable(response: bytes, split: int) -> None:
    framing = exchange(response, split=split)
    assert framing.poisoned is None
    assert not framing.request_open
    framing.sent(GET)
    assert framing.exchanges == 2
    assert framing.reused


def test_a_head_response_has_no_body_whatever_its_length() -> None:
    framing = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", request=HEAD)
    assert framing.poisoned is None and not framing.request_open


SMUGGLED = b"HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\n" + b'{"dag_id": "smuggled"}'

POISONED = [
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 60\r\n\r\n0\r\n\r\n"
        + SMUGGLED,
        "both Transfer-Encoding and Content-Length",
        id="te-and-cl",
    ),
    pytest.param(
        b"HTTP/1.1 204 No Content\r\n\r\n" + SMUGGLED,
        "the server sent bytes",
        id="204-with-a-body",
    ),
    pytest.param(
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        "a 204 response that declares a body",
        id="204-declaring-a-body",
    ),
    pytest.param(
        b"HTTP/1.1 304 Not Modified\r\n\r\n" + SMUGGLED,
        "the server sent bytes",
        id="304-with-a-body",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" + SMUGGLED,
        "the server sent bytes",
        id="more-than-the-length",
    ),
    pytest.param(b"HTTP/1.1 2OO OK\r\n\r\n", "status line", id="bad-status"),
    pytest.param(b"HTTTP/1.1 200 OK\r\n\r\n", "status line", id="bad-protocol"),
    pytest.param(b"HTTP/1.1 200 OK\r\nBroken line\r\n\r\n", "header line", id="no-colon"),
    pytest.param(b"HTTP/1.1 200 OK\r\nX Y: z\r\n\r\n", "header line", id="space-in-name"),
    pytest.param(b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "header line", id="folded"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        "disagree",
        id="two-lengths",
    ),
    pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a number", id="negative"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "other than chunked",
        id="other-coding",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "chunk size",
        id="bad-chunk-size",
    ),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n",
        "does not end where its size says",
        id="long-chunk",
    ),
    pytest.param(b"HTTP/1.1 200 OK\r\n\r\n{}", "ends when the connection closes", id="no-framing"),
    pytest.param(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", "HTTP/1.0", id="http-1.0"),
    pytest.param(
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
        "closes the connection",
        id="connection-close",
    ),
    pytest.param(b"HTTP/1.1 101 Switching\r\n\r\n", "switched protocols", id="101"),
]


@pytest.mark.parametrize(("response", "reason"), POISONED)
@pytest.mark.parametrize("split", [0, 1, 7])
def test_an_ambiguous_response_poisons_the_connection(
    response: bytes, reason: str, split: int
) -> None:
    framing = exchange(response, split=split)
    assert framing.poisoned is not None
    assert reason in framing.poisoned


def test_bytes_while_idle_poison_the_connection() -> None:
    framing = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    assert framing.poisoned is None
    framing.received(SMUGGLED)  # an unsolicited response, while the connection is pooled
    assert framing.poisoned == "the server sent bytes while no request was outstanding"


def test_bytes_before_any_request_poison_the_connection() -> None:
    framing = ResponseFraming()
    framing.received(b"HTTP/1.1 200 OK\r\n\r\n")
    assert framing.poisoned is not None and not framing.reused


def test_the_end_of_the_stream_poisons_the_connection() -> None:
    framing = exchange(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{")
    framing.received(b"")
    assert framing.poisoned == "the connection closed mid-response"


def test_a_write_after_an_early_response_poisons_the_connection() -> None:
    framing = ResponseFraming()
    framing.sent(b"POST /x HTTP/1.1\r\nContent-Length: 100000\r\n\r\n")
    framing.received(b"HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n")
    framing.sent(b"x" * 1000)  # the rest of the upload
    assert framing.poisoned == "bytes were written after the response ended"


def test_a_body_write_is_part_of_its_request() -> None:
    framing = ResponseFraming()
    framing.sent(b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n")
    framing.sent(b"GET / HTTP/1.1\r\n")  # body bytes, however they look
    assert framing.exchanges == 1


def test_an_endless_head_poisons_the_connection() -> None:
    framing = exchange(b"HTTP/1.1 200 OK\r\n" + b"X: " + b"y" * 300_000)
    assert framing.poisoned == "the response head is too long"


@given(
    st.lists(st.sampled_from([c.values[0] for c in CLEAN]), min_size=1, max_size=5),
    st.integers(1, 50),
)
def test_clean_exchanges_in_a_row_split_anywhere_stay_clean(
    responses: list[bytes], split: int
) -> None:
    framing = ResponseFraming()
    for response in responses:
        assert not framing.request_open
        framing.sent(GET)
        for start in range(0, len(response), split):
            framing.received(response[start : start + split])
    assert framing.poisoned is None
    assert framing.exchanges == len(responses)


def test_a_new_request_is_told_from_a_body() -> None:
    framing = ResponseFraming()
    assert framing.starts_request(GET)
    assert not framing.starts_request(b'{"conf": {}}')
    framing.sent(b"POST /x HTTP/1.1\r\nContent-Length: 16\r\n\r\n")
    assert framing.request_open
    assert not framing.starts_request(GET)  # still the body of the POST
    framing.received(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert framing.starts_request(GET)


def test_a_request_on_a_poisoned_connection_is_still_counted() -> None:
    framing = exchange(b"HTTP/1.1 204 No Content\r\n\r\n" + SMUGGLED)
    assert framing.poisoned is not None and not framing.request_open
    assert framing.starts_request(GET)
    framing.sent(GET)
    assert framing.exchanges == 2 and framing.poisoned is not None


def test_only_a_request_starting_on_a_reused_connection_is_checked_for_staleness() -> None:
    asked: list[bool] = []

    def readable() -> bool:
        asked.append(True)
        return True

    framing = ResponseFraming()
    assert framing.stale(GET, readable) is None  # a new connection has nothing to check
    framing.sent(b"POST /x HTTP/1.1\r\nContent-Length: 16\r\n\r\n")
    assert framing.stale(GET, readable) is None  # the POST's body, not a request
    framing.received(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert asked == []  # the socket is asked only at the start of a request on reuse

    assert framing.stale(GET, readable) == "closed while idle"
    assert framing.stale(GET, lambda: False) is None
    framing.received(b"HTTP/1.1 200 OK\r\n\r\n")  # unasked, while idle
    assert framing.poisoned is not None
    assert framing.stale(GET, lambda: False) == framing.poisoned
