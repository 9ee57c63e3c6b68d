"""Intake (process 7): new referrals (visitation) arrive as a Poisson number a week
(``inflow_per_week``) and join the waiting list."""

from __future__ import annotations

from ..population import add_citizens
from .base import Process


class Intake(Process):
    name = "intake"

    def step(self, m, week: int) -> None:
        rate = m.scenario.population.inflow_per_week
        if rate > 0:
            k = int(m.streams["intake"].poisson(rate))
            if k:
                add_citizens(m, k, initial=False)
