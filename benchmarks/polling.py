"""Scenario g: the requests it takes to trigger many runs and wait for each to end.

Every variant triggers the same runs against a simulation of the stub server (its own runs,
which end by themselves after seeded random delays, and its own request counts; see
``stub_server.py``), then waits until every run has ended:

* ours: ``dag_runs.trigger_many``, then ``dag_runs.wait_many`` (one paged batch list of the
  runs still queued or running per poll cycle, one ``GET`` per run that left it);
* ours, per run: ``dag_runs.trigger_many``, then ``dag_runs.wait`` for every run at once
  (one ``GET`` per run per poll), as waiting went before batching;
* official: apache-airflow-client 2.10.0 on 32 threads, the way its users write it:
  ``post_dag_run`` for each run, then ``get_dag_run`` for each run not yet ended, once per
  poll cycle, until none is left.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from _measure import fmt_ratio
from clients import AUTH, official_api
from scenarios import Check, Section

from airflow_client_async import AsyncClient, RunOk

__all__ = ["FULL", "SMOKE", "PollSizes", "requests_per_run"]

_TERMINAL = ("success", "failed")


@dataclass(frozen=True)
class PollSizes:
    """How many runs, how long they last, how often they are polled."""

    runs: int
    dags: int
    shortest: float
    longest: float
    poll_interval: float
    rounds: int
    failed_share: float = 0.1
    seed: int = 1127


FULL = PollSizes(runs=500, dags=5, shortest=0.5, longest=3.0, poll_interval=1.0, rounds=3)
SMOKE = PollSizes(runs=20, dags=2, shortest=0.1, longest=0.4, poll_interval=0.2, rounds=1)

#: (label, how, API) of every variant, in the order of the table.
_VARIANTS = (
    ("ours: trigger_many + wait_many", "ours", "v1"),
    ("ours: trigger_many + a get per run per cycle", "per_run", "v1"),
    ("official 2.10.0: GET per run per poll", "official", "v1"),
    ("ours: trigger_many + wait_many", "ours", "v2"),
    ("ours: trigger_many + a get per run per cycle", "per_run", "v2"),
)

#: The goal for ours: requests per awaited run per poll cycle.
GOAL = 0.1


@dataclass
class _Outcome:
    """One variant's run in one round: what the stub counted, and how long it took."""

    counts: dict[str, Any]
    wall: float
    final_states: Counter[str]

    def requests(self, kind: str) -> int:
        return int(self.counts["requests"].get(kind, 0))

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.counts["requests"].values())

    @property
    def setup(self) -> int:
        # The version probe (a 404 from the other API included) and the token exchange.
        return self.requests("version") + self.requests("token") + self.requests("other")

    @property
    def run_cycles(self) -> int:
        """Awaited runs summed over poll cycles: each run once per cycle it was waited in.

        With batched polling the stub adds up, at each cycle's first list page, the runs
        not yet read in a final state; with per-run polling each ``GET`` is one run polled
        in one cycle.
        """
        if self.requests("list"):
            return int(self.counts["awaited_at_cycles"])
        return self.requests("get")


