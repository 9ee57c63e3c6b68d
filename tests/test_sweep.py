"""The dose-response sweep: its command line (every refusal one line with exit status 2 and
nothing written), common random numbers across the values, differences from the reference
value, the tables' columns, the cost per additional citizen, the figure's text size and its
panel of staff time by use, and identical results with one and two worker processes."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiment import runner, statistics
from sim.experiment import sweep as sweeps
from sim.experiment.findings import COST_EFFECT_PERSONS
from sim.interface.cli import main
from sim.interface.i18n.catalogue import label
from sim.interface.report import curve
from sim.interface.report.figures import style
from sim.model.rng import replication_seeds
from sim.spec.scenario import SCENARIO_DIR, load_scenario

#: 300 citizens: 25, 50 and 100 cases per caseworker put 12, 6 and 3 people in post
SIZE = 300
SMALL_PX = 11.0


def small(tmp_path: Path, base: str = "central-jobcentre", extra: str = "") -> Path:
    path = tmp_path / f"tiny-{base}.yaml"
    path.write_text(f"name: tiny-{base}\ndescription: small test copy of {base}\n"
                    f"extends: {SCENARIO_DIR / (base + '.yaml')}\npopulation:\n  size: {SIZE}\nreplications: 4\n{extra}")
    return path


@pytest.fixture(scope="module")
def caseload_dir(tmp_path_factory) -> Path:
    """A case-load sweep over 52 weeks (the 52-week measures and the cost per citizen covered)."""
    tmp = tmp_path_factory.mktemp("sweep")
    out = tmp / "out"
    assert main(["sweep", str(small(tmp)), "--caseload", "25,100,50", "--out", str(out), "--quiet",
                 "--seed", "3"]) == 0
    return out


# --------------------------------------------------------------------------------------
# The command line refuses bad input with one line
# --------------------------------------------------------------------------------------

REFUSED = {   # arguments after the scenario -> pieces of the one line
    "unknown path": (["--lever", "organisation.casworkers", "--values", "2,4"], ["did you mean 'organisation.caseworkers'"]),
    "not a number": (["--lever", "organisation.location", "--values", "2,4"], ["a word, not a number"]),
    "true or false": (["--lever", "organisation.trin_model", "--values", "0,1"], ["true or false"]),
    "a group": (["--lever", "organisation.sanctions", "--values", "2,4"], ["e.g. organisation.sanctions.k"]),
    "shares": (["--lever", "population.ag_distribution", "--values", "2,4"], ["set of shares"]),
    "run option": (["--lever", "seed", "--values", "2,4"], ["use --seed"]),
    "outside range": (["--lever", "organisation.caseworkers", "--values", "0.1,4"], ["0.1", "from 0.5 to 100000"]),
    "whole numbers": (["--lever", "organisation.mentors", "--values", "1,2.5"], ["whole numbers", "2.5"]),
    "too many": (["--lever", "organisation.mentors", "--values", ",".join(map(str, range(13)))], ["at most 12"]),
    "one value": (["--lever", "organisation.mentors", "--values", "3"], ["at least 2"]),
    "duplicate": (["--lever", "organisation.caseworkers", "--values", "8,8.0"], ["given twice"]),
    "not numbers": (["--lever", "organisation.caseworkers", "--values", "8,lots"], ["'lots' is not a number"]),
    "infinite": (["--lever", "organisation.caseworkers", "--values", "8,inf"], ["finite"]),
    "no values": (["--lever", "organisation.caseworkers"], ["needs --values"]),
    "nothing to sweep": ([], ["--caseload", "--lever"]),
    "both": (["--caseload", "25,50", "--lever", "organisation.caseworkers"], ["leave out --lever"]),
    "caseload zero": (["--caseload", "0,50"], ["above 0"]),
    "caseload too large": (["--caseload", "50,100000"], ["outside the range of organisation.caseworkers"]),
    "same people": (["--caseload", "140,150"], ["140 and 150", "same number of caseworkers in post (2"]),
    "reference elsewhere": (["--caseload", "25,50", "--reference", "75"], ["--reference 75", "not among the values"]),
    "reference text": (["--caseload", "25,50", "--reference", "most"], ["--reference 'most'"]),
    "too long": (["--caseload", "25,50,100", "--replications", "10000"], ["30,000 simulations", "at most 20,000"]),
    "drawn parameter": (["--lever", "behaviour.noshow_central", "--values", "0.1,0.2"], ["--fixed-parameters"]),
    "group switched off": (["--lever", "organisation.intensive.interval_weeks", "--values", "1,2"],
                           ["has no organisation.intensive", "switch it on"]),
    "cross-field rule": (["--lever", "organisation.min_meeting_minutes", "--values", "5,30"],
                         ["--values 30", "must not exceed meeting_minutes"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_input_one_line_exit_2_nothing_written(case, tmp_path, capsys):
    args, pieces = REFUSED[case]
    out = tmp_path / "out"
    assert main(["sweep", str(small(tmp_path)), *args, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fremskudt: error: ") and "Traceback" not in err, err
    assert all(p in err for p in pieces), err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["tiny-central-jobcentre.yaml"]


def test_a_folder_fremskudt_did_not_write_is_left_alone(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = ["sweep", str(small(tmp_path)), "--caseload", "25,50", "--out", str(out), "--quiet", "-n", "2"]
    assert main(args) == 2 and main([*args, "--force"]) == 2
    first, second = capsys.readouterr().err.splitlines()
    assert "already exists" in first and "replaces only a results folder that it wrote" in second
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"


def test_a_swept_behavioural_parameter_needs_fixed_parameters(tmp_path):
    base = load_scenario(small(tmp_path))
    lever = sweeps.find_lever("behaviour.noshow_central")
    s = sweeps.build(base, lever, [0.1, 0.2], drawn=())       # fixed parameters: nothing drawn
    assert [p.scenario.behaviour.noshow_central for p in s.points] == [0.1, 0.2]


# --------------------------------------------------------------------------------------
# The sweep's rules
# --------------------------------------------------------------------------------------

def test_caseload_sets_caseworkers_and_keeps_the_rest(tmp_path):
    base = load_scenario("central-jobcentre")
    s = sweeps.build(base, sweeps.caseload_lever(), sweeps.parse_values("300,25,225,50,100,150", sweeps.caseload_lever()))
    assert s.values == [25, 50, 100, 150, 225, 300]
    assert [p.caseworkers for p in s.points] == pytest.approx([1750 / v for v in s.values])
    assert [p.staffed for p in s.points] == [70, 35, 18, 12, 8, 6]
    for p in s.points:   # only the caseworkers differ from the scenario
        d = p.scenario.model_dump()
        d["organisation"]["caseworkers"], d["name"] = base.organisation.caseworkers, base.name
        assert d == base.model_dump()
    # 225 cases is the scenario's own (1,750 / 7.8 = 224.4, within 1 %): the reference by default
    assert s.reference == 225 and s.names[0] == "caseload-225"
    assert sweeps.build(base, sweeps.caseload_lever(), [50, 25]).reference == 50      # else the first given
    assert sweeps.build(base, sweeps.caseload_lever(), [25, 50], reference=50).reference == 50
    lever = sweeps.find_lever("organisation.meeting_interval_weeks")
    assert sweeps.build(base, lever, [4.0, 13.0, 26.0]).reference == 13                # the scenario's own


def test_common_random_numbers_across_values(tmp_path):
    """Every value runs the same seeds and draws the same posterior rows, through the runner's plan."""
    base = load_scenario(small(tmp_path))
    posterior = runner.load_posterior(runner.DEFAULT_POSTERIOR)
    s = sweeps.build(base, sweeps.caseload_lever(), [25, 50, 100])
    seeds, tasks = sweeps.plan(s, 42, 5, posterior)
    assert seeds == replication_seeds(42, 5)
    by_value = {p.name: [t for t in tasks if t.scenario_name == p.name] for p in s.points}
    first = by_value["caseload-25"]
    assert len(set(t.posterior_row for t in first)) > 1          # the rows differ between replications …
    for name, ts in by_value.items():                             # … but not between values
        assert [t.seed for t in ts] == seeds
        assert [t.posterior_row for t in ts] == [t.posterior_row for t in first]
        assert [t.parameters for t in ts] == [t.parameters for t in first]
        assert all(not t.detail for t in ts)
        assert {t.scenario["organisation"]["caseworkers"] for t in ts} == {SIZE / s.point(name).value}


