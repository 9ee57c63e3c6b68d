"""Predictions of reported figures at fresh seeds: weighted draws from a posterior (or one
parameter set), each simulated once in every scenario the figures need, with a seed of its
own; a figure that is a difference between arms is taken within a draw (same parameters,
same seed in both scenarios).

A prediction's error is given in standard errors of the difference between the reported
figure and the prediction: ``z = (median − reported) / sqrt(sd_reported² + sd_model² +
sd_predicted²)``, where ``sd_predicted`` is the sd of the predictive draws (the parameters'
uncertainty and one run's Monte-Carlo noise at the simulated size).  For a range the
distance is to the nearer bound.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.analysis.calibration import (Target, integer_parameters, load_population_caps, load_scenario_overrides,
                                      resolve_named)
from sim.experiment.pool import local_pool
from sim.model.rng import replication_seeds
from sim.paths import SCENARIO_DIR
from sim.spec.scenario import Scenario


def scenarios_for(items: Sequence[Target], targets_path: Path, scenario_dir: Path = SCENARIO_DIR) -> dict[str, Scenario]:
    """Every scenario the items name (as ``scenario`` or ``minus``), set up as the
    calibration sets it up (the targets file's overrides and population caps)."""
    names = list(dict.fromkeys([i.scenario for i in items] + [i.minus for i in items if i.minus]))
    return resolve_named(names, scenario_dir=scenario_dir, caps=load_population_caps(targets_path),
                         overrides=load_scenario_overrides(targets_path, scenario_dir=scenario_dir))


def parameter_draws(posterior: pd.DataFrame, n: int, seed: int) -> list[dict[str, float]]:
    """``n`` weighted draws (with replacement) of the posterior's parameter sets."""
    rng = np.random.default_rng(seed)
    pars = [c for c in posterior.columns if c != "weight"]
    idx = rng.choice(len(posterior), size=n, replace=True, p=posterior["weight"].to_numpy(float))
    ints = integer_parameters()
    return [{p: (int(round(float(posterior.iloc[i][p]))) if p in ints else float(posterior.iloc[i][p])) for p in pars}
            for i in idx]


def _one(job) -> dict[str, dict[str, float]]:
    from sim.experiment.simulate import simulate
    scenarios, params, seed = job
    return {name: dict(simulate(sc, seed=seed, parameters=params, detail=False)) for name, sc in scenarios.items()}


def simulate_draws(scenarios: Mapping[str, Scenario], parameter_sets: Sequence[Mapping[str, float]], seed: int,
                   workers: int = 1) -> list[dict[str, dict[str, float]]]:
    """One run of every scenario per parameter set, each set with a fresh seed from
    ``replication_seeds(seed, len(parameter_sets))``."""
    seeds = replication_seeds(seed, len(parameter_sets))
    jobs = [(dict(scenarios), dict(p), s) for p, s in zip(parameter_sets, seeds)]
    if workers > 1 and len(jobs) > 1:
        with local_pool(workers, "fork") as ex:
            return list(ex.map(_one, jobs))
    return [_one(j) for j in jobs]


def item_values(items: Sequence[Target], runs: Sequence[Mapping[str, Mapping[str, float]]]) -> pd.DataFrame:
    """One row per draw, one column per item: the statistic, or the difference between arms."""
    def value(item: Target, run) -> float:
        v = float(run[item.scenario][item.statistic])
        return v - float(run[item.minus][item.statistic]) if item.minus else v
    return pd.DataFrame([{i.id: value(i, r) for i in items} for r in runs], columns=[i.id for i in items])


def summarise(items: Sequence[Target], values: pd.DataFrame, role: str = "") -> pd.DataFrame:
    """Per item: reported figure, predicted median and 90 % interval, the prediction's sd,
    its error in standard errors (module docstring), and whether the reported figure is
    inside the interval."""
    rows = []
    for i in items:
        v = values[i.id].astype(float)
        v = v[np.isfinite(v)]
        lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95]) if len(v) else (math.nan,) * 3
        sd_pred = float(v.std(ddof=1)) if len(v) > 1 else math.nan
        sd = math.sqrt(i.error_sd ** 2 + (sd_pred if math.isfinite(sd_pred) else 0.0) ** 2)
        z = i.deviation(med) / sd if math.isfinite(med) else math.nan
        rows.append({"id": i.id, "role": role, "programme": i.programme, "kind": i.kind, "statistic": i.statistic,
                     "scenario": i.scenario + (f" − {i.minus}" if i.minus else ""), "reported": i.describe_value(),
                     "reported_value": i.value, "sd_reported": i.sampling_sd, "sd_model": i.model_sd,
                     "median": med, "q05": lo, "q95": hi, "sd_predicted": sd_pred, "z": z,
                     "inside_90": bool(math.isfinite(med) and i.covers(lo, hi)),
                     "off_2sd": bool(math.isfinite(z) and abs(z) > 2), "source": i.source})
    return pd.DataFrame(rows)
