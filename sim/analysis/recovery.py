"""Can the calibration recover parameters it knows?  A simulation-based calibration study on
the full problem (``fremskudt recovery``, written to docs/IDENTIFICATION.md).

For each of ``sets`` parameter sets drawn from the prior (``calibration/priors.yaml``; every
other behavioural parameter at its documented value):

1. **synthetic reported figures**: every target of ``calibration/targets.yaml`` simulated at
   the drawn parameters (one evaluation, as the calibration evaluates: ``seeds`` runs of each
   scenario averaged, at a seed of its own), plus a normal error of the reported figure's own
   sd (its sampling sd and the stated model-discrepancy sd), so the synthetic figures are
   what an evaluation would report if the model were right.  A target given as a range
   becomes a value with the range's stated sd;
2. **a calibration** of those figures with the settings of the study (``particles``,
   ``generations``, ``seeds``, ``population``), otherwise as ``fremskudt calibrate`` fits the
   real ones (the same distance, proposal, stopping value and early rejection), with the
   Monte-Carlo sd measured once for the study;
3. for every parameter: whether the 90 % posterior interval covers the drawn value, where the
   drawn value lies in the posterior (its weighted quantile, the rank statistic of
   simulation-based calibration: uniform over the sets when the posterior is calibrated),
   the posterior median and sd, and the sd's ratio to the prior sd.

Per parameter over the sets (:func:`summarise`): the coverage of the 90 % intervals with its
90 % binomial interval (Clopper-Pearson), the mean sd ratio, and the correlation of posterior
median with the drawn value.  A parameter is

* **recovered** when the mean sd ratio is below 0.5 and the coverage's interval includes 90 %;
* **partly recovered** when the mean sd ratio is below 0.8 and the coverage's interval
  includes 90 %;
* **over-confident** when the coverage's interval lies below 90 % (the intervals miss the
  drawn value too often: the posterior is narrower than the evidence allows);
* **not recovered** otherwise: the posterior stays about as wide as the prior.

A calibration with few generations leaves its posterior wide, which covers the truth easily,
so coverage alone flatters a short run: read it with the sd ratio.

The study is resumable: each finished set's result is kept in ``work`` (default
``calibration/runs/recovery-<settings>/``), and a rerun with the same settings takes it from
there.  Its calibrations use local worker processes or a Dask scheduler.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.analysis.calibration import (PRIORS_DEFAULT, RUNS_DIR, TARGETS_DEFAULT, MultiScenarioModel, estimate_mc_sd,
                                      file_hash, load_population_caps, load_priors, load_scenario_overrides,
                                      load_targets, prior_centre, resolve_scenarios, run_calibration,
                                      weighted_quantile)
from sim.analysis.calibration.abc import check_history
from sim.analysis.calibration.stored import read_generations, read_run
from sim.errors import InputError, UsageError
from sim.experiment.statistics import unit
from sim.model.rng import replication_seeds
from sim.paths import display_path
from sim.spec.loading import read_mapping
from sim.spec.reading import Column, read_json, read_table, starts_with

#: the posterior interval whose coverage is measured, and the interval of the coverage itself
LEVEL = 0.90
#: sd ratios below which a parameter counts as recovered, and as partly recovered
RECOVERED, PARTLY = 0.5, 0.8


@dataclass(frozen=True)
class Settings:
    sets: int = 20
    particles: int = 100
    generations: int = 4
    seeds: int = 1
    population: int | None = None
    seed: int = 20240901
    mc_reps: int = 12

    def key(self) -> str:
        """What makes two studies the same (and their finished sets reusable)."""
        blob = json.dumps({k: v for k, v in asdict(self).items() if k != "sets"}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:10]

    def describe(self) -> str:
        return (f"{self.sets} parameter sets drawn from the prior; each calibrated with {self.particles} particles, "
                f"{self.generations} generations, {self.seeds} run(s) of every scenario per evaluation, "
                + (f"at most {self.population:,} citizens per scenario" if self.population else "scenarios at full size")
                + f"; seed {self.seed}")


def draw_truth(priors, seed: int, i: int) -> dict[str, float]:
    """Parameter set ``i``: each calibrated parameter uniform on its prior."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1, int(i)]))
    return {p.name: float(rng.uniform(p.low, p.high)) for p in priors}


