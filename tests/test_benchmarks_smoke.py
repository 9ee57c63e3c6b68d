"""Smoke test of the benchmark harness on tiny settings (writes to a temporary path)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the benchmarks package lives at the repo root

from benchmarks import report  # noqa: E402
from benchmarks.cli import SUITES, main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _table_rows(text: str, heading: str) -> list[list[str]]:
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")]
    assert len(lines) >= 3, f"no table under {heading}"
    header, rule, *body = lines
    width = header.count("|")
    assert all(ln.count("|") == width for ln in (rule, *body)), "ragged table"
    assert set(rule) <= set("|-: ") and "---" in rule
    return [[cell.strip() for cell in ln.strip("|").split("|")] for ln in body]


@pytest.mark.slow
def test_make_bench_runs_every_suite(tmp_path):
    """``make bench``'s command with tiny settings: every suite runs and writes its table,
    and a later suite run alone keeps the others' figures."""
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "all", "--quick", "--repeats", "1", "--results", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert main(["copenhagen", "--quick", "--repeats", "2", "--results", str(out)]) == 0
    text = out.read_text()
    assert "Quick mode" in text
    rows = _table_rows(text, "Scaling")
    assert [int(r[0].replace(",", "")) for r in rows] == [200, 400, 800]
    assert all(float(r[1]) > 0 for r in rows)
    (cph,) = _table_rows(text, "Copenhagen")
    assert float(cph[2]) > 0 and float(cph[4].rstrip("×")) > 0
    for heading in ("National", "A fresh worker", "A calibration evaluation"):
        assert _table_rows(text, heading)
    store = json.loads(out.with_suffix(".json").read_text())
    assert set(store) == {*SUITES, "history"}                      # the last run kept the other suites' figures
    assert [h["suite"] for h in store["history"]] == [*SUITES, "copenhagen"]
    assert all(r["reference_cpu_s"] > 0 for r in store["copenhagen"]["runs"])   # the naive-Mesa yardstick, same run
    assert len(store["copenhagen"]["runs"]) == 2 and len(store["national"]["runs"]) == 1
    assert store["copenhagen"]["machine"]["cores"] >= 1
    assert text.count("Machine:") == len(SUITES) and "Python 3." in text


def test_national_section_renders():
    run = {"wall_s": 12.0, "cpu_s": 2.9, "build_s": 3.0, "run_s": 47.0, "maxrss_mb": 900.0, "agent_weeks": 2.6e7,
           "citizen_weeks": 2.6e7, "events": 1e7, "reference_cpu_s": 5.8}
    med = dict(run, agent_weeks_per_s=5.2e5, citizen_weeks_per_s=5.2e5, speed_vs_reference=2.0)
    store = {"national": {"setting": "test", "repeats": 1, "quick": False, "median": med, "runs": [run],
                          "machine": report.machine()}}
    text = report.render(store)
    (row,) = _table_rows(text, "National")
    assert row[0] == "12.0" and row[-2:] == ["met", "met"] and row[-3] == "2.00×"
    med["cpu_s"] = 3.1
    (row,) = _table_rows(report.render(store), "National")
    assert row[-2:] == ["**not met**", "met"]


def _refused(argv, capsys) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    return err


@pytest.mark.parametrize("name, text, says", [
    ("figures.json", '{"history": []}', "ending in .md"),
    ("README.md", "# Read me\n", "is not a results file this command wrote"),
])
def test_the_benchmarks_refuse_a_results_path_they_did_not_write(tmp_path, capsys, name, text, says):
    """Before any suite runs: ``--results`` names a Markdown file the command writes; any
    other file is left as it was."""
    target = tmp_path / name
    target.write_text(text)
    err = _refused(["copenhagen", "--quick", "--results", str(target)], capsys)
    assert says in err
    assert target.read_text() == text


@pytest.mark.parametrize("stored", ["", "{not json", "[1, 2]", '{"history": 3}', '{"my": "own notes"}'])
def test_the_benchmarks_refuse_stored_figures_they_cannot_use_and_leave_them(tmp_path, capsys, stored):
    out = tmp_path / "RESULTS.md"
    out.with_suffix(".json").write_text(stored)
    err = _refused(["copenhagen", "--quick", "--results", str(out)], capsys)
    assert err.startswith("python -m benchmarks: error: --results:") and "stored" in err
    assert out.with_suffix(".json").read_text() == stored and not out.exists()


