"""The date and duration ranges that lists of DAG runs and of task instances filter by.

Each range is four keys: ``_gte`` (at or after), ``_gt`` (after), ``_lte`` (at or before)
and ``_lt`` (before). Airflow 3 takes all four; Airflow 2 at most the ``_gte`` and ``_lte``
forms, and of fewer ranges (each filter's docstring says which), and names the logical
date ``execution_date``. What a server lacks is refused before anything is sent.
"""

from __future__ import annotations

from typing import Final, TypedDict

from ._base import DateTimeFilter

__all__ = ["V1_DATES", "DurationRanges", "RunDateRanges", "RunRanges", "UpdatedAtRanges"]

#: Airflow 2's names of the logical date bounds, in a query or a body.
V1_DATES: Final = {
    "logical_date_gte": "execution_date_gte",
    "logical_date_lte": "execution_date_lte",
}


class RunDateRanges(TypedDict, total=False):
    """Bounds on the times of a run (and of what ran in it).

    Dates take timezone-aware datetimes (both servers refuse naive ones) or ISO 8601
    strings, sent unchanged.

    Keys:
        logical_date_gte: A run's logical date at or after this time (Airflow 2's
            ``execution_date_gte``; ``_lte`` likewise).
        logical_date_gt: … after this time.
        logical_date_lte: … at or before this time.
        logical_date_lt: … before this time.
        start_date_gte: Started at or after this time.
        start_date_gt: … after this time.
        start_date_lte: … at or before this time.
        start_date_lt: … before this time.
        end_date_gte: Ended at or after this time.
        end_date_gt: … after this time.
        end_date_lte: … at or before this time.
        end_date_lt: … before this time.
        run_after_gte: A run due at or after this time. Airflow 3 only, as are the other
            three ``run_after_*`` forms.
        run_after_gt: … after this time.
        run_after_lte: … at or before this time.
        run_after_lt: … before this time.
    """

    logical_date_gte: DateTimeFilter
    logical_date_gt: DateTimeFilter
    logical_date_lte: DateTimeFilter
    logical_date_lt: DateTimeFilter
    start_date_gte: DateTimeFilter
    start_date_gt: DateTimeFilter
    start_date_lte: DateTimeFilter
    start_date_lt: DateTimeFilter
    end_date_gte: DateTimeFilter
    end_date_gt: DateTimeFilter
    end_date_lte: DateTimeFilter
    end_date_lt: DateTimeFilter
    run_after_gte: DateTimeFilter
    run_after_gt: DateTimeFilter
    run_after_lte: DateTimeFilter
    run_after_lt: DateTimeFilter


class UpdatedAtRanges(TypedDict, total=False):
    """Bounds on when a record was last updated.

    Keys:
        updated_at_gte: Updated at or after this time.
        updated_at_gt: … after this time. Airflow 3 only, as is ``_lt``.
        updated_at_lte: … at or before this time.
        updated_at_lt: … before this time.
    """

    updated_at_gte: DateTimeFilter
    updated_at_gt: DateTimeFilter
    updated_at_lte: DateTimeFilter
    updated_at_lt: DateTimeFilter


class DurationRanges(TypedDict, total=False):
    """Bounds on how long something ran, in seconds.

    Keys:
        duration_gte: At least this many seconds.
        duration_gt: More than this many seconds.
        duration_lte: At most this many seconds.
        duration_lt: Less than this many seconds.
    """

    duration_gte: float | None
    duration_gt: float | None
    duration_lte: float | None
    duration_lt: float | None


class RunRanges(RunDateRanges, DurationRanges, total=False):
    """The bounds of :class:`RunDateRanges` and of :class:`DurationRanges` together."""
