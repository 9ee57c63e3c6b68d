"""The public-budget view of one replication: what the programme costs the public sector
over the run, item by item, computed from what the run already records.

No second model: every figure is a price (:mod:`sim.spec.prices`) times a quantity the
simulation produced — the citizen table's benefit type, age, weeks on benefit, sanction
weeks, paid hours, wage-subsidy and course weeks; the weekly table's caseworkers in post;
the scenario's mentors, company consultants and outreach offices.  The view is that of
the public sector as a whole (state and municipality together, as in Socialstyrelsen's
SØM), where refunds between them cancel out, and of each of the two: the state refunds
part of the benefits and wage subsidies under the refund rules of the prices file's year
(:class:`sim.spec.prices.Refund`), and the income tax is split between them.  Costs and
revenues are summed over the run's horizon, undiscounted, in the prices file's kroner;
:mod:`sim.experiment.horizon` carries them over several years.

Each item is defined in :data:`DEFINITIONS` next to the code that computes it, and the
items add up: ``net_cost`` = the seven cost items − the two tax items =
``municipal_net_cost`` + ``state_net_cost``.
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
#: pathway states at the end of a run in which a citizen still receives benefit
ON_BENEFIT = ("not_enrolled", "trin1", "trin2", "trin3")

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
    "municipal_net_cost": "The municipality's net cost over the run: the seven cost items, less the state's refund "
                          "(refund_from_state), less the municipality's share of the tax on benefits and on earnings.",
    "state_net_cost": "The state's net cost over the run: its refund of benefits and wage subsidies, less its share of "
                      "the tax on benefits and on earnings (municipal_net_cost + state_net_cost = net_cost).",
    "refund_from_state": "The state's refund of the municipality's benefits and wage subsidies, a transfer within the "
                         "public sector: each citizen's benefit and wage subsidy times the refund rate averaged over "
                         "their weeks on benefit in the run, under the prices file's rule (from 2016 the rate falls "
                         "with the weeks on public benefit so far, the weeks before the run included; 2011-2015 it "
                         "depends on whether the week had an offer in a company).",
    "citizens_ever_job_or_education_52w": "Citizens behind ever_job_or_education_52w: the share times the citizens "
                                          "of its cohort (first observed at least 52 weeks before the horizon).",
    "citizens_on_benefit_end": "Citizens still on benefit in the last week of the run (waiting or in trin 1-3).",
    "weekly_net_cost_end": "Net public cost a week at the end of the run: the benefit of every citizen on benefit in "
                           "the last week at the mix-weighted rate of their benefit type and age, less the tax on it, "
                           "less the tax on every citizen's ordinary paid hours in the last month. The multi-year "
                           "budget carries the difference in this figure beyond the run.",
    "weekly_municipal_net_cost_end": "The municipality's part of weekly_net_cost_end: the benefits less the state's "
                                     "refund at each citizen's next week on benefit, less the municipality's share of "
                                     "the tax.",
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


def _column(citizens: pd.DataFrame, name: str) -> np.ndarray:
    """A per-citizen count as floats (0 where the table does not record it)."""
    return citizens[name].to_numpy(dtype=float) if name in citizens else np.zeros(len(citizens))


def refund_rates(prices: Prices, citizens: pd.DataFrame) -> np.ndarray:
    """Each citizen's refund rate, averaged over their weeks on benefit in the run."""
    company = _column(citizens, "internship_weeks") + _column(citizens, "wage_subsidy_weeks") + \
        _column(citizens, "housing_placement_weeks")
    return prices.public_split.refund.mean_rate(_column(citizens, "seniority_weeks"),
                                                _column(citizens, "benefit_weeks"), company)


def benefits_and_tax(prices: Prices, citizens: pd.DataFrame) -> dict[str, float]:
    """Benefit paid, wage subsidies and tax, summed over the citizens of one run, and who
    pays them: the state's refund and the municipality's share of the tax."""
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
    subsidy = subsidy_hours * ws.per_hour.value
    split = prices.public_split
    tax_benefits, tax_earnings = benefit * t.on_benefits.value, float(tax_earn.sum())
    return {"cost_benefits": benefit, "cost_wage_subsidies": float(subsidy.sum()),
            "tax_on_benefits": tax_benefits, "tax_on_earnings": tax_earnings,
            "refund_from_state": float((refund_rates(prices, citizens) * (paid + subsidy)).sum()),
            "municipal_tax": tax_benefits * split.municipal_share_of_tax_on_benefits.value
            + tax_earnings * split.municipal_share_of_tax_on_earnings.value}


def end_of_run(prices: Prices, citizens: pd.DataFrame) -> dict[str, float]:
    """The weekly net public cost of the citizens' status in the last week (see
    :data:`DEFINITIONS`), for the public sector and the municipality."""
    e, t, split = prices.earnings, prices.tax, prices.public_split
    on = citizens["state_end"].isin(ON_BENEFIT).to_numpy() if len(citizens) else np.zeros(0, dtype=bool)
    benefit = np.where(on, _weekly_rate(prices, citizens["benefit"], citizens["age"]), 0.0) if len(citizens) \
        else np.zeros(0)
    weekly_hours = _column(citizens, "hours_end") / WEEKS_PER_MONTH
    tax_earn = weekly_hours * e.hourly_wage.value * np.where(on, t.on_earnings_on_benefit.value,
                                                             t.on_earnings_off_benefit.value)
    tax_benefit = benefit * t.on_benefits.value
    weeks_so_far = _column(citizens, "seniority_weeks") + _column(citizens, "benefit_weeks")
    refund = benefit * split.refund.rate_after(weeks_so_far)
    public = benefit - tax_benefit - tax_earn
    municipal = benefit - refund - tax_benefit * split.municipal_share_of_tax_on_benefits.value \
        - tax_earn * split.municipal_share_of_tax_on_earnings.value
    return {"citizens_on_benefit_end": float(on.sum()), "weekly_net_cost_end": float(public.sum()),
            "weekly_municipal_net_cost_end": float(municipal.sum())}


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
    out["municipal_net_cost"] = sum(out[k] for k in COSTS) - out["refund_from_state"] - out["municipal_tax"]
    out["state_net_cost"] = out["net_cost"] - out["municipal_net_cost"]
    cohort = int((citizens["first_week"] + 52 <= scenario.horizon_weeks).sum()) if len(citizens) else 0
    share = summary.get("ever_job_or_education_52w", math.nan)
    out["citizens_ever_job_or_education_52w"] = share * cohort if cohort else math.nan
    out.update(end_of_run(prices, citizens))
    return {k: float(out[k]) for k in DEFINITIONS}
