"""What a methodologist checks in a fit: how epsilon, the acceptance rate and the effective
sample size went by generation, the weighted pairwise posterior, how far each posterior
median still moves, and a one-line verdict on convergence.

The generation plots are pyabc's own (:mod:`pyabc.visualization`); the pairwise posterior is
drawn as one image (:func:`plot_pairs`), since pyabc's grid of small plots costs half a
minute a fit at twenty parameters.  The generation plots read a pyabc history;
:class:`RecordedHistory` answers the same questions from the fitted folder
(``generations.csv``, the record of every generation, and ``populations.parquet``, the
particles of every stored generation), which a fit writes from its SQLite history.  So the
plots are the same whether or not the history is at hand, and they also cover a run that
was continued from a committed folder (its history starts at the restored generation; the
folder keeps the generations before).  A folder stores every generation of the history that
wrote it, and keeps the stored generations of the fit it continued.

**Movement of the medians** (:func:`median_movement`): for each parameter, the weighted
median of each stored generation, and its change over the last stored generations in units
of the last generation's posterior sd.  A posterior that has settled moves by a small
fraction of its own width; one still moving by half an sd or more per generation has not.

**The verdict** (:func:`convergence`), one line, by these rules (tested):

* epsilon reached its stopping value: "converged by the stopping rule";
* otherwise, epsilon at least :data:`FAR_ABOVE` times its stopping value, or still falling
  by :data:`STILL_FALLING` or more in the last generation, or a median that moved by
  :data:`STILL_MOVING` posterior sd or more over the last stored generations: "not converged";
* otherwise "levelled off above its stopping value": more generations would hardly change
  it, and the distance left is the model's misfit, not the sampler's progress.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .fit import weighted_quantile
from .targets import Prior

POPULATIONS_FILE = "populations.parquet"
#: epsilon this many times its stopping value (or more) is far from converged
FAR_ABOVE = 2.0
#: a fall of epsilon by this share (or more) in the last generation: still falling
STILL_FALLING = 0.05
#: a posterior median moving by this many posterior sd (or more) over the last stored generations
STILL_MOVING = 0.5
#: generations shown in the movement table
MOVEMENT_GENERATIONS = 4


def stored_populations(history, order: Sequence[str], earlier: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every generation the history holds (``t``, the parameters in ``order``, ``weight``
    normalised per generation, ``distance``), after the stored generations of ``earlier``
    that the history does not hold."""
    frames = []
    pops = history.get_all_populations()
    for t in sorted(int(x) for x in pops["t"] if x >= 0):
        df, w = history.get_distribution(m=0, t=t)
        out = df.reset_index(drop=True).copy()
        out.columns = [str(c) for c in out.columns]
        out = out[[c for c in order if c in out.columns]]
        out["weight"] = np.asarray(w, float) / np.sum(w)
        dist = history.get_weighted_distances(t=t)
        out["distance"] = dist["distance"].to_numpy(float) if len(dist) == len(out) else np.nan
        out.insert(0, "t", t)
        frames.append(out)
    own = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["t", *order, "weight", "distance"])
    if earlier is not None and len(earlier):
        first = own["t"].min() if len(own) else math.inf
        kept = earlier[earlier["t"] < first]
        own = pd.concat([kept, own], ignore_index=True)
    return own


class RecordedHistory:
    """The parts of a :class:`pyabc.History` that :mod:`pyabc.visualization` reads, answered
    from a fitted folder's record: the generations (``generations.csv``) and the particles of
    the stored generations (``populations.parquet``).  ``t = -1`` is pyabc's row for the prior
    sample that set the first epsilon (its count from the run's record, if any)."""

    def __init__(self, generations: pd.DataFrame, populations: pd.DataFrame | None = None,
                 initial_samples: int = 0):
        self.generations = generations.reset_index(drop=True)
        self.populations = populations if populations is not None else pd.DataFrame(columns=["t", "weight"])
        self.initial_samples = int(initial_samples)
        self.id = 1

    @property
    def max_t(self) -> int:
        return int(self.generations["t"].max())

    @property
    def stored(self) -> list[int]:
        return sorted(int(t) for t in set(self.populations["t"]))

    def get_all_populations(self) -> pd.DataFrame:
        g = self.generations
        head = pd.DataFrame({"t": [-1], "population_end_time": [pd.NaT], "samples": [self.initial_samples],
                             "epsilon": [math.inf], "particles": [self.initial_samples]})
        rows = pd.DataFrame({"t": g["t"].astype(int), "population_end_time": pd.NaT, "samples": g["samples"].astype(int),
                             "epsilon": g["epsilon"].astype(float), "particles": g["particles"].astype(int)})
        return pd.concat([head, rows], ignore_index=True)

    def get_nr_particles_per_population(self) -> pd.Series:
        pops = self.get_all_populations()
        return pd.Series(pops["particles"].to_numpy(), index=pops["t"].to_numpy())

    def get_weighted_distances(self, t: int | None = None) -> pd.DataFrame:
        t = self.max_t if t is None else int(t)
        sub = self.populations[self.populations["t"] == t]
        if sub.empty:
            raise KeyError(f"generation {t} is not stored")
        return pd.DataFrame({"distance": sub.get("distance", pd.Series(np.nan, index=sub.index)).to_numpy(),
                             "w": sub["weight"].to_numpy(float)})


