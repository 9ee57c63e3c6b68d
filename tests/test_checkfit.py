"""fremskudt check-fit: the patterns file, predictions of differences between arms, errors in
standard errors, the fit at fresh seeds, and refusals before any simulation (fast: the
long folds are a command, not a test)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.calibration import Target, load_patterns, load_targets
from sim.analysis.checkfit import predict, report, score
from sim.analysis.checkfit.holdout import FOLDS, held_out
from sim.interface.cli import main


def test_shipped_patterns_are_valid_and_not_targets():
    patterns, targets = load_patterns(), load_targets()
    assert len(patterns) >= 15
    fitted = {(t.statistic, t.scenario) for t in targets}
    for p in patterns:
        assert p.source and p.programme in {t.programme for t in targets}, p.id
        assert p.minus or (p.statistic, p.scenario) not in fitted, f"{p.id} is already a target"
    assert {p.kind for p in patterns} >= {"difference between arms", "transition table", "hours distribution"}
    assert set(FOLDS) <= {t.programme for t in targets}


def test_differences_between_arms_are_taken_within_a_draw():
    items = [Target(id="d", statistic="noshow_share", scenario="a", minus="b", value=-0.07, sd=0.01),
             Target(id="l", statistic="noshow_share", scenario="a", value=0.07, n=1000)]
    runs = [{"a": {"noshow_share": 0.10}, "b": {"noshow_share": 0.16}},
            {"a": {"noshow_share": 0.08}, "b": {"noshow_share": 0.15}}]
    v = predict.item_values(items, runs)
    assert v["d"].tolist() == pytest.approx([-0.06, -0.07]) and v["l"].tolist() == [0.10, 0.08]


def test_a_prediction_error_counts_every_source_of_spread():
    t = Target(id="x", statistic="noshow_share", scenario="a", value=0.5, sd=0.03, model_sd=0.04)
    values = pd.DataFrame({"x": np.random.default_rng(2).normal(0.62, 0.05, 4000)})
    row = predict.summarise([t], values, "prediction").iloc[0]
    assert row["median"] == pytest.approx(0.62, abs=0.005)
    assert row["z"] == pytest.approx(0.12 / math.sqrt(0.03 ** 2 + 0.04 ** 2 + 0.05 ** 2), abs=0.1)
    assert not row["inside_90"] and not row["off_2sd"]
    ranged = Target(id="x", statistic="noshow_share", scenario="a", value=0.6, low=0.55, high=0.65, sd=0.02)
    assert predict.summarise([ranged], values).iloc[0]["inside_90"]


def test_fresh_seed_score_ranks_a_better_source_lower():
    targets = [Target(id=f"t{i}", statistic="noshow_share", scenario="a", value=0.2, n=400) for i in range(3)]
    rng = np.random.default_rng(3)

    def runs(centre):
        return [{"a": {"noshow_share": centre + rng.normal(0, 0.01)}} for _ in range(40)]
    table = score.compare(targets[:1], {"defaults": runs(0.26), "posterior": runs(0.21)}, reference="defaults")
    by = table.set_index("source")["median"]
    assert by["posterior"] < 0.5 * by["defaults"]


def test_a_fold_predicts_every_other_programme():
    targets = load_targets()
    out = held_out(targets, "jobgaranti-midway-2019")
    assert out and all(t.programme != "jobgaranti-midway-2019" for t in out)
    assert any(t.programme == "copenhagen-outreach-2015" for t in out)


def test_docs_file_it_did_not_write_is_refused_before_any_work(tmp_path, capsys):
    doc = tmp_path / "VALIDATION.md"
    doc.write_text("# my own notes\n")
    code = main(["check-fit", "--docs", str(doc), "--out", str(tmp_path / "out"), "--runs-dir", str(tmp_path / "r")])
    assert code == 2 and "was not written by check-fit" in capsys.readouterr().err
    assert doc.read_text() == "# my own notes\n" and not (tmp_path / "out").exists()
    code = main(["check-fit", "--posterior", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])
    assert code == 2 and "no posterior.parquet" in capsys.readouterr().err


def test_report_names_every_miss_and_says_what_was_fitted():
    items = pd.DataFrame([{"id": "a", "role": "target", "kind": "level", "reported": "0.5", "source": "s, Table 1",
                           "median": 0.7, "q05": 0.65, "q95": 0.75, "z": 4.0, "inside_90": False, "off_2sd": True},
                          {"id": "b", "role": "prediction", "kind": "level", "reported": "0.2", "source": "s, Table 2",
                           "median": 0.21, "q05": 0.1, "q95": 0.3, "z": 0.2, "inside_90": True, "off_2sd": False}])
    loo = pd.DataFrame([{"fold": "s", "id": "b", "role": "held out", "reported": "0.2", "median": 0.25, "q05": 0.1,
                         "q95": 0.4, "z": 0.5, "inside_90": True, "median_full": 0.21, "z_full": 0.2}])
    scored = pd.DataFrame([{"source": "documented defaults", "seeds": 40, "median": 90.0, "mean": 95.0, "q25": 80.0,
                            "q75": 100.0}])
    text = report.markdown(items, loo, scored, {"command": "fremskudt check-fit", "posterior": "p", "draws": 10,
                                                "fold_settings": "x"}, notes="a: the reason.")
    assert text.startswith(report.MARKER)
    assert "**a** (target)" in text and "a: the reason." in text and "| prediction |" in text


def test_a_finished_fold_is_taken_from_its_committed_fit_and_left_as_it_is(tmp_path, monkeypatch):
    """A rerun of check-fit neither refits nor rewrites a fold whose committed fit has the
    generations asked for (or stopped at its minimum epsilon); any other fold is calibrated."""
    from sim.analysis.calibration import PRIORS_DEFAULT, TARGETS_DEFAULT, file_hash
    from sim.analysis.checkfit import holdout
    calls = []

    class Ran:
        posterior, meta = pd.DataFrame({"a": [9.0], "weight": [1.0]}), {}
    monkeypatch.setattr(holdout, "run_calibration", lambda name, **kw: calls.append((name, kw)) or Ran)
    folder = tmp_path / "fitted" / holdout.fold_name(FOLDS[1])
    folder.mkdir(parents=True)
    post = pd.DataFrame({"noshow_central": [0.1, 0.2], "weight": [0.25, 0.75]})
    post.to_parquet(folder / "posterior.parquet")
    meta = {"name": folder.name, "targets": "t", "priors": "p", "targets_hash": file_hash(TARGETS_DEFAULT),
            "priors_hash": file_hash(PRIORS_DEFAULT), "population": None, "run_seed": 1, "particles": 2,
            "mc_sd": {}, "sessions": [], "min_epsilon": 4.0}
    (folder / "run.json").write_text(json.dumps(meta))

    def generations(*eps):
        pd.DataFrame({"t": range(len(eps)), "epsilon": eps, "samples": 10, "particles": 2, "acceptance": 0.2,
                      "ess": 2.0, "seconds": 1.0}).to_csv(folder / "generations.csv", index=False)
    generations(20.0, 9.0)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    def fold(generations, **kw):
        s = holdout.FoldSettings(generations=generations, fitted_dir=tmp_path / "fitted", runs_dir=tmp_path / "runs",
                                 **kw)
        return holdout.fit_fold(FOLDS[1], s, progress=False)
    got, got_meta = fold(2)
    pd.testing.assert_frame_equal(got, post)
    assert got_meta == meta and not calls
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    fold(3)                                             # one generation short, epsilon above its minimum
    assert calls[-1][0] == holdout.fold_name(FOLDS[1]) and calls[-1][1]["resume"] is True
    generations(20.0, 3.5)
    fold(3)                                             # stopped at its minimum epsilon: finished
    assert len(calls) == 1
    generations(20.0, 9.0)
    got, _ = fold(None)                                 # no number asked for: the committed fit as it is
    pd.testing.assert_frame_equal(got, post)
    assert len(calls) == 1
    fold(2, force=True)                                 # --refit starts afresh
    assert calls[-1][1]["resume"] is False and calls[-1][1]["force"] is True
    (folder / "run.json").write_text(json.dumps({**meta, "targets_hash": "0" * 16}))
    fold(2)                                             # made from other targets: the calibration decides
    assert calls[-1][1]["resume"] is True and len(calls) == 3
    fold(None)                                          # ... also without a number asked for, to the default
    assert calls[-1][1]["generations"] == holdout.NEW_FOLD_GENERATIONS and len(calls) == 4
    (folder / "generations.csv").write_text("not a table")
    (folder / "run.json").write_text(json.dumps(meta))
    fold(2)                                             # a damaged folder goes to the calibration's restore
    assert len(calls) == 5


def test_the_committed_folds_are_taken_as_they_are_by_default():
    """`fremskudt check-fit` as the README gives it redraws the committed tables: with no
    --generations the committed folds are used without fitting anything."""
    from sim.analysis.checkfit import holdout
    s = holdout.FoldSettings()
    assert s.generations is None
    for programme in FOLDS:
        done = holdout.finished_fold(programme, s)
        assert done is not None, programme
        assert "generations" in holdout.describe_fold(programme, done[1], s)


def test_a_fold_without_its_generations_is_described_so(tmp_path):
    """A fold whose folder holds no record of its generations says so (it once raised a
    NameError instead)."""
    from sim.analysis.checkfit import holdout

    s = holdout.FoldSettings(fitted_dir=tmp_path)
    text = holdout.describe_fold("copenhagen", {"particles": 50, "seeds": 2}, s)
    assert text == "copenhagen: 50 particles, 2 seeds per evaluation, generations not recorded"
