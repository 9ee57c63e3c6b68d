"""``fremskudt calibrate``: ABC-SMC calibration against the reported outcomes."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.interface.cli import address, positive, seed


def register(subparsers) -> None:
    from sim.analysis.calibration import DEFAULTS, KERNEL_SCALE, PRIORS_DEFAULT, RUNS_DIR, TARGETS_DEFAULT
    from sim.experiment.runner import DASK_WORKER_TIMEOUT
    p = subparsers.add_parser(
        "calibrate", help="calibrate behavioural parameters to the reported outcomes (ABC-SMC)",
        description="ABC-SMC (pyabc) calibration: one parameter set must reproduce every target in its scenario. "
                    "The pyabc history is stored in calibration/runs/NAME.db; the fitted posterior and report "
                    "in calibration/fitted/NAME/.")
    p.add_argument("--targets", type=Path, default=TARGETS_DEFAULT, help="targets file (default: %(default)s)")
    p.add_argument("--priors", type=Path, default=PRIORS_DEFAULT, help="priors file (default: %(default)s)")
    p.add_argument("--name", default="default", help="name of the calibration (default: %(default)s)")
    p.add_argument("--programme", action="append", default=None, metavar="KEY",
                   help="fit only the targets of this programme (a publication key such as copenhagen-outreach-2015; "
                        "repeat for several; default: every target)")
    p.add_argument("--population", type=positive(int, 2_000_000), default=None,
                   help="simulate at most N citizens per scenario; staff scaled alike (default: full size, "
                        "or the targets file's population_cap)")
    p.add_argument("--generations", type=positive(int, 10_000), default=6,
                   help="total number of generations in the history (default: %(default)s)")
    p.add_argument("--particles", type=positive(int, 1_000_000), default=None,
                   help=f"particles per generation (default: {DEFAULTS['particles']})")
    p.add_argument("--seeds", type=positive(int, 1_000), default=None,
                   help=f"runs of every scenario per evaluation, averaged (default: {DEFAULTS['seeds']})")
    p.add_argument("--kernel-scale", type=positive(float, 1_000), default=None,
                   help=f"factor on the proposal kernel's covariance (default: {KERNEL_SCALE:g})")
    p.add_argument("--min-epsilon", type=positive(float), default=None,
                   help="stop once epsilon (summed squared z) reaches this (default: the number of targets)")
    p.add_argument("--workers", type=positive(int, 1_024), default=None, help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", type=address, default=None,
                   help="dask.distributed scheduler address, e.g. tcp://host:8786 (default: local cores); a scheduler "
                        f"without workers is an error after {DASK_WORKER_TIMEOUT:g} s")
    p.add_argument("--resume", action="store_true",
                   help="continue calibration NAME from its stored history with the settings it was started with "
                        "(--population, --particles, --seeds, --kernel-scale, --min-epsilon, --seed, --programme); giving one "
                        "of them with another value is refused")
    p.add_argument("--redraw", action="store_true",
                   help="draw the figures and report.md of the fitted folder NAME again from its stored files (and "
                        "its history, if at hand), without simulating; every other setting is ignored")
    p.add_argument("--force", action="store_true",
                   help="start NAME afresh, discarding its stored history and replacing its fitted folder "
                        "(only a folder fremskudt wrote)")
    p.add_argument("--max-minutes", type=positive(float), default=None,
                   help="stop after the generation in which this wall time is passed")
    p.add_argument("--seed", type=seed, default=None, help=f"run seed (default: {DEFAULTS['run_seed']})")
    p.add_argument("--predictive-draws", type=positive(int, 100_000), default=60,
                   help="posterior draws simulated for the fit report (default: %(default)s)")
    p.add_argument("--out", type=Path, default=None, help="fitted output root (default: calibration/fitted)")
    p.add_argument("--runs-dir", type=Path, default=None, help=f"folder of the stored histories (default: {RUNS_DIR})")
    p.set_defaults(func=run)


def run(args) -> int:
    from sim.analysis import calibration
    from sim.errors import UsageError, raise_if_stopped, stop_requested
    if args.resume and args.force:
        raise UsageError("--resume and --force cannot be combined")
    from sim.interface.cli import completed_outputs
    runs_dir = args.runs_dir or calibration.RUNS_DIR
    if args.redraw:
        if args.resume or args.force:
            raise UsageError("--redraw draws an existing fit again; it cannot be combined with --resume or --force")
        out = calibration.redraw_fit(args.name, fitted_dir=args.out or calibration.FITTED_DIR, runs_dir=runs_dir,
                                     targets_path=args.targets, priors_path=args.priors,
                                     command="fremskudt calibrate --name " + args.name + " --redraw")
        print(f"calibration '{args.name}': report and figures drawn again in {out}")
        return 0
    written_before = len(completed_outputs())
    try:
        res = calibration.run_calibration(
            args.name, targets_path=args.targets, priors_path=args.priors, population=args.population,
            generations=args.generations, particles=args.particles, seeds=args.seeds, min_epsilon=args.min_epsilon,
            kernel_scale=args.kernel_scale, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
            max_minutes=args.max_minutes, runs_dir=runs_dir, fitted_dir=args.out or calibration.FITTED_DIR,
            run_seed=args.seed, predictive_draws=args.predictive_draws, programmes=args.programme, force=args.force)
        raise_if_stopped()           # a stop that the sampler's code swallowed
    except KeyboardInterrupt as e:
        if completed_outputs()[written_before:]:
            raise               # the fit was written: the command line says so
        return _stopped(e, args.name, runs_dir)
    except Exception:
        stop = stop_requested()      # the stop, turned into another error by the code it interrupted
        if stop is None or completed_outputs()[written_before:]:
            raise
        return _stopped(stop, args.name, runs_dir)
    print(f"calibration '{res.name}': {res.generations} generation(s), {res.simulations} model evaluations in the "
          "generations" + (f" (plus {res.initial} from the prior to set the first epsilon)" if res.initial else "")
          + f", {res.seconds / 60:.1f} min; history {res.db}; output {res.out_dir}")
    return 0


def _stopped(e: KeyboardInterrupt, name: str, runs_dir) -> int:
    """Say what a stopped calibration keeps, and how to go on; the shell's status."""
    from sim.analysis import calibration

    db = Path(runs_dir) / f"{name}.db"
    done = calibration.stored_generations(runs_dir, name)
    if done:
        kept = (f"{done} finished generation(s) are kept in {db}; continue with: "
                f"fremskudt calibrate --name {name} --resume")
    else:
        again = " --force" if db.exists() else ""
        kept = (f"no generation had finished, so there is nothing to continue; start again with: "
                f"fremskudt calibrate --name {name}{again}")
    print(f"fremskudt: stopped by {getattr(e, 'name', 'SIGINT')}; no fit was written; {kept}", file=sys.stderr)
    return getattr(e, "exit_status", 130)
