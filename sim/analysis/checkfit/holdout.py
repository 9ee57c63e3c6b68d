"""Leave one programme out: calibrate on the targets of one programme only, then predict
every figure of the others from that posterior.

A parameter the fitted programme says nothing about keeps its prior in that posterior, so
its uncertainty reaches the prediction: the interval says what the fitted evidence alone
allows.  Each fold is an ordinary calibration (history ``calibration/runs/holdout-KEY.db``,
fitted folder ``calibration/fitted/holdout-KEY/``), so an interrupted check resumes where it
stopped, and the committed fitted folder lets it continue where the history is not at hand.
A fold whose committed fit already has what was asked (the generations, or its stopping
epsilon, on today's targets and priors) is used as it is: the check then neither refits nor
rewrites it.  Without a number of generations asked for (the default), a committed fit made
from today's targets and priors is taken as it is, however many generations it has, so the
check redraws the committed tables; a fold without one is fitted to
:data:`NEW_FOLD_GENERATIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from sim.analysis.calibration import (FITTED_DIR, PRIORS_DEFAULT, RUNS_DIR, TARGETS_DEFAULT, Target, file_hash,
                                     run_calibration)
from sim.analysis.calibration.restore import stored_fit
from sim.errors import FremskudtError, UsageError
from sim.experiment.runner import load_posterior
from sim.paths import display_path

#: the folds: fit the Copenhagen arms alone, and the jobgaranti pool alone
FOLDS = ("copenhagen-outreach-2015", "jobgaranti-midway-2019")
#: generations of a fold fitted afresh when no number is asked for
NEW_FOLD_GENERATIONS = 8


@dataclass
class FoldSettings:
    particles: int = 300
    seeds: int = 4
    #: None: take a committed fit as it is, or fit a new fold to NEW_FOLD_GENERATIONS
    generations: int | None = None
    workers: int = 2
    force: bool = False
    runs_dir: Path = RUNS_DIR
    fitted_dir: Path = FITTED_DIR
    targets_path: Path = TARGETS_DEFAULT
    priors_path: Path = PRIORS_DEFAULT


def fold_name(programme: str) -> str:
    return f"holdout-{programme}"


def finished_fold(programme: str, s: FoldSettings) -> tuple[pd.DataFrame, dict] | None:
    """The fold's committed fit (posterior, run record) when it has nothing left to run:
    made from today's targets and priors files, with ``s.generations`` generations (any
    number when ``s.generations`` is None) or stopped at its minimum epsilon.  None
    otherwise (or with ``force``), and the fold is then calibrated or continued, which also
    refuses changed files in its own words."""
    if s.force:
        return None
    folder = Path(s.fitted_dir) / fold_name(programme)
    try:
        meta, gens = stored_fit(folder)     # the run record and generation table a resume would read
        if (meta["targets_hash"], meta["priors_hash"]) != (file_hash(s.targets_path), file_hash(s.priors_path)):
            return None
        short = s.generations is not None and len(gens) < s.generations
        if short and not float(gens["epsilon"].iloc[-1]) <= float(meta["min_epsilon"]):
            return None
        return load_posterior(folder), meta
    except (FremskudtError, OSError, ValueError, KeyError, TypeError):
        return None         # no fit, or a damaged one: the calibration's restore names what is wrong


def fit_fold(programme: str, s: FoldSettings, progress: bool = True) -> tuple[pd.DataFrame, dict]:
    """Calibrate on ``programme``'s targets only (or continue its stored calibration, or
    take its committed fit when that is finished, :func:`finished_fold`); returns
    (posterior, the run's record)."""
    done = finished_fold(programme, s)
    if done is not None:
        if progress:
            print(f"check-fit: {display_path(Path(s.fitted_dir) / fold_name(programme))} has every generation asked "
                  "for; nothing to run")
        return done
    name = fold_name(programme)
    stored = (Path(s.runs_dir) / f"{name}.db").exists() or (Path(s.fitted_dir) / name / "run.json").is_file()
    resume = stored and not s.force
    res = run_calibration(name, targets_path=s.targets_path, priors_path=s.priors_path,
                          generations=s.generations or NEW_FOLD_GENERATIONS, particles=None if resume else s.particles,
                          seeds=None if resume else s.seeds, workers=s.workers, resume=resume, force=s.force,
                          runs_dir=s.runs_dir, fitted_dir=s.fitted_dir, programmes=[programme], progress=progress)
    return res.posterior, res.meta


def describe_fold(programme: str, meta: dict, s: FoldSettings) -> str:
    """The settings a fold's fit was made with, in words: particles, runs per evaluation and
    the generations its record holds."""
    try:
        _, gens = stored_fit(Path(s.fitted_dir) / fold_name(programme))
        generations = f"{len(gens)} generations"
    except UsageError:
        generations = "generations not recorded"
    return (f"{programme}: {meta.get('particles', s.particles)} particles, {meta.get('seeds', s.seeds)} seeds per "
            f"evaluation, {generations}")


def held_out(items: Sequence[Target], programme: str) -> list[Target]:
    """The items a fold on ``programme`` predicts: those of every other programme."""
    return [i for i in items if i.programme != programme]
