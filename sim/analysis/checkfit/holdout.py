"""Leave one programme out: calibrate on the targets of one programme only, then predict
every figure of the others from that posterior.

A parameter the fitted programme says nothing about keeps its prior in that posterior, so
its uncertainty reaches the prediction: the interval says what the fitted evidence alone
allows.  Each fold is an ordinary calibration (history ``calibration/runs/holdout-KEY.db``,
fitted folder ``calibration/fitted/holdout-KEY/``), so an interrupted check resumes where it
stopped, and the committed fitted folder lets it continue where the history is not at hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from sim.analysis.calibration import FITTED_DIR, PRIORS_DEFAULT, RUNS_DIR, TARGETS_DEFAULT, Target, run_calibration

#: the folds: fit the Copenhagen arms alone, and the jobgaranti pool alone
FOLDS = ("copenhagen-outreach-2015", "jobgaranti-midway-2019")


@dataclass
class FoldSettings:
    particles: int = 300
    seeds: int = 4
    generations: int = 8
    workers: int = 2
    force: bool = False
    runs_dir: Path = RUNS_DIR
    fitted_dir: Path = FITTED_DIR
    targets_path: Path = TARGETS_DEFAULT
    priors_path: Path = PRIORS_DEFAULT


def fold_name(programme: str) -> str:
    return f"holdout-{programme}"


def fit_fold(programme: str, s: FoldSettings, progress: bool = True) -> tuple[pd.DataFrame, dict]:
    """Calibrate on ``programme``'s targets only (or continue its stored calibration);
    returns (posterior, the run's record)."""
    name = fold_name(programme)
    stored = (Path(s.runs_dir) / f"{name}.db").exists() or (Path(s.fitted_dir) / name / "run.json").is_file()
    resume = stored and not s.force
    res = run_calibration(name, targets_path=s.targets_path, priors_path=s.priors_path,
                          generations=s.generations, particles=None if resume else s.particles,
                          seeds=None if resume else s.seeds, workers=s.workers, resume=resume, force=s.force,
                          runs_dir=s.runs_dir, fitted_dir=s.fitted_dir, programmes=[programme], progress=progress)
    return res.posterior, res.meta


def held_out(items: Sequence[Target], programme: str) -> list[Target]:
    """The items a fold on ``programme`` predicts: those of every other programme."""
    return [i for i in items if i.programme != programme]
