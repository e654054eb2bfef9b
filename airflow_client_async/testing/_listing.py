"""Lists as the fake answers them: pages, sorting, ``*_pattern`` and range filters.

:class:`PagingMixin` gives :class:`~._server.FakeServer` its ``page`` of a collection.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._dialect import Answer, Dialect
from ._reading import json_array, json_object

if TYPE_CHECKING:
    from ._routing import Call

__all__ = ["COMPARISONS", "PagingMixin", "like", "sort_key", "strip_order"]


class PagingMixin:
    """Pages of a collection, for the server that holds ``dialect`` and its page cap."""

    dialect: Dialect
    maximum_page_limit: int

    def page(
        self,
        items: list[dict[str, Any]],
        call: Call,
        key: str,
        default_order: str,
        allowed: Iterable[str],
        *,
        window: tuple[Any, Any, list[str]] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> Answer:
        """A page of ``items`` as the collection ``key``, with ``total_entries``.

        ``window`` gives ``(offset, limit, order_by)`` read from a body instead of the query.
        """
        dialect = self.dialect
        query = call.query
        if window is not None:
            raw_offset, raw_limit, orders = window
        else:
            raw_offset, raw_limit = query.get("offset"), query.get("limit")
            orders = query.get_list("order_by")
            if not dialect.v2:
                orders = orders[-1:]
        orders = [order for order in orders if order] or [default_order]
        known = set(allowed) | {default_order}
        for order in reversed(orders):
            name = order.lstrip("-")
            if name not in known:
                return dialect.error(
                    400,
                    f"Ordering with '{name}' is disallowed or the attribute does not exist "
                    "on the model",
                )
            field = (aliases or {}).get(name, name)
            items = sorted(
                items,
                key=functools.partial(_item_key, field),
                reverse=order.startswith("-"),
            )
        try:
            offset = int(raw_offset or 0)
            limit = int(raw_limit) if raw_limit is not None else dialect.default_limit
        except ValueError:
            return dialect.bad_request("offset and limit must be integers", loc=("query", "limit"))
        if offset < 0 or limit < 0:
            return dialect.bad_request(
                "offset and limit must not be negative", loc=("query", "limit")
            )
        if limit == 0 and not dialect.v2:
            limit = dialect.default_limit
        # /api/v2 caps pages at [api] maximum_page_limit only from Airflow 3.2.
        if not dialect.v2 or dialect.minor >= (3, 2):
            limit = min(limit, self.maximum_page_limit)
        body: dict[str, Any] = {key: items[offset : offset + limit], "total_entries": len(items)}
        if dialect.minor >= (3, 3) and key in ("dag_runs", "task_instances"):
            body.update(next_cursor=None, previous_cursor=None, total_entries_limit=None)
        return dialect.ok(body)


def _item_key(field: str, item: dict[str, Any]) -> tuple[int, Any]:
    return sort_key(item.get(field))


def sort_key(value: Any) -> tuple[int, Any]:
    """A key that orders values of mixed types as the servers' databases do."""
    # None sorts first, as the databases the servers use sort NULLs for ascending order.
    if value is None:
        return (0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value))


def strip_order(answer: Answer) -> Answer:
    """``answer`` without the ``_order`` key its listed items carried for sorting."""
    if answer.status != 200:
        return answer
    body = json.loads(answer.body)
    for values in body.values():
        for entry in json_array(values):
            item = json_object(entry)
            if item is not None:
                item.pop("_order", None)
    return Answer(answer.status, json.dumps(body).encode(), answer.headers)


COMPARISONS = (
    ("_gte", float.__ge__),
    ("_lte", float.__le__),
    ("_gt", float.__gt__),
    ("_lt", float.__lt__),
)


def like(pattern: str, value: str) -> bool:
    """SQL ``ILIKE '%pattern%'``: the servers' ``*_pattern`` filters."""
    parts = [re.escape(part).replace("%", ".*").replace("_", ".") for part in pattern.split("\\")]
    return re.search("".join(parts), value, re.IGNORECASE) is not None