def test_early_rejection_benchmark_agrees_with_full_evaluations_on_the_committed_fit(tmp_path, capsys):
    from benchmarks.early import main as early
    out = tmp_path / "early.csv"
    assert early(["--proposals", "2", "--workers", "1", "--out", str(out)]) == 0
    rows = pd.read_csv(out)
    assert len(rows) == 2 and (rows["accepted_full"] == rows["accepted_early"]).all()
    assert (rows["scenarios_run"].between(1, 4)).all() and (rows["cpu_early"] > 0).all()
    assert "agree on 2 of 2" in capsys.readouterr().out


def test_early_rejection_benchmark_refuses_a_folder_that_is_no_fit(tmp_path, capsys):
    import pytest
    from benchmarks.early import main as early
    with pytest.raises(SystemExit) as e:
        early(["--fit", str(tmp_path), "--out", str(tmp_path / "early.csv")])
    assert e.value.code == 2
    assert "not a fitted folder (it needs run.json and population.parquet" in capsys.readouterr().err
    assert not (tmp_path / "early.csv").exists()


def test_no_benchmark_replaces_a_committed_file_unless_asked():
    """Every benchmark writes to the git-ignored benchmarks/out/ by default; the committed
    RESULTS.md, SCALE.md and profiles/ are written only with --write-committed."""
    from benchmarks import cli, profile, scale
    for default, committed in ((cli.DEFAULT_RESULTS, cli.COMMITTED_RESULTS), (scale.OUT, scale.COMMITTED),
                               (profile.OUT, profile.COMMITTED)):
        assert default.is_relative_to(ROOT / "benchmarks" / "out"), default
        ignored = subprocess.run(["git", "check-ignore", "-q", str(default)], cwd=ROOT)
        assert ignored.returncode == 0, f"{default} is not git-ignored"
        assert not committed.is_relative_to(ROOT / "benchmarks" / "out")


def test_the_benchmarks_readme_names_every_suite_its_repeats_and_the_goals():
    from benchmarks.cli import DEFAULT_REPEATS
    text = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    rows = {r[0].strip("`"): r for r in (line.strip("|").split("|") for line in text.splitlines()
                                          if line.startswith("| `")) for r in [[c.strip() for c in r]]}
    assert set(SUITES) <= set(rows), set(SUITES) - set(rows)
    for suite in SUITES:
        assert rows[suite][-1] == str(DEFAULT_REPEATS[suite]), suite
    goals = " ".join(text.split("Goals (`report.py`, `GOALS`):", 1)[1].split("\n\n", 1)[0].split())
    g = report.GOALS
    for figure in (f"≤ {g['national_cpu_s']:g} s of CPU", f"≤ {g['national_rss_mb'] / 1024:g} GB",
                   f"≥ {g['copenhagen_sims_per_cpu_s']:g} simulations", f"at least {g['copenhagen_speed_vs_reference']:g} times",
                   f"within {g['startup_wall_s']:g} s", f"≤ {g['calibration_cpu_s']:g} s", f"within {g['scaling_ratio']:g}×"):
        assert figure in goals, figure


def test_a_fresh_worker_s_exit_is_shown_apart_and_older_figures_say_where_it_was():
    med = {"wall_s": 1.9, "cpu_s": 1.9, "import_cpu_s": 1.0, "simulation_cpu_s": 0.8, "maxrss_mb": 260.0}
    store = {"startup": {"setting": "test", "repeats": 1, "median": med, "runs": [], "machine": report.machine()}}
    (row,) = _table_rows(report.render(store), "A fresh worker")
    assert row[4] == "in the wall time" and row[-1] == "met"
    store["startup"]["median"] = dict(med, exit_s=0.5, wall_s=2.1)
    (row,) = _table_rows(report.render(store), "A fresh worker")
    assert row[0] == "2.10" and row[4] == "0.50" and row[-1] == "**not met**"
