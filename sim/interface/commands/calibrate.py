"""``fremskudt calibrate``: ABC-SMC calibration against the reported outcomes."""

from __future__ import annotations

from pathlib import Path

from sim.interface.cli import positive


def register(subparsers) -> None:
    from sim.analysis.calibration import KERNEL_SCALE, PRIORS_DEFAULT, TARGETS_DEFAULT
    p = subparsers.add_parser(
        "calibrate", help="calibrate behavioural parameters to the reported outcomes (ABC-SMC)",
        description="ABC-SMC (pyabc) calibration: one parameter set must reproduce every target in its scenario. "
                    "The pyabc history is stored in calibration/runs/NAME.db; the fitted posterior and report "
                    "in calibration/fitted/NAME/.")
    p.add_argument("--targets", type=Path, default=TARGETS_DEFAULT, help="targets file (default: %(default)s)")
    p.add_argument("--priors", type=Path, default=PRIORS_DEFAULT, help="priors file (default: %(default)s)")
    p.add_argument("--name", default="default", help="name of the calibration (default: %(default)s)")
    p.add_argument("--population", type=positive(int), default=None,
                   help="simulate at most N citizens per scenario; staff scaled alike (default: full size, "
                        "or the targets file's population_cap)")
    p.add_argument("--generations", type=positive(int), default=6,
                   help="total number of generations in the history (default: %(default)s)")
    p.add_argument("--particles", type=positive(int), default=200, help="particles per generation (default: %(default)s)")
    p.add_argument("--seeds", type=positive(int), default=1,
                   help="runs of every scenario per evaluation, averaged (default: %(default)s)")
    p.add_argument("--kernel-scale", type=positive(float), default=KERNEL_SCALE,
                   help="factor on the proposal kernel's covariance (default: %(default)s)")
    p.add_argument("--min-epsilon", type=positive(float), default=None,
                   help="stop once epsilon (summed squared z) reaches this (default: the number of targets)")
    p.add_argument("--workers", type=positive(int), default=None, help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="dask.distributed scheduler address, e.g. tcp://host:8786 (default: local cores)")
    p.add_argument("--resume", action="store_true", help="continue calibration NAME from its stored history, with the population, "
                        "particles, seeds, kernel scale and minimum epsilon it was started with")
    p.add_argument("--force", action="store_true", help="start NAME afresh, discarding its stored history")
    p.add_argument("--max-minutes", type=positive(float), default=None,
                   help="stop after the generation in which this wall time is passed")
    p.add_argument("--seed", type=int, default=20140101, help="run seed (default: %(default)s)")
    p.add_argument("--predictive-draws", type=positive(int), default=60,
                   help="posterior draws simulated for the fit report (default: %(default)s)")
    p.add_argument("--out", type=Path, default=None, help="fitted output root (default: calibration/fitted)")
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    from sim.analysis.calibration import FITTED_DIR, run_calibration
    from sim.errors import UsageError
    if args.resume and args.force:
        raise UsageError("--resume and --force cannot be combined")
    try:
        res = run_calibration(args.name, targets_path=args.targets, priors_path=args.priors,
                              population=args.population, generations=args.generations, particles=args.particles,
                              seeds=args.seeds, min_epsilon=args.min_epsilon,
                              kernel_scale=args.kernel_scale,
                              workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                              max_minutes=args.max_minutes, fitted_dir=args.out or FITTED_DIR, run_seed=args.seed,
                              predictive_draws=args.predictive_draws, force=args.force)
    except KeyboardInterrupt:
        print(f"fremskudt: interrupted; finished generations are kept in calibration/runs/{args.name}.db; "
              f"continue with: fremskudt calibrate --name {args.name} --resume", file=sys.stderr)
        return 130
    print(f"calibration '{res.name}': {res.generations} generation(s), {res.simulations} model evaluations, "
          f"{res.seconds / 60:.1f} min; history {res.db}; output {res.out_dir}")
    return 0
