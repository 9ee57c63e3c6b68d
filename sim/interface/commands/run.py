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
from sim.interface.cli import address, non_negative, positive, seed as _seed
from sim.experiment import horizon, outputs, resources, runner, statistics
from sim.errors import UsageError
from sim.interface.i18n import LANGUAGES, label, number, scenario_title, text, value, value_row
from sim.spec.prices import load_prices
from sim.paths import display_path
from sim.spec.scenario import Scenario

DEFAULT_SCENARIO = "default"
MAX_BUDGET_YEARS = 50
KEY_OUTCOMES = report.KEY_OUTCOMES


_positive = positive(int, 10_000)


def add_run_options(p: argparse.ArgumentParser, budget: bool = True) -> None:
    """The options run, compare and sweep share (``budget``: the multi-year budget's too)."""
    p.add_argument("--replications", "-n", type=_positive, metavar="N",
                   help="replications per scenario (default: the scenario's own; for compare, the first scenario's)")
    p.add_argument("--seed", type=_seed, metavar="S",
                   help="base seed from which the replication seeds are derived (default: the (first) scenario's seed)")
    p.add_argument("--workers", "-w", type=_positive, default=1, metavar="W",
                   help="local worker processes (default 1: run in this process; at most the machine's cores)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario>-<YYYYmmdd-HHMMSS>)")
    p.add_argument("--force", action="store_true",
                   help="replace the output folder if it exists and fremskudt wrote it (it has our manifest.json "
                        "and nothing else was added); any other folder is left untouched")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--posterior", metavar="DIR",
                   help="folder with posterior.parquet: each replication draws one row (probability ∝ weight) "
                        f"(default: the committed fit, {display_path(runner.DEFAULT_POSTERIOR)})")
    p.add_argument("--fixed-parameters", action="store_true",
                   help="run every replication with the posterior medians (the documented defaults) instead of "
                        "drawing from the fit; the intervals then show chance alone")
    p.add_argument("--scheduler", metavar="ADDRESS", type=address,
                   help="run the replications on a Dask scheduler, e.g. tcp://host:8786; a scheduler without "
                        f"workers is an error after {runner.DASK_WORKER_TIMEOUT:g} s")
    p.add_argument("--prices", metavar="NAME|FILE",
                   help="prices for the public-budget view, for every scenario: a name in scenarios/prices/ "
                        "(dk-2014, dk-2024) or a file (default: each scenario's own 'prices', else dk-2024)")
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="language of the report, the tables' labels and the key findings (default: en); Danish "
                        "CSV files use ';' between fields and ',' for decimals, as Danish spreadsheets expect")
    if not budget:
        return
    p.add_argument("--budget-years", type=positive(int, MAX_BUDGET_YEARS), metavar="Y",
                   help=f"years of the multi-year public budget of a comparison (default: {horizon.DEFAULT_YEARS}, "
                        "or the run's length if longer)")
    p.add_argument("--effect-years", type=non_negative(MAX_BUDGET_YEARS), metavar="E",
                   default=horizon.DEFAULT_EFFECT_YEARS,
                   help="years a design's effect on who is on benefit is assumed to last after the run "
                        f"(default: {horizon.DEFAULT_EFFECT_YEARS:g})")


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
    for opt in ("budget_years", "effect_years"):
        v = getattr(args, opt, None)
        if v is not None and not (opt == "effect_years" and v == horizon.DEFAULT_EFFECT_YEARS):
            parts += [f"--{opt.replace('_', '-')}", f"{v:g}"]
    for flag in ("force", "quiet", "fixed_parameters"):
        if getattr(args, flag, False):
            parts.append(f"--{flag.replace('_', '-')}")
    if getattr(args, "lang", "en") != "en":
        parts += ["--lang", args.lang]
    return " ".join(parts)


