"""The public budget of a design against its reference over several years: discounted, for
the public sector, the municipality and the state, with the payback year and the
break-even effect.  Every rule is written here once and tested on a case checked by hand
(``tests/test_horizon.py``).

A simulation runs for the scenario's horizon (usually one year); a budget decision looks
further.  For each pair of replications (design and reference on the same seed):

* **during the run** each payer's difference in net cost over the run
  (:mod:`sim.experiment.budget`: ``net_cost``, ``municipal_net_cost``, ``state_net_cost``)
  is spread evenly over the run's weeks;
* **after the run** the programme has stopped (no staff, offices or courses any more),
  and the difference it made to who is on benefit is assumed to last
  :attr:`Horizon.effect_years` years and then to vanish: each week of that period carries
  the difference in the weekly net cost of the citizens' status at the end of the run
  (``weekly_net_cost_end``, ``weekly_municipal_net_cost_end``);
* a week of year *y* (weeks 52(y−1) to 52y from the start of the run) is discounted to
  the prices file's year by (1 + r)^−(y−1), r the prices file's discount rate.

The total over the horizon is summarised as every difference is (mean over pairs, 90 %
interval, verdict: :mod:`sim.experiment.statistics`).

* **Payback year**: the first year at whose end the mean cumulative discounted difference
  in net public cost is at most zero; ``None`` when it is still positive at the horizon.
* **Break-even effect**: how many more citizens the design would have to move off benefit
  for the discounted net public cost difference to be zero.  The programme-cost difference
  (staff, offices and courses over the run, discounted like the run's flows) is divided by
  what one citizen off benefit saves: the reference's weekly net public cost per citizen on
  benefit at the end of the run, for every week from the middle of the run (when, on
  average, an additional citizen leaves) until the effect is assumed to end (within the
  horizon), discounted.  It is set beside the simulated difference in citizens on benefit
  at the end of the run, which is the same kind of quantity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.spec.parameters import WEEKS_PER_YEAR

from .statistics import describe, verdict

#: the budget's horizon in years unless the user chooses (at least the run's length)
DEFAULT_YEARS = 3
#: years the difference in who is on benefit is assumed to last after the programme
DEFAULT_EFFECT_YEARS = 1.0
#: payer -> (net cost over the run, weekly net cost at the end of the run); "state" is the public less the municipal
PAYERS = {"public": ("net_cost", "weekly_net_cost_end"),
          "municipality": ("municipal_net_cost", "weekly_municipal_net_cost_end")}
PROGRAMME_COSTS = ("cost_caseworkers", "cost_mentors", "cost_consultants", "cost_offices", "cost_courses")
COLUMNS = ["scenario", "reference", "payer", "period", "difference_mean", "difference_p5", "difference_p95",
           "cumulative_mean", "verdict"]


@dataclass(frozen=True)
class Horizon:
    """The budget's settings: its horizon, how long effects last, the discount rate."""

    years: int = DEFAULT_YEARS
    effect_years: float = DEFAULT_EFFECT_YEARS
    rate: float = 0.0

    @staticmethod
    def default_years(run_weeks: int) -> int:
        """At least :data:`DEFAULT_YEARS`, and at least the run's length."""
        return max(DEFAULT_YEARS, math.ceil(run_weeks / WEEKS_PER_YEAR))


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def discount(year: int, rate: float) -> float:
    """The factor of year ``year`` (1 for the first)."""
    return (1.0 + rate) ** -(year - 1)


def yearly(run_total, weekly_end, run_weeks: int, h: Horizon) -> np.ndarray:
    """Discounted flows by year (columns) for each pair (rows): the run's total spread over
    its weeks, then ``weekly_end`` a week for ``h.effect_years`` years."""
    run_total = np.atleast_1d(np.asarray(run_total, dtype=float))
    weekly_end = np.atleast_1d(np.asarray(weekly_end, dtype=float))
    end = run_weeks + h.effect_years * WEEKS_PER_YEAR
    out = np.zeros((len(run_total), h.years))
    for y in range(1, h.years + 1):
        a, b = (y - 1) * WEEKS_PER_YEAR, y * WEEKS_PER_YEAR
        during, after = _overlap(a, b, 0, run_weeks), _overlap(a, b, run_weeks, end)
        out[:, y - 1] = (run_total / run_weeks * during + weekly_end * after) * discount(y, h.rate)
    return out


def person_weeks(run_weeks: int, h: Horizon) -> float:
    """Discounted weeks off benefit of one additional citizen who leaves halfway through the
    run and stays off until the effect is assumed to end (within the horizon)."""
    start, end = run_weeks / 2, min(run_weeks + h.effect_years * WEEKS_PER_YEAR, h.years * WEEKS_PER_YEAR)
    return sum(_overlap((y - 1) * WEEKS_PER_YEAR, y * WEEKS_PER_YEAR, start, end) * discount(y, h.rate)
               for y in range(1, h.years + 1))


@dataclass
class PayerBudget:
    payer: str
    total: dict                     # mean, p5, p95, pairs, verdict of the discounted total
    yearly: list[float]             # mean discounted difference by year
    cumulative: list[float]
    payback_year: int | None


