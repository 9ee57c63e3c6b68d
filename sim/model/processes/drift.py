"""Barrier drift (process 5): the ratings are a caseworker's subjective form, and the
reported A-G tables show much churn.  Each week a citizen on benefit has one rating change
with the summed weekly probability of ``improve_spontaneous`` and
``deteriorate_spontaneous`` (annual), up or down in proportion to the two: up raises the
weakest factor, down lowers a random one."""

from __future__ import annotations

import numpy as np

from sim.spec.parameters import annual_to_weekly

from .. import barriers, pathway
from ..states import ST
from .base import Process


class BarrierDrift(Process):
    name = "barrier drift"

    def __init__(self, m):
        self.up = annual_to_weekly(m.b.improve_spontaneous)
        self.down = annual_to_weekly(m.b.deteriorate_spontaneous)

    def step(self, m, week: int) -> None:
        p = min(1.0, self.up + self.down)
        if p <= 0:
            return
        P = m.pop
        on = np.flatnonzero(P.state <= ST.TRIN3)
        hit = on[m.draw_all("drift", on) < p]
        direction = m.draw("drift_direction", hit) < self.up / (self.up + self.down)
        choice = m.draw("drift_choice", hit)
        up, down = hit[direction], hit[~direction]
        changed = np.concatenate([barriers.improve(P.ratings, up, choice[direction]),
                                  barriers.deteriorate(P.ratings, down, (choice[~direction] * 5).astype(int))])
        pathway.ratings_changed(m, changed)
