"""Staff turnover (process 1): caseworkers leave, and replacements start.

A caseworker leaves with weekly probability from ``staff_turnover_annual``; the cases go at
once to the least-loaded colleague of the same office, else of the whole job centre (each
a change of caseworker: trust falls, and the change penalty applies for
``caseworker_change_weeks``).  A replacement starts ``vacancy_weeks`` later and takes cases
from the most-loaded colleagues until the loads balance (more changes).
"""

from __future__ import annotations

import numpy as np

from sim.spec.parameters import annual_to_weekly

from .. import build, caseload, pathway
from ..states import ST
from ..tally import Tally
from .base import Process


class StaffTurnover(Process):
    name = "staff turnover"
    counts = (Tally.CASEWORKERS_LEFT, Tally.CASEWORKER_CHANGES)

    def __init__(self, m):
        self.p_leave = annual_to_weekly(m.b.staff_turnover_annual)

    def step(self, m, week: int) -> None:
        cw = m.cw
        u = m.streams["turnover"].random(len(cw))
        for j in np.flatnonzero(cw.active & (cw.hired_week < week) & (u < self.p_leave)):
            self.leave(m, int(j))
        for j in np.flatnonzero(~cw.active & (cw.replacement_week == week)):
            self.replace(m, int(j))

    def leave(self, m, j: int) -> None:
        cw, P = m.cw, m.pop
        cw.active[j] = False
        m.staff_version += 1
        m.caseworkers_by_index[j].remove()      # nobody meets a caseworker who has left
        m.tally[Tally.CASEWORKERS_LEFT] += 1
        cases = np.flatnonzero(P.caseworker == j)
        new = caseload.pick_caseworkers(m, cases, cap=None)
        alone = cases[new < 0]
        if len(alone):       # no colleague left: the cases wait for the replacement
            pathway.leave_placement(m, alone)
            pathway.set_hours(m, alone, np.zeros(len(alone)))
            caseload.release(m, alone)
            pathway.set_state(m, alone, ST.NOT_ENROLLED)
            m.waiting.extend(alone.tolist())
        caseload.change_caseworker(m, cases[new >= 0], new[new >= 0])
        cw.caseload[j] = 0
        cw.replacement_week[j] = week_after(m, m.b.vacancy_weeks)

    def replace(self, m, old: int) -> None:
        cw, P = m.cw, m.pop
        new = build.hire(m, int(cw.office[old]), int(cw.estate_days[old]))
        active = np.flatnonzero(cw.active)
        target = int(cw.caseload[active].sum()) // len(active)
        donors = sorted((j for j in active if j != new), key=lambda j: (-cw.caseload[j], j))
        for d in donors:
            spare = min(int(cw.caseload[d]) - (target + 1), target - int(cw.caseload[new]))
            if spare <= 0:
                break          # donors come most loaded first: no later one has cases to spare
            cases = np.flatnonzero(P.caseworker == d)[::-1][:spare]
            caseload.change_caseworker(m, cases, np.full(len(cases), new))


def week_after(m, weeks: int) -> int:
    return m.week + max(1, int(weeks))
