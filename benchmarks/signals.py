"""SIGTERM at random moments: ``python -m benchmarks.signals [--trials 200] [--seed 1] [--command calibrate]``.

Each trial starts ``fremskudt compare A B --workers 2`` (two small scenarios, so one run
takes a few seconds; with ``--command calibrate`` a calibration of one parameter to one
target, two generations on two workers) in a fresh folder, sends SIGTERM after a random delay drawn uniformly
from zero to a little longer than an undisturbed run takes (so the signal lands anywhere:
while the program starts, loads, starts its workers, simulates, writes, prints, or after
it has ended), and checks what the program promises:

* it ends within :data:`LIMIT_SECONDS` of the signal;
* with exit status 143 (128 + SIGTERM) when the signal came while it ran: the status the
  shell reports both for the program's own clean stop and for a process ended by the
  signal's default action before the program has set its handler (Python then reports
  -15; such trials are counted apart);
* without a traceback on stderr;
* with no process of the run left (every process of its process group gone within the
  limit);
* and with either no output folder and no hidden working folder, or a complete folder
  (``manifest.json``) when the results were complete before the signal.

A run that ends with status 0 and complete results although the signal was sent had
finished just before the signal took effect; it counts as ended before the signal.

Prints one line per failed trial and a summary (trials, where the signals landed, the
longest time to end, failures); exits 1 if any trial failed.  200 trials take about 20
minutes on 2 cores; ``tests/test_signals.py`` runs 10 as a slow test.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 5.0
#: what the program prints when it ends itself because its exit kept waiting after a stop
#: (``sim/interface/cli.py``, ``run``); such a trial passes but is counted and shown
DEADLINE_MARK = "did not end within"
SCENARIO = "name: {name}\nextends: {base}\npopulation:\n  size: {size}\nhorizon_weeks: 26\nreplications: {replications}\n"
#: Citizens and replications of each of the two compared scenarios (``--size``, ``--replications``).
SIZE, REPLICATIONS = 300, 6


@dataclass
class Trial:
    delay: float
    status: int | None = None
    seconds: float | None = None        # from the signal to the end (None: ended before the signal)
    stderr: str = ""
    left: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


#: ``--command calibrate``: one target and one prior, so that a generation takes a few seconds
TARGETS = ("targets:\n  - {id: noshow, statistic: noshow_share, scenario: central-jobcentre.yaml, value: 0.14, "
           "n: 42804, source: a test figure}\n")
PRIORS = "parameters:\n  noshow_central: {low: 0.05, high: 0.3, reason: a test range}\n"
#: the command the trials stop (``--command``)
COMMAND = "compare"


def _files(tmp: Path) -> list[str]:
    """Write the inputs of one trial's command in ``tmp``; its arguments.  The results go to
    ``tmp / "out"`` (compare) or ``tmp / "out" / "sig"`` (calibrate)."""
    if COMMAND == "calibrate":
        (tmp / "t.yaml").write_text(TARGETS)
        (tmp / "p.yaml").write_text(PRIORS)
        return ["calibrate", "--targets", "t.yaml", "--priors", "p.yaml", "--name", "sig", "--particles", "60",
                "--generations", "2", "--population", str(SIZE), "--predictive-draws", "4", "--workers", "2",
                "--runs-dir", "runs", "--out", "out"]
    for name, base in (("a", "central-jobcentre"), ("b", "small-caseload")):
        (tmp / f"{name}.yaml").write_text(SCENARIO.format(name=name, base=ROOT / "scenarios" / f"{base}.yaml",
                                                          size=SIZE, replications=REPLICATIONS))
    return ["compare", "a.yaml", "b.yaml", "--workers", "2", "--out", "out", "--quiet"]


def _results(tmp: Path) -> Path:
    return tmp / "out" / "sig" if COMMAND == "calibrate" else tmp / "out"


def _group(pgid: int) -> list[psutil.Process]:
    out = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (ProcessLookupError, psutil.Error, OSError):
            pass
    return out


def undisturbed_seconds(runs: int = 2) -> float:
    """How long one undisturbed run takes here (the quickest of ``runs``, so that a moment
    of load on a shared machine does not stretch the delays)."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            argv = _files(Path(tmp))
            t0 = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "sim", *argv], cwd=tmp, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"the undisturbed run failed: {done.stderr}")
            times.append(time.monotonic() - t0)
    return min(times)


