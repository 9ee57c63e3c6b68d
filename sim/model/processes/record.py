"""Record (process 14): the week's row of ``model.weekly`` (counts by pathway state, paid
hours, active caseworkers, cumulative sanctions and open-advice visits), the citizen-weeks and paid-hour
integrals the outcome measures need, each citizen's accumulated weeks and hours (one pass
over the population, :func:`sim.model.kernels.record_week`), and, 52 weeks after week 0,
each citizen's status for the A-G transition tables."""

from __future__ import annotations

import numpy as np

from sim.spec.parameters import WEEKS_PER_MONTH

from .. import barriers, kernels, pathway
from ..states import OFF, ST, State, Status52
from ..tally import Tally
from .base import Process

STATE_KEYS = tuple(s.name.lower() for s in State)
#: the columns of the weekly table (``model.weekly``, one row per finished week)
WEEKLY_KEYS = ("week", *STATE_KEYS, "with_paid_hours", "caseworkers", "waiting", "sanctions", "open_advice_visits")


class Record(Process):
    name = "record"
    counts = (Tally.CASE_WEEKS, Tally.BENEFIT_WEEKS, Tally.PLACEMENT_WEEKS, Tally.COURSE_WEEKS, Tally.GROUP_WEEKS,
              Tally.HOURS_WEEKS, Tally.WITH_HOURS_WEEKS, Tally.SMAJOB_WEEKS)

    def __init__(self, m):
        self.index = np.array(self.counts, dtype=np.int64)

    def step(self, m, week: int) -> None:
        P, t = m.pop, m.tally
        counts = np.zeros(len(State), dtype=np.int64)
        totals = np.zeros(6)
        kernels.record_week(P.state, P.hours, P.placement, P.in_course, P.in_group, P.mentor, pathway.SMAJOB_HOURS,
                            1.0 / WEEKS_PER_MONTH, P.benefit_weeks, P.self_sufficient_weeks, P.paid_hours,
                            P.paid_hours_on_benefit, P.internship_weeks, P.wage_subsidy_weeks,
                            P.housing_placement_weeks, P.course_weeks, P.mentor_weeks, P.group_course_weeks,
                            counts, totals)
        on_benefit, in_course, in_group, hours, paid, smajob = totals
        t[self.index] += (counts[ST.TRIN1] + counts[ST.TRIN2] + counts[ST.TRIN3], on_benefit, counts[ST.TRIN3],
                           in_course, in_group, hours, paid, smajob)
        n = counts.tolist()
        m.weekly.append({"week": week, **dict(zip(STATE_KEYS, n)), "with_paid_hours": int(paid),
                         "caseworkers": int(m.cw.active.sum()), "waiting": n[ST.NOT_ENROLLED],
                         "sanctions": int(t[Tally.SANCTIONS]), "open_advice_visits": int(t[Tally.VISITS_CASE])})
        if week + 1 == 52:
            self.status_at_52(m)

    @staticmethod
    def status_at_52(m) -> None:
        """Status for the 12-month A-G tables (copenhagen-outreach-2015, Udviklingsmål tables after Bilag 2)."""
        P = m.pop
        off = P.state == ST.SELF_SUFFICIENT
        job = off & ((P.off_kind == OFF.JOB) | (P.off_kind == OFF.EDUCATION))
        P.status52 = np.select([job, off | (P.state == ST.EXITED), barriers.is_good(P.category)],
                               [Status52.JOB_EDUCATION, Status52.OTHER, Status52.GOOD], Status52.POOR)
