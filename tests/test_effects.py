"""What decides the size of an effect: the rules of the sentence (sim/analysis/effects.py),
the studies file, and the page written by `fremskudt sensitivity --reference --docs`."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis import effects
from sim.analysis.calibration import load_priors
from sim.interface.cli import main

STUDIES = effects.load_studies()


def rows(*entries, conf: float = 0.001) -> pd.DataFrame:
    return pd.DataFrame([{"factor": f, "mu_star": m, "mu_star_conf": conf, "seed_floor": floor, "sd_ratio": ratio,
                          "verdict": verdict} for f, m, floor, ratio, verdict in entries])


def test_every_calibrated_parameter_has_a_study_that_would_measure_it():
    assert {p.name for p in load_priors()} <= set(STUDIES)
    assert all(s.measure and s.design for s in STUDIES.values())


def test_one_parameter_well_ahead_decides_mostly_and_an_open_one_names_its_study():
    text = effects.sentence(rows(("dropin_solve_poor", 0.02, 0.002, 1.03, "not identified (prior ≈ posterior)"),
                                 ("match_probability", 0.005, 0.002, 0.14, "identified")), "mu_star", STUDIES)
    assert text.startswith("The size of this effect depends mostly on `dropin_solve_poor`, which no evaluation pins "
                           "down (posterior sd 1.03 of its prior sd)")
    assert STUDIES["dropin_solve_poor"].measure in text and "match_probability" not in text


def test_two_close_parameters_are_named_together_and_an_identified_one_needs_no_study():
    text = effects.sentence(rows(("match_probability", 0.010, 0.002, 0.14, "identified"),
                                 ("restgroup_annual", 0.008, 0.002, 0.45, "identified"),
                                 ("rating_misread", 0.001, 0.002, 1.0, "not identified (prior ≈ posterior)")),
                            "mu_star", STUDIES)
    assert text.startswith("The size of this effect depends mostly on `match_probability` and `restgroup_annual`. "
                           "`match_probability`: the evaluations pin it down (posterior sd 0.14")
    assert "`restgroup_annual`: the evaluations pin it down (posterior sd 0.45" in text
    assert "study" not in text and "rating_misread" not in text


def test_nothing_above_the_seed_floor_is_said_plainly():
    text = effects.sentence(rows(("match_probability", 0.002, 0.003, 0.14, "identified")), "mu_star", STUDIES)
    assert text.startswith("No uncertain parameter moves this effect clearly beyond seed noise")
    # above the floor, but not by more than its own uncertainty, is not clearly above it
    barely = rows(("match_probability", 0.0035, 0.003, 0.14, "identified"))
    assert effects.sentence(barely, "mu_star", STUDIES).startswith("No uncertain parameter")
    clearly = rows(("match_probability", 0.0035, 0.003, 0.14, "identified"), conf=0.0002)
    assert effects.sentence(clearly, "mu_star", STUDIES).startswith("The size of this effect depends mostly on")


def test_the_page_is_written_and_only_replaces_its_own_file(tmp_path, capsys):
    doc = tmp_path / "EFFECTS.md"
    doc.write_text("# my notes\n")
    argv = ["sensitivity", "--reference", "central-jobcentre", "--scenario", "small-caseload",
            "--parameters", "match_probability,restgroup_annual", "--outcomes", "ever_company_activation_52w",
            "--population", "120", "--n", "2", "--replications", "2", "--workers", "1", "--out", str(tmp_path / "s"),
            "--docs", str(doc)]
    assert main(argv) == 2 and "was not written by fremskudt sensitivity" in capsys.readouterr().err
    assert doc.read_text() == "# my notes\n" and not (tmp_path / "s").exists()
    doc.unlink()
    assert main(argv) == 0
    text = doc.read_text()
    assert text.startswith(effects.MARKER) and "## small-caseload minus central-jobcentre" in text
    assert "The size of this effect" in text or "No uncertain parameter" in text
    assert "90 % posterior interval" in text
    argv[argv.index("--out") + 1] = str(tmp_path / "t")
    assert main(argv) == 0                      # its own page is replaced


@pytest.mark.parametrize("argv, message", [
    (["--docs", "x.md"], "needs --reference"),
    (["--scenario", "small-caseload,copenhagen-outreach"], "several with --reference"),
])
def test_bad_combinations_exit_2(argv, message, capsys, tmp_path):
    assert main(["sensitivity", *argv, "--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
