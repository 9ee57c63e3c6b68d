"""The command line end to end: run, compare, validate, list, and the report folder."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment import statistics
from sim.experiment.statistics import DEFINITIONS
from sim.interface import report
from sim.interface.cli import main
from sim.model.rng import replication_seeds
from sim.spec.scenario import SCENARIO_DIR

ROOT = Path(__file__).resolve().parent.parent
BROKEN = {  # file text, pieces the message must contain (see also test_scenarios.py)
    "unknown_key": ("organisation:\n  casworkers: 3\n", ["organisation.casworkers", "did you mean 'caseworkers'"]),
    "out_of_range": ("organisation:\n  caseworkers: -1\n", ["organisation.caseworkers", "-1", ">= 0.5"]),
    "wrong_type": ("horizon_weeks: many\n", ["horizon_weeks", "'many'"]),
    "bad_yaml": ("organisation: {caseworkers: 3\nseed: 1\n", ["YAML syntax error at line 2"]),
    "missing_extends": ("extends: nothere.yaml\n", ["extends", "'nothere.yaml'", "no such scenario file"]),
    "python_tag": ("seed: !!python/object/apply:os.system ['touch {marker}']\n", ["python/object/apply:os.system"]),
}
SMALL = "population:\n  size: 150\nhorizon_weeks: 20\nreplications: 2\n"


def small(tmp_path: Path, base: str = "copenhagen-outreach", name: str | None = None, extra: str = "") -> Path:
    """A small scenario file that extends a shipped one."""
    name = name or f"small-{base}"
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\ndescription: small test copy of {base}\n"
                    f"extends: {SCENARIO_DIR / (base + '.yaml')}\n{SMALL}{extra}")
    return path


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("run")
    out = tmp / "out"
    assert main(["run", str(small(tmp)), "--out", str(out), "--quiet"]) == 0
    return out


EXPECTED_FILES = ["manifest.json", "weekly.parquet", "citizens.parquet", "summary_replications.parquet",
                  "summary.csv", "summary.md", "report.html", *report.FIGURES]


def test_run_writes_every_file(run_dir):
    for name in EXPECTED_FILES:
        p = run_dir / name
        assert p.is_file() and p.stat().st_size > 0, name
    assert not list(run_dir.parent.glob(".*partial*"))


def test_summary_has_every_outcome_with_evaluation_figures(run_dir):
    s = pd.read_csv(run_dir / "summary.csv")
    assert list(s.columns) == ["scenario", "outcome", "label", *statistics.SUMMARY_COLUMNS[2:]]
    assert list(s["outcome"]) == list(DEFINITIONS)   # the evaluation measures, then the budget
    assert list(s["definition"]) == list(DEFINITIONS.values())
    row = s.set_index("outcome").loc["noshow_share"]
    assert row["reported"] == 0.07 and "Table 1" in row["reported_source"] and row["reported_n"] == 9672
    assert row["reported_from"] == "copenhagen-outreach"  # inherited by the small copy: named as such
    assert row["p5"] <= row["mean"] <= row["p95"] and row["label"] == "No-shows at mandatory meetings"
    # a 52-week measure in a 20-week run is not covered
    assert math.isnan(s.set_index("outcome").loc["ever_self_sufficient_52w", "mean"])
    md = (run_dir / "summary.md").read_text()
    # the small copy is another programme than the one the figures describe: shown, never scored
    assert "noshow_share" in md and ("figure of the base scenario 'Outreach in Copenhagen's housing areas', another "
                                     "programme") in md
    assert math.isnan(row["z"]) and not row["misfit"]
    assert "No-shows at mandatory meetings" in md


def test_long_tables_carry_scenario_replication_seed(run_dir):
    seeds = replication_seeds(20140101, 2)
    reps = pd.read_parquet(run_dir / "summary_replications.parquet")
    assert list(reps.columns) == ["scenario", "replication", "seed", "outcome", "value"]
    assert len(reps) == 2 * len(DEFINITIONS)
    assert sorted(reps["seed"].unique()) == sorted(seeds)
    weekly = pd.read_parquet(run_dir / "weekly.parquet")
    assert {"scenario", "replication", "seed", "week", "trin1", "trin2", "trin3", "self_sufficient",
            "caseworkers", "waiting"} <= set(weekly.columns)
    assert len(weekly) == 2 * 20
    cit = pd.read_parquet(run_dir / "citizens.parquet")
    assert {"scenario", "replication", "seed", "citizen", "state_end", "hours_end"} <= set(cit.columns)
    assert cit.groupby("replication").size().tolist() == [150, 150]
    for df in (reps, weekly, cit):
        assert df[["scenario", "replication", "seed"]].notna().all().all()


def test_manifest(run_dir):
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["kind"] == "run" and m["replications"] == 2 and m["base_seed"] == 20140101
    assert m["seeds"] == replication_seeds(20140101, 2)
    sc = m["scenarios"][0]
    assert sc["name"] == "small-copenhagen-outreach" and len(sc["digest"]) == 64
    files = [Path(f["path"]).name for f in sc["files"]]
    assert files == ["small-copenhagen-outreach.yaml", "copenhagen-outreach.yaml", "central-jobcentre.yaml"]
    assert all(len(f["sha256"]) == 64 for f in sc["files"])
    assert sc["resolved"]["population"]["size"] == 150
    assert sc["resolved"]["organisation"]["caseworkers"] == 15.5
    for pkg in ("mesa", "simpy", "numpy", "pandas", "pyarrow", "pydantic", "matplotlib"):
        assert m["packages"][pkg]
    assert "commit" in m["git"] and "dirty" in m["git"]
    assert m["started"] <= m["finished"]
    assert m["command"].startswith("fremskudt run ")


def test_report_html_is_self_contained(run_dir):
    html = (run_dir / "report.html").read_text()
    assert html.count('<svg class="figure"') == len(report.FIGURES)
    assert "http://" not in html.replace('"http://www.w3.org/', "") and "https://" not in html
    assert "noshow_share" in html and "Evaluation" in html


def test_summary_on_screen_names_the_report(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", str(small(tmp_path)), "--out", str(out), "--replications", "1"]) == 0
    cap = capsys.readouterr()
    assert str(out / "report.html") in cap.out
    assert "noshow_share" in cap.out and len(cap.out.splitlines()) <= 25
    assert "rep" in cap.err  # progress bar on stderr


def test_quiet_has_no_progress_bar(tmp_path, capsys):
    assert main(["run", str(small(tmp_path)), "--out", str(tmp_path / "o"), "--quiet", "-n", "1"]) == 0
    assert capsys.readouterr().err == ""


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    path, out = small(tmp_path), tmp_path / "o"
    assert main(["run", str(path), "--out", str(out), "--quiet", "-n", "1"]) == 0
    stamp = (out / "manifest.json").read_text()
    (out / "keep.txt").write_text("mine")
    assert main(["run", str(path), "--out", str(out), "--quiet", "-n", "1"]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and "Traceback" not in err
    assert (out / "keep.txt").exists() and (out / "manifest.json").read_text() == stamp
    # --force replaces a folder only when every file in it is one the program wrote
    assert main(["run", str(path), "--out", str(out), "--quiet", "-n", "1", "--force", "--seed", "7"]) == 2
    err = capsys.readouterr().err
    assert "keep.txt" in err and "did not write" in err
    assert (out / "keep.txt").read_text() == "mine" and (out / "manifest.json").read_text() == stamp
    (out / "keep.txt").unlink()
    assert main(["run", str(path), "--out", str(out), "--quiet", "-n", "1", "--force", "--seed", "7"]) == 0
    assert json.loads((out / "manifest.json").read_text())["base_seed"] == 7
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_failed_run_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "o"

    def boom(*a, **k):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(report, "write_figures", boom)
    with pytest.raises(RuntimeError):
        main(["run", str(small(tmp_path)), "--out", str(out), "--quiet", "-n", "1"])
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["small-copenhagen-outreach.yaml"]


def test_default_output_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(small(tmp_path)), "--quiet", "-n", "1"]) == 0
    made = list((tmp_path / "results").iterdir())
    assert len(made) == 1 and made[0].name.startswith("small-copenhagen-outreach-")
    stamp = made[0].name.removeprefix("small-copenhagen-outreach-")
    assert len(stamp) == len("YYYYmmdd-HHMMSS") and stamp[8] == "-"


@pytest.mark.parametrize("case", ["unknown_key", "out_of_range", "wrong_type", "bad_yaml", "missing_extends",
                                  "python_tag", "cycle"])
def test_broken_scenario_writes_nothing(case, tmp_path, capsys):
    if case == "cycle":
        (tmp_path / "b.yaml").write_text("extends: cycle.yaml\n")
        path = tmp_path / "cycle.yaml"
        path.write_text("extends: b.yaml\n")
        expected = ["extends", "cycle"]
    else:
        text, expected = BROKEN[case]
        path = tmp_path / f"{case}.yaml"
        path.write_text(text.replace("{marker}", str(tmp_path / "code-was-run")))
    out = tmp_path / "out"
    for argv in (["run", str(path)], ["compare", "default", str(path)]):
        assert main([*argv, "--out", str(out), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and path.name in err and "Traceback" not in err
        assert all(piece in err for piece in expected), err
        assert not out.exists()
    assert not (tmp_path / "code-was-run").exists()


def test_bad_option_values_exit_2(tmp_path, capsys):
    for argv in (["run", "default", "--replications", "0"], ["run", "default", "--seed", "-3"],
                 ["run", "default", "--workers", "many"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_compare_with_common_random_numbers(tmp_path, capsys):
    a = small(tmp_path, "central-jobcentre")
    b = small(tmp_path, "copenhagen-outreach")
    out = tmp_path / "cmp"
    assert main(["compare", str(a), str(b), "--out", str(out), "--quiet", "--seed", "11"]) == 0
    screen = capsys.readouterr().out
    assert "small-copenhagen-outreach minus small-central-jobcentre" in screen and str(out) in screen
    for name in [*EXPECTED_FILES, "comparison.csv", "comparison.md", "differences.svg",
                 "cost_effectiveness.csv"]:
        assert (out / name).stat().st_size > 0, name
    reps = pd.read_parquet(out / "summary_replications.parquet")
    seeds = replication_seeds(11, 2)
    for name in ("small-central-jobcentre", "small-copenhagen-outreach"):
        assert sorted(reps.loc[reps["scenario"] == name, "seed"].unique()) == sorted(seeds)
    comp = pd.read_csv(out / "comparison.csv")
    assert list(comp.columns) == ["scenario", "reference", "outcome", "label", *statistics.COMPARISON_COLUMNS[3:]]
    assert set(comp["scenario"]) == {"small-copenhagen-outreach"}
    assert set(comp["reference"]) == {"small-central-jobcentre"}
    assert list(comp["outcome"]) == list(DEFINITIONS)
    # the difference is paired by seed
    w = reps[reps["outcome"] == "noshow_share"].pivot(index="seed", columns="scenario", values="value")
    d = (w["small-copenhagen-outreach"] - w["small-central-jobcentre"]).mean()
    row = comp.set_index("outcome").loc["noshow_share"]
    assert row["difference_mean"] == pytest.approx(d)
    assert row["difference_mean"] == pytest.approx(row["scenario_mean"] - row["reference_mean"])
    assert row["difference_p5"] <= row["difference_mean"] <= row["difference_p95"]
    assert row["difference_mean"] < 0  # the outreach arm has fewer no-shows
    summ = pd.read_csv(out / "summary.csv")
    assert set(summ["scenario"]) == {"small-central-jobcentre", "small-copenhagen-outreach"}
    assert "minus" in (out / "comparison.md").read_text()
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "compare" and m["common_random_numbers"] and len(m["scenarios"]) == 2


def test_compare_needs_two_distinct_scenarios(tmp_path, capsys):
    a = small(tmp_path)
    assert main(["compare", str(a), "--out", str(tmp_path / "o")]) == 2
    assert main(["compare", str(a), str(a), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "at least two" in err and "more than once" in err


@pytest.mark.slow
def test_python_dash_m_sim(tmp_path):
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = tmp_path / "o"
    ok = subprocess.run([sys.executable, "-m", "sim", "run", str(small(tmp_path)), "--out", str(out), "--quiet",
                         "-n", "1"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert (out / "report.html").is_file() and "report.html" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation:\n  mentros: 2\n")
    res = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "did you mean 'mentors'" in res.stderr and "bad.yaml" in res.stderr
    assert not (tmp_path / "x").exists()


def test_version_prints_the_package_version_and_commit(tmp_path):
    from importlib import metadata
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == ""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert done.stdout.startswith(f"fremskudt {metadata.version('fremskudt')} (commit {head}")


def test_version_outside_a_git_checkout_says_unknown_commit(monkeypatch, capsys):
    from sim.experiment import outputs
    monkeypatch.setattr(outputs, "git_state", lambda repo=None: {"commit": None, "dirty": None})
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip().endswith("(unknown commit)")


def test_the_exit_finalises_what_was_garbage_before_it_freezes_the_rest(tmp_path):
    """The program freezes its objects before the interpreter's exit (so that the exit does
    not search them for garbage); whatever was garbage by then is finalised first, as the
    exit's own collection would have done."""
    import gc
    from sim.shutdown import leave_the_objects_to_the_system
    path = tmp_path / "finalised.txt"

    class Cycle:
        def __init__(self):
            self.me = self

        def __del__(self):
            path.write_text("finalised", encoding="utf-8")

    Cycle()
    assert not path.exists()
    try:
        leave_the_objects_to_the_system()
        assert path.read_text(encoding="utf-8") == "finalised"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_command_builds_only_its_own_parser_and_a_typo_still_lists_every_command(capsys):
    """Given its command line, the program builds the parser of the command named there
    alone (its module imports what its options need); without a command, or with a name that
    is no command, it builds them all, so that help and the error list every command."""
    from sim.interface.cli import build_parser

    def commands(parser):
        return set(parser._subparsers._group_actions[0].choices)     # no public API lists them

    every = commands(build_parser())
    assert {"run", "compare", "check-fit", "calibrate", "list", "app"} <= every
    for name in every:
        assert commands(build_parser([name, "--help"])) == {name}
    assert commands(build_parser(["--help"])) == every == commands(build_parser(["rnu"]))
    assert commands(build_parser(["--version"])) == set()
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith("fremskudt ")
    with pytest.raises(SystemExit) as e:
        main(["rnu"])
    assert e.value.code == 2 and "invalid choice: 'rnu'" in capsys.readouterr().err


def test_listing_the_scenarios_loads_neither_the_model_nor_the_calibration():
    code = ("import sys; sys.argv = ['fremskudt', 'list']; from sim.interface.cli import main; main();"
            "from sim.lazy_imports import DeferredModule; "
            "print(sorted(m for m in ('numba', 'pyabc', 'pandas', 'mesa', 'sim.model.model') "
            "if m in sys.modules and not isinstance(sys.modules[m], DeferredModule)))")     # deferred: its code has not run
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "central-jobcentre" in done.stdout and done.stdout.strip().splitlines()[-1] == "[]"
