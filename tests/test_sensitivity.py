"""Sensitivity analysis on a tiny setting."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.errors import UsageError
from sim.interface.cli import main
from sim.spec.scenario import Scenario
from sim.analysis.sensitivity import parse_factors, run_sensitivity

SC = Scenario(population={"size": 120}, horizon_weeks=16)


@pytest.mark.parametrize("method,n", [("morris", 6), ("sobol", 16)])
def test_dominant_parameter_ranks_first(tmp_path, method, n):
    factors = parse_factors(SC, ["noshow_central=0.05:0.3", "improve_spontaneous", "dropin_minutes"],
                            ["organisation.meeting_minutes"])
    table = run_sensitivity(SC, outcomes=["noshow_share_central", "cancel_share_central"], factors=factors,
                            method=method, n=n, workers=1, out_dir=tmp_path / "s")
    for o in ("noshow_share_central", "cancel_share_central"):
        t = table[table["outcome"] == o]
        assert set(t["factor"]) == {"noshow_central", "improve_spontaneous", "dropin_minutes",
                                    "organisation.meeting_minutes"}
        assert t[["mu_star" if method == "morris" else "ST"]].notna().all().all()
    noshow = table[table["outcome"] == "noshow_share_central"]
    assert noshow.iloc[0]["factor"] == "noshow_central"
    assert noshow.iloc[0]["rank"] == 1
    for f in ("indices.csv", "indices.md", "samples.csv", "sensitivity_noshow_share_central.png"):
        assert (tmp_path / "s" / f).exists()


def test_default_lever_ranges_and_errors():
    f = parse_factors(SC, [], ["organisation.caseworkers", "organisation.meeting_interval_weeks"])
    # staff are whole people of the full-size scenario: 15.5 posts x0.5 to x2 -> 8 to 31 people
    assert (f[0].low, f[0].high, f[0].integer) == (8.0, 31.0, True) and f[0].range_text == "8–31 people"
    assert f[1].integer
    with pytest.raises(UsageError, match="did you mean 'noshow_central'"):
        parse_factors(SC, ["noshow_centre"], [])
    with pytest.raises(UsageError, match="not a numeric organisation lever"):
        parse_factors(SC, [], ["organisation.location"])
    with pytest.raises(UsageError, match="invalid scenario"):  # central scenario cannot have estate days
        parse_factors(SC, [], ["organisation.days_in_estate"])


def test_cli_unknown_outcome_exit_2(capsys):
    code = main(["sensitivity", "--scenario", "central-jobcentre.yaml", "--outcomes", "nope",
                 "--parameters", "noshow_central", "--population", "50", "--n", "2"])
    assert code == 2
    assert "unknown outcome 'nope'" in capsys.readouterr().err


def test_staff_levers_are_set_in_whole_people_before_the_population_is_scaled():
    from sim.analysis.sensitivity import apply
    from sim.spec.scale import scale_to
    (f,) = parse_factors(SC, [], ["organisation.caseworkers"])
    full, _ = apply(SC, [f], [12.4])
    assert full.organisation.caseworkers == 12.0
    small = scale_to(full, 60)           # half the 120 citizens: six whole caseworkers, capacity per citizen kept
    assert small.organisation.caseworkers == 6.0


REF = Scenario(population={"size": 150}, horizon_weeks=20)
STRICT = REF.model_copy(update={"name": "strict", "organisation": REF.organisation.model_copy(
    update={"sanctions": REF.organisation.sanctions.model_copy(update={"policy": "strict", "announced": True})})})


def test_a_difference_is_decided_by_the_parameter_that_acts_on_one_side_only(tmp_path):
    """Paired by seed: the sanction threat acts only in the strict design, so it decides the
    difference in no-shows; open-advice time acts in neither (no open advice), so under common
    random numbers it moves nothing at all."""
    factors = parse_factors(REF, ["sanction_threat_effect=0:2", "dropin_minutes"], [])
    table = run_sensitivity([STRICT], reference=REF.model_copy(update={"name": "ref"}), outcomes=["noshow_share"],
                            factors=factors, n=4, replications=3, workers=1, out_dir=tmp_path / "d")
    by = table.set_index("factor")
    assert by.loc["sanction_threat_effect", "rank"] == 1
    assert by.loc["sanction_threat_effect", "mu_star"] > by.loc["sanction_threat_effect", "seed_floor"] > 0
    assert by.loc["dropin_minutes", "mu_star"] == 0 and by.loc["dropin_minutes", "seed_floor"] == 0
    assert (table["reference"] == "ref").all() and (table["scenario"] == "strict").all()
    assert table["response_mean"].iloc[0] < 0          # the threat lowers no-shows
    assert "seed floor" in (tmp_path / "d" / "indices.md").read_text()


def test_seed_noise_needs_two_replications_and_levers_cannot_be_differenced(tmp_path):
    factors = parse_factors(SC, ["noshow_central"], [])
    one = run_sensitivity(SC, outcomes=["noshow_share"], factors=factors, n=2, replications=1, workers=1)
    assert one["seed_sd"].isna().all() and one["seed_floor"].isna().all()
    two = run_sensitivity(SC, outcomes=["noshow_share"], factors=factors, n=2, replications=2, workers=1)
    assert (two["seed_sd"] >= 0).all() and (two["seed_floor"] > 0).all()
    with pytest.raises(UsageError, match="cannot be combined with --reference"):
        run_sensitivity([STRICT], reference=REF, outcomes=["noshow_share"],
                        factors=parse_factors(REF, [], ["organisation.meeting_minutes"]), n=2)


def test_posterior_ranges_come_from_the_committed_fit():
    from sim.analysis.sensitivity import posterior_ranges
    from sim.paths import CALIBRATION_DIR
    fit = posterior_ranges(CALIBRATION_DIR / "fitted" / "default")
    (f,) = parse_factors(SC, ["match_probability"], [], ranges="posterior", fit=fit)
    assert (f.low, f.high) == (pytest.approx(fit.loc["match_probability", "post_q05"]),
                               pytest.approx(fit.loc["match_probability", "post_q95"]))
    with pytest.raises(UsageError, match="was not fitted"):
        parse_factors(SC, ["dropin_minutes"], [], ranges="posterior", fit=fit)


def test_the_design_gives_the_same_indices_on_one_process_and_on_two():
    factors = parse_factors(SC, ["noshow_central"], [])
    kw = dict(outcomes=["noshow_share"], factors=factors, n=2, replications=2)
    one = run_sensitivity(SC, workers=1, **kw)
    two = run_sensitivity(SC, workers=2, **kw)
    pd.testing.assert_frame_equal(one, two)
