"""Memory of ``fremskudt run`` by population, replications and workers:
``python -m benchmarks.memory [--sizes 5000 20000 50000] [--replications 1 4] [--workers 1 2] [--write PATH]``.

Each setting runs ``fremskudt run`` on ``central-jobcentre`` scaled to the size
(``sim/spec/scale.py``: staff in proportion) in a fresh process and records the peak
resident memory of the command and its worker processes together (sampled every 0.1 s).
From the runs it fits, by least squares over the single-process runs,

    peak = base + working × citizens + kept × citizens × replications

and, from the runs with two workers, the memory each further worker process adds.  These
are the figures :mod:`sim.experiment.resources` uses, rounded up, to refuse a run that
would not fit in memory.  Prints a Markdown table; ``--write PATH`` also writes it (the
committed ``benchmarks/MEMORY.md`` is rewritten only when asked).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent


def peak_rss(argv: list[str], cwd: Path) -> tuple[int, float]:
    """(peak resident bytes of the command and its children together, seconds)."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sim", *argv], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    parent, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            total = sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)])
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.1)
    err = proc.stderr.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err}")
    return peak, time.monotonic() - t0


def measure(size: int, replications: int, workers: int) -> dict:
    from sim.spec.scale import scale_to
    from sim.spec.scenario import load_scenario

    base = load_scenario("central-jobcentre")
    scaled = scale_to(base, size) if size <= base.population.size else _enlarged(base, size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "memory.yaml"
        import yaml
        path.write_text(yaml.safe_dump({**scaled.resolved(), "name": "memory", "reported": None}))
        rss, seconds = peak_rss(["run", str(path), "--replications", str(replications), "--workers", str(workers),
                                 "--out", "out", "--quiet"], Path(tmp))
    return {"citizens": size, "replications": replications, "workers": workers, "peak": rss, "seconds": seconds}


def _enlarged(sc, size: int):
    """``sc`` at a larger population, its staff and companies in proportion."""
    k = size / sc.population.size
    d = sc.model_dump()
    d["population"]["size"] = size
    org = d["organisation"]
    org["caseworkers"] = org["caseworkers"] * k
    for key in ("mentors", "company_consultants", "outreach_offices"):
        org[key] = int(round(org[key] * k))
    d["companies"]["count"] = int(round(d["companies"]["count"] * k))
    return type(sc).model_validate(d)


def fit(rows: list[dict]) -> dict:
    single = [r for r in rows if r["workers"] == 1]
    X = np.array([[1.0, r["citizens"], r["citizens"] * r["replications"]] for r in single])
    y = np.array([r["peak"] for r in single], dtype=float)
    base, working, kept = np.linalg.lstsq(X, y, rcond=None)[0]
    extra = [r["peak"] - (base + working * r["citizens"] + kept * r["citizens"] * r["replications"])
             for r in rows if r["workers"] == 2]
    return {"base": base, "working": working, "kept": kept, "worker": float(np.mean(extra)) if extra else float("nan")}


def table(rows: list[dict], f: dict) -> str:
    lines = ["# Memory of `fremskudt run`", "",
             "Peak resident memory of the command and its worker processes together (`python -m benchmarks.memory`).",
             "", "| citizens | replications | workers | peak (MB) | seconds |", "|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['citizens']:,} | {r['replications']} | {r['workers']} | {r['peak'] / 1e6:,.0f} | "
              f"{r['seconds']:.1f} |" for r in rows]
    lines += ["", "Least-squares fit over the single-process runs: "
              f"base {f['base'] / 1e6:,.0f} MB, {f['working']:,.0f} bytes per citizen while a replication runs, "
              f"{f['kept']:,.0f} bytes per citizen and replication kept until the tables are written; each further "
              f"worker process adds {f['worker'] / 1e6:,.0f} MB (two workers against one process). In these runs the "
              "working memory of a running replication is hard to tell apart from what is kept; a single simulation's "
              "own peak grows by about 800 bytes per citizen from 20,000 to 100,000 citizens, and "
              "`sim/experiment/resources.py` uses 1,000. It uses the other figures rounded up.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 50_000])
    p.add_argument("--replications", type=int, nargs="+", default=[1, 4])
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--write", type=Path, default=None, help="also write the table to this file")
    args = p.parse_args(argv)
    rows = []
    for size in args.sizes:
        for reps in args.replications:
            for workers in args.workers:
                if workers > 1 and reps == 1:
                    continue
                rows.append(measure(size, reps, workers))
                print(rows[-1], flush=True)
    text = table(rows, fit(rows))
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
