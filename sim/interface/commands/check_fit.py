"""``fremskudt check-fit``: out-of-sample validation (leave one programme out), every pattern
against the fitted posterior, and the fit at fresh seeds."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from sim.interface.cli import positive, seed


def register(subparsers) -> None:
    from sim.analysis.calibration import FITTED_DIR
    from sim.analysis.checkfit import VALIDATION_DIR, CheckSettings
    from sim.analysis.checkfit.holdout import FOLDS, NEW_FOLD_GENERATIONS, FoldSettings
    d, f = CheckSettings(), FoldSettings()
    p = subparsers.add_parser(
        "check-fit", help="validate the fitted model out of sample (leave one programme out) and against every pattern",
        description="Calibrates on the targets of one programme at a time (" + ", ".join(FOLDS) + ") and predicts "
                    "the others; predicts every target and pattern (calibration/patterns.yaml) from the fitted "
                    "posterior; scores the documented defaults and the posterior at fresh seeds. Each fold's "
                    "calibration is stored in calibration/runs/holdout-KEY.db and its fit in "
                    "calibration/fitted/holdout-KEY/, and resumed from either when run again.")
    p.add_argument("--posterior", type=Path, default=FITTED_DIR / "default",
                   help="fitted calibration folder to check (default: %(default)s)")
    p.add_argument("--particles", type=positive(int, 1_000_000), default=f.particles,
                   help="particles per generation of each fold (default: %(default)s)")
    p.add_argument("--seeds", type=positive(int, 1_000), default=f.seeds,
                   help="runs of every scenario per evaluation in each fold, averaged (default: %(default)s)")
    p.add_argument("--generations", type=positive(int, 10_000), default=f.generations,
                   help="generations of each fold; a committed fold with fewer is continued (default: a committed "
                        "fold made from today's targets and priors is taken as it is, so the committed tables are "
                        f"redrawn; a fold without one is fitted to {NEW_FOLD_GENERATIONS})")
    p.add_argument("--draws", type=positive(int, 100_000), default=d.draws,
                   help="posterior draws simulated for each prediction (default: %(default)s)")
    p.add_argument("--score-seeds", type=positive(int, 100_000), default=d.score_seeds,
                   help="fresh seeds for the fit of the defaults and of the posterior (default: %(default)s)")
    p.add_argument("--workers", type=positive(int, 1_024), default=None,
                   help=f"worker processes (default: {d.workers}, or the machine's cores if fewer)")
    p.add_argument("--seed", type=seed, default=d.seed, help="seed of the draws and runs (default: %(default)s)")
    p.add_argument("--out", type=Path, default=VALIDATION_DIR, help="results folder (default: %(default)s)")
    p.add_argument("--docs", type=Path, default=None,
                   help="also write the report to this file, e.g. docs/VALIDATION.md (only replacing one it wrote)")
    p.add_argument("--force", action="store_true", help="replace the results folder (only one fremskudt wrote)")
    p.add_argument("--refit", action="store_true", help="start the folds' calibrations afresh instead of resuming them")
    p.add_argument("--runs-dir", type=Path, default=None,
                   help="folder of the folds' stored calibrations (default: calibration/runs)")
    p.add_argument("--fits-dir", type=Path, default=None,
                   help="folder of the folds' fitted folders (default: calibration/fitted)")
    p.set_defaults(func=run)


def run(args) -> int:
    from sim.analysis import checkfit
    from sim.analysis.checkfit.holdout import FoldSettings
    from sim.experiment import outputs, resources
    resources.check_workers(args.workers)
    workers = args.workers or min(checkfit.CheckSettings().workers, resources.usable_cores())
    folds = FoldSettings(particles=args.particles, seeds=args.seeds, generations=args.generations,
                         workers=workers, force=args.refit)
    if args.runs_dir is not None:
        folds.runs_dir = args.runs_dir
    if args.fits_dir is not None:
        folds.fitted_dir = args.fits_dir
    s = checkfit.CheckSettings(posterior=args.posterior, draws=args.draws, score_seeds=args.score_seeds,
                               seed=args.seed, workers=workers, folds=folds)
    checkfit.check_docs(args.docs)
    outputs.check_out(outputs.check_path(args.out), args.force, keep=("notes.md",))
    tables = checkfit.check_fit(s)
    command = "fremskudt " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["check-fit"] \
        else "fremskudt check-fit"
    out = checkfit.write(tables, s, args.out, args.docs, command, force=args.force)
    items = tables["items"]
    print(f"check-fit: {int(items['inside_90'].sum())} of {len(items)} figures inside their 90 % interval; "
          f"results in {out}" + (f" and {args.docs}" if args.docs else ""))
    return 0
