"""Scaling a scenario down keeps the staff's capacity per citizen exactly (whole people,
fractional capacity in their hours), and a design comparison agrees across scales within
Monte-Carlo error (the full check at 0.2 against full size: python -m benchmarks.scale)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sim.paths import SCENARIO_DIR
from sim.spec.scale import scale_scenario, scale_to
from sim.spec.scenario import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the benchmarks package lives at the repo root

from benchmarks import scale as check  # noqa: E402

NAMES = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def hours_per_citizen(sc) -> float:
    """Caseworker hours a week per citizen, with the staff the model employs: every part of
    the week (overhead, case administration, meetings, the time left) follows from it."""
    o = sc.organisation
    return max(1, round(o.caseworkers)) * o.caseworker_hours_per_week / sc.population.size


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("k", [0.05, 0.1, 0.2, 0.5])
def test_capacity_per_citizen_is_kept(name, k):
    full = load_scenario(name)
    if full.organisation.offices is not None:
        with pytest.raises(ValueError, match="separate efforts .* run it at full size"):
            scale_scenario(full, k)
        return
    small = scale_scenario(full, k)
    assert small.population.size == round(full.population.size * k)
    assert hours_per_citizen(small) == pytest.approx(hours_per_citizen(full), rel=0.5 / small.population.size + 1e-9)
    assert float(small.organisation.caseworkers).is_integer()
    fo, so = full.organisation, small.organisation
    if fo.mentors:
        assert so.mentors * so.mentor_caseload == pytest.approx(fo.mentors * fo.mentor_caseload * k, abs=so.mentors)
        assert so.mentors * so.mentor_hours_per_week == pytest.approx(fo.mentors * fo.mentor_hours_per_week * k, rel=1e-9)
    if fo.company_consultants:
        assert so.company_consultants * so.consultant_hours_per_week == pytest.approx(
            fo.company_consultants * fo.consultant_hours_per_week * k, rel=1e-9)
    assert small.reported == full.reported and small.behaviour == full.behaviour


def test_full_size_is_the_scenario_and_bad_scales_are_refused():
    sc = load_scenario("central-jobcentre")
    assert scale_scenario(sc, 1.0) is sc and scale_to(sc, None) is sc and scale_to(sc, 10_000) is sc
    assert scale_to(sc, 175).population.size == 175
    for bad in (0, -0.1, 1.5):
        with pytest.raises(ValueError, match="scale must be above 0 and at most 1"):
            scale_scenario(sc, bad)
    with pytest.raises(ValueError, match="use a larger scale"):
        scale_scenario(sc, 0.001)


def test_rounding_staff_changes_capacity_keeping_it_does_not():
    """What went wrong before: central-jobcentre at 0.1 staffs 0.78 caseworkers as one."""
    sc = load_scenario("central-jobcentre")
    rounded = check.rounded(sc, 0.1)
    assert hours_per_citizen(rounded) / hours_per_citizen(sc) > 1.2
    assert hours_per_citizen(scale_scenario(sc, 0.1)) == pytest.approx(hours_per_citizen(sc), rel=0.01)


@pytest.mark.timeout(300)
def test_a_design_comparison_agrees_across_cheap_scales():
    table = check.check(scales=(0.1, 0.2), replications=16)
    assert set(table["outcome"]) >= {"ever_self_sufficient_52w", "ever_company_activation_52w", "noshow_share"}
    assert table["agrees"].all(), table.to_string()
    assert (table["se_a"] > 0).any() and (table["se_b"] > 0).any()


def test_a_population_the_staff_cannot_be_scaled_to_is_refused_in_one_line(tmp_path, capsys):
    """--population below a scenario with separate offices: one line, exit 2, nothing written."""
    from sim.interface.cli import main

    out = tmp_path / "sens"
    assert main(["sensitivity", "--scenario", "jobgaranti-by-municipality", "--population", "100", "--n", "2",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "separate efforts" in err and "run it at full size" in err
    assert not out.exists()
