"""The public-budget view of one replication: what the programme costs the public sector
over the run, item by item, computed from what the run already records.

No second model: every figure is a price (:mod:`sim.spec.prices`) times a quantity the
simulation produced — the citizen table's benefit type, age, weeks on benefit, sanction
weeks, paid hours, wage-subsidy and course weeks; the weekly table's caseworkers in post;
the scenario's mentors, company consultants and outreach offices.  The view is that of
the public sector as a whole (state and municipality together, as in Socialstyrelsen's
SØM): refunds between them cancel out.  Costs and revenues are summed over the run's
horizon, undiscounted, in the prices file's kroner.

Each item is defined in :data:`DEFINITIONS` next to the code that computes it, and the
items add up: ``net_cost`` = the seven cost items − the two tax items.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.spec.parameters import WEEKS_PER_MONTH, WEEKS_PER_YEAR
from sim.spec.prices import Prices
from sim.spec.scenario import Scenario

COSTS = ("cost_caseworkers", "cost_mentors", "cost_consultants", "cost_offices", "cost_courses", "cost_benefits",
         "cost_wage_subsidies")
REVENUES = ("tax_on_benefits", "tax_on_earnings")

#: Budget outcome -> definition.  All in kroner over the run unless said otherwise.
DEFINITIONS: dict[str, str] = {
    "cost_caseworkers": "Caseworkers in post each week (the weekly count, fewer during vacancies) times the yearly "
                        "cost of a caseworker (salary with pension plus overhead) / 52, summed over the run.",
    "cost_mentors": "Mentors times the yearly cost of a mentor, for the weeks of the run.",
    "cost_consultants": "Company consultants times the yearly cost of a consultant, for the weeks of the run.",
    "cost_offices": "Outreach offices times the yearly cost of an office, for the weeks of the run.",
    "cost_courses": "Citizen-weeks in guidance or upskilling courses times the price of a course week.",
    "cost_benefits": "Benefit paid: each citizen's weeks on benefit outside wage-subsidy jobs at the monthly rate of "
                     "their benefit type and age group (weighted by the prices file's household mix), less the share "
                     "withheld in sanction weeks, less earnings on benefit (modregning: earnings after the "
                     "labour-market contribution minus the hourly disregard, never more than the benefit).",
    "cost_wage_subsidies": "Weeks in wage-subsidy jobs times hours a week times the subsidy per hour (the wage "
                           "replaces the benefit in those weeks).",
    "tax_on_benefits": "Income tax paid on the benefit (revenue): cost_benefits times the average tax rate on benefits.",
    "tax_on_earnings": "Tax paid on earnings (revenue): ordinary paid hours times the hourly wage, at the rate for "
                       "earnings on benefit or off benefit, plus the wage of wage-subsidy jobs at the off-benefit rate.",
    "net_cost": "Public expenditure over the run: the seven cost items minus the two tax items.",
    "net_cost_per_citizen": "net_cost divided by the number of citizens observed during the run.",
    "citizens_ever_self_sufficient_52w": "Citizens behind ever_self_sufficient_52w: the share times the citizens of "
                                         "its cohort (first observed at least 52 weeks before the horizon).",
}


def _weekly_rate(prices: Prices, benefit: pd.Series, age: pd.Series) -> np.ndarray:
    """Each citizen's benefit per week before sanctions and earnings."""
    under30 = age.to_numpy(dtype=float) < 30
    out = np.empty(len(benefit))
    for name, ben in prices.benefits.items():
        mine = (benefit == name).to_numpy()
        out[mine & under30] = ben.under_30.monthly()
        out[mine & ~under30] = ben.age_30_and_over.monthly()
    known = benefit.isin(list(prices.benefits)).to_numpy()
    if not known.all():
        raise ValueError(f"benefit types without a price: {sorted(set(benefit[~known]))}")
    return out / WEEKS_PER_MONTH


def benefits_and_tax(prices: Prices, citizens: pd.DataFrame) -> dict[str, float]:
    """Benefit paid, wage subsidies and tax, summed over the citizens of one run."""
    e, t, ws = prices.earnings, prices.tax, prices.wage_subsidy
    wage = e.hourly_wage.value
    subsidy_weeks = citizens["wage_subsidy_weeks"].to_numpy(dtype=float)
    weeks = np.maximum(citizens["benefit_weeks"].to_numpy(dtype=float) - subsidy_weeks, 0.0)
    rate = _weekly_rate(prices, citizens["benefit"], citizens["age"])
    sanctioned = np.minimum(citizens["sanction_weeks"].to_numpy(dtype=float), weeks)
    gross = rate * (weeks - prices.sanction_withheld_share.value * sanctioned)
    hours_on = citizens["paid_hours_on_benefit"].to_numpy(dtype=float)
    hours_off = np.maximum(citizens["paid_hours"].to_numpy(dtype=float) - hours_on, 0.0)
    deducted_per_hour = max(0.0, wage * (1.0 - e.labour_market_contribution.value) - e.disregard_per_hour.value)
    paid = np.maximum(gross - hours_on * deducted_per_hour, 0.0)
    subsidy_hours = subsidy_weeks * ws.hours_per_week.value
    tax_earn = wage * (hours_on * t.on_earnings_on_benefit.value
                       + (hours_off + subsidy_hours) * t.on_earnings_off_benefit.value)
    benefit = float(paid.sum())
    return {"cost_benefits": benefit, "cost_wage_subsidies": float(subsidy_hours.sum() * ws.per_hour.value),
            "tax_on_benefits": benefit * t.on_benefits.value, "tax_on_earnings": float(tax_earn.sum())}


def staff_and_offices(scenario: Scenario, prices: Prices, weekly: pd.DataFrame) -> dict[str, float]:
    """Staff and office costs over the run."""
    years = scenario.horizon_weeks / WEEKS_PER_YEAR
    s, org = prices.staff, scenario.organisation
    return {"cost_caseworkers": float(weekly["caseworkers"].sum()) / WEEKS_PER_YEAR * s.caseworker.annual(),
            "cost_mentors": org.mentors * s.mentor.annual() * years,
            "cost_consultants": org.company_consultants * s.company_consultant.annual() * years,
            "cost_offices": org.outreach_offices * prices.outreach_office.value * years}


def replication_budget(scenario: Scenario, prices: Prices, summary: dict[str, float], citizens: pd.DataFrame,
                       weekly: pd.DataFrame) -> dict[str, float]:
    """Every budget outcome of one replication (keys and order of :data:`DEFINITIONS`)."""
    out = staff_and_offices(scenario, prices, weekly)
    out["cost_courses"] = float(citizens["course_weeks"].sum()) * prices.course_week.value
    out.update(benefits_and_tax(prices, citizens))
    out["net_cost"] = sum(out[k] for k in COSTS) - sum(out[k] for k in REVENUES)
    out["net_cost_per_citizen"] = out["net_cost"] / len(citizens) if len(citizens) else math.nan
    cohort = int((citizens["first_week"] + 52 <= scenario.horizon_weeks).sum()) if len(citizens) else 0
    share = summary.get("ever_self_sufficient_52w", math.nan)
    out["citizens_ever_self_sufficient_52w"] = share * cohort if cohort else math.nan
    return {k: float(out[k]) for k in DEFINITIONS}
