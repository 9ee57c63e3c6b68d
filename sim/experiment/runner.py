"""Run the replications of one or more scenarios: serially, on local processes, or on a
Dask cluster, with identical results in all three cases.

Every replication is one task ``(scenario, replication number, seed, parameters)``.  The
seed of each replication is explicit (:func:`sim.rng.replication_seeds`), and the task is
executed by the top-level function :func:`run_task`, which receives the fully resolved
scenario as a plain dict and validates it again in the worker.  Nothing depends on
which process runs a task or in what order tasks finish, so serial, process-parallel
and Dask runs give the same numbers.

Scenarios compared in one run share the same replication seeds (common random
numbers), and with a posterior the same seed draws the same parameter row, so the
differences between scenarios are paired replication by replication.

Behavioural parameters are drawn from the committed fit (:data:`DEFAULT_POSTERIOR`) unless
the caller asks for fixed parameters (the posterior medians, which are the documented
defaults of :mod:`sim.spec.parameters`): the intervals then include what the evaluations
leave open about the parameters, not only chance.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import math
import threading
import time
from concurrent.futures import CancelledError, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from sim.errors import InputError, RunError
from sim.paths import CALIBRATION_DIR
from sim.spec.parameters import Behaviour
from sim.spec.reading import Column, read_table
from sim.model.rng import replication_seeds
from sim.model.warmup import ensure_compiled
from sim.spec.prices import Prices, load_prices
from sim.spec.scenario import Scenario, load_scenario

from .outcomes import DEFINITIONS
from .pool import local_pool

POSTERIOR_FILE = "posterior.parquet"
#: the committed fit every run draws its behavioural parameters from by default
DEFAULT_POSTERIOR = CALIBRATION_DIR / "fitted" / "default"
#: Seconds a Dask scheduler may take to answer (to connect, and any question during a run).
DASK_CONNECT_TIMEOUT = 15.0
#: Seconds a Dask scheduler may be without workers (before a run, or during one) before a run gives up.
DASK_WORKER_TIMEOUT = 30.0
#: Seconds between checks on the scheduler while no replication finishes.
DASK_POLL_SECONDS = 5.0
#: Seconds on top of Dask's own timeouts before the overall deadline gives up waiting for it.
DASK_GRACE = 5.0
WEIGHT_COLUMN = "weight"


def load_checked(path: str | Path, overrides: dict | None = None) -> Scenario:
    """A scenario file (or shipped name), with its ``reported`` figures checked to name
    outcomes the model computes."""
    return load_scenario(path, overrides, outcomes=DEFINITIONS)


@dataclass
class Task:
    scenario: dict           # fully resolved scenario (Scenario.resolved())
    scenario_name: str
    replication: int
    seed: int
    parameters: dict[str, float] | None = None
    posterior_row: int | None = None
    prices: dict | None = None   # resolved prices (Prices.model_dump()): adds the budget to the summary
    detail: bool = True          # return the weekly and per-citizen tables (False: the summary only)


@dataclass
class Replication:
    """What one replication produced."""

    scenario: str
    replication: int
    seed: int
    summary: dict[str, float]
    weekly: pd.DataFrame = field(repr=False)
    citizens: pd.DataFrame = field(repr=False)
    parameters: dict[str, float] | None = None
    posterior_row: int | None = None


def run_task(task: Task) -> Replication:
    """Run one replication (top-level so that worker processes can unpickle it)."""
    from .simulate import simulate  # imported here: keeps the parent's import light for spawn

    from .budget import replication_budget

    sc = Scenario.model_validate(task.scenario)
    out = simulate(sc, seed=task.seed, parameters=task.parameters, detail=True)
    summary = dict(out.summary)
    if task.prices is not None:
        summary.update(replication_budget(sc, Prices.model_validate(task.prices), summary, out.citizens, out.weekly))
    # without detail the tables are not sent back: a long sweep keeps only what it reports
    weekly, citizens = (out.weekly, out.citizens) if task.detail else (pd.DataFrame(), pd.DataFrame())
    return Replication(scenario=task.scenario_name, replication=task.replication, seed=task.seed,
                       summary=summary, weekly=weekly, citizens=citizens,
                       parameters=task.parameters, posterior_row=task.posterior_row)


# --------------------------------------------------------------------------------------
# Posterior draws
# --------------------------------------------------------------------------------------

def parameter_column(name: str) -> Column | None:
    """What a table column of behavioural parameter ``name`` may hold (None: no such parameter)."""
    field_ = Behaviour.model_fields.get(name)
    if field_ is None:
        return None
    lo, hi = -math.inf, math.inf
    for m in field_.metadata:
        lo = m.ge if getattr(m, "ge", None) is not None else lo
        hi = m.le if getattr(m, "le", None) is not None else hi
    return Column(lo, hi, whole=field_.annotation is int)


def not_a_parameter(name: str) -> str:
    """The message for a column that is not a behavioural parameter (with a guess)."""
    guess = difflib.get_close_matches(str(name), list(Behaviour.model_fields), n=1)
    hint = f"did you mean '{guess[0]}'? " if guess else ""
    return f"not a behavioural parameter; {hint}allowed: the parameters of docs/parameters.md and '{WEIGHT_COLUMN}'"


def normalised(weights: np.ndarray) -> np.ndarray:
    """Weights scaled to sum to 1, without overflow (divided by the largest first)."""
    w = np.asarray(weights, dtype=float)
    w = w / w.max()
    return w / w.sum()


def load_posterior(directory: str | Path) -> pd.DataFrame:
    """Read ``DIR/posterior.parquet``: one column per behavioural parameter plus ``weight``,
    with the limits of :func:`sim.spec.reading.read_table`: at most
    :data:`~sim.spec.reading.MAX_TABLE_ROWS` rows, every value a finite number within its
    parameter's bounds (a whole number for a whole-number parameter), at least one parameter
    column, and weights non-negative and not all zero.  The weights come back scaled to
    sum to 1."""
    path = Path(directory) / POSTERIOR_FILE
    try:
        found = path.is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        raise RunError(f"--posterior {directory}: no {POSTERIOR_FILE} in that folder")
    rules = {WEIGHT_COLUMN: Column(0.0, math.inf)}
    df = read_table(path, lambda n: rules.get(n) or parameter_column(n), required=[WEIGHT_COLUMN],
                    unknown=not_a_parameter)
    if len(df.columns) < 2:
        raise InputError(path, "", f"<only the column {WEIGHT_COLUMN}>",
                         "a posterior needs at least one behavioural parameter column besides the weights")
    w = df[WEIGHT_COLUMN].to_numpy(dtype=float)
    if w.max() <= 0:
        raise InputError(path, WEIGHT_COLUMN, 0.0, "the weights must not all be zero")
    df[WEIGHT_COLUMN] = normalised(w)
    return df


def _cast(name: str, value: Any) -> float | int:
    """A posterior cell as the parameter's type (whole-number columns hold whole numbers)."""
    return int(value) if Behaviour.model_fields[name].annotation is int else float(value)


