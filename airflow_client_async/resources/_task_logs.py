"""The logs of ``client.task_instances``: read a try's log whole or in chunks, or follow it.

Airflow 2 answers with text (the Python repr of ``(host, text)`` pairs, in JSON); Airflow
3 with structured events, as JSON or as NDJSON streamed while the try runs. Both end up
as :class:`TaskLog` (and Airflow 3's events as :class:`TaskLogEvent`).
"""

from __future__ import annotations

import ast
import builtins
import json
import typing
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import anyio
import attrs

from .._converter import format_datetime, parse_datetime
from .._http import invalid_response
from .._routes import Route, Routes
from .._types import JsonValue
from ..models import TaskInstance
from ._base import Sent
from ._parts import Part

if TYPE_CHECKING:
    from .task_instances import TaskInstancesResource

__all__ = ["TaskLog", "TaskLogEvent", "TaskLogs"]

_INSTANCE = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"

#: States after which a task instance does not run again unless it is cleared.
_FINISHED_STATES = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})

#: The first event of a log read that starts at the beginning: the sources it was read
#: from follow, up to ``::endgroup::``.
_SOURCES_GROUP = "::group::Log message source details"
_END_GROUP = "::endgroup::"

#: The keys of an Airflow 3 log event that :class:`TaskLogEvent` names.
_EVENT_KEYS = frozenset({"event", "timestamp", "level", "logger"})


@attrs.frozen(kw_only=True)
class TaskLogEvent:
    """One structured event of an Airflow 3 task log.

    Attributes:
        event: The message.
        timestamp: When it was logged (``None`` for the lines that say where the log was
            read from).
        level: ``"info"``, ``"warning"``, ``"error"``, …
        logger: The logger's name, e.g. ``"task.stdout"``.
        fields: Every other key the server sent (``chan``, ``error_detail``, …).
    """

    event: str
    timestamp: datetime | None = None
    level: str | None = None
    logger: str | None = None
    fields: Mapping[str, JsonValue] = attrs.field(factory=dict[str, JsonValue])

    def render(self) -> str:
        """Return the event as one log line: ``[timestamp] {logger} LEVEL - event k=v``."""
        parts: builtins.list[str] = []
        if self.timestamp is not None:
            parts.append(f"[{format_datetime(self.timestamp)}]")
        if self.logger:
            parts.append(f"{{{self.logger}}}")
        if self.level:
            parts.append(f"{self.level.upper()} -")
        parts.append(self.event)
        parts.extend(f"{key}={_field_text(value)}" for key, value in self.fields.items())
        return " ".join(parts)


@attrs.frozen(kw_only=True)
class TaskLog:
    """One chunk of a task try's log.

    Attributes:
        text: The log text. Airflow 2 sends text (the texts of every host are joined by
            newlines); Airflow 3 sends events, each rendered as one line ending with a
            newline (see :meth:`TaskLogEvent.render`).
        events: Airflow 3's structured events, in order; empty on Airflow 2.
        continuation_token: Give it back as ``token`` to read only what was written since.
            Airflow 3 sends none once the try is no longer running.
    """

    text: str
    events: tuple[TaskLogEvent, ...] = ()
    continuation_token: str | None = attrs.field(default=None, repr=False)


