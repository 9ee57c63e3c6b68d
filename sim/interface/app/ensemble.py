"""Ensembles for the app: the design and its baseline over N replications with the same
seeds, in the background, with progress, cancellation and a cache.

A replication is one :class:`sim.experiment.runner.Task`, run by
:func:`sim.experiment.runner.run_task` (the budget included), so the app's numbers are the
command line's numbers.  The seeds come from the scenario's seed, and the behavioural
parameters are drawn from the committed fit by the same rule as ``fremskudt run``
(:func:`sim.experiment.runner.plan` with :data:`sim.experiment.runner.DEFAULT_POSTERIOR`)
unless fixed parameters are asked for; results are placed by task, never by finishing
order, so the same request gives the same numbers with any number of workers.

With ``workers > 1`` the replications run on a warm pool (:class:`WarmPool`): worker
processes started once for the server, each warmed by one small replication (imports and
compiled loops), and shared by every participant's ensembles, so that pressing Run costs
only the simulations.  The workers die with the server; :func:`shutdown_pool` ends them
earlier.  A cancelled ensemble cancels its replications that have not started.

Each arm's replications are cached by what runs (the scenario's settings, not its name)
and the seeds, so the baseline is computed once per scenario for every participant, and
a design equal to the baseline costs nothing.

Scale: every shipped scenario runs at full size (a Copenhagen replication takes about
0.1 s of CPU).  A scenario larger than :data:`FULL_SIZE_LIMIT` citizens runs at a scale
that keeps its staff's fractional capacity (:func:`sim.spec.scale.scale_to`), and the
result says so.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import pandas as pd

from sim.experiment.findings import ComparisonFindings, compare_findings, left_out
from sim.experiment.horizon import Horizon, HorizonBudget, horizon_budget
from sim.experiment.pool import die_with_parent, stop as stop_pool
from sim.experiment.resources import usable_cores
from sim.experiment.runner import DEFAULT_POSTERIOR, Replication, Task, load_posterior, plan, replications_table, run_task
from sim.experiment.statistics import comparison_frame, summary_frame
from sim.spec.prices import load_prices
from sim.spec.scale import scale_to
from sim.spec.scenario import Scenario

DEFAULT_REPLICATIONS = 20         #: enough for the verdict rules (clear needs 10 pairs) and a stable mean
REPLICATION_CHOICES = (10, 20, 50, 100)
FULL_SIZE_LIMIT = 20_000          #: citizens; above this an ensemble runs scaled (fractional capacity kept)
DESIGN = "design"                 #: the design's name in the tables (the baseline keeps the scenario's)
WORKERS_ENV = "FREMSKUDT_APP_WORKERS"
#: ``fremskudt app --fixed-parameters`` sets it to "fixed": every replication runs the posterior medians
PARAMETERS_ENV = "FREMSKUDT_APP_PARAMETERS"
#: set by ``fremskudt app`` for its server: start the warm pool and the first scenario's baseline at once
PREWARM_ENV = "FREMSKUDT_APP_PREWARM"
#: worker processes of the warm pool unless ``fremskudt app --workers`` says otherwise
DEFAULT_WORKERS = 2
PARAMETERS = ("posterior", "fixed")

_cache: dict[tuple, pd.DataFrame] = {}
_cache_lock = threading.Lock()


def posterior(parameters: str) -> pd.DataFrame | None:
    """The committed fit's posterior (``posterior``), or None for fixed parameters."""
    if parameters not in PARAMETERS:
        raise ValueError(f"parameters must be one of {PARAMETERS}, not {parameters!r}")
    return _posterior() if parameters == "posterior" else None


@lru_cache(maxsize=1)
def _posterior() -> pd.DataFrame:
    return load_posterior(DEFAULT_POSTERIOR)


def _warm_up(parent: int) -> None:
    """Run in each new worker: die with the server, import the model and compile its loops
    with one tiny replication."""
    die_with_parent(parent)
    from sim.experiment.simulate import simulate
    simulate(Scenario(population={"size": 60}, horizon_weeks=2), seed=1, detail=False)


class WarmPool:
    """Worker processes kept between ensembles (module docstring).

    The processes are started, all at once, by a thread of their own that lives as long as
    the pool: Linux ends a worker when the *thread* that started it ends (that is how the
    workers die with the server), and the server's ensembles run in short-lived threads."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self._ready, self._stop = threading.Event(), threading.Event()
        self._error: BaseException | None = None
        self._keeper = threading.Thread(target=self._keep, daemon=True, name="warm-pool")
        self._keeper.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def _keep(self) -> None:
        try:
            self.executor = ProcessPoolExecutor(max_workers=self.workers,
                                                mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_warm_up, initargs=(os.getpid(),))
            self.executor._launch_processes()       # no public API starts them all now, from this thread
            for f in [self.executor.submit(_ready) for _ in range(self.workers)]:
                f.result()
        except BaseException as e:      # noqa: BLE001 - handed to the thread that asked for the pool
            self._error = e
        self._ready.set()
        self._stop.wait()

    def close(self, now: bool = False) -> None:
        """Let the running replications finish and end the workers; ``now``: end them at
        once, their running replications lost (:func:`sim.experiment.pool.stop`, which also
        frees the pool from a worker that was ended while it sent a result)."""
        if self.executor is not None:
            if now:
                stop_pool(self.executor)
            else:
                self.executor.shutdown(wait=True, cancel_futures=True)
        self._stop.set()
        self._keeper.join(timeout=5)


def _ready() -> bool:
    return True


_pool: list[WarmPool] = []
_pool_lock = threading.Lock()


def warm_pool(workers: int) -> WarmPool:
    """The server's warm pool (started on first use with ``workers`` processes)."""
    with _pool_lock:
        if _pool and _pool[0].workers != workers:
            _pool.pop().close()
        if not _pool:
            _pool.append(WarmPool(workers))
            atexit.register(shutdown_pool)
        return _pool[0]