def synthetic_figures(model: MultiScenarioModel, targets, truth: dict[str, float], seed: int,
                      i: int) -> dict[str, float]:
    """The reported figures an evaluation would give if the model, at ``truth``, were right."""
    run_seed, noise_seed = replication_seeds(int(seed) + 7, i + 1)[i], int(seed) + 11
    simulated = model.simulate(truth, run_seed)
    rng = np.random.default_rng(np.random.SeedSequence([noise_seed, int(i)]))
    out = {}
    for t in targets:
        value = max(0.0, simulated[t.id] + rng.normal(0.0, t.error_sd))      # no share or rate below zero
        if unit(t.statistic) == "share":
            # a share counted from n cases is at least one half-case from 0 and 1 (its binomial sd is then not 0)
            edge = 0.5 / t.n if t.n and t.sd is None else 0.0
            value = min(max(value, edge), 1.0 - edge)
        out[t.id] = float(value)
    return out


def synthetic_targets_file(path: Path, targets_path: Path, figures: dict[str, float], targets) -> None:
    """``targets_path`` with every figure replaced by its synthetic value (a range becomes a
    value with the range's stated sd)."""
    data = read_mapping(targets_path)
    by_id = {t.id: t for t in targets}
    for entry in data["targets"]:
        t = by_id[entry["id"]]
        entry["value"] = round(figures[t.id], 6)
        if "range" in entry:
            del entry["range"]
            entry["sd"] = float(t.sampling_sd)
        entry["source"] = f"synthetic: {entry['source']}"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def posterior_rank(values: np.ndarray, weights: np.ndarray, truth: float) -> float:
    """The drawn value's quantile in a weighted posterior (the rank statistic of
    simulation-based calibration): the weight below it plus half the weight at it, within
    [0, 1] (normalised weights can sum to a hair above 1)."""
    rank = float(np.sum(weights[values < truth]) + 0.5 * np.sum(weights[values == truth]))
    return min(1.0, max(0.0, rank))


