"""The fitted folder of a calibration: posterior, predictive simulations, tables, figures
and ``report.md`` (generated; the hand-written ``notes.md`` is appended)."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from sim.experiment.runner import load_posterior
from sim.spec.reading import read_text

from . import figures, stored
from .audit import (POPULATIONS_FILE, STILL_MOVING, RecordedHistory, convergence, median_movement, plot_generations,
                    plot_pairs, stored_populations)
from .distance import ZScoreDistance
from .fit import (as_simulated, correlation_table, effective_sample_size, fit_table, parameter_table, posterior_frame,
                  posterior_predictive)
from .model import MultiScenarioModel
from .restore import GENERATIONS_FILE, POPULATION_FILE, RUN_FILE, full_generation_table, population_frame
from .targets import Prior, Target


def _early_rejection(sessions: list[dict]) -> str:
    """What the record says of early rejection (:mod:`.early`): the sessions that used it."""
    used = [i for i, s in enumerate(sessions, 1) if s.get("scenario_order")]
    if not used:
        return ""
    return (f"; in session(s) {', '.join(map(str, used))} an evaluation stopped as soon as its summed squared z was "
            f"past epsilon (order {', '.join(sessions[used[-1] - 1]['scenario_order'])}), so only accepted "
            "evaluations ran them all and the simulations are fewer than that")


def _fmt(v: Any, nd: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


#: the data files of a fitted folder, from which :func:`write_report` draws the report
DATA_FILES = ("posterior.parquet", POPULATION_FILE, POPULATIONS_FILE, GENERATIONS_FILE, RUN_FILE, "predictive.csv",
              "fit.csv", "parameters.csv", "correlations.csv")
#: what :func:`write_report` draws
FIGURE_FILES = ("targets.png", "parameters.png", "correlations.png", "generations.png", "pairs.png")


def write_fit(out_dir: Path, history, targets: Sequence[Target], priors: Sequence[Prior], model: MultiScenarioModel,
              distance: ZScoreDistance, meta: dict, *, workers: int = 1, draws: int = 60, run_seed: int = 20140101,
              earlier: pd.DataFrame | None = None) -> None:
    """posterior.parquet, populations.parquet (every stored generation, after those of
    ``earlier`` the history does not hold), run.json, predictive.csv, the fit, parameter and
    correlation tables, then the figures and report.md (:func:`write_report`)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = [p.name for p in priors]
    post = posterior_frame(history, order=order)
    as_simulated(post).to_parquet(out_dir / "posterior.parquet", index=False)
    population_frame(history, targets, order).to_parquet(out_dir / POPULATION_FILE, index=False)
    stored_populations(history, order, earlier).to_parquet(out_dir / POPULATIONS_FILE, index=False)
    gens = full_generation_table(history, meta)
    gens.to_csv(out_dir / GENERATIONS_FILE, index=False)
    pops = history.get_all_populations()
    initial = pops[pops["t"] < 0]
    if len(initial) and "initial_samples" not in meta:      # the prior sample that set the first epsilon
        meta["initial_samples"] = int(initial["samples"].sum())
        meta["initial_seconds"] = float(initial["wall_time"].fillna(0).sum())
    t0 = time.time()
    pred = posterior_predictive(model, post, draws, run_seed, workers)
    meta["predictive"] = {"draws": int(draws), "seconds": round(time.time() - t0, 1)}
    (out_dir / RUN_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    pred.to_csv(out_dir / "predictive.csv", index=False)
    fit_table(targets, pred, distance).to_csv(out_dir / "fit.csv", index=False)
    parameter_table(priors, post).to_csv(out_dir / "parameters.csv", index=False)
    correlation_table(post).to_csv(out_dir / "correlations.csv", index=False)
    write_report(out_dir, targets, priors)


def write_report(out_dir: Path, targets: Sequence[Target], priors: Sequence[Prior]) -> None:
    """The figures and ``report.md`` of a fitted folder, drawn from its data files alone
    (:data:`DATA_FILES`; ``populations.parquet`` where it exists), with ``notes.md`` appended."""
    out_dir = Path(out_dir)
    meta = stored.read_run(out_dir / RUN_FILE)
    post = load_posterior(out_dir)
    gens = stored.read_generations(out_dir / GENERATIONS_FILE)
    fit = stored.read_fit(out_dir / "fit.csv")
    par, corr = stored.read_parameters(out_dir / "parameters.csv"), stored.read_correlations(out_dir / "correlations.csv")
    pops_path = out_dir / POPULATIONS_FILE
    populations = stored.read_populations(pops_path) if pops_path.is_file() else None
    if populations is None or populations.empty:     # at least the last generation, from the posterior
        populations = post.assign(t=int(gens["t"].iloc[-1]))
    movement = median_movement(populations, priors)
    draws = int((meta.get("predictive") or {}).get("draws", 0))
    figures.plot_targets(fit, out_dir / "targets.png")
    figures.plot_parameters(priors, post, out_dir / "parameters.png")
    figures.plot_correlations(post, out_dir / "correlations.png")
    recorded = RecordedHistory(gens, populations, meta.get("initial_samples", 0))
    ess_note = plot_generations(recorded, gens, meta.get("min_epsilon"), out_dir / "generations.png")
    plot_pairs(post, priors, out_dir / "pairs.png")
    verdict = convergence(gens, meta.get("min_epsilon"), movement if len(movement.attrs["generations"]) > 1 else None)
    n_sc = len(meta.get("scenario_sizes") or {}) or len({t.scenario for t in targets})
    lines = [f"# Calibration '{meta['name']}'", "",
             f"ABC-SMC (pyabc) of {len(priors)} behavioural parameters against {len(targets)} reported figures "
             f"in {n_sc} scenarios at once. Generated by `fremskudt calibrate`; do not edit by hand.", "",
             f"**Convergence: {verdict}**", ""]
    lines += _run_section(meta, gens, n_sc, draws, ess_note)
    lines += _movement_section(movement, gens)
    lines += _fit_section(fit, draws)
    lines += _parameter_section(priors, par, post)
    lines += _correlation_section(corr)
    lines += _files_section(meta)
    notes = out_dir / "notes.md"
    if notes.exists():
        lines += ["## Notes", "", read_text(notes).strip(), ""]
    (out_dir / "report.md").write_text("\n".join(lines), encoding="utf-8")


def _run_section(meta: dict, gens: pd.DataFrame, n_sc: int, draws: int, ess_note: str) -> list[str]:
    # the generations' own wall times (pyabc's record, and a restored run's record of the
    # generations before), plus the prior sample that set the first epsilon: a session
    # stopped without writing its record still counts
    seconds = float(gens["seconds"].sum()) + float(meta.get("initial_seconds", 0.0))
    evals = int(gens["samples"].sum())
    initial = int(meta.get("initial_samples", 0))
    restored = meta.get("restored") or []
    sizes = ", ".join(f"{k}: {v}" for k, v in meta["scenario_sizes"].items())
    caps = meta.get("population_cap")
    population = (f"at most {meta['population']} citizens per scenario" if meta["population"] else "scenarios at full size")
    population += f", capped per scenario by the targets file ({', '.join(f'{k}: {v}' for k, v in caps.items())})" if caps else ""
    seeds = meta.get("seeds", 1)
    pred_seconds = float((meta.get("predictive") or {}).get("seconds", 0.0))
    lines = ["## Run", "",
             f"- Wall time of the ABC-SMC: **{seconds / 60:.1f} min**, the sum of the generations' times in the history "
             f"({len(meta['sessions'])} session(s) in the run's record"
             + "".join(f"; continued from the committed fit's generation {r['generation']}, its particles' targets "
                       f"{r['targets']}" for r in restored)
             + f"; plus {meta.get('mc_seconds', 0):.0f} s estimating the Monte-Carlo sd and {pred_seconds:.0f} s for the "
             f"posterior predictive); workers: {', '.join(str(s['workers']) for s in meta['sessions'])}.",
             f"- Model evaluations: **{evals}** in the generations"
             + (f", plus {initial} from the prior to set the first epsilon" if initial else "")
             + f" (each runs all {n_sc} scenarios"
             + (f" {seeds} times, i.e. {evals * n_sc * seeds} simulations" if seeds > 1 else f", i.e. {evals * n_sc} simulations")
             + (_early_rejection(meta["sessions"]) + ")")
             + f", plus {meta.get('mc_reps', 0)} for the Monte-Carlo sd and {draws} for the posterior predictive.",
             f"- Generations: {len(gens)}; particles per generation: {meta['particles']}; "
             f"final epsilon (sum of squared z): {_fmt(float(gens['epsilon'].iloc[-1]), 1)}.",
             f"- Simulated population: {population}; where a scenario is made smaller, its staff, offices and companies "
             f"are scaled by the same factor ({sizes} citizens)"
             + (f"; each evaluation averages {seeds} runs of every scenario, and the Monte-Carlo sd in the distance is "
                "that of the average" if seeds > 1 else "") + ".",
             f"- Proposal: {meta.get('transition', 'LocalTransition (k_fraction 0.25)')}; epsilon: pyabc's median "
             "of the previous generation's distances"
             + (f", stopping once it reaches {meta['min_epsilon']:g} (the number of targets: the summed squared z "
                "expected when the model is right)" if meta.get("min_epsilon") else "") + ".",
             f"- Seeds: {meta['seed_rule']} (run seed {meta['run_seed']}); posterior-predictive draws use "
             "`replication_seeds(run seed + 3, draws)`.",
             f"- Targets: `{meta['targets']}`"
             + (f" (programmes {', '.join(meta['programmes'])} only)" if meta.get("programmes") else "")
             + f"; priors: `{meta['priors']}`."
             + (f" Scenario overrides from the targets file: {meta['scenario_overrides']}." if meta.get("scenario_overrides") else ""),
             "",
             "![generations](generations.png)", "",
             "Drawn by `pyabc.visualization` (`plot_epsilons`, `plot_acceptance_rates_trajectory`, "
             f"`plot_effective_sample_sizes`) from this folder's record; the effective sample sizes are {ess_note}.",
             "",
             "| generation | epsilon | evaluations | accepted | acceptance | effective sample size | wall time (min) |",
             "|---|---|---|---|---|---|---|"]
    for g in gens.itertuples():
        lines.append(f"| {g.t} | {g.epsilon:.1f} | {g.samples} | {g.particles} | {g.acceptance:.3f} | {g.ess:.1f} "
                     f"| {g.seconds / 60:.1f} |")
    return lines + [""]


def _movement_section(movement: pd.DataFrame, gens: pd.DataFrame) -> list[str]:
    ts = movement.attrs["generations"]
    lines = ["## How far the posterior still moves", ""]
    if len(ts) < 2:
        return lines + [f"Only generation {ts[0]}'s particles are stored, so the movement of the posterior medians "
                        "cannot be measured from this folder.", ""]
    gap = "" if ts == list(range(ts[0], ts[-1] + 1)) else (
        " Not every generation's particles are stored; those shown are the ones this folder holds.")
    lines += [f"The weighted posterior median of each parameter in the stored generations {', '.join(map(str, ts))}, "
              f"and its change over the last stored step ({ts[-2]}→{ts[-1]}) and over generations {ts[0]}→{ts[-1]}, "
              f"in units of the final posterior sd. A settled posterior moves by a small fraction of its own sd; "
              f"{STILL_MOVING:g} sd or more over the span shown counts as still moving.{gap}", "",
              "| parameter | " + " | ".join(f"median, generation {t}" for t in ts) + f" | final sd | moved {ts[-2]}→{ts[-1]} "
              f"(sd) | moved {ts[0]}→{ts[-1]} (sd) |",
              "|---|" + "---|" * len(ts) + "---|---|---|"]
    for r in movement.itertuples(index=False):
        d = r._asdict()
        lines.append(f"| `{r.parameter}` | " + " | ".join(_fmt(d[f'median_t{t}']) for t in ts)
                     + f" | {_fmt(r.post_sd)} | {r.moved_last:+.2f} | {r.moved_span:+.2f} |")
    big = movement[movement["moved_span"].abs() >= STILL_MOVING]["parameter"].tolist()
    lines += ["", (f"Still moving ({STILL_MOVING:g} sd or more over generations {ts[0]}→{ts[-1]}): "
                   f"{', '.join(f'`{b}`' for b in big)}." if big else
                   f"No median moved by {STILL_MOVING:g} sd or more over generations {ts[0]}→{ts[-1]}."), ""]
    return lines


def _fit_section(fit: pd.DataFrame, draws: int) -> list[str]:
    inside = int(fit["inside_90"].sum())
    lines = ["## Fit to the targets", "",
             f"Posterior predictive from {draws} weighted posterior draws, each simulated with a fresh seed at the "
             "simulated population size and number of seeds per evaluation (so the interval includes the model's "
             f"Monte-Carlo noise). **{inside} of {len(fit)}** reported values lie inside the 90 % interval. "
             "z = (median − reported) / sqrt(sd_reported² + sd_model² + sd_MC²); for a range the distance to the "
             "nearer bound. sd model is a stated model discrepancy (targets file, `model_sd`, with its reason in the "
             "target's note); blank where none is stated.", "",
             "![targets](targets.png)", "",
             f"|z| ≤ 2 (the median within two combined sd of the reported figure, so consistent with its own "
             f"sampling error): **{int(fit['consistent'].sum())} of {len(fit)}**.", "",
             "| target | statistic | scenario | reported | sd rep. | sd model | sd MC | median | 90 % interval | z "
             "| inside 90 % | \\|z\\| ≤ 2 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in fit.itertuples():
        lines.append(f"| {r.id} | `{r.statistic}` | {r.scenario} | {r.reported} | {_fmt(r.sd_reported)} | "
                     f"{_fmt(r.sd_model) if r.sd_model else ''} | {_fmt(r.sd_mc)} | {_fmt(r.median)} | "
                     f"{_fmt(r.q05)}–{_fmt(r.q95)} | {_fmt(r.z_median, 1)} | {'yes' if r.inside_90 else '**no**'} | "
                     f"{'yes' if r.consistent else '**no**'} |")
    bad = fit[~fit["inside_90"]]
    if len(bad):
        lines += ["", "Outside the interval: " + "; ".join(
            f"{r.id} (reported {r.reported}, simulated {_fmt(r.median)})" for r in bad.itertuples()) + "."]
    return lines + [""]


def _parameter_section(priors: Sequence[Prior], par: pd.DataFrame, post: pd.DataFrame) -> list[str]:
    lines = ["## Parameters: prior vs posterior", "",
             "sd ratio = posterior sd / prior sd (uniform prior sd = width/√12). Below 0.5: the targets identify the "
             "parameter; 0.5–0.8: partly; above 0.8: the data leave it open.", "",
             "![parameters](parameters.png)", "",
             "| parameter | prior | default | posterior median | 90 % interval | sd ratio | verdict |",
             "|---|---|---|---|---|---|---|"]
    for r in par.itertuples():
        lines.append(f"| `{r.parameter}` | U({r.prior_low:g}, {r.prior_high:g}) | {r.default:g} | {_fmt(r.post_median)} | "
                     f"{_fmt(r.post_q05)}–{_fmt(r.post_q95)} | {r.sd_ratio:.2f} | {r.verdict} |")
    ess = effective_sample_size(post["weight"])
    if ess < 10:
        lines += ["", f"**Caution: the final population has an effective sample size of {ess:.1f} of {len(post)} "
                  "particles** (importance weights concentrated on very few particles). The posterior sd, the sd "
                  "ratios and the intervals above then describe a handful of particles, not what the targets "
                  "identify; nothing is claimed about identification from this run."]
    else:
        ident = par[par["sd_ratio"] < 0.5]["parameter"].tolist()
        open_ = par[par["sd_ratio"] >= 0.8]["parameter"].tolist()
        lines += ["", f"Identified: {', '.join(ident) or 'none'}. Left open by the data: {', '.join(open_) or 'none'}."]
    lines += ["", "Priors and reasons:", ""]
    lines += [f"- `{p.name}` U({p.low:g}, {p.high:g}): {p.reason}" for p in priors]
    return lines + [""]


def _correlation_section(corr: pd.DataFrame, threshold: float = 0.3) -> list[str]:
    strong = corr[corr["correlation"].abs() >= threshold]
    lines = ["## What the targets cannot tell apart: posterior correlations", "",
             "Weighted correlations between the parameters in the final population. A strong correlation means the "
             "targets constrain a combination of the two (their trade-off) rather than each: one can be moved if the "
             "other compensates. Pairs with |r| ≥ 0.3, strongest first (all pairs in `correlations.csv`).", "",
             "![correlations](correlations.png)", "",
             "The whole weighted posterior, pair by pair (the one-dimensional marginals on the diagonal):", "",
             "![pairs](pairs.png)", ""]
    if strong.empty:
        return lines + ["No pair reaches |r| = 0.3: what is left open is open on its own, not traded off.", ""]
    lines += ["| parameter | parameter | r |", "|---|---|---|"]
    lines += [f"| `{r.first}` | `{r.second}` | {r.correlation:+.2f} |" for r in strong.itertuples()]
    return lines + [""]


def _files_section(meta: dict) -> list[str]:
    return ["## Files", "",
            "- `posterior.parquet`: final generation, one column per parameter plus `weight` (normalised); "
            "`fremskudt run --posterior` draws from it.",
            "- `population.parquet` (the final generation with each particle's distance and simulated targets, "
            "`x:TARGET`) and `generations.csv` (the table of generations): with `run.json`, what `fremskudt calibrate "
            f"--name {meta['name']} --resume` needs to continue this fit where its pyabc history is not at hand.",
            "- `populations.parquet`: the particles (parameters, `weight`, `distance`) of every stored generation, "
            "column `t`: what the plots of the generations and the movement of the medians are drawn from.",
            "- `predictive.csv`: the posterior-predictive simulations; `fit.csv`, `parameters.csv`, "
            "`correlations.csv`: the tables above; `generations.png`, `pairs.png` and the other figures: drawn from "
            f"these files, again with `fremskudt calibrate --name {meta['name']} --redraw`.",
            "- `run.json`: the run's record (targets and priors with their hashes, population, seeds, Monte-Carlo sd, "
            "sessions with their wall time and evaluations).",
            f"- pyabc history: `calibration/runs/{meta['name']}.db` (run id {meta.get('run_id', '–')}), not versioned.", ""]