def draw_parameters(posterior: pd.DataFrame, seed: int) -> tuple[int, dict[str, float]]:
    """Draw one posterior row with probability proportional to its weight.

    The generator is seeded from the replication seed (``SeedSequence([seed, 1])``), so
    a replication always draws the same row, whichever scenario or worker runs it.
    """
    w = posterior[WEIGHT_COLUMN].to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1]))
    row = int(rng.choice(len(w), p=w / w.sum()))
    params = {c: _cast(c, posterior.iloc[row][c]) for c in posterior.columns if c != WEIGHT_COLUMN}
    return row, params


# --------------------------------------------------------------------------------------
# Planning and execution
# --------------------------------------------------------------------------------------

def plan(scenarios: list[Scenario], seed: int, replications: int,
         posterior: pd.DataFrame | None = None) -> tuple[list[int], list[Task]]:
    """The explicit seed list and one task per (scenario, replication).

    Each task carries the scenario's resolved prices (its ``prices`` file), so that every
    replication's summary holds the budget outcomes next to the others."""
    seeds = replication_seeds(seed, replications)
    draws = [draw_parameters(posterior, s) if posterior is not None else (None, None) for s in seeds]
    tasks = []
    for sc in scenarios:
        resolved = sc.resolved()
        prices = load_prices(sc.prices).model_dump(mode="json")
        for i, s in enumerate(seeds):
            row, params = draws[i]
            tasks.append(Task(scenario=resolved, scenario_name=sc.name, replication=i, seed=s,
                              parameters=params, posterior_row=row, prices=prices))
    return seeds, tasks


