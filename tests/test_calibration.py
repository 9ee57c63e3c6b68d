"""Calibration: target recovery, resume without loss, and file validation (small and fast)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.calibration import (CalibrationError, MultiScenarioModel, ZScoreDistance, load_priors, load_targets,
                             parameter_seed, run_calibration, scale_scenario, weighted_quantile)
from sim.errors import FremskudtError, UsageError
from sim.interface.cli import main
from sim.spec.scenario import Scenario, ScenarioError
from sim.experiment.simulate import simulate

TRUTH = {"noshow_central": 0.16, "cancel_central": 0.10}
SC = {"tiny-central.yaml": Scenario(population={"size": 150}, horizon_weeks=16)}


def _files(tmp_path, observed: dict[str, float]):
    targets = {"targets": [
        {"id": "noshow", "statistic": "noshow_share_central", "scenario": "tiny-central.yaml",
         "value": observed["noshow_share_central"], "n": 3000, "source": "simulated at a known point"},
        {"id": "cancel", "statistic": "cancel_share_central", "scenario": "tiny-central.yaml",
         "value": observed["cancel_share_central"], "n": 3000, "source": "simulated at a known point"},
    ]}
    priors = {"parameters": {
        "noshow_central": {"low": 0.04, "high": 0.35, "reason": "drives no-shows"},
        "cancel_central": {"low": 0.04, "high": 0.35, "reason": "drives cancellations"},
    }}
    tp, pp = tmp_path / "targets.yaml", tmp_path / "priors.yaml"
    tp.write_text(yaml.safe_dump(targets, sort_keys=False))
    pp.write_text(yaml.safe_dump(priors, sort_keys=False))
    return tp, pp


def _observed():
    # larger population for the "reported" figures: a sharper target than one tiny run
    big = Scenario(population={"size": 1200}, horizon_weeks=16)
    return simulate(big, seed=11, parameters=TRUTH, detail=False)


def _calibrate(tmp_path, tp, pp, generations, resume=False, fitted=True, name="t"):
    return run_calibration(name, targets_path=tp, priors_path=pp, population=None, generations=generations,
                           particles=30, workers=1, resume=resume, runs_dir=tmp_path / "runs",
                           fitted_dir=(tmp_path / "fitted") if fitted else None, scenarios=SC, mc_reps=4,
                           predictive_draws=12, progress=False)


def test_recovers_known_parameters_and_writes_fit(tmp_path):
    tp, pp = _files(tmp_path, _observed())
    res = _calibrate(tmp_path, tp, pp, generations=3)
    post = res.posterior
    assert set(post.columns) == {"noshow_central", "cancel_central", "weight"}
    assert np.isclose(post["weight"].sum(), 1.0)
    for name, true in TRUTH.items():
        lo, hi = weighted_quantile(post[name], post["weight"], [0.05, 0.95])
        assert lo <= true <= hi, f"{name}: truth {true} outside 90 % interval [{lo:.3f}, {hi:.3f}]"
        # and the data identify it: the posterior is much narrower than the prior (0.31 wide)
        assert hi - lo < 0.2
    out = res.out_dir
    for f in ("posterior.parquet", "report.md", "targets.png", "parameters.png", "fit.csv", "run.json"):
        assert (out / f).exists(), f
    on_disk = pd.read_parquet(out / "posterior.parquet")
    assert list(on_disk.columns) == ["noshow_central", "cancel_central", "weight"]
    report = (out / "report.md").read_text()
    assert "Model evaluations" in report and "sd ratio" in report
    assert ("in session(s) 1 an evaluation stopped as soon as its summed squared z was past epsilon "
            "(order tiny-central.yaml)") in report
    # the wall time is the generations' own record in the history, not the sessions' record
    import pyabc
    from sim.analysis.calibration import generation_table
    history = pyabc.History(f"sqlite:///{tmp_path / 'runs' / 't.db'}")
    gens = generation_table(history)
    assert len(gens) == 3 and (gens["seconds"] > 0).all()
    total = history.get_all_populations()["wall_time"].sum()  # with the initial sample (t = -1)
    assert total > gens["seconds"].sum()
    assert f"**{total / 60:.1f} min**, the sum of the generations' times in the history" in report


def test_resume_loses_no_finished_generation(tmp_path):
    import pyabc
    tp, pp = _files(tmp_path, _observed())
    _calibrate(tmp_path, tp, pp, generations=2, fitted=False)
    url = f"sqlite:///{tmp_path / 'runs' / 't.db'}"
    h = pyabc.History(url)
    assert h.max_t == 1
    before = [h.get_distribution(m=0, t=t) for t in (0, 1)]
    res = _calibrate(tmp_path, tp, pp, generations=3, resume=True, fitted=False)
    assert res.generations == 3
    # the resumed session ran its one scenario first, and says so in the run's record
    assert res.meta["sessions"][-1]["scenario_order"] == ["tiny-central.yaml"]
    h = pyabc.History(url)
    assert h.max_t + 1 >= 3
    for t, (df0, w0) in enumerate(before):
        df1, w1 = h.get_distribution(m=0, t=t)
        pd.testing.assert_frame_equal(df0.sort_index(axis=1), df1.sort_index(axis=1))
        np.testing.assert_allclose(w0, w1)
    # a resume that has nothing left to do runs no simulations and records no session
    sessions = len(res.meta["sessions"])
    again = _calibrate(tmp_path, tp, pp, generations=3, resume=True, fitted=False)
    assert again.simulations == res.simulations and len(again.meta["sessions"]) == sessions


def test_a_committed_fit_continues_without_its_history(tmp_path):
    """The history is not committed; the fitted folder is. --resume on a machine without the
    history starts from the fit's last generation and keeps the record of the earlier ones."""
    import pyabc
    from sim.analysis.calibration.restore import GENERATION_COLUMNS
    tp, pp = _files(tmp_path, _observed())
    first = _calibrate(tmp_path, tp, pp, generations=2)
    fit = first.out_dir
    pop = pd.read_parquet(fit / "population.parquet")
    assert list(pop.columns) == ["noshow_central", "cancel_central", "weight", "distance", "x:noshow", "x:cancel"]
    gens = pd.read_csv(fit / "generations.csv")
    assert list(gens.columns) == GENERATION_COLUMNS and list(gens["t"]) == [0, 1]
    # the last generation's epsilon bounds every accepted particle's distance
    assert (pop["distance"] <= gens["epsilon"].iloc[-1] + 1e-9).all()
    for f in ("t.db", "t.json"):
        (tmp_path / "runs" / f).unlink()
    res = _calibrate(tmp_path, tp, pp, generations=3, resume=True)
    assert res.generations == 3
    h = pyabc.History(f"sqlite:///{tmp_path / 'runs' / 't.db'}")
    assert h.max_t == 2 and sorted(h.get_all_populations()["t"]) == [-1, 1, 2]  # pyabc's start record, the restored 1, the new 2
    df, w = h.get_distribution(m=0, t=1)
    key = ["noshow_central", "cancel_central"]
    got = df[key].sort_values(key).to_numpy()
    np.testing.assert_allclose(got, pop[key].sort_values(key).to_numpy())
    # the new generation is tighter than the restored one (epsilon is the weighted median of its distances)
    after = pd.read_csv(res.out_dir / "generations.csv")
    assert list(after["t"]) == [0, 1, 2]
    pd.testing.assert_frame_equal(after.iloc[:1], gens.iloc[:1], check_dtype=False)
    assert after["epsilon"].iloc[2] < after["epsilon"].iloc[1]
    record = json.loads((res.out_dir / "run.json").read_text())["restored"]
    assert record[0]["generation"] == 1 and record[0]["targets"] == "stored"
    report = (res.out_dir / "report.md").read_text()
    assert "continued from the committed fit's generation 1" in report and "- Generations: 3;" in report
    assert f"Model evaluations: **{int(after['samples'].sum())}**" in report
    assert res.simulations == int(after["samples"].sum())       # what the command prints
    # the continued folder keeps the stored generation the new history does not hold
    assert sorted(set(pd.read_parquet(res.out_dir / "populations.parquet")["t"])) == [0, 1, 2]
    assert "in the stored generations 0, 1, 2" in report


