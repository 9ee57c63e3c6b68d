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

GOALS = {"national_wall_s": 60.0, "national_rss_mb": 2048.0, "copenhagen_sims_per_s": 10.0}


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
    for pkg in ("mesa", "simpy", "numpy", "pydantic", "pandas"):
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


def render(store: dict) -> str:
    out = ["# Benchmark results", "",
           "Written by `.venv/bin/python -m benchmarks [national|copenhagen|scaling|all] [--repeats N]`",
           "(see `benchmarks/__init__.py`). Figures are medians over the repeats; wall time is build plus run",
           "of one simulation, CPU time is the process CPU time of the same span (the simulation is",
           "single-threaded, so CPU time is the one-core cost even when other work shares the machine).",
           "Peak memory is `ru_maxrss` of a fresh process per run (it includes about 150 MB of imports).",
           "Goals are judged on CPU time: on a machine shared with other work the wall time also counts",
           "time spent waiting for a core (see the load average under each table).", ""]
    quick = any(v.get("quick") for v in store.values())
    if quick:
        out += ["> **Quick mode**: tiny settings that test the harness; the figures mean nothing.", ""]
    if "national" in store:
        r, md = store["national"], store["national"]["median"]
        runs = r["runs"]
        aw_cpu = median(x["agent_weeks"] / x["cpu_s"] for x in runs)
        out += ["## National", "", f"Setting: {r['setting']}. Repeats: {r['repeats']} (fresh process each, {_jobs(r)}).", "",
                "| wall s | CPU s | build s | agent-weeks | agent-weeks/s | agent-weeks/CPU-s | peak RSS MB | goal ≤ 60 s (CPU) | goal ≤ 2 GB |",
                "|---:|---:|---:|---:|---:|---:|---:|---|---|",
                f"| {md['wall_s']:.1f} | {md['cpu_s']:.1f} | {md['build_s']:.1f} | {md['agent_weeks']:,.0f} | "
                f"{md['agent_weeks_per_s']:,.0f} | {aw_cpu:,.0f} | {md['maxrss_mb']:,.0f} | "
                f"{_ok(md['cpu_s'] <= GOALS['national_wall_s'])} | {_ok(md['maxrss_mb'] <= GOALS['national_rss_mb'])} |",
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
                "| wall s/sim | CPU s/sim | simulations/s | simulations/CPU-s | peak RSS MB | goal ≥ 10/s (CPU) |",
                "|---:|---:|---:|---:|---:|---|",
                f"| {md['wall_s']:.3f} | {md['cpu_s']:.3f} | {md['sims_per_s']:.2f} | {md['sims_per_cpu_s']:.2f} | "
                f"{md['maxrss_mb']:.0f} | {_ok(md['sims_per_cpu_s'] >= GOALS['copenhagen_sims_per_s'])} |",
                "", f"Machine: {_machine_line(r['machine'])}", ""]
    if "scaling" in store:
        r = store["scaling"]
        out += ["## Scaling", "", f"Setting: {r['setting']}. Repeats: {r['repeats']} (fresh process each, {_jobs(r)}).", "",
                "| citizens | wall s | CPU s | citizen-weeks | events | events/citizen-week | CPU µs/citizen-week | CPU µs/event | peak RSS MB |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        per_cw = []
        for row in r["rows"]:
            md, runs = row["median"], row["runs"]
            us_cw = median(1e6 * x["cpu_s"] / x["citizen_weeks"] for x in runs)
            us_ev = median(1e6 * x["cpu_s"] / x["events"] for x in runs)
            per_cw.append(us_cw)
            out.append(f"| {row['size']:,} | {md['wall_s']:.2f} | {md['cpu_s']:.2f} | {md['citizen_weeks']:,.0f} | "
                       f"{md['events']:,.0f} | {md['events_per_citizen_week']:.3f} | {us_cw:.2f} | {us_ev:.2f} | "
                       f"{md['maxrss_mb']:.0f} |")
        rows = r["rows"]
        if len(rows) >= 2:
            ratio = per_cw[-1] / per_cw[0]
            out += ["", f"CPU cost per citizen-week grows {ratio:.1f}× from {rows[0]['size']:,} to {rows[-1]['size']:,} "
                        f"citizens (linear cost: 1.0×; goal taken as at most 1.25×): {_ok(ratio <= 1.25)}."]
        out += ["", "Events are model events counted after the run: logged citizen events (state changes, no-shows,",
                "placements, ...), summoned meetings, problems, mentor sessions and match attempts.", "",
                f"Machine: {_machine_line(r['machine'])}", ""]
    return "\n".join(out)