def test_every_value_ran_with_the_same_seeds(caseload_dir):
    reps = pd.read_parquet(caseload_dir / "summary_replications.parquet")
    assert list(reps.columns) == ["scenario", "lever_value", "replication", "seed", "outcome", "value"]
    seeds = replication_seeds(3, 4)
    for v, sub in reps.groupby("lever_value"):
        assert sorted(sub["seed"].unique()) == sorted(seeds), v
    draws = pd.read_parquet(caseload_dir / "posterior_draws.parquet")
    rows = draws.pivot(index="seed", columns="lever_value", values="posterior_row")
    assert (rows.nunique(axis=1) == 1).all()                      # each seed drew one row at every value
    m = json.loads((caseload_dir / "manifest.json").read_text())
    assert m["kind"] == "sweep" and m["common_random_numbers"] and m["seeds"] == seeds
    assert m["sweep"]["values"] == [25, 50, 100] and m["sweep"]["reference"] == 25
    assert [p["caseworkers_staffed"] for p in m["sweep"]["points"]] == [12, 6, 3]
    assert set(m["files"]) == {"sweep.csv", "cost_effectiveness.csv", "summary_replications.parquet",
                               "posterior_draws.parquet", "sweep.svg", "report.html", "manifest.json"}
    assert m["command"].startswith("fremskudt sweep ") and "--caseload 25,100,50" in m["command"]


