"""Problems (process 6): a letter the citizen cannot read, debt, a health worry, a conflict
at the placement.  They arise at weekly rate ``problem_rate × (1 + problem_barrier_effect ×
factors rated 1-2)``; a citizen on benefit meets one with probability ``1 − exp(−rate)``.
Where the citizen's area office has open advice, the citizen plans to drop in on one of its
opening days this week with probability ``dropin_probability``, shifted by trust like
attendance (the visit is served in process 10); otherwise the problem stays unsolved
(process 12)."""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import njit

from ..attendance import expit, logit
from ..declare import transition
from ..rng import rescaled
from ..states import LAST_ON_BENEFIT, MIDPOINT
from ..tally import Tally
from .base import WEEK, Process

ProblemsParams = namedtuple("ProblemsParams", ["p_by_low", "dropin_logit", "trust_effect"])


@transition(reads=("state", "low_factors", "area", "trust", "day_count", "day_index", "chance"),
            writes=("visit_day", "unsolved"), counts=(Tally.PROBLEMS,))
@njit(cache=True)
def problems(C, par, week, keys, tally):  # pragma: no cover - compiled
    """The weekly chance (word 2 of the citizen's chances) decides a problem; the same
    number rescaled, a visit; rescaled again, the day (sim.model.rng.rescaled)."""
    for i in range(C.state.shape[0]):
        if C.state[i] > LAST_ON_BENEFIT:
            continue
        p = par.p_by_low[C.low_factors[i]]
        u = C.chance[i, 2]
        if u >= p:
            continue
        tally[Tally.PROBLEMS] += 1
        area = C.area[i]
        if area >= 0 and C.day_count[area] > 0:
            u = rescaled(u, p)
            p = expit(par.dropin_logit + par.trust_effect * (C.trust[i] - MIDPOINT))
            if u < p:
                C.visit_day[i] = C.day_index[area, int(rescaled(u, p) * C.day_count[area])]
                continue
        C.unsolved[i] = True


class Problems(Process):
    name = "problems"
    calls = (problems,)

    def __init__(self, m):
        super().__init__(m)
        b = m.b
        self.par = ProblemsParams(p_by_low=np.array([1.0 - math.exp(-b.problem_rate * (1.0 + b.problem_barrier_effect * k))
                                             for k in range(6)]),
                          dropin_logit=float(logit(b.dropin_probability)), trust_effect=float(b.attendance_trust_effect))

    def plan(self, m):
        return ((problems, (self.par, WEEK, m.keys, m.tally)),)
