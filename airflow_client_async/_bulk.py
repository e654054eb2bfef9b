"""Airflow 3's bulk operations: one request of create, update and delete actions.

Airflow 3 answers a bulk request with 200 even when entities failed: each action reports
the keys it applied (``success``) and its errors (``errors``: ``{"error", "status_code"}``).
An error refuses the whole action: with ``action_on_existence="fail"``, one pool that
already exists keeps every pool of that create from being created. :class:`BulkResult`
turns that into one outcome per requested entity, so a partial failure is never taken for
success.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import attrs

from ._errors import APIError
from ._types import JsonValue

__all__ = [
    "BulkAction",
    "BulkEntityResult",
    "BulkError",
    "BulkRequest",
    "BulkResult",
    "OnExistence",
    "OnNonExistence",
    "bulk_result",
]

#: The three actions of a bulk request.
BulkAction = Literal["create", "update", "delete"]

_ACTIONS: tuple[BulkAction, ...] = ("create", "update", "delete")

#: What a create does to an entity that exists: refuse the action, skip the entity, or
#: overwrite it.
OnExistence = Literal["fail", "skip", "overwrite"]

#: What an update or delete does to an entity that does not exist.
OnNonExistence = Literal["fail", "skip"]


def _no_errors() -> dict[BulkAction, tuple[Mapping[str, JsonValue], ...]]:
    return {}


@attrs.frozen(kw_only=True)
class BulkEntityResult:
    """The outcome of one entity of a bulk request.

    Attributes:
        action: ``"create"``, ``"update"`` or ``"delete"``.
        key: The entity's key (a pool's name, a variable's key, …).
        ok: Whether the server applied the action to it.
        status_code: The status of the action's error when it failed (409 for an entity
            that exists, 404 for one that does not, …).
        error: The server's message when it failed.
    """

    action: BulkAction
    key: str
    ok: bool
    status_code: int | None = None
    error: str | None = None


class BulkError(APIError):
    """A bulk request answered 200 but some of its entities failed.

    An :class:`~airflow_client_async.APIError` (the server refused part of the request)
    but no :class:`~airflow_client_async.APIStatusError`: the answer's status was 200.
    Raised by :meth:`BulkResult.raise_for_errors`, never by a ``bulk()`` call itself.

    Attributes:
        result: The whole result, failed entities included.
    """

    def __init__(self, message: str, *, result: BulkResult) -> None:
        super().__init__(message)
        self.result = result


@attrs.frozen(kw_only=True)
class BulkResult:
    """Every entity's outcome of one bulk request.

    Attributes:
        entities: One outcome per requested entity, in the order of the request.
        errors: Each action's errors as the server sent them.
    """

    entities: tuple[BulkEntityResult, ...]
    errors: Mapping[BulkAction, tuple[Mapping[str, JsonValue], ...]] = attrs.field(
        factory=lambda: _no_errors(), repr=False
    )

    @property
    def ok(self) -> bool:
        """Whether every entity succeeded and no action reported an error."""
        return all(entity.ok for entity in self.entities) and not any(self.errors.values())

    @property
    def succeeded(self) -> list[BulkEntityResult]:
        """The entities the server applied its action to."""
        return [entity for entity in self.entities if entity.ok]

    @property
    def failed(self) -> list[BulkEntityResult]:
        """The entities that failed."""
        return [entity for entity in self.entities if not entity.ok]

    def raise_for_errors(self) -> BulkResult:
        """Return the result if everything succeeded; raise :class:`BulkError` otherwise."""
        if self.ok:
            return self
        failed = self.failed
        shown = "; ".join(f"{e.action} {e.key!r}: {e.status_code} {e.error}" for e in failed[:5])
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
        raise BulkError(
            f"{len(failed)} of {len(self.entities)} bulk entities failed: {shown}{more}",
            result=self,
        )


@attrs.frozen(kw_only=True)
class BulkRequest:
    """The actions of one bulk request, as a namespace's ``bulk`` was given them.

    Attributes:
        create: Entities to create.
        update: Entities to update.
        delete: Keys (or entities) to delete.
        on_existence: What a create does to an entity that exists.
        on_non_existence: What an update or delete does to one that does not.
        update_mask: The fields an update changes (``None``: those given).
    """

    create: Sequence[Mapping[str, object]] = ()
    update: Sequence[Mapping[str, object]] = ()
    delete: Sequence[str | Mapping[str, object]] = ()
    on_existence: OnExistence = "fail"
    on_non_existence: OnNonExistence = "fail"
    update_mask: Sequence[str] | None = None

    def body(self) -> dict[str, object]:
        """The JSON body: one action per non-empty list, in that order.

        Raises:
            ValueError: Every list is empty.
        """
        actions: list[dict[str, object]] = []
        if self.create:
            actions.append(
                {
                    "action": "create",
                    "entities": [dict(e) for e in self.create],
                    "action_on_existence": self.on_existence,
                }
            )
        if self.update:
            action: dict[str, object] = {
                "action": "update",
                "entities": [dict(e) for e in self.update],
                "action_on_non_existence": self.on_non_existence,
            }
            if self.update_mask is not None:
                action["update_mask"] = list(self.update_mask)
            actions.append(action)
        if self.delete:
            actions.append(
                {
                    "action": "delete",
                    "entities": [e if isinstance(e, str) else dict(e) for e in self.delete],
                    "action_on_non_existence": self.on_non_existence,
                }
            )
        if not actions:
            raise ValueError("give at least one entity to create, update or delete")
        return {"actions": actions}

    def requested(
        self, key_of: Callable[[Mapping[str, object]], str]
    ) -> list[tuple[BulkAction, str]]:
        """Each entity's action and key, in the order of the body."""
        found: list[tuple[BulkAction, str]] = [("create", key_of(e)) for e in self.create]
        found.extend(("update", key_of(e)) for e in self.update)
        found.extend(("delete", e if isinstance(e, str) else key_of(e)) for e in self.delete)
        return found


