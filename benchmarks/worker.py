"""Run benchmark simulations in this (fresh) process and print one JSON line of results.

    python -m benchmarks.worker '{"setting": "national", "runs": 1, "seed": 1}'

Spec keys: ``setting`` ('national' | 'copenhagen' | 'startup' | 'calibration'), optional ``size`` and ``weeks``,
``runs`` (timed runs in this process), ``warmup`` (untimed runs first), ``seed`` (first
seed; run i uses seed + i), ``mode`` ('model': build and run :class:`OutreachModel`;
'simulate': ``simulate(..., detail=False)``, which also computes the outcome summary).
``sizes`` (a list) runs the setting at each size in turn (only for ``--quick``).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB


def count_work(m) -> dict:
    """Agent-weeks, citizen-weeks and model events of a finished model.

    Events: summoned meetings, problems, open-advice visits, mentor and group sessions and
    match attempts (the things that happen to citizens, counted by the model's tallies).
    A model from before the array-based core (``--rev`` of an older commit) is counted the
    same way from its tallies."""
    from sim.model.states import State

    names = [s.name.lower() for s in State]
    citizen_weeks = sum(sum(row[n] for n in names) for row in m.weekly)
    caseworker_weeks = sum(row["caseworkers"] for row in m.weekly)
    fixed = len(m.mentors) + len(m.consultants) + len(m.companies) + (1 if m.housing is not None else 0)
    t = m.tallies() if hasattr(m, "tallies") else m.tally
    events = sum(t[k] for k in ("summoned_outreach", "summoned_central", "problems", "visits_case", "mentor_sessions",
                                "group_sessions", "match_attempts", "match_attempts_meeting"))
    return {"weeks": len(m.weekly), "citizens": len(m.citizens), "citizen_weeks": citizen_weeks,
            "agent_weeks": citizen_weeks + caseworker_weeks + fixed * len(m.weekly), "events": events}


def prime() -> float | None:
    """Run a tiny simulation first: a fresh process loads the compiled loops (numba) on its
    first simulation, a one-off cost of a fraction of a second that a long run or an
    ensemble pays once; the timed runs measure the steady cost.  Returns the seconds it
    took (recorded with each run)."""
    from benchmarks import settings
    from sim.model.model import OutreachModel
    t0 = time.process_time()
    OutreachModel(settings.build("copenhagen", 200, 2), seed=1).run()
    return time.process_time() - t0


def time_reference(citizens: int, weeks: int, seed: int) -> float:
    """CPU seconds of the trivial plain-Mesa model of the same size (benchmarks/reference.py)."""
    from benchmarks.reference import run as trivial
    c0 = time.process_time()
    trivial(citizens, weeks, seed)
    return time.process_time() - c0


def first_simulation() -> list[dict]:
    """A fresh process's first Copenhagen simulation: the CPU time from the start of the
    process (interpreter, imports, loading the compiled processes from the cache) to the end
    of the simulation, the part spent in the simulation call, and the moment the simulation
    ended on the system's monotonic clock (the parent started the process on the same clock)."""
    c0 = time.process_time()
    from sim import simulate
    from benchmarks import settings
    from sim.model import jit
    warm = jit.cache_is_warm()
    c1 = time.process_time()
    simulate(settings.build("copenhagen", None, 52), seed=1, detail=False)
    c2 = time.process_time()
    return [{"cpu_s": c2, "import_cpu_s": c1 - c0, "simulation_cpu_s": c2 - c1, "before_main_cpu_s": c0,
             "cache_warm": warm, "maxrss_mb": _rss_mb(), "simulated_at": time.clock_gettime(time.CLOCK_MONOTONIC)}]


#: the goal's evaluation (issue text of the speed goal): these four target scenarios × 4 seeds
GOAL_SCENARIOS = ("copenhagen-outreach.yaml", "central-jobcentre.yaml", "jobgaranti-outreach.yaml", "weekly-meetings.yaml")
GOAL_SEEDS = 4


def calibration_evaluations(runs: int, warmup: int) -> list[dict]:
    """Evaluations of the default fit's model at the posterior medians, CPU seconds each:
    as the fit evaluates (every target scenario at the fit's population caps, as many seeds
    as the fit uses), and in the goal's setting (:data:`GOAL_SCENARIOS` × :data:`GOAL_SEEDS`
    at the same caps), timed alternately."""
    import json as _json
    from sim.analysis.calibration import (MultiScenarioModel, load_population_caps, load_scenario_overrides,
                                          load_targets, parameter_seed, resolve_scenarios)
    from sim.paths import ROOT as PROJECT
    record = _json.loads((PROJECT / "calibration" / "fitted" / "default" / "run.json").read_text())
    targets_path = PROJECT / record["targets"]
    targets = load_targets(targets_path)
    scenarios = resolve_scenarios(targets, caps=load_population_caps(targets_path),
                                  overrides=load_scenario_overrides(targets_path))
    fit = MultiScenarioModel(targets, scenarios, run_seed=record["run_seed"], seeds=record["seeds"])
    goal = MultiScenarioModel([t for t in targets if t.scenario in GOAL_SCENARIOS],
                              {k: v for k, v in scenarios.items() if k in GOAL_SCENARIOS},
                              run_seed=record["run_seed"], seeds=GOAL_SEEDS)
    out = []
    for i in range(warmup + runs):
        spent = []
        for model in (fit, goal):
            c0 = time.process_time()
            model.simulate({}, parameter_seed({"run": i}, record["run_seed"]))
            spent.append(time.process_time() - c0)
        if i >= warmup:
            out.append({"cpu_s": spent[0], "goal_cpu_s": spent[1], "scenarios": len(fit.scenarios),
                        "seeds": record["seeds"], "goal_scenarios": [k.removesuffix(".yaml") for k in goal.scenarios], "goal_seeds": GOAL_SEEDS,
                        "sizes": {k: v.population.size for k, v in scenarios.items()}, "maxrss_mb": _rss_mb()})
    return out


def run(spec: dict) -> list[dict]:
    if spec["setting"] == "startup":
        return first_simulation()
    if spec["setting"] == "calibration":
        return calibration_evaluations(int(spec.get("runs", 5)), int(spec.get("warmup", 1)))
    import sim
    from benchmarks import settings
    from sim.model.model import OutreachModel
    from sim.experiment.outcomes import compute

    baseline = _rss_mb()
    primed = prime() if spec.get("prime", True) else None
    out = []
    sizes = spec.get("sizes") or [spec.get("size")]
    for size in sizes:
        sc = settings.build(spec["setting"], size, spec.get("weeks"))
        seed = int(spec.get("seed", 1))
        warm, runs = int(spec.get("warmup", 0)), int(spec.get("runs", 1))
        for i in range(warm + runs):
            w0, c0 = time.perf_counter(), time.process_time()
            m = OutreachModel(sc, seed=seed + i)
            w1 = time.perf_counter()
            m.run()
            w2 = time.perf_counter()
            if spec.get("mode") == "simulate":
                compute(m)       # what simulate(..., detail=False) adds after the run
            w3, c3 = time.perf_counter(), time.process_time()
            if i < warm:
                continue
            rec = {"size": sc.population.size, "seed": seed + i, "wall_s": w3 - w0, "cpu_s": c3 - c0,
                   "build_s": w1 - w0, "run_s": w2 - w1, "summary_s": w3 - w2,
                   "maxrss_mb": _rss_mb(), "baseline_rss_mb": baseline, "code": str(Path(sim.__file__).parent)}
            rec.update(count_work(m))
            rec["prime_s"] = primed
            del m
            if spec.get("reference", True):
                if i == warm and warm:
                    time_reference(sc.population.size, sc.horizon_weeks, seed)      # warm-up of the reference too
                rec["reference_cpu_s"] = time_reference(sc.population.size, sc.horizon_weeks, seed + i)
            out.append(rec)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(argv[0])
    print(json.dumps(run(spec)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
