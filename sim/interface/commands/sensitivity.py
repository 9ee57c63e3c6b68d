"""``fremskudt sensitivity``: Morris screening or Sobol indices of outcomes, or of the
differences between scenarios, to behavioural parameters and policy levers (SALib)."""

from __future__ import annotations

import time
from pathlib import Path

from sim.interface.cli import address, positive, seed

DEFAULT_OUTCOMES = "ever_self_sufficient_52w,noshow_share,ag_good_kept_12m"
#: the effects ranked by default with --reference
DEFAULT_EFFECTS = "ever_self_sufficient_52w,ever_job_or_education_52w,ever_company_activation_52w,noshow_share"
DEFAULT_REPLICATIONS = 4


def _csv(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def register(subparsers) -> None:
    from sim.analysis.calibration import FITTED_DIR
    from sim.analysis.sensitivity import RANGES
    p = subparsers.add_parser(
        "sensitivity", help="global sensitivity (Morris / Sobol) of outcomes, or of differences between scenarios",
        description="Global sensitivity analysis with SALib. Factors: behavioural parameters (range: their plausible "
                    "range, the fitted posterior's 90 % interval, or name=low:high) and numeric organisation levers "
                    "(organisation.x, default ranges in sim.analysis.sensitivity.LEVER_RANGES, or "
                    "organisation.x=low:high; staff in whole people). With --reference the responses are the "
                    "differences between each scenario and the reference, paired by seed: what decides the size of "
                    "an effect. Every design point runs with the same seeds; the seed noise left is estimated from "
                    "the replications.")
    p.add_argument("--scenario", type=_csv, default=["copenhagen-outreach"],
                   help="scenario file or name; with --reference, one or more, comma-separated (default: "
                        "copenhagen-outreach)")
    p.add_argument("--reference", default=None,
                   help="reference scenario: rank what decides each scenario's difference from it")
    p.add_argument("--method", choices=("morris", "sobol"), default="morris", help="default: %(default)s")
    p.add_argument("--outcomes", type=_csv, default=None, help="comma-separated outcome names (default: "
                   f"{DEFAULT_OUTCOMES}; with --reference {DEFAULT_EFFECTS})")
    p.add_argument("--parameters", type=_csv, default=None,
                   help="comma-separated behavioural parameters, optionally name=low:high (default: those in "
                        "calibration/priors.yaml)")
    p.add_argument("--levers", type=_csv, default=[], help="comma-separated organisation levers, e.g. "
                   "organisation.caseworkers,organisation.meeting_interval_weeks=4:13")
    p.add_argument("--ranges", choices=RANGES, default=None,
                   help="ranges of parameters given without one: their plausible range, or the 90 %% interval of the "
                        "fit in --fit (default: plausible; with --reference: posterior)")
    p.add_argument("--fit", type=Path, default=FITTED_DIR / "default",
                   help="fitted calibration whose posterior gives the ranges and each parameter's posterior sd / "
                        "prior sd (default: %(default)s)")
    p.add_argument("--n", type=positive(int, 100_000), default=None,
                   help="Morris trajectories (default 10) or Sobol base sample N (default 64, a power of 2)")
    p.add_argument("--replications", type=positive(int, 1_000), default=DEFAULT_REPLICATIONS,
                   help="seeds averaged per design point, the same at every point; two or more also estimate the "
                        "seed noise (default: %(default)s)")
    p.add_argument("--population", type=positive(int, 2_000_000), default=None,
                   help="simulate at most N citizens, staff scaled with their capacity per citizen kept (default: "
                        "full size)")
    p.add_argument("--workers", type=positive(int, 1_024), default=None, help="worker processes (default: all usable cores; at most that)")
    p.add_argument("--scheduler", metavar="ADDRESS", type=address, default=None,
                   help="run the design points on a Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--seed", type=seed, default=20140101, help="default: %(default)s")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: results/<scenario>-sensitivity-<method>-<YYYYmmdd-HHMMSS>)")
    p.add_argument("--force", action="store_true",
                   help="replace the output folder if it exists and fremskudt wrote it")
    p.add_argument("--docs", type=Path, default=None,
                   help="with --reference: also write the page 'what decides the size of each effect' to this file "
                        "(e.g. docs/EFFECTS.md; only replacing one it wrote)")
    p.set_defaults(func=run)


