"""The distance between simulated and reported figures: the sum of squared z-scores.

Each target's standard deviation combines the sampling error of the reported figure
(binomial ``sqrt(p(1-p)/n)`` when the source gives its denominator, else the stated ``sd``),
a stated model-discrepancy sd where the targets file gives one, and the model's own
Monte-Carlo error at the simulated population size and number of seeds per evaluation,
estimated once before the first generation from replications at the centre of the prior
and stored with the run, so a resumed run uses exactly the same distance.  A target given
as a range contributes zero inside the range and is scored against the nearer bound outside.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import pandas as pd

from sim.model.rng import replication_seeds

from .model import MultiScenarioModel
from .targets import Target


#: z-score given to a statistic the model could not compute (NaN), so that such a
#: parameter set is strongly penalised but the adaptive epsilon stays finite.
NAN_Z = 10.0


#: Floor on the Monte-Carlo sd, so that a statistic that happened not to vary in the
#: pilot replications does not get an infinite weight.
MC_SD_FLOOR = 0.002


class ZScoreDistance:
    """Sum of squared z-scores: (simulated - reported) / sqrt(sampling sd^2 + model sd^2 + MC sd^2).

    The model sd (``model_sd`` of a target, default 0) is a stated model discrepancy:
    how far the model may be from a figure it represents only approximately."""

    def __init__(self, targets: Sequence[Target], mc_sd: Mapping[str, float] | None = None):
        self.targets = list(targets)
        self.mc_sd = {t.id: float((mc_sd or {}).get(t.id, 0.0)) for t in self.targets}
        self.sd = {t.id: math.sqrt(t.error_sd ** 2 + self.mc_sd[t.id] ** 2) for t in self.targets}

    def z(self, x: Mapping[str, float]) -> dict[str, float]:
        out = {}
        for t in self.targets:
            v = x.get(t.id, math.nan)
            v = float(v) if v is not None else math.nan
            out[t.id] = NAN_Z if not math.isfinite(v) else t.deviation(v) / self.sd[t.id]
        return out

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float] | None = None) -> float:
        return float(sum(z * z for z in self.z(x).values()))

    def partial(self, x: Mapping[str, float]) -> float:
        """The part of the distance owed to the targets in ``x`` (a target missing from
        ``x`` adds nothing here, unlike in the full distance, where it counts as NaN)."""
        return float(sum(z * z for k, z in self.z(x).items() if k in x))


def estimate_mc_sd(model: MultiScenarioModel, params: Mapping[str, float], reps: int, seed: int) -> dict[str, float]:
    """Monte-Carlo sd of every target statistic at ``params`` from ``reps`` replications."""
    rows = [model.simulate(params, s) for s in replication_seeds(seed, reps)]
    df = pd.DataFrame(rows)
    sd = df.std(ddof=1) if reps > 1 else pd.Series(0.0, index=df.columns)
    return {k: float(max(MC_SD_FLOOR, v if math.isfinite(v) else MC_SD_FLOOR)) for k, v in sd.items()}
