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
"""

from __future__ import annotations

import difflib
import math
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from sim.errors import RunError, shown
from sim.spec.parameters import Behaviour
from sim.model.rng import replication_seeds
from sim.spec.prices import Prices, load_prices
from sim.spec.scenario import Scenario, load_scenario

from .outcomes import DEFINITIONS
from .pool import local_pool

POSTERIOR_FILE = "posterior.parquet"
DASK_CONNECT_TIMEOUT = "15s"
#: Seconds a Dask scheduler may take to have at least one worker before a run gives up.
DASK_WORKER_TIMEOUT = 30.0
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
    return Replication(scenario=task.scenario_name, replication=task.replication, seed=task.seed,
                       summary=summary, weekly=out.weekly, citizens=out.citizens,
                       parameters=task.parameters, posterior_row=task.posterior_row)


# --------------------------------------------------------------------------------------
# Posterior draws
# --------------------------------------------------------------------------------------

def load_posterior(directory: str | Path) -> pd.DataFrame:
    """Read ``DIR/posterior.parquet``: one column per behavioural parameter plus ``weight``.

    Every value must be a finite number within its parameter's bounds; weights finite,
    non-negative and not all zero."""
    path = Path(directory) / POSTERIOR_FILE
    if not path.is_file():
        raise RunError(f"--posterior {directory}: no {POSTERIOR_FILE} in that folder")
    try:
        df = pd.read_parquet(path)
    except Exception as e:  # pyarrow raises several types for a broken file
        raise RunError(f"{path}: cannot be read as parquet ({e})") from None
    if WEIGHT_COLUMN not in df.columns:
        raise RunError(f"{path}: needs a '{WEIGHT_COLUMN}' column next to the parameter columns")
    valid = list(Behaviour.model_fields)
    for col in df.columns:
        if col == WEIGHT_COLUMN:
            continue
        if col not in Behaviour.model_fields:
            guess = difflib.get_close_matches(str(col), valid, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            raise RunError(f"{path}: column '{col}' is not a behavioural parameter{hint}")
    if len(df) == 0:
        raise RunError(f"{path}: has no rows")
    for col in df.columns:
        _check_column(path, col, df[col])
    w = df[WEIGHT_COLUMN].to_numpy(dtype=float)
    if np.any(w < 0) or w.sum() <= 0:
        raise RunError(f"{path}: weights must be finite, non-negative and not all zero")
    return df.reset_index(drop=True)


def _bounds(name: str) -> tuple[float, float]:
    lo, hi = -math.inf, math.inf
    for m in Behaviour.model_fields[name].metadata:
        lo = m.ge if getattr(m, "ge", None) is not None else lo
        hi = m.le if getattr(m, "le", None) is not None else hi
    return lo, hi


def _check_column(path: Path, col: str, values: pd.Series) -> None:
    """A posterior column holds finite numbers within the parameter's bounds."""
    if pd.api.types.is_bool_dtype(values):          # true/false is not a number
        numbers = pd.Series(np.nan, index=values.index)
    else:
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
    bad = values[~np.isfinite(numbers)]
    what = "weights" if col == WEIGHT_COLUMN else f"column '{col}'"
    if len(bad):
        raise RunError(f"{path}: {what} must be finite numbers; row {bad.index[0]} holds {_plain(bad.iloc[0])}")
    if col == WEIGHT_COLUMN:
        return
    lo, hi = _bounds(col)
    outside = numbers[(numbers < lo) | (numbers > hi)]
    if len(outside):
        raise RunError(f"{path}: column '{col}' must lie within [{lo:g}, {hi:g}]; row {outside.index[0]} holds "
                       f"{_plain(outside.iloc[0])}")


def _plain(value: Any) -> str:
    """A cell of a table for a message (numpy scalars as plain Python values)."""
    return shown(value.item() if isinstance(value, np.generic) else value)


def _cast(name: str, value: Any) -> float | int:
    ann = Behaviour.model_fields[name].annotation
    if ann is int:
        return int(round(float(value)))
    return float(value)


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
    if scheduler:
        results = _execute_dask(tasks, scheduler, tick)
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
    they end with this process) or on the Dask scheduler at ``scheduler``.  ``fn`` must be a
    top-level function; the results are the same in all three cases and in job order."""
    tick = progress or (lambda: None)
    if scheduler:
        from distributed import as_completed as dask_completed
        client = connect_dask(scheduler)
        try:
            futures = client.map(fn, jobs, pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            out: list = [None] * len(jobs)
            for fut in dask_completed(futures):
                out[index[fut.key]] = fut.result()
                tick()
            return out
        finally:
            client.close()
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
    :class:`RunError` after :data:`DASK_CONNECT_TIMEOUT` (no scheduler) or
    :data:`DASK_WORKER_TIMEOUT` seconds (a scheduler without workers)."""
    from distributed import Client

    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise RunError(f"--scheduler {address}: cannot connect to a Dask scheduler ({e})") from None
    try:
        client.wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT)
    except (OSError, TimeoutError):
        client.close()
        raise RunError(f"--scheduler {address}: the scheduler has no workers (none joined within "
                       f"{DASK_WORKER_TIMEOUT:g} s); start some with: dask worker {address}") from None
    except BaseException:
        client.close()
        raise
    return client


def _execute_dask(tasks: list[Task], address: str, tick: Callable[[], None]) -> list[Replication]:
    from distributed import as_completed as dask_completed

    client = connect_dask(address)
    try:
        futures = client.map(run_task, tasks, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Replication | None] = [None] * len(tasks)
        for fut in dask_completed(futures):
            results[index[fut.key]] = fut.result()
            tick()
        return list(results)  # type: ignore[arg-type]
    finally:
        client.close()


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
