"""Early rejection in the calibration: the same acceptances as a full evaluation, fewer runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from sim.analysis.calibration import MultiScenarioModel, ZScoreDistance, load_targets
from sim.analysis.calibration.early import EarlyRejectingModel, scenario_order
from sim.spec.scenario import Scenario

SC = {"tiny-central.yaml": Scenario(population={"size": 120}, horizon_weeks=12),
      "tiny-weekly.yaml": Scenario(population={"size": 120}, horizon_weeks=12,
                                   organisation={"intensive": {"interval_weeks": 1, "duration_weeks": 12}})}
#: parameter vectors from both ends of the priors
POINTS = [{"noshow_central": a, "cancel_central": b} for a, b in
          [(0.05, 0.05), (0.16, 0.10), (0.30, 0.25), (0.10, 0.30), (0.25, 0.06)]]


def _targets(tmp_path):
    targets = {"targets": [
        {"id": "noshow", "statistic": "noshow_share_central", "scenario": "tiny-central.yaml", "value": 0.15,
         "n": 3000, "source": "assumed figure"},
        {"id": "cancel", "statistic": "cancel_share_central", "scenario": "tiny-central.yaml", "value": 0.10,
         "n": 3000, "source": "assumed figure"},
        {"id": "weekly_noshow", "statistic": "noshow_share_central", "scenario": "tiny-weekly.yaml", "value": 0.15,
         "n": 3000, "source": "assumed figure"},
    ]}
    tp = tmp_path / "targets.yaml"
    tp.write_text(yaml.safe_dump(targets, sort_keys=False))
    return load_targets(tp, scenarios=SC)


def _setup(tmp_path, seeds=2):
    targets = _targets(tmp_path)
    model = MultiScenarioModel(targets, SC, run_seed=3, seeds=seeds)
    distance = ZScoreDistance(targets, {t.id: 0.01 for t in targets})
    return model, distance


def test_accepts_exactly_what_the_full_evaluation_accepts(tmp_path):
    model, distance = _setup(tmp_path)
    early = EarlyRejectingModel(model, distance)
    for p in POINTS:
        full = model(p)
        d = distance(full)
        for eps in (math.inf, d, np.nextafter(d, 0), d / 2, 0.0):
            res = early.integrated_simulate(p, eps)
            assert res.accepted == (d <= eps), (p, eps, d)
            if res.accepted:
                assert res.distance == d and res.sum_stat == full


def test_a_rejected_proposal_does_not_run_the_remaining_scenarios(tmp_path, monkeypatch):
    model, distance = _setup(tmp_path)
    early = EarlyRejectingModel(model, distance)
    ran = []
    real = model.scenario_statistics
    monkeypatch.setattr(model, "scenario_statistics", lambda name, p, s: ran.append(name) or real(name, p, s))
    p = POINTS[2]                           # far from the targets: the first scenario alone exceeds epsilon 1
    assert distance.partial(model(p)) > 1
    ran.clear()
    stats, done = early.run(p, 1.0)
    assert done == ran == ["tiny-central.yaml"] and set(stats) == {"noshow", "cancel"}
    assert not early.integrated_simulate(p, 1.0).accepted
    early.order = ["tiny-weekly.yaml", "tiny-central.yaml"]
    ran.clear()
    assert early.run(p, 1.0)[1] == ran == ["tiny-weekly.yaml"]
    ran.clear()
    assert early.run(p, math.inf)[1] == ran == ["tiny-weekly.yaml", "tiny-central.yaml"]


def test_partial_distance_counts_only_the_targets_given(tmp_path):
    model, distance = _setup(tmp_path)
    x = model(POINTS[1])
    parts = distance.partial({"noshow": x["noshow"], "cancel": x["cancel"]}) + distance.partial(
        {"weekly_noshow": x["weekly_noshow"]})
    assert parts == pytest.approx(distance(x))
    assert distance.partial({}) == 0.0
    assert distance.partial({"noshow": float("nan")}) == pytest.approx(100.0)


def test_scenarios_that_carried_most_distance_run_first(tmp_path):
    model, distance = _setup(tmp_path)
    close = {"noshow": 0.15, "cancel": 0.10, "weekly_noshow": 0.15}
    off_weekly = dict(close, weekly_noshow=0.30)
    assert scenario_order(model, distance, [off_weekly, close], [0.9, 0.1]) == ["tiny-weekly.yaml",
                                                                               "tiny-central.yaml"]
    off_central = dict(close, noshow=0.25)
    assert scenario_order(model, distance, [off_weekly, off_central], [0.1, 0.9]) == ["tiny-central.yaml",
                                                                                   "tiny-weekly.yaml"]
    assert scenario_order(model, distance, []) == list(SC)


def test_scenario_statistics_do_not_depend_on_the_order_run(tmp_path):
    model, _ = _setup(tmp_path)
    p, seeds = model.clean(POINTS[1]), model.replications(77)
    first = model.scenario_statistics("tiny-weekly.yaml", p, seeds)
    model.scenario_statistics("tiny-central.yaml", p, seeds)
    assert model.scenario_statistics("tiny-weekly.yaml", p, seeds) == first
    assert {k: v for k, v in model.simulate(POINTS[1], 77).items() if k in first} == first


def test_the_fit_report_says_which_sessions_stopped_evaluations_early():
    from sim.analysis.calibration.report import _early_rejection
    assert _early_rejection([{"workers": 2}]) == ""
    text = _early_rejection([{"workers": 2}, {"workers": 2, "scenario_order": ["a.yaml", "b.yaml"]}])
    assert "in session(s) 2 an evaluation stopped" in text and "(order a.yaml, b.yaml)" in text
    assert "simulations are fewer" in text
