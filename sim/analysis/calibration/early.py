"""Early rejection: an evaluation stops as soon as its distance is past epsilon.

The distance (:class:`.ZScoreDistance`) is a sum of squared z-scores, one per target, and
every target belongs to one scenario.  An evaluation runs its scenarios one after another
and adds up their terms; once the sum is larger than the generation's epsilon, the
terms still to come (none negative) cannot bring it back under, so the proposal is
rejected there and the remaining scenarios are not run.  A proposal that is accepted has
run every scenario, with the same seeds as a full evaluation, and returns exactly its
statistics and distance; a rejected one would have been rejected by the full evaluation
too.  The posterior is therefore the one a full evaluation gives; only rejections cost
less.

The scenarios run in :attr:`EarlyRejectingModel.order`: those that carried the most
distance in the last generation first (:func:`scenario_order`), so that a proposal which
fails, fails early.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pyabc

from .distance import ZScoreDistance
from .model import MultiScenarioModel, parameter_seed


class EarlyRejectingModel(pyabc.IntegratedModel):
    """pyabc model that evaluates a proposal scenario by scenario and rejects it as soon
    as the summed squared z of the scenarios run so far exceeds epsilon."""

    def __init__(self, model: MultiScenarioModel, distance: ZScoreDistance, order: Sequence[str] | None = None):
        super().__init__(name=type(model).__name__)
        self.model, self.distance = model, distance
        self.order = list(order) if order is not None else list(model.scenarios)

    def sample(self, pars) -> dict[str, float]:
        """The full evaluation (pyabc calls this for the prior sample that sets the first epsilon)."""
        return self.model(pars)

    def run(self, params: Mapping[str, float], eps: float) -> tuple[dict[str, float], list[str]]:
        """The statistics of the scenarios run before the distance passed ``eps`` (all of
        them when it did not), and the names of the scenarios run."""
        self.model.ensure_worker()
        p = dict(params)
        clean, seeds = self.model.clean(p), self.model.replications(parameter_seed(p, self.model.run_seed))
        stats: dict[str, float] = {}
        done: list[str] = []
        for name in self.order:
            stats.update(self.model.scenario_statistics(name, clean, seeds))
            done.append(name)
            if self.distance.partial(stats) > eps:
                break
        return stats, done

    def result(self, stats: Mapping[str, float], done: Sequence[str], eps: float) -> pyabc.ModelResult:
        """pyabc's verdict on what :meth:`run` returned: accepted only when every scenario
        ran and the full distance is within ``eps``."""
        if len(done) < len(self.order):
            return pyabc.ModelResult(accepted=False)
        x = {t.id: stats[t.id] for t in self.model.targets}
        d = self.distance(x)
        if d > eps:
            return pyabc.ModelResult(accepted=False)
        return pyabc.ModelResult(sum_stat=x, distance=d, accepted=True)

    def integrated_simulate(self, pars, eps: float) -> pyabc.ModelResult:
        return self.result(*self.run(pars, eps), eps)


def scenario_order(model: MultiScenarioModel, distance: ZScoreDistance,
                   sum_stats: Sequence[Mapping[str, float]], weights: Sequence[float] | None = None) -> list[str]:
    """The scenarios of ``model``, the one whose targets carried the largest mean share of
    the distance in ``sum_stats`` (a generation's particles) first; in the model's own
    order when there are none."""
    names = list(model.scenarios)
    if not sum_stats:
        return names
    w = np.ones(len(sum_stats)) if weights is None else np.asarray(weights, float)
    carried = {}
    for name in names:
        ids = [t.id for t in model.targets if t.scenario == name]
        carried[name] = float(np.average([distance.partial({k: x[k] for k in ids}) for x in sum_stats], weights=w))
    return sorted(names, key=lambda n: -carried[n])