def resolve_posterior(args) -> pd.DataFrame | None:
    """The posterior the replications draw from (``args.posterior`` set to its folder), or
    None with ``--fixed-parameters``."""
    if args.fixed_parameters and args.posterior:
        raise UsageError("--posterior and --fixed-parameters exclude each other: draw from a fit, or fix the parameters")
    args.posterior = None if args.fixed_parameters else (args.posterior or str(runner.DEFAULT_POSTERIOR))
    try:
        return runner.load_posterior(args.posterior) if args.posterior else None
    except runner.RunError as e:
        raise UsageError(str(e)) from None


def posterior_record(args, posterior: pd.DataFrame, seeds: list[int], tasks: list[runner.Task]) -> dict:
    """The manifest's record of the posterior: its file and hash, and the row each replication drew."""
    ppath = Path(args.posterior) / runner.POSTERIOR_FILE
    return {"path": display_path(ppath), "sha256": outputs.sha256(ppath), "rows": len(posterior),
            "draws": [{"replication": i, "seed": s, "row": t.posterior_row, "parameters": t.parameters}
                      for i, (s, t) in enumerate(zip(seeds, tasks))]}


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
    plans = explain.plans(scenarios) if kind == "explain" else []      # UsageError before any simulation
    extra = explain.scenarios_of(plans, names)
    resources.check_workers(args.workers)
    resources.check_memory(resources.estimate([resources.citizens(s) for s in scenarios + extra], n,
                                              1 if args.scheduler else args.workers))

    posterior = resolve_posterior(args)
    weeks = max(s.horizon_weeks for s in scenarios)
    years = args.budget_years or horizon.Horizon.default_years(weeks)
    if years * horizon.WEEKS_PER_YEAR < weeks:
        raise UsageError(f"--budget-years {years}: the budget must cover the run ({weeks} weeks), so at least "
                         f"{-(-weeks // horizon.WEEKS_PER_YEAR)} years")
    args.horizon = horizon.Horizon(years=years, effect_years=float(args.effect_years),
                                   rate=prices[scenarios[0].name].discount_rate.value)
    out = Path(args.out) if args.out is not None else outputs.default_out(names)
    with outputs.ResultFolder(out, args.force) as folder:   # checked and reserved before any simulation
        seeds, tasks = runner.plan(scenarios + extra, seed, n, posterior)
        results = simulate_tasks(args, tasks, ' vs '.join(names))
        mine = [r for r in results if r.scenario in names]
        decomposition = (pd.concat([explain.decompose(p, runner.replications_table(results), seed) for p in plans],
                                   ignore_index=True) if plans else None)
        build, res = _writer(args, paths, kind, started, scenarios, mine, seed, n, seeds, tasks[:len(scenarios) * n],
                             posterior, prices, plans, decomposition)
        build(folder.work)
        final = folder.commit()
    print_summary(final, res, n, seed)
    return 0


def simulate_tasks(args, tasks: list[runner.Task], what: str) -> list[runner.Replication]:
    """Run the tasks as the options say (workers, scheduler), with a progress bar on stderr
    unless ``--quiet``; ``what`` names the run on the bar."""
    from tqdm import tqdm
    where = f"Dask at {args.scheduler}" if args.scheduler else (f"{args.workers} processes" if args.workers > 1 else "1 process")
    with tqdm(total=len(tasks), desc=f"{what} ({where})", unit="rep", file=sys.stderr,
              disable=args.quiet, dynamic_ncols=True) as bar:
        try:
            return runner.execute(tasks, workers=args.workers, scheduler=args.scheduler, progress=bar.update)
        except runner.RunError as e:
            raise UsageError(str(e)) from None


