"""Messages for decoding errors: which field of which class is wrong, and how.

A generated structure function (:mod:`._codegen`) stops at the first problem; when it
fails, :func:`explain` checks the body field by field with the :class:`FieldPlan` of each
field and builds one :class:`cattrs.ClassValidationError` naming every bad field.
:func:`error_lines` flattens such an error (or any cattrs validation error) into
``"path: problem"`` lines.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from ._codecs import describe_kind

__all__ = ["FieldPlan", "MissingField", "error_lines", "explain"]


class FieldPlan(typing.NamedTuple):
    name: str
    key: str
    fill: str | None
    required: bool
    type: Any
    convert: Callable[[Any], Any]
    item: Callable[[Any], Any] | None


def _add_note(exc: BaseException, note: str) -> None:
    # BaseException.add_note() is 3.11+; cattrs reads __notes__ on 3.10 as well.
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def _sub_errors(exc: BaseValidationError) -> Sequence[BaseException]:
    # cattrs' exception groups are untyped to pyright.
    found = exc.exceptions  # pyright: ignore[reportUnknownMemberType,reportUnknownVariableType]
    return typing.cast("Sequence[BaseException]", found)


def _leaves(exc: BaseException, path: str) -> list[str]:
    """Flatten a validation error tree into ``"path: message"`` lines."""
    if isinstance(exc, BaseValidationError):
        found: list[str] = []
        for inner in _sub_errors(exc):
            step = ""
            for note in getattr(inner, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    step = f".{note.name}" if path else note.name
                elif isinstance(note, IterableValidationNote):
                    step = f"[{note.index}]"
            found.extend(_leaves(inner, path + step))
        return found
    message = str(exc)
    return [f"{path}: {message}" if path else message]


def _class_error(cls: type, errors: list[Exception]) -> ClassValidationError:
    leaves = [leaf for error in errors for leaf in _leaves_of(error)]
    shown = "; ".join(leaves[:5]) + (f"; and {len(leaves) - 5} more" if len(leaves) > 5 else "")
    return ClassValidationError(f"While structuring {cls.__name__}: {shown}", errors, cls)


def _leaves_of(error: BaseException) -> list[str]:
    # One error of a class: its attribute note names the first step of the path.
    step = ""
    for note in getattr(error, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            step = note.name
    return _leaves(error, step)


def error_lines(exc: BaseException) -> list[str]:
    """Return one ``"path: problem"`` line per bad field of a decoding error."""
    if isinstance(exc, ClassValidationError):
        inner = _sub_errors(exc)
        return [leaf for error in inner for leaf in _leaves_of(error)] or [str(exc)]
    if isinstance(exc, BaseValidationError):
        return _leaves(exc, "")
    return [str(exc)]


class MissingField(Exception):
    """Raised by a generated structure function for an absent or null identity field."""


def explain(cls: type, data: Any, plans: list[FieldPlan], cause: Exception | None) -> Exception:
    """Find every bad field of ``data`` after the fast path failed; return the error."""
    if not isinstance(data, Mapping):
        error = TypeError(f"expected an object, got {describe_kind(data)}")
        return ClassValidationError(f"While structuring {cls.__name__}: {error}", [error], cls)
    body = typing.cast("Mapping[str, Any]", data)
    errors: list[Exception] = []
    for plan in plans:
        value = body.get(plan.key)
        if value is None and plan.fill is not None:
            value = body.get(plan.fill)
        try:
            if value is None and plan.required:
                raise TypeError(
                    "required field is null" if plan.key in body else "required field missing"
                )
            plan.convert(value)
        except Exception as exc:
            if plan.item is not None and isinstance(value, (list, tuple)):
                items = typing.cast("Sequence[Any]", value)
                exc = _explain_items(plan, items) or exc
            _add_note(
                exc,
                AttributeValidationNote(
                    f"Structuring class {cls.__qualname__} @ attribute {plan.name}",
                    plan.name,
                    plan.type,
                ),
            )
            errors.append(exc)
    if not errors:
        # The fast path failed where no single field does (e.g. in the constructor).
        if cause is None:
            cause = TypeError(f"cannot structure {cls.__qualname__} from {describe_kind(data)}")
        _add_note(cause, f"Structuring {cls.__qualname__}")
        errors.append(cause)
    return _class_error(cls, errors)


#: The bad items of one list that a decoding error describes; the rest are counted.
_MAX_ITEM_ERRORS = 20


def _explain_items(plan: FieldPlan, value: Sequence[Any]) -> Exception | None:
    assert plan.item is not None
    errors: list[Exception] = []
    bad = 0
    for index, item in enumerate(value):
        try:
            plan.item(item)
        except Exception as exc:
            bad += 1
            if bad > _MAX_ITEM_ERRORS:
                continue
            _add_note(
                exc, IterableValidationNote(f"Structuring {plan.type} @ index {index}", index, None)
            )
            errors.append(exc)
    if not errors:
        return None
    if bad > _MAX_ITEM_ERRORS:
        # A page of 20,000 items that all lack a field would otherwise carry 20,000
        # exceptions, which a traceback prints one by one.
        errors.append(ValueError(f"and {bad - _MAX_ITEM_ERRORS} more items do not fit"))
    return IterableValidationError(f"While structuring {plan.name}", errors, plan.type)
