"""``fremskudt run [SCENARIO]``: run a scenario's replications and write a report folder.

The shared machinery (options, executing, writing the folder, the closing summary)
is also used by ``fremskudt compare``.  Everything the user gave is checked before the
first simulation: the scenario files, the options, the posterior file, and the output
folder, which is reserved at once (:class:`sim.experiment.outputs.ResultFolder`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.interface import report
from sim.interface.cli import address, positive, seed as _seed
from sim.experiment import outputs, runner
from sim.errors import UsageError
from sim.experiment.outcomes import DEFINITIONS
from sim.spec.scenario import Scenario

DEFAULT_SCENARIO = "default"
KEY_OUTCOMES = report.KEY_OUTCOMES


_positive = positive(int, 10_000)


def add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--replications", "-n", type=_positive, metavar="N",
                   help="replications per scenario (default: the scenario's own; for compare, the first scenario's)")
    p.add_argument("--seed", type=_seed, metavar="S",
                   help="base seed from which the replication seeds are derived (default: the (first) scenario's seed)")
    p.add_argument("--workers", "-w", type=_positive, default=1, metavar="W",
                   help="local worker processes (default 1: run in this process)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario>-<YYYYmmdd-HHMMSS>)")
    p.add_argument("--force", action="store_true",
                   help="replace the output folder if it exists and fremskudt wrote it (it has our manifest.json "
                        "and nothing else was added); any other folder is left untouched")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--posterior", metavar="DIR",
                   help="folder with posterior.parquet: each replication draws one row (probability ∝ weight)")
    p.add_argument("--scheduler", metavar="ADDRESS", type=address,
                   help="run the replications on a Dask scheduler, e.g. tcp://host:8786; a scheduler without "
                        f"workers is an error after {runner.DASK_WORKER_TIMEOUT:g} s")


def register(subparsers) -> None:
    p = subparsers.add_parser("run", help="run a scenario and write a report",
                              description="Run a scenario's replications and write a report folder "
                                          "(tables, figures, report.html, manifest.json).")
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                   help="scenario file, or the name of one in scenarios/ (default: default)")
    add_run_options(p)
    p.set_defaults(func=lambda args: execute_command(args, [args.scenario], kind="run"))


def _command_line(args, paths: list[str], kind: str) -> str:
    parts = ["fremskudt", kind, *paths]
    for opt in ("replications", "seed", "workers", "out", "posterior", "scheduler"):
        v = getattr(args, opt, None)
        if v is not None and not (opt == "workers" and v == 1):
            parts += [f"--{opt}", str(v)]
    for flag in ("force", "quiet"):
        if getattr(args, flag, False):
            parts.append(f"--{flag}")
    return " ".join(parts)


def execute_command(args, paths: list[str], kind: str) -> int:
    started = datetime.now().astimezone()
    loaded: list[Scenario] = [runner.load_checked(p) for p in paths]  # ScenarioError -> one line, exit 2
    names = [s.name for s in loaded]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"scenario name {dupes[0]!r} appears more than once; give each compared file its own 'name:'")
    seed = args.seed if args.seed is not None else loaded[0].seed
    n = args.replications if args.replications is not None else loaded[0].replications
    scenarios = [s.model_copy(update={"seed": seed, "replications": n}) for s in loaded]

    try:
        posterior = runner.load_posterior(args.posterior) if args.posterior else None
    except runner.RunError as e:
        raise UsageError(str(e)) from None
    out = Path(args.out) if args.out is not None else outputs.default_out(names)
    with outputs.ResultFolder(out, args.force) as folder:   # checked and reserved before any simulation
        seeds, tasks = runner.plan(scenarios, seed, n, posterior)
        results = _simulate(args, tasks, names)
        build, summary, comparison = _writer(args, paths, kind, started, scenarios, results, seed, n, seeds, tasks,
                                             posterior)
        build(folder.work)
        final = folder.commit()
    print_summary(final, scenarios, summary, comparison, n, seed)
    return 0


def _simulate(args, tasks: list[runner.Task], names: list[str]) -> list[runner.Replication]:
    from tqdm import tqdm
    where = f"Dask at {args.scheduler}" if args.scheduler else (f"{args.workers} processes" if args.workers > 1 else "1 process")
    with tqdm(total=len(tasks), desc=f"{' vs '.join(names)} ({where})", unit="rep", file=sys.stderr,
              disable=args.quiet, dynamic_ncols=True) as bar:
        try:
            return runner.execute(tasks, workers=args.workers, scheduler=args.scheduler, progress=bar.update)
        except runner.RunError as e:
            raise UsageError(str(e)) from None


def _writer(args, paths, kind, started, scenarios, results, seed, n, seeds, tasks, posterior):
    """The function that writes the folder's files, and the summary and comparison tables."""
    names = [s.name for s in scenarios]
    reps = runner.replications_table(results)
    weekly = runner.weekly_table(results)
    citizens = runner.citizens_table(results)
    draws = runner.draws_table(results)
    summary = pd.concat([report.summary_frame(sc, reps, outputs.reported_origin(p)) for sc, p in zip(scenarios, paths)],
                        ignore_index=True)
    comparison = report.comparison_frame(reps, names) if kind == "compare" else None

    manifest = {
        "kind": kind,
        "command": _command_line(args, paths, kind),
        "started": started.isoformat(timespec="seconds"),
        "finished": None,
        "scenarios": [outputs.scenario_record(p, sc) for p, sc in zip(paths, scenarios)],
        "base_seed": seed,
        "replications": n,
        "seeds": seeds,
        "common_random_numbers": kind == "compare",
        "workers": args.workers,
        "scheduler": args.scheduler,
        "posterior": None,
        "packages": outputs.package_versions(),
        "git": outputs.git_state(),
    }
    if posterior is not None:
        ppath = Path(args.posterior) / runner.POSTERIOR_FILE
        manifest["posterior"] = {
            "path": str(ppath.resolve()), "sha256": outputs.sha256(ppath), "rows": len(posterior),
            "draws": [{"replication": i, "seed": s, "row": t.posterior_row, "parameters": t.parameters}
                      for i, (s, t) in enumerate(zip(seeds, tasks))],
        }

    def build(tmp: Path) -> None:
        weekly.to_parquet(tmp / "weekly.parquet", index=False)
        citizens.to_parquet(tmp / "citizens.parquet", index=False)
        reps.to_parquet(tmp / "summary_replications.parquet", index=False)
        if draws is not None:
            draws.to_parquet(tmp / "posterior_draws.parquet", index=False)
        summary.to_csv(tmp / "summary.csv", index=False)
        (tmp / "summary.md").write_text(report.summary_markdown(summary, scenarios), encoding="utf-8")
        if comparison is not None:
            comparison.to_csv(tmp / "comparison.csv", index=False)
            (tmp / "comparison.md").write_text(report.comparison_markdown(comparison), encoding="utf-8")
        report.write_figures(tmp, summary, weekly, citizens, names)
        manifest["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
        manifest["files"] = sorted(p.name for p in tmp.iterdir() if not p.name.startswith(".")) + [
            "manifest.json", "report.html"]
        report.write_html(tmp, manifest, summary, scenarios, comparison)
        outputs.write_manifest(tmp, manifest)

    return build, summary, comparison


def print_summary(out: Path, scenarios: list[Scenario], summary: pd.DataFrame, comparison: pd.DataFrame | None,
                  n: int, seed: int) -> None:
    f = report.fmt
    lines = []
    if comparison is None:
        sc = scenarios[0]
        lines.append(f"{sc.name}: {sc.population.size:,} citizens, {sc.horizon_weeks} weeks, "
                     f"{n} replications (base seed {seed})")
        s = summary[summary["scenario"] == sc.name].set_index("outcome")
        shown = [o for o in DEFINITIONS if o in KEY_OUTCOMES or s.loc[o, "reported_source"]]
        lines.append(f"  {'outcome':<36} {'median':>8} {'10-90 %':>15}  {'evaluation':>10}")
        for o in shown:
            r = s.loc[o]
            rng = f"{f(r['p10'])}-{f(r['p90'])}" if not pd.isna(r["p10"]) else "–"
            ev = f(r["reported"]) if r["reported_source"] else ""
            lines.append(f"  {o:<36} {f(r['median']):>8} {rng:>15}  {ev:>10}")
    else:
        ref = scenarios[0].name
        lines.append(f"Compared with {ref}: {n} paired replications (base seed {seed}); "
                     "median difference [5 %, 95 %]")
        for name, sub in comparison.groupby("scenario", sort=False):
            lines.append(f"  {name} minus {ref}")
            for r in sub[sub["outcome"].isin(KEY_OUTCOMES)].itertuples():
                if pd.isna(r.difference_median):
                    continue
                lines.append(f"    {r.outcome:<34} {f(r.difference_median):>8} "
                             f"[{f(r.difference_p5)}, {f(r.difference_p95)}]")
    lines.append(f"All outcomes, evaluation figures and figures: {out / 'report.html'}")
    print("\n".join(lines))
