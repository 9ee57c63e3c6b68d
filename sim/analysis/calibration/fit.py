"""What a fit says: posterior-predictive simulations at fresh seeds, the fit to every
target (median, 90 % interval, z, coverage), prior against posterior per parameter, the
generations' effective sample sizes, and the posterior correlations between parameters."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd

from sim.experiment.pool import local_pool
from sim.model.rng import replication_seeds
from sim.spec.parameters import Behaviour

from .distance import ZScoreDistance
from .model import MultiScenarioModel
from .targets import Prior, Target, integer_parameters


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: Sequence[float]) -> np.ndarray:
    v, w = np.asarray(values, float), np.asarray(weights, float)
    order = np.argsort(v)
    v, w = v[order], w[order]
    cw = np.cumsum(w) - 0.5 * w
    cw /= w.sum()
    return np.interp(q, cw, v)


def _predict_one(args):
    model, params, seed = args
    return model.simulate(params, seed)


def posterior_predictive(model: MultiScenarioModel, posterior: pd.DataFrame, draws: int, run_seed: int,
                         workers: int = 1) -> pd.DataFrame:
    """Simulate ``draws`` weighted draws from the posterior with fresh seeds."""
    rng = np.random.default_rng(run_seed + 2)
    pars = [c for c in posterior.columns if c != "weight"]
    idx = rng.choice(len(posterior), size=draws, replace=True, p=posterior["weight"].to_numpy())
    seeds = replication_seeds(run_seed + 3, draws)
    jobs = [(model, {p: float(posterior.iloc[i][p]) for p in pars}, s) for i, s in zip(idx, seeds)]
    if workers > 1 and draws > 1:
        with local_pool(workers, "fork") as ex:
            rows = list(ex.map(_predict_one, jobs))
    else:
        rows = [_predict_one(j) for j in jobs]
    return pd.DataFrame(rows)


def fit_table(targets: Sequence[Target], predictive: pd.DataFrame, distance: ZScoreDistance) -> pd.DataFrame:
    rows = []
    for t in targets:
        col = predictive[t.id].astype(float)
        fin = col[np.isfinite(col)]
        if len(fin):
            lo, med, hi = np.quantile(fin, [0.05, 0.5, 0.95])
        else:
            lo = med = hi = math.nan
        rows.append({"id": t.id, "statistic": t.statistic, "scenario": t.scenario, "reported": t.describe_value(),
                     "reported_value": t.value, "range_low": t.low, "range_high": t.high,
                     "sd_reported": t.sampling_sd, "sd_model": t.model_sd, "sd_mc": distance.mc_sd[t.id], "median": med, "q05": lo, "q95": hi,
                     "z_median": t.deviation(med) / distance.sd[t.id] if math.isfinite(med) else math.nan,
                     "consistent": bool(math.isfinite(med) and abs(t.deviation(med)) <= 2 * distance.sd[t.id]),
                     "inside_90": bool(math.isfinite(med) and t.covers(lo, hi)), "source": t.source})
    return pd.DataFrame(rows)


def effective_sample_size(weights) -> float:
    w = np.asarray(weights, float)
    w = w / w.sum()
    return float(1.0 / np.sum(w ** 2))


def parameter_table(priors: Sequence[Prior], posterior: pd.DataFrame, min_ess: float = 10.0) -> pd.DataFrame:
    """Prior vs posterior per parameter.  When the effective sample size of the weights
    is below ``min_ess`` the sd ratio says nothing about identification (the posterior
    is a handful of particles) and the verdict says so."""
    rows = []
    w = posterior["weight"].to_numpy()
    ess = effective_sample_size(w)
    for p in priors:
        v = posterior[p.name].to_numpy(float)
        mean = float(np.sum(w * v))
        sd = float(math.sqrt(max(0.0, np.sum(w * (v - mean) ** 2))))
        q05, q50, q95 = weighted_quantile(v, w, [0.05, 0.5, 0.95])
        ratio = sd / p.sd
        verdict = ("identified" if ratio < 0.5 else "partly identified" if ratio < 0.8 else "not identified (prior ≈ posterior)")
        if ess < min_ess:
            verdict = f"not assessable (effective sample size {ess:.1f})"
        rows.append({"parameter": p.name, "prior_low": p.low, "prior_high": p.high, "default": Behaviour.model_fields[p.name].default,
                     "post_mean": mean, "post_median": q50, "post_q05": q05, "post_q95": q95,
                     "prior_sd": p.sd, "post_sd": sd, "sd_ratio": ratio, "verdict": verdict})
    return pd.DataFrame(rows)


def generation_table(history) -> pd.DataFrame:
    """Per generation: epsilon, evaluations, accepted, acceptance rate, effective
    sample size of the importance weights (1 / sum w^2) and wall time in seconds (pyabc's
    own record of each generation, so it survives a session that ended without its record)."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].copy()
    # by t: pyabc aligns the counts by row, which assumes a history that starts at t = -1
    # (a history restored from a fit starts at that fit's last generation)
    pops["particles"] = pops["t"].map(history.get_nr_particles_per_population()).astype(int)
    pops["acceptance"] = pops["particles"] / pops["samples"]
    ess = []
    for t in pops["t"]:
        _, w = history.get_distribution(m=0, t=int(t))
        w = np.asarray(w, float) / np.sum(w)
        ess.append(float(1.0 / np.sum(w ** 2)))
    pops["ess"] = ess
    pops["seconds"] = pops["wall_time"].astype(float)
    return pops[["t", "epsilon", "samples", "particles", "acceptance", "ess", "seconds"]].reset_index(drop=True)


def posterior_frame(history, t: int | None = None, order: Sequence[str] | None = None) -> pd.DataFrame:
    """The population at generation ``t`` (default: last) as parameter columns (in
    ``order``, e.g. the priors file's) + ``weight``."""
    df, w = history.get_distribution(m=0, t=history.max_t if t is None else t)
    out = df.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    if order:
        out = out[[c for c in order if c in out.columns] + [c for c in out.columns if c not in order]]
    out["weight"] = np.asarray(w, dtype=float) / np.sum(w)
    return out


def as_simulated(posterior: pd.DataFrame) -> pd.DataFrame:
    """The posterior with its whole-number parameters rounded as the model applies them:
    what ``posterior.parquet`` holds for ``--posterior`` to draw (which refuses a
    whole-number parameter that is not whole)."""
    out = posterior.copy()
    for c in integer_parameters() & set(out.columns):
        out[c] = np.round(out[c].to_numpy(float))
    return out


def correlation_matrix(posterior: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """(parameter names, weighted correlation matrix) of the posterior population."""
    pars = [c for c in posterior.columns if c != "weight"]
    w = posterior["weight"].to_numpy(float)
    x = posterior[pars].to_numpy(float)
    d = x - w @ x / w.sum()
    cov = (d * w[:, None]).T @ d / w.sum()
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        return pars, cov / np.outer(sd, sd)


def correlation_table(posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted correlation of every pair of parameters in the posterior, strongest first."""
    pars, r = correlation_matrix(posterior)
    rows = [{"first": pars[i], "second": pars[j], "correlation": float(r[i, j])}
            for i in range(len(pars)) for j in range(i + 1, len(pars))]
    out = pd.DataFrame(rows, columns=["first", "second", "correlation"])
    return out.reindex(out["correlation"].abs().sort_values(ascending=False).index).reset_index(drop=True)