def trial(delay: float) -> Trial:
    """One run, stopped by SIGTERM after ``delay`` seconds."""
    t = Trial(delay)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        argv = _files(tmp_path)
        proc = subprocess.Popen([sys.executable, "-m", "sim", *argv], cwd=tmp, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        signalled = proc.poll() is None
        if signalled:
            proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        try:
            _, t.stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            t.problems.append("still running 60 s after the signal")
            os.killpg(proc.pid, signal.SIGKILL)
            _, t.stderr = proc.communicate()
        t.status = proc.returncode
        if signalled:
            t.seconds = time.monotonic() - sent
        while _group(proc.pid) and time.monotonic() - sent < LIMIT_SECONDS:
            time.sleep(0.05)
        t.left = [" ".join(p.cmdline()[:4]) for p in _group(proc.pid)]
        for p in _group(proc.pid):
            p.kill()
        out = _results(tmp_path)
        hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        if out.parent != tmp_path and out.parent.is_dir():       # calibrate writes its fit in out/<name>
            hidden += [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
        complete = (out / "manifest.json").is_file()
        if signalled and t.status == 0 and complete and "stopped by" not in t.stderr:
            signalled, t.seconds = False, None          # it had ended just before the signal took effect
        if signalled:
            if t.seconds is not None and t.seconds > LIMIT_SECONDS:
                t.problems.append(f"ended {t.seconds:.1f} s after the signal")
            if t.status not in (128 + signal.SIGTERM, -signal.SIGTERM):
                t.problems.append(f"exit status {t.status}")
            if out.exists() and not complete:
                t.problems.append("an incomplete output folder was left")
        elif t.status != 0 or not complete:
            t.problems.append(f"ended before the signal with status {t.status}")
        if "Traceback" in t.stderr or "Exception ignored" in t.stderr:
            t.problems.append("a traceback on stderr")
        if signalled and t.stderr.count("fremskudt: stopped by") > 1:
            t.problems.append("the stop was reported more than once")
        if t.left:
            t.problems.append(f"processes left: {t.left}")
        if hidden:
            t.problems.append(f"hidden folders left: {hidden}")
    return t


def run(trials: int, seed: int = 1, progress: bool = True, window: tuple[float, float] | None = None,
        undisturbed_runs: int = 2) -> list[Trial]:
    """``trials`` runs stopped after delays drawn uniformly from ``window`` (default: zero to
    1.1 times the quickest of ``undisturbed_runs`` undisturbed runs)."""
    base = undisturbed_seconds(undisturbed_runs)
    low, high = window or (0.0, base * 1.1)
    rng = random.Random(seed)
    out, started = [], time.monotonic()
    for i in range(trials):
        t = trial(rng.uniform(low, high))
        out.append(t)
        if progress and t.problems:
            print(f"trial {i + 1}: SIGTERM after {t.delay:.2f} s: {'; '.join(t.problems)}\n{t.stderr[-1500:]}",
                  flush=True)
        elif progress and DEADLINE_MARK in t.stderr:
            print(f"trial {i + 1}: SIGTERM after {t.delay:.2f} s: ended by the exit deadline\n{t.stderr[-3000:]}",
                  flush=True)
        if progress and (i + 1) % 10 == 0:
            print(f"{i + 1} trials, {sum(bool(x.problems) for x in out)} failed, {time.monotonic() - started:.0f} s",
                  flush=True)
    if progress:
        print(summary(out, base, (low, high)), flush=True)
    return out


def summary(trials: list[Trial], base: float, window: tuple[float, float]) -> str:
    stopped = [t for t in trials if t.seconds is not None]
    default = [t for t in stopped if t.status == -signal.SIGTERM]
    complete = [t for t in stopped if "already complete" in t.stderr]
    deadline = [t for t in stopped if DEADLINE_MARK in t.stderr]
    failed = [t for t in trials if t.problems]
    longest = max((t.seconds for t in stopped), default=0.0)
    return (f"{len(trials)} trials (an undisturbed run takes {base:.1f} s; delays {window[0]:g} to {window[1]:.1f} s): "
            f"{len(stopped)} stopped by the signal ({len(default)} before the program had set its handler, "
            f"{len(complete)} after its results were complete, {len(deadline)} ended by the exit deadline), "
            f"{len(trials) - len(stopped)} ended before it; "
            f"longest time from the signal to the end {longest:.2f} s; {len(failed)} failed")


def main(argv: list[str] | None = None) -> int:
    global SIZE, REPLICATIONS, COMMAND
    p = argparse.ArgumentParser(prog="python -m benchmarks.signals", description=__doc__.split("\n")[0])
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--window", type=float, nargs=2, metavar=("LOW", "HIGH"), default=None,
                   help="draw the delays from LOW to HIGH seconds (default: 0 to 1.1 times an undisturbed run)")
    p.add_argument("--size", type=int, default=SIZE, help="citizens in each scenario (default: %(default)s)")
    p.add_argument("--replications", type=int, default=REPLICATIONS, help="default: %(default)s")
    p.add_argument("--command", choices=("compare", "calibrate"), default=COMMAND,
                   help="the command stopped: compare A B --workers 2 (default), or a small calibrate --workers 2")
    args = p.parse_args(argv)
    SIZE, REPLICATIONS, COMMAND = args.size, args.replications, args.command
    t0 = time.monotonic()
    trials = run(args.trials, args.seed, window=tuple(args.window) if args.window else None)
    print(f"took {time.monotonic() - t0:.0f} s")
    return 1 if any(t.problems for t in trials) else 0


if __name__ == "__main__":
    sys.exit(main())