def test_a_fit_is_audited_and_its_report_drawn_again_from_its_files(tmp_path, capsys):
    """Every generation's particles are stored; the report opens with the verdict on
    convergence, has pyabc's plots of the generations, the pairwise posterior, and
    `calibrate --redraw` draws the same report from the folder alone."""
    from sim.analysis.calibration import redraw_fit
    tp, pp = _files(tmp_path, _observed())
    res = _calibrate(tmp_path, tp, pp, generations=2)
    out = res.out_dir
    pops = pd.read_parquet(out / "populations.parquet")
    assert sorted(set(pops["t"])) == [0, 1] and list(pops.columns)[:3] == ["t", "noshow_central", "cancel_central"]
    report = (out / "report.md").read_text()
    assert report.count("**Convergence: ") == 1 and "## How far the posterior still moves" in report
    assert (out / "generations.png").is_file() and (out / "pairs.png").is_file()
    assert res.initial == 30 and f"plus {res.initial} from the prior to set the first epsilon" in report
    (out / "notes.md").write_text("A note.\n")
    for f in ("t.db", "t.json"):            # the history is not needed
        (tmp_path / "runs" / f).unlink()
    redraw_fit("t", fitted_dir=tmp_path / "fitted", runs_dir=tmp_path / "runs", targets_path=tp, priors_path=pp,
               scenarios=SC)
    again = (out / "report.md").read_text()
    assert again == report + "\n## Notes\n\nA note.\n"
    assert json.loads((out / "manifest.json").read_text())["redrawn"]
    other = tmp_path / "other.yaml"
    other.write_text(tp.read_text().replace("3000", "2999"))
    with pytest.raises(UsageError, match="not the file calibration 't' was fitted to"):
        redraw_fit("t", fitted_dir=tmp_path / "fitted", targets_path=other, priors_path=pp, scenarios=SC)
    code = main(["calibrate", "--name", "nowhere", "--redraw", "--out", str(tmp_path / "fitted")])
    assert code == 2 and "--redraw:" in capsys.readouterr().err


