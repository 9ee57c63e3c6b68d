"""Continue a committed fit on a machine that does not hold its pyabc history.

The SQLite history of a run (``calibration/runs/NAME.db``) is large and not committed; the
fitted folder is.  ABC-SMC only needs the last generation to go on: its particles and
weights (the next proposal is a kernel around them, and the next importance weights divide
the prior by that kernel's density) and each particle's simulated targets (the next epsilon
is the weighted median of their distances).  Every fit therefore writes

- ``population.parquet``: the last generation, one row per particle: the parameters,
  ``weight``, ``distance`` and one ``x:TARGET`` column per target (the particle's simulated
  figure, the average over the run's seeds per evaluation);
- ``generations.csv``: the generation table (epsilon, evaluations, accepted, effective
  sample size, wall time), so the record of the earlier generations is kept;
- ``run.json``: the run's settings, its Monte-Carlo sd (the distance) and its sessions.

:func:`restore_history` writes that generation into a new history as generation ``t`` of
the same run, so ``fremskudt calibrate --resume`` continues as if the history had been kept.
A fitted folder written before ``population.parquet`` existed holds only the parameters and
weights (``posterior.parquet``); each particle's targets are then simulated again with the
run's seed rule (the seed is a hash of the run seed and the parameter values), at the
current code.  The restored run's record says which was done.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from sim.errors import InputError, UsageError
from sim.experiment.pool import local_pool
from sim.experiment.runner import POSTERIOR_FILE, normalised, not_a_parameter, parameter_column
from sim.paths import display_path
from sim.spec.reading import Column, read_record, read_table

from .distance import ZScoreDistance
from .model import MultiScenarioModel
from .targets import Target

POPULATION_FILE = "population.parquet"
GENERATIONS_FILE = "generations.csv"
RUN_FILE = "run.json"
#: prefix of the columns holding a particle's simulated targets
X = "x:"
GENERATION_COLUMNS = ["t", "epsilon", "samples", "particles", "acceptance", "ess", "seconds"]
#: what a run record must hold to be continued
RUN_KEYS = ("name", "targets", "priors", "targets_hash", "priors_hash", "population", "run_seed", "particles",
            "mc_sd", "sessions")


def population_frame(history, targets: Sequence[Target], order: Sequence[str]) -> pd.DataFrame:
    """The last generation of ``history``: parameters (in ``order``), ``weight``,
    ``distance`` and the simulated targets (``x:TARGET``)."""
    pop = history.get_population(t=history.max_t)
    rows = []
    for p in pop.particles:
        row = {k: float(v) for k, v in dict(p.parameter).items()}
        row["weight"], row["distance"] = float(p.weight), float(p.distance)
        row.update({X + t.id: float(p.sum_stat[t.id]) for t in targets})
        rows.append(row)
    df = pd.DataFrame(rows)
    df["weight"] = df["weight"] / df["weight"].sum()
    pars = [c for c in order if c in df.columns]
    return df[pars + ["weight", "distance"] + [X + t.id for t in targets]]


def _simulate_one(args):
    model, params = args
    return model(params)


def simulate_population(model: MultiScenarioModel, posterior: pd.DataFrame, workers: int = 1) -> list[dict]:
    """Each particle's simulated targets, again, with the run's seed rule (what the
    evaluation that accepted it returned, up to changes of the code since)."""
    pars = [c for c in posterior.columns if c != "weight"]
    jobs = [(model, {p: float(v) for p, v in zip(pars, row)}) for row in posterior[pars].itertuples(index=False)]
    if workers > 1 and len(jobs) > 1:
        with local_pool(workers, "fork") as ex:
            return list(ex.map(_simulate_one, jobs))
    return [_simulate_one(j) for j in jobs]


def stored_fit(fit_dir: Path) -> tuple[dict, pd.DataFrame]:
    """(run record, generation table) of a committed fit, read with the limits of
    :mod:`sim.spec.reading`; a :class:`UsageError` or :class:`InputError` (one line naming the
    file) if the folder cannot be continued."""
    run, post = fit_dir / RUN_FILE, fit_dir / POSTERIOR_FILE
    if not run.is_file() or not post.is_file():
        raise UsageError(f"--resume: {fit_dir} holds no fit to continue (expected {RUN_FILE} and {POSTERIOR_FILE})")
    meta = read_record(run, RUN_KEYS, what="run record")
    gens_path = fit_dir / GENERATIONS_FILE
    if not gens_path.is_file():
        raise UsageError(f"--resume: {fit_dir} has no {GENERATIONS_FILE}, the record of its generations; "
                         "it cannot be continued without its history")
    gens = read_table(gens_path, {c: Column() for c in GENERATION_COLUMNS}, required=GENERATION_COLUMNS,
                      unknown=lambda c: f"not a column of a generation table; allowed: {', '.join(GENERATION_COLUMNS)}")
    return meta, gens[GENERATION_COLUMNS]


def _population_column(name: str) -> Column | None:
    """What a column of ``population.parquet`` (or of an older folder's ``posterior.parquet``)
    may hold: a parameter within its bounds (not rounded: these are pyabc's particles), a
    weight, a distance or a simulated target."""
    if name == "weight" or name == "distance":
        return Column(0.0)
    if name.startswith(X):
        return Column()
    rule = parameter_column(name)
    return None if rule is None else Column(rule.low, rule.high)


def _weights(df: pd.DataFrame, path: Path) -> np.ndarray:
    w = df["weight"].to_numpy(float)
    if w.max() <= 0:
        raise InputError(path, "weight", 0.0, "the weights must not all be zero")
    return normalised(w)


def restore_history(abc, url: str, fit_dir: Path, targets: Sequence[Target], model: MultiScenarioModel,
                    distance: ZScoreDistance, gens: pd.DataFrame, *, workers: int = 1, progress: bool = True):
    """A new pyabc history at ``url`` whose only generation is the committed fit's last one,
    numbered as in the fit.  Returns (history, what was restored, for the run's record)."""
    from pyabc import Parameter
    from pyabc.population import Particle, Population

    t0 = time.time()
    pop_path = fit_dir / POPULATION_FILE
    stored = pop_path.is_file()
    if not stored:                      # a folder written before population.parquet existed
        pop_path = fit_dir / POSTERIOR_FILE
    df = read_table(pop_path, _population_column, required=["weight"], unknown=not_a_parameter)
    pars = [c for c in df.columns if c not in ("weight", "distance") and not c.startswith(X)]
    wanted = sorted(abc.parameter_priors[0].get_parameter_names())
    if sorted(pars) != wanted:
        raise UsageError(f"--resume: {pop_path}: its parameters ({', '.join(sorted(pars))}) are not those of the "
                         f"priors ({', '.join(wanted)})")
    absent = [t.id for t in targets if X + t.id not in df.columns] if stored else []
    if absent:
        raise UsageError(f"--resume: {pop_path} has no simulated value for the target(s) {', '.join(absent)}; "
                         "the targets changed since the fit was made")
    w = _weights(df, pop_path)
    if stored:
        xs = [{t.id: float(r[X + t.id]) for t in targets} for _, r in df.iterrows()]
        source = "stored"
    else:
        if progress:
            print(f"restoring the last generation of {fit_dir}: simulating its {len(df)} particles again "
                  f"(the folder predates {POPULATION_FILE})", flush=True)
        xs = simulate_population(model, df, workers)
        source = "simulated again at the current code"
    particles = [Particle(m=0, parameter=Parameter({p: float(df.iloc[i][p]) for p in pars}), weight=float(w[i]),
                          sum_stat=xs[i], distance=float(distance(xs[i])), accepted=True)
                 for i in range(len(df))]
    last = gens.iloc[-1]
    history = abc.new(url, {t.id: t.value for t in targets})
    history.append_population(int(last["t"]), float(last["epsilon"]), Population(particles), int(last["samples"]),
                              [m.name for m in abc.models], wall_time=float(last["seconds"]))
    record = {"from": display_path(fit_dir), "generation": int(last["t"]), "particles": len(particles),
              "targets": source, "seconds": round(time.time() - t0, 1),
              "earlier_generations": gens.iloc[:-1].to_dict(orient="records")}
    return history, record


def earlier_generations(meta: dict) -> pd.DataFrame:
    """The generations a restored run's history does not hold (from its run record)."""
    restored = meta.get("restored") or [{}]
    return pd.DataFrame(restored[-1].get("earlier_generations", []), columns=GENERATION_COLUMNS)


def full_generation_table(history, meta: dict) -> pd.DataFrame:
    """Every generation of the run: those restored from a committed fit's record, then the
    history's own."""
    from .fit import generation_table
    own = generation_table(history)
    earlier = earlier_generations(meta)
    earlier = earlier[earlier["t"] < (own["t"].min() if len(own) else np.inf)]
    out = pd.concat([earlier, own], ignore_index=True) if len(earlier) else own
    return out.astype({"t": int, "samples": int, "particles": int})
