"""Problems (process 6): a letter the citizen cannot read, debt, a health worry, a conflict
at the placement.  They arise at weekly rate ``problem_rate × (1 + problem_barrier_effect ×
factors rated 1-2)``; a citizen on benefit meets one with probability ``1 − exp(−rate)``.
Where the citizen's area office has open advice, the citizen drops in on one of its
opening days this week with probability ``dropin_probability``, higher with trust (the
visit is served in process 10); otherwise the problem stays unsolved (process 11)."""

from __future__ import annotations

import math

import numpy as np

from .. import attendance
from ..states import ST
from ..tally import Tally
from .base import Process


class Problems(Process):
    name = "problems"
    counts = (Tally.PROBLEMS,)

    def __init__(self, m):
        b = m.b
        self.p_by_low = np.array([1.0 - math.exp(-b.problem_rate * (1.0 + b.problem_barrier_effect * k))
                                  for k in range(6)])
        self.dropin_logit = attendance.logit(b.dropin_probability)
        self.n_days = np.array([len(m.open_days.get(o, ())) for o in range(m.n_offices)], dtype=np.int64)
        self.days = np.zeros((max(1, m.n_offices), 5), dtype=np.int64)
        for o, days in m.open_days.items():
            self.days[o, : len(days)] = days

    def step(self, m, week: int) -> None:
        P, b = m.pop, m.b
        on = np.flatnonzero(P.state <= ST.TRIN3)
        hit = on[m.draw_all("problem", on) < self.p_by_low[P.low_factors[on]]]
        m.tally[Tally.PROBLEMS] += len(hit)
        area = P.area[hit]
        open_ = (area >= 0) & (self.n_days[np.maximum(area, 0)] > 0) if m.n_offices else np.zeros(len(hit), bool)
        p = attendance.expit(self.dropin_logit + b.attendance_trust_effect * (P.trust[hit] - 0.5))
        visit = open_ & (m.draw("dropin", hit) < p)
        who, office = hit[visit], area[visit].astype(np.int64)
        pick = (m.draw("dropin_day", who) * self.n_days[office]).astype(np.int64)
        m.visits = (who, office, self.days[office, pick])
        m.unsolved = hit[~visit]
