"""``fremskudt sweep SCENARIO --caseload 25,50,100`` (or ``--lever PATH --values …``): a
dose-response sweep of one numeric setting, every value run with the same replication
seeds and parameter draws, each outcome's level and paired difference from a reference
value, the cost per additional citizen in a job or education, a figure and a report.

The rules (which settings, how many values, the reference, the case-load shortcut) are in
:mod:`sim.experiment.sweep`; the folder follows the rules of every results folder
(:class:`sim.experiment.outputs.ResultFolder`); everything the user gave is checked before
the folder is reserved and the first simulation starts."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from sim.errors import UsageError, shown
from sim.experiment import outputs, runner
from sim.experiment import sweep as sweeps
from sim.interface.report import sweep as report
from sim.spec.prices import load_prices

from .run import _command_line, add_run_options, posterior_record, resolve_posterior, simulate_tasks


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "sweep", help="a dose-response sweep of one numeric setting (e.g. case load)",
        description="Run a scenario at several values of one numeric setting with the same replication seeds and "
                    "parameter draws at every value (common random numbers), and report each outcome's mean and 90 % "
                    "interval at each value, its paired difference from a reference value, the net public cost and "
                    "the cost per additional citizen in a job or education. Example: fremskudt sweep "
                    "central-jobcentre --caseload 25,50,100,150,225,300")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file, or the name of one in scenarios/")
    p.add_argument("--caseload", metavar="LIST",
                   help="cases per caseworker, e.g. 25,50,100,150,225,300: sets organisation.caseworkers to the "
                        "population size divided by each (everything else as the scenario says)")
    p.add_argument("--lever", metavar="PATH",
                   help="the numeric setting to vary, by its key path in the scenario file, e.g. "
                        "organisation.caseworkers or organisation.meeting_interval_weeks (with --values)")
    p.add_argument("--values", metavar="LIST", help=f"the lever's values, e.g. 8,16,32 ({sweeps.MIN_VALUES} to "
                                                    f"{sweeps.MAX_VALUES}, within the setting's range)")
    p.add_argument("--reference", metavar="VALUE",
                   help="the value differences and the cost per additional citizen are measured against (default: "
                        "the scenario's own value if it is among the values, else the first value)")
    add_run_options(p, budget=False)
    p.set_defaults(func=_sweep)


def _lever(args) -> tuple[sweeps.Lever, list[float]]:
    if args.caseload is not None and (args.lever is not None or args.values is not None):
        raise UsageError("--caseload sweeps the case load with its own values; leave out --lever and --values "
                         "(or use --lever organisation.caseworkers --values …)")
    if args.caseload is not None:
        lever = sweeps.caseload_lever()
        return lever, sweeps.parse_values(args.caseload, lever)
    if args.lever is None:
        raise UsageError("say what to sweep: --caseload 25,50,100 (cases per caseworker), or --lever PATH with "
                         "--values, e.g. --lever organisation.caseworkers --values 8,16,32")
    lever = sweeps.find_lever(args.lever)
    if args.values is None:
        raise UsageError(f"--lever {args.lever} needs --values, e.g. --values 8,16,32")
    return lever, sweeps.parse_values(args.values, lever)


def _reference(args) -> float | None:
    if args.reference is None:
        return None
    try:
        v = float(args.reference)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        raise UsageError(f"--reference {shown(args.reference)}: expected one of the values, as a number")
    return v


def _command(args) -> str:
    options = _command_line(args, [], "sweep").split(" ")[2:]
    lever = [f"--{k} {getattr(args, k)}" for k in ("caseload", "lever", "values", "reference")
             if getattr(args, k) is not None]
    return " ".join(["fremskudt", "sweep", args.scenario, *lever, *options])


def _sweep(args) -> int:
    started = datetime.now().astimezone()
    lever, values = _lever(args)                     # the options first: one line, exit 2
    reference = _reference(args)
    base = runner.load_checked(args.scenario)        # ScenarioError -> one line, exit 2
    seed = args.seed if args.seed is not None else base.seed
    n = args.replications if args.replications is not None else base.replications
    base = base.model_copy(update={"seed": seed, "replications": n, **({"prices": args.prices} if args.prices else {})})
    prices = load_prices(base.prices)                # PricesError -> one line, exit 2
    posterior = resolve_posterior(args)
    drawn = tuple(c for c in posterior.columns if c != runner.WEIGHT_COLUMN) if posterior is not None else ()
    sweep = sweeps.build(base, lever, values, reference, drawn)
    sweeps.check_size(sweep, n)
    short = lever.key.rsplit(".", 1)[-1]
    out = Path(args.out) if args.out is not None else outputs.default_out([base.name], suffix=f"-sweep-{short}")
    with outputs.ResultFolder(out, args.force) as folder:   # checked and reserved before any simulation
        seeds, tasks = sweeps.plan(sweep, seed, n, posterior)
        results = simulate_tasks(args, tasks, f"{base.name}: sweep of {lever.key}")
        manifest = _manifest(args, started, sweep, seed, n, seeds, tasks, posterior, prices)
        res = report.SweepResults(sweep=sweep, reps=runner.replications_table(results), prices=prices,
                                  replications=n, seed=seed, lang=args.lang, manifest=manifest,
                                  parameters="posterior" if posterior is not None else "fixed")
        draws = runner.draws_table(results)
        manifest["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
        report.write_files(folder.work, res, draws)
        outputs.write_manifest(folder.work, manifest)   # lists every file written
        final = folder.commit()
    print(report.screen_summary(final, res))
    return 0


def _manifest(args, started, sweep: sweeps.Sweep, seed, n, seeds, tasks, posterior, prices) -> dict:
    base = sweep.base
    manifest = {
        "kind": "sweep",
        "command": _command(args),
        "started": started.isoformat(timespec="seconds"),
        "finished": None,
        "scenarios": [outputs.scenario_record(args.scenario, base)],
        "sweep": {"lever": sweep.lever.key, "setting": sweep.lever.setting, "values": sweep.values,
                  "reference": sweep.reference,
                  "points": [{"value": p.value, "name": p.name, "caseworkers": p.caseworkers,
                              "caseworkers_staffed": p.staffed, "digest": p.scenario.digest()} for p in sweep.points]},
        "base_seed": seed,
        "replications": n,
        "seeds": seeds,
        "common_random_numbers": True,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "parameters": "posterior" if posterior is not None else "fixed",
        "posterior": None,
        "prices": {base.name: prices.record()},
        "language": args.lang,
        "packages": outputs.package_versions(),
        "git": outputs.git_state(),
    }
    if posterior is not None:   # every value draws the same rows: the first value's tasks stand for all
        manifest["posterior"] = posterior_record(args, posterior, seeds, tasks[:n])
    return manifest