@dataclass
class BreakEven:
    programme_cost: float           # discounted programme-cost difference (staff, offices, courses)
    saving_per_week: float          # net public cost a week of one citizen on benefit (reference, end of run)
    person_weeks: float             # discounted weeks off benefit of one additional citizen
    persons: float | None           # citizens who would have to leave benefit; None if the programme costs no more
    share: float | None             # ... as a share of the citizens observed
    simulated_fewer_on_benefit: float


@dataclass
class HorizonBudget:
    scenario: str
    reference: str
    horizon: Horizon
    run_weeks: int
    payers: dict[str, PayerBudget] = field(default_factory=dict)
    break_even: BreakEven | None = None


def _wide(reps: pd.DataFrame, outcome: str, name: str) -> pd.Series:
    sub = reps[(reps["outcome"] == outcome) & (reps["scenario"] == name)]
    return sub.set_index("seed")["value"].astype(float)


def _pairs(reps: pd.DataFrame, outcome: str, ref: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    a, b = _wide(reps, outcome, ref), _wide(reps, outcome, name)
    seeds = a.index.intersection(b.index)
    return a.loc[seeds].to_numpy(), b.loc[seeds].to_numpy()


def _difference(reps: pd.DataFrame, outcome: str, ref: str, name: str) -> np.ndarray:
    a, b = _pairs(reps, outcome, ref, name)
    return b - a


def payer_budget(payer: str, run_diff: np.ndarray, end_diff: np.ndarray, run_weeks: int, h: Horizon) -> PayerBudget:
    flows = yearly(run_diff, end_diff, run_weeks, h)
    ok = ~np.isnan(flows).any(axis=1)
    flows = flows[ok]
    totals = flows.sum(axis=1)
    mean, lo, hi, n = describe(totals)
    sign = np.sign(mean) if n and mean != 0 else 0.0
    same = float(np.mean(np.sign(totals) == sign)) if n and sign != 0 else 0.0
    by_year = flows.mean(axis=0) if n else np.full(h.years, np.nan)
    cumulative = np.cumsum(by_year)
    payback = next((y + 1 for y, c in enumerate(cumulative) if c <= 0), None) if n else None
    return PayerBudget(payer, {"mean": mean, "p5": lo, "p95": hi, "pairs": n, "verdict": verdict(lo, hi, same, n)},
                       [float(x) for x in by_year], [float(x) for x in cumulative], payback)


def horizon_budget(reps: pd.DataFrame, reference: str, scenario: str, run_weeks: int, h: Horizon) -> HorizonBudget:
    """The budget of ``scenario`` against ``reference`` over ``h`` (module docstring)."""
    out = HorizonBudget(scenario, reference, h, run_weeks)
    diffs = {}
    for payer, (run_item, end_item) in PAYERS.items():
        diffs[payer] = (_difference(reps, run_item, reference, scenario), _difference(reps, end_item, reference, scenario))
    diffs["state"] = tuple(p - m for p, m in zip(diffs["public"], diffs["municipality"]))
    for payer, (run_diff, end_diff) in diffs.items():
        out.payers[payer] = payer_budget(payer, run_diff, end_diff, run_weeks, h)
    programme = sum(_difference(reps, k, reference, scenario) for k in PROGRAMME_COSTS)
    cost = float(yearly(np.nanmean(programme), 0.0, run_weeks, h).sum()) if len(programme) else math.nan
    ref_cost, ref_on = (_wide(reps, k, reference) for k in ("weekly_net_cost_end", "citizens_on_benefit_end"))
    per_week = float(np.nanmean(ref_cost / ref_on.where(ref_on > 0))) if len(ref_on) else math.nan
    weeks = person_weeks(run_weeks, h)
    observed = _wide(reps, "net_cost", reference) / _wide(reps, "net_cost_per_citizen", reference)
    citizens = float(np.nanmean(observed)) if len(observed) else math.nan
    fewer = -float(np.nanmean(_difference(reps, "citizens_on_benefit_end", reference, scenario))) if len(programme) \
        else math.nan
    persons = cost / (per_week * weeks) if cost > 0 and per_week > 0 and weeks > 0 else None
    out.break_even = BreakEven(cost, per_week, weeks, persons,
                               persons / citizens if persons is not None and citizens > 0 else None, fewer)
    return out


def horizon_frame(budgets: list[HorizonBudget]) -> pd.DataFrame:
    """One row per scenario, payer and year (and the total): the discounted difference."""
    rows = []
    for b in budgets:
        for p in b.payers.values():
            for y, (m, c) in enumerate(zip(p.yearly, p.cumulative), 1):
                rows.append({"scenario": b.scenario, "reference": b.reference, "payer": p.payer, "period": f"year {y}",
                             "difference_mean": m, "difference_p5": math.nan, "difference_p95": math.nan,
                             "cumulative_mean": c, "verdict": ""})
            rows.append({"scenario": b.scenario, "reference": b.reference, "payer": p.payer, "period": "total",
                         "difference_mean": p.total["mean"], "difference_p5": p.total["p5"],
                         "difference_p95": p.total["p95"], "cumulative_mean": p.total["mean"],
                         "verdict": p.total["verdict"]})
    return pd.DataFrame(rows, columns=COLUMNS)
