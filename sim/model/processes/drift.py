"""Barrier drift (process 5): the ratings are a caseworker's subjective form, and the
reported A-G tables show much churn.  Each week a citizen on benefit has one rating change
with the summed weekly probability of ``improve_spontaneous`` and
``deteriorate_spontaneous`` (annual), up or down in proportion to the two: up raises the
weakest factor, down lowers a factor drawn at random."""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from sim.spec.parameters import annual_to_weekly

from ..declare import transition
from ..rng import rescaled
from ..states import LAST_ON_BENEFIT
from ..transitions import deteriorate, improve
from .base import WEEK, Process

DriftParams = namedtuple("DriftParams", ["p_change", "p_up"])
FACTORS = 5


@transition(reads=("state", "chance"), calls=(improve, deteriorate))
@njit(cache=True)
def drift(C, par, week, keys):  # pragma: no cover - compiled
    """The weekly chance (word 1 of the citizen's chances) decides a change; the same number
    rescaled, up or down; rescaled again, which factor (sim.model.rng.rescaled)."""
    for i in range(C.state.shape[0]):
        if C.state[i] > LAST_ON_BENEFIT:
            continue
        u = C.chance[i, 1]
        if u < par.p_change:
            v = rescaled(u, par.p_change)
            if v < par.p_up:
                improve(C, i, rescaled(v, par.p_up))
            else:
                deteriorate(C, i, int(rescaled(v, par.p_up) * FACTORS))


class BarrierDrift(Process):
    name = "barrier drift"
    calls = (drift,)

    def __init__(self, m):
        super().__init__(m)
        up, down = annual_to_weekly(m.b.improve_spontaneous), annual_to_weekly(m.b.deteriorate_spontaneous)
        self.par = DriftParams(p_change=float(min(1.0, up + down)), p_up=float(up / (up + down) if up + down > 0 else 0.0))

    def active(self, m) -> bool:
        return self.par.p_change > 0

    def plan(self, m):
        return ((drift, (self.par, WEEK, m.keys)),)