def median_movement(populations: pd.DataFrame, priors: Sequence[Prior],
                    last: int = MOVEMENT_GENERATIONS) -> pd.DataFrame:
    """Per parameter: the weighted median of the last ``last`` stored generations, the last
    generation's posterior sd, and the change of the median over the last stored step and
    over the span shown, in units of that sd."""
    ts = sorted(int(t) for t in set(populations["t"]))[-last:]
    rows = []
    for p in priors:
        medians = {}
        for t in ts:
            sub = populations[populations["t"] == t]
            medians[t] = float(weighted_quantile(sub[p.name].to_numpy(float), sub["weight"].to_numpy(float), [0.5])[0])
        final = populations[populations["t"] == ts[-1]]
        w, v = final["weight"].to_numpy(float), final[p.name].to_numpy(float)
        mean = float(np.sum(w * v) / np.sum(w))
        sd = float(math.sqrt(max(0.0, np.sum(w * (v - mean) ** 2) / np.sum(w))))
        step = (medians[ts[-1]] - medians[ts[-2]]) / sd if len(ts) > 1 and sd > 0 else math.nan
        span = (medians[ts[-1]] - medians[ts[0]]) / sd if len(ts) > 1 and sd > 0 else math.nan
        rows.append({"parameter": p.name, **{f"median_t{t}": medians[t] for t in ts}, "post_sd": sd,
                     "moved_last": step, "moved_span": span})
    out = pd.DataFrame(rows)
    out.attrs["generations"] = ts
    return out


def convergence(gens: pd.DataFrame, min_epsilon: float | None, movement: pd.DataFrame | None = None) -> str:
    """The one-line verdict of the module docstring."""
    eps = gens["epsilon"].astype(float).to_numpy()
    last = float(eps[-1])
    if min_epsilon is not None and last <= min_epsilon:
        return (f"Converged by the stopping rule: epsilon reached {last:.1f}, at or below its stopping value "
                f"{min_epsilon:g} (the summed squared z expected when the model is right).")
    fall = 1.0 - last / float(eps[-2]) if len(eps) > 1 and eps[-2] > 0 else math.nan
    ratio = last / min_epsilon if min_epsilon else math.nan
    moved, span = math.nan, ""
    if movement is not None and len(movement) and movement["moved_span"].notna().any():
        idx = movement["moved_span"].abs().idxmax()
        moved = float(abs(movement.loc[idx, "moved_span"]))
        ts = movement.attrs.get("generations", [])
        span = (f"; the posterior medians moved by up to {moved:.2f} posterior sd over generations "
                f"{ts[0]}–{ts[-1]} (`{movement.loc[idx, 'parameter']}`)" if ts else "")
    falling = f"fell by {100 * fall:.0f} % in the last generation" if math.isfinite(fall) else "has one generation"
    if (math.isfinite(ratio) and ratio >= FAR_ABOVE) or (math.isfinite(fall) and fall >= STILL_FALLING) or \
            (math.isfinite(moved) and moved >= STILL_MOVING):
        where = f"{ratio:.1f} times its stopping value {min_epsilon:g}" if math.isfinite(ratio) else "without a stopping value"
        return f"Not converged: epsilon {last:.1f} is {where} and {falling}{span}."
    return (f"Levelled off above its stopping value: epsilon {last:.1f} ({ratio:.1f} times {min_epsilon:g}) "
            f"{falling}{span}; the distance left is the model's misfit rather than the sampler's progress.")


