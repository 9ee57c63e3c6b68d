"""Machine description and the Markdown tables of RESULTS.md."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent

GOALS = {"national_cpu_s": 3.0, "national_rss_mb": 1024.0, "copenhagen_sims_per_cpu_s": 40.0,
         "copenhagen_speed_vs_reference": 4.0, "startup_wall_s": 2.0, "calibration_cpu_s": 0.25, "scaling_ratio": 1.25}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine(rev: str | None = None) -> dict:
    versions = {}
    for pkg in ("mesa", "simpy", "numpy", "numba", "pydantic", "pandas"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "-"
    dirty = "" if rev else _git("status", "--porcelain", "--", "sim", "scenarios")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "memory_gb": round(mem_gb, 1),
            "python": platform.python_version(), "packages": versions,
            "commit": _git("rev-parse", "--short", rev or "HEAD") or "unknown", "rev": rev,
            "sim_modified": bool(dirty), "load_average": [round(x, 2) for x in os.getloadavg()],
            "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _machine_line(m: dict) -> str:
    pk = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    tree = (f" (sim/ and scenarios/ as committed, `--rev {m['rev']}`)" if m.get("rev")
            else " (working tree; sim/ or scenarios/ had uncommitted changes)" if m["sim_modified"] else "")
    return (f"{m['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}; {pk}; "
            f"commit {m['commit']}{tree}; load average at the end {m['load_average'][0]}")


def _jobs(r: dict) -> str:
    j = r.get("jobs", 1)
    return "one at a time" if j == 1 else f"{j} at a time, so wall times include contention"


def _ok(flag: bool) -> str:
    return "met" if flag else "**not met**"


def _ref(md: dict) -> str:
    return f"{md['reference_cpu_s']:.3f}" if "reference_cpu_s" in md else "–"


def _speed(md: dict) -> str:
    """Speed relative to the trivial plain-Mesa model of the same size measured in the same
    process (benchmarks/reference.py): reference CPU ÷ model CPU; above 1 is faster."""
    return f"{md['speed_vs_reference']:.2f}×" if "speed_vs_reference" in md else "–"


def history_entry(suite: str, result: dict) -> dict:
    """The headline figures of one measurement, kept in RESULTS.json's history."""
    m = result["machine"]
    if suite == "scaling":
        head = {str(r["size"]): round(median(1e6 * x["cpu_s"] / x["citizen_weeks"] for x in r["runs"]), 3)
                for r in result["rows"]}
    else:
        md = result["median"]
        head = {"cpu_s": round(md["cpu_s"], 4), "maxrss_mb": round(md["maxrss_mb"])}
        if "speed_vs_reference" in md:
            head["speed_vs_reference"] = round(md["speed_vs_reference"], 3)
        if "goal_cpu_s" in md:            # the calibration evaluation in the goal's setting
            head["goal_cpu_s"] = round(md["goal_cpu_s"], 4)
    return {"suite": suite, "commit": m["commit"], "date": m["date"], "quick": result.get("quick", False), **head}


def _history(store: dict) -> list[str]:
    rows = [h for h in store.get("history", []) if not h.get("quick")]
    if not rows:
        return []
    out = ["## Before and after", "", "Every full measurement, oldest first (CPU seconds, medians; speed relative to",
           "naive Mesa of the same size measured in the same run where recorded).", "",
           "| date | commit | suite | figures |", "|---|---|---|---|"]
    for h in rows:
        figs = ", ".join(f"{k} {v}" for k, v in h.items() if k not in ("suite", "commit", "date", "quick"))
        if h["suite"] == "scaling":
            figs = "CPU µs per citizen-week by size: " + figs
        out.append(f"| {h['date']} | {h['commit']} | {h['suite']} | {figs} |")
    return out + [""]


TITLE = "# Benchmark results"     #: the first line of every results file the command writes


