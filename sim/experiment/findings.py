"""Key findings: the rules that turn summaries and comparisons into the few statements a
report opens with.  The rules decide *what* is said; the wording, in each language,
lives in the interface's catalogue (:mod:`sim.interface.i18n`).

Rules (tested in ``tests/test_findings.py``):

* An outcome's difference is stated with the verdict of
  :func:`sim.experiment.statistics.verdict`: "no detectable difference" when its 90 %
  interval includes zero, "likely" or "clear" otherwise.
* The headline outcome is the first of :data:`HEADLINE_OUTCOMES` the run covers: the
  share in a job or education within 52 weeks, where the run covers it.
* Outcomes of :data:`FINDING_OUTCOMES` with a detectable difference get a statement each;
  those without are listed together.  An outcome that never varies in the scenarios in
  view, or that repeats another (:func:`left_out`), is left out.
* The cost per additional citizen in a job or education (:func:`cost_per_citizen`) is
  the mean net public cost difference divided by the mean difference in the number of
  citizens in a job or education within 52 weeks, with the 90 % interval of the bootstrap
  over pairs (:func:`sim.experiment.statistics.ratio_of_means`).  It is *not defined*, with
  the reason, when the run does not cover the 52-week measure, when the effect or the net
  cost difference is not detectable (its 90 % interval includes zero), when the effect is
  negative, or when the bootstrap cannot bound it.
* What changed: every organisation lever, company count, population size or horizon
  whose value differs from the reference; and what the staff's time bought: each outcome of
  :data:`TIME_BOUGHT_OUTCOMES` (contact with and for the citizens) with a detectable
  difference, whatever the sign of the final effect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.spec.scenario import Scenario

from .statistics import paired_ratio, varying

HEADLINE_OUTCOMES = ("ever_job_or_education_52w", "share_self_supporting", "ever_self_sufficient_52w",
                     "share_ordinary_hours", "active_effort_share")
#: what a change of staffing buys first: the caseworkers' time with and for the citizens (process 11)
TIME_BOUGHT_OUTCOMES = ("contact_minutes_per_case_month", "meetings_held_per_case_year", "extra_contacts_per_case_year",
                        "followups_per_case_year")
FINDING_OUTCOMES = ("ever_job_or_education_52w", "ever_self_sufficient_52w", "ever_company_activation_52w",
                    "share_self_supporting", "share_ordinary_hours", "noshow_share", "attendance_share")
COST_EFFECT_OUTCOME = "ever_job_or_education_52w"
COST_EFFECT_PERSONS = "citizens_ever_job_or_education_52w"
#: outcome -> (condition outcome, its value, the outcome it then repeats): when every
#: replication gives the condition that value, the outcome counts the same people as the other
REPEATS = {"share_self_supporting": ("active_effort_share", 1.0, "ever_job_or_education_52w")}


@dataclass(frozen=True)
class Effect:
    """One outcome of a scenario against the reference (or alone, with ``reference`` NaN)."""

    outcome: str
    unit: str
    reference: float
    scenario: float
    difference: float
    low: float
    high: float
    verdict: str
    pairs: int


@dataclass(frozen=True)
class CostPerCitizen:
    """Kroner per additional citizen in a job or education within 52 weeks, with its 90 %
    interval, or why it is not defined."""

    value: float | None
    reason: str | None = None      # no_budget | not_covered | effect_not_detectable | effect_negative |
    low: float | None = None       # cost_not_detectable | not_bounded
    high: float | None = None


@dataclass
class ComparisonFindings:
    scenario: str
    reference: str
    weeks: int
    levers: list[tuple[str, Any, Any]]
    headline: Effect | None
    effects: list[Effect]
    unchanged: list[Effect]
    net_cost: Effect | None
    net_cost_per_citizen: Effect | None
    cost_per_citizen: CostPerCitizen
    bought: list[Effect] = field(default_factory=list)


@dataclass
class RunFindings:
    scenario: str
    weeks: int
    outcomes: list[Effect]
    net_cost: Effect | None
    net_cost_per_citizen: Effect | None
    misfits: list[tuple[str, float, float, float]] = field(default_factory=list)   # outcome, evaluation, mean, z
    compared: int = 0                                                               # evaluation figures with a z


def _effect(row) -> Effect:
    return Effect(row.outcome, row.unit, row.reference_mean, row.scenario_mean, row.difference_mean,
                  row.difference_p5, row.difference_p95, row.verdict, int(row.pairs))


def _flatten(d: dict, prefix: str = "") -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def settings(sc: Scenario) -> dict[str, Any]:
    """The settings a key finding can name, by key path (``organisation.caseworkers``, ...)."""
    return {**_flatten({"organisation": sc.organisation.model_dump(mode="json")}),
            "companies.count": sc.companies.count, "population.size": sc.population.size,
            "horizon_weeks": sc.horizon_weeks}


def changed_levers(reference: Scenario, scenario: Scenario) -> list[tuple[str, Any, Any]]:
    """(key path, reference value, scenario value) of every setting that differs."""
    a, b = settings(reference), settings(scenario)
    return [(k, a.get(k), b.get(k)) for k in b if a.get(k) != b.get(k)]


def left_out(reps: pd.DataFrame, names: list[str]) -> set[str]:
    """Outcomes the key findings, the charts and the scoreboard leave out for the scenarios
    ``names``: those that never vary, and those that repeat another (:data:`REPEATS`)."""
    present = set(reps.loc[reps["scenario"].isin(names), "outcome"])
    out = present - varying(reps, names)
    for outcome, (condition, value, _) in REPEATS.items():
        v = reps.loc[reps["scenario"].isin(names) & (reps["outcome"] == condition), "value"].dropna()
        if len(v) and (v == value).all():
            out.add(outcome)
    return out


def cost_per_citizen(effects: dict[str, Effect], ratio: tuple[float, float, float] | None = None) -> CostPerCitizen:
    """The rule of the module docstring; ``ratio`` is the ratio of means with its bootstrap
    interval (:func:`sim.experiment.statistics.paired_ratio`)."""
    cost, persons = effects.get("net_cost"), effects.get(COST_EFFECT_PERSONS)
    eff = effects.get(COST_EFFECT_OUTCOME)
    if cost is None or persons is None:
        return CostPerCitizen(None, "no_budget")
    if eff is None or eff.verdict == "not_covered":
        return CostPerCitizen(None, "not_covered")
    if eff.verdict == "none":
        return CostPerCitizen(None, "effect_not_detectable")
    if eff.difference < 0 or persons.difference <= 0:
        return CostPerCitizen(None, "effect_negative")
    if cost.verdict == "none":
        return CostPerCitizen(None, "cost_not_detectable")
    if ratio is None or any(math.isnan(x) for x in ratio):
        return CostPerCitizen(None, "not_bounded")
    return CostPerCitizen(ratio[0], None, ratio[1], ratio[2])


def compare_findings(comparison: pd.DataFrame, scenarios: list[Scenario], reps: pd.DataFrame) -> list[ComparisonFindings]:
    """Key findings of each scenario against the first (``reps``: the replications behind
    ``comparison``, for the cost per citizen's interval and the outcomes left out)."""
    ref = scenarios[0]
    hidden = left_out(reps, [s.name for s in scenarios])
    out = []
    for sc in scenarios[1:]:
        rows = comparison[comparison["scenario"] == sc.name]
        effects = {r.outcome: _effect(r) for r in rows.itertuples()}
        covered = [effects[o] for o in FINDING_OUTCOMES
                   if o in effects and effects[o].verdict != "not_covered" and o not in hidden]
        headline = next((effects[o] for o in HEADLINE_OUTCOMES
                         if o in effects and effects[o].verdict != "not_covered" and o not in hidden), None)
        out.append(ComparisonFindings(
            scenario=sc.name, reference=ref.name, weeks=sc.horizon_weeks, levers=changed_levers(ref, sc),
            headline=headline, effects=[e for e in covered if e.verdict in ("likely", "clear")],
            unchanged=[e for e in covered if e.verdict == "none"],
            net_cost=effects.get("net_cost"), net_cost_per_citizen=effects.get("net_cost_per_citizen"),
            cost_per_citizen=cost_per_citizen(effects, paired_ratio(reps, ref.name, sc.name, "net_cost",
                                                                    COST_EFFECT_PERSONS)),
            bought=[effects[o] for o in TIME_BOUGHT_OUTCOMES
                    if o in effects and effects[o].verdict in ("likely", "clear") and o not in hidden]))
    return out


def _level(r: pd.Series) -> Effect:
    return Effect(r["outcome"], r["unit"], math.nan, r["mean"], math.nan, r["p5"], r["p95"], "", int(r["replications"]))


def run_findings(summary: pd.DataFrame, scenario: Scenario, hidden: set[str] | frozenset = frozenset()) -> RunFindings:
    """Key findings of a single scenario: its main outcomes (less those ``hidden``:
    :func:`left_out`), its cost and its misfits."""
    s = summary[summary["scenario"] == scenario.name].set_index("outcome", drop=False)
    outcomes = [_level(s.loc[o]) for o in FINDING_OUTCOMES
                if o in s.index and s.loc[o, "replications"] > 0 and o not in hidden]
    misfits = [(r.outcome, r.reported, r.mean, r.z) for r in s.itertuples() if r.misfit]
    compared = int(s["z"].notna().sum())
    cost = _level(s.loc["net_cost"]) if "net_cost" in s.index else None
    per = _level(s.loc["net_cost_per_citizen"]) if "net_cost_per_citizen" in s.index else None
    return RunFindings(scenario.name, scenario.horizon_weeks, outcomes, cost, per, misfits, compared)
