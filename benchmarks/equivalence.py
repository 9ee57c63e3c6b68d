"""Statistical equivalence of the model across rewrites.

    python -m benchmarks.equivalence freeze [--seeds 60] [--workers 2]
    python -m benchmarks.equivalence check  [--seeds 60] [--workers 2]

``freeze`` runs every shipped scenario at full size for ``--seeds`` replications and
writes, per scenario and outcome, the mean, standard deviation and number of finite
values to ``benchmarks/reference/outcomes.csv`` (with the commit it came from in
``benchmarks/reference/README.md``'s table and in the file's ``commit`` column).

``check`` runs the same scenarios with *other* seeds (independent samples) and
compares every outcome's mean with the frozen one: the difference in units of its
standard error, ``z = (mean_new - mean_ref) / sqrt(sd_ref²/n_ref + sd_new²/n_new)``.
It prints every |z| > 3 and writes the full table to ``benchmarks/out/equivalence.csv``.

Seeds: the freeze uses ``replication_seeds(FREEZE_SEED, n)`` and the check
``replication_seeds(CHECK_SEED, n)``; a scenario's own seed is not used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = HERE / "reference" / "outcomes.csv"
FREEZE_SEED = 1_000_003
CHECK_SEED = 2_000_003
#: the scenario 'default' is copenhagen-outreach with more replications: the same model
SKIP = {"default"}


def _load(path):
    try:
        from sim import load_scenario
    except ImportError:  # pragma: no cover - older layouts
        from sim.spec.scenario import load_scenario
    return load_scenario(path)


def _one(args: tuple[str, int]) -> dict[str, float]:
    path, seed = args
    from sim import simulate
    return dict(simulate(_load(path), seed=seed, detail=False))


def scenario_files() -> list[Path]:
    return [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if p.stem not in SKIP]


def run_all(base_seed: int, n: int, workers: int) -> pd.DataFrame:
    from sim.experiment.pool import local_pool
    from sim.model.rng import replication_seeds
    seeds = replication_seeds(base_seed, n)
    rows = []
    with local_pool(workers) as pool:      # workers die with this process, whatever stops it
        for path in scenario_files():
            name = _load(path).name
            for rep, out in enumerate(pool.map(_one, [(str(path), s) for s in seeds])):
                for k, v in out.items():
                    rows.append({"scenario": name, "replication": rep, "seed": seeds[rep], "outcome": k,
                                 "value": float(v)})
            print(f"  {name}: {n} replications", file=sys.stderr)
    return pd.DataFrame(rows)


def describe(reps: pd.DataFrame) -> pd.DataFrame:
    g = reps.dropna(subset=["value"]).groupby(["scenario", "outcome"], sort=False)["value"]
    return g.agg(mean="mean", sd="std", n="count").reset_index()


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def compare(ref: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario and outcome: both means and the z of their difference."""
    m = ref.merge(new, on=["scenario", "outcome"], how="outer", suffixes=("_ref", "_new"))
    se = np.sqrt(m["sd_ref"] ** 2 / m["n_ref"] + m["sd_new"] ** 2 / m["n_new"])
    diff = m["mean_new"] - m["mean_ref"]
    z = np.where(se > 0, diff / se.where(se > 0, 1.0), np.where(diff.abs() < 1e-12, 0.0, np.inf))
    m["difference"] = diff
    m["z"] = z
    return m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.equivalence", description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["freeze", "check"])
    ap.add_argument("--seeds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    args = ap.parse_args(argv)
    if args.action == "freeze":
        reps = run_all(FREEZE_SEED, args.seeds, args.workers)
        table = describe(reps)
        table.insert(0, "commit", commit())
        args.reference.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.reference, index=False, float_format="%.6g")
        print(f"wrote {args.reference} ({len(table)} rows, commit {table['commit'].iloc[0]})")
        return 0
    ref = pd.read_csv(args.reference)
    reps = run_all(CHECK_SEED, args.seeds, args.workers)
    table = compare(ref.drop(columns="commit"), describe(reps))
    out = HERE / "out" / "equivalence.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, float_format="%.6g")
    bad = table[~(table["z"].abs() <= 3)]
    print(f"{len(table)} scenario-outcomes compared with the reference of commit {ref['commit'].iloc[0]}; "
          f"{len(bad)} differ by more than 3 standard errors (table: {out})")
    for r in bad.itertuples():
        print(f"  {r.scenario:<22} {r.outcome:<36} ref {r.mean_ref:.4g}  new {r.mean_new:.4g}  z {r.z:+.1f}")
    return 0 if bad.empty else 1


if __name__ == "__main__":
    sys.exit(main())