def shutdown_pool() -> None:
    """End the warm pool's workers at once, as the server exits (they also end with it)."""
    with _pool_lock:
        while _pool:
            _pool.pop().close(now=True)


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
    parameters: str = "posterior"
    hidden: set = field(default_factory=set, repr=False)     # outcomes that never vary (left out of the key rows)
    budget: HorizonBudget | None = field(default=None, repr=False)
    seconds: float = 0.0                              # wall time of the run

    @property
    def key(self) -> tuple:
        return request_key(self.baseline, self.design, self.replications, self.seed, self.parameters)


def settings_key(sc: Scenario) -> str:
    """What runs, whatever the scenario is called."""
    return sc.model_copy(update={"name": "-", "description": ""}).digest()


def request_key(baseline: Scenario, design: Scenario, replications: int, seed: int,
                parameters: str = "posterior") -> tuple:
    return settings_key(baseline), settings_key(design), int(replications), int(seed), parameters


def _arm_tasks(sc: Scenario, name: str, seed: int, replications: int, parameters: str) -> list[Task]:
    _, tasks = plan([sc.model_copy(update={"name": name})], seed, replications, posterior(parameters))
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
    # not local_pool; the warm pool's workers die with the server (die_with_parent)
    pool = warm_pool(workers).executor
    futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
    try:
        for fut in as_completed(futures):
            if cancelled():
                raise Cancelled()
            out[futures[fut]] = fut.result()
            tick()
        return out  # type: ignore[return-value]
    finally:
        for fut in futures:          # a cancelled or failed ensemble leaves no queued replication behind
            fut.cancel()


def run_arms(arms: list[Scenario], seed: int, replications: int, workers: int, tick, cancelled,
          parameters: str) -> list[pd.DataFrame]:
    """Each arm's replications table (from the cache when it has run before); the arms not
    cached run together, on the warm pool when ``workers > 1``."""
    keys = [(settings_key(sc), int(seed), int(replications), parameters) for sc in arms]
    with _cache_lock:
        found = {k: _cache[k] for k in keys if k in _cache}
    todo = list(dict.fromkeys(k for k in keys if k not in found))
    for _ in range(replications * (len(arms) - len(todo))):
        tick()
    if todo:
        first = dict(zip(keys, arms))
        tasks = [t for k in todo for t in _arm_tasks(first[k], "-", seed, replications, parameters)]
        done = _execute(tasks, workers, tick, cancelled)
        for i, k in enumerate(todo):
            found[k] = replications_table(done[i * replications:(i + 1) * replications])
        with _cache_lock:
            _cache.update({k: found[k] for k in todo})
    return [found[k] for k in keys]


def run(baseline: Scenario, design: Scenario, replications: int = DEFAULT_REPLICATIONS, seed: int | None = None,
        workers: int = 1, progress: Callable[[float], None] | None = None,
        cancelled: Callable[[], bool] | None = None, parameters: str = "posterior",
        horizon: Horizon | None = None) -> Ensemble:
    """Run (or fetch) both arms and compare them.  ``progress`` gets the finished share
    (0-1) after each replication; ``cancelled`` is asked between replications;
    ``parameters``: drawn from the committed fit (``posterior``) or ``fixed``; ``horizon``:
    the multi-year budget's settings (default: as ``fremskudt compare``)."""
    started = time.perf_counter()
    seed = baseline.seed if seed is None else int(seed)
    base_run, design_run = scale_to(baseline, FULL_SIZE_LIMIT), scale_to(design, FULL_SIZE_LIMIT)
    scale = base_run.population.size / baseline.population.size
    total, done = 2 * replications, [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / total)

    stop = cancelled or (lambda: False)
    base_reps, design_reps = run_arms([base_run, design_run], seed, replications, workers, tick, stop, parameters)
    reps = pd.concat([base_reps.assign(scenario=baseline.name), design_reps.assign(scenario=DESIGN)],
                     ignore_index=True)
    arms = [base_run, design_run.model_copy(update={"name": DESIGN})]
    summary = pd.concat([summary_frame(sc, reps, {}) for sc in arms], ignore_index=True)
    comparison = comparison_frame(reps, [baseline.name, DESIGN])
    (findings,) = compare_findings(comparison, arms, reps)
    if horizon is None:
        horizon = Horizon(Horizon.default_years(baseline.horizon_weeks), rate=load_prices(baseline.prices).discount_rate.value)
    budget = horizon_budget(reps, baseline.name, DESIGN, base_run.horizon_weeks, horizon)
    return Ensemble(baseline=baseline, design=design, replications=replications, seed=seed, scale=scale, reps=reps,
                    summary=summary, comparison=comparison, findings=findings, parameters=parameters,
                    hidden=left_out(reps, [baseline.name, DESIGN]), budget=budget,
                    seconds=time.perf_counter() - started)


def env_workers() -> int:
    """Worker processes for the app's ensembles (``fremskudt app --workers``; default
    :data:`DEFAULT_WORKERS`; 1: a thread of the server), at most the usable cores however the
    variable was set."""
    default = min(DEFAULT_WORKERS, usable_cores())
    try:
        return min(max(1, int(os.environ.get(WORKERS_ENV, str(default)))), usable_cores())
    except ValueError:
        return default


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