def test_differences_are_paired_against_the_reference(caseload_dir):
    table = pd.read_csv(caseload_dir / "sweep.csv")
    reps = pd.read_parquet(caseload_dir / "summary_replications.parquet")
    for outcome in ("meetings_per_case_year", "staff_utilisation", "net_cost"):
        wide = reps[reps["outcome"] == outcome].pivot(index="seed", columns="lever_value", values="value")
        rows = table[table["outcome"] == outcome].set_index("value")
        ref = rows.loc[25]
        assert ref["verdict"] == "reference" and ref["difference_mean"] == 0 and ref["pairs"] == 4
        for v in (50, 100):
            d = wide[v] - wide[25]
            r = rows.loc[v]
            assert r["difference_mean"] == pytest.approx(d.mean())
            assert r["difference_p5"] == pytest.approx(np.quantile(d, statistics.LOW))
            assert r["difference_p95"] == pytest.approx(np.quantile(d, statistics.HIGH))
            assert r["mean"] == pytest.approx(wide[v].mean()) and r["reference_value"] == 25
            assert r["verdict"] == statistics.verdict(r["difference_p5"], r["difference_p95"], r["same_direction"],
                                                      int(r["pairs"]))
    # fewer caseworkers cost less, and each carries more of the contact time
    cost = table[table["outcome"] == "net_cost"].set_index("value")
    assert cost.loc[100, "difference_mean"] < cost.loc[50, "difference_mean"] < 0
    used = table[table["outcome"] == "staff_utilisation"].set_index("value")["mean"]
    assert used[25] < used[50] < used[100]


def test_tables_columns(caseload_dir):
    table = pd.read_csv(caseload_dir / "sweep.csv")
    assert list(table.columns) == ["lever", "value", "reference_value", "caseworkers", "caseworkers_staffed", "outcome",
                                   "label", "unit", "mean", "p5", "p95", "replications", "difference_mean",
                                   "difference_p5", "difference_p95", "pairs", "same_direction", "verdict", "definition"]
    assert set(table["lever"]) == {"caseload"} and sorted(table["value"].unique()) == [25, 50, 100]
    assert list(table.loc[table["value"] == 25, "outcome"]) == list(statistics.DEFINITIONS)
    covered = table.dropna(subset=["mean"])
    assert len(covered) > 0.9 * len(table)
    assert (covered["p5"] <= covered["mean"] + 1e-9).all() and (covered["mean"] <= covered["p95"] + 1e-9).all()
    assert table.set_index("value")["caseworkers"].to_dict() == {25: 12.0, 50: 6.0, 100: 3.0}
    ce = pd.read_csv(caseload_dir / "cost_effectiveness.csv")
    assert list(ce.columns) == [*sweeps.CE_COLUMNS, "unit"] and list(ce["value"]) == [50, 100]


def test_cost_per_citizen_follows_the_rules_on_main(caseload_dir):
    """Defined: the ratio of the mean paired differences (net cost over citizens in a job or
    education); not defined: the reason the findings give, and no amount."""
    ce = pd.read_csv(caseload_dir / "cost_effectiveness.csv").set_index("value")
    reps = pd.read_parquet(caseload_dir / "summary_replications.parquet")
    table = pd.read_csv(caseload_dir / "sweep.csv")
    for v, row in ce.iterrows():
        ref, other = "caseload-25", f"caseload-{v:g}"
        if row["defined"]:
            ratio = statistics.paired_ratio(reps, ref, other, "net_cost", COST_EFFECT_PERSONS)
            assert row["kroner_per_citizen"] == pytest.approx(ratio[0]) and row["p5"] <= row["p95"]
        else:
            assert math.isnan(row["kroner_per_citizen"])
            effect = table[(table["outcome"] == "ever_job_or_education_52w") & (table["value"] == v)].iloc[0]
            expected = ("effect_not_detectable" if effect["verdict"] == "none" else "effect_negative"
                        if effect["difference_mean"] < 0 else row["reason"])
            assert row["reason"] == expected


