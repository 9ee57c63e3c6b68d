"""Trin 3: placements and paid hours (process 4).

* An internship or housing placement ends after 13 weeks (the legal maximum for the
  non-job-ready, activation-practice-2012), wage subsidy after ``wage_subsidy_weeks``; it
  turns into an agreement on ordinary hours with ``internship_conversion`` (×
  ``conversion_without_agreement`` without an agreement on hours 'på sigt') or
  ``wage_subsidy_conversion`` (a job that ends the benefit, or a småjob:
  :func:`sim.model.pathway.start_ordinary_hours`), else the citizen goes back to trin 2
  and loses ``internship_motivation_drop`` of motivation.
* A placement breaks down with ``breakdown_annual``, less ``retention_support_effect``
  with retention support or a mentor; trin 2 is then repeated (jobgaranti-midway-2019,
  the trin model).
* At each month boundary småjob hours grow by ``hours_step`` with
  ``hours_growth_probability``, up to 160 hours × health factor / 5; at
  ``self_sufficiency_hours`` the citizen leaves benefit through the job.
"""

from __future__ import annotations

import math

import numpy as np

from sim.spec.parameters import WEEKS_PER_MONTH, annual_to_weekly

from .. import pathway
from ..states import OFF, PL, ST
from ..tally import Tally
from .base import Process


def month_boundaries(horizon: int) -> set[int]:
    """Weeks in which a new month begins (months of 52/12 weeks)."""
    return {math.ceil(k * WEEKS_PER_MONTH) for k in range(1, int(horizon / WEEKS_PER_MONTH) + 2)}


class PlacementsAndHours(Process):
    name = "trin 3: placements and paid hours"
    counts = (Tally.BREAKDOWNS,)

    def __init__(self, m):
        b = m.b
        self.p_breakdown = annual_to_weekly(b.breakdown_annual)
        self.p_breakdown_supported = self.p_breakdown * (1.0 - b.retention_support_effect)
        self.months = month_boundaries(m.horizon)

    def step(self, m, week: int) -> None:
        P, b = m.pop, m.b
        placed = np.flatnonzero(P.placement != PL.NONE)
        # planned ends of internships, wage subsidy and housing placements
        ends = placed[P.placement_end[placed] == week]
        if len(ends):
            kind = P.placement[ends]
            p = np.where(kind == PL.WAGE_SUBSIDY, b.wage_subsidy_conversion,
                         np.where(P.hours_promised[ends], b.internship_conversion,
                                  b.conversion_without_agreement * b.internship_conversion))
            ok = m.draw("placement", ends) < p
            pathway.start_ordinary_hours(m, ends[ok])
            pathway.back_to_trin2(m, ends[~ok], broke_down=False)
        # breakdowns (not in the week ordinary hours began)
        placed = placed[(P.placement[placed] != PL.NONE) & (P.ordinary_since[placed] != week)]
        supported = m.org.retention_support | (P.mentor[placed] >= 0)
        h = np.where(supported, self.p_breakdown_supported, self.p_breakdown)
        pathway.back_to_trin2(m, placed[m.draw("breakdown", placed) < h], broke_down=True)
        if week in self.months:
            self.progress_hours(m, week)

    def progress_hours(self, m, week: int) -> None:
        P, b = m.pop, m.b
        ids = np.flatnonzero((P.state == ST.TRIN3) & (P.placement == PL.ORDINARY) & (P.ordinary_since < week)
                             & (P.ordinary_since >= 0))
        grow = ids[m.draw("hours_growth", ids) < b.hours_growth_probability]
        cap = pathway.FULL_TIME_HOURS * P.health[grow] / 5.0
        pathway.set_hours(m, grow, np.minimum(np.maximum(cap, P.hours[grow]), P.hours[grow] + b.hours_step))
        done = ids[P.hours[ids] >= b.self_sufficiency_hours]
        pathway.go_off_benefit(m, done, OFF.JOB, keep_hours=True)
