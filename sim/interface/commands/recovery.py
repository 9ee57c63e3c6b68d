"""``fremskudt recovery``: can the calibration recover parameters it knows?  Simulation-based
calibration on the full problem (:mod:`sim.analysis.recovery`), written to a results folder
and, if asked, to docs/IDENTIFICATION.md."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from sim.interface.cli import address, positive, seed


def register(subparsers) -> None:
    from sim.analysis.recovery import Settings
    d = Settings()
    p = subparsers.add_parser(
        "recovery", help="can the calibration recover known parameters? (simulation-based calibration)",
        description="Draws parameter sets from the priors, simulates every target at each (plus the reported "
                    "figures' own error), calibrates each set of synthetic figures as fremskudt calibrate does, and "
                    "reports per parameter how often the 90 % posterior interval covers the drawn value, how much "
                    "the posterior narrows, and whether the parameter is recovered. Finished sets are kept, so an "
                    "interrupted study continues when run again with the same settings.")
    p.add_argument("--sets", type=positive(int, 10_000), default=d.sets, help="parameter sets (default: %(default)s)")
    p.add_argument("--particles", type=positive(int, 100_000), default=d.particles,
                   help="particles per generation of each calibration (default: %(default)s)")
    p.add_argument("--generations", type=positive(int, 1_000), default=d.generations,
                   help="generations of each calibration (default: %(default)s)")
    p.add_argument("--seeds", type=positive(int, 100), default=d.seeds,
                   help="runs of every scenario per evaluation, averaged (default: %(default)s)")
    p.add_argument("--population", type=positive(int, 2_000_000), default=None,
                   help="simulate at most N citizens per scenario (default: full size, or the targets file's cap)")
    p.add_argument("--seed", type=seed, default=d.seed, help="seed of the draws and runs (default: %(default)s)")
    p.add_argument("--workers", type=positive(int, 1_024), default=None, help="local worker processes (default: all usable cores; at most that)")
    p.add_argument("--scheduler", metavar="ADDRESS", type=address, default=None,
                   help="run the calibrations' evaluations on a Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--work", type=Path, default=None,
                   help="working folder of the study, where finished sets are kept (default: "
                        "calibration/runs/recovery-<settings>)")
    p.add_argument("--out", type=Path, default=None,
                   help="results folder (default: results/recovery-<YYYYmmdd-HHMMSS>)")
    p.add_argument("--force", action="store_true", help="replace the results folder if fremskudt wrote it")
    p.add_argument("--docs", type=Path, default=None,
                   help="also write the page to this file, e.g. docs/IDENTIFICATION.md (only replacing one it wrote)")
    p.set_defaults(func=run)


#: options that say where a study runs and writes, not what it computes: left out of the
#: command its page records (their values are often paths on one machine)
WHERE = ("--out", "--work", "--scheduler")


def reproducing(argv: list[str]) -> list[str]:
    """``argv`` without the options of :data:`WHERE` and ``--force``: the command that
    reproduces the study."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in WHERE:
            skip = True
        elif a == "--force" or any(a.startswith(w + "=") for w in WHERE):
            continue
        else:
            out.append(a)
    return out


def run(args) -> int:
    import shutil

    from sim.analysis import recovery
    from sim.analysis.calibration import FITTED_DIR, load_priors
    from sim.analysis.sensitivity import posterior_ranges
    from sim.experiment import outputs, resources

    resources.check_workers(args.workers)

    s = recovery.Settings(sets=args.sets, particles=args.particles, generations=args.generations, seeds=args.seeds,
                          population=args.population, seed=args.seed)
    recovery.check_docs(args.docs)
    out = args.out if args.out is not None else outputs.default_out(["recovery"])
    command = "fremskudt " + " ".join(shlex.quote(a) for a in reproducing(sys.argv[1:])) \
        if sys.argv[1:2] == ["recovery"] else "fremskudt recovery"
    with outputs.ResultFolder(out, args.force) as folder:        # checked and reserved before any simulation
        sets, record = recovery.run_study(s, workers=args.workers or resources.usable_cores(), scheduler=args.scheduler,
                                          work=args.work)
        summary = recovery.summarise(sets)
        priors = load_priors()
        fit = posterior_ranges(FITTED_DIR / "default") if (FITTED_DIR / "default" / "parameters.csv").is_file() else None
        sets.to_csv(folder.work / "sets.csv", index=False)
        summary.to_csv(folder.work / "summary.csv", index=False)
        recovery.plot_recovery(sets, priors, folder.work / recovery.FIGURES[0])
        recovery.plot_ranks(sets, priors, folder.work / recovery.FIGURES[1])
        git = outputs.git_state()
        commit = (git.get("commit") or "unknown")[:7] + (", with uncommitted changes" if git.get("dirty") else "")
        text = recovery.markdown(summary, sets, record, priors, command=command, commit=commit, fit=fit)
        (folder.work / "IDENTIFICATION.md").write_text(text, encoding="utf-8")
        outputs.write_manifest(folder.work, {"kind": "recovery", "command": command, "record": record,
                                             "git": outputs.git_state()})
        done = folder.commit()
    if args.docs is not None:
        recovery.check_docs(args.docs)
        args.docs.parent.mkdir(parents=True, exist_ok=True)
        for name in recovery.FIGURES:
            shutil.copyfile(done / name, args.docs.parent / name)
        args.docs.write_text(text, encoding="utf-8")
    counts = summary["verdict"].value_counts()
    print(f"recovery: {s.sets} sets in {record['seconds_total'] / 3600:.1f} h ({record['seconds_per_set'] / 60:.1f} min "
          "a set); " + ", ".join(f"{v} {k}" for k, v in counts.items()) + f"; results in {done}"
          + (f" and {args.docs}" if args.docs else ""))
    return 0
