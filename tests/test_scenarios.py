"""Every shipped scenario validates, cites its evidence, and broken files fail cleanly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.interface.cli import main
from sim.experiment.outcomes import DEFINITIONS
from sim.spec.scenario import SCENARIO_DIR, ScenarioError, load_scenario

SHIPPED = sorted(SCENARIO_DIR.glob("*.yaml"))
EXPECTED = {"default", "central-jobcentre", "copenhagen-outreach", "jobgaranti-outreach", "small-caseload",
            "weekly-meetings", "no-open-advice", "strict-sanctions", "ordinary-hours-first"}
PUBLICATIONS = ("copenhagen-outreach-2015", "jobgaranti-midway-2019", "alle-i-gang-2009", "activation-practice-2012",
                "outreach-knowledge-sheet-2022")


def test_expected_scenarios_are_shipped():
    assert EXPECTED <= {p.stem for p in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_validates(path: Path):
    sc = load_scenario(path)
    assert sc.name == path.stem
    assert sc.description and "\n" not in sc.description
    for outcome, rep in sc.reported.items():
        assert outcome in DEFINITIONS, f"{path.name}: reported outcome {outcome} has no definition"
        assert rep.source
    text = path.read_text(encoding="utf-8")
    header = text.split("\n\n")[0] if text.startswith("#") else ""
    assert header.startswith("#"), f"{path.name} must open with a comment citing its evidence"
    assert any(d in text for d in PUBLICATIONS), f"{path.name} cites no publication"
    assert re.search(r"(Table|Figure|Bilag|Box|chapter|part on|section|programme description|effect analysis)",
                     header), f"{path.name} cites no table, figure or section"
    for outcome, rep in sc.reported.items():
        key = rep.source.split(",")[0]
        assert key in PUBLICATIONS and rep.source != key, f"{path.name}: {outcome} cites {rep.source!r}"
    assert not re.search(r"\bL\d{2,4}\b", text), f"{path.name} cites source lines"


def test_default_is_copenhagen_outreach_for_a_year_with_20_replications():
    d, c = load_scenario("default"), load_scenario("copenhagen-outreach")
    assert (d.horizon_weeks, d.replications) == (52, 20)
    assert d.organisation == c.organisation and d.population == c.population
    assert d.population.size == 1750 and d.organisation.caseworkers == 15.5


def test_central_caseload_is_about_twice_the_outreach_caseload():
    c, o = load_scenario("central-jobcentre"), load_scenario("copenhagen-outreach")
    central = c.population.size / c.organisation.caseworkers
    outreach = o.population.size / o.organisation.caseworkers
    assert 215 <= central <= 235 and 105 <= outreach <= 120
    assert c.organisation.location == "central" and o.organisation.location == "split"
    assert c.reported["noshow_share"].value == 0.14 and o.reported["noshow_share"].value == 0.07


def test_variants_state_only_what_differs():
    for name in ("small-caseload", "weekly-meetings", "no-open-advice", "strict-sanctions", "ordinary-hours-first"):
        assert "extends:" in (SCENARIO_DIR / f"{name}.yaml").read_text()
    assert load_scenario("small-caseload").population.size / load_scenario("small-caseload").organisation.caseworkers < 50
    wm = load_scenario("weekly-meetings").organisation.intensive
    assert wm is not None and (wm.interval_weeks, wm.duration_weeks) == (1, 26)
    assert load_scenario("no-open-advice").organisation.open_advice_days == 0
    assert load_scenario("strict-sanctions").organisation.sanctions.policy == "strict"
    o = load_scenario("ordinary-hours-first").organisation
    assert o.consultant_stance == "demand_hours" and o.drop_refusing_companies


def test_the_jobgaranti_efforts_enrol_only_their_own_residents_and_a_thin_one_reaches_fewer():
    """organisation.offices: each municipality's effort enrols and hands over only its own
    area's citizens, so the effort with one case holder for the most referred citizens
    (Fredericia, 1 for 150) enrols the smallest share, as Bilag 1 reports (27 %), and
    the efforts with room for all (Roskilde, Hoeje Taastrup) enrol nearly everyone."""
    import numpy as np

    from sim.experiment.simulate import run_model

    sc = load_scenario("jobgaranti-by-municipality")
    names = [o.name for o in sc.organisation.offices]
    shares = []
    for seed in (1, 2, 3):
        m = run_model(sc, seed=seed)
        P, cw = m.pop, m.cw
        in_load = P.caseworker >= 0
        assert in_load.sum() > 300
        assert (cw.office[P.caseworker[in_load]] == P.area[in_load]).all()
        residents = np.bincount(P.area, minlength=len(names)) / len(P)
        assert residents[names.index("Fredericia")] > residents[names.index("Kolding")]
        shares.append([(P.enrolled_week[P.area == o] >= 0).mean() for o in range(len(names))])
    share = dict(zip(names, np.mean(shares, axis=0)))
    assert share["Fredericia"] == min(share.values()) and share["Fredericia"] < 0.8
    assert share["Roskilde"] > 0.95 and share["Hoeje Taastrup"] > 0.95


@pytest.mark.parametrize("offices, message", [
    ([{"caseworkers": 3, "residents": 1}], "offices lists 1 offices but outreach_offices is 5"),
    ([{"caseworkers": 1, "residents": 1} for _ in range(5)], "the offices' caseworkers sum to 5 but caseworkers puts 7 in post"),
    ([{"caseworkers": 3, "residents": 0}] + [{"caseworkers": 1, "residents": 1} for _ in range(4)], "residents"),
])
def test_offices_that_do_not_add_up_are_refused_in_one_line(offices, message, tmp_path, capsys):
    import yaml

    path = tmp_path / "offices.yaml"
    path.write_text(yaml.safe_dump({"extends": str(SCENARIO_DIR / "jobgaranti-by-municipality.yaml"),
                                    "organisation": {"offices": offices}}))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_jobgaranti_scenario():
    j = load_scenario("jobgaranti-outreach")
    assert j.population.size == 586 and j.horizon_weeks == 60
    assert j.organisation.trin_model and j.organisation.team_structure == "team"
    assert j.organisation.housing.placements == 15
    assert j.reported["active_effort_share"].n == 586 and j.reported["share_ordinary_hours"].n == 431


def test_validate_accepts_all_shipped(capsys):
    assert main(["validate", *map(str, SHIPPED)]) == 0
    assert capsys.readouterr().out.count("ok:") == len(SHIPPED)


def test_validate_accepts_bare_names(capsys):
    assert main(["validate", "default", "central-jobcentre"]) == 0


def test_list_shows_every_scenario_with_description(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for p in SHIPPED:
        sc = load_scenario(p)
        assert re.search(rf"^{re.escape(p.stem)}\s+{re.escape(sc.description)}$", out, re.M)


# --------------------------------------------------------------------------------------
# Broken files: one specific message naming the file, key and value; exit 2
# --------------------------------------------------------------------------------------

BROKEN = {
    "unknown_key": ("organisation:\n  casworkers: 3\n", ["organisation.casworkers", "did you mean 'caseworkers'", "3"]),
    "out_of_range": ("organisation:\n  caseworkers: -1\n", ["organisation.caseworkers", "-1", ">= 0.5"]),
    "wrong_type": ("horizon_weeks: many\n", ["horizon_weeks", "'many'", "whole number"]),
    "bad_yaml": ("organisation: {caseworkers: 3\nseed: 1\n", ["YAML syntax error at line 2", "valid YAML"]),
    "missing_extends": ("extends: nothere.yaml\n", ["extends", "'nothere.yaml'", "no such scenario file"]),
    "python_tag": ("seed: !!python/object/apply:os.system ['touch {marker}']\n",
                   ["valid YAML", "python/object/apply:os.system"]),
}


def _write_broken(tmp_path: Path, case: str) -> tuple[Path, list[str], Path]:
    marker = tmp_path / "code-was-run"
    text, expected = BROKEN[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text.replace("{marker}", str(marker)))
    return path, expected, marker


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_gives_one_clear_message(case, tmp_path, capsys):
    path, expected, marker = _write_broken(tmp_path, case)
    with pytest.raises(ScenarioError):
        load_scenario(path)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fremskudt: error: ")
    assert path.name in err
    for piece in expected:
        assert piece in err, (piece, err)
    assert "Traceback" not in err
    assert not marker.exists()


def test_extends_cycle(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    assert main(["validate", str(tmp_path / "a.yaml")]) == 2
    err = capsys.readouterr().err
    assert "a.yaml" in err and "extends" in err and "cycle" in err and "Traceback" not in err


def test_validate_reports_every_bad_file_and_still_checks_good_ones(tmp_path, capsys):
    bad1, _, _ = _write_broken(tmp_path, "unknown_key")
    bad2, _, _ = _write_broken(tmp_path, "wrong_type")
    assert main(["validate", str(bad1), "default", str(bad2)]) == 2
    cap = capsys.readouterr()
    assert bad1.name in cap.err and bad2.name in cap.err
    assert "ok: default" in cap.out
