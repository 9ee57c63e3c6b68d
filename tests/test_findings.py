"""Key findings: the rules decide what is said, the catalogue how; numbers in percent and kroner."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.experiment import findings
from sim.experiment.findings import Effect
from sim.experiment.statistics import comparison_frame, ratio_of_means, unit
from sim.interface.i18n import kroner, value_range
from sim.interface.report.wording import comparison_sentences, run_sentences
from sim.spec.scenario import Scenario


def effect(outcome, diff, lo, hi, verdict, ref=0.17):
    return Effect(outcome, unit(outcome), ref, ref + diff, diff, lo, hi, verdict, 10)


@pytest.mark.parametrize("eff, cost, expected", [
    (None, "clear", (None, "not_covered")),
    (effect("ever_job_or_education_52w", 0.001, -0.005, 0.004, "none"), "clear", (None, "effect_not_detectable")),
    (effect("ever_job_or_education_52w", -0.02, -0.03, -0.01, "clear"), "clear", (None, "effect_negative")),
    (effect("ever_job_or_education_52w", 0.02, 0.01, 0.03, "likely"), "none", (None, "cost_not_detectable")),
    (effect("ever_job_or_education_52w", 0.02, 0.01, 0.03, "likely"), "clear", (2e6 / 35.0, None)),
])
def test_cost_per_additional_citizen_rule(eff, cost, expected):
    effects = {"net_cost": effect("net_cost", 2e6, 1.8e6, 2.2e6, cost, ref=1e8),
               "citizens_ever_job_or_education_52w": effect("citizens_ever_job_or_education_52w", 35.0, 0, 0, "none")}
    if eff is not None:
        effects[eff.outcome] = eff
    got = findings.cost_per_citizen(effects, (2e6 / 35.0, 1e6 / 35.0, 3e6 / 35.0))
    assert (got.value if got.value is None else pytest.approx(got.value), got.reason) == expected
    if got.value is not None:
        assert (got.low, got.high) == (pytest.approx(1e6 / 35.0), pytest.approx(3e6 / 35.0))
    assert findings.cost_per_citizen({}).reason == "no_budget"
    # a value is never stated without its interval
    if eff is not None and eff.verdict != "none" and eff.difference > 0 and cost != "none":
        assert findings.cost_per_citizen(effects, (1.0, math.nan, math.nan)).reason == "not_bounded"


def _reps(diffs: dict[str, list[float]], base: dict[str, float]) -> pd.DataFrame:
    """Replications of scenarios a and b on seeds 0-9: a at ``base``, b at base + diff."""
    rows = []
    for o, d in diffs.items():
        for seed, x in enumerate(d):
            rows.append({"scenario": "a", "replication": seed, "seed": seed, "outcome": o, "value": base[o]})
            rows.append({"scenario": "b", "replication": seed, "seed": seed, "outcome": o, "value": base[o] + x})
    return pd.DataFrame(rows)


def _scenarios() -> list[Scenario]:
    a = Scenario(name="a", organisation={"caseworkers": 7.8})
    return [a, a.model_copy(update={"name": "b", "organisation": a.organisation.model_copy(update={"caseworkers": 40})})]


NOISE = [-0.004, 0.003, 0.001, -0.002, 0.004, -0.001, 0.002, -0.003, 0.0, 0.001]


def small_caseload_like(effect_diffs=NOISE) -> pd.DataFrame:
    """Ten pairs: the cost clearly up, no-shows clearly down, the effect ``effect_diffs``."""
    return _reps({"ever_job_or_education_52w": effect_diffs, "noshow_share": [-0.02 - 0.001 * i for i in range(10)],
                  "share_ordinary_hours": [0.0] * 10, "active_effort_share": [0.0] * 10,
                  "net_cost": [22.6e6 + 1e5 * x for x in range(10)],
                  "net_cost_per_citizen": [12_930 + 10 * x for x in range(10)],
                  "citizens_ever_job_or_education_52w": [1750 * x for x in effect_diffs]},
                 {"ever_job_or_education_52w": 0.04, "noshow_share": 0.14, "share_ordinary_hours": 0.0,
                  "active_effort_share": 1.0, "net_cost": 230e6, "net_cost_per_citizen": 131_000,
                  "citizens_ever_job_or_education_52w": 70})


def test_comparison_findings_follow_the_numbers():
    reps, scenarios = small_caseload_like(), _scenarios()
    (f,) = findings.compare_findings(comparison_frame(reps, ["a", "b"]), scenarios, reps)
    assert f.headline.outcome == "ever_job_or_education_52w" and f.headline.verdict == "none"
    assert [e.outcome for e in f.effects] == ["noshow_share"] and f.effects[0].verdict == "clear"
    # ordinary hours never vary (0 in every replication): left out of the findings
    assert [e.outcome for e in f.unchanged] == ["ever_job_or_education_52w"]
    assert f.levers == [("organisation.caseworkers", 7.8, 40.0)]
    assert f.cost_per_citizen.reason == "effect_not_detectable"
    en = comparison_sentences(f, "en")
    cost = kroner(f.net_cost.difference, "en")
    assert en[0] == (f"Over 52 weeks, b costs the public sector {cost} more than a, and it buys no detectable change "
                     "in the share in a job or education at least one week within 52 weeks (from 4.0\u00a0% to 4.0\u00a0%).")
    assert en[1].startswith("Cost per additional citizen in a job or education within 52 weeks: not defined, because "
                            "the effect")
    assert any("caseworkers 7.8 → 40" in s for s in en)
    assert any(s.startswith("No-shows at mandatory meetings: clearly lower") for s in en)
    da = comparison_sentences(f, "da")
    assert da[0].startswith("I løbet af 52 uger koster b det offentlige 23,1\u00a0mio. kr. mere end a")
    assert "ingen påviselig ændring" in da[0] and "ikke defineret" in da[1]
    assert any("sagsbehandlere: 7,8 → 40" in s for s in da)


def test_a_detectable_effect_gets_a_cost_per_citizen_with_its_interval():
    up = [0.02 + 0.001 * i for i in range(10)]
    reps = small_caseload_like(up)
    (f,) = findings.compare_findings(comparison_frame(reps, ["a", "b"]), _scenarios(), reps)
    c = f.cost_per_citizen
    assert f.headline.verdict == "clear" and c.value == pytest.approx(23.05e6 / (1750 * 0.0245))
    # the interval is the bootstrap over the ten pairs, reproducible from their seeds
    cost = [1e5 * x + 22.6e6 for x in range(10)]
    assert (c.value, c.low, c.high) == pytest.approx(ratio_of_means(cost, [1750 * x for x in up], range(10)))
    assert c.low < c.value < c.high
    en = comparison_sentences(f, "en")
    assert ("it clearly raises the share in a job or education at least one week within 52 weeks: from 4.0\u00a0% to "
            "6.5\u00a0% (+2.5\u00a0pp; 90 % interval +2.0 to +2.9\u00a0pp)") in en[0]
    assert en[1] == (f"Cost per additional citizen in a job or education within 52 weeks: {kroner(c.value)} "
                     f"(90 % interval {value_range(c.low, c.high, 'kroner')}).")


def test_ratio_of_means_hand_checked():
    # the costs are exactly 500,000 kr. per citizen in every pair: the ratio and both bounds are 500,000
    den = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert ratio_of_means([5e5 * d for d in den], den, range(5)) == pytest.approx((5e5, 5e5, 5e5))
    # an effect that changes sign across resamples too often cannot be bounded
    assert math.isnan(ratio_of_means([1.0] * 6, [1.0, -1.0, 1.0, -1.0, 1.0, -1.2], range(6))[1])


def test_outcomes_that_never_vary_or_repeat_another_are_left_out():
    reps = small_caseload_like()
    hidden = findings.left_out(reps, ["a", "b"])
    # ordinary hours are 0 % and the active effort 100 % in every replication of both scenarios
    assert {"share_ordinary_hours", "active_effort_share"} <= hidden and "noshow_share" not in hidden
    # ... and when everyone received an active effort, self-support among them counts the people of job or education
    assert "share_self_supporting" in hidden
    some = pd.concat([reps[reps["outcome"] != "active_effort_share"],
                      _reps({"active_effort_share": [-0.1] * 10, "share_self_supporting": NOISE},
                            {"active_effort_share": 1.0, "share_self_supporting": 0.05})])
    assert not {"share_self_supporting", "active_effort_share"} & findings.left_out(some, ["a", "b"])


def test_run_findings_name_the_misfits():
    sc = Scenario(name="x")
    summary = pd.DataFrame([
        {"scenario": "x", "outcome": "share_ordinary_hours", "unit": "share", "mean": 0.24, "p5": 0.22, "p95": 0.26,
         "replications": 10, "reported": 0.15, "z": 5.2, "misfit": True},
        {"scenario": "x", "outcome": "noshow_share", "unit": "share", "mean": 0.07, "p5": 0.06, "p95": 0.08,
         "replications": 10, "reported": 0.07, "z": 0.1, "misfit": False},
        {"scenario": "x", "outcome": "net_cost", "unit": "kroner", "mean": 2.4e8, "p5": 2.3e8, "p95": 2.5e8,
         "replications": 10, "reported": math.nan, "z": math.nan, "misfit": False},
        {"scenario": "x", "outcome": "net_cost_per_citizen", "unit": "kroner", "mean": 137_000, "p5": 135_000,
         "p95": 139_000, "replications": 10, "reported": math.nan, "z": math.nan, "misfit": False}])
    f = findings.run_findings(summary, sc)
    assert f.compared == 2 and [m[0] for m in f.misfits] == ["share_ordinary_hours"]
    en = run_sentences(f, "en", 1750)
    assert en[0].startswith("x: 1,750 citizens over 52 weeks cost the public sector 240.0\u00a0million kr. net")
    assert en[-1].startswith("1 of 2 evaluation figures") and "24.0\u00a0% against 15.0\u00a0% (z = +5.2)" in en[-1]