def test_a_fit_without_its_particles_targets_is_continued_by_simulating_them_again(tmp_path):
    tp, pp = _files(tmp_path, _observed())
    fit = _calibrate(tmp_path, tp, pp, generations=2).out_dir
    stored = pd.read_parquet(fit / "population.parquet")
    (fit / "population.parquet").unlink()
    for f in ("t.db", "t.json"):
        (tmp_path / "runs" / f).unlink()
    res = _calibrate(tmp_path, tp, pp, generations=3, resume=True)
    record = res.meta["restored"][0]
    assert record["targets"] == "simulated again at the current code"
    # the seed rule makes the simulation again give what the evaluation gave
    import pyabc
    pop = pyabc.History(f"sqlite:///{tmp_path / 'runs' / 't.db'}").get_population(t=1)
    again = sorted(p.sum_stat["noshow"] for p in pop.particles)
    np.testing.assert_allclose(again, sorted(stored["x:noshow"]))


def _rewrite_manifest(folder):
    from sim.experiment import outputs
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").unlink()
    outputs.write_manifest(folder, manifest)


def test_an_edited_fit_folder_is_not_replaced_by_a_resumed_calibration(tmp_path):
    tp, pp = _files(tmp_path, _observed())
    fit = _calibrate(tmp_path, tp, pp, generations=1).out_dir
    (fit / "report.md").write_text("my edits")
    with pytest.raises(FremskudtError, match="report.md differs from what fremskudt wrote"):
        _calibrate(tmp_path, tp, pp, generations=2, resume=True)
    assert (fit / "report.md").read_text() == "my edits"


def test_a_damaged_fit_folder_is_refused_before_anything_is_written(tmp_path):
    import shutil
    tp, pp = _files(tmp_path, _observed())
    fit = _calibrate(tmp_path, tp, pp, generations=1).out_dir
    kept = tmp_path / "kept"
    shutil.copytree(fit, kept)
    pop = pd.read_parquet(kept / "population.parquet")

    def nan_weight(f):
        pop.assign(weight=np.nan).to_parquet(f / "population.parquet")

    def renamed(f):
        pop.rename(columns={"cancel_central": "cancel_elsewhere"}).to_parquet(f / "population.parquet")

    damages = [
        (lambda f: (f / "run.json").write_text("{not json"), "run.json: (top level): bad value '<JSON syntax error"),
        (lambda f: (f / "run.json").write_text(""), "run.json: (top level): bad value '<empty>'"),
        (lambda f: (f / "run.json").write_text("{}"), "run.json: name: bad value None; the run record lacks name"),
        (lambda f: pd.read_csv(kept / "generations.csv").drop(columns="epsilon").to_csv(f / "generations.csv"),
         "generations.csv: Unnamed: 0: bad value 'Unnamed: 0'; not a column of a generation table"),
        (lambda f: pd.read_csv(kept / "generations.csv").drop(columns="epsilon").to_csv(f / "generations.csv",
                                                                                          index=False),
         "generations.csv: epsilon: bad value None; the table needs the column(s) epsilon"),
        (lambda f: (f / "population.parquet").write_bytes(b"PAR1 broken"),
         "population.parquet: (top level): bad value .*not a readable parquet table"),
        (nan_weight, "population.parquet: weight (row 0): bad value nan"),
        (renamed, "cancel_elsewhere: bad value 'cancel_elsewhere'; not a behavioural parameter"),
    ]
    for damage, message in damages:
        shutil.rmtree(tmp_path / "runs", ignore_errors=True)
        shutil.rmtree(fit)
        shutil.copytree(kept, fit)
        damage(fit)
        _rewrite_manifest(fit)       # the damage, as if it had been written so: the reader finds it
        with pytest.raises(FremskudtError, match=re.escape(message).replace(r"\.\*", ".*")):
            _calibrate(tmp_path, tp, pp, generations=2, resume=True)
        assert not (tmp_path / "runs" / "t.db").exists() and not (tmp_path / "runs" / "t.json").exists(), message
        assert [p.name for p in (tmp_path / "fitted").iterdir()] == ["t"], message   # no partial folder left
        # the folder it could not continue is left as it was
        assert sorted(p.name for p in fit.iterdir()) == sorted(p.name for p in kept.iterdir()), message


