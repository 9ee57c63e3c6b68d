"""The workshop app's Run, timed: ``python -m benchmarks.app [--repeats 5] [--replications 20] [--workers 2]``.

What a team waits for after pressing Run: :func:`sim.interface.app.ensemble.run` for the
app's first pair of arms (central-jobcentre against small-caseload), ``--replications``
replications of each, parameters drawn from the committed fit as the app does by default,
on the server's warm pool of ``--workers`` processes (started and warmed before the timing,
as the app starts it with the server).  The result cache is cleared before every repeat,
so each one simulates all its replications.  Prints the wall seconds of each repeat, the
median and range, and the load average of the machine before and after (a shared machine's
other work shows in the times); the app's goal is 3 s for 20 replications × 2 arms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

#: the goal for 20 replications × 2 arms, in wall seconds
GOAL_SECONDS = 3.0


def measure(repeats: int, replications: int, workers: int, seed: int = 1) -> list[float]:
    from sim.interface.app import ensemble
    from sim.spec.scenario import load_scenario

    baseline, design = load_scenario("central-jobcentre"), load_scenario("small-caseload")
    ensemble.warm_pool(workers)                      # started with the server, before any Run
    ensemble.posterior("posterior")
    seconds = []
    for r in range(repeats):
        ensemble.clear_cache()
        t0 = time.perf_counter()
        ensemble.run(baseline, design, replications=replications, seed=seed + r, workers=workers)
        seconds.append(time.perf_counter() - t0)
    ensemble.shutdown_pool()
    return seconds


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.app", description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--replications", type=int, default=20)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args(argv)
    load_before = os.getloadavg()
    seconds = measure(a.repeats, a.replications, a.workers)
    load_after = os.getloadavg()
    print("repeats (s): " + ", ".join(f"{s:.2f}" for s in seconds))
    print(f"{a.replications} replications × 2 arms on {a.workers} warm workers: median {statistics.median(seconds):.2f} s "
          f"(range {min(seconds):.2f}–{max(seconds):.2f}); goal {GOAL_SECONDS:g} s for 20 × 2")
    print(f"load average (1 min) before {load_before[0]:.1f}, after {load_after[0]:.1f}, on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
