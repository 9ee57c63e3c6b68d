"""The model stays the model: a cheap version of ``python -m benchmarks.equivalence check``.

A few seeds of three shipped scenarios at full size are compared with the reference
outcomes frozen in ``benchmarks/reference/outcomes.csv`` (100 replications each).  A mean
further than 4.5 standard errors of the difference from the reference fails: a deliberate
change of a rule must re-freeze the reference in the same commit (see that folder's
README), so the model cannot drift silently.  The seeds are fixed, so the test cannot flake.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario, simulate
from sim.model.rng import replication_seeds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.equivalence import CHECK_SEED, REFERENCE  # noqa: E402

SEEDS = replication_seeds(CHECK_SEED, 6)
LIMIT = 4.5
#: relative difference of means taken as the same value: the reference file keeps six significant digits
SAME_VALUE = 1e-6


@pytest.mark.parametrize("name", ["jobgaranti-outreach", "copenhagen-outreach", "central-jobcentre"])
def test_outcomes_agree_with_the_frozen_reference(name):
    ref = pd.read_csv(REFERENCE)
    ref = ref[ref["scenario"] == name].set_index("outcome")
    assert len(ref) > 20, f"no reference for {name}"
    sc = load_scenario(name)
    runs = pd.DataFrame([simulate(sc, seed=s, detail=False) for s in SEEDS])
    bad = []
    for outcome, r in ref.iterrows():
        values = runs[outcome].dropna()
        if np.isfinite(r["mean"]) != (len(values) > 0):
            bad.append(f"{outcome}: reference {r['mean']:.4g}, now {len(values)} of {len(runs)} runs define it")
            continue
        if not np.isfinite(r["mean"]):
            continue
        se = math.sqrt(r["sd"] ** 2 / r["n"] + max(r["sd"], values.std()) ** 2 / len(values))
        diff = values.mean() - r["mean"]
        if abs(diff) <= SAME_VALUE * max(1.0, abs(r["mean"])):     # the same value, up to the file's rounding
            continue
        if (se == 0 and abs(diff) > 1e-12) or (se > 0 and abs(diff) / se > LIMIT):
            bad.append(f"{outcome}: reference {r['mean']:.4g}, now {values.mean():.4g} ({diff / se if se else np.inf:+.1f} SE)")
    assert not bad, "outcomes moved from the frozen reference:\n" + "\n".join(bad)