class TaskLogs(Part["TaskInstancesResource"]):
    """The logs of ``client.task_instances``; :meth:`follow_log` builds on its ``get``."""

    namespace = "task_instances"

    _get_log = Routes(
        v1=Route("GET", _INSTANCE + "/logs/{task_try_number}", "get_log"),
        v2=Route("GET", _INSTANCE + "/logs/{try_number}", "get_log"),
    )

    async def get_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
        full_content: bool | None = None,
        token: str | None = None,
    ) -> TaskLog:
        """Read a chunk of a task try's log, with a token to read on from.

        The first read starts with a ``::group::Log message source details`` block
        saying where the log was read from. Giving the returned ``continuation_token``
        back as ``token`` reads only what was written since; :meth:`follow_log` does that
        in a loop. Airflow 3 sends structured events (kept in :attr:`TaskLog.events`,
        rendered into :attr:`TaskLog.text`); Airflow 2 sends text.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            full_content: Ask log handlers that read in fragments for the whole log.
            token: A ``continuation_token`` from an earlier read.

        Returns:
            The log and the token to continue from.

        Raises:
            NotFoundError: No such instance.
            BadRequestError: The token was not made by this server.
        """
        sent = await self._send(
            self._get_log,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index, "full_content": full_content, "token": token},
        )
        return _task_log(sent)

    _get_log_text = Routes(
        v1=Route("GET", _INSTANCE + "/logs/{task_try_number}"),
        v2=Route("GET", _INSTANCE + "/logs/{try_number}"),
    )

    async def get_log_text(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
        full_content: bool | None = None,
    ) -> str:
        """Read a task try's log as text.

        Airflow 2 sends its plain text (each host's name on a line of its own before
        that host's text). Airflow 3 has no text form (it answers ``text/plain`` with
        406): its events are read as JSON and each rendered as one line.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            full_content: Ask log handlers that read in fragments for the whole log.

        Raises:
            NotFoundError: No such instance.
        """
        _, api_version = await self._route(self._get_log_text)
        sent = await self._send(
            self._get_log_text,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index, "full_content": full_content},
            accept="text/plain" if api_version == "v1" else "application/json",
        )
        return sent.text() if sent.api_version == "v1" else _task_log(sent).text

    _follow_log = Routes(
        v1=Route("GET", _INSTANCE + "/logs/{task_try_number}"),
        v2=Route("GET", _INSTANCE + "/logs/{try_number}"),
    )

    async def follow_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
        poll_interval: float = 1.0,
    ) -> AsyncIterator[str]:
        """Yield a task try's log text as it is written, until the try ends.

        Each round gets the instance, then reads the log on from the last continuation
        token, so no text is yielded twice. It stops after the read that follows the
        instance reaching ``success``, ``failed``, ``skipped``, ``upstream_failed`` or
        ``removed`` (or ``up_for_retry``, or a later try), so the last chunk holds
        everything the try wrote before it ended. Until the try begins, only the instance
        is read. Airflow 3 sends no token while the try is not running (queued, say); the
        next read then starts over, and what was yielded already is skipped.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try to follow (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            poll_interval: Seconds between reads while the try runs.

        Yields:
            Each new, non-empty piece of text, in order.

        Raises:
            ValueError: ``poll_interval`` is negative.
            NotFoundError: No such instance.
        """
        if poll_interval < 0:
            raise ValueError("poll_interval must be zero or more")
        _, api_version = await self._route(self._follow_log)
        seen = _SeenEvents()
        token: str | None = None
        while True:
            instance = await self._whole.get(dag_id, dag_run_id, task_id, map_index=map_index)
            ended = _try_ended(instance, try_number)
            if (instance.try_number or 0) < try_number:
                # The try has not begun: Airflow 3 has no log for it yet (404), Airflow 2
                # an empty one. An instance that ended so (skipped, say) never runs it.
                if ended:
                    return
                await anyio.sleep(poll_interval)
                continue
            chunk = await self.get_log(
                dag_id, dag_run_id, task_id, try_number, map_index=map_index, token=token
            )
            if api_version == "v1":
                text = chunk.text
                token = chunk.continuation_token or token
            else:
                text = "".join(
                    e.render() + "\n" for e in seen.new(chunk.events, continued=token is not None)
                )
                token = chunk.continuation_token
            if text:
                yield text
            if ended:
                return
            await anyio.sleep(poll_interval)

    _stream_log = Routes(v2=Route("GET", _INSTANCE + "/logs/{try_number}"))

    async def stream_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
    ) -> AsyncIterator[TaskLogEvent]:
        """Yield a task try's log events from one streamed answer, as the server reads them.

        Airflow 3 answers ``Accept: application/x-ndjson`` with one JSON event per line and
        keeps the answer open while the try runs, ending it with the log. Each line is
        read and decoded as it arrives, in bounded memory (a line is capped by the
        client's ``max_response_size``). For a try that has not begun, the server sends
        what it says about the instance's state and ends. Use :meth:`follow_log` for the
        same on Airflow 2 (as text, by polling).

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.

        Yields:
            Each event, in order.

        Raises:
            UnsupportedByServerError: The server runs Airflow 2 (nothing was sent).
            NotFoundError: No such instance.
            ResponseValidationError: A line is not JSON.
        """
        async with self._stream(
            self._stream_log,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index},
        ) as lines:
            async for line in lines:
                if line.strip():
                    yield _log_event(lines.json(line))

    _get_external_log_url = Routes(
        v2=Route(
            "GET",
            _INSTANCE + "/externalLogUrl/{try_number}",
            "get_external_log_url",
        ),
    )

    async def get_external_log_url(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
    ) -> str:
        """Get the URL of a try's log in an external system (Elasticsearch, …). Airflow 3.1+.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1.
            BadRequestError: The server's log handler has no external links.
            NotFoundError: No such instance.
        """
        sent = await self._send(
            self._get_external_log_url,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index},
        )
        data = sent.json()
        url = data.get("url") if isinstance(data, dict) else None
        if not isinstance(url, str):
            raise invalid_response(sent.response, "ExternalLogUrlResponse", "the answer has no url")
        return url


def _log_path(dag_id: str, dag_run_id: str, task_id: str, try_number: int) -> dict[str, object]:
    # Airflow 2 names the try's placeholder task_try_number, Airflow 3 try_number.
    return {
        "dag_id": dag_id,
        "dag_run_id": dag_run_id,
        "task_id": task_id,
        "task_try_number": try_number,
        "try_number": try_number,
    }


def _try_ended(instance: TaskInstance, try_number: int) -> bool:
    state = str(instance.state) if instance.state is not None else None
    if state in _FINISHED_STATES:
        return True
    current = instance.try_number
    # A retry gives the instance a new try number; the followed try has then ended.
    return current > try_number or (current == try_number and state == "up_for_retry")


