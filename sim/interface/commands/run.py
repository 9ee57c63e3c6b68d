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

from sim.analysis import explain
from sim.interface import report
from sim.interface.cli import address, positive, seed as _seed
from sim.experiment import outputs, runner, statistics
from sim.experiment.findings import compare_findings
from sim.errors import UsageError
from sim.interface.i18n import LANGUAGES, label, text, value, value_range
from sim.spec.prices import load_prices
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
    p.add_argument("--prices", metavar="NAME|FILE",
                   help="prices for the public-budget view, for every scenario: a name in scenarios/prices/ "
                        "(dk-2014, dk-2024) or a file (default: each scenario's own 'prices', else dk-2024)")
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="language of the report, the tables' labels and the key findings (default: en)")


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
    for opt in ("replications", "seed", "workers", "out", "posterior", "scheduler", "prices"):
        v = getattr(args, opt, None)
        if v is not None and not (opt == "workers" and v == 1):
            parts += [f"--{opt}", str(v)]
    for flag in ("force", "quiet"):
        if getattr(args, flag, False):
            parts.append(f"--{flag}")
    if getattr(args, "lang", "en") != "en":
        parts += ["--lang", args.lang]
    return " ".join(parts)


def execute_command(args, paths: list[str], kind: str) -> int:
    """Run ``paths`` as ``kind`` (run, compare or explain: a comparison whose differences are
    also decomposed by channel, :mod:`sim.analysis.explain`) and write the folder."""
    started = datetime.now().astimezone()
    loaded: list[Scenario] = [runner.load_checked(p) for p in paths]  # ScenarioError -> one line, exit 2
    names = [s.name for s in loaded]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"scenario name {dupes[0]!r} appears more than once; give each compared file its own 'name:'")
    seed = args.seed if args.seed is not None else loaded[0].seed
    n = args.replications if args.replications is not None else loaded[0].replications
    update = {"seed": seed, "replications": n, **({"prices": args.prices} if args.prices else {})}
    scenarios = [s.model_copy(update=update) for s in loaded]
    prices = {s.name: load_prices(s.prices) for s in scenarios}   # PricesError -> one line, exit 2

    try:
        posterior = runner.load_posterior(args.posterior) if args.posterior else None
    except runner.RunError as e:
        raise UsageError(str(e)) from None
    plans = explain.plans(scenarios) if kind == "explain" else []      # UsageError before any simulation
    extra = explain.scenarios_of(plans, names)
    out = Path(args.out) if args.out is not None else outputs.default_out(names)
    with outputs.ResultFolder(out, args.force) as folder:   # checked and reserved before any simulation
        seeds, tasks = runner.plan(scenarios + extra, seed, n, posterior)
        results = _simulate(args, tasks, names)
        mine = [r for r in results if r.scenario in names]
        decomposition = (pd.concat([explain.decompose(p, runner.replications_table(results), seed) for p in plans],
                                   ignore_index=True) if plans else None)
        build, summary, comparison = _writer(args, paths, kind, started, scenarios, mine, seed, n, seeds,
                                             tasks[:len(scenarios) * n], posterior, prices, plans, decomposition)
        build(folder.work)
        final = folder.commit()
    print_summary(final, scenarios, summary, comparison, n, seed, args.lang, decomposition)
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


