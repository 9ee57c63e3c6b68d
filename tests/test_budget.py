"""The public-budget view: a small case checked by hand (with the refund system and the
split between municipality and state), the items add up, and two scenarios that differ
only in staff who change nothing differ in cost by exactly that staff."""

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
                wage_subsidy_weeks=0.0, course_weeks=0.0, first_week=0, seniority_weeks=0, state_end="trin1",
                hours_end=0.0)
    # a: on benefit for years before the run (refund 20 % in every week), still on benefit at the end
    a = {**zero, "benefit": "kontanthjaelp", "age": 40, "benefit_weeks": 52.0, "sanction_weeks": 3,
         "paid_hours": 40.0, "paid_hours_on_benefit": 40.0, "course_weeks": 4.0, "seniority_weeks": 100}
    # b: new on benefit (weeks 1-4 at 80 %, 5-20 at 40 %), in a job with 80 hours a month at the end
    b = {**zero, "benefit": "uddannelseshjaelp", "age": 25, "benefit_weeks": 20.0, "wage_subsidy_weeks": 10.0,
         "paid_hours": 200.0, "state_end": "self_sufficient", "hours_end": 80.0}
    return pd.DataFrame([a, b])


def test_small_case_by_hand():
    sc = Scenario(horizon_weeks=52, organisation=dict(caseworkers=2, location="split", outreach_offices=1,
                                                      days_in_estate=1, mentors=1, company_consultants=1))
    weekly = pd.DataFrame({"week": range(52), "caseworkers": [2] * 52})
    got = budget.replication_budget(sc, PRICES, {"ever_job_or_education_52w": 0.5}, _citizens(), weekly)
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
    assert got["citizens_ever_job_or_education_52w"] == pytest.approx(0.5 * 2)
    # the refund system of 2024: a at 20 % throughout; b's 20 weeks are 4 at 80 % and 16 at 40 %: 48 % on average,
    # on the benefit and the wage subsidy alike
    assert got["refund_from_state"] == pytest.approx(0.2 * benefit_a + 0.48 * (benefit_b + 32_190))
    # the municipality gets 67 % of the tax on benefits and 55 % of the tax on earnings
    municipal_tax = 0.67 * got["tax_on_benefits"] + 0.55 * got["tax_on_earnings"]
    assert got["municipal_net_cost"] == pytest.approx(costs - got["refund_from_state"] - municipal_tax)
    assert got["municipal_net_cost"] + got["state_net_cost"] == pytest.approx(got["net_cost"])
    # the last week: a on benefit (a week's rate less 25 % tax), b off benefit paying 35 % on 80 h a month
    tax_b = 80 / (52 / 12) * 145 * 0.35                                                  # 936.92 a week
    assert got["citizens_on_benefit_end"] == 1
    assert got["weekly_net_cost_end"] == pytest.approx(week_a * 0.75 - tax_b)
    # ... of which the municipality pays a's benefit less the 20 % refund and less its shares of the tax
    assert got["weekly_municipal_net_cost_end"] == pytest.approx(week_a * (1 - 0.2 - 0.25 * 0.67) - 0.55 * tax_b)
    assert list(got) == list(budget.DEFINITIONS)


def test_refund_rules_of_2014_and_2024():
    """2024: the refund falls with the weeks on benefit so far (80/40/30/20 %); 2014: 50 % in
    weeks with an offer in a company, 30 % otherwise."""
    import numpy as np
    r24 = PRICES.public_split.refund
    # 8 new weeks: 4 at 80 % and 4 at 40 %; weeks 3-32 after 2 before: 2 x 80, 22 x 40, 6 x 30 %; long-term: 20 %
    got = r24.mean_rate(np.array([0, 2, 100, 0]), np.array([8, 30, 10, 0]), np.zeros(4))
    assert got == pytest.approx([0.6, (2 * 0.8 + 22 * 0.4 + 6 * 0.3) / 30, 0.2, 0.0])
    r14 = load_prices("dk-2014").public_split.refund
    assert r14.mean_rate(np.array([0]), np.array([10]), np.array([4])) == pytest.approx([(4 * 0.5 + 6 * 0.3) / 10])


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
    d["organisation"]["company_consultants"] = 1
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
        # (except the share of the consultants' own hours they use and the share of ordered offers
        # that found no consultant time: more consultants, same work)
        outcomes = [k for k in a.summary if k not in budget.DEFINITIONS
                    and k not in ("consultant_time_use_share", "orders_lapsed_share")]
        assert np.array_equal([a.summary[k] for k in outcomes], [b.summary[k] for k in outcomes], equal_nan=True)
        pd.testing.assert_frame_equal(a.citizens.drop(columns="citizen"), b.citizens.drop(columns="citizen"))
        pd.testing.assert_frame_equal(a.weekly, b.weekly)
        # ... so the budgets differ by the three consultants and nothing else
        for k in budget.DEFINITIONS:
            if k in ("cost_consultants", "net_cost", "net_cost_per_citizen", "municipal_net_cost"):
                continue
            assert a.summary[k] == b.summary[k], k
        assert b.summary["cost_consultants"] - a.summary["cost_consultants"] == pytest.approx(extra, abs=1e-6)
        assert b.summary["net_cost"] - a.summary["net_cost"] == pytest.approx(extra, abs=1e-6)
