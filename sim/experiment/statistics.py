"""Summaries over replications, paired differences between scenarios, verdicts and
misfit against evaluation figures: one convention for every table, figure and sentence.

The convention (stated once, in every report):

* a point figure is the **mean over replications**;
* an interval is the **90 % interval**: the 5th to the 95th percentile of the
  replications' values (for a difference: of the per-replication differences);
* a difference between two scenarios is computed replication by replication with the
  same seed (common random numbers) and then averaged, over the replications where both
  have a value; the two scenario means shown beside it are taken over the same
  replications, so ``difference_mean == scenario_mean - reference_mean``.

Verdict on a difference (:func:`verdict`), written down here and tested:

* ``not_covered``: no replication has a value (e.g. a 52-week measure in a shorter run);
* ``none`` (no detectable difference): the 90 % interval includes zero, or there are fewer
  than :data:`MIN_PAIRS` pairs (with so few, all pointing one way happens by chance too
  often: 2 in 16 with four pairs);
* ``clear``: the interval excludes zero, every replication points the same way and there
  are at least :data:`CLEAR_MIN_PAIRS` pairs;
* ``likely``: the interval excludes zero otherwise.

A ratio of two mean differences (the cost per additional citizen, :func:`ratio_of_means`)
gets its 90 % interval from a bootstrap over the pairs: the pairs are resampled with
replacement :data:`BOOTSTRAP_RESAMPLES` times, the ratio of the resampled means taken each
time, and the 5th and 95th percentiles of those ratios are the interval.  The resampling
is seeded by the pairs' replication seeds, so the same pairs always give the same interval.

An outcome *never varies* (:func:`varying`) when every replication of every scenario in
view gives it the same value; such an outcome says nothing about the difference between
designs, so the key findings, the charts and the scoreboard leave it out (the full tables
keep it).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.experiment import budget
from sim.experiment.outcomes import DEFINITIONS as OUTCOME_DEFINITIONS
from sim.spec.scenario import Scenario

LOW, HIGH = 0.05, 0.95            #: the 90 % interval
MIN_PAIRS = 5
CLEAR_MIN_PAIRS = 10
MISFIT_Z = 2.0                    #: |z| above this flags a figure far from the evaluation
BOOTSTRAP_RESAMPLES = 2000
#: values closer than this count as the same (an outcome that "never varies")
SAME_VALUE = 1e-12

#: Every outcome a replication reports: the evaluation measures, then the budget.
DEFINITIONS: dict[str, str] = {**OUTCOME_DEFINITIONS, **budget.DEFINITIONS}

_RATES = {"meetings_per_case_year", "open_advice_visits_per_case_month", "office_visits_per_case_month",
          "sanctions_per_case_year", "caseworker_changes_per_case_year"}
_PERSONS = {"citizens_ever_job_or_education_52w", "citizens_on_benefit_end"}

SUMMARY_COLUMNS = ["scenario", "outcome", "unit", "mean", "p5", "p95", "replications", "reported", "reported_n",
                   "reported_source", "reported_from", "z", "misfit", "definition"]
COMPARISON_COLUMNS = ["scenario", "reference", "outcome", "unit", "reference_mean", "scenario_mean",
                      "difference_mean", "difference_p5", "difference_p95", "pairs", "same_direction", "verdict",
                      "definition"]


def unit(outcome: str) -> str:
    """What an outcome's values are: ``share`` (0-1), ``rate``, ``hours``, ``persons`` or ``kroner``."""
    if outcome in budget.DEFINITIONS:
        return "persons" if outcome in _PERSONS else "kroner"
    if outcome in _RATES or "_per_case_" in outcome:
        return "rate"
    if outcome == "paid_hours_per_month":
        return "hours"
    return "share"