def _command_line(args) -> str:
    parts = ["fremskudt", "sensitivity", "--scenario", ",".join(map(str, args.scenario))]
    if args.reference:
        parts += ["--reference", str(args.reference)]
    parts += ["--method", args.method, "--outcomes", ",".join(args.outcomes)]
    if args.parameters is not None:
        parts += ["--parameters", ",".join(args.parameters)]
    if args.levers:
        parts += ["--levers", ",".join(args.levers)]
    for opt in ("ranges", "n", "replications", "population", "seed", "docs"):
        if getattr(args, opt) is not None:
            parts += [f"--{opt}", str(getattr(args, opt))]
    return " ".join(parts)


def run(args) -> int:
    from sim.analysis import effects
    from sim.analysis.calibration import load_priors
    from sim.analysis.sensitivity import parse_factors, posterior_ranges, run_sensitivity
    from sim.errors import UsageError
    from sim.experiment import outputs, resources
    from sim.experiment.runner import load_checked
    from sim.spec.scale import scale_to

    if args.reference is None and len(args.scenario) != 1:
        raise UsageError("--scenario: give one scenario, or several with --reference")
    if args.docs is not None and args.reference is None:
        raise UsageError("--docs writes what decides each effect, so it needs --reference")
    resources.check_workers(args.workers)
    args.outcomes = args.outcomes or _csv(DEFAULT_EFFECTS if args.reference else DEFAULT_OUTCOMES)
    args.ranges = args.ranges or ("posterior" if args.reference else "plausible")
    effects.check_docs(args.docs)
    scenarios = [load_checked(s) for s in args.scenario]
    reference = load_checked(args.reference) if args.reference else None
    workers = args.workers or resources.usable_cores()
    simulated = [scale_to(s, args.population) for s in ([reference] if reference else []) + scenarios]
    resources.check_memory(resources.estimate([resources.citizens(s) for s in simulated], 1, workers,
                                              keeps_citizens=False), "this sensitivity analysis")
    fit = posterior_ranges(args.fit) if args.ranges == "posterior" or (args.fit / "parameters.csv").is_file() else None
    params = args.parameters if args.parameters is not None else [p.name for p in load_priors()]
    factors = parse_factors(scenarios[0], params, args.levers, ranges=args.ranges, fit=fit)
    names = ([reference.name] if reference else []) + [s.name for s in scenarios]
    out = args.out if args.out is not None else outputs.default_out(names, suffix=f"-sensitivity-{args.method}")
    started = time.time()
    table = run_sensitivity(scenarios if reference else scenarios[0], reference=reference, outcomes=args.outcomes,
                            factors=factors, method=args.method, n=args.n, workers=workers, seed=args.seed,
                            replications=args.replications, out_dir=out, force=args.force,
                            command=_command_line(args), population=args.population, scheduler=args.scheduler,
                            fit=fit)
    seconds = time.time() - started
    key = table.attrs["key"]
    for resp, sub in table.groupby("response", sort=False):
        top = sub.head(3)
        noise = top["seed_floor"] if "seed_floor" in top else top["seed_sd"]
        print(f"{resp}: " + ", ".join(
            f"{r.factor} ({key} {getattr(r, key):.3g}" + (f", seed noise {v:.2g}" if v == v else "") + ")"
            for r, v in zip(top.itertuples(), noise)))
    if args.docs is not None:
        effects.write_docs(args.docs, table, scenarios, reference, fit, command=_command_line(args),
                           seconds=seconds, workers=workers, population=args.population)
    print(f"{table.attrs['runs']} simulations in {seconds / 60:.1f} min; tables and plots in {Path(out).absolute()}"
          + (f"; page {args.docs}" if args.docs else ""))
    return 0