def test_resume_without_history_or_fit_says_so(tmp_path):
    tp, pp = _files(tmp_path, _observed())
    (tmp_path / "fitted" / "t").mkdir(parents=True)
    with pytest.raises(UsageError, match="no calibration named 't'.*and no fit to continue"):
        _calibrate(tmp_path, tp, pp, generations=3, resume=True)


def test_evaluation_seed_depends_only_on_parameters():
    a = parameter_seed({"x": 0.1, "y": 2.0}, 5)
    assert a == parameter_seed({"y": 2.0, "x": 0.1}, 5)
    assert a != parameter_seed({"x": 0.1, "y": 2.0}, 6)
    assert a != parameter_seed({"x": 0.1000001, "y": 2.0}, 5)


def test_distance_combines_sampling_and_mc_error(tmp_path):
    tp, _ = _files(tmp_path, {"noshow_share_central": 0.2, "cancel_share_central": 0.1})
    targets = load_targets(tp, scenarios=SC)
    d = ZScoreDistance(targets, {"noshow": 0.03, "cancel": 0.0})
    sd = np.sqrt(0.2 * 0.8 / 3000 + 0.03 ** 2)
    assert d({"noshow": 0.2 + sd, "cancel": 0.1}) == pytest.approx(1.0)
    assert d({"noshow": float("nan"), "cancel": 0.1}) == pytest.approx(100.0)


def test_model_sd_widens_the_distance(tmp_path):
    data = _one(model_sd=0.04)
    targets = load_targets(_write(tmp_path, data))
    d = ZScoreDistance(targets, {"a": 0.01})
    sd = np.sqrt(0.14 * 0.86 / 100 + 0.04 ** 2 + 0.01 ** 2)
    assert d({"a": 0.14 - 2 * sd}) == pytest.approx(4.0)
    with pytest.raises(CalibrationError, match="model-discrepancy"):
        load_targets(_write(tmp_path, _one(model_sd=-0.1)))


def test_seeds_per_evaluation_average_the_runs(tmp_path):
    from sim.model.rng import replication_seeds
    tp, _ = _files(tmp_path, {"noshow_share_central": 0.2, "cancel_share_central": 0.1})
    targets = load_targets(tp, scenarios=SC)
    one, three = MultiScenarioModel(targets, SC, run_seed=1), MultiScenarioModel(targets, SC, run_seed=1, seeds=3)
    runs = [one.simulate({}, s) for s in replication_seeds(9, 3)]
    assert three.simulate({}, 9)["noshow"] == pytest.approx(np.mean([r["noshow"] for r in runs]))


def test_scale_scenario_keeps_caseload():
    sc = Scenario(population={"size": 1750}, organisation=dict(location="split", outreach_offices=6, days_in_estate=2,
                                                               open_advice_days=3, caseworkers=15.5, mentors=4))
    small = scale_scenario(sc, 350)
    assert small.population.size == 350
    assert small.organisation.caseworkers == pytest.approx(3.1)
    assert small.organisation.mentors == 1 and small.organisation.outreach_offices == 1
    assert scale_scenario(sc, 5000) is sc


def test_model_returns_every_target(tmp_path):
    tp, _ = _files(tmp_path, {"noshow_share_central": 0.2, "cancel_share_central": 0.1})
    targets = load_targets(tp, scenarios=SC)
    m = MultiScenarioModel(targets, SC, run_seed=1)
    x = m({"noshow_central": 0.2})
    assert set(x) == {"noshow", "cancel"}
    assert x == m({"noshow_central": 0.2})  # deterministic per parameter vector


# --- validation --------------------------------------------------------------------------