def _errors_of(answer: Mapping[str, JsonValue], action: BulkAction) -> list[dict[str, JsonValue]]:
    part = answer.get(action)
    errors = part.get("errors") if isinstance(part, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _success_of(answer: Mapping[str, JsonValue], action: BulkAction) -> set[str]:
    part = answer.get(action)
    success = part.get("success") if isinstance(part, dict) else None
    return {str(key) for key in success} if isinstance(success, list) else set()


def bulk_result(
    answer: Mapping[str, JsonValue],
    requested: Sequence[tuple[BulkAction, str]],
    *,
    key_in_message: Callable[[str, str], bool] | None = None,
    reported_as: Callable[[str, str], bool] | None = None,
) -> BulkResult:
    """One outcome per requested entity, from the server's bulk answer.

    An entity succeeded when its key is among its action's ``success`` keys. One that
    did not gets the action's error naming it (when ``key_in_message`` finds its key in an
    error's message) or else the action's first error.

    Args:
        answer: The decoded JSON answer.
        requested: ``(action, key)`` of every entity sent, in order.
        key_in_message: Whether an error message names a key; default: the key appears
            in it quoted (``'p1'``) or as a whole word.
        reported_as: Whether a ``success`` key reports a requested key, for entities
            the server reports under other keys than the one requested (one task
            instance entity without a map index stands for each of its map indexes);
            default: the two are equal.
    """
    found = key_in_message or _names_key
    outcomes: list[BulkEntityResult] = []
    errors: dict[BulkAction, tuple[Mapping[str, JsonValue], ...]] = {}
    for action in _ACTIONS:
        action_errors = _errors_of(answer, action)
        if action_errors:
            errors[action] = tuple(action_errors)
    for action, key in requested:
        success = _success_of(answer, action)
        if key in success or (
            reported_as is not None and any(reported_as(done, key) for done in success)
        ):
            outcomes.append(BulkEntityResult(action=action, key=key, ok=True))
            continue
        failures = errors.get(action, ())
        error = next(
            (e for e in failures if found(str(e.get("error", "")), key)),
            failures[0] if failures else None,
        )
        status = error.get("status_code") if error else None
        outcomes.append(
            BulkEntityResult(
                action=action,
                key=key,
                ok=False,
                status_code=status if isinstance(status, int) else None,
                error=str(error.get("error")) if error else "the server did not apply it",
            )
        )
    return BulkResult(entities=tuple(outcomes), errors=errors)


def _names_key(message: str, key: str) -> bool:
    return f"'{key}'" in message or f'"{key}"' in message or f"`{key}`" in message
