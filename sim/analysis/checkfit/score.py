"""How well a parameter source fits the targets at fresh seeds: the summed squared z over
the targets, one value per seed.

Each seed runs every target scenario once (one run, not the calibration's average of
several), so the sd of a target's z is ``sqrt(sd_reported² + sd_model² + sd_run²)`` with
``sd_run`` the sd of a single run at the documented defaults, measured from the defaults'
own runs; the same sd scores every source, so the sources are compared on one scale.  A
posterior is scored by weighted draws, one per seed; a fixed parameter set by itself.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.analysis.calibration import Target

from .predict import item_values


def run_sd(targets: Sequence[Target], values: pd.DataFrame, floor: float = 0.002) -> dict[str, float]:
    """Sd of each target statistic across single runs at one parameter set."""
    return {t.id: max(floor, float(values[t.id].std(ddof=1))) for t in targets}


def summed_z2(targets: Sequence[Target], values: pd.DataFrame, sd_run: Mapping[str, float]) -> np.ndarray:
    """Summed squared z over the targets for every row (seed) of ``values``."""
    total = np.zeros(len(values))
    for t in targets:
        sd = math.sqrt(t.error_sd ** 2 + sd_run[t.id] ** 2)
        v = values[t.id].to_numpy(float)
        dev = np.array([t.deviation(x) if math.isfinite(x) else 10.0 * sd for x in v])
        total += (dev / sd) ** 2
    return total


def compare(targets: Sequence[Target], sources: Mapping[str, Sequence[Mapping[str, Mapping[str, float]]]],
            reference: str) -> pd.DataFrame:
    """Per source (its simulated runs, one per seed): median, mean and quartiles of the
    summed squared z, scored with the single-run sd of the source ``reference``."""
    values = {name: item_values(targets, runs) for name, runs in sources.items()}
    sd_run = run_sd(targets, values[reference])
    rows = []
    for name, v in values.items():
        z2 = summed_z2(targets, v, sd_run)
        rows.append({"source": name, "seeds": len(z2), "median": float(np.median(z2)), "mean": float(z2.mean()),
                     "q25": float(np.quantile(z2, 0.25)), "q75": float(np.quantile(z2, 0.75))})
    return pd.DataFrame(rows)
