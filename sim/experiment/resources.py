"""What a command may ask of the machine: worker processes and memory, checked before the
first simulation.

* **Workers.**  ``--workers`` may be at most the number of cores this process may run on
  (``os.sched_getaffinity``, else ``os.cpu_count``): more processes only compete for the
  same cores, and each one costs memory of its own.
* **Memory.**  Before a run the memory it needs is estimated from the population of every
  scenario, the replications and the workers, with the figures below, and a run that
  would need more than the memory the machine has available (``psutil``) is refused with
  both figures and what to change.  The figures come from ``python -m benchmarks.memory``
  (``benchmarks/MEMORY.md``: peak resident memory of ``fremskudt run`` at several
  populations, replications and workers), rounded up.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Iterable

import psutil

from sim.errors import UsageError

#: Memory of a command before it simulates (Python, numpy, pandas, the model's compiled code;
#: measured 357 MB).
BASE_BYTES = 400_000_000
#: Memory of each local worker process before it simulates (it imports the package afresh;
#: measured 457 MB for two).
WORKER_BYTES = 250_000_000
#: Working memory of one replication while it runs, per citizen (measured about 800).
WORKING_BYTES_PER_CITIZEN = 1_000
#: Memory a run keeps per citizen and replication until its tables are written (the
#: per-citizen table and the copies made to write it; measured 942).
KEPT_BYTES_PER_CITIZEN = 1_000
#: Share of the available memory a run may plan to use (the rest is left to the system).
MEMORY_SHARE = 0.9


def citizens(scenario) -> int:
    """Citizens a replication of ``scenario`` records: the population and every referral."""
    p = scenario.population
    return p.size + math.ceil(p.inflow_per_week * scenario.horizon_weeks)


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_workers(workers: int | None, option: str = "--workers") -> None:
    """Refuse more worker processes than usable cores (None: the command's default)."""
    cores = usable_cores()
    if workers is not None and workers > cores:
        raise UsageError(f"{option} {workers}: this machine lets fremskudt use {cores} core{'s' if cores > 1 else ''} "
                         f"(os.sched_getaffinity), so at most {cores} worker process{'es' if cores > 1 else ''}; "
                         "more would only compete for the same cores and multiply the memory used")


def available_memory() -> int:
    """Bytes of memory the machine has available now."""
    return int(psutil.virtual_memory().available)


@dataclass(frozen=True)
class Estimate:
    """The memory a run needs, and how it is made up."""

    total: int
    kept: int
    working: int
    citizens: int
    replications: int


def estimate(sizes: Iterable[int], replications: int, workers: int, keeps_citizens: bool = True) -> Estimate:
    """The memory a run of scenarios of ``sizes`` citizens needs, with ``replications``
    replications each on ``workers`` processes (1: in this process)."""
    sizes = list(sizes)
    largest = max(sizes, default=0)
    citizens = sum(sizes)
    kept = KEPT_BYTES_PER_CITIZEN * citizens * replications if keeps_citizens else 0
    running = max(1, min(workers, len(sizes) * replications))
    working = running * WORKING_BYTES_PER_CITIZEN * largest + (WORKER_BYTES * running if workers > 1 else 0)
    return Estimate(BASE_BYTES + kept + working, kept, working, citizens, replications)


def gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def check_memory(need: Estimate, what: str = "this run") -> None:
    """Refuse, with the estimate and the machine's available memory, a run that would not fit."""
    have = available_memory()
    if need.total <= MEMORY_SHARE * have:
        return
    detail = (f"{need.citizens:,} citizens × {need.replications:,} replications × {KEPT_BYTES_PER_CITIZEN:,} bytes kept "
              f"({gb(need.kept)}), plus {gb(need.working)} for the simulations running at once"
              if need.kept else f"{gb(need.working)} for the simulations running at once")
    raise UsageError(f"{what} would need about {gb(need.total)} of memory ({detail}), and this machine has "
                     f"{gb(have)} available; use fewer --replications or --workers, or a smaller population")