def execute(tasks: list[Task], workers: int = 1, scheduler: str | None = None,
            progress: Callable[[], None] | None = None) -> list[Replication]:
    """Run the tasks and return the results in task order.

    ``workers == 1`` and no scheduler: in this process.  ``workers > 1``: a local
    process pool.  ``scheduler``: a Dask ``distributed.Client`` at that address.
    ``progress`` is called once per finished replication.
    """
    tick = progress or (lambda: None)
    results: list[Replication | None] = [None] * len(tasks)
    if not scheduler:
        ensure_compiled()             # once per model version, before any worker starts
    if scheduler:
        results = _execute_dask(run_task, tasks, scheduler, tick)
    elif workers <= 1 or len(tasks) <= 1:
        for i, t in enumerate(tasks):
            results[i] = run_task(t)
            tick()
    else:
        # spawn, as Mesa sets it: workers import sim afresh; they die with this process
        with local_pool(min(workers, len(tasks)), "spawn") as pool:
            futures = {pool.submit(run_task, t): i for i, t in enumerate(tasks)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                tick()
    return list(results)  # type: ignore[arg-type]


def parallel_map(fn: Callable[[Any], Any], jobs: list, *, workers: int = 1, scheduler: str | None = None,
                 progress: Callable[[], None] | None = None) -> list:
    """``[fn(job) for job in jobs]``, in this process, on ``workers`` local processes (forked;
    they end with this process) or on the Dask scheduler at ``scheduler`` (with the deadlines
    of :func:`execute`).  ``fn`` must be a top-level function that runs simulations; the
    results are the same in all three cases and in job order."""
    tick = progress or (lambda: None)
    if scheduler:
        return _execute_dask(fn, jobs, scheduler, tick, what="jobs")
    ensure_compiled()                 # once per model version, before any worker starts
    if workers <= 1 or len(jobs) <= 1:
        out = []
        for job in jobs:
            out.append(fn(job))
            tick()
        return out
    with local_pool(min(workers, len(jobs)), "fork") as pool:
        futures = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
        out = [None] * len(jobs)
        for fut in as_completed(futures):
            out[futures[fut]] = fut.result()
            tick()
        return out


def connect_dask(address: str):
    """A ``distributed.Client`` at ``address`` with at least one worker, or a
    :class:`RunError` once :data:`DASK_CONNECT_TIMEOUT` seconds pass without a Dask
    scheduler answering (nothing listens there, or something that does not speak Dask,
    such as a silent socket or a web server) or :data:`DASK_WORKER_TIMEOUT` seconds without
    a worker.  The waits run in a thread with an overall deadline, so no answer at all
    cannot make the command hang (Dask's own handshake waits without a limit)."""
    from distributed import Client

    # every outcome is reported in one line below; Dask's own log would add tracebacks
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    box: dict[str, Any] = {"phase": "connect"}

    def connect() -> None:
        try:
            box["client"] = Client(address, timeout=f"{DASK_CONNECT_TIMEOUT}s")
            box["phase"] = "workers"
            box["client"].wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT)
            box["phase"] = "ready"
        except BaseException as e:      # reported in the main thread
            box["error"] = e

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    try:
        thread.join(DASK_CONNECT_TIMEOUT + DASK_GRACE)
        if box["phase"] == "workers":
            thread.join(DASK_WORKER_TIMEOUT + DASK_GRACE)
        if box["phase"] == "ready":
            return box["client"]
        raise _connect_error(address, box["phase"], box.get("error"))
    except BaseException:
        _close(box.get("client"))
        raise


def _connect_error(address: str, phase: str, error: BaseException | None) -> RunError:
    if phase == "workers":
        return RunError(f"--scheduler {address}: the scheduler has no workers (none joined within "
                        f"{DASK_WORKER_TIMEOUT:g} s); start some with: dask worker {address}")
    if error is None:
        return RunError(f"--scheduler {address}: no Dask scheduler answered within {DASK_CONNECT_TIMEOUT:g} s "
                        "(something may listen there that does not speak Dask's protocol)")
    return RunError(f"--scheduler {address}: cannot connect to a Dask scheduler ({type(error).__name__}: {error})")


