"""The fit to the targets at fresh seeds, compared with the model of an earlier commit.

    python -m benchmarks.fit --rev 9e9f6b4 [--seeds 40] [--posterior calibration/fitted/default]

Scores three sources with the summed squared z over today's targets
(``calibration/targets.yaml``), one run of every target scenario per seed: the model and
documented defaults as committed at ``--rev`` (``sim/`` and ``scenarios/`` extracted with
``git archive``, run in a fresh process with this environment), today's documented defaults,
and weighted draws from today's posterior.  Every source is scored with the single-run sd
measured at ``--rev``'s defaults (:mod:`sim.analysis.checkfit.score`), so the figures share
one scale.  Each model computes the target statistics with its own outcome definitions: the
comparison is of what each version of the product says about the reported figures.
Writes ``benchmarks/out/fit.csv``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: run in the snapshot: simulate the scenarios (with overrides and caps) at the given seeds
_CHILD = r"""
import json, sys
from sim import simulate
from sim.spec.scenario import load_scenario
from sim.analysis.calibration import scale_scenario
from sim.model.rng import replication_seeds
job = json.loads(sys.stdin.read())
scenarios = {}
for name, (over, cap) in job["scenarios"].items():
    scenarios[name] = scale_scenario(load_scenario("scenarios/" + name, over or None), cap)
runs = [{n: {k: float(v) for k, v in dict(simulate(sc, seed=s, detail=False)).items()} for n, sc in scenarios.items()}
        for s in replication_seeds(job["seed"], job["seeds"])]
print(json.dumps(runs))
"""


def earlier_runs(rev: str, scenarios: dict, seed: int, seeds: int) -> list[dict]:
    """Runs of the model at ``rev`` with its own defaults."""
    from benchmarks.cli import snapshot
    tmp = snapshot(rev)
    out = subprocess.run([sys.executable, "-c", _CHILD], cwd=tmp, input=json.dumps(
        {"scenarios": scenarios, "seed": seed, "seeds": seeds}), capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(tmp), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rev", required=True, help="earlier commit whose model and defaults are scored")
    ap.add_argument("--seeds", type=int, default=40)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--posterior", type=Path, default=ROOT / "calibration" / "fitted" / "default")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    import pandas as pd
    from sim.analysis.calibration import TARGETS_DEFAULT, load_population_caps, load_scenario_overrides, load_targets
    from sim.analysis.checkfit import predict, score
    targets = load_targets()
    over, caps = load_scenario_overrides(TARGETS_DEFAULT), load_population_caps(TARGETS_DEFAULT)
    names = list(dict.fromkeys(t.scenario for t in targets))
    scenarios = predict.scenarios_for(targets, TARGETS_DEFAULT)
    sources = {f"model and defaults at {a.rev}": earlier_runs(a.rev, {n: (over.get(n), caps.get(n)) for n in names},
                                                            a.seed, a.seeds),
               "today's documented defaults": predict.simulate_draws(scenarios, [{}] * a.seeds, a.seed, a.workers)}
    post = pd.read_parquet(a.posterior / "posterior.parquet")
    sources["draws from today's posterior"] = predict.simulate_draws(
        scenarios, predict.parameter_draws(post, a.seeds, a.seed + 1), a.seed + 2, a.workers)
    table = score.compare(targets, sources, reference=f"model and defaults at {a.rev}")
    out = HERE / "out" / "fit.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, float_format="%.4g")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    change = 1 - table.iloc[2]["median"] / table.iloc[0]["median"]
    print(f"posterior draws against {a.rev}'s defaults: median summed squared z {100 * abs(change):.0f} % "
          + ("lower" if change >= 0 else "higher"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
