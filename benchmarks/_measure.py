"""Timing helpers: interleaved rounds, medians, and ratios taken within each round.

The machine is shared and noisy, so variants are never timed one after the other in long
blocks: each round times every variant once (in a rotating order), and a ratio between two
variants is computed inside each round before the median is taken over rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

__all__ = [
    "Rounds",
    "fmt_ms",
    "fmt_rate",
    "fmt_ratio",
    "per_call",
    "run_rounds",
    "run_rounds_sync",
]


class Rounds:
    """Samples per variant, one per round, in the unit the scenario chose."""

    def __init__(self, names: Sequence[str]) -> None:
        self.samples: dict[str, list[float]] = {name: [] for name in names}

    def add(self, name: str, value: float) -> None:
        self.samples[name].append(value)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def ratio(self, numerator: str, denominator: str) -> float:
        """Median over rounds of ``numerator / denominator`` within the same round."""
        pairs = zip(self.samples[numerator], self.samples[denominator], strict=True)
        return statistics.median(a / b for a, b in pairs)

    def spread(self, name: str) -> tuple[float, float]:
        values = self.samples[name]
        return min(values), max(values)


def _order(names: Sequence[str], round_index: int) -> list[str]:
    shift = round_index % len(names)
    return [*names[shift:], *names[:shift]]


async def run_rounds(variants: dict[str, Callable[[], Awaitable[float]]], rounds: int) -> Rounds:
    """Run every async variant once per round; each returns its own sample."""
    result = Rounds(list(variants))
    for index in range(rounds):
        for name in _order(list(variants), index):
            result.add(name, await variants[name]())
    return result


def run_rounds_sync(variants: dict[str, Callable[[], float]], rounds: int) -> Rounds:
    """Run every variant once per round; each returns its own sample."""
    result = Rounds(list(variants))
    for index in range(rounds):
        for name in _order(list(variants), index):
            result.add(name, variants[name]())
    return result


async def per_call(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    """Mean seconds per call of ``calls`` calls made one after the other."""
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def fmt_rate(per_second: float) -> str:
    return f"{per_second:,.0f}/s"


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}x"