def _write(tmp_path, data, name="targets.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data))
    return p


def _one(**kw):
    t = {"id": "a", "statistic": "noshow_share", "scenario": "central-jobcentre.yaml", "value": 0.14, "n": 100,
         "source": "copenhagen-outreach-2015, Table 1"}
    t.update(kw)
    return {"targets": [t]}


def test_default_targets_and_priors_are_valid():
    targets = load_targets()
    ids = {t.id for t in targets}
    assert {"cph_outreach_self_sufficient", "cph_central_self_sufficient", "aig_weekly_attendance",
            "ap_activation_time_share", "jg_active_effort"} <= ids
    assert 8 <= len(load_priors()) < len(targets)          # fewer free parameters than reported figures
    assert {t.programme for t in targets} == {"copenhagen-outreach-2015", "jobgaranti-midway-2019", "alle-i-gang-2009",
                                             "activation-practice-2012"}


@pytest.mark.parametrize("bad, key, fragment", [
    (dict(statistic="noshow_rate"), "targets[0].statistic", "unknown outcome"),
    (dict(scenario="nowhere.yaml"), "targets[0].scenario", "unknown scenario"),
    (dict(n=-3), "targets[0].n", "positive whole number"),
    (dict(value=1.4), "targets[0].value", "between 0 and 1"),
    (dict(sourc="x"), "targets[0].sourc", "did you mean 'source'"),
])
def test_bad_target_is_reported_with_key_path(tmp_path, bad, key, fragment):
    p = _write(tmp_path, _one(**bad))
    with pytest.raises(CalibrationError) as e:
        load_targets(p)
    assert isinstance(e.value, ScenarioError)
    assert e.value.key == key and fragment in str(e.value) and str(p) in str(e.value)


def test_bad_prior_is_reported(tmp_path):
    p = _write(tmp_path, {"parameters": {"noshow_centre": {"low": 0.1, "high": 0.2}}}, "priors.yaml")
    with pytest.raises(CalibrationError, match="did you mean 'noshow_central'"):
        load_priors(p)
    p = _write(tmp_path, {"parameters": {"noshow_central": {"low": 0.3, "high": 0.2}}}, "priors.yaml")
    with pytest.raises(CalibrationError, match="low < high"):
        load_priors(p)


def test_cli_bad_targets_exit_2(tmp_path, capsys):
    p = _write(tmp_path, _one(statistic="no_such_outcome"))
    code = main(["calibrate", "--targets", str(p), "--name", "x"])
    err = capsys.readouterr().err
    assert code == 2
    assert "targets[0].statistic" in err and "no_such_outcome" in err and err.count("\n") == 1


def test_cli_resume_unknown_name_exit_2(capsys):
    code = main(["calibrate", "--resume", "--name", "never-started-xyz"])
    assert code == 2
    assert "never-started-xyz" in capsys.readouterr().err


def test_scenario_overrides_set_observation_window(tmp_path):
    from sim.analysis.calibration import load_scenario_overrides, resolve_scenarios
    data = _one()
    data["scenario_overrides"] = {"central-jobcentre.yaml": {"horizon_weeks": 26}}
    p = _write(tmp_path, data)
    over = load_scenario_overrides(p)
    sc = resolve_scenarios(load_targets(p), population=100, overrides=over)
    assert sc["central-jobcentre.yaml"].horizon_weeks == 26
    data["scenario_overrides"] = {"weekly-meetings.yaml": {"horizon_weeks": 26}}
    with pytest.raises(CalibrationError, match="used by a target"):
        load_scenario_overrides(_write(tmp_path, data))
    assert load_scenario_overrides()["weekly-meetings.yaml"] == {"horizon_weeks": 26}


def test_population_cap_scales_only_its_scenario(tmp_path):
    from sim.analysis.calibration import load_population_caps, resolve_scenarios
    data = _one()
    data["targets"].append(dict(data["targets"][0], id="b", scenario="copenhagen-outreach.yaml"))
    data["population_cap"] = {"central-jobcentre.yaml": 300}
    p = _write(tmp_path, data)
    sc = resolve_scenarios(load_targets(p), caps=load_population_caps(p))
    assert sc["central-jobcentre.yaml"].population.size == 300
    assert sc["copenhagen-outreach.yaml"].population.size == 1750
    data["population_cap"] = {"central-jobcentre.yaml": 0}
    with pytest.raises(CalibrationError, match="population_cap.central-jobcentre.yaml"):
        load_population_caps(_write(tmp_path, data))


def test_committed_posterior_matches_the_priors():
    """The shipped fit must belong to the shipped priors (same free parameters, valid weights)."""
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    post = pd.read_parquet(root / "calibration" / "fitted" / "default" / "posterior.parquet")
    names = {p.name for p in load_priors()}
    assert set(post.columns) - {"weight"} == names
    assert (post["weight"] >= 0).all() and post["weight"].sum() > 0
    for p in load_priors():
        assert post[p.name].between(p.low, p.high).all(), p.name
    # ... and to the shipped targets and priors files, byte for byte
    import json
    from sim.analysis.calibration import PRIORS_DEFAULT, TARGETS_DEFAULT, file_hash
    run = json.loads((root / "calibration" / "fitted" / "default" / "run.json").read_text())
    assert run["targets_hash"] == file_hash(TARGETS_DEFAULT) and run["priors_hash"] == file_hash(PRIORS_DEFAULT)


def test_resume_with_other_settings_is_refused_and_says_what_it_keeps(tmp_path):
    tp, pp = _files(tmp_path, {"noshow_share_central": 0.2, "cancel_share_central": 0.1})
    run_calibration("r", targets_path=tp, priors_path=pp, generations=1, particles=6, workers=1,
                    runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=SC, mc_reps=2, progress=False)
    with pytest.raises(UsageError) as e:
        run_calibration("r", targets_path=tp, priors_path=pp, generations=2, particles=50, seeds=2, workers=1,
                        resume=True, runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=SC, progress=False)
    msg = str(e.value)
    assert "--particles 50 (started with 6)" in msg and "--seeds 2 (started with 1)" in msg
    # the same values, or none, continue
    res = run_calibration("r", targets_path=tp, priors_path=pp, generations=2, particles=6, workers=1, resume=True,
                          runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=SC, progress=False)
    assert res.generations == 2 and res.meta["particles"] == 6


@pytest.mark.parametrize("argv", [["calibrate", "--seed", "-5"], ["calibrate", "--seed", "4294967296"],
                                  ["calibrate", "--particles", "0"], ["calibrate", "--kernel-scale", "nan"],
                                  ["calibrate", "--name", "../escape"], ["sensitivity", "--seed", "-1"],
                                  ["sensitivity", "--n", "inf"], ["calibrate", "--scheduler", ""],
                                  ["run", "--scheduler", " "]])
def test_bad_calibrate_and_sensitivity_options_exit_2(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_fit_folder_keeps_its_notes_when_replaced(tmp_path):
    tp, pp = _files(tmp_path, {"noshow_share_central": 0.2, "cancel_share_central": 0.1})
    kw = dict(targets_path=tp, priors_path=pp, generations=1, particles=6, workers=1, runs_dir=tmp_path / "runs",
              fitted_dir=tmp_path / "fitted", scenarios=SC, mc_reps=2, predictive_draws=3, progress=False)
    out = run_calibration("n", **kw).out_dir
    assert "posterior.parquet" in json.loads((out / "manifest.json").read_text())["files"]
    (out / "notes.md").write_text("What the fit misses, in our words.")
    with pytest.raises(UsageError, match="already exists"):
        run_calibration("n", **kw)
    run_calibration("n", force=True, **kw)
    assert (out / "notes.md").read_text() == "What the fit misses, in our words."
    assert "What the fit misses" in (out / "report.md").read_text()
    assert sorted(p.name for p in (tmp_path / "fitted").iterdir()) == ["n"]


def test_a_calibration_can_fit_one_programme_only(tmp_path):
    tp, pp = _files(tmp_path, {"noshow_share_central": 0.2, "cancel_share_central": 0.1})
    data = yaml.safe_load(tp.read_text())
    data["targets"][0]["programme"], data["targets"][1]["programme"] = "a-2020", "b-2021"
    tp.write_text(yaml.safe_dump(data, sort_keys=False))
    res = run_calibration("one", targets_path=tp, priors_path=pp, generations=1, particles=6, workers=1,
                          runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=SC, mc_reps=2, progress=False,
                          programmes=["b-2021"])
    assert res.meta["programmes"] == ["b-2021"] and set(res.meta["mc_sd"]) == {"cancel"}
    with pytest.raises(UsageError, match="no target of that programme"):
        run_calibration("two", targets_path=tp, priors_path=pp, generations=1, particles=6, workers=1,
                        runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=SC, progress=False,
                        programmes=["c-1999"])
    # a resumed fit keeps its programmes
    with pytest.raises(UsageError, match="--programme"):
        run_calibration("one", targets_path=tp, priors_path=pp, generations=2, workers=1, resume=True,
                        runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=SC, progress=False,
                        programmes=["a-2020"])


def test_posterior_correlations_find_a_trade_off():
    from sim.analysis.calibration import correlation_table
    rng = np.random.default_rng(1)
    x = rng.random(400)
    post = pd.DataFrame({"a": x, "b": 1 - x + 0.05 * rng.random(400), "c": rng.random(400), "weight": 1 / 400})
    t = correlation_table(post)
    assert (t.iloc[0]["first"], t.iloc[0]["second"]) == ("a", "b") and t.iloc[0]["correlation"] < -0.95
    assert abs(t.set_index(["first", "second"]).loc[("a", "c"), "correlation"]) < 0.2


@pytest.mark.parametrize("k", [1, 2, 22])
def test_correlation_figure_keeps_every_name_inside_the_figure(tmp_path, monkeypatch, k):
    """The correlation figure is laid out in inches from the longest parameter name: the
    drawn names, the colour bar and the title all fall inside the figure, for one parameter
    and for every prior's."""
    import matplotlib.pyplot as plt
    from sim.analysis.calibration import figures
    names = sorted((p.name for p in load_priors()), key=len, reverse=True)[:k]
    rng = np.random.default_rng(2)
    post = pd.DataFrame({n: rng.random(60) for n in names} | {"weight": rng.uniform(0.5, 1, 60)})
    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)          # keep the figure to measure it
    figures.plot_correlations(post, tmp_path / "c.png")
    (fig,) = drawn
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    texts = [t for ax in fig.axes for t in (*ax.get_xticklabels(), *ax.get_yticklabels(), ax.title, ax.yaxis.label)
             if t.get_text()]
    assert len(texts) >= 2 * k + 2
    for t in texts:
        e = t.get_window_extent(renderer)
        assert box.x0 <= e.x0 and e.x1 <= box.x1 and box.y0 <= e.y0 and e.y1 <= box.y1, t.get_text()
    plt.close(fig)


def test_pairwise_figure_puts_each_pair_where_its_particles_are(tmp_path):
    """The pairwise posterior is drawn over the priors' ranges: a weighted density of two
    parameters peaks in the cell of the heavy particles, not of the light ones; the figure
    is written for one parameter and for several."""
    from sim.analysis.calibration.audit import PAIR_BINS, _density, plot_pairs
    from sim.analysis.calibration.targets import Prior
    u = np.array([[0.1, 0.8], [0.9, 0.2]])
    d = _density(u, np.array([0.9, 0.1]), PAIR_BINS)
    assert d.max() == 1.0
    assert np.unravel_index(d.argmax(), d.shape) == (int(0.1 * PAIR_BINS), int(0.8 * PAIR_BINS))
    rng = np.random.default_rng(1)
    post = pd.DataFrame({"a": rng.uniform(0, 2, 50), "b": rng.uniform(5, 6, 50), "weight": rng.uniform(0, 1, 50)})
    priors = [Prior("a", 0.0, 2.0), Prior("b", 5.0, 6.0)]
    plot_pairs(post, priors, tmp_path / "two.png")
    plot_pairs(post[["a", "weight"]], priors, tmp_path / "one.png")
    assert (tmp_path / "two.png").stat().st_size > 0 and (tmp_path / "one.png").stat().st_size > 0


def test_recovers_the_share_of_hires_from_the_pool_shares(tmp_path):
    """The new mechanism is identified the way the pool's figures should identify it: the
    share of agreements that are jobs moves self-support against ordinary hours."""
    org = dict(location="outreach", outreach_offices=1, days_in_estate=5, caseworkers=4, trin_model=True,
               consultant_stance="demand_hours", company_consultants=2, mentors=1)
    tiny = {"trin.yaml": Scenario(population={"size": 250}, horizon_weeks=30, organisation=org)}
    truth = {"job_hire_share": 0.45}
    big = Scenario(population={"size": 2000}, horizon_weeks=30, organisation=dict(org, caseworkers=32,
                                                                                  company_consultants=16))
    observed = simulate(big, seed=5, parameters=truth, detail=False)
    targets = {"targets": [
        {"id": stat, "statistic": stat, "scenario": "trin.yaml", "value": round(observed[stat], 4), "n": 1500,
         "source": "simulated at a known point"} for stat in ("share_ordinary_hours", "share_self_supporting")]}
    priors = {"parameters": {"job_hire_share": {"low": 0.05, "high": 0.95, "reason": "jobs against smajobs"}}}
    tp, pp = tmp_path / "targets.yaml", tmp_path / "priors.yaml"
    tp.write_text(yaml.safe_dump(targets, sort_keys=False))
    pp.write_text(yaml.safe_dump(priors, sort_keys=False))
    res = run_calibration("hire", targets_path=tp, priors_path=pp, generations=3, particles=30, workers=1,
                          runs_dir=tmp_path / "runs", fitted_dir=None, scenarios=tiny, mc_reps=4, progress=False)
    lo, hi = weighted_quantile(res.posterior["job_hire_share"], res.posterior["weight"], [0.05, 0.95])
    assert lo <= truth["job_hire_share"] <= hi and hi - lo < 0.5, (lo, hi)   # the prior is 0.9 wide


def test_calibrated_defaults_are_the_committed_fits_medians():
    """Every fitted parameter's documented default is its posterior median in the committed
    fit, and its source cites that fit's 90 % interval and verdict
    (scripts/defaults_from_fit.py writes both)."""
    import importlib.util
    from pathlib import Path
    from sim.spec.parameters import Behaviour
    root = Path(__file__).resolve().parents[1]
    table = pd.read_csv(root / "calibration" / "fitted" / "default" / "parameters.csv")
    spec = importlib.util.spec_from_file_location("dff", root / "scripts" / "defaults_from_fit.py")
    dff = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dff)
    fields = Behaviour.model_fields
    for r in table.itertuples():
        f = fields[r.parameter]
        assert f.default == pytest.approx(float(dff.fmt(r.post_median))), r.parameter
        src = f.json_schema_extra["source"]
        assert src.startswith(f"posterior median of the calibration in calibration/fitted/default (90 % interval "
                              f"{dff.fmt(r.post_q05)}-{dff.fmt(r.post_q95)}; {r.verdict}); "), r.parameter
    # the script is idempotent on the file it maintains
    text = dff.FILE.read_text(encoding="utf-8")
    r = table.iloc[0]
    assert dff.move(text, r.parameter, r.post_median, r.post_q05, r.post_q95, r.verdict) == text
    moved = dff.move(text, r.parameter, 0.5, 0.25, 0.75, "identified")
    assert f'P(0.5,' in moved and 'FIT("0.25", "0.75", ID)' in moved and moved != text