def test_report_answers_first_in_both_languages(caseload_dir, tmp_path, capsys):
    html = (caseload_dir / "report.html").read_text()
    findings = html[html.index('id="key-findings"'):html.index('id="trust"')]
    assert "Going from 25 to 50 cases per caseworker (12 → 6 caseworkers) buys" in findings
    assert "90 % interval" in findings and "Cost per additional citizen in a job or education" in findings
    assert "How far to trust this" in html and "<svg" in html
    assert "<script" not in html and 'src="http' not in html and 'href="http' not in html      # self-contained
    out = tmp_path / "da"
    assert main(["sweep", str(small(tmp_path)), "--caseload", "25,50", "--out", str(out), "--quiet", "-n", "2",
                 "--lang", "da", "--fixed-parameters"]) == 0
    screen = capsys.readouterr().out
    assert "At gå fra 25 til 50 sager pr. sagsbehandler" in screen
    assert "Sagsstammer på 25, 50 sager pr. sagsbehandler giver 12, 6 sagsbehandlere" in screen
    da = (out / "report.html").read_text()
    assert "Dosis-respons" in da and "Hvor meget kan man stole på tallene" in da
    assert ";" in (out / "sweep.csv").read_text().splitlines()[0]
    assert not (out / "posterior_draws.parquet").exists()


# --------------------------------------------------------------------------------------
# The figure
# --------------------------------------------------------------------------------------

def svg_text_px(path: Path) -> tuple[list[float], float]:
    """Every text's size in CSS pixels when the SVG is shown at its natural size, and that width in px."""
    root = ET.parse(path).getroot()
    width_pt = float(root.get("width").removesuffix("pt"))
    scale = width_pt * 4 / 3 / float(root.get("viewBox").split()[2])     # user units -> px
    sizes = []
    for el in root.iter():
        if el.tag.endswith("text"):
            m = re.search(r"font(?:-size)?:\s*(?:[a-z ]*\s)?([\d.]+)px", el.get("style", ""))
            assert m, el.get("style")
            sizes.append(float(m.group(1)) * scale)
    return sizes, width_pt * 4 / 3


def test_figure_text_is_at_least_11_px(caseload_dir):
    sizes, width = svg_text_px(caseload_dir / "sweep.svg")
    assert len(sizes) > 30 and min(sizes) >= SMALL_PX, min(sizes)
    assert width <= 1100            # shown at natural size in the report's column (never scaled down)


def _synthetic_table(with_time: bool) -> pd.DataFrame:
    rows = []
    outcomes = ["ever_job_or_education_52w", "net_cost", "staff_utilisation", "meetings_per_case_year"]
    if with_time:
        outcomes += ["time_overhead_share", "time_meetings_share", "time_extra_contact_share",
                     "contact_minutes_per_case_month"]
    for v in (25, 50, 100):
        for k, o in enumerate(outcomes):
            m = 0.1 * (k + 1) + v / 1000
            rows.append({"value": float(v), "outcome": o, "mean": m, "p5": m * 0.9, "p95": m * 1.1})
    return pd.DataFrame(rows)


def test_staff_time_panel_draws_whatever_time_shares_are_present():
    cost = pd.DataFrame({"value": [50.0, 100.0], "kroner_per_citizen": [2e5, math.nan], "p5": [1e5, math.nan],
                         "p95": [3e5, math.nan], "defined": [True, False]})
    with style():
        plain = curve.fig_sweep(_synthetic_table(False), cost, "caseload", 25, None, "en")
        timed = curve.fig_sweep(_synthetic_table(True), cost, "caseload", 25, None, "en")
    titles = lambda fig: [" ".join(ax.get_title(loc="left").split()) for ax in fig.axes]   # noqa: E731
    assert not any("hours by use" in t for t in titles(plain))
    assert label("contact_minutes_per_case_month") not in titles(plain)
    stacked = next(ax for ax in timed.axes if "hours by use" in ax.get_title(loc="left"))
    labels = [t.get_text() for t in stacked.get_legend().get_texts()]
    assert len(labels) == 3 and len(stacked.collections) == 3           # one layer a use, stacked
    assert label("contact_minutes_per_case_month") in titles(timed)
    assert len(timed.axes) == len(plain.axes) + 2


# --------------------------------------------------------------------------------------
# Reproducible
# --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_one_and_two_workers_give_identical_files(tmp_path):
    path = small(tmp_path)
    outs = []
    for w in (1, 2):
        out = tmp_path / f"w{w}"
        assert main(["sweep", str(path), "--lever", "organisation.meeting_interval_weeks", "--values", "4,13",
                     "--out", str(out), "--quiet", "-n", "3", "--workers", str(w)]) == 0
        outs.append(out)
    for name in ("sweep.csv", "cost_effectiveness.csv"):
        assert (outs[0] / name).read_text() == (outs[1] / name).read_text(), name
    pd.testing.assert_frame_equal(pd.read_parquet(outs[0] / "summary_replications.parquet"),
                                  pd.read_parquet(outs[1] / "summary_replications.parquet"))