def _task_log(sent: Sent) -> TaskLog:
    """The :class:`TaskLog` of a JSON log answer of either API."""
    data = sent.json()
    if not isinstance(data, dict):
        raise invalid_response(
            sent.response, "a log object", f"expected a log object, got a JSON {_kind(data)}"
        )
    token = data.get("continuation_token")
    token = token if isinstance(token, str) else None
    content = data.get("content")
    if sent.api_version == "v1":
        return TaskLog(text=_v1_log_text(content), continuation_token=token)
    if not isinstance(content, builtins.list):
        raise invalid_response(sent.response, "a log object", "the log's content is not a list")
    events = tuple(_log_event(item) for item in content)
    return TaskLog(
        text="".join(event.render() + "\n" for event in events),
        events=events,
        continuation_token=token,
    )


def _log_event(item: JsonValue) -> TaskLogEvent:
    """One event of Airflow 3's ``content`` (a line of text when it could not parse it)."""
    if not isinstance(item, dict):
        return TaskLogEvent(event=item if isinstance(item, str) else json.dumps(item))
    fields = {key: value for key, value in item.items() if key not in _EVENT_KEYS}
    event, level, logger = item.get("event"), item.get("level"), item.get("logger")
    timestamp: datetime | None = None
    raw_time = item.get("timestamp")
    if isinstance(raw_time, str):
        try:
            timestamp = parse_datetime(raw_time)
        except ValueError:
            fields["timestamp"] = raw_time
    elif raw_time is not None:
        fields["timestamp"] = raw_time
    for name, value in (("level", level), ("logger", logger)):
        if value is not None and not isinstance(value, str):
            fields[name] = value
    return TaskLogEvent(
        event=event if isinstance(event, str) else ("" if event is None else json.dumps(event)),
        timestamp=timestamp,
        level=level if isinstance(level, str) else None,
        logger=logger if isinstance(logger, str) else None,
        fields=fields,
    )


def _field_text(value: JsonValue) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _kind(value: JsonValue) -> str:
    return "array" if isinstance(value, builtins.list) else type(value).__name__


def _v1_log_text(content: JsonValue) -> str:
    """Turn Airflow 2's ``content`` into text.

    Airflow 2 sends the Python repr of a list of ``(host, text)`` tuples. It is read with
    :func:`ast.literal_eval`, which evaluates literals only; any other shape is kept whole.
    """
    if content is None:
        return ""
    chunks: object = content
    if isinstance(content, str):
        try:
            chunks = ast.literal_eval(content)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return content
    texts = _host_texts(chunks)
    if texts is not None:
        return "\n".join(texts)
    return content if isinstance(content, str) else json.dumps(content)


def _host_texts(chunks: object) -> builtins.list[str] | None:
    """The texts of a list of ``(host, text)`` pairs; ``None`` for any other shape."""
    if not isinstance(chunks, (builtins.list, tuple)):
        return None
    texts: builtins.list[str] = []
    for chunk in typing.cast("Sequence[object]", chunks):
        if not isinstance(chunk, (builtins.list, tuple)):
            return None
        pair = typing.cast("Sequence[object]", chunk)
        if len(pair) != 2 or not isinstance(pair[1], str):
            return None
        texts.append(pair[1])
    return texts


@attrs.define
class _SeenEvents:
    """What a follower of an Airflow 3 log has yielded, to skip it when a read starts over.

    A read without a token starts with the source details group, then every event the
    try has logged; a read with one sends only the events after those it counted. Airflow
    3.0.6 and 3.1 send every event again on a read with a token (their log handler counts
    the events but drops its skip over them), so a continued read that starts with the
    events yielded already is cut after them.
    """

    header: bool = False
    body: builtins.list[TaskLogEvent] = attrs.field(factory=builtins.list[TaskLogEvent])

    def new(
        self, events: Sequence[TaskLogEvent], *, continued: bool
    ) -> builtins.list[TaskLogEvent]:
        """The events of one read that were not yielded before."""
        if continued:
            seen = len(self.body)
            fresh = builtins.list(events)
            # Each event carries its timestamp: new events do not repeat the old ones.
            if seen and fresh[:seen] == self.body:
                fresh = fresh[seen:]
            self.body += fresh
            return fresh
        header, body = _split_sources(events)
        out = [] if self.header else header
        self.header = self.header or bool(header)
        out += body[len(self.body) :]
        if len(body) > len(self.body):
            self.body = body
        return out


def _split_sources(
    events: Sequence[TaskLogEvent],
) -> tuple[builtins.list[TaskLogEvent], builtins.list[TaskLogEvent]]:
    """Split a read from the start into its source details group and the log's events."""
    if not events or events[0].event != _SOURCES_GROUP:
        return [], builtins.list(events)
    for index, event in enumerate(events):
        if event.event == _END_GROUP:
            return builtins.list(events[: index + 1]), builtins.list(events[index + 1 :])
    return builtins.list(events), []