def _writer(args, paths, kind, started, scenarios, results, seed, n, seeds, tasks, posterior, prices, plans=(),
            decomposition=None):
    """The function that writes the folder's files, and the report's :class:`~sim.interface.report.Results`."""
    names, lang = [s.name for s in scenarios], args.lang
    reps = runner.replications_table(results)
    weekly = runner.weekly_table(results)
    citizens = runner.citizens_table(results)
    draws = runner.draws_table(results)
    summary = pd.concat([statistics.summary_frame(sc, reps, outputs.reported_origin(p), outputs.reported_elsewhere(p, sc))
                         for sc, p in zip(scenarios, paths)], ignore_index=True)
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
        "parameters": "posterior" if posterior is not None else "fixed",
        "posterior": None,
        "prices": {name: p.record() for name, p in prices.items()},
        "budget_years": {"years": args.horizon.years, "effect_years": args.horizon.effect_years,
                         "discount_rate": args.horizon.rate},
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
        manifest["posterior"] = posterior_record(args, posterior, seeds, tasks)
    res = report.Results(scenarios=scenarios, reps=reps, summary=summary, comparison=comparison, weekly=weekly,
                         citizens=citizens, prices=prices, lang=lang, parameters=manifest["parameters"],
                         horizon=args.horizon, manifest=manifest, decomposition=decomposition)

    def build(tmp: Path) -> None:
        weekly.to_parquet(tmp / "weekly.parquet", index=False)
        citizens.to_parquet(tmp / "citizens.parquet", index=False)
        reps.to_parquet(tmp / "summary_replications.parquet", index=False)
        if draws is not None:
            draws.to_parquet(tmp / "posterior_draws.parquet", index=False)
        report.write_tables_and_figures(tmp, res)
        manifest["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
        manifest["files"] = sorted(p.name for p in tmp.iterdir() if not p.name.startswith(".")) + [
            "manifest.json", "report.html"]
        report.write_html(tmp, res)
        outputs.write_manifest(tmp, manifest)

    return build, res


def print_summary(out: Path, r: "report.Results", n: int, seed: int) -> None:
    """The answer on screen: how the parameters were set, then the key outcomes (a run) or
    the key findings (a comparison), then the report's path."""
    lang, scenarios = r.lang, r.scenarios
    posterior = (r.manifest.get("posterior") or {}).get("path", "")
    lines = [report.parameters_sentence(r.parameters, lang, posterior)]
    if not r.compare:
        sc = scenarios[0]
        lines.append(text("cli.run_head", lang, scenario=scenario_title(sc.name, lang), size=number(sc.population.size, lang),
                          weeks=sc.horizon_weeks, n=n, seed=seed))
        s = r.summary[r.summary["scenario"] == sc.name].set_index("outcome")
        shown = [o for o in s.index if (o in KEY_OUTCOMES or s.loc[o, "reported_source"] or o == "net_cost")
                 and o not in r.hidden]
        width = max((len(label(o, lang)) for o in shown), default=0)
        for o in shown:
            row = s.loc[o]
            ev = f"{text('cli.evaluation', lang)} {value(row['reported'], row['unit'], lang)}" if row["reported_source"] else ""
            flag = " ⚠" if row["misfit"] else ""
            mean, span = value_row(row["mean"], row["p5"], row["p95"], row["unit"], lang)
            lines.append(f"  {label(o, lang):<{width}} {mean:>16} [{span}]  {ev}{flag}  ({o})")
    else:
        lines.append(text("cli.compare_head", lang, reference=scenario_title(scenarios[0].name, lang), n=n, seed=seed))
        for f in r.comparisons:
            lines += ["  " + x for x in report.comparison_sentences(f, lang)[:2]]
        shown = r.comparison[r.comparison["outcome"].isin(KEY_OUTCOMES + ("net_cost",))
                             & ~r.comparison["outcome"].isin(r.hidden) & (r.comparison["verdict"] != "not_covered")]
        width = max((len(label(o, lang)) for o in shown["outcome"]), default=0)
        for name, sub in shown.groupby("scenario", sort=False):
            lines.append(f"  {text('table.minus', lang, scenario=scenario_title(name, lang), reference=scenario_title(scenarios[0].name, lang))}")
            for row in sub.itertuples():
                mean, span = value_row(row.difference_mean, row.difference_p5, row.difference_p95, row.unit, lang, True)
                lines.append(f"    {label(row.outcome, lang):<{width}} {mean:>18} [{span}]  ({row.outcome})")
    if r.decomposition is not None:
        lines += report.explain_lines(r.decomposition, lang)
    lines.append(text("cli.report", lang, path=out / "report.html"))
    print("\n".join(lines))
