"""The report: the parameters' sentence and the key findings first, then how far to trust
them, the differences chart, the budget over several years and over the run, misfit flags
(never against another programme's figures), bold only for detectable differences, plain
labels with code names, a Danish version with Danish CSV files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment import statistics
from sim.interface.cli import main
from sim.interface.i18n import label
from sim.interface.report import figures
from sim.spec.scenario import SCENARIO_DIR, Scenario

SMALL = "population:\n  size: 150\nhorizon_weeks: 52\nreplications: 5\n"


def small(tmp: Path, base: str, extra: str = "") -> Path:
    path = tmp / f"small-{base}.yaml"
    path.write_text(f"name: small-{base}\ndescription: small test copy of {base}\n"
                    f"extends: {SCENARIO_DIR / (base + '.yaml')}\n{SMALL}{extra}")
    return path


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("cmp")
    a, b = small(tmp, "central-jobcentre"), small(tmp, "copenhagen-outreach")
    out = {}
    for lang in ("en", "da"):
        out[lang] = tmp / lang
        assert main(["compare", str(a), str(b), "--out", str(out[lang]), "--quiet", "--lang", lang]) == 0
    return out


def test_report_opens_with_key_findings_then_the_chart_and_the_budget(compared):
    html = (compared["en"] / "report.html").read_text()
    order = [html.index(s) for s in ('id="parameters"', 'id="key-findings"', 'id="trust"', 'id="forest-plot"',
                                     'id="budget-years"', 'id="budget"', 'id="figures"')]
    assert order == sorted(order)
    assert "each replication drew one set from the calibrated posterior" in html
    box = html[html.index('id="key-findings"'):html.index("</section>")]
    assert "small-copenhagen-outreach against small-central-jobcentre" in box and "kr." in box
    assert "How to read the numbers" in box and box.count("90 % interval (the 5th to the 95th percentile") == 1
    assert "Cost per additional citizen in a job or education within 52 weeks:" in box
    assert html.count('<svg class="figure"') == len(figures.FIGURES) + 1     # + the differences chart
    assert "http://" not in html.replace("http://www.w3.org/", "") and "https://" not in html
    for o in ("ever_job_or_education_52w", "net_cost"):                          # label first, code name beside it
        assert label(o, "en") in html and f'<span class="code">{o}</span>' in html


def test_bold_only_where_the_interval_excludes_zero(compared):
    comp = pd.read_csv(compared["en"] / "comparison.csv").set_index("outcome")
    md = (compared["en"] / "comparison.md").read_text()
    rows = [line for line in md.splitlines() if re.search(r"\| `\w+` \|$", line)]
    assert len(rows) == len(comp)
    for line in rows:
        code = re.search(r"`(\w+)`", line).group(1)
        detectable = comp.loc[code, "verdict"] in ("likely", "clear")
        assert ("**" in line) == detectable, line
        if detectable:
            assert not comp.loc[code, "difference_p5"] <= 0 <= comp.loc[code, "difference_p95"]
    assert (comp["difference_mean"] - (comp["scenario_mean"] - comp["reference_mean"])).abs().max() < 1e-6


def test_danish_report_has_no_english_outcome_label(compared):
    html = (compared["da"] / "report.html").read_text()
    assert '<html lang="da">' in html and "Hovedresultater" in html and "kr." in html
    left = [label(o, "en") for o in statistics.DEFINITIONS if label(o, "en") in html]
    assert not left, left
    for o in statistics.DEFINITIONS:
        assert label(o, "da") in html or o not in html
    # Danish spreadsheets: ';' between fields, ',' for decimals, rounded figures
    text = (compared["da"] / "summary.csv").read_text()
    assert text.splitlines()[0].startswith("scenario;outcome;label;unit;mean;p5;p95")
    summary = pd.read_csv(compared["da"] / "summary.csv", sep=";", decimal=",").set_index("outcome")
    assert set(summary.loc["noshow_share", "label"]) == {"Udeblivelser fra obligatoriske samtaler"}
    assert all(round(x, 4) == x for x in summary.loc["noshow_share", "mean"])
    assert all(float(x).is_integer() for x in summary.loc["net_cost", "mean"])
    assert summary.loc["noshow_share", "definition"].iloc[0].startswith("Udeblivelser som andel")
    assert "Udeblivelser fra obligatoriske samtaler" in (compared["da"] / "summary.md").read_text()
    assert json.loads((compared["da"] / "manifest.json").read_text())["language"] == "da"


def test_budget_in_every_replication_and_prices_in_the_manifest(compared):
    reps = pd.read_parquet(compared["en"] / "summary_replications.parquet")
    per = reps[reps["outcome"] == "net_cost"].groupby("scenario")["value"].count()
    assert (per == 5).all() and list(reps.columns) == ["scenario", "replication", "seed", "outcome", "value"]
    m = json.loads((compared["en"] / "manifest.json").read_text())
    for rec in m["prices"].values():
        assert rec["name"] == "dk-2024" and len(rec["sha256"]) == 64 and rec["resolved"]["year"] == 2024


def test_prices_option_and_misfit_flags(tmp_path):
    path = small(tmp_path, "copenhagen-outreach",
                 'reported:\n  noshow_share: {value: 0.5, n: 1000, source: "made-up figure far from the model"}\n')
    out = tmp_path / "o"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--prices", "dk-2014"]) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["prices"]["small-copenhagen-outreach"]["name"] == "dk-2014" and "--prices dk-2014" in m["command"]
    s = pd.read_csv(out / "summary.csv").set_index("outcome")
    assert s.loc["noshow_share", "misfit"] and abs(s.loc["noshow_share", "z"]) > 2
    assert not s.loc["cancel_share", "misfit"]
    html = (out / "report.html").read_text()
    assert "more than 2 SE" in html and "evaluation figures with a known sample size lie more than 2" in html


def test_outcomes_figure_rings_the_misfits(tmp_path):
    sc = Scenario(name="x", reported={"noshow_share": {"value": 0.5, "n": 1000, "source": "test"}})
    reps = pd.DataFrame([{"scenario": "x", "replication": i, "seed": i, "outcome": "noshow_share", "value": 0.1}
                         for i in range(3)])
    summary = statistics.summary_frame(sc, reps, {})
    fig = figures.fig_outcomes(summary, ["x"], tmp_path / "o.svg", "en")
    ax = fig.axes[0]
    assert "more than 2 standard errors from the evaluation" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(t.get_text().startswith("z = ") for t in ax.texts)
    assert label("noshow_share", "en") in [t.get_text() for t in ax.get_yticklabels()]
    assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()][-1].endswith("%")     # shares in percent


def test_bad_lang_and_bad_prices_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["run", "default", "--lang", "sv"])
    assert e.value.code == 2
    assert main(["run", str(small(tmp_path, "central-jobcentre")), "--prices", "dk-1999",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "dk-1999" in err and "dk-2024" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_trust_section_reads_the_committed_validation_and_targets(compared):
    from sim.analysis.trust import VALIDATION_DIR
    html = (compared["en"] / "report.html").read_text()
    trust = html[html.index('id="trust"'):]
    trust = trust[:trust.index("</section>")]
    items = pd.read_csv(VALIDATION_DIR / "items.csv")
    targets = items[items["role"] == "target"]
    assert f"{int(targets['inside_90'].sum())} of {len(targets)} calibration targets" in trust
    assert "docs/VALIDATION.md" in trust
    for miss in items[~items["inside_90"]].itertuples():
        assert label(miss.statistic, "en") in trust
    # small copies of the Copenhagen arms are other programmes than the fitted ones: all predictions
    assert "every figure here is a prediction" in trust
    assert "No evaluation measured what" in trust and "are assumed" in trust and "leaves out" in trust


def test_comparison_writes_cost_effectiveness_and_the_budget_over_years(compared):
    ce = pd.read_csv(compared["en"] / "cost_effectiveness.csv")
    assert list(ce.columns) == ["scenario", "reference", "effect", "kroner_per_citizen", "p5", "p95", "defined", "reason"]
    row = ce.iloc[0]
    assert row["effect"] == "ever_job_or_education_52w"
    assert (row["p5"] <= row["kroner_per_citizen"] <= row["p95"]) if row["defined"] else row["reason"]
    years = pd.read_csv(compared["en"] / "budget_years.csv")
    assert set(years["payer"]) == {"public", "municipality", "state"}
    assert list(years["period"].unique()) == ["year 1", "year 2", "year 3", "total"]
    m = json.loads((compared["en"] / "manifest.json").read_text())
    assert m["parameters"] == "posterior" and m["budget_years"]["years"] == 3 and m["budget_years"]["discount_rate"] == 0.035
    html = (compared["en"] / "report.html").read_text()
    assert "Public budget over several years" in html and "Finansministeriet" in html and "§ 5, stk. 2" in html


def test_fixed_parameters_are_stated_and_exclude_a_posterior(tmp_path, capsys):
    path = small(tmp_path, "central-jobcentre")
    out = tmp_path / "o"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--fixed-parameters", "-n", "2"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Behavioural parameters: fixed at the posterior medians")
    assert "fixed at the posterior medians" in (out / "report.html").read_text()
    assert "fixed at the posterior medians" in (out / "summary.md").read_text()
    m = json.loads((out / "manifest.json").read_text())
    assert m["parameters"] == "fixed" and m["posterior"] is None and "--fixed-parameters" in m["command"]
    assert not (out / "posterior_draws.parquet").exists()
    assert main(["run", str(path), "--fixed-parameters", "--posterior", "calibration/fitted/default",
                 "--out", str(tmp_path / "p")]) == 2
    assert "exclude each other" in capsys.readouterr().err


def test_figures_of_another_programme_are_shown_but_never_scored(tmp_path):
    out = tmp_path / "o"
    assert main(["run", "small-caseload", "--out", str(out), "--quiet", "-n", "2", "--fixed-parameters"]) == 0
    s = pd.read_csv(out / "summary.csv").set_index("outcome")
    # small-caseload inherits central-jobcentre's reported figures, but has five times its caseworkers
    assert s.loc["noshow_share", "reported"] == 0.14 and s.loc["noshow_share", "reported_from"] == "central-jobcentre"
    assert s["z"].isna().all() and not s["misfit"].any()
    assert "another programme: shown for reference, not compared" in (out / "report.html").read_text()
