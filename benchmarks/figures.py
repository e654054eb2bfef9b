"""Figures of a benchmark run: PNG files beside its Markdown, linked from the sections.

Drawn with matplotlib on its Agg backend (no display needed), which only the benchmarks'
own environment installs (``benchmarks/run.sh``):

* ``<results>-fan-out.png``: throughput against concurrency for every client, from
  scenario c (``Section.data["fan_out"]``);
* ``<results>-requests-per-run.png``: requests per awaited run and per run per poll
  cycle, from scenario g (``Section.data["requests_per_run"]``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from scenarios import Section

__all__ = ["draw"]

_STYLE = {
    "ours, aiohttp": ("tab:blue", "o", "-"),
    "raw httpx, aiohttp": ("tab:blue", "s", "--"),
    "ours, httpx": ("tab:orange", "o", "-"),
    "raw httpx, httpx": ("tab:orange", "s", "--"),
    "raw aiohttp": ("tab:green", "^", ":"),
}
_KINDS = {
    "triggers": "tab:gray",
    "polls": "tab:red",
    "final reads": "tab:blue",
    "version, token": "tab:olive",
}
_API_TITLES = {"v1": "/api/v1 (Airflow 2 shapes)", "v2": "/api/v2 (Airflow 3 shapes)"}


def draw(sections: list[Section], results: Path) -> list[Path]:
    """Draw every figure the sections have data for; link each from its section."""
    drawn = []
    for section in sections:
        for name, data in section.data.items():
            painter = _PAINTERS.get(name)
            if painter is None:
                continue
            path = results.with_name(f"{results.stem}-{name.replace('_', '-')}.png")
            alt = painter(data, path)
            section.notes.append(f"![{alt}]({path.name})")
            drawn.append(path)
    return drawn


def _fan_out(data: dict[str, Any], path: Path) -> str:
    concurrency: list[int] = data["concurrency"]
    apis: dict[str, Any] = data["apis"]
    figure, axes = plt.subplots(
        1, len(apis), figsize=(6.2 * len(apis), 4.8), sharey=True, squeeze=False
    )
    top = 0.0
    for axis, (api, measured) in zip(axes[0], apis.items(), strict=True):
        for label, points in measured["clients"].items():
            colour, marker, line = _STYLE[label]
            medians = [p[0] for p in points]
            top = max(top, *(p[2] for p in points))
            axis.plot(
                concurrency, medians, color=colour, marker=marker, linestyle=line, label=label
            )
            axis.fill_between(
                concurrency,
                [p[1] for p in points],
                [p[2] for p in points],
                color=colour,
                alpha=0.12,
            )
        official = measured["official"]
        if official is not None:
            median, low, high = official
            top = max(top, high)
            axis.errorbar(
                [32],
                [median],
                yerr=[[median - low], [high - median]],
                color="black",
                marker="D",
                markersize=8,
                linestyle="none",
                capsize=4,
                label="official 2.10.0, 32 threads",
            )
        axis.set_xscale("log", base=2)
        axis.xaxis.set_major_locator(FixedLocator(concurrency))
        axis.xaxis.set_minor_locator(NullLocator())
        axis.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
        axis.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))
        axis.set_title(_API_TITLES.get(api, api))
        axis.set_xlabel("requests in flight (concurrency)")
        axis.grid(True, alpha=0.3)
    axes[0][0].set_ylim(0, top * 1.08)
    axes[0][0].set_ylabel("triggers per second (median; band: min to max of rounds)")
    handles, names = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=6, fontsize=9, frameon=False)
    figure.suptitle("Fan-out (scenario c): trigger throughput against concurrency")
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return "Fan-out: trigger throughput against concurrency, every client, /api/v1 and /api/v2"


def _requests_per_run(data: dict[str, Any], path: Path) -> str:
    variants: list[dict[str, Any]] = data["variants"]
    goal: float = data["goal"]
    labels = [f"{v['label']}\n/api/{v['api']}" for v in variants]
    rows = list(range(len(variants)))[::-1]  # the first variant on top
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 0.9 * len(variants) + 2.4), sharey=True)

    starts = [0.0] * len(variants)
    for kind, colour in _KINDS.items():
        widths = [v["per_run"][kind] for v in variants]
        left.barh(rows, widths, left=starts, color=colour, label=kind, height=0.6)
        starts = [s + w for s, w in zip(starts, widths, strict=True)]
    for row, total in zip(rows, starts, strict=True):
        left.text(total + 0.05, row, f"{total:.2f}", va="center", fontsize=9)
    left.set_yticks(rows, labels, fontsize=9)
    left.set_xlim(0, max(starts) * 1.18)
    left.set_xlabel("requests per awaited run (trigger included)")
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4)
    left.grid(True, axis="x", alpha=0.3)

    every = [v["per_cycle"] for v in variants]
    polls = [v["polls_per_cycle"] for v in variants]
    right.barh(rows, every, color="tab:blue", alpha=0.35, height=0.6, label="all requests")
    right.barh(rows, polls, color="tab:red", height=0.3, label="polls only (lists or GETs)")
    for row, a, b in zip(rows, every, polls, strict=True):
        right.text(a * 1.1, row + 0.12, f"{a:.3f}", va="center", fontsize=8)
        if b != a:
            right.text(b * 1.1, row - 0.15, f"{b:.3f}", va="center", fontsize=8, color="tab:red")
    right.axvline(goal, color="black", linestyle="--", linewidth=1)
    right.text(goal, len(variants) - 0.45, f" goal {goal:g}", fontsize=8)
    right.set_xscale("log")
    right.set_xlim(min(polls) / 2, max(every) * 3)
    right.set_xlabel("requests per awaited run per poll cycle (log scale)")
    right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    right.grid(True, axis="x", alpha=0.3)
    figure.suptitle(f"Requests to trigger and await {data['runs']:,} runs (scenario g)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return "Requests per awaited run and per run per poll cycle, every variant"


_PAINTERS = {"fan_out": _fan_out, "requests_per_run": _requests_per_run}
