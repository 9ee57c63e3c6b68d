"""The committed fit's report, its notes and the README quote the same figures, and the
report's audit (generations, pairwise posterior, movement of the medians, verdict on
convergence) is drawn from the folder's own files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.calibration import audit, load_priors

ROOT = Path(__file__).resolve().parent.parent
FIT = ROOT / "calibration" / "fitted" / "default"
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())     # lines joined
NOTES = (FIT / "notes.md").read_text(encoding="utf-8")
REPORT = (FIT / "report.md").read_text(encoding="utf-8")
#: how the notes write a count: in words below ten, in figures from ten on
WORDS = {**dict(enumerate(("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"))),
         **{k: str(k) for k in range(10, 100)}}


def minus(x: float, nd: int) -> str:
    return f"{x:.{nd}f}".replace("-", "−")


def test_the_report_carries_the_notes_as_they_are():
    """report.md is drawn again whenever notes.md changes (fremskudt calibrate --redraw)."""
    assert REPORT.rstrip().endswith(NOTES.strip())


def test_report_notes_and_readme_quote_the_same_figures():
    gens = pd.read_csv(FIT / "generations.csv")
    fit = pd.read_csv(FIT / "fit.csv", dtype={"reported": str})
    par = pd.read_csv(FIT / "parameters.csv")
    n = len(gens)
    assert f"Generations: {n};" in REPORT and f"{n} generations" in README and f"({n} generations)" in NOTES
    evaluations = int(gens["samples"].sum())
    assert f"**{evaluations}** in the generations" in REPORT and f"{evaluations:,} evaluations" in README
    hours = gens["seconds"].sum() / 3600
    assert f"{hours:.1f} hours" in README and f"{hours:.1f} hours" in NOTES
    initial = float(json.loads((FIT / "run.json").read_text(encoding="utf-8")).get("initial_seconds", 0.0))
    assert f"**{(gens['seconds'].sum() + initial) / 60:.1f} min**" in REPORT     # with the prior sample
    eps = float(gens["epsilon"].iloc[-1])
    assert f"final epsilon (sum of squared z): {eps:.1f}" in REPORT
    assert f"{eps:.0f} at the end" in README and f", {eps:.0f}. It was stopped" in NOTES
    ess = gens["ess"].min()
    assert f"never fell below {ess:.0f} of" in README and f"between {ess:.0f} and" in NOTES
    identified = int((par["sd_ratio"] < 0.5).sum())
    partly = int(((par["sd_ratio"] >= 0.5) & (par["sd_ratio"] < 0.8)).sum())
    open_ = int((par["sd_ratio"] >= 0.8).sum())
    assert f"{WORDS[identified].capitalize()} parameters are identified and {WORDS[partly]} partly" in NOTES
    assert f"The other {open_} have a posterior sd above 0.8" in NOTES
    assert f"leaves {open_} of {len(par)} parameters about as open as their priors" in README
    inside, consistent = int(fit["inside_90"].sum()), int(fit["consistent"].sum())
    assert f"**{inside} of {len(fit)}** reported values lie inside" in REPORT
    assert f"{inside} of {len(fit)} targets lie inside their 90 % posterior-predictive interval, and " \
           f"{consistent} of {len(fit)} within 2 sd" in NOTES
    for r in fit[~fit["consistent"]].itertuples():       # every miss, with the table's figures
        assert f"({r.id}): {r.reported} reported, {r.median:.{3 if r.median < 0.5 else 2}f} simulated, " \
               f"z {minus(r.z_median, 1)}" in NOTES, r.id


def test_the_fresh_seed_scores_agree():
    row = next(line for line in NOTES.splitlines() if line.startswith("| weighted single draws from this posterior"))
    draws = int(row.split("|")[2].split()[0])
    medians = int(next(line for line in NOTES.splitlines()
                       if line.startswith("| this posterior's medians")).split("|")[2].split()[0])
    assert f"{medians} for the posterior medians" in README and f"{draws} for single weighted draws" in README


def test_the_convergence_verdict_is_the_notes_and_the_readmes():
    verdict = next(line for line in REPORT.splitlines() if line.startswith("**Convergence: "))
    if "Not converged" in verdict:
        assert "**The run is not converged.**" in NOTES and "so it is not converged" in README


def test_the_audit_is_drawn_from_the_stored_populations():
    pops = pd.read_parquet(FIT / "populations.parquet")
    gens = pd.read_csv(FIT / "generations.csv").set_index("t")
    for t, g in pops.groupby("t"):          # each stored generation is the one the record describes
        assert 1 / (g["weight"] ** 2).sum() == pytest.approx(gens.loc[t, "ess"], rel=1e-6)
    assert (FIT / "generations.png").is_file() and (FIT / "pairs.png").is_file()
    assert "![generations](generations.png)" in REPORT and "![pairs](pairs.png)" in REPORT
    files = json.loads((FIT / "manifest.json").read_text())["files"]
    assert {"populations.parquet", "generations.png", "pairs.png"} <= set(files)


def _gens(*eps):
    return pd.DataFrame({"t": range(len(eps)), "epsilon": eps})


def test_the_convergence_verdict_follows_its_rules():
    assert audit.convergence(_gens(100.0, 23.0), 24.0).startswith("Converged by the stopping rule")
    far = audit.convergence(_gens(100.0, 99.0), 24.0)
    assert far.startswith("Not converged: epsilon 99.0 is 4.1 times its stopping value 24")
    falling = audit.convergence(_gens(40.0, 30.0), 24.0)
    assert falling.startswith("Not converged") and "fell by 25 %" in falling
    moving = pd.DataFrame({"parameter": ["a"], "moved_span": [0.8]})
    moving.attrs["generations"] = [3, 5]
    assert audit.convergence(_gens(31.0, 30.0), 24.0, moving).startswith("Not converged")
    settled = moving.assign(moved_span=[0.1])
    settled.attrs["generations"] = [3, 5]
    assert audit.convergence(_gens(31.0, 30.0), 24.0, settled).startswith("Levelled off above its stopping value")


def test_the_movement_of_a_median_is_measured_in_posterior_sd():
    priors = [p for p in load_priors() if p.name == "match_probability"]
    pops = pd.DataFrame({"t": [0] * 3 + [1] * 3, "match_probability": [0.1, 0.2, 0.3, 0.2, 0.3, 0.4],
                         "weight": [1 / 3] * 6})
    m = audit.median_movement(pops, priors).iloc[0]
    sd = math.sqrt(2 / 3) * 0.1
    assert m["moved_last"] == pytest.approx(0.1 / sd) and m["post_sd"] == pytest.approx(sd)
