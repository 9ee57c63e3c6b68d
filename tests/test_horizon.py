"""The public budget over several years: a case checked by hand (discounting, how long the
effect lasts, who pays, payback year and break-even effect), and the command's checks."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.experiment import horizon
from sim.experiment.horizon import Horizon, horizon_budget, horizon_frame, person_weeks, yearly
from sim.interface.cli import main

RATE = 0.035


def _reps(pairs: int = 5) -> pd.DataFrame:
    """Reference 'a' and design 'b': b costs 10 million kr. more over the 52-week run (8 of them
    the municipality's), 6 million of it in staff, and at the end of the run 120,000 kr. a
    week less (90,000 of it the municipality's)."""
    a = {"net_cost": 200e6, "municipal_net_cost": 150e6, "weekly_net_cost_end": 3e6,
         "weekly_municipal_net_cost_end": 2.4e6, "citizens_on_benefit_end": 1500, "net_cost_per_citizen": 200e6 / 1750,
         "cost_caseworkers": 10e6, "cost_mentors": 1e6, "cost_consultants": 1e6, "cost_offices": 1e6,
         "cost_courses": 1e6}
    b = {**a, "net_cost": 210e6, "municipal_net_cost": 158e6, "weekly_net_cost_end": 3e6 - 120_000,
         "weekly_municipal_net_cost_end": 2.4e6 - 90_000, "citizens_on_benefit_end": 1440,
         "cost_caseworkers": 15e6, "cost_mentors": 2e6}
    return pd.DataFrame([{"scenario": name, "replication": s, "seed": s, "outcome": k, "value": float(v)}
                         for s in range(pairs) for name, values in (("a", a), ("b", b)) for k, v in values.items()])


def test_discounted_flows_by_year_by_hand():
    h = Horizon(years=3, effect_years=2, rate=RATE)
    got = yearly(10e6, -120_000, 52, h)[0]
    # year 1: the run; years 2 and 3: 52 weeks of -120,000 kr., discounted by 1.035 and 1.035^2
    assert got == pytest.approx([10e6, -6_240_000 / 1.035, -6_240_000 / 1.035 ** 2])
    # the effect lasting one year: nothing in year 3
    assert yearly(10e6, -120_000, 52, Horizon(3, 1, RATE))[0] == pytest.approx([10e6, -6_240_000 / 1.035, 0.0])
    # a run of 78 weeks: its total spread evenly, two thirds in year 1; then 26 weeks of effect in year 2
    assert yearly(7.8e6, -1_000, 78, Horizon(3, 1, 0.0))[0] == pytest.approx([5.2e6, 2.6e6 - 26_000, -26_000])


def test_budget_payers_payback_and_break_even_by_hand():
    b = horizon_budget(_reps(), "a", "b", 52, Horizon(years=3, effect_years=2, rate=RATE))
    public = b.payers["public"]
    years = [10e6, -6_240_000 / 1.035, -6_240_000 / 1.035 ** 2]
    assert public.yearly == pytest.approx(years)
    assert public.total["mean"] == pytest.approx(sum(years))                 # -1,854,103.96
    assert public.cumulative[1] == pytest.approx(10e6 - 6_240_000 / 1.035)   # +3,971,014.49: not yet
    assert public.payback_year == 3
    assert public.total["verdict"] == "likely"                               # five identical pairs
    mun = b.payers["municipality"]
    assert mun.yearly == pytest.approx([8e6, -4_680_000 / 1.035, -4_680_000 / 1.035 ** 2])
    state = b.payers["state"]
    assert state.yearly == pytest.approx([2e6, -1_560_000 / 1.035, -1_560_000 / 1.035 ** 2])
    # break-even: 6 million kr. more in staff, against 2,000 kr. a week per citizen on benefit (3 million kr.
    # for 1,500 citizens) over the weeks from the middle of the run to the end of the effect: 26 + 52/1.035 +
    # 52/1.035^2 = 124.78 discounted weeks
    weeks = 26 + 52 / 1.035 + 52 / 1.035 ** 2
    assert person_weeks(52, Horizon(3, 2, RATE)) == pytest.approx(weeks)
    be = b.break_even
    assert be.programme_cost == pytest.approx(6e6) and be.saving_per_week == pytest.approx(2_000)
    assert be.persons == pytest.approx(6e6 / (2_000 * weeks))                # 24.0 citizens
    assert be.share == pytest.approx(be.persons / 1750)
    assert be.simulated_fewer_on_benefit == pytest.approx(60)
    frame = horizon_frame([b])
    assert set(frame["payer"]) == {"public", "municipality", "state"} and len(frame) == 3 * 4
    total = frame[(frame["payer"] == "public") & (frame["period"] == "total")].iloc[0]
    assert total["difference_mean"] == pytest.approx(sum(years))


def test_a_design_that_costs_no_more_needs_no_effect():
    reps = _reps()
    cheaper = reps.copy()
    cheaper.loc[(cheaper["scenario"] == "b") & cheaper["outcome"].isin(["cost_caseworkers", "cost_mentors"]),
                "value"] = 1e6
    b = horizon_budget(cheaper, "a", "b", 52, Horizon(3, 1, RATE))
    assert b.break_even.persons is None and b.break_even.programme_cost < 0


def test_default_horizon_is_at_least_three_years_and_covers_the_run():
    assert Horizon.default_years(52) == horizon.DEFAULT_YEARS == 3
    assert Horizon.default_years(60) == 3 and Horizon.default_years(200) == 4


def test_a_budget_shorter_than_the_run_is_refused(tmp_path, capsys):
    # jobgaranti-outreach runs 60 weeks: one year cannot hold it
    assert main(["compare", "central-jobcentre", "jobgaranti-outreach", "--budget-years", "1", "-n", "2",
                 "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--budget-years 1" in err and "at least 2 years" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