async def requests_per_run(base_url: str, sizes: PollSizes) -> Section:
    """Trigger and await ``sizes.runs`` runs with each variant; count the requests."""
    n = sizes.runs
    section = Section(
        f"g. Requests per awaited run: {n:,} runs over {sizes.dags} DAGs, triggered and awaited",
        f"Each run ends {sizes.shortest:g} to {sizes.longest:g} s after it is created (uniform, "
        f"seeded, the same draws for every variant of a round; {sizes.failed_share:.0%} of "
        "them fail), in a simulation of the stub that counts every request it gets. Every "
        f"variant polls every {sizes.poll_interval:g} s, fixed (`poll_interval` = "
        f"`max_poll_interval` = {sizes.poll_interval:g}). Ours: `trigger_many` (16 at once, "
        "its default), then `wait_many` (one `POST …/dags/~/dagRuns/list` per 100 runs still "
        "queued or running per cycle, then one more list, latest ends first, of the runs "
        "that ended, and a `GET` only for a run it missed) or a `get` per run per poll "
        "for every run at once (as before batching); ours "
        "detects the API itself (`GET /api/v2/version`, then `/api/v1/version`) and, on "
        "`/api/v2`, exchanges basic credentials for a token. Official: apache-airflow-client "
        "2.10.0 (it speaks `/api/v1` only) on 32 threads: `post_dag_run` per run, then "
        "`get_dag_run` per run not yet ended, once per poll cycle. A run-cycle is one run "
        "awaited during one poll cycle. Medians over "
        f"{sizes.rounds} round{'s' if sizes.rounds > 1 else ''}; the variants take turns "
        "within each round.",
    )
    outcomes: dict[int, list[_Outcome]] = {index: [] for index in range(len(_VARIANTS))}
    async with httpx.AsyncClient(base_url=base_url, trust_env=False) as control:
        for round_index in range(sizes.rounds):
            order = list(range(len(_VARIANTS)))
            shift = round_index % len(order)
            for index in order[shift:] + order[:shift]:
                _, how, api = _VARIANTS[index]
                outcome = await _one(control, base_url, sizes, how, api, round_index)
                outcomes[index].append(outcome)

    header = [
        "variant",
        "API",
        "triggers",
        "polls",
        "final reads",
        "version, token",
        "requests in all",
        "per awaited run",
        "cycles per run",
        "per run per cycle",
        "polls per run per cycle",
        "wall time",
    ]
    rows = [header]
    figure: list[dict[str, Any]] = []
    per_cycle: dict[tuple[str, str], tuple[float, float]] = {}
    for index, (label, how, api) in enumerate(_VARIANTS):
        seen = outcomes[index]
        batched = how == "ours"

        def med(value: Any, seen: list[_Outcome] = seen) -> float:
            return statistics.median(value(o) for o in seen)

        triggers = med(lambda o: o.requests("trigger"))
        polls = med(lambda o: o.requests("list") if o.requests("list") else o.requests("get"))
        finals = med(lambda o: o.requests("get") if o.requests("list") else 0)
        setup = med(lambda o: o.setup)
        total = med(lambda o: o.total)
        cycles = med(lambda o: o.run_cycles / n)
        all_per_cycle = med(lambda o: (o.requests("list") + o.requests("get")) / o.run_cycles)
        polls_per_cycle = med(
            lambda o: (
                (o.requests("list") if o.requests("list") else o.requests("get")) / o.run_cycles
            )
        )
        wall = med(lambda o: o.wall)
        per_cycle[how, api] = (all_per_cycle, polls_per_cycle)
        rows.append(
            [
                label,
                f"`/api/{api}`",
                f"{triggers:,.0f}",
                f"{polls:,.0f}" + (" lists" if batched else " GETs"),
                f"{finals:,.0f} GETs" if batched else "(the last poll)",
                f"{setup:,.0f}",
                f"{total:,.0f}",
                f"{total / n:.2f}",
                f"{cycles:.2f}",
                f"{all_per_cycle:.3f}",
                f"{polls_per_cycle:.3f}",
                f"{wall:.1f} s",
            ]
        )
        figure.append(
            {
                "label": label,
                "api": api,
                "per_run": {
                    "triggers": triggers / n,
                    "polls": polls / n,
                    "final reads": finals / n,
                    "version, token": setup / n,
                },
                "per_cycle": all_per_cycle,
                "polls_per_cycle": polls_per_cycle,
                "batched": batched,
            }
        )
    section.tables.append(rows)
    section.data["requests_per_run"] = {"variants": figure, "goal": GOAL, "runs": n}

    ratio_rows = [
        ["API", "requests in all: per run / ours", "official / ours", "wall: per run / ours"]
    ]
    for api in ("v1", "v2"):
        ours_index = next(i for i, v in enumerate(_VARIANTS) if v[1:] == ("ours", api))
        per_run_index = next(i for i, v in enumerate(_VARIANTS) if v[1:] == ("per_run", api))
        official_index = next(
            (i for i, v in enumerate(_VARIANTS) if v[1:] == ("official", api)), None
        )
        ours_seen, per_run_seen = outcomes[ours_index], outcomes[per_run_index]
        official_ratio = (
            fmt_ratio(_ratio(outcomes[official_index], ours_seen, lambda o: o.total))
            if official_index is not None
            else "(no /api/v2)"
        )
        ratio_rows.append(
            [
                f"`/api/{api}`",
                fmt_ratio(_ratio(per_run_seen, ours_seen, lambda o: o.total)),
                official_ratio,
                fmt_ratio(_ratio(per_run_seen, ours_seen, lambda o: o.wall)),
            ]
        )
        every, polling = per_cycle["ours", api]
        section.checks.append(
            Check(
                f"g: {api} ours (wait_many) ≤ {GOAL} requests per awaited run per poll cycle, "
                "final reads included",
                f"{every:.3f}",
                every <= GOAL,
            )
        )
        section.checks.append(
            Check(
                f"g: {api} ours (wait_many) ≤ {GOAL} list requests per awaited run per poll cycle",
                f"{polling:.3f}",
                polling <= GOAL,
            )
        )
    section.tables.append(ratio_rows)
    section.notes.append(
        "Ratios are taken within each round, then the median. Batched polling costs a list "
        "request per 100 awaited runs per cycle, whatever the runs do, and the runs that "
        "ended come from one more list per cycle (latest ends first); a `GET` is left only "
        "for a run both lists missed (one that ended between the pages of a cycle, or the "
        "only run to end in a cycle). Per-run polling costs one request per run per cycle "
        "(1.000) by construction."
    )
    return section