def plot_generations(history, gens: pd.DataFrame, min_epsilon: float | None, path: Path) -> str:
    """Epsilon, acceptance rate and effective sample size by generation, drawn by
    pyabc.visualization from ``history`` (a pyabc History or a :class:`RecordedHistory`).
    Returns a note on where the effective sample sizes come from."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pyabc.visualization as vis

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    vis.plot_epsilons(history, ax=axes[0], title="Epsilon (summed squared z)")
    if min_epsilon:
        axes[0].axhline(min_epsilon, color="tab:red", ls="--", lw=1, label=f"stopping value {min_epsilon:g}")
        axes[0].legend(fontsize=7)
    axes[0].set_xlabel("generation")
    vis.plot_acceptance_rates_trajectory(history, ax=axes[1], title="Acceptance rate")
    axes[1].set_xlabel("generation")
    stored = getattr(history, "stored", None)
    if stored is None or len(stored) == len(gens):
        vis.plot_effective_sample_sizes(history, ax=axes[2], title="Effective sample size")
        note = "all from the stored particles' weights"
    else:
        # not every generation's particles are stored: the run's record, which computed the same 1 / sum(w^2)
        axes[2].plot(gens["t"], gens["ess"], "x-", label="from the run's record")
        axes[2].plot(stored, [float(gens.set_index("t").loc[t, "ess"]) for t in stored], "o", mfc="none",
                     color="tab:green", label="generations whose particles are stored")
        axes[2].set_title("Effective sample size")
        axes[2].legend(fontsize=7)
        note = (f"from the run's record (1 / sum of squared normalised weights, computed when the history was at "
                f"hand); the particles of generations {', '.join(map(str, stored))} are stored")
    axes[2].set_xlabel("generation")
    particles = int(gens["particles"].iloc[-1])
    axes[2].set_ylim(0, particles * 1.05)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return note


#: cells per parameter in the pairwise figure's density images
PAIR_BINS = 24
#: smoothing of the pairwise densities, in cells (a Gaussian kernel's sd)
PAIR_SMOOTHING = 1.5


def _density(u: np.ndarray, w: np.ndarray, bins: int) -> np.ndarray:
    """Weighted, smoothed density of ``u`` (columns in [0, 1]) on a grid of ``bins`` cells a
    side, scaled so that its highest cell is 1."""
    from scipy.ndimage import gaussian_filter

    h = np.histogramdd(u, bins=bins, range=[(0.0, 1.0)] * u.shape[1], weights=w)[0]
    h = gaussian_filter(h, PAIR_SMOOTHING, mode="constant")
    top = h.max()
    return h / top if top > 0 else h


def plot_pairs(posterior: pd.DataFrame, priors: Sequence[Prior], path: Path) -> None:
    """The weighted pairwise posterior in one picture: each parameter a row and a column,
    every axis over the prior's range (low at the left and at the bottom of a cell).  Below
    the diagonal the weighted joint density of each pair, on the diagonal each parameter's
    weighted density, above it the particles (the darker, the heavier).  Drawn as one image,
    so it costs about a second for twenty parameters (a grid of 400 small plots costs half a
    minute)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    ranges = {p.name: (p.low, p.high) for p in priors}
    names = [n for n in ranges if n in posterior.columns]
    k, bins = len(names), PAIR_BINS
    w = posterior["weight"].to_numpy(float)
    w = w / w.sum()
    u = np.column_stack([(posterior[n].to_numpy(float) - ranges[n][0]) / (ranges[n][1] - ranges[n][0]) for n in names])
    u = u.clip(0.0, 1.0)          # a histogram's last bin holds its upper edge
    rgba = np.ones((k * bins, k * bins, 4))
    cmap = plt.get_cmap("viridis")
    curves, dots, shade = [], [], []
    for a in range(k):                       # row a: parameter a upwards
        for b in range(k):                   # column b: parameter b rightwards
            if b < a:
                h = _density(u[:, [a, b]], w, bins)
                rgba[a * bins:(a + 1) * bins, b * bins:(b + 1) * bins] = cmap(h[::-1])
            elif b == a:
                d = _density(u[:, [a]], w, bins)
                x = b + (np.arange(bins) + 0.5) / bins
                curves.append(np.column_stack([x, a + 1 - 0.9 * d]))
            else:
                dots.append(np.column_stack([b + u[:, b], a + 1 - u[:, a]]))
                shade.append(w / w.max())
    size = 0.42 * k + 2.5
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(rgba, extent=(0, k, k, 0), interpolation="nearest")
    ax.add_collection(LineCollection(curves, colors="tab:blue", linewidths=1.2))
    if dots:
        xy = np.concatenate(dots)
        ax.scatter(xy[:, 0], xy[:, 1], s=2.0, c=np.concatenate(shade), cmap="Greys", vmin=-0.2, vmax=1.0,
                   linewidths=0)
    grid = np.arange(k + 1)
    ax.hlines(grid, 0, k, colors="0.6", linewidths=0.5)
    ax.vlines(grid, 0, k, colors="0.6", linewidths=0.5)
    centres = np.arange(k) + 0.5
    ax.set_xticks(centres, names, rotation=90, fontsize=8)
    ax.set_yticks(centres, names, fontsize=8)
    ax.tick_params(length=0)
    ax.set_xlim(0, k)
    ax.set_ylim(k, 0)
    ax.set_title("Weighted posterior, pairwise: below the diagonal the joint density, on it each parameter's density,\n"
                 "above it the particles (darker: heavier); each cell spans the priors' ranges, low at left and bottom",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
