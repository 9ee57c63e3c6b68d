"""Trin 3: placements and paid hours (process 4).

* An internship or housing placement ends after 13 weeks (the legal maximum for the
  non-job-ready, activation-practice-2012), wage subsidy after ``wage_subsidy_weeks``; it
  turns into an agreement on ordinary hours with ``internship_conversion`` (×
  ``conversion_without_agreement`` without an agreement on hours 'på sigt') or
  ``wage_subsidy_conversion`` (a job that ends the benefit, or a småjob:
  :func:`sim.model.transitions.start_ordinary_hours`), else the citizen goes back to trin 2
  (an unpaid placement lowering motivation by ``internship_motivation_drop``).
* A placement breaks down with ``breakdown_annual``, less ``retention_support_effect``
  with retention support (dedicated staff, or a caseworker's follow-up call within the
  last ``followup_interval_weeks``, process 11) or a mentor; trin 2 is then repeated
  (jobgaranti-midway-2019, the trin model).
* In each week a new month begins småjob hours grow by ``hours_step`` with
  ``hours_growth_probability``, up to full time × health factor / 5 (never cut back); at
  ``self_sufficiency_hours`` the citizen leaves benefit through the job.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import njit

from sim.spec.parameters import WEEKS_PER_MONTH, annual_to_weekly

from ..declare import transition
from ..rng import Stream, uniforms
from ..states import OffKind, Placement, State
from ..transitions import FULL_HEALTH, FULL_TIME_HOURS, back_to_trin2, go_off_benefit, set_hours, start_ordinary_hours
from .base import WEEK, Process

Trin3Params = namedtuple("Trin3Params", ["p_convert", "p_convert_no_agreement", "p_convert_subsidy", "p_breakdown",
                                    "p_breakdown_supported", "retention_support", "month_starts", "p_growth",
                                    "hours_step", "self_sufficiency_hours"])


def month_starts(horizon: int) -> np.ndarray:
    """For each week of the run: does a new month begin (months of 52/12 weeks)?"""
    starts = np.zeros(horizon + 1, dtype=np.bool_)
    for k in range(1, int(horizon / WEEKS_PER_MONTH) + 2):
        w = math.ceil(k * WEEKS_PER_MONTH)
        if w <= horizon:
            starts[w] = True
    return starts


@transition(reads=("placement", "placement_end", "hours_promised", "ordinary_since", "mentor", "followed_until", "state",
                   "health", "hours"),
            calls=(start_ordinary_hours, back_to_trin2, set_hours, go_off_benefit),
            streams=(Stream.PLACEMENT_END, Stream.BREAKDOWN, Stream.HOURS_GROWTH))
@njit(cache=True)
def placements_and_hours(C, par, T, week, keys, tally):  # pragma: no cover - compiled
    new_month = par.month_starts[week]
    for i in range(C.placement.shape[0]):
        kind = C.placement[i]
        if kind == Placement.NONE:
            continue
        # the planned end of an internship, wage subsidy or housing placement
        if C.placement_end[i] == week:
            if kind == Placement.WAGE_SUBSIDY:
                p = par.p_convert_subsidy
            else:
                p = par.p_convert if C.hours_promised[i] else par.p_convert_no_agreement
            if uniforms(keys[Stream.PLACEMENT_END], week, i, 0)[0] < p:
                start_ordinary_hours(C, i, week, T, keys)
            else:
                back_to_trin2(C, i, False, week, T, keys, tally)
        # breakdowns (not in the week ordinary hours began)
        if C.placement[i] != Placement.NONE and C.ordinary_since[i] != week:
            supported = par.retention_support or C.mentor[i] >= 0 or week < C.followed_until[i]
            h = par.p_breakdown_supported if supported else par.p_breakdown
            if uniforms(keys[Stream.BREAKDOWN], week, i, 0)[0] < h:
                back_to_trin2(C, i, True, week, T, keys, tally)
        # progression in hours, at the start of a month
        if (new_month and C.state[i] == State.TRIN3 and C.placement[i] == Placement.ORDINARY
                and 0 <= C.ordinary_since[i] < week):
            if uniforms(keys[Stream.HOURS_GROWTH], week, i, 0)[0] < par.p_growth:
                cap = FULL_TIME_HOURS * C.health[i] / FULL_HEALTH
                set_hours(C, i, min(max(cap, C.hours[i]), C.hours[i] + par.hours_step), week)
            if C.hours[i] >= par.self_sufficiency_hours:
                go_off_benefit(C, i, OffKind.JOB, True, week, T, keys)


class PlacementsAndHours(Process):
    name = "trin 3: placements and paid hours"
    calls = (placements_and_hours,)

    def __init__(self, m):
        super().__init__(m)
        b = m.b
        p_breakdown = annual_to_weekly(b.breakdown_annual)
        self.par = Trin3Params(p_convert=float(b.internship_conversion),
                          p_convert_no_agreement=float(b.conversion_without_agreement * b.internship_conversion),
                          p_convert_subsidy=float(b.wage_subsidy_conversion), p_breakdown=float(p_breakdown),
                          p_breakdown_supported=float(p_breakdown * (1.0 - b.retention_support_effect)),
                          retention_support=bool(m.org.retention_support), month_starts=month_starts(m.horizon),
                          p_growth=float(b.hours_growth_probability), hours_step=float(b.hours_step),
                          self_sufficiency_hours=float(b.self_sufficiency_hours))

    def plan(self, m):
        return ((placements_and_hours, (self.par, m.T, WEEK, m.keys, m.tally)),)
