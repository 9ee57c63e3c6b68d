"""What early rejection saves in the calibration, measured on a fit's next generation.

    python -m benchmarks.early [--fit calibration/fitted/default] [--proposals 60] [--workers 2]

Draws proposals as the fit's next generation would (pyabc's multivariate normal kernel
around the last generation's particles, with the run's kernel scale, redrawn until inside
the priors), takes that generation's epsilon (the weighted median of the last generation's
distances, pyabc's default), and evaluates every proposal twice in the same worker: in
full (every scenario, :class:`MultiScenarioModel`) and with early rejection
(:class:`EarlyRejectingModel`, scenarios in the order the calibration would use).  Reports
whether the two accept the same proposals (they must), the CPU time of the early
evaluations as a share of the full ones measured in the same run (a ratio, which the load
on a shared machine moves much less than seconds), and after how many scenarios the
rejected proposals stopped.  Writes ``benchmarks/out/early.csv`` (or ``--out``), one row per proposal.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _evaluate(job) -> dict:
    early, params, eps = job
    model, distance = early.model, early.distance
    t0 = time.process_time()
    full = distance(model(params))
    t1 = time.process_time()
    stats, done = early.run(params, eps)
    accepted = bool(early.result(stats, done, eps).accepted)
    t2 = time.process_time()
    return {"distance": full, "accepted_full": full <= eps, "accepted_early": accepted, "scenarios_run": len(done),
            "cpu_full": t1 - t0, "cpu_early": t2 - t1}


def proposals(population: pd.DataFrame, priors, n: int, scale: float, seed: int) -> list[dict[str, float]]:
    """``n`` proposals from pyabc's kernel around the population, inside the priors' bounds."""
    import pyabc
    names = [p.name for p in priors]
    kernel = pyabc.transition.MultivariateNormalTransition(scaling=scale)
    kernel.fit(population[names], population["weight"].to_numpy(float))
    np.random.seed(seed)                     # pyabc's kernel draws from numpy's global generator
    out: list[dict[str, float]] = []
    while len(out) < n:
        p = kernel.rvs()
        if all(q.low <= float(p[q.name]) <= q.high for q in priors):
            out.append({k: float(p[k]) for k in names})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.early", description=__doc__.split("\n\n")[0])
    ap.add_argument("--fit", type=Path, default=ROOT / "calibration" / "fitted" / "default")
    ap.add_argument("--proposals", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20241201)
    ap.add_argument("--out", type=Path, default=HERE / "out" / "early.csv")
    a = ap.parse_args(argv)
    if a.proposals < 1 or a.workers < 1:
        ap.error(f"--proposals {a.proposals} --workers {a.workers}: both must be at least 1")
    from sim.analysis.calibration.restore import POPULATION_FILE, RUN_FILE, X
    if not (a.fit / RUN_FILE).is_file() or not (a.fit / POPULATION_FILE).is_file():
        ap.error(f"--fit {a.fit}: not a fitted folder (it needs {RUN_FILE} and {POPULATION_FILE}, "
                 "which `fremskudt calibrate` writes)")
    from sim.analysis.calibration import (MultiScenarioModel, ZScoreDistance, load_priors, load_scenario_overrides,
                                          load_targets, resolve_scenarios, weighted_quantile)
    from sim.analysis.calibration.early import EarlyRejectingModel, scenario_order
    from sim.experiment.pool import local_pool
    meta = json.loads((a.fit / RUN_FILE).read_text())
    targets, priors = load_targets(ROOT / meta["targets"]), load_priors(ROOT / meta["priors"])
    pop = pd.read_parquet(a.fit / POPULATION_FILE)
    scenarios = resolve_scenarios(targets, population=meta["population"], caps=meta.get("population_cap"),
                                  overrides=load_scenario_overrides(ROOT / meta["targets"]))
    model = MultiScenarioModel(targets, scenarios, meta["run_seed"], seeds=meta.get("seeds", 1))
    distance = ZScoreDistance(targets, meta["mc_sd"])
    sum_stats = [{t.id: float(r[X + t.id]) for t in targets} for _, r in pop.iterrows()]
    early = EarlyRejectingModel(model, distance, scenario_order(model, distance, sum_stats, pop["weight"]))
    eps = float(weighted_quantile(pop["distance"], pop["weight"], [0.5])[0])
    jobs = [(early, p, eps) for p in proposals(pop, priors, a.proposals, meta.get("kernel_scale", 1.0), a.seed)]
    with local_pool(a.workers, "fork") as ex:
        rows = pd.DataFrame(list(ex.map(_evaluate, jobs)))
    out = a.out
    out.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(out, index=False, float_format="%.5g")
    agree = int((rows["accepted_full"] == rows["accepted_early"]).sum())
    ratio = rows["cpu_early"].sum() / rows["cpu_full"].sum()
    stops = rows.loc[~rows["accepted_full"], "scenarios_run"].value_counts().sort_index()
    print(f"fit {a.fit.name}: next epsilon {eps:.1f}, {len(rows)} proposals, scenario order {', '.join(early.order)}")
    print(f"accepted: {int(rows['accepted_full'].sum())} by the full evaluation, {int(rows['accepted_early'].sum())} "
          f"with early rejection; the two agree on {agree} of {len(rows)}")
    print(f"CPU with early rejection: {100 * ratio:.0f} % of the full evaluations' (same run, same workers)")
    print("rejected proposals stopped after: " + ", ".join(f"{k} scenario(s) {v}" for k, v in stops.items()))
    return 0 if agree == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
