"""The step model's pathway and ordinary practice's offers: agreements on ordinary hours
(jobs or småjobs), the survey's overlapping rows, the right and duty to activation, and the
Udviklingsmål form as a reading of the barriers.  Small populations, fixed seeds."""

from __future__ import annotations

import numpy as np

from sim import OutreachModel, simulate
from sim.model.barriers import read_form, summarise
from sim.model.states import Placement, State

from helpers import CENTRAL, OUTREACH, scenario, with_org

TRIN = with_org(OUTREACH, trin_model=True, consultant_stance="demand_hours", company_consultants=2)


def run(sc, seed=1):
    return OutreachModel(sc, seed=seed).run()


def mean_over(sc, key, seeds=range(3)):
    return float(np.mean([simulate(sc, seed=s, detail=False)[key] for s in seeds]))


# ------------------------------------------------------------------ agreements on ordinary hours
def test_every_agreement_is_a_job_or_a_smajob_by_job_hire_share():
    smajobs_only = scenario(600, 52, org=TRIN, behaviour={"job_hire_share": 0.0})
    jobs_only = scenario(600, 52, org=TRIN, behaviour={"job_hire_share": 1.0})
    assert mean_over(jobs_only, "share_ordinary_hours") == 0.0          # nobody keeps hours on benefit
    assert mean_over(smajobs_only, "share_ordinary_hours") > 0.05
    assert mean_over(jobs_only, "share_self_supporting") > mean_over(smajobs_only, "share_self_supporting") + 0.03


def test_smajobs_start_at_one_to_two_hours_a_day_and_exist_only_with_the_hours_approach():
    m = OutreachModel(scenario(600, 30, org=TRIN, behaviour={"job_hire_share": 0.0}), seed=2)
    starts = []
    while m.week < m.horizon:
        m.step()
        new = (m.pop.placement == Placement.ORDINARY) & (m.pop.ordinary_since == m.week - 1)
        starts.extend(m.pop.hours[new].tolist())
    assert starts and 20.0 <= min(starts) and max(starts) <= 40.0
    # ordinary practice (consultants who accept internships, no trin model): no småjob at all
    ordinary = run(scenario(600, 52, org=with_org(CENTRAL, consultant_stance="accept_internships")))
    assert (ordinary.pop.first_hours_on_benefit < 0).all()


def test_survey_rows_overlap_an_internship_followed_by_hours_counts_in_both():
    sc = scenario(800, 60, org=with_org(TRIN, consultant_stance="balanced"),
                  behaviour={"internship_conversion": 0.9, "conversion_without_agreement": 1.0, "job_hire_share": 0.0})
    m = run(sc, seed=3)
    P = m.pop
    both = (P.first_internship >= 0) & (P.first_hours_on_benefit > P.first_internship)
    assert both.sum() > 0
    out = simulate(sc, seed=3, detail=False)
    # the rows are not exclusive: their sum exceeds the share with either
    either = ((P.first_internship >= 0) | (P.first_hours_on_benefit >= 0))[P.enrolled_week >= 0].mean()
    assert out["share_ordinary_hours"] + out["share_internship_without_hours"] > either


# ------------------------------------------------------------------ right and duty to activation
def test_ordinary_practice_offers_activation_every_six_months():
    org = with_org(CENTRAL, caseworkers=6)
    rule = scenario(600, 52, org=org, behaviour={"course_order_probability": 0.0})
    out = simulate(rule, seed=1, detail=False)
    assert out["activation_time_share"] > 0.15
    assert 1.5 < out["activation_spells_per_activated"] < 2.5
    # the trin model's job plan replaces the rule: no course without a discretionary order
    trin = scenario(600, 52, org=with_org(org, trin_model=True), behaviour={"course_order_probability": 0.0})
    assert run(trin).tallies()["courses"] == 0


def test_no_offer_before_the_first_deadline():
    # a fresh group of 30+ year-olds with no time on benefit: the first offer is due after 39 weeks
    sc = scenario(300, 30, org=with_org(CENTRAL, caseworkers=4), population={"seniority_weeks_mean": 0.0},
                  behaviour={"course_order_probability": 0.0, "match_probability": 0.0})
    assert run(sc).tallies()["courses"] == 0


# ------------------------------------------------------------------ the Udviklingsmål form
def test_a_form_is_the_category_when_read_without_error_and_moves_both_ways_with_error():
    rng = np.random.default_rng(0)
    ratings = rng.integers(1, 6, size=(4000, 7)).astype(np.int8)
    true = summarise(ratings)[0]
    exact = read_form(ratings, np.zeros(4000), rng.random((4000, 10)))
    assert (exact == true).all()
    noisy = read_form(ratings, np.full(4000, 0.3), rng.random((4000, 10)))
    good_true, good_read = true <= 3, noisy <= 3
    assert (good_true & ~good_read).mean() > 0.01 and (~good_true & good_read).mean() > 0.01


def test_without_forms_the_recorded_category_stands_still():
    m = run(scenario(400, 40, behaviour={"form_use_share": 0.0}))
    P = m.pop
    assert (P.rated == P.category_start).all()
    assert (P.category != P.category_start).any()           # the barriers themselves moved


def test_less_trust_more_movement_on_the_forms():
    def moved(trust):
        sc = scenario(1500, 52, org=with_org(CENTRAL, caseworkers=8), population={"trust_mean": trust},
                      behaviour={"form_use_share": 1.0, "rating_misread": 0.25, "initial_attitude_spread": 0.0,
                                 "improve_spontaneous": 0.1, "deteriorate_spontaneous": 0.1})
        P = run(sc, seed=5).pop
        on = (P.state <= State.TRIN3) & P.initial
        return float(((P.rated[on] <= 3) != (P.category_start[on] <= 3)).mean())
    assert moved(0.1) > moved(0.9) + 0.03
