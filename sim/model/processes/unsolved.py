"""Unsolved problems (process 12): a problem no one solved this week may be solved by the
housing organisation's debt counselling (``debt_counselling_solve``, where offered);
otherwise it worsens social conditions, health or personal competences (even odds) by one
step with ``problem_escalation_probability``, and breaks down a company placement with
``problem_breakdown_probability``."""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from ..barriers import ESCALATION_FACTORS
from ..declare import transition
from ..rng import Stream, uniforms
from ..states import LAST_ON_BENEFIT, Placement
from ..tally import Tally
from ..transitions import back_to_trin2, deteriorate
from .base import WEEK, Process

UnsolvedParams = namedtuple("UnsolvedParams", ["debt_counselling", "p_counselled", "p_escalation", "p_breakdown", "factors"])


@transition(reads=("unsolved", "state", "placement"), calls=(deteriorate, back_to_trin2), streams=(Stream.UNSOLVED,),
            counts=(Tally.DEBT_COUNSELLED, Tally.PROBLEMS_UNSOLVED))
@njit(cache=True)
def unsolved_problems(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    for i in range(C.unsolved.shape[0]):
        if not C.unsolved[i] or C.state[i] > LAST_ON_BENEFIT:
            continue
        u = uniforms(keys[Stream.UNSOLVED], week, i, 0)
        if par.debt_counselling and u[0] < par.p_counselled:
            tally[Tally.DEBT_COUNSELLED] += 1
            continue
        tally[Tally.PROBLEMS_UNSOLVED] += 1
        if u[1] < par.p_escalation:
            deteriorate(C, i, par.factors[int(u[2] * par.factors.shape[0])])
        if C.placement[i] != Placement.NONE and u[3] < par.p_breakdown:
            back_to_trin2(C, i, True, week, T, keys, tally)


class UnsolvedProblems(Process):
    name = "unsolved problems"
    calls = (unsolved_problems,)

    def __init__(self, m):
        super().__init__(m)
        b = m.b
        self.par = UnsolvedParams(debt_counselling=bool(m.housing is not None and m.housing.debt_counselling),
                          p_counselled=float(b.debt_counselling_solve), p_escalation=float(b.problem_escalation_probability),
                          p_breakdown=float(b.problem_breakdown_probability), factors=ESCALATION_FACTORS)

    def plan(self, m):
        return ((unsolved_problems, (self.par, m.T, WEEK, m.keys, m.tally)),)
