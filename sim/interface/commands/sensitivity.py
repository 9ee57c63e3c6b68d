"""``fremskudt sensitivity``: Morris screening or Sobol indices of outcomes to
behavioural parameters and policy levers (SALib)."""

from __future__ import annotations

from pathlib import Path

from sim.interface.cli import positive, seed

DEFAULT_OUTCOMES = "ever_self_sufficient_52w,noshow_share,ag_good_kept_12m"


def _csv(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "sensitivity", help="global sensitivity (Morris / Sobol) of outcomes to parameters and levers",
        description="Global sensitivity analysis with SALib. Factors: behavioural parameters (range: their plausible "
                    "range, or name=low:high) and numeric organisation levers (organisation.x, default ranges in "
                    "sim.analysis.sensitivity.LEVER_RANGES, or organisation.x=low:high).")
    p.add_argument("--scenario", default="copenhagen-outreach", help="scenario file or name (default: %(default)s)")
    p.add_argument("--method", choices=("morris", "sobol"), default="morris", help="default: %(default)s")
    p.add_argument("--outcomes", type=_csv, default=_csv(DEFAULT_OUTCOMES), help="comma-separated outcome names "
                   "(default: %(default)s)")
    p.add_argument("--parameters", type=_csv, default=None,
                   help="comma-separated behavioural parameters, optionally name=low:high (default: those in "
                        "calibration/priors.yaml)")
    p.add_argument("--levers", type=_csv, default=[], help="comma-separated organisation levers, e.g. "
                   "organisation.caseworkers,organisation.meeting_interval_weeks=4:13")
    p.add_argument("--n", type=positive(int, 100_000), default=None,
                   help="Morris trajectories (default 10) or Sobol base sample N (default 64, a power of 2)")
    p.add_argument("--replications", type=positive(int, 1_000), default=1, help="seeds averaged per design point")
    p.add_argument("--population", type=positive(int, 2_000_000), default=500,
                   help="simulate at most N citizens, staff scaled alike (default: %(default)s)")
    p.add_argument("--workers", type=positive(int, 1_024), default=None, help="worker processes (default: all cores)")
    p.add_argument("--seed", type=seed, default=20140101, help="default: %(default)s")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: results/<scenario>-sensitivity-<method>-<YYYYmmdd-HHMMSS>)")
    p.add_argument("--force", action="store_true",
                   help="replace the output folder if it exists and fremskudt wrote it")
    p.set_defaults(func=run)


def _command_line(args) -> str:
    parts = ["fremskudt", "sensitivity", "--scenario", str(args.scenario), "--method", args.method,
             "--outcomes", ",".join(args.outcomes)]
    if args.parameters is not None:
        parts += ["--parameters", ",".join(args.parameters)]
    if args.levers:
        parts += ["--levers", ",".join(args.levers)]
    for opt in ("n", "replications", "population", "seed"):
        if getattr(args, opt) is not None:
            parts += [f"--{opt}", str(getattr(args, opt))]
    return " ".join(parts)


def run(args) -> int:
    from sim.analysis.calibration import load_priors, scale_scenario
    from sim.analysis.sensitivity import parse_factors, run_sensitivity
    from sim.experiment import outputs, resources
    from sim.experiment.runner import load_checked

    resources.check_workers(args.workers)
    sc = scale_scenario(load_checked(args.scenario), args.population)
    workers = args.workers or resources.usable_cores()
    resources.check_memory(resources.estimate([resources.citizens(sc)], 1, workers, keeps_citizens=False),
                           "this sensitivity analysis")
    params = args.parameters if args.parameters is not None else [p.name for p in load_priors()]
    factors = parse_factors(sc, params, args.levers)
    out = args.out if args.out is not None else outputs.default_out([sc.name], suffix=f"-sensitivity-{args.method}")
    table = run_sensitivity(sc, outcomes=args.outcomes, factors=factors, method=args.method, n=args.n,
                            workers=workers, seed=args.seed,
                            replications=args.replications, out_dir=out, force=args.force,
                            command=_command_line(args))
    key = table.attrs["key"]
    for o in args.outcomes:
        top = table[table["outcome"] == o].head(3)
        print(f"{o}: " + ", ".join(f"{r.factor} ({key} {getattr(r, key):.3g})" for r in top.itertuples()))
    print(f"{table.attrs['runs']} simulations; tables and plots in {Path(out).absolute()}")
    return 0
