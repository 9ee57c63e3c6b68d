"""fremskudt recovery: the verdict rules, the synthetic targets, and the whole study at tiny
settings (a full study is hours; docs/IDENTIFICATION.md gives its command)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis import recovery
from sim.analysis.calibration import TARGETS_DEFAULT, load_priors, load_targets
from sim.interface.cli import main


def _sets(name: str, truth, lo, hi, ratio) -> pd.DataFrame:
    n = len(truth)
    return pd.DataFrame({"set": range(n), "parameter": name, "truth": truth, "post_median": (np.array(lo) + hi) / 2,
                         "post_q05": lo, "post_q95": hi, "sd_ratio": ratio,
                         "covered": [a <= t <= b for t, a, b in zip(truth, lo, hi)]})


def test_the_verdicts_follow_coverage_and_narrowing():
    rng = np.random.default_rng(3)
    truth = rng.uniform(0, 1, 40)
    good = _sets("good", truth, truth - 0.05, truth + 0.05, 0.2)
    good.loc[:2, ["post_q05", "post_q95"]] = [0.9, 0.95]              # a few misses, as a 90 % interval has
    good["covered"] = [a <= t <= b for t, a, b in zip(good["truth"], good["post_q05"], good["post_q95"])]
    wide = _sets("wide", truth, np.zeros(40), np.ones(40), 0.95)
    narrow = _sets("narrow", truth, truth + 0.1, truth + 0.2, 0.1)     # always beside the truth
    table = recovery.summarise(pd.concat([good, wide, narrow])).set_index("parameter")
    assert table.loc["good", "verdict"] == "recovered" and table.loc["good", "covered"] == 37
    assert table.loc["wide", "verdict"] == "not recovered"
    assert table.loc["narrow", "verdict"] == "over-confident" and table.loc["narrow", "coverage_high"] < 0.9
    lo, hi = recovery.clopper_pearson(18, 20)
    assert lo < 0.9 < hi


def test_the_rank_of_the_drawn_value_stays_within_0_and_1():
    """Normalised weights summing to a hair above 1 once gave a rank of 1.0000000000000002,
    which the study then refused to read back from its own set file."""
    weights = np.full(10, 0.1 + 1e-17)
    assert np.sum(weights) > 1.0
    assert recovery.posterior_rank(np.arange(10.0), weights, 100.0) == 1.0
    assert recovery.posterior_rank(np.arange(10.0), weights, -1.0) == 0.0
    assert recovery.posterior_rank(np.arange(10.0), np.full(10, 0.1), 4.0) == pytest.approx(0.45)


def test_synthetic_figures_make_a_valid_targets_file(tmp_path):
    targets = load_targets()
    figures = {t.id: 0.3 for t in targets}
    path = tmp_path / "targets.yaml"
    recovery.synthetic_targets_file(path, TARGETS_DEFAULT, figures, targets)
    again = load_targets(path)
    assert [t.id for t in again] == [t.id for t in targets]
    assert all(t.value == 0.3 and not t.is_range for t in again)
    ranged = next(t for t in targets if t.is_range)
    assert next(t for t in again if t.id == ranged.id).sampling_sd == pytest.approx(ranged.sampling_sd)


def test_parameter_sets_are_drawn_from_the_priors_and_reproducible():
    priors = load_priors()
    a, b = recovery.draw_truth(priors, 5, 0), recovery.draw_truth(priors, 5, 1)
    assert a == recovery.draw_truth(priors, 5, 0) and a != b
    assert all(p.low <= a[p.name] <= p.high for p in priors)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_tiny_study_runs_resumes_and_writes_its_page(tmp_path, capsys):
    docs = tmp_path / "docs" / "IDENTIFICATION.md"
    argv = ["recovery", "--sets", "2", "--particles", "4", "--generations", "1", "--population", "100",
            "--workers", "1", "--work", str(tmp_path / "work"), "--out", str(tmp_path / "out"), "--docs", str(docs)]
    assert main(argv) == 0
    sets = pd.read_csv(tmp_path / "out" / "sets.csv")
    assert sorted(set(sets["set"])) == [0, 1] and set(sets["parameter"]) == {p.name for p in load_priors()}
    assert sets["rank"].between(0, 1).all() and (sets["sd_ratio"] > 0).all()
    text = docs.read_text()
    assert text.startswith(recovery.MARKER) and "| `match_probability` |" in text and "hours" in text
    assert all((docs.parent / f).is_file() for f in recovery.FIGURES)
    first = (tmp_path / "work" / "set-00.csv").stat().st_mtime_ns
    argv[argv.index("--out") + 1] = str(tmp_path / "out2")
    assert main(argv) == 0                       # finished sets are taken as they are
    assert (tmp_path / "work" / "set-00.csv").stat().st_mtime_ns == first
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "out2" / "sets.csv"), sets)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["kind"] == "recovery"
    capsys.readouterr()


def test_a_page_it_did_not_write_is_refused_before_any_work(tmp_path, capsys):
    docs = tmp_path / "IDENTIFICATION.md"
    docs.write_text("# mine\n")
    assert main(["recovery", "--docs", str(docs), "--out", str(tmp_path / "o"), "--work", str(tmp_path / "w")]) == 2
    assert "was not written by fremskudt recovery" in capsys.readouterr().err
    assert docs.read_text() == "# mine\n" and not (tmp_path / "o").exists() and not (tmp_path / "w").exists()


def test_the_page_records_the_command_that_reproduces_the_study_without_machine_paths():
    """A page written with `--out /somewhere` recorded that path, which points outside the
    repository; where a study writes and runs does not change what it computes."""
    from sim.interface.commands.recovery import reproducing
    argv = ["recovery", "--sets", "20", "--out", "/tmp/x", "--work=/tmp/w", "--scheduler", "tcp://h:8786", "--force",
            "--docs", "docs/IDENTIFICATION.md"]
    assert reproducing(argv) == ["recovery", "--sets", "20", "--docs", "docs/IDENTIFICATION.md"]