def test_defaults_from_fit_refuses_a_bad_table_and_leaves_the_parameters(tmp_path, capsys):
    import importlib.util
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("dff", root / "scripts" / "defaults_from_fit.py")
    dff = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dff)
    before = dff.FILE.read_bytes()
    bad = tmp_path / "parameters.csv"
    bad.write_text("parameter,post_median,post_q05,post_q95,verdict\nnoshow_central,0.1,0.05,0.2,certain\n")
    assert dff.main([str(bad)]) == 2 and "certain" in capsys.readouterr().err
    assert dff.main([str(tmp_path / "missing.csv")]) == 2 and "cannot be read" in capsys.readouterr().err
    assert dff.FILE.read_bytes() == before


def test_the_quick_prior_and_kernel_are_pyabcs_distributions():
    """The box prior has pyabc's uniform density inside and outside the box, and the quick
    kernel draws from pyabc's multivariate normal (same mean and covariance)."""
    import pyabc
    from sim.analysis.calibration.prior import BoxPrior, FastNormalTransition
    bounds = {f"p{i}": (0.1 * i, 0.1 * i + 0.5) for i in range(6)}
    box = BoxPrior(bounds)
    ref = pyabc.Distribution(**{k: pyabc.RV("uniform", lo, hi - lo) for k, (lo, hi) in bounds.items()})
    rng = np.random.default_rng(3)
    outside = 0
    for _ in range(500):
        x = pyabc.Parameter({k: lo - 0.2 + 0.9 * rng.random() for k, (lo, hi) in bounds.items()})
        outside += box.pdf(x) == 0
        assert box.pdf(x) == pytest.approx(ref.pdf(x))
    assert 0 < outside < 500
    X = pd.DataFrame(rng.random((200, 6)), columns=list(bounds))
    w = rng.random(200)
    w /= w.sum()
    fast, slow = FastNormalTransition(scaling=3.0), pyabc.transition.MultivariateNormalTransition(scaling=3.0)
    fast.fit(X, w)
    slow.fit(X, w)
    np.random.seed(1)
    draws = pd.DataFrame([fast.rvs() for _ in range(20000)])
    expected_mean = (X.values * w[:, None]).sum(axis=0)
    expected_cov = np.cov(X.values.T, aweights=w, bias=True) + slow.cov
    assert np.abs(draws.mean().values - expected_mean).max() < 0.02
    assert np.abs(np.cov(draws.values.T) - expected_cov).max() < 0.05 * np.abs(expected_cov).max()