def render(store: dict) -> str:
    out = [TITLE, "",
           "Written by `.venv/bin/python -m benchmarks [national|copenhagen|scaling|startup|calibration|all] [--repeats N]`",
           "(see `benchmarks/__init__.py`). Figures are medians over the repeats; wall time is build plus run",
           "of one simulation, CPU time is the process CPU time of the same span (the simulation is",
           "single-threaded, so CPU time is the one-core cost even when other work shares the machine).",
           "Peak memory is `ru_maxrss` of a fresh process per run (it includes about 150 MB of imports).",
           "Goals are judged on CPU time: on a machine shared with other work the wall time also counts",
           "time spent waiting for a core (see the load average under each table).  Each run also times a",
           "trivial plain-Mesa model of the same size in the same process, alternately with the model",
           "(`benchmarks/reference.py`: each citizen an agent drawing a few random transitions a week);",
           "'speed vs naive Mesa' is its CPU time divided by the model's, a figure that drifts much less",
           "than seconds on a shared machine.", ""]
    quick = any(v.get("quick") for k, v in store.items() if k != "history")
    if quick:
        out += ["> **Quick mode**: tiny settings that test the harness; the figures mean nothing.", ""]
    if "national" in store:
        r, md = store["national"], store["national"]["median"]
        runs = r["runs"]
        aw_cpu = median(x["agent_weeks"] / x["cpu_s"] for x in runs)
        out += ["## National", "", f"Setting: {r['setting']}. Repeats: {r['repeats']} (fresh process each, {_jobs(r)}).", "",
                f"| wall s | CPU s | build s | agent-weeks/CPU-s | peak RSS MB | naive Mesa CPU s | speed vs naive Mesa | goal ≤ {GOALS['national_cpu_s']:g} s (CPU) | goal ≤ 1 GB |",
                "|---:|---:|---:|---:|---:|---:|---:|---|---|",
                f"| {md['wall_s']:.1f} | {md['cpu_s']:.1f} | {md['build_s']:.1f} | {aw_cpu:,.0f} | {md['maxrss_mb']:,.0f} | "
                f"{_ref(md)} | {_speed(md)} | "
                f"{_ok(md['cpu_s'] <= GOALS['national_cpu_s'])} | {_ok(md['maxrss_mb'] <= GOALS['national_rss_mb'])} |",
                "", "Runs (wall s / CPU s / MB): " + "; ".join(
                    f"{x['wall_s']:.1f} / {x['cpu_s']:.1f} / {x['maxrss_mb']:.0f}" for x in runs),
                "", "Agent-weeks: citizens and caseworkers in the model each week, plus mentors, consultants and",
                "companies, summed over the weeks.", "",
                f"Machine: {_machine_line(r['machine'])}", ""]
    if "copenhagen" in store:
        r, md = store["copenhagen"], store["copenhagen"]["median"]
        out += ["## Copenhagen", "",
                f"Setting: {r['setting']} (from {r['source']}), `simulate(..., detail=False)`; "
                f"{r['repeats']} timed runs after one warm-up, one process.", "",
                f"| wall s/sim | CPU s/sim | simulations/CPU-s | naive Mesa CPU s | speed vs naive Mesa | peak RSS MB "
                f"| goal ≥ {GOALS['copenhagen_sims_per_cpu_s']:g}/CPU-s | goal ≥ {GOALS['copenhagen_speed_vs_reference']:g}× naive Mesa |",
                "|---:|---:|---:|---:|---:|---:|---|---|",
                f"| {md['wall_s']:.4f} | {md['cpu_s']:.4f} | {md['sims_per_cpu_s']:.1f} | {_ref(md)} | {_speed(md)} | "
                f"{md['maxrss_mb']:.0f} | {_ok(md['sims_per_cpu_s'] >= GOALS['copenhagen_sims_per_cpu_s'])} | "
                f"{_ok(md.get('speed_vs_reference', 0) >= GOALS['copenhagen_speed_vs_reference'])} |",
                "", f"Machine: {_machine_line(r['machine'])}", ""]
    if "scaling" in store:
        r = store["scaling"]
        out += ["## Scaling", "", f"Setting: {r['setting']}. Repeats: {r['repeats']} (fresh process each, {_jobs(r)}).", "",
                "| citizens | wall s | CPU s | citizen-weeks | events/citizen-week | CPU µs/citizen-week | CPU µs/event | speed vs naive Mesa | peak RSS MB |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        per_cw = []
        for row in r["rows"]:
            md, runs = row["median"], row["runs"]
            us_cw = median(1e6 * x["cpu_s"] / x["citizen_weeks"] for x in runs)
            us_ev = median(1e6 * x["cpu_s"] / x["events"] for x in runs)
            per_cw.append(us_cw)
            out.append(f"| {row['size']:,} | {md['wall_s']:.3f} | {md['cpu_s']:.3f} | {md['citizen_weeks']:,.0f} | "
                       f"{md['events_per_citizen_week']:.3f} | {us_cw:.2f} | {us_ev:.2f} | {_speed(md)} | "
                       f"{md['maxrss_mb']:.0f} |")
        rows = r["rows"]
        if len(rows) >= 2:
            spread = max(per_cw) / min(per_cw)
            trend = "falls" if per_cw[-1] < per_cw[0] else "grows"
            out += ["", f"CPU cost per citizen-week {trend} from {per_cw[0]:.2f} µs at {rows[0]['size']:,} citizens to "
                        f"{per_cw[-1]:.2f} µs at {rows[-1]['size']:,}; the largest is {spread:.2f}× the smallest "
                        f"(goal: within {GOALS['scaling_ratio']}×): {_ok(spread <= GOALS['scaling_ratio'])}."]
        out += ["", "Events are counted from the model's tallies after the run: summoned meetings, problems,",
                "open-advice visits, mentor and group sessions and match attempts.", "",
                f"Machine: {_machine_line(r['machine'])}", ""]
    if "startup" in store:
        r, md = store["startup"], store["startup"]["median"]
        exit_cell = f"{md['exit_s']:.2f}" if "exit_s" in md else "in the wall time"    # figures from before the column
        out += ["## A fresh worker", "", f"Setting: {r['setting']}. Repeats: {r['repeats']} (fresh process each).", "",
                f"| wall s | CPU s | of which imports | of which the simulation | then the process's exit, wall s | "
                f"peak RSS MB | goal ≤ {GOALS['startup_wall_s']:g} s |",
                "|---:|---:|---:|---:|---:|---:|---|",
                f"| {md['wall_s']:.2f} | {md['cpu_s']:.2f} | {md['import_cpu_s']:.2f} | {md['simulation_cpu_s']:.2f} | "
                f"{exit_cell} | {md['maxrss_mb']:.0f} | {_ok(md['wall_s'] <= GOALS['startup_wall_s'])} |", "",
                "Wall and CPU time run from the start of the process to the end of its first simulation (the",
                "goal); the process's exit after it (printing the result, the interpreter's shutdown) is shown",
                "apart (figures written before this column existed include the exit in the wall time).", "",
                "The compiled processes come from the cache (`sim/model/jit.py`); compiling them once after a change",
                "of the model takes about two minutes on 2 cores, and the command line says so.", "",
                f"Machine: {_machine_line(r['machine'])}", ""]
    if "calibration" in store:
        r, md = store["calibration"], store["calibration"]["median"]
        out += ["## A calibration evaluation", "", f"Setting: {r['setting']}. Repeats: {r['repeats']} after one warm-up, one process.", "",
                f"| evaluation | CPU s | peak RSS MB | goal ≤ {GOALS['calibration_cpu_s']:g} s |", "|---|---:|---:|---|",
                f"| as the fit evaluates | {md['cpu_s']:.3f} | {md['maxrss_mb']:.0f} | {_ok(md['cpu_s'] <= GOALS['calibration_cpu_s'])} |",
                *([f"| the goal's setting (4 scenarios × 4 seeds) | {md['goal_cpu_s']:.3f} | | "
                   f"{_ok(md['goal_cpu_s'] <= GOALS['calibration_cpu_s'])} |"] if "goal_cpu_s" in md else []), "",
                f"Machine: {_machine_line(r['machine'])}", ""]
    out += _history(store)
    return "\n".join(out)
