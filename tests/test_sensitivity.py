"""Sensitivity analysis on a tiny setting."""

from __future__ import annotations

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
    assert f[0].low == pytest.approx(SC.organisation.caseworkers * 0.5) and not f[0].integer
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
