"""Does the population scale change a design comparison?  ``python -m benchmarks.scale``

Runs a design and its reference (by default ``small-caseload`` against
``central-jobcentre``) at two population scales with the same replication seeds, and for
every key outcome compares the mean paired difference (design minus reference) across
the scales.  The two scales' differences agree *within Monte-Carlo error* when

    |z| = |d_a - d_b| / sqrt(se_a^2 + se_b^2) <= Z_AGREE

where ``se`` is the standard error of a mean paired difference (sd of the per-seed
differences / sqrt(replications)).  Scenarios are scaled by
:func:`sim.spec.scale.scale_scenario` (whole people, fractional capacity kept); with
``--rounded`` the contrast is shown as well: staff scaled and then rounded to whole
people by the model, which is what changed conclusions before.

    python -m benchmarks.scale                         # scales 0.2 and 1, 200 replications
    python -m benchmarks.scale --scales 0.1 1 --replications 100 --workers 2 --rounded

The table goes to stdout and, unless ``--no-write``, to ``benchmarks/out/SCALE.md``; only
``--write-committed`` replaces the committed ``benchmarks/SCALE.md``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from sim.experiment.findings import FINDING_OUTCOMES
from sim.experiment.runner import execute, plan, replications_table
from sim.experiment.statistics import verdict
from sim.spec.scale import scale_scenario
from sim.spec.scenario import Scenario, load_scenario

Z_AGREE = 3.0          #: |z| above this: the scales disagree beyond Monte-Carlo error
HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "SCALE.md"
COMMITTED = HERE / "SCALE.md"


def rounded(sc: Scenario, k: float) -> Scenario:
    """The old way, for contrast: staff times ``k``, rounded to whole people by the model."""
    from sim.analysis.calibration import scale_scenario as rounding
    return rounding(sc, int(round(sc.population.size * k)))


def differences(reference: Scenario, design: Scenario, replications: int, seed: int,
                workers: int = 1) -> pd.DataFrame:
    """Per key outcome: mean paired difference, its standard error and its verdict."""
    _, tasks = plan([reference, design], seed, replications)
    reps = replications_table(execute(tasks, workers=workers))
    wide = reps.pivot_table(index=["outcome", "seed"], columns="scenario", values="value", aggfunc="first")
    rows = []
    for o in FINDING_OUTCOMES:
        sub = wide.loc[o]
        d = (sub[design.name] - sub[reference.name]).dropna().to_numpy(dtype=float)
        if not d.size:
            continue
        lo, hi = np.quantile(d, [0.05, 0.95])
        same = float(np.mean(np.sign(d) == np.sign(d.mean()))) if d.mean() else 0.0
        rows.append({"outcome": o, "difference": float(d.mean()),
                     "se": float(d.std(ddof=1) / math.sqrt(d.size)) if d.size > 1 else math.nan,
                     "verdict": verdict(float(lo), float(hi), same, int(d.size)), "pairs": int(d.size)})
    return pd.DataFrame(rows).set_index("outcome")


def check(reference: str = "central-jobcentre", design: str = "small-caseload", scales=(0.2, 1.0),
          replications: int = 200, seed: int | None = None, workers: int = 1,
          scaler: Callable[[Scenario, float], Scenario] = scale_scenario) -> pd.DataFrame:
    """The design-minus-reference difference of every key outcome at each of two scales,
    and their agreement z (see the module docstring)."""
    ref, des = load_scenario(reference), load_scenario(design)
    seed = ref.seed if seed is None else seed
    a, b = (differences(scaler(ref, k), scaler(des, k), replications, seed, workers) for k in scales)
    out = a.add_suffix("_a").join(b.add_suffix("_b"), how="inner")
    gap, se = out["difference_a"] - out["difference_b"], np.hypot(out["se_a"], out["se_b"])
    # an outcome that never varies at either scale (e.g. småjobs where no design has them)
    # agrees exactly when the differences are equal
    out["z"] = np.where(se > 0, gap / se.where(se > 0, 1.0), np.where(gap == 0, 0.0, np.inf))
    out["agrees"] = out["z"].abs() <= Z_AGREE
    return out.reset_index()


def markdown(table: pd.DataFrame, scales, title: str) -> str:
    a, b = (f"{k:g}" for k in scales)
    lines = [f"### {title}", "",
             f"| outcome | difference at {a} (pp) | verdict | difference at {b} (pp) | verdict | z | agrees |",
             "|---|---:|---|---:|---|---:|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.outcome} | {100 * r.difference_a:+.2f} ± {100 * r.se_a:.2f} | {r.verdict_a} | "
                     f"{100 * r.difference_b:+.2f} ± {100 * r.se_b:.2f} | {r.verdict_b} | {r.z:+.2f} | "
                     f"{'yes' if r.agrees else '**no**'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n")[0])
    p.add_argument("--reference", default="central-jobcentre")
    p.add_argument("--design", default="small-caseload")
    p.add_argument("--scales", type=float, nargs=2, default=(0.2, 1.0))
    p.add_argument("--replications", type=int, default=200)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--rounded", action="store_true", help="also show staff rounded to whole people (the old way)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--no-write", action="store_true", help="print only; write no file")
    where.add_argument("--write-committed", action="store_true",
                       help=f"write the committed {COMMITTED.name} instead of {OUT.relative_to(HERE.parent)}")
    a = p.parse_args(argv)
    t0 = time.time()
    kw = dict(reference=a.reference, design=a.design, scales=a.scales, replications=a.replications, seed=a.seed,
              workers=a.workers)
    parts = [f"# Scale check: {a.design} minus {a.reference}", "",
             f"{a.replications} replications per scale and scenario, same seeds; mean paired difference ± its "
             f"standard error, in percentage points; verdicts by sim.experiment.statistics; the scales agree when "
             f"|z| <= {Z_AGREE:g}.", ""]
    kept = check(**kw)
    parts.append(markdown(kept, a.scales, "Fractional capacity kept (sim.spec.scale)"))
    if a.rounded:
        parts += ["", markdown(check(**kw, scaler=rounded), a.scales, "Staff rounded to whole people (contrast)")]
    parts += ["", f"{time.time() - t0:.0f} s wall with {a.workers} worker(s)."]
    text = "\n".join(parts) + "\n"
    print(text)
    if not a.no_write:
        out = COMMITTED if a.write_committed else OUT
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 0 if kept["agrees"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