def one_set(i: int, s: Settings, targets, priors, model: MultiScenarioModel, mc_sd: dict[str, float], work: Path,
            targets_path: Path, priors_path: Path, workers: int, scheduler: str | None) -> list[dict]:
    """Calibrate parameter set ``i`` and return one row per parameter."""
    truth = draw_truth(priors, s.seed, i)
    figures = synthetic_figures(model, targets, truth, s.seed, i)
    set_dir = work / f"set-{i:02d}"
    if os.path.lexists(set_dir):
        _remove_unfinished(set_dir, i)  # an unfinished set from an interrupted study is started again
    set_dir.mkdir(parents=True)
    tp = set_dir / "targets.yaml"
    synthetic_targets_file(tp, targets_path, figures, targets)
    t0, cpu0 = time.time(), _cpu()
    res = run_calibration(f"set-{i:02d}", targets_path=tp, priors_path=priors_path, population=s.population,
                          generations=s.generations, particles=s.particles, seeds=s.seeds, workers=workers,
                          scheduler=scheduler, runs_dir=set_dir, fitted_dir=None, run_seed=s.seed + 100 + i,
                          progress=False, mc_sd=mc_sd, force=True)
    seconds, cpu = time.time() - t0, _cpu() - cpu0
    import pyabc
    check_history(res.db, res.meta["run_id"])
    history = pyabc.History(f"sqlite:///{res.db}", _id=int(res.meta["run_id"]))
    final_epsilon = float(history.get_all_populations()["epsilon"].iloc[-1])
    post = res.posterior
    w = post["weight"].to_numpy(float)
    rows = []
    for p in priors:
        v = post[p.name].to_numpy(float)
        lo, med, hi = weighted_quantile(v, w, [(1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2])
        mean = float(np.sum(w * v))
        sd = float(math.sqrt(max(0.0, np.sum(w * (v - mean) ** 2))))
        rank = posterior_rank(v, w, truth[p.name])
        rows.append({"set": i, "parameter": p.name, "truth": truth[p.name], "post_median": float(med),
                     "post_q05": float(lo), "post_q95": float(hi), "post_sd": sd, "prior_sd": p.sd,
                     "sd_ratio": sd / p.sd, "covered": bool(lo <= truth[p.name] <= hi), "rank": rank,
                     "final_epsilon": final_epsilon,
                     "evaluations": int(res.simulations), "generations": int(res.generations),
                     "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1)})
    shutil.rmtree(set_dir, ignore_errors=True)        # the set's history: its result is kept below
    return rows


def _set_files(i: int) -> set[str]:
    """What a set's calibration writes in its folder (its synthetic targets, its pyabc history,
    the history's SQLite side files and the calibration's record)."""
    name = f"set-{i:02d}"
    return {"targets.yaml", f"{name}.db", f"{name}.json", f"{name}.db-journal", f"{name}.db-wal", f"{name}.db-shm"}


def _remove_unfinished(set_dir: Path, i: int) -> None:
    """Remove the folder of an unfinished set, but only a folder of the files its calibration
    writes: anything else is refused and left untouched."""
    if not set_dir.is_dir() or set_dir.is_symlink():
        raise UsageError(f"{set_dir} is not the folder of an unfinished set of this study; it is left untouched. "
                         "Move it away or choose another --work")
    other = sorted(p.name for p in set_dir.iterdir() if p.name not in _set_files(i) or not p.is_file())
    if other:
        raise UsageError(f"{set_dir} holds {other[0]}, which the study did not write; it is left untouched. Move it "
                         "away or choose another --work")
    shutil.rmtree(set_dir)


#: the columns of a finished set's table (``set-NN.csv``) and what each may hold
SET_COLUMNS = {"set": Column(0.0, whole=True), "parameter": Column(kind="text"), "truth": Column(),
               "post_median": Column(), "post_q05": Column(), "post_q95": Column(), "post_sd": Column(0.0),
               "prior_sd": Column(0.0), "sd_ratio": Column(0.0), "covered": Column(kind="flag"),
               "rank": Column(0.0, 1.0), "final_epsilon": Column(0.0), "evaluations": Column(0.0, whole=True),
               "generations": Column(0.0, whole=True), "seconds": Column(0.0), "cpu_seconds": Column(0.0, missing=True)}
#: what the study's record of its settings (``settings.json``) holds besides the settings
STUDY_MARK = {"written_by": "fremskudt", "kind": "recovery"}


def _read_set(path: Path, i: int, priors) -> pd.DataFrame:
    """A finished set's rows, read with the limits of :mod:`sim.spec.reading`: one row per
    calibrated parameter of set ``i``."""
    df = read_table(path, SET_COLUMNS, required=[c for c in SET_COLUMNS if c != "cpu_seconds"],
                    unknown=lambda c: f"not a column of a recovery set; allowed: {', '.join(SET_COLUMNS)}")
    if sorted(df["parameter"]) != sorted(p.name for p in priors) or (df["set"] != i).any():
        raise InputError(path, "parameter", ", ".join(df["parameter"]),
                         f"one row per calibrated parameter of set {i} ({', '.join(p.name for p in priors)})")
    return df


def _check_work(work: Path, record: dict) -> None:
    """Refuse a working folder that holds anything but this study's: its ``settings.json``
    must be fremskudt's record of the same settings, targets and priors."""
    settings = work / "settings.json"
    if not os.path.lexists(settings):
        if any(work.iterdir()):
            raise UsageError(f"--work {work}: the folder holds files but no settings.json of a recovery study; it is "
                             "left untouched. Choose an empty or new folder")
        return
    try:
        found = read_json(settings)
    except InputError as e:
        raise UsageError(f"--work {work}: {settings.name} is not a record fremskudt wrote ({e.allowed}); the folder "
                         "is left untouched") from None
    if isinstance(found, dict) and not any(k in found for k in STUDY_MARK):      # the record of an earlier version
        found = {**STUDY_MARK, **{k: v for k, v in found.items() if k != "sets"}}
    if not isinstance(found, dict) or any(found.get(k) != v for k, v in STUDY_MARK.items()):
        raise UsageError(f"--work {work}: {settings.name} was not written by fremskudt recovery; the folder is left "
                         "untouched")
    if found != record:
        raise UsageError(f"--work {work}: the folder holds a study with other settings, targets or priors; its "
                         "finished sets cannot be reused. Choose another --work (the default names the settings)")


def _read_mc(path: Path) -> tuple[dict[str, float], float]:
    """The study's Monte-Carlo sd (``mc_sd.json``): a finite sd of at least zero per target."""
    stored = read_json(path)
    mc = stored.get("mc_sd") if isinstance(stored, dict) else None
    if not isinstance(mc, dict) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                                           for v in mc.values()):
        raise InputError(path, "mc_sd", "<not a mapping of target to sd>", "a number of at least 0 per target")
    seconds = stored.get("seconds", math.nan)
    return {str(k): float(v) for k, v in mc.items()}, float(seconds) if isinstance(seconds, (int, float)) else math.nan


def _cpu() -> float:
    """CPU seconds of this process and its finished worker processes (local workers only)."""
    import resource
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def clopper_pearson(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    from scipy.stats import beta
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


def summarise(sets: pd.DataFrame) -> pd.DataFrame:
    """Per parameter over the sets: coverage with its interval, mean sd ratio, correlation of
    the median with the truth, and the verdict of the module docstring."""
    rows = []
    for name, g in sets.groupby("parameter", sort=False):
        n, k = len(g), int(g["covered"].sum())
        lo, hi = clopper_pearson(k, n)
        ratio = float(g["sd_ratio"].mean())
        r = float(np.corrcoef(g["truth"], g["post_median"])[0, 1]) if n > 2 and g["post_median"].std() > 0 else math.nan
        if hi < LEVEL:
            verdict = "over-confident"
        elif ratio < RECOVERED and lo <= LEVEL:
            verdict = "recovered"
        elif ratio < PARTLY and lo <= LEVEL:
            verdict = "partly recovered"
        else:
            verdict = "not recovered"
        rows.append({"parameter": name, "sets": n, "covered": k, "coverage": k / n, "coverage_low": lo,
                     "coverage_high": hi, "sd_ratio": ratio, "median_truth_r": r, "verdict": verdict})
    return pd.DataFrame(rows)


def run_study(s: Settings, *, workers: int = 1, scheduler: str | None = None, work: Path | None = None,
              targets_path: Path = TARGETS_DEFAULT, priors_path: Path = PRIORS_DEFAULT,
              progress=print) -> tuple[pd.DataFrame, dict]:
    """Run (or continue) the study; returns the per-set table and a record of the run."""
    targets, priors = load_targets(targets_path), load_priors(priors_path)
    work = Path(work) if work is not None else RUNS_DIR / f"recovery-{s.key()}"
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create the study's working folder {work}: {e.strerror}") from None
    study = {**STUDY_MARK, **{k: v for k, v in asdict(s).items() if k != "sets"},
             "targets_hash": file_hash(targets_path), "priors_hash": file_hash(priors_path)}
    _check_work(work, study)
    (work / "settings.json").write_text(json.dumps(study, indent=2))
    overrides = load_scenario_overrides(targets_path)
    scenarios = resolve_scenarios(targets, population=s.population, overrides=overrides,
                                  caps=load_population_caps(targets_path))
    model = MultiScenarioModel(targets, scenarios, s.seed, seeds=s.seeds)
    mc_path = work / "mc_sd.json"
    if os.path.lexists(mc_path):
        mc_sd, mc_seconds = _read_mc(mc_path)
        if set(mc_sd) != {t.id for t in targets}:
            raise InputError(mc_path, "mc_sd", ", ".join(sorted(mc_sd)), "one sd per target of the study's targets")
    else:
        progress(f"recovery: Monte-Carlo sd from {s.mc_reps} evaluations at the prior's centre")
        t0 = time.time()
        mc_sd = estimate_mc_sd(model, prior_centre(priors), s.mc_reps, s.seed + 1)
        mc_seconds = time.time() - t0
        mc_path.write_text(json.dumps({"mc_sd": mc_sd, "seconds": round(mc_seconds, 1)}, indent=2))
    frames = []
    for i in range(s.sets):
        done = work / f"set-{i:02d}.csv"
        if os.path.lexists(done):
            frames.append(_read_set(done, i, priors))
            continue
        progress(f"recovery: set {i + 1} of {s.sets}")
        rows = pd.DataFrame(one_set(i, s, targets, priors, model, mc_sd, work, Path(targets_path), Path(priors_path),
                                    workers, scheduler))
        rows.to_csv(done.with_suffix(".partial"), index=False)
        done.with_suffix(".partial").replace(done)
        frames.append(rows)
    sets = pd.concat(frames, ignore_index=True)
    per_set = sets.groupby("set")["seconds"].first()
    cpu = sets.groupby("set")["cpu_seconds"].first() if "cpu_seconds" in sets else pd.Series(dtype=float)
    record = {"settings": asdict(s), "describe": s.describe(), "work": display_path(work),
              "cpu_seconds_per_set": float(cpu.mean()) if cpu.notna().all() and len(cpu) and not scheduler else None,
              "final_epsilon": float(sets.groupby("set")["final_epsilon"].first().median()),
              "mc_seconds": round(mc_seconds, 1), "seconds_per_set": float(per_set.mean()),
              "seconds_total": float(per_set.sum()), "evaluations_per_set": float(sets.groupby("set")["evaluations"]
                                                                                  .first().mean()),
              "workers": workers, "scheduler": scheduler, "targets": display_path(targets_path),
              "priors": display_path(priors_path), "targets_hash": file_hash(targets_path),
              "priors_hash": file_hash(priors_path)}
    return sets, record


# --------------------------------------------------------------------------------------
# Figures and the page
# --------------------------------------------------------------------------------------

#: first line of the generated page: a file that does not start with it is not replaced
MARKER = "<!-- generated by `fremskudt recovery`; do not edit by hand -->"
#: the settings a full study is projected for (the page states the projection, and that of a
#: study at the committed fit's own settings)
FULL = Settings(sets=20, particles=200, generations=8, seeds=2)


def plot_recovery(sets: pd.DataFrame, priors, path: Path) -> None:
    """Per parameter: the posterior median and 90 % interval against the drawn value."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    k = len(priors)
    cols = 6 if k > 9 else 3
    rows = math.ceil(k / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.4 * rows), squeeze=False)
    for ax, p in zip(axes.flat, priors):
        g = sets[sets["parameter"] == p.name]
        colour = np.where(g["covered"], "tab:blue", "tab:red")
        ax.errorbar(g["truth"], g["post_median"], yerr=[g["post_median"] - g["post_q05"], g["post_q95"] - g["post_median"]],
                    fmt="none", ecolor=list(colour), alpha=0.6, lw=1)
        ax.scatter(g["truth"], g["post_median"], c=list(colour), s=10, zorder=3)
        ax.plot([p.low, p.high], [p.low, p.high], color="grey", lw=0.8, ls=":")
        ax.set_xlim(p.low, p.high)
        ax.set_ylim(p.low, p.high)
        ax.set_title(p.name, fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    fig.suptitle("Drawn value (x) against posterior median and 90 % interval (y); red: interval misses it", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_ranks(sets: pd.DataFrame, priors, path: Path) -> None:
    """Per parameter: where the drawn value lies in its posterior (uniform if calibrated)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    k = len(priors)
    cols = 6 if k > 9 else 3
    rows = math.ceil(k / cols)
    n = sets["set"].nunique()
    bins = max(2, min(10, n // 4))
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols, 1.9 * rows), squeeze=False)
    for ax, p in zip(axes.flat, priors):
        g = sets[sets["parameter"] == p.name]
        ax.hist(g["rank"], bins=bins, range=(0, 1), color="tab:blue", alpha=0.75)
        ax.axhline(n / bins, color="grey", ls=":", lw=1)
        ax.set_title(p.name, fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    fig.suptitle("Posterior quantile of the drawn value (simulation-based calibration ranks); dotted: uniform",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def projected_hours(record: dict, full: Settings = FULL, fit_dir: Path | None = None) -> tuple[float, float]:
    """(evaluations per set, hours) a study at ``full`` settings would take on the same
    workers: the evaluations from the committed fit's acceptance rates by generation (the last
    one's beyond them), the time of a run of the scenarios as measured in this study: its CPU
    time shared by the workers where every set measured it (local workers), else its wall time."""
    from sim.analysis.calibration import FITTED_DIR
    gens = read_generations((fit_dir or FITTED_DIR / "default") / "generations.csv")
    acceptance = gens["acceptance"].to_numpy(float)
    acc = np.concatenate([acceptance, np.full(max(0, full.generations - len(acceptance)), acceptance[-1])])
    evaluations = float(full.particles + np.sum(full.particles / acc[:full.generations]))   # prior sample first
    s = record["settings"]
    cpu = record.get("cpu_seconds_per_set")
    seconds = cpu / max(1, record["workers"]) if cpu else record["seconds_per_set"]
    per_run = seconds / max(1.0, record["evaluations_per_set"] + s["particles"]) / s["seeds"]
    return evaluations, full.sets * evaluations * per_run * full.seeds / 3600


def committed_settings(fit_dir: Path | None = None, sets: int = FULL.sets) -> Settings:
    """The settings of the committed fit, as a study's (its particles, generations, runs per evaluation)."""
    from sim.analysis.calibration import FITTED_DIR
    folder = fit_dir or FITTED_DIR / "default"
    meta = read_run(folder / "run.json", keys=("particles",))
    return Settings(sets=sets, particles=int(meta["particles"]), seeds=int(meta.get("seeds", 1)),
                    generations=len(read_generations(folder / "generations.csv")))


#: the figures written next to the page
FIGURES = ("identification-recovery.png", "identification-ranks.png")


def check_docs(docs: Path | None) -> None:
    """Refuse a ``--docs`` page, or a figure next to it, that exists and that this command
    did not write (a figure is ours when the page beside it is)."""
    if docs is None:
        return
    ours = os.path.lexists(docs) and docs.is_file() and starts_with(docs, MARKER)
    if os.path.lexists(docs) and not ours:
        raise UsageError(f"--docs {docs}: the file exists and was not written by fremskudt recovery; it is left "
                         "untouched")
    for name in FIGURES:
        if os.path.lexists(docs.parent / name) and not ours:
            raise UsageError(f"--docs {docs}: {docs.parent / name} exists and was not written by fremskudt recovery; "
                             "it is left untouched")


def _shorter(record: dict, fit_dir: Path | None = None) -> list[str]:
    """A caution when the study's calibrations end far above the epsilon of the fit they test."""
    from sim.analysis.calibration import FITTED_DIR
    gens = read_generations((fit_dir or FITTED_DIR / "default") / "generations.csv")
    fit_eps, eps = float(gens["epsilon"].iloc[-1]), record.get("final_epsilon")
    if eps is None or not math.isfinite(eps) or eps <= 1.2 * fit_eps:
        return []
    return [f"**Shorter than the fit it tests.** The study's calibrations ended at a median epsilon of {eps:.0f}, the "
            f"committed fit at {fit_eps:.0f} after {len(gens)} generations: their posteriors are wider than the fit's, "
            "so 'not recovered' here partly means 'not yet recovered after this many generations'.", ""]


def markdown(summary: pd.DataFrame, sets: pd.DataFrame, record: dict, priors, *, command: str, commit: str,
             fit: pd.DataFrame | None = None) -> str:
    s = record["settings"]
    n = int(sets["set"].nunique())
    full_evals, full_hours = projected_hours(record)
    fit_settings = committed_settings()
    fit_evals, fit_hours = projected_hours(record, fit_settings)
    lines = [MARKER, "", "# Identification: can the calibration recover parameters it knows?", "",
             f"Generated by `{command}` (commit {commit}). {record['describe']}. The {n} calibrations took "
             f"{record['seconds_total'] / 3600:.1f} hours on {record['workers']} worker process(es)"
             + (f" on Dask at {record['scheduler']}" if record.get("scheduler") else "")
             + f": {record['seconds_per_set'] / 60:.1f} min and {record['evaluations_per_set']:.0f} model evaluations "
             "per set on average"
             + (f" ({record['cpu_seconds_per_set'] / 60:.1f} CPU-minutes a set)" if record.get("cpu_seconds_per_set")
                else "")
             + f", plus {record['mc_seconds']:.0f} s for the Monte-Carlo sd.", "",
             *_shorter(record),
             "**How it works.** For each set, every calibrated parameter is drawn uniformly from its prior "
             "(`calibration/priors.yaml`). The model at those values gives every target of `calibration/targets.yaml` "
             "(one evaluation, as the calibration evaluates), plus a normal error with the reported figure's own sd "
             "(its sampling sd and any stated model-discrepancy sd): the figures an evaluation would report if the "
             "model were right. These synthetic figures are then calibrated as `fremskudt calibrate` calibrates the "
             f"real ones (same distance, proposal, stopping value and early rejection), with {s['particles']} particles "
             f"and {s['generations']} generations. For each parameter the table gives how often the 90 % posterior "
             "interval covers the drawn value (a calibrated posterior covers it in 90 % of the sets; the interval after "
             "it is the 90 % Clopper-Pearson interval of that share), the mean ratio of posterior sd to prior sd "
             "(below 0.5: the targets pin the parameter down), and the correlation of the posterior median with the "
             "drawn value.", "",
             *([f"**How far to trust it.** This is a small study: with {n} sets the 90 % interval of a coverage of "
                f"{n} of {n} runs from {100 * clopper_pearson(n, n)[0]:.0f} to 100 %, so coverage can flag only gross "
                "over-confidence, and the verdicts below are indicative. The study at the end of this page measures "
                "it properly.", ""] if n < FULL.sets else []),
             "Verdicts: **recovered** (sd ratio below 0.5 and coverage consistent with 90 %), **partly recovered** "
             "(sd ratio below 0.8), **over-confident** (coverage below 90 % beyond chance: the posterior is narrower "
             "than the evidence allows), **not recovered** (the posterior stays about as wide as the prior). A short "
             "calibration leaves wide posteriors that cover the truth easily, so read coverage with the sd ratio.", "",
             "| parameter | prior | covered | coverage (90 % interval) | mean sd ratio | r (median, drawn) | verdict |"
             + (" sd ratio in the committed fit |" if fit is not None else ""),
             "|---|---|---|---|---|---|---|" + ("---|" if fit is not None else "")]
    pri = {p.name: p for p in priors}
    for r in summary.itertuples():
        p = pri[r.parameter]
        extra = ""
        if fit is not None:
            extra = f" {fit.loc[r.parameter, 'sd_ratio']:.2f} |" if r.parameter in fit.index else " – |"
        rr = "–" if not math.isfinite(r.median_truth_r) else f"{r.median_truth_r:.2f}"
        lines.append(f"| `{r.parameter}` | U({p.low:g}, {p.high:g}) | {r.covered} of {r.sets} | {100 * r.coverage:.0f} % "
                     f"({100 * r.coverage_low:.0f}–{100 * r.coverage_high:.0f} %) | {r.sd_ratio:.2f} | {rr} | "
                     f"{r.verdict} |" + extra)
    lines.append("")
    for verdict in ("recovered", "partly recovered", "over-confident", "not recovered"):
        names = summary[summary["verdict"] == verdict]["parameter"].tolist()
        lines.append(f"- {verdict.capitalize()} ({len(names)}): " + (", ".join(f"`{x}`" for x in names) or "none") + ".")
    lines += ["", "![recovery](identification-recovery.png)", "", "![ranks](identification-ranks.png)", "",
              "## Cost, and the full study", "",
              f"At these settings a set took {record['seconds_per_set'] / 60:.1f} min "
              f"({record['evaluations_per_set']:.0f} evaluations after the prior sample). A study at "
              f"{FULL.particles} particles, {FULL.generations} generations and {FULL.seeds} runs of every scenario "
              f"per evaluation ({FULL.sets} sets) would need about {full_evals:,.0f} evaluations per set (from the "
              "acceptance rates of the committed fit's generations) and so about "
              f"**{full_hours:.0f} hours** on the same {record['workers']} worker(s); one at the committed fit's own "
              f"settings ({fit_settings.particles} particles, {fit_settings.generations} generations, "
              f"{fit_settings.seeds} runs per evaluation) about {fit_evals:,.0f} evaluations per set and "
              f"**{fit_hours:.0f} hours**. The time of a run comes from this study"
              + (" (its CPU time shared by the workers)" if record.get("cpu_seconds_per_set") else
                 " (its wall time, on a machine that may have been shared with other work: an upper bound)")
              + ". On a Dask cluster the time falls with the number of workers:", "",
              "```sh",
              f"fremskudt recovery --sets {FULL.sets} --particles {FULL.particles} --generations {FULL.generations} "
              f"--seeds {FULL.seeds} --docs docs/IDENTIFICATION.md",
              "```", "",
              "Finished sets are kept in the study's working folder (`calibration/runs/recovery-<settings>/`), so an "
              "interrupted study continues where it stopped; `--scheduler tcp://host:8786` runs its calibrations on a "
              "Dask cluster.", ""]
    return "\n".join(lines)
