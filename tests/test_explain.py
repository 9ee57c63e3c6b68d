"""fremskudt explain: every setting in one channel, counterfactual designs that stay valid,
a decomposition that is exact where it must be, and the report's section."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis import explain
from sim.interface.cli import main
from sim.paths import SCENARIO_DIR
from sim.spec.scenario import Scenario, load_scenario


def test_every_setting_of_a_design_belongs_to_exactly_one_channel():
    full = Scenario(organisation={"intensive": {"interval_weeks": 1}, "caseload_cap": 50})
    paths = explain.leaves(full.resolved()) | explain.leaves(Scenario().resolved())
    owned = {p: explain.owner(p) for p in paths}
    assert {p for p, c in owned.items() if c is None} >= {"name", "seed", "replications", "horizon_weeks"}
    assert all(c is not None for p, c in owned.items() if p.split(".")[0] in ("organisation", "population",
                                                                             "companies", "behaviour", "prices"))
    keys = [c.key for c in explain.CHANNELS]
    assert len(keys) == len(set(keys))
    assert all(set(c.needs) <= set(keys) for c in explain.CHANNELS)


def test_a_channel_that_needs_another_is_switched_with_it_and_every_run_is_valid():
    a, b = load_scenario("central-jobcentre"), load_scenario("copenhagen-outreach")
    plan = explain.plan(a, b)
    assert [c.key for c in plan.channels] == ["caseload", "offices", "open_advice", "mentors"]   # the same consultants
    runs = {(r.channel, r.kind): r for r in plan.runs}
    assert runs["offices", "without"].switched == ("offices", "open_advice")     # a central job centre has no open advice
    assert runs["open_advice", "alone"].switched == ("offices", "open_advice")   # open advice needs an office
    assert runs["caseload", "without"].switched == ("caseload",)
    assert all(r.scenario is not None for r in plan.runs)
    without = runs["offices", "without"].scenario.organisation
    assert (without.location, without.open_advice_days, without.caseworkers) == ("central", 0, 15.5)
    alone = runs["mentors", "alone"].scenario.organisation
    assert (alone.mentors, alone.caseworkers, alone.location) == (4, 7.8, "central")


def test_the_horizon_must_be_the_same():
    a = Scenario(name="a", horizon_weeks=52)
    with pytest.raises(Exception, match="same horizon_weeks"):
        explain.plan(a, a.model_copy(update={"name": "b", "horizon_weeks": 26}))


def _reps(values: dict[str, list[float]], outcome: str = "noshow_share") -> pd.DataFrame:
    return pd.DataFrame([{"scenario": s, "replication": i, "seed": 100 + i, "outcome": outcome, "value": v}
                         for s, vs in values.items() for i, v in enumerate(vs)])


def test_contributions_of_additive_channels_carry_the_whole_difference():
    a = Scenario(name="a", population={"size": 100})
    b = a.model_copy(update={"name": "b", "organisation": a.organisation.model_copy(
        update={"caseworkers": 30.0, "mentors": 3})})
    plan = explain.plan(a, b)
    names = {(r.channel, r.kind): r.scenario.name for r in plan.runs}
    rng = np.random.default_rng(1)
    base = rng.normal(0.10, 0.02, 12)
    cw, me = 0.03 + rng.normal(0, 0.002, 12), 0.01 + rng.normal(0, 0.002, 12)
    values = {"a": base, "b": base + cw + me, names["caseload", "without"]: base + me,
              names["mentors", "without"]: base + cw, names["caseload", "alone"]: base + cw,
              names["mentors", "alone"]: base + me}
    table = explain.decompose(plan, _reps({k: list(v) for k, v in values.items()}))
    by = table.set_index(["channel", "effect"])
    assert by.loc[("total", "total"), "difference_mean"] == pytest.approx(cw.mean() + me.mean())
    assert by.loc[("caseload", "contribution"), "difference_mean"] == pytest.approx(cw.mean())
    assert by.loc[("mentors", "alone"), "difference_mean"] == pytest.approx(me.mean())
    assert by.loc[("interaction", "interaction"), "difference_mean"] == pytest.approx(0.0, abs=1e-12)
    share = by.loc[("caseload", "contribution")]
    assert share["share"] == pytest.approx(cw.mean() / (cw.mean() + me.mean()))
    assert share["share_p5"] <= share["share"] <= share["share_p95"]
    # an interaction: mentors work only with the extra caseworkers
    values["b"] = base + cw + me + 0.02
    table = explain.decompose(plan, _reps({k: list(v) for k, v in values.items()}))
    by = table.set_index(["channel", "effect"])
    # each contribution now carries the joint 0.02, so together they count it twice: the interaction is -0.02
    assert by.loc[("caseload", "contribution"), "difference_mean"] == pytest.approx(cw.mean() + 0.02)
    assert by.loc[("interaction", "interaction"), "difference_mean"] == pytest.approx(-0.02)


@pytest.mark.timeout(300)
def test_explain_writes_the_decomposition_and_its_section(tmp_path, capsys):
    ref = tmp_path / "ref.yaml"
    ref.write_text(f"name: ref\nextends: {SCENARIO_DIR / 'central-jobcentre.yaml'}\nhorizon_weeks: 16\npopulation:\n  size: 120\n"
                   "organisation:\n  caseworkers: 1\n")
    design = tmp_path / "design.yaml"
    design.write_text("name: design\nextends: ref.yaml\norganisation:\n  caseworkers: 3\n")
    out = tmp_path / "out"
    assert main(["explain", str(ref), str(design), "--replications", "5", "--quiet", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Why design differs from ref" in printed and "need not add up" in printed
    table = pd.read_csv(out / "explain.csv")
    assert set(table["channel"]) == {"total", "caseload", "interaction"}
    by = table[table["outcome"] == "noshow_share"].set_index(["channel", "effect"])
    # one channel: B without it is A, and A with it is B, so both equal the whole difference exactly
    total = by.loc[("total", "total"), "difference_mean"]
    assert by.loc[("caseload", "contribution"), "difference_mean"] == pytest.approx(total)
    assert by.loc[("caseload", "alone"), "difference_mean"] == pytest.approx(total)
    assert by.loc[("interaction", "interaction"), "difference_mean"] == pytest.approx(0.0, abs=1e-12)
    html = (out / "report.html").read_text()
    assert "Why design differs from ref: channel by channel" in html and 'id="explain-plot"' in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "explain" and manifest["counterfactuals"][0]["channel"] == "caseload"
    assert {"explain.csv", "explain.md", "explain.svg"} <= set(manifest["files"])
    assert sorted(pd.read_parquet(out / "summary_replications.parquet")["scenario"].unique()) == ["design", "ref"]


def test_several_designs_each_get_their_own_counterfactuals():
    a = Scenario(name="a")

    def design(name, caseworkers):
        return a.model_copy(update={"name": name, "organisation": a.organisation.model_copy(
            update={"caseworkers": caseworkers, "mentors": 3})})
    plans = explain.plans([a, design("b", 20.0), design("c", 30.0)])
    extra = {sc.name: sc.organisation for sc in explain.scenarios_of(plans, ["a", "b", "c"])}
    assert (extra["b-only-caseload"].caseworkers, extra["c-only-caseload"].caseworkers) == (20.0, 30.0)
    assert (extra["b-without-mentors"].caseworkers, extra["c-without-mentors"].caseworkers) == (20.0, 30.0)
    assert extra["b-only-caseload"].mentors == 0 and extra["c-without-mentors"].mentors == 0


def test_explain_refuses_scenarios_of_different_horizons(tmp_path, capsys):
    short = tmp_path / "short.yaml"
    short.write_text(f"name: short\nextends: {SCENARIO_DIR / 'central-jobcentre.yaml'}\nhorizon_weeks: 26\n")
    assert main(["explain", "central-jobcentre", str(short), "--out", str(tmp_path / "o")]) == 2
    assert "same horizon_weeks" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_the_odd_lists_every_channel_with_what_it_needs():
    from pathlib import Path
    odd = (Path(__file__).resolve().parent.parent / "docs" / "ODD.md").read_text(encoding="utf-8")
    section = odd.split("### 2.1 Channels of a design", 1)[1].split("\n### ", 1)[0]
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[3].strip().strip("`")
            for line in section.splitlines() if line.startswith("| `")}
    assert rows == {c.key: ", ".join(c.needs) for c in explain.CHANNELS}
