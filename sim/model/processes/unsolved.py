"""Unsolved problems (process 11): a problem no one solved this week may be solved by the
housing organisation's debt counselling (``debt_counselling_solve``, where offered);
otherwise it worsens social conditions, health or personal competences by one step with
``problem_escalation_probability``, and breaks down a company placement with
``problem_breakdown_probability``."""

from __future__ import annotations

import numpy as np

from .. import barriers, pathway
from ..states import PL, ST
from ..tally import Tally
from .base import Process


class UnsolvedProblems(Process):
    name = "unsolved problems"
    counts = (Tally.DEBT_COUNSELLED, Tally.PROBLEMS_UNSOLVED, Tally.BREAKDOWNS)

    def step(self, m, week: int) -> None:
        P, b = m.pop, m.b
        ids = np.asarray(m.unsolved, dtype=np.int64)
        ids = ids[P.state[ids] <= ST.TRIN3]
        if len(ids) == 0:
            return
        if m.housing is not None and m.housing.debt_counselling:
            solved = m.draw("debt_counselling", ids) < b.debt_counselling_solve
            m.tally[Tally.DEBT_COUNSELLED] += solved.sum()
            ids = ids[~solved]
        m.tally[Tally.PROBLEMS_UNSOLVED] += len(ids)
        worse = m.draw("escalation", ids) < b.problem_escalation_probability
        factor = barriers.ESCALATION_FACTORS[(m.draw("escalation_factor", ids) * 3).astype(int)]
        pathway.ratings_changed(m, barriers.deteriorate(P.ratings, ids[worse], factor[worse]))
        placed = ids[P.placement[ids] != PL.NONE]
        pathway.back_to_trin2(m, placed[m.draw("problem_breakdown", placed) < b.problem_breakdown_probability],
                              broke_down=True)
