"""The report: key findings first, the differences chart, the budget, misfit flags, bold only
for detectable differences, plain labels with code names, and a Danish version."""

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
    order = [html.index(s) for s in ('id="key-findings"', 'id="forest-plot"', 'id="budget"', 'id="figures"')]
    assert order == sorted(order)
    box = html[html.index('id="key-findings"'):html.index("</section>")]
    assert "small-copenhagen-outreach against small-central-jobcentre" in box and "kr." in box
    assert "How to read the numbers" in box and box.count("90 % interval (the 5th to the 95th percentile") == 1
    assert html.count("data:image/png;base64,") == len(figures.FIGURES) + 1     # + the differences chart
    assert "http://" not in html and "https://" not in html
    for o in ("ever_self_sufficient_52w", "net_cost"):                          # label first, code name beside it
        assert label(o, "en") in html and f'<td class="code">{o}</td>' in html


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
    summary = pd.read_csv(compared["da"] / "summary.csv").set_index("outcome")
    assert set(summary.loc["noshow_share", "label"]) == {"Udeblivelser fra obligatoriske samtaler"}
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
    fig = figures.fig_outcomes(summary, ["x"], tmp_path / "o.png", "en")
    ax = fig.axes[0]
    assert "more than 2 standard errors from the evaluation" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.get_text().startswith("z = ") for t in ax.texts)
    assert label("noshow_share", "en") in [t.get_text() for t in ax.get_yticklabels()]


def test_bad_lang_and_bad_prices_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["run", "default", "--lang", "sv"])
    assert e.value.code == 2
    assert main(["run", str(small(tmp_path, "central-jobcentre")), "--prices", "dk-1999",
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "dk-1999" in err and "dk-2024" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