def _ratio(numerators: list[_Outcome], denominators: list[_Outcome], value: Any) -> float:
    return statistics.median(
        value(a) / value(b) for a, b in zip(numerators, denominators, strict=True)
    )


async def _one(
    control: httpx.AsyncClient,
    base_url: str,
    sizes: PollSizes,
    how: str,
    api: str,
    round_index: int,
) -> _Outcome:
    key = f"{how}-{api}-{round_index}-{uuid.uuid4().hex[:8]}"
    started = await control.post(
        "/_sim",
        json={
            "key": key,
            "api": api,
            "seed": sizes.seed + round_index,
            "shortest": sizes.shortest,
            "longest": sizes.longest,
            "failed_share": sizes.failed_share,
        },
    )
    started.raise_for_status()
    url = f"{base_url}/sim/{key}"
    dag_ids = [f"bench_wait_{index % sizes.dags}" for index in range(sizes.runs)]
    timeout = sizes.longest + 60
    began = time.perf_counter()
    if how == "official":
        loop = asyncio.get_running_loop()
        states = await loop.run_in_executor(
            None, _official, url, dag_ids, sizes.poll_interval, timeout
        )
    else:
        states = await _ours(url, dag_ids, sizes.poll_interval, timeout, batched=how == "ours")
    wall = time.perf_counter() - began
    answer = await control.get(f"/_sim/{key}", params={"drop": "1"})
    answer.raise_for_status()
    counts = answer.json()
    expected = Counter(counts["final_states"])
    if len(states) != sizes.runs or Counter(states) != expected:
        raise RuntimeError(f"{how} on {api}: saw {Counter(states)}, the stub ended {expected}")
    if counts["runs"] != sizes.runs or counts["settled"] != sizes.runs:
        raise RuntimeError(f"{how} on {api}: {counts}")
    return _Outcome(counts=counts, wall=wall, final_states=Counter(states))


async def _ours(
    url: str, dag_ids: list[str], interval: float, timeout: float, *, batched: bool
) -> list[str]:
    async with AsyncClient(url, auth=AUTH) as client:
        triggered = await client.dag_runs.trigger_many(dag_ids)
        failed = [r for r in triggered if not r.ok]
        if failed:
            raise RuntimeError(f"trigger failed: {failed[0]}")
        if batched:
            results = await client.dag_runs.wait_many(
                triggered, timeout=timeout, poll_interval=interval, max_poll_interval=interval
            )
            runs = []
            for result in results:
                if not isinstance(result, RunOk):
                    raise RuntimeError(f"wait failed: {result}")
                runs.append(result.run)
        else:
            # Per-run polling, as wait_many did before it batched (and as wait still does
            # before Airflow 3.1): a get per run per cycle until the run has ended.
            async def poll_one(dag_id: str, dag_run_id: str) -> Any:
                with anyio.fail_after(timeout):
                    while True:
                        run = await client.dag_runs.get(dag_id, dag_run_id)
                        if str(run.state) in _TERMINAL:
                            return run
                        await anyio.sleep(interval)

            runs = await asyncio.gather(*(poll_one(r.dag_id, r.dag_run_id) for r in triggered))
    return [str(run.state) for run in runs]


def _official(url: str, dag_ids: list[str], interval: float, timeout: float) -> list[str]:
    from airflow_client.client.api.dag_run_api import DAGRunApi
    from airflow_client.client.model.dag_run import DAGRun

    api = official_api(url, pool_size=32)
    runs_api = DAGRunApi(api)
    deadline = time.monotonic() + timeout
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        created = list(pool.map(lambda dag_id: runs_api.post_dag_run(dag_id, DAGRun()), dag_ids))
        pending = [(run.dag_id, run.dag_run_id) for run in created]
        ended: dict[tuple[str, str], str] = {}
        while pending:
            if time.monotonic() > deadline:
                raise RuntimeError(f"official: {len(pending)} runs still running")
            seen = list(pool.map(lambda key: runs_api.get_dag_run(*key), pending))
            still = []
            for key, run in zip(pending, seen, strict=True):
                state = str(run.state.value)
                if state in _TERMINAL:
                    ended[key] = state
                else:
                    still.append(key)
            pending = still
            if pending:
                time.sleep(interval)
    api.close()
    return list(ended.values())
