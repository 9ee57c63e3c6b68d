"""One possible history: the design and its baseline stepped together, one week at a
time, with the same seed, for watching the mechanics (not for conclusions: that is what
the ensembles are for).

Besides the weekly counts each arm records what happened to whom this week, read from
the model's public arrays by comparing them before and after the step: who came to a
mandatory meeting, who did not show up, who cancelled, who was sanctioned, and how many
open-advice visitors were served or left unserved.

>>> from sim.spec.scenario import Scenario
>>> h = History(Scenario(population={"size": 60}, horizon_weeks=3), Scenario(population={"size": 60}, horizon_weeks=3))
>>> h.step(); h.week, h.finished
(1, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import threading

import numpy as np
import pandas as pd

from sim.model.model import OutreachModel
from sim.spec.scenario import Scenario

#: per-citizen counters compared before and after a week -> the event they record
EVENTS = {"meetings_held": "came", "noshows": "noshow", "cancellations": "cancelled", "sanctions": "sanctioned"}
#: the model's counters behind the week's open-advice figures
VISITS = ("visits_case", "visits_served", "visits_unserved", "meetings_postponed")
ARMS = ("baseline", "design")


@dataclass
class Week:
    """What happened in one arm's last week."""

    week: int
    citizens: dict[str, np.ndarray] = field(default_factory=dict)   # event -> citizen ids
    visits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VISITS, 0))   # this week's counts


def _counters(m: OutreachModel) -> dict[str, np.ndarray]:
    return {k: getattr(m.pop, k).copy() for k in EVENTS}


def _week(m: OutreachModel, before: dict[str, np.ndarray], tallies: dict[str, float]) -> Week:
    out = Week(week=m.week)
    for k, event in EVENTS.items():
        now = getattr(m.pop, k)
        old = np.zeros(len(now), dtype=now.dtype)
        old[: len(before[k])] = before[k][: len(now)]
        out.citizens[event] = np.flatnonzero(now > old)
    after = m.tallies()
    out.visits = {k: int(round(after[k] - tallies[k])) for k in VISITS}
    return out


def _behaviour(sc: Scenario, parameters: dict[str, float] | None):
    """The scenario's behaviour with ``parameters`` in place (as :func:`sim.experiment.simulate.run_model`)."""
    if not parameters:
        return sc.behaviour
    return type(sc.behaviour).model_validate({**sc.behaviour.model_dump(), **parameters})


class History:
    """The baseline and the design built with the same seed and stepped together."""

    def __init__(self, baseline: Scenario, design: Scenario, seed: int | None = None,
                 parameters: dict[str, float] | None = None):
        seed = baseline.seed if seed is None else int(seed)
        self.seed = seed
        self.parameters = parameters       # behavioural parameters drawn for this seed (None: the scenarios' own)
        self.models = {arm: OutreachModel(sc, seed=seed, behaviour=_behaviour(sc, parameters))
                       for arm, sc in (("baseline", baseline), ("design", design))}
        self.last: dict[str, Week] = {arm: Week(week=0) for arm in ARMS}
        self.lock = threading.RLock()     # held while stepping; a page draws under it too

    @property
    def week(self) -> int:
        return self.models["design"].week

    @property
    def horizon(self) -> int:
        return self.models["design"].horizon

    @property
    def finished(self) -> bool:
        return self.week >= self.horizon

    def step(self) -> None:
        """One week in both arms (nothing once the horizon is reached)."""
        with self.lock:
            if self.finished:
                return
            for arm, m in self.models.items():
                before, tallies = _counters(m), m.tallies()
                m.step()
                self.last[arm] = _week(m, before, tallies)

    def run_to_end(self) -> None:
        while not self.finished:
            self.step()

    def weekly(self, arm: str) -> pd.DataFrame:
        """The arm's weekly table so far (one row per finished week)."""
        return pd.DataFrame(self.models[arm].weekly)

    def so_far(self, arm: str) -> dict[str, float]:
        """Running figures of one arm: shares of the citizens seen so far."""
        P = self.models[arm].pop
        n = max(1, len(P))
        return {"ever_self_sufficient": float((P.first_off >= 0).any(axis=1).sum()) / n,
                "ever_paid_hours": float((P.first_hours >= 0).sum()) / n,
                "citizens": float(len(P))}
