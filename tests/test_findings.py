"""Key findings: the rules decide what is said, the catalogue how; numbers in percent and kroner."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.experiment import findings
from sim.experiment.findings import Effect
from sim.experiment.statistics import paired, unit
from sim.interface.i18n import kroner
from sim.interface.report.wording import comparison_sentences, run_sentences
from sim.spec.scenario import Scenario


def effect(outcome, diff, lo, hi, verdict, ref=0.17):
    return Effect(outcome, unit(outcome), ref, ref + diff, diff, lo, hi, verdict, 10)


@pytest.mark.parametrize("eff, persons, expected", [
    (None, 1.0, (None, "not_covered")),
    (effect("ever_self_sufficient_52w", 0.001, -0.005, 0.004, "none"), 1.7, (None, "effect_not_detectable")),
    (effect("ever_self_sufficient_52w", -0.02, -0.03, -0.01, "clear"), -35.0, (None, "effect_negative")),
    (effect("ever_self_sufficient_52w", 0.02, 0.01, 0.03, "likely"), 35.0, (2e6 / 35.0, None)),
])
def test_cost_per_additional_citizen_rule(eff, persons, expected):
    effects = {"net_cost": effect("net_cost", 2e6, 1.8e6, 2.2e6, "clear", ref=1e8),
               "citizens_ever_self_sufficient_52w": effect("citizens_ever_self_sufficient_52w", persons, 0, 0, "none")}
    if eff is not None:
        effects[eff.outcome] = eff
    got = findings.cost_per_citizen(effects)
    assert (got.value if got.value is None else pytest.approx(got.value), got.reason) == expected
    assert findings.cost_per_citizen({}).reason == "no_budget"


def _comparison(diffs: dict[str, list[float]], base: dict[str, float]) -> pd.DataFrame:
    rows = []
    for o, d in diffs.items():
        a = pd.Series([base[o]] * len(d), dtype=float).to_numpy()
        rows.append({"scenario": "b", "reference": "a", "outcome": o, "unit": unit(o), **paired(a, a + d),
                     "definition": ""})
    return pd.DataFrame(rows)


def small_caseload_like() -> tuple[pd.DataFrame, list[Scenario]]:
    """Ten pairs: self-sufficiency unchanged (interval straddles zero), the cost clearly up."""
    noise = [-0.004, 0.003, 0.001, -0.002, 0.004, -0.001, 0.002, -0.003, 0.0, 0.001]
    comp = _comparison({"ever_self_sufficient_52w": noise, "noshow_share": [-0.02 - 0.001 * i for i in range(10)],
                        "net_cost": [22.6e6 + 1e5 * x for x in range(10)],
                        "net_cost_per_citizen": [12_930 + 10 * x for x in range(10)],
                        "citizens_ever_self_sufficient_52w": [1750 * x for x in noise]},
                       {"ever_self_sufficient_52w": 0.17, "noshow_share": 0.14, "net_cost": 230e6,
                        "net_cost_per_citizen": 131_000, "citizens_ever_self_sufficient_52w": 297})
    a = Scenario(name="a", organisation={"caseworkers": 7.8})
    return comp, [a, a.model_copy(update={"name": "b", "organisation": a.organisation.model_copy(update={"caseworkers": 40})})]


def test_comparison_findings_follow_the_numbers():
    comp, scenarios = small_caseload_like()
    (f,) = findings.compare_findings(comp, scenarios)
    assert f.headline.outcome == "ever_self_sufficient_52w" and f.headline.verdict == "none"
    assert [e.outcome for e in f.effects] == ["noshow_share"] and f.effects[0].verdict == "clear"
    assert [e.outcome for e in f.unchanged] == ["ever_self_sufficient_52w"]
    assert f.levers == [("organisation.caseworkers", 7.8, 40.0)]
    assert f.cost_per_citizen.reason == "effect_not_detectable"
    en = comparison_sentences(f, "en")
    cost = kroner(f.net_cost.difference, "en")
    assert en[0] == (f"Over 52 weeks b costs the public sector {cost} more than a, and it buys no detectable change "
                     "in the share ever self-sufficient within 52 weeks (from 17.0\u00a0% to 17.0\u00a0%).")
    assert "caseworkers 7.8 → 40" in en[1]
    assert any(s.startswith("No-shows at mandatory meetings: clearly lower") for s in en)
    assert en[-1].startswith("Cost per additional citizen ever self-sufficient: not defined, because the effect")
    da = comparison_sentences(f, "da")
    assert da[0].startswith("Over 52 uger koster b det offentlige 23,1\u00a0mio. kr. mere end a")
    assert "ingen påviselig ændring" in da[0] and "ikke defineret" in da[-1]


def test_a_detectable_effect_gets_a_cost_per_citizen():
    comp, scenarios = small_caseload_like()
    up = [0.02 + 0.001 * i for i in range(10)]
    comp = pd.concat([comp[~comp["outcome"].isin(["ever_self_sufficient_52w", "citizens_ever_self_sufficient_52w"])],
                      _comparison({"ever_self_sufficient_52w": up, "citizens_ever_self_sufficient_52w": [1750 * x for x in up]},
                                  {"ever_self_sufficient_52w": 0.17, "citizens_ever_self_sufficient_52w": 297})])
    (f,) = findings.compare_findings(comp, scenarios)
    assert f.headline.verdict == "clear" and f.cost_per_citizen.value == pytest.approx(23.05e6 / (1750 * 0.0245))
    en = comparison_sentences(f, "en")
    assert ("it clearly raises the share ever self-sufficient within 52 weeks: from 17.0\u00a0% to 19.4\u00a0% "
            "(+2.4\u00a0pp; 90 % interval +2.0 to +2.9\u00a0pp)") in en[0]
    assert en[-1] == f"Cost per additional citizen ever self-sufficient within 52 weeks: {kroner(f.cost_per_citizen.value)}."


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
