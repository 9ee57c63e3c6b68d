"""``python -m benchmarks [national|copenhagen|scaling|startup|calibration|all] [--repeats N] [--quick] [--results PATH]``.

The figures go to ``benchmarks/out/RESULTS.md`` (git-ignored) unless ``--write-committed``
(the committed ``benchmarks/RESULTS.md``) or ``--results PATH`` says otherwise: a benchmark
never replaces a committed file unless asked.  A new ``out/RESULTS.json`` starts from the
committed figures, so running one suite shows the others' latest committed figures beside it."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sim.errors import InputError
from sim.experiment.outputs import write_whole
from sim.spec.reading import read_json, starts_with

from . import report, settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COMMITTED_RESULTS = HERE / "RESULTS.md"
DEFAULT_RESULTS = HERE / "out" / "RESULTS.md"
DEFAULT_REPEATS = {"national": 3, "copenhagen": 7, "scaling": 3, "startup": 5, "calibration": 7}


# Where the workers run: the working tree, or a snapshot of ``sim/`` and ``scenarios/`` at a
# git revision (``--rev``) with this benchmarks package copied next to it.
WORKDIR = ROOT
JOBS = 1


def snapshot(rev: str) -> Path:
    """Extract ``sim/`` and ``scenarios/`` at ``rev`` into a temporary directory."""
    blob = subprocess.run(["git", "archive", "--format=tar", rev, "sim", "scenarios"], cwd=ROOT,
                          capture_output=True, check=True).stdout
    tmp = Path(tempfile.mkdtemp(prefix="fremskudt-bench-"))
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(tmp, filter="data")
    shutil.copytree(HERE, tmp / "benchmarks", ignore=shutil.ignore_patterns("__pycache__", "profiles", "out", "*.md",
                                                                           "*.json"))
    return tmp


def run_workers(specs: list[dict]) -> list[list[dict]]:
    """Run specs in fresh processes, ``JOBS`` at a time (results in spec order)."""
    with ThreadPoolExecutor(max_workers=max(1, JOBS)) as pool:
        return list(pool.map(run_worker, specs))


def run_worker(spec: dict) -> list[dict]:
    """One fresh Python process (so maxrss is that run's own peak)."""
    proc = subprocess.run([sys.executable, "-m", "benchmarks.worker", json.dumps(spec)], cwd=WORKDIR,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker failed for {spec}:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def bench_national(repeats: int, quick: bool) -> dict:
    size, weeks = (2_000, 20) if quick else (None, None)
    specs = [{"setting": "national", "size": size, "weeks": weeks, "seed": 1 + i, "runs": 1} for i in range(repeats)]
    runs = [r for out in run_workers(specs) for r in out]
    for r in runs:
        _say(f"national seed {r['seed']}: {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU, {r['maxrss_mb']:.0f} MB")
    sc = settings.build("national", size, weeks)
    med = {k: _median(runs, k) for k in ("wall_s", "cpu_s", "build_s", "run_s", "maxrss_mb", "agent_weeks",
                                          "citizen_weeks", "events", "reference_cpu_s")}
    med["speed_vs_reference"] = statistics.median(r["reference_cpu_s"] / r["cpu_s"] for r in runs)
    med["agent_weeks_per_s"] = statistics.median(r["agent_weeks"] / r["wall_s"] for r in runs)
    med["citizen_weeks_per_s"] = statistics.median(r["citizen_weeks"] / r["wall_s"] for r in runs)
    return {"setting": settings.describe(sc), "repeats": repeats, "quick": quick, "median": med, "runs": runs}


def bench_copenhagen(repeats: int, quick: bool) -> dict:
    size, weeks = (200, 10) if quick else (None, 52)
    runs = run_worker({"setting": "copenhagen", "size": size, "weeks": weeks, "seed": 1, "runs": repeats,
                       "warmup": 1, "mode": "simulate"})
    sc = settings.build("copenhagen", size, weeks)
    med = {k: _median(runs, k) for k in ("wall_s", "cpu_s", "build_s", "run_s", "summary_s", "maxrss_mb", "events",
                                          "reference_cpu_s")}
    med["sims_per_s"] = 1.0 / med["wall_s"]
    med["sims_per_cpu_s"] = 1.0 / med["cpu_s"]
    med["speed_vs_reference"] = statistics.median(r["reference_cpu_s"] / r["cpu_s"] for r in runs)
    _say(f"copenhagen: {med['sims_per_s']:.2f} simulations/s")
    return {"setting": settings.describe(sc), "source": settings.copenhagen_source(), "repeats": repeats,
            "quick": quick, "median": med, "runs": runs}


def bench_scaling(repeats: int, quick: bool) -> dict:
    rows = []
    if quick:   # one process for all sizes: exercises the harness only
        runs = run_worker({"setting": "copenhagen", "sizes": list(settings.QUICK_SCALING_SIZES), "weeks": 8,
                           "seed": 1, "runs": repeats})
        by_size = {n: [r for r in runs if r["size"] == n] for n in settings.QUICK_SCALING_SIZES}
    else:
        specs = [{"setting": "copenhagen", "size": n, "weeks": 52, "seed": 1 + i, "runs": 1}
                 for n in settings.SCALING_SIZES for i in range(repeats)]
        by_size = {n: [] for n in settings.SCALING_SIZES}
        for out in run_workers(specs):
            for r in out:
                by_size[r["size"]].append(r)
                _say(f"scaling {r['size']:,} seed {r['seed']}: {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU")
    for n, runs in by_size.items():
        med = {k: _median(runs, k) for k in ("wall_s", "cpu_s", "build_s", "run_s", "maxrss_mb", "citizen_weeks",
                                              "events", "reference_cpu_s")}
        med["speed_vs_reference"] = statistics.median(r["reference_cpu_s"] / r["cpu_s"] for r in runs)
        med["us_per_citizen_week"] = statistics.median(1e6 * r["wall_s"] / r["citizen_weeks"] for r in runs)
        med["us_per_event"] = statistics.median(1e6 * r["wall_s"] / r["events"] for r in runs)
        med["events_per_citizen_week"] = med["events"] / med["citizen_weeks"]
        rows.append({"size": n, "median": med, "runs": runs})
    return {"setting": "Copenhagen outreach scaled in proportion (staff, offices, companies), 52 weeks"
                       + (" [quick: 8 weeks]" if quick else ""),
            "repeats": repeats, "quick": quick, "rows": rows}


def bench_startup(repeats: int, quick: bool) -> dict:
    """Fresh processes, one at a time, each running its first Copenhagen simulation with the
    compiled processes in the cache (the cache is filled first if it is not)."""
    subprocess.run([sys.executable, "-c", "from sim.model.warmup import ensure_compiled; ensure_compiled()"],
                   cwd=WORKDIR, check=True)
    runs = []
    for i in range(1 if quick else repeats):
        w0 = time.clock_gettime(time.CLOCK_MONOTONIC)       # the system's clock: the worker reads the same one
        (r,) = run_worker({"setting": "startup"})
        ended = time.clock_gettime(time.CLOCK_MONOTONIC)
        r["wall_s"] = r["simulated_at"] - w0                 # from the start of the process to the simulation's end
        r["exit_s"] = ended - r["simulated_at"]              # the rest: the result printed, the process ended
        runs.append(r)
        _say(f"startup {i + 1}: {r['wall_s']:.2f} s wall to the end of the first simulation, {r['cpu_s']:.2f} s CPU "
             f"(imports {r['import_cpu_s']:.2f} s, first simulation {r['simulation_cpu_s']:.2f} s); the process "
             f"ended {r['exit_s']:.2f} s later")
    med = {k: _median(runs, k) for k in ("wall_s", "cpu_s", "import_cpu_s", "simulation_cpu_s", "exit_s", "maxrss_mb")}
    return {"setting": "a fresh Python process: import sim, load the compiled processes, one Copenhagen simulation",
            "repeats": len(runs), "quick": quick, "median": med, "runs": runs}


def bench_calibration(repeats: int, quick: bool) -> dict:
    runs = run_worker({"setting": "calibration", "runs": 2 if quick else repeats, "warmup": 1})
    med = {k: _median(runs, k) for k in ("cpu_s", "goal_cpu_s", "maxrss_mb")}
    _say(f"calibration: {med['cpu_s']:.3f} s CPU per evaluation of the fit, {med['goal_cpu_s']:.3f} s in the goal's setting")
    r0 = runs[0]
    sizes = ", ".join(f"{k.removesuffix('.yaml')} {v:,}" for k, v in r0["sizes"].items())
    return {"setting": f"one evaluation of the default fit's model: {r0['scenarios']} scenarios ({sizes} citizens) "
                       f"× {r0['seeds']} seeds, 52 weeks, at the posterior medians; and in the goal's setting, "
                       f"{', '.join(r0['goal_scenarios'])} × {r0['goal_seeds']} seeds at the same sizes, timed alternately",
            "repeats": len(runs), "quick": quick, "median": med, "runs": runs}


SUITES = {"national": bench_national, "copenhagen": bench_copenhagen, "scaling": bench_scaling,
          "startup": bench_startup, "calibration": bench_calibration}


def stored_figures(p: argparse.ArgumentParser, results: Path) -> dict:
    """The figures kept beside ``results`` (its .json sibling), checked before anything runs:
    ``results`` is a Markdown file this command writes, new or one it wrote before (never
    another file), and the stored figures are a JSON object.  A new default store starts
    from the committed figures.  A bad path or store ends the command with one line (exit 2)."""
    if results.suffix != ".md":
        p.error(f"--results must name a Markdown file ending in .md (its .json sibling keeps the figures), not {results}")
    if results.exists() and not starts_with(results, report.TITLE):
        p.error(f"--results: {results} is not a results file this command wrote; it is left as it is, choose another path")
    path = results.with_suffix(".json")
    if not path.exists() and results == DEFAULT_RESULTS:
        path = COMMITTED_RESULTS.with_suffix(".json")   # the other suites' latest committed figures
    if not path.exists():
        return {}
    try:
        store = read_json(path)
    except InputError as e:
        p.error(f"--results: the stored figures cannot be used: {e}")
    if not isinstance(store, dict) or not set(store) <= {*SUITES, "history"} \
            or not isinstance(store.get("history", []), list):
        p.error(f"--results: {path} does not hold stored benchmark figures (a JSON object of the suites' "
                f"figures and their history); it is left as it is")
    return store


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("suite", nargs="?", default="all", choices=[*SUITES, "all"])
    p.add_argument("--repeats", type=int, default=None,
                   help="runs per setting (default: national 3, copenhagen 7, scaling 3, startup 5, calibration 7)")
    p.add_argument("--quick", action="store_true", help="tiny settings, to test the harness (figures meaningless)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--results", type=Path, default=DEFAULT_RESULTS,
                       help="Markdown file to write (its .json sibling keeps every suite's figures; "
                            "default: %(default)s)")
    where.add_argument("--write-committed", action="store_true",
                       help=f"write the committed {COMMITTED_RESULTS.name} (and its .json) instead")
    p.add_argument("--rev", default=None,
                   help="benchmark sim/ and scenarios/ as committed at this git revision (default: the working tree)")
    p.add_argument("--jobs", type=int, default=1,
                   help="fresh processes run at once (default 1; above 1 the wall times include contention)")
    p.add_argument("--render-only", action="store_true", help="rewrite the Markdown from the stored figures, run nothing")
    a = p.parse_args(argv)
    if a.write_committed:
        a.results = COMMITTED_RESULTS
    store = stored_figures(p, a.results)        # before anything runs: a bad path costs no measurement
    if a.render_only:
        if not a.results.with_suffix(".json").is_file():
            p.error(f"--render-only: no stored figures in {a.results.with_suffix('.json')}")
        write_whole(a.results, report.render(store))
        return 0
    if a.repeats is not None and a.repeats < 1:
        p.error("--repeats must be at least 1")
    global WORKDIR, JOBS
    JOBS = max(1, a.jobs)
    WORKDIR = snapshot(a.rev) if a.rev else ROOT
    store_path = a.results.with_suffix(".json")
    names = list(SUITES) if a.suite == "all" else [a.suite]
    try:
        for name in names:
            result = SUITES[name](a.repeats or DEFAULT_REPEATS[name], a.quick)
            result["machine"] = report.machine(a.rev)
            result["jobs"] = JOBS
            store[name] = result
            store.setdefault("history", []).append(report.history_entry(name, result))
            write_whole(store_path, json.dumps(store, indent=1) + "\n")
            write_whole(a.results, report.render(store))
    finally:                         # the snapshot of --rev is this command's own: never left behind
        if WORKDIR != ROOT:
            shutil.rmtree(WORKDIR, ignore_errors=True)
    _say(f"wrote {a.results}")
    return 0
