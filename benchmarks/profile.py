"""Text profiles of the benchmark settings with pyinstrument.

    .venv/bin/python -m benchmarks.profile [national|copenhagen] [--weeks W] [--runs N] [--processes]

Writes ``benchmarks/out/profiles/<setting>.txt`` (or, with ``--write-committed``, the
committed ``benchmarks/profiles/<setting>.txt``): a call tree (frames under 1 % of the
time hidden) and a flat list of the functions with the most self time.  The profiler
slows the run down (it hooks every Python call), so the profiled wall time is longer
than the benchmark's; the shares are what matter.  ``--processes`` prints instead the CPU
time per run spent in each weekly process, measured with a clock and no profiler.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from . import settings

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "profiles"
COMMITTED = HERE / "profiles"


def flat_self_time(session, top: int) -> list[str]:
    """Self time per function over the whole (unprocessed) call tree, largest first."""
    totals: dict[tuple, float] = {}
    root = session.root_frame()
    stack = [root]
    while stack:
        f = stack.pop()
        stack.extend(f.children)
        if not f.is_synthetic:      # [self] leaves count in their parent's total_self_time
            key = (f.function, f.file_path_short, f.line_no)
            totals[key] = totals.get(key, 0.0) + f.total_self_time
    total = root.time
    rows = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return [f"{t:8.3f} s {100 * t / total:5.1f} %  {fn}  {path}:{line}" for (fn, path, line), t in rows]


def profile(setting: str, weeks: int | None, runs: int, out_dir: Path = OUT, top: int = 40) -> Path:
    from sim.model.model import OutreachModel
    from sim.experiment.outcomes import compute

    sc = settings.build(setting, None, weeks)
    OutreachModel(settings.build("copenhagen", 200, 2), seed=1).run()     # loads the compiled loops first
    prof = Profiler(interval=0.001, use_timing_thread=True)
    t0 = time.perf_counter()
    prof.start()
    for i in range(runs):
        m = OutreachModel(sc, seed=1 + i).run()
        if setting == "copenhagen":
            compute(m)        # simulate(..., detail=False)
    prof.stop()
    wall = time.perf_counter() - t0
    session = prof.last_session
    tree = ConsoleRenderer(unicode=True, color=False, show_all=False,
                           processor_options={"filter_threshold": 0.01}).render(session)
    flat_lines = flat_self_time(session, top)
    head = [f"# pyinstrument profile: {setting} ({settings.describe(sc)}), {runs} run(s)",
            f"# profiled wall time {wall:.1f} s (profiler overhead included)", ""]
    text = "\n".join(head + ["## Call tree (frames < 1 % hidden)", "", tree.strip("\n"), "",
                             f"## Flat: self time per function (top {top})", ""]
                     + flat_lines) + "\n"
    text = text.replace(str(Path(__file__).resolve().parent.parent) + "/", "")     # paths relative to the project
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{setting}.txt"
    path.write_text(text)
    return path


def process_times(setting: str, weeks: int | None, runs: int) -> list[tuple[str, float]]:
    """CPU milliseconds per run spent in each of the model's weekly processes (and in
    building the model), measured without a profiler: the week is stepped by hand as
    ``OutreachModel.step`` steps it, with a clock around each part."""
    from sim.model.model import OutreachModel

    sc = settings.build(setting, None, weeks)
    OutreachModel(sc, seed=1).run()                      # loads the compiled loops
    spent: dict[str, float] = {"(build the model)": 0.0}
    for i in range(runs):
        t0 = time.process_time()
        m = OutreachModel(sc, seed=2 + i)
        spent["(build the model)"] += time.process_time() - t0
        while m.week < m.horizon:
            t0 = time.process_time()
            m.start_week()
            spent["(start of the week)"] = spent.get("(start of the week)", 0.0) + time.process_time() - t0
            for process in m.processes:
                t0 = time.process_time()
                process.step(m, m.week)
                spent[process.name] = spent.get(process.name, 0.0) + time.process_time() - t0
            m.week += 1
    return sorted(((k, 1000 * v / runs) for k, v in spent.items()), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    p.add_argument("setting", choices=["national", "copenhagen"])
    p.add_argument("--processes", action="store_true",
                   help="print CPU ms per run spent in each weekly process instead of writing a profile")
    p.add_argument("--weeks", type=int, default=None, help="horizon (default: the setting's own)")
    p.add_argument("--runs", type=int, default=None, help="runs to profile (default: national 1, copenhagen 10)")
    p.add_argument("--write-committed", action="store_true",
                   help=f"write the committed profile in {COMMITTED.relative_to(HERE.parent)}/ instead of "
                        f"{OUT.relative_to(HERE.parent)}/")
    a = p.parse_args(argv)
    runs = a.runs or (1 if a.setting == "national" else 10)
    if a.processes:
        rows = process_times(a.setting, a.weeks, runs)
        total = sum(v for _, v in rows)
        for name, ms in rows:
            print(f"{name:<36} {ms:9.2f} ms  {100 * ms / total:5.1f} %")
        print(f"{'total':<36} {total:9.2f} ms")
        return 0
    print(profile(a.setting, a.weeks, runs, COMMITTED if a.write_committed else OUT), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