def _writer(args, paths, kind, started, scenarios, results, seed, n, seeds, tasks, posterior, prices, plans=(),
            decomposition=None):
    """The function that writes the folder's files, and the summary and comparison tables."""
    names, lang = [s.name for s in scenarios], args.lang
    reps = runner.replications_table(results)
    weekly = runner.weekly_table(results)
    citizens = runner.citizens_table(results)
    draws = runner.draws_table(results)
    summary = pd.concat([statistics.summary_frame(sc, reps, outputs.reported_origin(p)) for sc, p in zip(scenarios, paths)],
                        ignore_index=True)
    comparison = statistics.comparison_frame(reps, names) if kind in ("compare", "explain") else None

    manifest = {
        "kind": kind,
        "command": _command_line(args, paths, kind),
        "started": started.isoformat(timespec="seconds"),
        "finished": None,
        "scenarios": [outputs.scenario_record(p, sc) for p, sc in zip(paths, scenarios)],
        "base_seed": seed,
        "replications": n,
        "seeds": seeds,
        "common_random_numbers": kind in ("compare", "explain"),
        "workers": args.workers,
        "scheduler": args.scheduler,
        "posterior": None,
        "prices": {name: p.record() for name, p in prices.items()},
        "language": lang,
        "packages": outputs.package_versions(),
        "git": outputs.git_state(),
    }
    if plans:
        manifest["counterfactuals"] = [
            {"reference": p.reference.name, "scenario": p.design.name, "channel": r.channel, "kind": r.kind,
             "switched": list(r.switched), "run": r.scenario.name if r.scenario is not None else None,
             "resolved": r.scenario.resolved() if r.scenario is not None else None, "problem": r.problem}
            for p in plans for r in p.runs]
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
        report.write_tables_and_figures(tmp, summary, comparison, scenarios, weekly, citizens, lang, decomposition)
        manifest["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
        manifest["files"] = sorted(p.name for p in tmp.iterdir() if not p.name.startswith(".")) + [
            "manifest.json", "report.html"]
        report.write_html(tmp, manifest, summary, comparison, scenarios, citizens, prices, lang, decomposition)
        outputs.write_manifest(tmp, manifest)

    return build, summary, comparison


def print_summary(out: Path, scenarios: list[Scenario], summary: pd.DataFrame, comparison: pd.DataFrame | None,
                  n: int, seed: int, lang: str = "en", decomposition: pd.DataFrame | None = None) -> None:
    """The answer on screen: key outcomes (a run) or the key findings (a comparison), then the report's path."""
    lines = []
    if comparison is None:
        sc = scenarios[0]
        lines.append(text("cli.run_head", lang, scenario=sc.name, size=f"{sc.population.size:,}", weeks=sc.horizon_weeks,
                          n=n, seed=seed))
        s = summary[summary["scenario"] == sc.name].set_index("outcome")
        shown = [o for o in s.index if o in KEY_OUTCOMES or s.loc[o, "reported_source"] or o == "net_cost"]
        width = max((len(label(o, lang)) for o in shown), default=0)
        for o in shown:
            r = s.loc[o]
            ev = f"{text('cli.evaluation', lang)} {value(r['reported'], r['unit'], lang)}" if r["reported_source"] else ""
            flag = " ⚠" if r["misfit"] else ""
            lines.append(f"  {label(o, lang):<{width}} {value(r['mean'], r['unit'], lang):>16} "
                         f"[{value_range(r['p5'], r['p95'], r['unit'], lang)}]  {ev}{flag}  ({o})")
    else:
        lines.append(text("cli.compare_head", lang, reference=scenarios[0].name, n=n, seed=seed))
        for f in compare_findings(comparison, scenarios):
            lines.append("  " + report.comparison_sentences(f, lang)[0])
        shown = comparison[comparison["outcome"].isin(KEY_OUTCOMES + ("net_cost",))
                           & (comparison["verdict"] != "not_covered")]
        width = max((len(label(o, lang)) for o in shown["outcome"]), default=0)
        for name, sub in shown.groupby("scenario", sort=False):
            lines.append(f"  {text('table.minus', lang, scenario=name, reference=scenarios[0].name)}")
            for r in sub.itertuples():
                lines.append(f"    {label(r.outcome, lang):<{width}} {value(r.difference_mean, r.unit, lang, True):>18} "
                             f"[{value_range(r.difference_p5, r.difference_p95, r.unit, lang, True)}]  ({r.outcome})")
    if decomposition is not None:
        lines += report.explain_lines(decomposition, lang)
    lines.append(text("cli.report", lang, path=out / "report.html"))
    print("\n".join(lines))
