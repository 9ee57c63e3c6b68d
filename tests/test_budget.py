"""The public-budget view: a small case checked by hand, the items add up, and two
scenarios that differ only in staff who change nothing differ in cost by exactly that staff."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiment import budget, runner
from sim.spec.prices import load_prices
from sim.spec.scenario import Scenario, load_scenario

PRICES = load_prices("dk-2024")


def _citizens() -> pd.DataFrame:
    zero = dict(benefit_weeks=0.0, sanction_weeks=0, paid_hours=0.0, paid_hours_on_benefit=0.0,
                wage_subsidy_weeks=0.0, course_weeks=0.0, first_week=0)
    a = {**zero, "benefit": "kontanthjaelp", "age": 40, "benefit_weeks": 52.0, "sanction_weeks": 3,
         "paid_hours": 40.0, "paid_hours_on_benefit": 40.0, "course_weeks": 4.0}
    b = {**zero, "benefit": "uddannelseshjaelp", "age": 25, "benefit_weeks": 20.0, "wage_subsidy_weeks": 10.0,
         "paid_hours": 200.0}
    return pd.DataFrame([a, b])


def test_small_case_by_hand():
    sc = Scenario(horizon_weeks=52, organisation=dict(caseworkers=2, location="split", outreach_offices=1,
                                                      days_in_estate=1, mentors=1, company_consultants=1))
    weekly = pd.DataFrame({"week": range(52), "caseworkers": [2] * 52})
    got = budget.replication_budget(sc, PRICES, {"ever_self_sufficient_52w": 0.5}, _citizens(), weekly)
    # kontanthjælp, 30 and over: 0.3 x 16,382 + 0.7 x 12,326 = 13,542.80 a month = 3,125.2615 a week (x 12/52)
    week_a = 13_542.80 * 12 / 52
    # 52 weeks, 3 sanction weeks with a fifth withheld; 40 hours on benefit deduct 145 x 0.92 - 28.83 = 104.57 each
    benefit_a = week_a * (52 - 0.2 * 3) - 40 * 104.57
    # uddannelseshjælp under 30: 0.1 x 16,382 + 0.4 x 12,326 + 0.35 x 7,945 + 0.15 x 3,834 = 9,924.45 a month;
    # 20 weeks on benefit of which 10 in a wage-subsidy job (the wage replaces the benefit)
    benefit_b = 9_924.45 * 12 / 52 * (20 - 10)
    assert got["cost_benefits"] == pytest.approx(benefit_a + benefit_b)
    assert got["cost_benefits"] == pytest.approx(156_455.64 + 22_902.58, abs=0.01)
    assert got["cost_wage_subsidies"] == pytest.approx(10 * 37 * 87.0)                  # 32,190
    assert got["tax_on_benefits"] == pytest.approx(0.25 * got["cost_benefits"])
    # 40 h on benefit at 42 %, 200 h off benefit and 370 wage-subsidy hours at 35 %, all at 145 kr.
    assert got["tax_on_earnings"] == pytest.approx(40 * 145 * 0.42 + (200 + 370) * 145 * 0.35)   # 31,363.50
    assert got["cost_caseworkers"] == pytest.approx(2 * 570_000 * 1.25)                 # 2 caseworkers a year
    assert got["cost_mentors"] == pytest.approx(500_000 * 1.25)
    assert got["cost_consultants"] == pytest.approx(570_000 * 1.25)
    assert got["cost_offices"] == pytest.approx(250_000)
    assert got["cost_courses"] == pytest.approx(4 * 2_500)
    costs = sum(got[k] for k in budget.COSTS)
    assert got["net_cost"] == pytest.approx(costs - got["tax_on_benefits"] - got["tax_on_earnings"])
    assert got["net_cost_per_citizen"] == pytest.approx(got["net_cost"] / 2)
    assert got["citizens_ever_self_sufficient_52w"] == pytest.approx(0.5 * 2)
    assert list(got) == list(budget.DEFINITIONS)


def test_earnings_never_make_the_benefit_negative_and_half_a_year_costs_half():
    cit = _citizens()
    cit.loc[0, "paid_hours_on_benefit"] = cit.loc[0, "paid_hours"] = 10_000.0
    out = budget.benefits_and_tax(PRICES, cit.iloc[[0]])
    assert out["cost_benefits"] == 0.0
    sc = Scenario(horizon_weeks=26, organisation=dict(caseworkers=1, mentors=2))
    staff = budget.staff_and_offices(sc, PRICES, pd.DataFrame({"caseworkers": [1] * 26}))
    assert staff["cost_mentors"] == pytest.approx(2 * 625_000 / 2)
    assert staff["cost_caseworkers"] == pytest.approx(712_500 / 2)


def _identity_pair() -> tuple[Scenario, Scenario]:
    """Central job centre with no companies to approach: extra consultants find nothing to do."""
    base = load_scenario("central-jobcentre")
    d = base.model_dump()
    d["population"]["size"], d["horizon_weeks"], d["companies"]["count"] = 300, 52, 0
    one = Scenario.model_validate({**d, "name": "one-consultant"})
    d["organisation"]["company_consultants"] = 4
    return one, Scenario.model_validate({**d, "name": "four-consultants"})


def test_staff_that_changes_nothing_costs_exactly_its_price():
    one, four = _identity_pair()
    _, tasks = runner.plan([one, four], 7, 2)
    results = runner.execute(tasks)
    extra = 3 * PRICES.staff.company_consultant.annual()          # three more consultants for one year
    for a, b in zip(results[:2], results[2:]):
        assert a.seed == b.seed
        # the outcomes really are identical (only the agents' id numbers shift)
        outcomes = [k for k in a.summary if k not in budget.DEFINITIONS]
        assert np.array_equal([a.summary[k] for k in outcomes], [b.summary[k] for k in outcomes], equal_nan=True)
        pd.testing.assert_frame_equal(a.citizens.drop(columns="citizen"), b.citizens.drop(columns="citizen"))
        pd.testing.assert_frame_equal(a.weekly, b.weekly)
        # ... so the budgets differ by the three consultants and nothing else
        for k in budget.DEFINITIONS:
            if k in ("cost_consultants", "net_cost", "net_cost_per_citizen"):
                continue
            assert a.summary[k] == b.summary[k], k
        assert b.summary["cost_consultants"] - a.summary["cost_consultants"] == pytest.approx(extra, abs=1e-6)
        assert b.summary["net_cost"] - a.summary["net_cost"] == pytest.approx(extra, abs=1e-6)
