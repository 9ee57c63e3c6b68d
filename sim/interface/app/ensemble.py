"""Ensembles for the app: the design and its baseline over N replications with the same
seeds, in the background, with progress, cancellation and a cache.

A replication is one :class:`sim.experiment.runner.Task`, run by
:func:`sim.experiment.runner.run_task` (the budget included), so the app's numbers are the
command line's numbers.  The seeds come from the scenario's seed
(:func:`sim.experiment.runner.plan`); results are placed by task, never by finishing
order, so the same request gives the same numbers with any number of workers.  With
``workers > 1`` a process pool lives only for the length of one ensemble and is shut down
(pending tasks cancelled) before :func:`run` returns, also when it is cancelled or fails:
no process outlives an ensemble.

Each arm's replications are cached by what runs (the scenario's settings, not its name)
and the seeds, so the baseline is computed once per scenario for every participant, and
a design equal to the baseline costs nothing.

Scale: every shipped scenario runs at full size (a Copenhagen replication takes about
0.1 s of CPU).  A scenario larger than :data:`FULL_SIZE_LIMIT` citizens runs at a scale
that keeps its staff's fractional capacity (:func:`sim.spec.scale.scale_to`), and the
result says so.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from sim.experiment.findings import ComparisonFindings, compare_findings
from sim.experiment.pool import die_with_parent
from sim.experiment.resources import usable_cores
from sim.experiment.runner import Replication, Task, plan, replications_table, run_task
from sim.experiment.statistics import comparison_frame, summary_frame
from sim.spec.scale import scale_to
from sim.spec.scenario import Scenario

DEFAULT_REPLICATIONS = 20         #: enough for the verdict rules (clear needs 10 pairs) and a stable mean
REPLICATION_CHOICES = (10, 20, 50, 100)
FULL_SIZE_LIMIT = 20_000          #: citizens; above this an ensemble runs scaled (fractional capacity kept)
DESIGN = "design"                 #: the design's name in the tables (the baseline keeps the scenario's)
WORKERS_ENV = "FREMSKUDT_APP_WORKERS"

_cache: dict[tuple, pd.DataFrame] = {}
_cache_lock = threading.Lock()


class Cancelled(Exception):
    """The ensemble was cancelled before it finished."""


@dataclass
class Ensemble:
    """A finished ensemble: both arms' replications and what the report computes from them."""

    baseline: Scenario
    design: Scenario
    replications: int
    seed: int
    scale: float
    reps: pd.DataFrame = field(repr=False)            # long table: scenario, replication, seed, outcome, value
    summary: pd.DataFrame = field(repr=False)         # summary_frame of both arms
    comparison: pd.DataFrame = field(repr=False)      # design against the baseline, paired by seed
    findings: ComparisonFindings = field(repr=False)

    @property
    def key(self) -> tuple:
        return request_key(self.baseline, self.design, self.replications, self.seed)


def settings_key(sc: Scenario) -> str:
    """What runs, whatever the scenario is called."""
    return sc.model_copy(update={"name": "-", "description": ""}).digest()


def request_key(baseline: Scenario, design: Scenario, replications: int, seed: int) -> tuple:
    return settings_key(baseline), settings_key(design), int(replications), int(seed)


def _arm_tasks(sc: Scenario, name: str, seed: int, replications: int) -> list[Task]:
    _, tasks = plan([sc.model_copy(update={"name": name})], seed, replications)
    return tasks


def _execute(tasks: list[Task], workers: int, tick: Callable[[], None], cancelled: Callable[[], bool]
             ) -> list[Replication]:
    out: list[Replication | None] = [None] * len(tasks)
    if workers <= 1 or len(tasks) <= 1:
        for i, t in enumerate(tasks):
            if cancelled():
                raise Cancelled()
            out[i] = run_task(t)
            tick()
        return out  # type: ignore[return-value]
    # the app's ensembles run in a server thread, where signal handlers cannot be set, so
    # not local_pool; the workers still die with the server (die_with_parent)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=multiprocessing.get_context("spawn"),
                               initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
        for fut in as_completed(futures):
            if cancelled():
                raise Cancelled()
            out[futures[fut]] = fut.result()
            tick()
        return out  # type: ignore[return-value]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _arms(arms: list[Scenario], seed: int, replications: int, workers: int, tick, cancelled) -> list[pd.DataFrame]:
    """Each arm's replications table (from the cache when it has run before); the arms not
    cached run together, in one pool when ``workers > 1``."""
    keys = [(settings_key(sc), int(seed), int(replications)) for sc in arms]
    with _cache_lock:
        found = {k: _cache[k] for k in keys if k in _cache}
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    for _ in range(replications * (len(arms) - len(todo))):
        tick()
    if todo:
        first = dict(zip(keys, arms))
        tasks = [t for k in todo for t in _arm_tasks(first[k], "-", seed, replications)]
        done = _execute(tasks, workers, tick, cancelled)
        for i, k in enumerate(todo):
            found[k] = replications_table(done[i * replications:(i + 1) * replications])
        with _cache_lock:
            _cache.update({k: found[k] for k in todo})
    return [found[k] for k in keys]


def run(baseline: Scenario, design: Scenario, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None,
        workers: int = 1, progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None) -> Ensemble:
    """Run (or fetch) both arms and compare them.  ``progress`` gets the finished share
    (0-1) after each replication; ``cancelled`` is asked between replications."""
    seed = baseline.seed if seed is None else int(seed)
    base_run, design_run = scale_to(baseline, FULL_SIZE_LIMIT), scale_to(design, FULL_SIZE_LIMIT)
    scale = base_run.population.size / baseline.population.size
    total, done = 2 * replications, [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / total)

    stop = cancelled or (lambda: False)
    base_reps, design_reps = _arms([base_run, design_run], seed, replications, workers, tick, stop)
    reps = pd.concat([base_reps.assign(scenario=baseline.name), design_reps.assign(scenario=DESIGN)],
                     ignore_index=True)
    arms = [base_run, design_run.model_copy(update={"name": DESIGN})]
    summary = pd.concat([summary_frame(sc, reps, {}) for sc in arms], ignore_index=True)
    comparison = comparison_frame(reps, [baseline.name, DESIGN])
    (findings,) = compare_findings(comparison, arms)
    return Ensemble(baseline=baseline, design=design, replications=replications, seed=seed, scale=scale, reps=reps,
                    summary=summary, comparison=comparison, findings=findings)


def env_workers() -> int:
    """Worker processes for the app's ensembles (``fremskudt app --workers``; default 1: a
    thread), at most the usable cores however the variable was set."""
    try:
        return min(max(1, int(os.environ.get(WORKERS_ENV, "1"))), usable_cores())
    except ValueError:
        return 1


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