def _close(client) -> None:
    """Close a client without waiting on a scheduler that does not answer."""
    if client is not None:
        closer = threading.Thread(target=client.close, kwargs={"timeout": DASK_CONNECT_TIMEOUT}, daemon=True)
        closer.start()
        closer.join(DASK_CONNECT_TIMEOUT + DASK_GRACE)


def _scheduler_workers(client, address: str) -> int:
    """Workers the scheduler has now (asked, with a deadline); a RunError if it does not answer."""
    try:
        info = client.sync(client.scheduler.identity, callback_timeout=DASK_CONNECT_TIMEOUT)
    except Exception as e:          # the connection broke, or no answer within the deadline
        raise RunError(f"--scheduler {address}: the scheduler stopped answering during the run "
                       f"({type(e).__name__}); nothing was written") from None
    return len(info.get("workers", {}))


def _execute_dask(fn: Callable[[Any], Any], tasks: list, address: str, tick: Callable[[], None],
                  what: str = "replications") -> list:
    """``[fn(task) for task in tasks]`` on Dask, in task order.  While no task finishes the
    scheduler is asked every :data:`DASK_POLL_SECONDS` how many workers it has: a scheduler
    that stops answering, or has had no workers for :data:`DASK_WORKER_TIMEOUT` seconds, ends
    the run with a message (``what`` names the tasks in it)."""
    from distributed import wait

    client = connect_dask(address)
    try:
        futures = client.map(fn, tasks, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * len(tasks)
        pending, no_workers_since = set(futures), None
        while pending:
            try:
                done, pending = wait(pending, timeout=DASK_POLL_SECONDS, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            except (CancelledError, asyncio.CancelledError):
                raise RunError(f"--scheduler {address}: the {what} were lost (the scheduler stopped, "
                               "restarted or lost the connection); nothing was written") from None
            try:
                for fut in done:
                    results[index[fut.key]] = fut.result()
                    tick()
            except (CancelledError, asyncio.CancelledError):
                raise RunError(f"--scheduler {address}: the {what} were lost (the scheduler stopped, "
                               "restarted or lost the connection); nothing was written") from None
            if done:
                no_workers_since = None
            elif _scheduler_workers(client, address) > 0:
                no_workers_since = None
            elif no_workers_since is None:
                no_workers_since = time.monotonic()
            elif time.monotonic() - no_workers_since > DASK_WORKER_TIMEOUT:
                raise RunError(f"--scheduler {address}: the scheduler has had no workers for {DASK_WORKER_TIMEOUT:g} s "
                               f"during the run; start some with: dask worker {address}")
        return results
    finally:
        _close(client)


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

def replications_table(results: Iterable[Replication]) -> pd.DataFrame:
    """Long table: scenario, replication, seed, outcome, value."""
    rows = [{"scenario": r.scenario, "replication": r.replication, "seed": r.seed, "outcome": k, "value": float(v)}
            for r in results for k, v in r.summary.items()]
    return pd.DataFrame(rows, columns=["scenario", "replication", "seed", "outcome", "value"])


def _stack(results: Iterable[Replication], attr: str) -> pd.DataFrame:
    frames = []
    for r in results:
        df = getattr(r, attr).copy()
        df.insert(0, "seed", r.seed)
        df.insert(0, "replication", r.replication)
        df.insert(0, "scenario", r.scenario)
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def weekly_table(results: Iterable[Replication]) -> pd.DataFrame:
    """Weekly counts per pathway state, one row per scenario, replication and week."""
    return _stack(results, "weekly")


def citizens_table(results: Iterable[Replication]) -> pd.DataFrame:
    """Per-citizen records, one row per scenario, replication and citizen."""
    return _stack(results, "citizens")


def draws_table(results: Iterable[Replication]) -> pd.DataFrame | None:
    """The posterior row drawn by each replication (None without a posterior)."""
    rows = [{"scenario": r.scenario, "replication": r.replication, "seed": r.seed,
             "posterior_row": r.posterior_row, **(r.parameters or {})}
            for r in results if r.posterior_row is not None]
    return pd.DataFrame(rows) if rows else None


def quantiles(values: Iterable[float], qs=(0.5, 0.1, 0.9)) -> list[float]:
    """Quantiles over the non-NaN values (NaN when there are none)."""
    a = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if a.size == 0:
        return [math.nan] * len(qs)
    return [float(np.quantile(a, q)) for q in qs]