def describe(values) -> tuple[float, float, float, int]:
    """(mean, 5th percentile, 95th percentile, count) over the non-missing values."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if not v.size:
        return math.nan, math.nan, math.nan, 0
    return float(v.mean()), float(np.quantile(v, LOW)), float(np.quantile(v, HIGH)), int(v.size)


def verdict(lo: float, hi: float, same_direction: float, pairs: int) -> str:
    """The rule of the module docstring."""
    if pairs == 0 or math.isnan(lo) or math.isnan(hi):
        return "not_covered"
    if lo <= 0.0 <= hi or pairs < MIN_PAIRS:
        return "none"
    if same_direction >= 1.0 and pairs >= CLEAR_MIN_PAIRS:
        return "clear"
    return "likely"


def misfit_z(values, reported: float, n: int | None, kind: str) -> float:
    """Distance of the simulated mean from an evaluation figure in standard errors.

    The standard error combines the evaluation's sampling error (binomial for a share,
    Poisson for a rate counted from ``n`` events) with the Monte-Carlo error of the
    simulated mean.  NaN without ``n`` or for other kinds of figure."""
    mean, _, _, count = describe(values)
    if n is None or n <= 0 or math.isnan(mean) or kind not in ("share", "rate"):
        return math.nan
    se_rep = math.sqrt(reported * (1.0 - reported) / n) if kind == "share" else abs(reported) / math.sqrt(n)
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    se_sim = float(v.std(ddof=1)) / math.sqrt(count) if count > 1 else 0.0
    se = math.hypot(se_rep, se_sim)
    return (mean - reported) / se if se > 0 else math.nan


def summary_frame(scenario: Scenario, reps: pd.DataFrame, origin: dict[str, str],
                  elsewhere: set[str] | frozenset = frozenset()) -> pd.DataFrame:
    """Every outcome of one scenario: mean and 90 % interval, the evaluation figure and its z.
    A figure in ``elsewhere`` was reported for the base programme of another setting
    (:func:`sim.experiment.outputs.reported_elsewhere`): shown, never scored (no z)."""
    rows = []
    mine = reps[reps["scenario"] == scenario.name]
    for outcome, definition in DEFINITIONS.items():
        v = mine.loc[mine["outcome"] == outcome, "value"].to_numpy(dtype=float)
        if not v.size and outcome in budget.DEFINITIONS:
            continue                       # a run without prices has no budget rows
        mean, lo, hi, count = describe(v)
        rep = scenario.reported.get(outcome)
        z = misfit_z(v, rep.value, rep.n, unit(outcome)) if rep and outcome not in elsewhere else math.nan
        rows.append({"scenario": scenario.name, "outcome": outcome, "unit": unit(outcome),
                     "mean": mean, "p5": lo, "p95": hi, "replications": count,
                     "reported": rep.value if rep else math.nan,
                     "reported_n": rep.n if rep and rep.n is not None else pd.NA,
                     "reported_source": rep.source if rep else "",
                     "reported_from": origin.get(outcome, scenario.name) if rep else "",
                     "z": z, "misfit": bool(abs(z) > MISFIT_Z) if not math.isnan(z) else False,
                     "definition": definition})
    df = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    df["reported_n"] = df["reported_n"].astype("Int64")
    return df


def paired(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Means over the complete pairs and the mean and 90 % interval of ``b - a``."""
    ok = ~(np.isnan(a) | np.isnan(b))
    d = b[ok] - a[ok]
    mean, lo, hi, n = describe(d)
    sign = np.sign(mean) if n and mean != 0 else 0.0
    same = float(np.mean(np.sign(d) == sign)) if n and sign != 0 else 0.0
    return {"reference_mean": float(a[ok].mean()) if n else math.nan,
            "scenario_mean": float(b[ok].mean()) if n else math.nan,
            "difference_mean": mean, "difference_p5": lo, "difference_p95": hi, "pairs": n,
            "same_direction": same, "verdict": verdict(lo, hi, same, n)}


def comparison_frame(reps: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Each outcome's difference against the first scenario, paired by replication seed."""
    ref = names[0]
    wide = reps.pivot_table(index=["outcome", "seed"], columns="scenario", values="value", aggfunc="first",
                            dropna=False)
    present = set(wide.index.get_level_values(0))
    rows = []
    for name in names[1:]:
        for outcome, definition in DEFINITIONS.items():
            if outcome not in present:
                continue
            sub = wide.loc[outcome]
            stats = paired(sub[ref].to_numpy(dtype=float), sub[name].to_numpy(dtype=float))
            rows.append({"scenario": name, "reference": ref, "outcome": outcome, "unit": unit(outcome), **stats,
                         "definition": definition})
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def varying(reps: pd.DataFrame, names: list[str]) -> set[str]:
    """Outcomes whose value differs between at least two replications of the scenarios
    ``names`` (see the module docstring); an outcome with fewer than two values cannot be
    seen not to vary, so it counts as varying."""
    sub = reps[reps["scenario"].isin(names)].dropna(subset=["value"])
    stats = sub.groupby("outcome")["value"].agg(["min", "max", "count"])
    return set(stats.index[(stats["max"] - stats["min"] > SAME_VALUE) | (stats["count"] < 2)])


def ratio_of_means(numerator: np.ndarray, denominator: np.ndarray, seeds) -> tuple[float, float, float]:
    """mean(numerator) / mean(denominator) over the complete pairs, with the 90 % interval
    of the bootstrap over pairs (module docstring).  NaN bounds when a resampled
    denominator is zero or changes sign in more than the interval's tail (5 %)."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    ok = ~(np.isnan(num) | np.isnan(den))
    num, den = num[ok], den[ok]
    if not num.size or den.mean() == 0:
        return math.nan, math.nan, math.nan
    ratio = float(num.mean() / den.mean())
    rng = np.random.default_rng(np.random.SeedSequence([int(s) for s in np.asarray(seeds)[ok]]))
    picks = rng.integers(0, num.size, size=(BOOTSTRAP_RESAMPLES, num.size))
    top, bottom = num[picks].mean(axis=1), den[picks].mean(axis=1)
    if np.mean(np.sign(bottom) != np.sign(den.mean())) > LOW:
        return ratio, math.nan, math.nan
    ratios = top[bottom != 0] / bottom[bottom != 0]
    return ratio, float(np.quantile(ratios, LOW)), float(np.quantile(ratios, HIGH))


def paired_ratio(reps: pd.DataFrame, reference: str, scenario: str, numerator: str, denominator: str
                 ) -> tuple[float, float, float]:
    """:func:`ratio_of_means` of the paired differences of two outcomes (``scenario`` minus
    ``reference``, paired by seed)."""
    wide = reps[reps["outcome"].isin([numerator, denominator]) & reps["scenario"].isin([reference, scenario])] \
        .pivot_table(index="seed", columns=["outcome", "scenario"], values="value", aggfunc="first")
    needed = [(o, n) for o in (numerator, denominator) for n in (reference, scenario)]
    if any(c not in wide.columns for c in needed):
        return math.nan, math.nan, math.nan
    wide = wide.dropna(subset=needed)
    num = (wide[(numerator, scenario)] - wide[(numerator, reference)]).to_numpy(dtype=float)
    den = (wide[(denominator, scenario)] - wide[(denominator, reference)]).to_numpy(dtype=float)
    return ratio_of_means(num, den, wide.index.to_numpy())
